"""Answers over time and with reasons from the trial register (assistant/gather.py), on a
hand-made register over two small documents of different dates."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.catalog import Catalog
from assistant.gather import Gathered, Gatherer, GatherWords
from assistant.messages import set_note
from assistant.query import parse
from core.index_schema import Span
from core.register import Conclusion, Register, RegisterCitation, Statement, Trial, TrialStatus

OLD = "beslutning.txt"
NEW = "status.txt"
AGAIN = "gentaget.txt"  # a later document that says again what the decision said
TITLES = {OLD: "Regeringens beslutning", NEW: "Status på forsøgene", AGAIN: "Opfølgning"}
DATES = {OLD: "2021-08-26", NEW: "2022-03-01", AGAIN: "2022-06-01"}
TEXTS = {
    OLD: (
        "Tabel 1\nForsøg, der forlænges til udgangen af 2022\nMikrolån\tAalborg\nPsykologhjælp\tThisted\n"
        "Tabel 2\nForsøg, der stopper 31/12-21\n"
        "Psykologsamtaler\t<p>Forsøget har ikke givet flere samtaler. Det skyldes, at for få har deltaget. "
        "Kommunen er enig.</p><p>Der er heller ingen penge.</p>\n"
        "Mentorregler\t<p>Reglerne er allerede ændret i loven.</p>\n"
        "Tabel 3\nForsøg, der udbredes\nKortere møder\tRebild\n"
    ),
    NEW: (
        "Status\n\nEn række af forsøgene er blevet forlænget frem til udgangen af 2023. "
        "De øvrige forsøg stopper ved udgangen af 2021.\n"
    ),
    AGAIN: "Opfølgning\n\nForsøgene er forlænget til udgangen af 2022. De øvrige forsøg stopper 31/12-21.\n",
}
VOCABULARY = {"forlænget": ["forlænges"], "stopper": ["stopper"], "udbredt": ["udbredes"]}
ENDS = ["udløber", "ophører"]
LEAD = "Dokumenterne siger forskelligt over tid. Nyeste først:"


def cite(source: str, quote: str, after: str = "") -> RegisterCitation:
    text = TEXTS[source]
    start = text.index(quote, text.index(after) if after else 0)
    return RegisterCitation(
        source=source,
        title=TITLES[source],
        quote=quote,
        start=start,
        end=start + len(quote),
        date=DATES[source],
    )


def trial(title: str, status: str, caption: str, until: str = "", reasons: tuple[str, ...] = ()) -> Trial:
    return Trial(
        title=title,
        citation=cite(OLD, title),
        status=TrialStatus(
            value=status,  # type: ignore[arg-type]
            until=until,
            citation=cite(OLD, caption),
            until_citation=cite(OLD, until, caption) if until else None,
        ),
        reasons=[Conclusion(text=r, citation=cite(OLD, r, title)) for r in reasons],
    )


def statement(predicate: str, sentence: str, until: str, phrase: str, source: str = NEW) -> Statement:
    return Statement(
        predicate=predicate,
        until=until,
        until_phrase=phrase,
        text=sentence,
        citation=cite(source, sentence),
        until_citation=cite(source, until, sentence),
    )


REASON = "Forsøget har ikke givet flere samtaler. Det skyldes, at for få har deltaget. Kommunen er enig."


def register() -> Register:
    extended = "Forsøg, der forlænges til udgangen af 2022"
    stopping = "Forsøg, der stopper 31/12-21"
    return Register(
        trials=[
            trial("Mikrolån", "forlænget", extended, "udgangen af 2022"),
            trial("Psykologhjælp", "forlænget", extended, "udgangen af 2022"),
            trial(
                "Psykologsamtaler",
                "stopper",
                stopping,
                "31/12-21",
                (REASON, "Der er heller ingen penge."),
            ),
            trial("Mentorregler", "stopper", stopping, "31/12-21", ("Reglerne er allerede ændret i loven.",)),
            trial("Kortere møder", "udbredt", "Forsøg, der udbredes"),
        ],
        statements=[
            statement(
                "forlænget",
                "En række af forsøgene er blevet forlænget frem til udgangen af 2023.",
                "udgangen af 2023",
                "frem til udgangen af 2023",
            ),
            statement(
                "stopper",
                "De øvrige forsøg stopper ved udgangen af 2021.",
                "udgangen af 2021",
                "ved udgangen af 2021",
            ),
        ],
    )


def ask(question: str, catalog: Catalog | None = None, statements: list[Statement] | None = None) -> Gathered | None:
    held = register()
    if statements is not None:
        held.statements = statements
    gatherer = Gatherer.build(held, GatherWords(status=VOCABULARY, ends=ENDS))
    return gatherer.gather(parse(question, 500), catalog or Catalog({}, {}), {}, TEXTS.get)


def verbatim(got: Gathered) -> bool:
    return all(TEXTS[c.source][c.start : c.end] == c.quote for c in got.citations)


def test_different_until_values_from_documents_of_different_dates_lead_with_the_change_newest_first() -> None:
    got = ask("Til hvornår er forsøgene forlænget?")
    assert got is not None
    first, *lines = got.text.splitlines()
    assert first.startswith(LEAD)
    assert first.index("Status på forsøgene") < first.index("Regeringens beslutning")  # newest first
    assert "(01-03-2022)" in first and "(26-08-2021)" in first
    assert "frem til udgangen af 2023" in first and "til udgangen af 2022" in first
    assert len(lines) == 2
    assert lines[0].startswith("- »Status på forsøgene«") and "frem til udgangen af 2023" in lines[0]
    assert lines[1].startswith("- »Regeringens beslutning«") and "udgangen af 2022" in lines[1]
    assert [c.source for c in got.citations] == [NEW, OLD]
    assert verbatim(got)
    assert got.citations[1].quote == "udgangen af 2022"


def test_equal_values_written_differently_from_different_dates_get_no_change_lead() -> None:
    # the decision says "31/12-21", the later status "udgangen af 2021": the same date
    got = ask("Hvornår stopper forsøgene?")
    assert got is not None
    assert "forskelligt" not in got.text
    assert [c.source for c in got.citations] == [NEW, OLD]
    assert {c.quote for c in got.citations} == {"De øvrige forsøg stopper ved udgangen af 2021.", "31/12-21"}
    assert verbatim(got)


def test_a_question_naming_one_trial_answers_for_it_alone_with_the_set_statement_noted() -> None:
    got = ask("Hvornår stopper mentorforsøget?")
    assert got is not None
    lines = got.text.splitlines()
    assert lines[0] == "Om Mentorregler:"
    assert "Psykologsamtaler" not in got.text
    statement_line = next(line for line in lines if "De øvrige forsøg stopper" in line)
    assert set_note("forsøg") in statement_line
    trial_line = next(line for line in lines[1:] if line is not statement_line and "Mentorregler" in line)
    assert "31/12-21" in trial_line
    assert verbatim(got)


def test_one_trial_with_values_that_changed_leads_with_the_change_and_leaves_the_others_out() -> None:
    got = ask("Til hvornår er forsøget med mikrolån forlænget?")
    assert got is not None
    assert got.text.splitlines()[0].startswith(LEAD)
    assert "Psykologhjælp" not in got.text
    assert set_note("forsøg") in got.text
    assert any(line.startswith("- ") and "Mikrolån" in line for line in got.text.splitlines())
    assert got.count == 2  # the trial's value (one trial, not two) and the set statement
    assert verbatim(got)


def test_a_trial_word_that_names_two_trials_falls_through() -> None:
    # "psykolog" is in Psykologhjælp and in Psykologsamtaler
    assert ask("Hvornår stopper psykologforsøget?") is None


def test_a_year_no_value_states_falls_through_and_one_that_does_is_answered() -> None:
    assert ask("Er forsøgene forlænget til 2025?") is None
    got = ask("Er forsøgene forlænget til 2023?")
    assert got is not None and "udgangen af 2023" in got.text


def test_a_year_stated_only_as_a_short_date_is_answered() -> None:
    got = ask("Stopper forsøgene i 2021?", statements=[])  # only the decision's "31/12-21"
    assert got is not None and "31/12-21" in got.text


def test_a_date_question_not_about_the_items_falls_through() -> None:
    assert ask("Hvornår trådte loven i kraft?") is None


def test_an_ends_question_gathers_every_dated_end() -> None:
    got = ask("Hvornår udløber forsøgene?")
    assert got is not None
    assert got.text.startswith(LEAD)  # 2023 and 2022 disagree
    assert "udgangen af 2023" in got.text and "31/12-21" in got.text
    assert verbatim(got)


def test_an_ends_question_over_documents_that_say_the_same_has_no_change_lead() -> None:
    again = [
        statement(
            "forlænget",
            "Forsøgene er forlænget til udgangen af 2022.",
            "udgangen af 2022",
            "til udgangen af 2022",
            AGAIN,
        ),
        statement("stopper", "De øvrige forsøg stopper 31/12-21.", "31/12-21", "31/12-21", AGAIN),
    ]
    got = ask("Hvornår udløber forsøgene?", statements=again)
    assert got is not None
    assert "forskelligt" not in got.text


def _items(got: Gathered) -> list[str]:
    return [line for line in got.text.splitlines() if line.startswith("- ")]


def test_a_list_question_asking_why_gives_each_item_its_first_reason_cited_whole() -> None:
    got = ask("Hvilke forsøg stopper, og hvorfor?")
    assert got is not None and got.count == 2
    items = _items(got)
    assert [line.split(" [")[0] for line in items] == ["- Psykologsamtaler", "- Mentorregler"]
    quotes = {c.quote for c in got.citations}
    assert REASON in quotes  # no indexed sentences: the whole first paragraph
    assert "Reglerne er allerede ændret i loven." in quotes
    assert "Der er heller ingen penge." not in got.text  # only the first reason
    assert items[0].endswith(f": {REASON} [{next(c.n for c in got.citations if c.quote == REASON)}]")
    assert verbatim(got)


def test_a_list_question_without_why_gives_no_reason() -> None:
    got = ask("Hvilke forsøg stopper?")
    assert got is not None and got.count == 2
    assert all(line.count("[") == 1 for line in _items(got))
    assert "skyldes" not in got.text and "Reglerne" not in got.text


def test_with_indexed_sentences_the_reason_runs_to_the_first_causal_sentence() -> None:
    text = TEXTS[OLD]
    start = text.index(REASON)
    sentences = ["Forsøget har ikke givet flere samtaler.", "Det skyldes, at for få har deltaget.", "Kommunen er enig."]
    spans = tuple(Span(text.index(s, start), text.index(s, start) + len(s), "sentence") for s in sentences)
    passage = SimpleNamespace(meta=SimpleNamespace(source=OLD), spans=spans)
    got = ask("Hvilke forsøg stopper, og hvorfor?", Catalog({"p": passage}, {}))  # type: ignore[dict-item]
    assert got is not None
    quotes = {c.quote for c in got.citations}
    assert "Forsøget har ikke givet flere samtaler. Det skyldes, at for få har deltaget." in quotes
    assert REASON not in quotes
    assert verbatim(got)


def test_a_typed_question_word_and_a_swapped_letter_still_gather() -> None:
    # "Hvike" is read as "hvilke" (assistant/query.py QUESTION_WORDS); the item word's
    # misspelling is matched by the index's correction, which an empty catalog cannot
    # make, so the item word is spelled right here.
    assert parse("Hvike forsøg stopper?", 500).kind == "list"
    assert parse("hvlike forsøg stopper", 500).kind == "list"
    assert parse("Wqich trials stop?", 500).kind == "list"
    assert parse("hvem stopper", 500).kind == "who"  # short question words are not guessed


def test_a_malformed_vocabulary_file_gathers_nothing_quietly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.gather import load_vocabulary

    for text in ('until = "x"\n', "status = 3\n", "[status\n", "status = {a = 1}\n"):
        path = tmp_path / "register.toml"
        path.write_text(text, encoding="utf-8")
        assert load_vocabulary(path) == ({}, [])
