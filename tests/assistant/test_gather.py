"""Answers gathered from the trial register (assistant/gather.py), on a hand-made register."""

from __future__ import annotations

from assistant.catalog import Catalog
from assistant.gather import Gathered, Gatherer
from assistant.query import Query, parse
from core.register import Alias, Municipalities, Register, RegisterCitation, Trial, TrialStatus

SOURCE = "status.txt"
TEXT = (
    "Tabel 1\nForsøg, der forlænges\nMikrolån\tAalborg og Thisted\nPsykologhjælp\tThisted\n"
    "Tabel 2\nForsøg, der stopper\nIværksætteri\tAalborg\nMentorregler\tRebild\n"
)
VOCABULARY = {"forlænget": ["forlænges"], "stopper": ["stopper"]}


def cite(quote: str, after: str = "") -> RegisterCitation:
    start = TEXT.index(quote, TEXT.index(after) if after else 0)
    end = start + len(quote)
    return RegisterCitation(source=SOURCE, title="Status", quote=quote, start=start, end=end, date="2021")


def trial(
    title: str, status: str, caption: str, towns: str, alias: Alias | None = None, until: str = "udgangen af 2022"
) -> Trial:
    return Trial(
        title=title,
        citation=cite(title),
        status=TrialStatus(value=status, until=until, citation=cite(caption)),  # type: ignore[arg-type]
        municipalities=Municipalities(value=towns.replace(" og ", ", ").split(", "), citations=[cite(towns, title)]),
        aliases=[alias] if alias else [],
    )


def register(stop: str = "udgangen af 2022") -> Register:
    uncertain = Alias(
        name="Mentorordning",
        source=SOURCE,
        confidence=0.75,
        uncertain=True,
        municipalities=Municipalities(value=["Thisted"], citations=[cite("Thisted", "Psykologhjælp")]),
    )
    return Register(
        trials=[
            trial("Mikrolån", "forlænget", "Forsøg, der forlænges", "Aalborg og Thisted"),
            trial("Psykologhjælp", "forlænget", "Forsøg, der forlænges", "Thisted"),
            trial("Iværksætteri", "stopper", "Forsøg, der stopper", "Aalborg", until=stop),
            trial("Mentorregler", "stopper", "Forsøg, der stopper", "Rebild", uncertain, until=stop),
        ]
    )


def ask(question: str, stop: str = "udgangen af 2022") -> Gathered | None:
    query: Query = parse(question, 500)
    gatherer = Gatherer.build(register(stop), VOCABULARY)
    return gatherer.gather(query, Catalog({}, {}), {}, lambda source: TEXT if source == SOURCE else None)


def test_a_municipality_question_lists_its_trials_with_one_citation_each() -> None:
    got = ask("Hvilke forsøg deltog Thisted i?")
    assert got is not None and got.count == 2
    items = [line for line in got.text.splitlines() if line.startswith("- ")]
    assert [line.split(" [")[0] for line in items] == ["- Mikrolån", "- Psykologhjælp"]
    assert all(line.count("[") == 1 for line in items)
    assert "står 2 forsøg" in got.text
    # the uncertain alias's municipality is named apart, not counted
    assert "Mentorordning" in got.text and "ikke talt med" in got.text


def test_a_status_count_states_the_number_with_the_list() -> None:
    got = ask("Hvor mange forsøg stopper?")
    assert got is not None and got.count == 2
    assert got.text.splitlines()[0].startswith("Under »Forsøg, der stopper« [1] står 2 forsøg")
    assert got.text.splitlines()[1:] == ["- Iværksætteri [2]", "- Mentorregler [3]"]


def test_a_question_naming_no_facet_value_falls_through() -> None:
    assert ask("Hvilke forsøg gav de bedste resultater?") is None
    assert ask("Hvad er et mikrolån?") is None


def test_every_citation_quotes_the_source_text_exactly() -> None:
    for question in ("Hvilke forsøg deltog Aalborg i?", "Hvilke forsøg blev forlænget?"):
        got = ask(question)
        assert got is not None and got.citations
        assert all(c.quote == TEXT[c.start : c.end] and c.source == SOURCE for c in got.citations)


def test_a_year_alone_picks_the_trials_whose_status_runs_to_it_and_says_so() -> None:
    # no status word of the vocabulary ("kører videre", "lukker"): the status dates decide
    running = ask("Hvilke forsøg kører videre i 2022?", stop="31/12-21")
    assert running is not None and running.count == 2
    lines = running.text.splitlines()
    assert lines[0].startswith("Læst ud fra årstallet 2022")
    assert lines[1].startswith("Under »Forsøg, der forlænges« [1] står 2 forsøg")
    assert lines[2:] == ["- Mikrolån [2]", "- Psykologhjælp [3]"]
    closing = ask("hvilke forsog lukker ved nytaar 2021", stop="31/12-21")
    assert closing is not None and [line.split(" [")[0] for line in closing.text.splitlines()[2:]] == [
        "- Iværksætteri",
        "- Mentorregler",
    ]


def test_a_year_no_status_runs_to_or_a_negation_falls_through() -> None:
    assert ask("Hvilke forsøg kører videre i 2019?", stop="31/12-21") is None
    assert ask("Hvilke forsøg kører ikke videre i 2022?", stop="31/12-21") is None


def test_a_year_shared_by_two_statuses_lists_each_trial_with_its_status() -> None:
    got = ask("Hvilke forsøg kører i 2022?")
    assert got is not None and got.count == 4
    items = [line for line in got.text.splitlines() if line.startswith("- ")]
    assert "- Mikrolån (forlænget til udgangen af 2022) [1]" in items
    assert any(line.startswith("- Iværksætteri (stopper") for line in items)


def ask_towns(question: str) -> Gathered | None:
    gatherer = Gatherer.build(register(), VOCABULARY, town_words=["kommuner"])
    return gatherer.gather(parse(question, 500), Catalog({}, {}), {}, lambda s: TEXT if s == SOURCE else None)


def test_the_municipalities_of_one_trial_are_listed_each_cited_where_its_cell_names_it() -> None:
    for question in ("Hvilke kommuner deltog i forsøget med mikrolån?", "hvilken kommune var med i mikrolaan forsoget"):
        got = ask_towns(question)
        assert got is not None and got.count == 2, question
        lines = got.text.splitlines()
        assert lines[0] == "I forsøget »Mikrolån« [1] deltog 2 kommuner:"
        assert [line.split(" [")[0] for line in lines[1:]] == ["- Aalborg", "- Thisted"]
        assert all(c.quote == TEXT[c.start : c.end] for c in got.citations)
        assert got.citations[0].quote == "Mikrolån" and "Aalborg og Thisted" in got.citations[1].quote


def test_a_municipalities_question_that_names_no_single_trial_falls_through() -> None:
    assert ask_towns("Hvilke kommuner deltog i forsøgene?") is None  # no trial named
    assert ask_towns("Hvilke kommuner deltog i forsøget med mikrolån og Thisted?") is None  # names a town
    assert ask("Hvilke kommuner deltog i forsøget med mikrolån?") is None  # no word for the column


def test_municipalities_only_an_uncertain_alias_names_are_shown_apart_and_not_counted() -> None:
    alias = Alias(
        name="Mentorordning",
        source=SOURCE,
        confidence=0.75,
        uncertain=True,
        citation=cite("Psykologhjælp"),
        municipalities=Municipalities(value=["Thisted"], citations=[cite("Thisted", "Psykologhjælp")]),
    )
    gatherer = Gatherer.build(
        Register(trials=[trial("Mentorregler", "stopper", "Forsøg, der stopper", "Rebild", alias)]),
        VOCABULARY,
        town_words=["kommuner"],
    )
    got = gatherer.gather(
        parse("Hvilke kommuner deltog i forsøget med mentorregler?", 500),
        Catalog({}, {}),
        {},
        lambda s: TEXT if s == SOURCE else None,
    )
    assert got is not None and got.count == 1
    lines = got.text.splitlines()
    assert lines[0] == "I forsøget »Mentorregler« [1] deltog 1 kommune:"
    assert lines[1] == "- Rebild [2]"
    assert "»Mentorordning« [3]" in lines[2] and "usikkert" in lines[2] and "ikke talt med" in lines[2]
    assert lines[3] == "- Thisted [4]"
    assert all(c.quote == TEXT[c.start : c.end] for c in got.citations)
