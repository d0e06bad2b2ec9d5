"""Answers gathered from the trial register (assistant/gather.py), on a hand-made register."""

from __future__ import annotations

from assistant.catalog import Catalog
from assistant.gather import Gathered, Gatherer, GatherWords
from assistant.query import Query, parse
from core.register import Alias, Municipalities, Register, RegisterCitation, Trial, TrialStatus

SOURCE = "status.txt"
TEXT = (
    "Tabel 1\nForsøg, der forlænges\nMikrolån\tAalborg og Thisted\nPsykologhjælp\tThisted\n"
    "Tabel 2\nForsøg, der stopper\nIværksætteri\tAalborg\nMentorregler\tRebild\n"
    "Forsøgene, der forlænges, kører til udgangen af 2022.\n"
)
VOCABULARY = {"forlænget": ["forlænges"], "stopper": ["stopper"]}


def vocabulary(**lists: list[str]) -> GatherWords:
    return GatherWords(status=VOCABULARY, **lists)


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
        status=TrialStatus(value=status, until=until, citation=cite(caption), until_citation=cite(caption)),  # type: ignore[arg-type]
        municipalities=Municipalities(value=towns.replace(" og ", ", ").split(", "), citations=[cite(towns, title)]),
        aliases=[alias] if alias else [],
    )


def mentorordning(**fields: object) -> Alias:
    """A name linked to a trial only uncertainly."""
    return Alias(name="Mentorordning", source=SOURCE, confidence=0.75, uncertain=True, **fields)  # type: ignore[arg-type]


def register(stop: str = "udgangen af 2022") -> Register:
    uncertain = mentorordning(
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
    gatherer = Gatherer.build(register(stop), vocabulary())
    return gatherer.gather(query, Catalog({}, {}), {}, lambda source: TEXT if source == SOURCE else None)


def test_a_municipality_question_lists_its_trials_with_one_citation_each() -> None:
    got = ask("Hvilke forsøg deltog Thisted i?")
    assert got is not None and got.count == 2
    items = [line for line in got.text.splitlines() if line.startswith("- ")]
    assert [line.split(" [")[0] for line in items] == ["- Mikrolån", "- Psykologhjælp"]
    assert all(line.count("[") == 1 for line in items)
    assert got.text.startswith("Thisted står blandt kommunerne i 2 forsøg:")
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


def test_until_when_is_stated_only_with_the_citation_of_the_words_that_say_it() -> None:
    said = cite("udgangen af 2022")
    extended = [t for t in register().trials if t.status and t.status.value == "forlænget"]
    for t in extended:
        assert t.status is not None
        t.status.until_citation = said
    gatherer = Gatherer.build(Register(trials=extended), vocabulary())
    got = gatherer.gather(parse("Hvilke forsøg forlænges?", 500), Catalog({}, {}), {}, lambda s: TEXT)
    assert got is not None
    assert (
        got.text.splitlines()[0]
        == "Under »Forsøg, der forlænges« [1] står 2 forsøg (forlænget til udgangen af 2022 [2]):"
    )
    assert got.citations[1].quote == "udgangen af 2022"
    for t in extended:  # no document's words to cite: the until is not stated
        assert t.status is not None
        t.status.until_citation = None
    got = gatherer.gather(parse("Hvilke forsøg forlænges?", 500), Catalog({}, {}), {}, lambda s: TEXT)
    assert (
        got is not None and got.text.splitlines()[0] == "Under »Forsøg, der forlænges« [1] står 2 forsøg (forlænget):"
    )


def test_a_year_shared_by_two_statuses_lists_each_trial_with_its_status() -> None:
    got = ask("Hvilke forsøg kører i 2022?")
    assert got is not None and got.count == 4
    items = [line for line in got.text.splitlines() if line.startswith("- ")]
    assert "- Mikrolån (forlænget til udgangen af 2022) [1]" in items
    assert any(line.startswith("- Iværksætteri (stopper") for line in items)


def ask_towns(question: str) -> Gathered | None:
    took_part = ["deltog", "var med", "took part"]
    gatherer = Gatherer.build(register(), vocabulary(towns=["kommuner"], participation=took_part))
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


def test_who_took_part_in_one_trial_is_answered_with_its_municipalities() -> None:
    asked = ("Hvem deltog i forsøget med mikrolån?", "who took part in the mikrolaan trial", "hvem var med i mikrolån")
    for question in asked:
        got = ask_towns(question)
        assert got is not None and got.count == 2, question
        assert got.text.splitlines()[0] == "I forsøget »Mikrolån« [1] deltog 2 kommuner:"
    assert ask_towns("Hvem var projektleder for forsøget med mikrolån?") is None  # asks for no participant
    assert ask_towns("Hvem deltog i forsøgene?") is None  # no trial named
    assert ask_towns("Hvem deltog ikke i forsøget med mikrolån?") is None  # a negation
    assert ask("Hvem deltog i forsøget med mikrolån?") is None  # no participation words in the vocabulary


def test_a_municipalities_question_that_names_no_single_trial_falls_through() -> None:
    assert ask_towns("Hvilke kommuner deltog i forsøgene?") is None  # no trial named
    assert ask_towns("Hvilke kommuner deltog i forsøget med mikrolån og Thisted?") is None  # names a town
    assert ask("Hvilke kommuner deltog i forsøget med mikrolån?") is None  # no word for the column
    assert ask_towns("Hvilke kommuner deltog ikke i forsøget med mikrolån?") is None  # a negation (a stop word)


def test_municipalities_only_an_uncertain_alias_names_are_shown_apart_and_not_counted() -> None:
    alias = mentorordning(
        citation=cite("Psykologhjælp"),
        municipalities=Municipalities(value=["Thisted"], citations=[cite("Thisted", "Psykologhjælp")]),
    )
    gatherer = Gatherer.build(
        Register(trials=[trial("Mentorregler", "stopper", "Forsøg, der stopper", "Rebild", alias)]),
        vocabulary(towns=["kommuner"]),
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


FOUND_TEXT = (
    "Mikrolån\nEvalueringen viser, at få borgere deltog.\nPsykologhjælp\nEvalueringen viser færre sygemeldte.\n"
    "Nye indsatser\nGod effekt af nye indsatser.\nMentorordning\nEvalueringen viser intet entydigt.\nIværksætteri\n"
)
FINDING_WORDS = ["viste", "viser", "konklusion", "show", "showed"]


def found_cite(quote: str) -> RegisterCitation:
    start = FOUND_TEXT.index(quote)
    return RegisterCitation(source=SOURCE, title="Evalueringer", quote=quote, start=start, end=start + len(quote))


def ask_findings(question: str) -> Gathered | None:
    from core.register import Conclusion

    def said(quote: str, subject: str = "") -> Conclusion:
        return Conclusion(text=quote, citation=found_cite(quote), subject=subject)

    unsure = mentorordning(
        citation=found_cite("Mentorordning"),
        conclusions=[said("Evalueringen viser intet entydigt.")],
    )
    trials = [
        Trial(
            title="Mikrolån",
            citation=found_cite("Mikrolån"),
            conclusions=[said("Evalueringen viser, at få borgere deltog.")],
        ),
        Trial(
            title="Psykologhjælp",
            citation=found_cite("Psykologhjælp"),
            conclusions=[
                said("Evalueringen viser færre sygemeldte."),
                said("God effekt af nye indsatser.", subject="Nye indsatser"),
            ],
        ),
        Trial(title="Mentorregler", citation=found_cite("Mentorordning"), aliases=[unsure]),
        Trial(title="Iværksætteri", citation=found_cite("Iværksætteri")),
    ]
    gatherer = Gatherer.build(Register(trials=trials), vocabulary(findings=FINDING_WORDS))
    return gatherer.gather(parse(question, 500), Catalog({}, {}), {}, lambda s: FOUND_TEXT if s == SOURCE else None)


def test_what_an_evaluation_found_is_the_trials_conclusions_each_cited() -> None:
    for question in ("Hvad viste evalueringen af forsøget med mikrolån?", "what did the evaluation of mikrolaan show"):
        got = ask_findings(question)
        assert got is not None and got.count == 1, question
        assert got.text.splitlines() == [
            "Evalueringernes konklusioner om forsøget »Mikrolån« [1]:",
            "- Evalueringen viser, at få borgere deltog. [2]",
        ]
        assert all(c.quote == FOUND_TEXT[c.start : c.end] for c in got.citations)


def test_a_themes_conclusions_come_under_their_theme() -> None:
    got = ask_findings("Hvad viser evalueringen af psykologhjælp?")
    assert got is not None and got.count == 2
    assert got.text.splitlines() == [
        "Evalueringernes konklusioner om forsøget »Psykologhjælp« [1]:",
        "- Evalueringen viser færre sygemeldte. [2]",
        "Under temaet »Nye indsatser«, som forsøget hører under, står der:",
        "- God effekt af nye indsatser. [3]",
    ]


def test_conclusions_only_an_uncertain_alias_has_are_shown_apart_and_not_counted() -> None:
    got = ask_findings("Hvad viste evalueringen af mentorregler?")
    assert got is not None and got.count == 0
    lines = got.text.splitlines()
    assert lines[0].startswith("Registret knytter ingen konklusioner sikkert til forsøget »Mentorregler« [1]")
    assert "»Mentorordning«" in lines[0] and "usikkert" in lines[0]
    assert lines[1].startswith("- Evalueringen viser intet entydigt.")


def test_a_findings_question_without_one_trial_or_conclusions_falls_through() -> None:
    assert ask_findings("Hvad viste evalueringerne af forsøgene?") is None  # no trial named
    assert ask_findings("Hvad viste evalueringen af iværksætteri?") is None  # no conclusions held
    assert ask_findings("Hvad viste evalueringen ikke om mikrolån?") is None  # a negation
    assert ask_findings("Hvad handler forsøget med mikrolån om?") is None  # asks for no finding
    assert ask_findings("Hvornår viste evalueringen af mikrolån noget?") is None  # a date question


DECIDED_TEXT = (
    "Forsøg, der forlænges\nMikrolån\tEvalueringen er positiv.\tForsøget forlænges et år.\n"
    "Forsøg, der stopper\nIværksætteri\tFå deltagere.\tForsøget er overhalet af LAB-\n\tEn celle\tforenkling.\n"
    "Mentorregler\n"
    "Forsøg, der er udbredt\nUddannelse\n"
)
DECISION_WORDS = ["sker", "beslutning", "besluttet", "status", "happens", "decision"]


def ask_decision(question: str) -> Gathered | None:
    from core.register import Conclusion

    def at(quote: str) -> RegisterCitation:
        start = DECIDED_TEXT.index(quote)
        return RegisterCitation(source=SOURCE, title="Bilag", quote=quote, start=start, end=start + len(quote))

    def status(value: str, caption: str, until: str) -> TrialStatus:
        return TrialStatus(value=value, until=until, citation=at(caption), until_citation=at(caption))  # type: ignore[arg-type]

    def reasons(*quotes: str) -> list[Conclusion]:
        return [Conclusion(text=q, citation=at(q)) for q in quotes]

    trials = [
        Trial(
            title="Mikrolån",
            citation=at("Mikrolån"),
            status=status("forlænget", "Forsøg, der forlænges", "udgangen af 2022"),
            reasons=reasons("Evalueringen er positiv.", "Forsøget forlænges et år."),
        ),
        Trial(
            title="Iværksætteri",
            citation=at("Iværksætteri"),
            status=status("stopper", "Forsøg, der stopper", "31/12-21"),
            reasons=[
                *reasons("Få deltagere."),
                # a paragraph a page break cut: its rest after the next table line's other cell
                Conclusion(
                    text="Forsøget er overhalet af LAB-forenkling.",
                    citation=at("Forsøget er overhalet af LAB-"),
                    more=[at("forenkling.")],
                ),
            ],
        ),
        Trial(title="Mentorregler", citation=at("Mentorregler")),  # no status held
        Trial(title="Uddannelse", citation=at("Uddannelse"), status=status("udbredt", "Forsøg, der er udbredt", "")),
    ]
    gatherer = Gatherer.build(Register(trials=trials), vocabulary(decisions=DECISION_WORDS))
    return gatherer.gather(parse(question, 500), Catalog({}, {}), {}, lambda s: DECIDED_TEXT if s == SOURCE else None)


def test_what_happens_to_a_trial_is_its_status_and_the_decisions_grounds_each_cited() -> None:
    for question in ("Hvad sker der med forsøget med mikrolån?", "what happens to the mikrolaan trial"):
        got = ask_decision(question)
        assert got is not None and got.count == 2, question
        assert got.text.splitlines() == [
            "Forsøget »Mikrolån« [1] står under »Forsøg, der forlænges« [2] (forlænget til udgangen af 2022). "
            "Begrundelsen:",
            "- Evalueringen er positiv. [3]",
            "- Forsøget forlænges et år. [4]",
        ]
        assert all(c.quote == DECIDED_TEXT[c.start : c.end] for c in got.citations)
    got = ask_decision("Hvad er status for iværksætteri?")
    assert got is not None and got.text.splitlines()[0].endswith("(stopper 31/12-21). Begrundelsen:")
    got = ask_decision("Hvad sker der med uddannelse?")  # a status that states no date, and no grounds
    assert got is not None and got.count == 0
    assert got.text == "Forsøget »Uddannelse« [1] står under »Forsøg, der er udbredt« [2] (udbredt)."


def test_a_ground_in_pieces_is_read_as_one_with_each_piece_cited_verbatim() -> None:
    got = ask_decision("Hvad sker der med iværksætteri?")
    assert got is not None and got.count == 2
    assert got.text.splitlines()[1:] == ["- Få deltagere. [3]", "- Forsøget er overhalet af LAB-forenkling. [4] [5]"]
    assert [c.quote for c in got.citations[3:]] == ["Forsøget er overhalet af LAB-", "forenkling."]
    assert all(c.quote == DECIDED_TEXT[c.start : c.end] for c in got.citations)


def test_a_decision_question_without_one_trial_or_a_status_falls_through() -> None:
    assert ask_decision("Hvad sker der med forsøgene?") is None  # no trial named
    assert ask_decision("Hvad sker der med mentorregler?") is None  # no status held
    assert ask_decision("Hvad sker der ikke med mikrolån?") is None  # a negation
    assert ask_decision("Hvad handler forsøget med mikrolån om?") is None  # asks for no decision
    assert ask_decision("Hvornår sker der noget med mikrolån?") is None  # a date question
    assert ask_decision("Hvad sker der med mikrolån i 2026?") is None  # a year the status does not state
    assert ask_decision("Er det besluttet, at mikrolån forlænges?") is None  # whether one statement holds
    assert ask_decision("Hvad sker der med mikrolån i 2022?") is not None


def test_a_two_digit_year_is_read_only_at_the_end_of_a_day_and_month() -> None:
    from assistant.gather import _states_year

    assert _states_year("31/12-21", "2021") and _states_year("udgangen af 2022", "2022")
    assert not _states_year("2021-08-26", "2026")  # an ISO date's day is no year
    assert not _states_year("31/12-21", "2026")
