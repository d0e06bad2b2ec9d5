"""Danish municipality names: the one kind of named thing this domain asks about most.

"Hvilke kommuner deltog …?" and "Hvilket jobcenter …?" are answered by sentences that
name municipalities without using the word "kommune"; the answerer uses this list to
recognise such sentences. The 98 municipalities since the 2007 reform, folded.
"""

from __future__ import annotations

MUNICIPALITIES = frozenset(
    """albertslund allerød assens ballerup billund bornholm brøndby brønderslev dragør egedal
    esbjerg fanø favrskov faxe fredensborg fredericia frederiksberg frederikshavn frederikssund
    furesø faaborg-midtfyn gentofte gladsaxe glostrup greve gribskov guldborgsund haderslev
    halsnæs hedensted helsingør herlev herning hillerød hjørring holbæk holstebro horsens
    hvidovre høje-taastrup hørsholm ikast-brande ishøj jammerbugt kalundborg kerteminde kolding
    københavn køge langeland lejre lemvig lolland lyngby-taarbæk læsø mariagerfjord middelfart
    morsø norddjurs nordfyns nyborg næstved odder odense odsherred randers rebild
    ringkøbing-skjern ringsted roskilde rudersdal rødovre samsø silkeborg skanderborg skive
    slagelse solrød sorø stevns struer svendborg syddjurs sønderborg thisted tønder tårnby
    vallensbæk varde vejen vejle vesthimmerland viborg vordingborg ærø aabenraa aalborg aarhus""".split()
)
_FIRST_PARTS = frozenset(name.split("-")[0] for name in MUNICIPALITIES)

# Stems of the words that ask for municipalities.
MUNICIPALITY_NOUNS = frozenset({"kommun", "frikommun", "jobcent", "jobcentr", "municipal", "municipl"})


def names_municipality(tokens: list[str] | set[str]) -> bool:
    """Does a folded token list name a municipality ('vesthimmerlands' counts)?"""
    return any(t in _FIRST_PARTS or (t.endswith("s") and t[:-1] in _FIRST_PARTS) for t in tokens)
