"""Domain vocabulary for query expansion: Danish synonyms and an English glossary.

Plain data. Each Danish set lists words that the sources use for the same thing; the
English glossary maps an English word (lower case) to the Danish words the sources use.
Both only widen what lexical search looks for; the dense encoder reads the question as is.
"""

from __future__ import annotations

DANISH_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "stopper stoppe stoppes stop ophører ophøre udløber udløbe slutter afsluttes nedlægges",
        "forlænges forlænget forlænge forlængelse videreføres fortsætter",
        "udbredes udbredt udbrede permanentgøres permanentgjort permanentgøre implementeret",
        "deltog deltaget deltage deltager deltagende deltagere omfattet",
        "kommune kommuner kommunerne frikommuner frikommunerne",
        "evaluering evalueringen evalueringer evalueringerne evalueret",
        "konklusion konklusioner konkluderer konklusionen",
        "psykolog psykologbehandling psykologhjælp psykologforsøget",
        "mikrolån mikrolånet mikrolånene",
        "lægeattest lægeattester lægeattesten læ265",
        "ledige arbejdsløse",
        "borgere borgerne borger",
        "anbefaling anbefalinger anbefaler anbefales",
        "netværk netværket frikommunenetværk frikommunenetværket",
        "sagsnummer sagsnummeret sagsnr journalnummer",
    )
)

ENGLISH_GLOSSARY: dict[str, str] = {
    "trial": "forsøg forsøget", "trials": "forsøg forsøgene", "experiment": "forsøg",
    "experiments": "forsøg forsøgene", "pilot": "forsøg", "pilots": "forsøg",
    "extended": "forlænges forlænget", "extend": "forlænge", "extension": "forlængelse",
    "prolonged": "forlænget", "continued": "forlænget fortsat",
    "stop": "stopper ophører", "stops": "stopper ophører", "stopped": "stopper ophører",
    "end": "udgangen ophører", "ends": "ophører udløber", "ended": "ophørte",
    "expire": "udløber", "expires": "udløber", "terminated": "ophører", "discontinued": "ophører",
    "rolled": "udbredt", "implemented": "implementeret udbredt", "permanent": "permanentgøres",
    "municipality": "kommune", "municipalities": "kommuner kommunerne", "council": "kommune",
    "participated": "deltog deltaget", "participating": "deltagende", "participants": "deltagere",
    "part": "deltog indgår", "members": "kommuner",
    "evaluation": "evaluering evalueringen", "evaluations": "evalueringer evalueringerne",
    "evaluated": "evalueret", "findings": "resultater konklusioner", "results": "resultater",
    "conclusions": "konklusioner", "concluded": "konkluderer", "conclude": "konkluderer",
    "government": "regeringen", "network": "netværk netværket", "danish": "danske",
    "psychologist": "psykolog psykologbehandling", "psychological": "psykologbehandling",
    "therapy": "psykologbehandling behandling", "treatment": "behandling psykologbehandling",
    "microloan": "mikrolån", "microloans": "mikrolån", "loan": "lån mikrolån", "loans": "mikrolån",
    "job": "job", "centre": "jobcenter jobcenteret", "center": "jobcenter jobcenteret",
    "centres": "jobcentre jobcentrene", "centers": "jobcentre jobcentrene",
    "citizens": "borgere borgerne", "citizen": "borger", "employees": "medarbejdere",
    "staff": "medarbejdere", "caseworkers": "sagsbehandlere", "satisfaction": "tilfredshed",
    "entrepreneurship": "iværksætteri", "graduates": "dimittender", "rehabilitation": "rehabiliteringsteam",
    "medical": "lægeattest", "certificate": "lægeattest", "certificates": "lægeattester",
    "wage": "løntilskud", "subsidy": "løntilskud", "subsidies": "løntilskud",
    "rotation": "jobrotation", "sickness": "sygedagpenge", "unemployed": "ledige",
    "unemployment": "ledighed dagpenge", "benefit": "ydelse", "benefits": "ydelse dagpenge",
    "flexible": "fleksibel fleksible", "flexibility": "fleksibilitet", "mentor": "mentor",
    "mentoring": "mentor", "integration": "integration", "education": "uddannelse",
    "applications": "ansøgninger", "application": "ansøgning", "approved": "imødekom godkendte",
    "granted": "imødekom", "recommendations": "anbefalinger", "recommend": "anbefaler",
    "recommended": "anbefaler", "disability": "førtidspension", "pension": "pension førtidspension",
    "pensioners": "førtidspensionister", "interviews": "samtaler", "meetings": "samtaler møder",
    "conversations": "samtaler", "digital": "digitale", "phone": "telefonisk", "video": "video",
    "year": "år", "years": "år", "months": "måneder", "month": "måned", "weeks": "uger",
    "savings": "besparelse besparelser", "administrative": "administrativ administrative",
    "requirements": "krav proceskrav", "ratio": "forholdstalskrav", "consultancy": "konsulentfirmaet",
    "annex": "bilag", "appendix": "bilag", "table": "tabel", "decision": "beslutning",
    "follow": "opfølgning", "followed": "opfølgning", "north": "nordjyske nordjylland",
    "jutland": "nordjylland nordjyske", "design": "evalueringsdesign", "people": "borgere",
    "number": "antal", "free": "frikommune", "doctor": "læge lægeattest", "plan": "indsatsplan",
}  # fmt: skip

ENGLISH_MARKERS = frozenset(
    [
        "the",
        "which",
        "what",
        "who",
        "when",
        "why",
        "how",
        "did",
        "does",
        "do",
        "were",
        "was",
        "are",
        "is",
        "of",
        "to",
        "in",
        "for",
        "and",
        "with",
        "trials",
        "trial",
        "municipalities",
        "according",
    ]
)
DANISH_MARKERS = frozenset(
    [
        "hvilke",
        "hvilket",
        "hvem",
        "hvornår",
        "hvorfor",
        "hvordan",
        "hvad",
        "hvor",
        "og",
        "er",
        "det",
        "der",
        "til",
        "af",
        "for",
        "med",
        "som",
        "på",
        "forsøg",
        "forsøget",
        "blev",
    ]
)
