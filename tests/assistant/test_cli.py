"""`python -m assistant` as a user runs it: real encoder, real index, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, Settings

pytestmark = pytest.mark.model


def _run(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir)}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
    )


def test_ask_prints_answer_and_sources_for_a_person(real_index: Settings) -> None:
    done = _run(real_index, "ask", "Hvilke forsøg stopper 31/12-21?")
    assert done.returncode == 0, done.stderr
    assert "Fremme af iværksætteri for dimittender" in done.stdout
    assert "Kilder:" in done.stdout and "[1]" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_ask_json_has_the_documented_keys_and_exact_quotes(real_index: Settings) -> None:
    done = _run(real_index, "ask", "--json", "Hvor mange forsøg blev forlænget med regeringens udspil i august 2021?")
    payload = json.loads(done.stdout)
    assert set(payload) == {
        "question",
        "answer",
        "answered",
        "citations",
        "context",
        "read_as",
        "incomplete",
        "notice",
        "scope",
        "searched",
        "uncertain",
        "also",
        "maybe_not_covered",
        "timings_ms",
    }
    assert payload["incomplete"] == [] and payload["notice"] == ""  # the whole corpus is indexed
    assert payload["scope"] == "" and payload["searched"] == []  # every document was searched
    for c in payload["citations"] + payload["also"]:
        assert set(c) == {
            "n",
            "source",
            "title",
            "locator",
            "quote",
            "start",
            "end",
            "score",
            "date",
            "reading",
            "repairs",
        }
        assert c["reading"] and c["reading"] in payload["answer"]
        text = (PROJECT_ROOT / c["source"]).read_bytes().decode("utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]


def test_stdin_batch_gives_one_json_line_per_question(real_index: Settings) -> None:
    questions = "Hvilke forsøg stopper 31/12-21?\n\nHvad er dagpengesatsen i 2024?\nhej\x07\n"
    done = _run(real_index, "ask", "--json", "-", stdin=questions)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3  # the blank line is skipped
    assert lines[0]["answered"] is True and lines[1]["answered"] is False
    assert "kontroltegn" in lines[2]["error"] and lines[2]["code"] == "question"
    assert done.returncode == 2


def test_stdin_json_lines_carry_the_conversation(real_index: Settings) -> None:
    first = "Hvad besluttede regeringen om forsøget med mikrolån?"
    lines_in = [
        json.dumps({"question": "Og hvad viste evalueringen?", "history": [first]}, ensure_ascii=False),
        json.dumps({"question": "Og hvad viste evalueringen?"}, ensure_ascii=False),
        json.dumps({"question": 5}),
        json.dumps({"question": "Hvem?", "history": "abc"}),
        '{"question": "Hvem deltog?", "history": ["Hvad',  # a JSON line cut short
    ]
    done = _run(real_index, "ask", "--json", "-", stdin="\n".join(lines_in) + "\n")
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 5
    assert "mikrolån" in out[0]["read_as"] and out[0]["answer"].startswith("(Læst i sammenhæng med samtalen")
    assert out[1]["read_as"] == "" and out[1]["context"] == []  # no history: read as asked
    assert out[2]["code"] == out[3]["code"] == "usage" and "history" in out[3]["error"]
    assert out[4]["code"] == "usage" and "JSON" in out[4]["error"]


@pytest.mark.parametrize(
    ("question", "fragment"),
    [("", "tomt"), ("   ", "tomt"), ("x" * 20_000, "for langt"), ("hvad\x01", "kontroltegn")],
)
def test_bad_questions_get_one_danish_line_and_exit_2(real_index: Settings, question: str, fragment: str) -> None:
    done = _run(real_index, "ask", question)
    assert done.returncode == 2
    assert done.stdout == "" and fragment in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_unknown_document_filter_is_a_usage_error(real_index: Settings) -> None:
    done = _run(real_index, "ask", "--doc", "corpus/findes-ikke.txt", "Hvilke forsøg stopper?")
    assert done.returncode == 2 and "Ukendt dokument" in done.stderr
    assert "bilag-1-regeringens-opfoelgning-2021.txt" in done.stderr  # the valid names, as --doc takes them
    for name in ("corpus/bilag-1-regeringens-opfoelgning-2021.txt", "bilag-1-regeringens-opfoelgning-2021.txt"):
        done = _run(real_index, "ask", "--json", "--doc", name, "Hvilke forsøg stopper 31/12-21?")
        assert done.returncode == 0, done.stderr
        assert {c["source"] for c in json.loads(done.stdout)["citations"]} == {"corpus/" + name.removeprefix("corpus/")}


def test_an_answer_from_a_partial_index_says_so(tmp_path: Path, real_index: Settings) -> None:
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(real_index.corpus_dir, corpus)
    (corpus / "nyt-notat.txt").write_text("Et notat, der ikke er indekseret endnu.\n", encoding="utf-8")
    done = _run(real_index.model_copy(update={"corpus_dir": corpus}), "ask", "Hvilke forsøg stopper 31/12-21?")
    assert done.returncode == 0, done.stderr
    assert "Bemærk: 1 af 6 dokumenter er ikke indekseret endnu; svaret kan være ufuldstændigt." in done.stdout


def test_missing_index(tmp_path: Path, real_index: Settings) -> None:
    empty = real_index.model_copy(update={"data_dir": tmp_path / "tom"})
    done = _run(empty, "ask", "Hvilke forsøg stopper 31/12-21?")
    assert done.returncode == 1
    assert done.stderr.startswith("Fejl: Der er intet indeks") and "python -m ingest" in done.stderr
    assert "Traceback" not in done.stderr
    # a bad question is a usage error even before there is an index
    assert _run(empty, "ask", "  ").returncode == 2


def test_undecodable_stdin_gets_an_error_line_not_a_traceback(real_index: Settings) -> None:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(real_index.data_dir), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "-"],
        input=b"hvad \xff\xfe er det?\n",
        capture_output=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert "UTF-8" in json.loads(done.stdout.decode())["error"]


def test_the_scope_of_a_filtered_answer_is_printed_with_it() -> None:
    from assistant.cli import format_answer
    from assistant.schema import Answer

    scope = "Svaret bygger kun på 1 af 5 dokumenter: »Bilag 1«."
    answer = Answer(question="Hvad?", answer="Et svar.", answered=True, scope=scope, searched=["corpus/bilag.txt"])
    assert format_answer(answer).splitlines()[:3] == ["Et svar.", "", f"Bemærk: {scope}"]


def test_an_uncertain_answer_prints_its_other_places_apart() -> None:
    from assistant.cli import format_answer
    from assistant.schema import Answer, Citation

    def cite(n: int, quote: str) -> Citation:
        return Citation(n=n, source="corpus/a.txt", title="A", locator="s. 1", quote=quote, start=0, end=9, score=1.0)

    answer = Answer(
        question="Hvad?", answer="Et svar. [1]", answered=True, citations=[cite(1, "Et svar.")],
        uncertain=True, also=[cite(2, "Et andet.")],
    )  # fmt: skip
    lines = format_answer(answer).splitlines()
    assert lines[2] == "Usikkert svar: tjek citatet. Svaret kan også stå her: [2]."
    assert lines[lines.index("Andre steder, der kan svare:") + 1] == "[2] A – s. 1"
    assert lines.index("Kilder:") < lines.index("Andre steder, der kan svare:")


def test_a_question_typed_without_quotes_is_one_question(real_index: Settings) -> None:
    done = _run(real_index, "ask", "--json", "Hvilke", "forsøg", "stopper", "31/12-21?")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["question"] == "Hvilke forsøg stopper 31/12-21?" and answer["answered"]
