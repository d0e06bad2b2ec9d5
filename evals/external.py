"""`python -m evals external`: a generality benchmark on an external reading-comprehension set.

The set (default /work/shared/external/squad-da-dev) is a folder with ``docs/*.txt`` (one
article a file: a title line, then paragraphs) and ``questions.jsonl`` ({id, question,
answer, alt_answers, context_file, answer_start, lang}).

* The set gets its own corpus folder and index under ``data/external/<set>/<selection>/``,
  one per choice of corpus articles, so runs with different selections (the full set, the
  ``--sample`` gate, a fitting script) never rebuild or reload each other's index. The
  main corpus and index are never touched. The embedding cache is the set's own
  (``data/external/<set>/embedding-cache.sqlite``), shared by its selections: the main
  cache holds none of these texts, so sharing it would only grow it.
* A few "left-out" articles are not copied into the corpus: their questions are asked of
  a corpus that does not hold the answer and must be refused.
* Articles are split into "dev" and "test" by their number (``article_split``), so general
  weights can be fitted on dev and checked on test.

Never add rules for this set's wording: it is a benchmark of what the assistant does on
documents it was not tuned on.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from statistics import median
from typing import Any

import tomli_w

from assistant.engine import Assistant, build_assistant
from assistant.model import AnswerModel
from core.config import PROJECT_ROOT, Settings, load_settings
from core.errors import AssistantError, UsageError
from evals import metrics, report
from ingest.manifest import load_manifest_text

DEFAULT_SET = PROJECT_ROOT.parent / "shared" / "external" / "squad-da-dev"  # ../shared beside the clone
WORK_ROOT = PROJECT_ROOT / "data" / "external"
KIND = "Wikipedia-artikel"
# A title line, then paragraphs of running prose. "sections" takes the title line as the
# heading and context of every passage and cuts the text at sentence boundaries into
# passages of at most chunk.max_chars. ("paragraphs" is the OCR scan's layout: it takes
# the title for body text, labels every passage "Indledning" and indexes each paragraph
# twice, in overlapping windows of up to ~2,400 characters.)
LAYOUT = "sections"
LEAVE_OUT_FIRST, LEAVE_OUT_STEP, LEAVE_OUT_COUNT = 3, 7, 3  # sorted indices 3, 10, 17
SAMPLE_PER_SPLIT = 4
MARKER = "[1]"
SPLITS = ("dev", "test")
_NUMBER = re.compile(r"^squad-da-(\d+)-")
_QUESTION_FIELDS = {"id", "question", "answer", "context_file"}


# -- the set and its selections (pure) ------------------------------------------------
def article_split(name: str) -> str:
    """'test' when the article's number NN (squad-da-NN-…) divided by 2 is odd, else 'dev'."""
    match = _NUMBER.match(Path(name).name)
    if not match:
        raise ValueError(f"{name}: artiklens navn har ikke formen squad-da-NN-…; den kan ikke deles i dev/test")
    return "test" if (int(match[1]) // 2) % 2 == 1 else "dev"


def default_leave_out(names: list[str]) -> list[str]:
    """The fixed left-out articles: every 7th in sorted order from the 4th (indices 3, 10,
    17), which for squad-da-dev gives articles of both splits."""
    return sorted(names)[LEAVE_OUT_FIRST::LEAVE_OUT_STEP][:LEAVE_OUT_COUNT]


def sample_selection(names: list[str]) -> tuple[list[str], list[str]]:
    """The ``--sample`` gate: (4 dev and 4 test corpus articles, 1 left-out article).

    The corpus articles are spread evenly over each split's articles that are not left
    out by default (the middle of each quarter); the left-out one is the first default
    left-out article."""
    leave = default_leave_out(names)
    chosen: list[str] = []
    for split in SPLITS:
        pool = [n for n in sorted(names) if article_split(n) == split and n not in leave]
        picks = sorted({(2 * k + 1) * len(pool) // (2 * SAMPLE_PER_SPLIT) for k in range(SAMPLE_PER_SPLIT)})
        chosen += [pool[i] for i in picks if i < len(pool)]
    return sorted(chosen), leave[:1]


def resolve_articles(names: list[str], wanted: list[str]) -> list[str]:
    """Article file names from names given with or without ``.txt``; unknown ones raise."""
    by_stem = {Path(n).stem: n for n in names}
    out, unknown = [], []
    for raw in wanted:
        name = raw.strip()
        if not name:
            continue
        found = name if name in names else by_stem.get(name)
        if found is None:
            unknown.append(name)
        elif found not in out:
            out.append(found)
    if unknown:
        raise ValueError(f"ukendt artikel: {', '.join(unknown)}; gyldige: {', '.join(sorted(names))}")
    return out


def select(names: list[str], articles: list[str] | None, leave_out: list[str] | None) -> tuple[list[str], list[str]]:
    """(corpus articles, left-out articles). ``articles`` are the articles to evaluate (all
    by default); ``leave_out`` are kept out of the corpus (by default the fixed left-out
    articles among ``articles``) and are evaluated too."""
    chosen = sorted(names) if articles is None else resolve_articles(names, articles)
    if leave_out is None:
        left = [n for n in default_leave_out(names) if n in chosen]
    else:
        left = resolve_articles(names, leave_out)
    corpus = sorted(n for n in chosen if n not in left)
    if not corpus:
        raise ValueError("alle valgte artikler er udeladt; korpusset ville være tomt")
    return corpus, sorted(left)


# -- scoring (pure) -------------------------------------------------------------------
def golds(item: dict[str, Any]) -> list[str]:
    """The accepted answer spans: ``answer`` and any ``alt_answers``, empty ones dropped."""
    return [g for g in [item["answer"], *item.get("alt_answers", [])] if g and g.strip()]


def contains_gold(text: str, spans: list[str]) -> bool:
    """Does ``text`` hold one of ``spans`` (whitespace collapsed, casefolded)?"""
    haystack = metrics.norm(text)
    return any(metrics.norm(g) in haystack for g in spans if g.strip())


def first_sentence(answer_text: str) -> str:
    """The answer's first statement: its text before the first citation marker "[1]"."""
    cut = answer_text.find(MARKER)
    return (answer_text if cut < 0 else answer_text[:cut]).strip()


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of some rows (answerable and left-out ones). Shares of answerable
    questions count a refusal as a miss; the median length is over answered questions."""
    answerable = [r for r in rows if not r["left_out"]]
    left = [r for r in rows if r["left_out"]]
    refused = [r for r in answerable if not r["answered"]]
    given = [r for r in answerable if r["answered"]]
    lengths = [r["answer_chars"] for r in answerable if r["answered"]]
    latencies = [r["latency_ms"] for r in rows]
    return {
        "answerable": len(answerable),
        "left_out_questions": len(left),
        "answer_contains_gold": _share([r["contains_gold"] for r in answerable]),
        "gold_doc_cited": _share([r["gold_doc_cited"] for r in answerable]),
        "wrongly_refused": _share([not r["answered"] for r in answerable]),
        "wrongly_refused_count": len(refused),
        "median_answer_chars": median(lengths) if lengths else None,
        "gold_in_first_sentence": _share([r["gold_in_first_sentence"] for r in answerable]),
        "uncertain": _share([r.get("uncertain", False) for r in given]),
        "accuracy_sure": _share([r["contains_gold"] for r in given if not r.get("uncertain")]),
        "accuracy_uncertain": _share([r["contains_gold"] for r in given if r.get("uncertain")]),
        "found_elsewhere": _share(
            [r.get("found_elsewhere", False) for r in given if r.get("uncertain") and not r["contains_gold"]]
        ),
        "left_out_refused": _share([not r["answered"] for r in left]),
        "left_out_answered_count": sum(1 for r in left if r["answered"]),
        # answered as if the article were there, with no flag that it may be wrong
        "left_out_unflagged": _share([r["answered"] and not r.get("uncertain") for r in left]),
        "latency_p50_ms": round(median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(metrics.percentile(latencies, 95), 1) if latencies else None,
    }


def summary_by_split(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {"all": summarise(rows), **{s: summarise([r for r in rows if r["split"] == s]) for s in SPLITS}}


# -- the set on disk --------------------------------------------------------------------
def set_articles(set_dir: Path) -> list[str]:
    """The article file names of a set; a folder that is not a set raises UsageError."""
    if not set_dir.is_dir():
        raise UsageError(f"Testsættet {set_dir} findes ikke.")
    docs = set_dir / "docs"
    names = sorted(p.name for p in docs.glob("*.txt")) if docs.is_dir() else []
    if not names:
        raise UsageError(f"Testsættet {set_dir} har ingen artikler i docs/*.txt.")
    if not (set_dir / "questions.jsonl").is_file():
        raise UsageError(f"Testsættet {set_dir} har ingen questions.jsonl.")
    return names


def load_questions(set_dir: Path, names: list[str]) -> list[dict[str, Any]]:
    """The set's questions, each with its ``split``; a malformed line raises ValueError."""
    path = set_dir / "questions.jsonl"
    items = []
    for number, item in metrics.read_jsonl(path):
        if not isinstance(item, dict) or _QUESTION_FIELDS - set(item):
            raise ValueError(f"{path}:{number}: mangler et af felterne {sorted(_QUESTION_FIELDS)}")
        if item["context_file"] not in names:
            raise ValueError(f"{path}:{number}: context_file {item['context_file']!r} er ikke i docs/")
        items.append({**item, "split": article_split(item["context_file"])})
    if not items:
        raise ValueError(f"{path}: ingen spørgsmål")
    return items


def workspace(set_dir: Path, corpus: list[str], root: Path = WORK_ROOT) -> Path:
    """``data/external/<set>/<n>docs-<hash>``: one folder per set of corpus articles."""
    digest = hashlib.sha256("\n".join(sorted(corpus)).encode()).hexdigest()[:10]
    return root / set_dir.resolve().name / f"{len(corpus)}docs-{digest}"


def title_of(text: str, name: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), Path(name).stem)[:200]


def prepare_corpus(set_dir: Path, corpus: list[str], corpus_dir: Path) -> None:
    """Make ``corpus_dir`` hold exactly the chosen articles and their manifest. Files
    that are already identical are left alone, so re-running changes nothing."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for path in corpus_dir.glob("*.txt"):
        if path.name not in corpus:
            path.unlink()
    blocks = []
    for name in corpus:
        data = (set_dir / "docs" / name).read_bytes()
        target = corpus_dir / name
        if not target.is_file() or target.read_bytes() != data:
            tmp = target.with_name(f".{name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        entry = {"file": name, "title": title_of(data.decode("utf-8"), name), "kind": KIND, "layout": LAYOUT}
        blocks.append("[[document]]\n" + tomli_w.dumps(entry))
    manifest = f"# Made by evals/external.py from {set_dir}; do not edit.\n\n" + "\n".join(blocks)
    load_manifest_text(manifest)
    target = corpus_dir / "manifest.toml"
    if not target.is_file() or target.read_text(encoding="utf-8") != manifest:
        target.write_text(manifest, encoding="utf-8")


def external_settings(settings: Settings, set_dir: Path, corpus: list[str]) -> Settings:
    """``settings`` with the corpus, index and cache of this selection; always the
    embedded store (never a configured Chroma server, which holds the main index)."""
    work = workspace(set_dir, corpus)
    return load_settings(
        **{
            **settings.model_dump(),
            "corpus_dir": work / "corpus",
            "data_dir": work / "data",
            "embedding_cache": work.parent / "embedding-cache.sqlite",
            "chroma_host": None,
        }
    )


# -- running it ---------------------------------------------------------------------------
def _prepare(
    settings: Settings, set_dir: Path, articles: list[str] | None, leave_out: list[str] | None
) -> tuple[Settings, list[str], list[str], list[dict[str, Any]], float]:
    from ingest.pipeline import run_ingest

    names = set_articles(set_dir)
    questions = load_questions(set_dir, names)
    corpus, left = select(names, articles, leave_out)
    ext = external_settings(settings, set_dir, corpus)
    prepare_corpus(set_dir, corpus, ext.corpus_dir)
    started = time.perf_counter()
    done = run_ingest(ext)
    seconds = time.perf_counter() - started
    if done.failed:
        raise AssistantError("Artikler kunne ikke indekseres: " + "; ".join(e.message for e in done.failed))
    return ext, corpus, left, questions, seconds


def external_assistant(
    settings: Settings,
    set_dir: Path,
    articles: list[str] | None = None,
    leave_out: list[str] | None = None,
    answer_model: AnswerModel | None = None,
) -> tuple[Assistant, list[dict[str, Any]], list[dict[str, Any]]]:
    """(the assistant over the selection's corpus, the answerable items, the left-out
    items). Builds or updates the selection's index first. Items are the set's question
    dicts with ``split`` ("dev"/"test") and ``left_out``."""
    ext, corpus, left, questions, _ = _prepare(settings, set_dir, articles, leave_out)
    return build_assistant(ext, answer_model=answer_model), *_items(questions, corpus, left)


def _items(
    questions: list[dict[str, Any]], corpus: list[str], left: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    answerable = [{**q, "left_out": False} for q in questions if q["context_file"] in corpus]
    left_items = [{**q, "left_out": True} for q in questions if q["context_file"] in left]
    return answerable, left_items


def evaluate(assistant: Assistant, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per item (answerable or left-out)."""
    rows = []
    for item in items:
        started = time.perf_counter()
        error = None
        try:
            answer = assistant.trace(item["question"]).answer.model_dump()
        except AssistantError as exc:  # an unusable question counts as not answered
            answer, error = {"answer": "", "answered": False, "citations": []}, exc.message
        latency = (time.perf_counter() - started) * 1000
        text, answered = answer["answer"], bool(answer["answered"])
        sources = sorted({Path(c["source"]).name for c in answer["citations"]})
        spans = golds(item)
        rows.append(
            {
                "id": item["id"],
                "article": item["context_file"],
                "split": item["split"],
                "left_out": item["left_out"],
                "question": item["question"],
                "gold": spans,
                "answered": answered,
                "contains_gold": answered and contains_gold(text, spans),
                "gold_doc_cited": answered and item["context_file"] in sources,
                "gold_in_first_sentence": answered and contains_gold(first_sentence(text), spans),
                "uncertain": bool(answer.get("uncertain")),
                # the gold in the other places an uncertain answer points to (not counted as the answer)
                "found_elsewhere": any(contains_gold(c["quote"], spans) for c in answer.get("also", [])),
                "answer_chars": len(text),
                "latency_ms": round(latency, 2),
                "cited_sources": sources,
                "answer": text,
                **({"error": error} if error else {}),
            }
        )
    return rows


def run_external(
    settings: Settings, set_dir: Path, articles: list[str] | None = None, leave_out: list[str] | None = None
) -> dict[str, Any]:
    """Build (or reuse) the selection's index, ask every question, score it:
    {set, corpus_dir, articles, left_out, summary {all, dev, test}, timings, rows}."""
    ext, corpus, left, questions, ingest_s = _prepare(settings, set_dir, articles, leave_out)
    started = time.perf_counter()
    assistant = build_assistant(ext)
    build_s = time.perf_counter() - started
    answerable, left_items = _items(questions, corpus, left)
    started = time.perf_counter()
    rows = evaluate(assistant, answerable + left_items)
    questions_s = time.perf_counter() - started
    return {
        "set": str(set_dir),
        "corpus_dir": str(ext.corpus_dir),
        "data_dir": str(ext.data_dir),
        "articles": {name: article_split(name) for name in corpus},
        "left_out": {name: article_split(name) for name in left},
        "summary": summary_by_split(rows),
        "timings": {
            "ingest_s": round(ingest_s, 2),
            "open_s": round(build_s, 2),
            "questions_s": round(questions_s, 2),
        },
        "rows": rows,
    }


# -- output ---------------------------------------------------------------------------------
LABELS = (
    ("answer_contains_gold", "svaret indeholder guldsvaret"),
    ("gold_doc_cited", "guld-artiklen er citeret"),
    ("wrongly_refused", "fejlagtigt afvist"),
    ("median_answer_chars", "median svarlængde (tegn)"),
    ("gold_in_first_sentence", "guldsvaret i første sætning"),
    ("uncertain", "svar markeret usikre"),
    ("accuracy_sure", "rigtige blandt sikre svar"),
    ("accuracy_uncertain", "rigtige blandt usikre svar"),
    ("found_elsewhere", "forkerte usikre: guld i de andre steder"),
    ("left_out_refused", "udeladte artikler afvist"),
    ("left_out_unflagged", "udeladte besvaret uden usikker-markering"),
    ("latency_p50_ms", "svartid p50 (ms)"),
    ("latency_p95_ms", "svartid p95 (ms)"),
)


def _cell(key: str, figures: dict[str, Any]) -> str:
    value = figures[key]
    if value is None:
        return "–"
    if key == "wrongly_refused":
        return f"{value:.3f} ({figures['wrongly_refused_count']})"
    if key == "left_out_refused":
        return f"{value:.3f} (af {figures['left_out_questions']})"
    if key.endswith(("_ms", "_chars")):
        return f"{value:.0f}"
    return f"{value:.3f}"


def table(summary: dict[str, dict[str, Any]]) -> str:
    lines = ["| mål | alle | dev | test |", "|---|---|---|---|"]
    counts = " | ".join(str(summary[c]["answerable"]) for c in ("all", *SPLITS))
    lines.append(f"| besvarbare spørgsmål | {counts} |")
    for key, label in LABELS:
        lines.append(f"| {label} | " + " | ".join(_cell(key, summary[c]) for c in ("all", *SPLITS)) + " |")
    return "\n".join(lines)


def _listing(articles: dict[str, str]) -> str:
    return ", ".join(f"{name} ({split})" for name, split in articles.items()) or "ingen"


def markdown(result: dict[str, Any], misses: int = 15) -> str:
    rows = result["rows"]
    timings = result["timings"]
    lines = [
        f"# External benchmark: {Path(result['set']).name}",
        "",
        f"Corpus ({len(result['articles'])} articles, `{result['corpus_dir']}`): {_listing(result['articles'])}",
        "",
        f"Left out (questions must be refused): {_listing(result['left_out'])}",
        "",
        f"Ingest {timings['ingest_s']:.1f} s, opening {timings['open_s']:.1f} s, "
        f"questions {timings['questions_s']:.1f} s.",
        "",
        table(result["summary"]),
        "",
        "Shares of answerable questions count a refusal as a miss; the median length is over answered ones.",
    ]
    refused = [r for r in rows if not r["left_out"] and not r["answered"]]
    answered_left = [r for r in rows if r["left_out"] and r["answered"]]
    wrong = [r for r in rows if not r["left_out"] and r["answered"] and not r["contains_gold"]]
    for title, chosen in (
        ("Wrongly refused", refused),
        ("Answered without the gold span", wrong),
        ("Left-out questions answered", answered_left),
    ):
        if chosen:
            lines += ["", f"## {title} ({len(chosen)}, first {min(misses, len(chosen))})", ""]
            for r in chosen[:misses]:
                lines.append(f"- `{r['id']}` ({r['split']}, {r['article']}): {r['question']} — gold {r['gold'][:3]}")
    return "\n".join(lines) + "\n"


def main(settings: Settings, set_dir: Path | None, sample: bool, articles: str | None, leave_out: str | None) -> int:
    """The CLI command; errors propagate to evals.cli, which prints them as one line."""
    set_dir = set_dir or DEFAULT_SET
    chosen = _names(articles)
    left = _names(leave_out)
    if sample:
        if chosen is not None or left is not None:
            raise UsageError("--sample kan ikke kombineres med --articles eller --leave-out.")
        chosen, left = sample_selection(set_articles(set_dir))
    result = run_external(settings, set_dir, chosen, left)
    custom = "-sample" if sample else "" if chosen is None and left is None else "-selection"
    name = f"external-{set_dir.resolve().name}{custom}"
    path = report.write(settings.eval.reports_dir, name, result, markdown(result))
    timings = result["timings"]
    print(f"Korpus: {len(result['articles'])} artikler i {result['corpus_dir']}")
    print(f"Udeladt (skal afvises): {_listing(result['left_out'])}")
    print(
        f"Indeksering {timings['ingest_s']:.1f} s, åbning {timings['open_s']:.1f} s, "
        f"spørgsmål {timings['questions_s']:.1f} s"
    )
    print(table(result["summary"]))
    print(f"Rapport: {path}")
    return 0


def _names(value: str | None) -> list[str] | None:
    return None if value is None else [n for n in value.split(",") if n.strip()]
