"""A synthetic corpus for the scale benchmark: the real documents plus generated distractors.

Size ×N holds 5·N documents: the five real ones (copied byte for byte, with their
manifest entries) and 5·N−5 generated variants. Like real government documents, the
variants come in series that repeat most of their text: each of a few *families*
(quarterly notes on other municipal topics) has a fixed title, publisher and pool of
sections, and a variant is the family's title and introduction, a seeded subset of its
sections in the family's order, and exactly one *needle* section: a new, unique fact (a
made-up project with a number) with a question only that document answers.

A repeated section chunks to the same passage in every variant (the sections chunker
cuts at each heading, and a passage's embedded text is the document title, the heading
and the section), and the variants of a family share one title, so the embedding cache
reuses those vectors; only the needle text is embedded anew. The distinguishing edition
number sits in the needle section and the manifest entry, never in the title.

Everything is pure and deterministic for a seed; nothing here loads a model. The
distractors talk about other municipal matters (some in employment words such as
"forsøg", "borgere", "jobcenter") but state nothing about Frikommuneforsøg II, so the
real questions keep their answers in the real documents only.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import tomli_w

from core.config import PROJECT_ROOT

REAL_DOCUMENTS = 5
NEEDLE_HEADING = "Nyt lokalt projekt"
MONTHS = "januar februar marts april maj juni juli august september oktober november december".split()

# Shared sentence templates; {subject} is the section's topic as a noun phrase.
TEMPLATES = (
    "{dept} har i perioden arbejdet videre med {subject}, og arbejdet følger den plan, som udvalget vedtog i foråret.",
    "Der er i kvartalet registreret {n} henvendelser om {subject}, hvilket er på niveau med samme periode sidste år.",
    "Udgifterne til {subject} holder sig inden for budgettet, og administrationen forventer ikke et merforbrug i år.",
    "Medarbejderne oplever, at {subject} fungerer bedre end tidligere, men der er stadig brug for klar information.",
    "En intern opgørelse viser, at {pct} procent af sagerne om {subject} blev afsluttet inden for den fastsatte frist.",
    "Administrationen vil i næste kvartal undersøge, om {subject} kan tilrettelægges mere enkelt.",
    "Udvalget har bedt om en særskilt orientering om {subject} på et af de kommende møder.",
    "Der har ikke været klager af betydning over {subject} i perioden.",
    "Erfaringer fra andre kommuner viser, at {subject} kræver et tæt samarbejde på tværs af afdelingerne.",
    "Tallene for {subject} er opgjort på samme måde som i de tidligere notater, så de kan sammenlignes direkte.",
    "Der er afsat {mio} mio. kr. til {subject} i indeværende budgetår, og beløbet er fordelt på fire indsatser.",
    "I alt {n} {unit} har været i kontakt med {dept} om {subject} i løbet af kvartalet.",
    "Ventetiden i forbindelse med {subject} er faldet til omkring {weeks} uger.",
    "Et mindre team på {people} medarbejdere har ansvaret for den daglige drift af {subject}.",
    "Fra {month} bliver der indført en ny digital løsning, som skal gøre {subject} lettere at følge.",
    "Den største udfordring for {subject} er fortsat at rekruttere og fastholde kvalificeret personale.",
    "Samarbejdet med de lokale foreninger om {subject} er blevet styrket i løbet af året.",
    "I en mindre brugerundersøgelse svarede {pct} procent, at de var tilfredse med {subject}.",
    "Næste notat vil indeholde en mere detaljeret gennemgang af {subject}.",
    "Der er ikke foretaget ændringer i serviceniveauet for {subject} siden det seneste notat.",
    "Kvaliteten af {subject} følges løbende gennem stikprøver og faste møder med de ansvarlige.",
)
# Employment words, for the families that should compete with the real documents' vocabulary.
JOB_TEMPLATES = (
    "Jobcenteret har sammen med {dept} afprøvet en ny måde at arbejde med {subject} på i et lokalt forsøg.",
    "Forsøget omfatter {n} borgere og bliver evalueret af kommunens egen analyseenhed.",
    "Borgerne har generelt taget godt imod tilbuddet om {subject}, og frafaldet har været lavt.",
    "Kommunen vil ud fra erfaringerne vurdere, om forsøget med {subject} skal være en fast del af indsatsen.",
)


@dataclass(frozen=True)
class Family:
    """A series of notes that repeat their sections from one edition to the next."""

    key: str
    title: str
    publisher: str
    kind: str
    dept: str
    unit: str  # who takes part in a needle's project ("husstande", "elever", ...)
    intro: str
    sections: tuple[str, ...]  # "Heading|the subject as a noun phrase"
    jobs: bool = False


def _family(key: str, title: str, publisher: str, dept: str, unit: str, sections: str, jobs: bool = False) -> Family:
    kind, area = title.split(" om ", 1)
    intro = (
        f"Notatet giver {dept} og udvalget et samlet overblik over {area}. "
        "Tallene dækker hele kommunen, og afsnittene kan læses hver for sig. "
        "Notatet udkommer hvert kvartal og bygger på de samme opgørelser fra gang til gang."
    )
    pairs = tuple(line.strip() for line in sections.strip().splitlines())
    return Family(key, title, publisher, kind, dept, unit, intro, pairs, jobs)


# fmt: off
FAMILIES = (
    _family("affald", "Kvartalsnotat om affaldssortering", "Kalvebæk Kommune, Teknik og Miljø", "Teknik og Miljø",
            "husstande", """
        Indsamling af madaffald|indsamlingen af madaffald
        Sortering af plast og metal|sorteringen af plast og metal
        Genbrugspladsernes åbningstider|åbningstiderne på genbrugspladserne
        Storskrald og haveaffald|afhentningen af storskrald og haveaffald
        Farligt affald fra husholdninger|håndteringen af farligt affald
        Affaldsbeholdere i etageboliger|beholderne ved etageboligerne
        Tømning i sommerperioden|tømningen i sommerperioden
        Information til nye husstande|informationen til nye husstande
        Fejlsortering og kontrol|kontrollen med fejlsortering
        Affaldsgebyrer|opkrævningen af affaldsgebyrer
        Tekstilaffald|indsamlingen af tekstiler
        Samarbejde med renovatøren|samarbejdet med renovatøren
        Affald fra kommunale institutioner|affaldet fra de kommunale institutioner
        Genbrug af byggematerialer|genbruget af byggematerialer"""),
    _family("skolebus", "Statusnotat om skolebuskørsel", "Egholt Kommune, Børn og Unge", "Børn og Unge", "elever", """
        Køreplaner for skoleåret|køreplanerne for skoleåret
        Kørsel af elever med særlige behov|kørslen af elever med særlige behov
        Sikkerhed ved stoppestederne|sikkerheden ved stoppestederne
        Kontrakten med busselskabet|kontrakten med busselskabet
        Kørsel til svømmeundervisning|kørslen til svømmeundervisning
        Elevkort|udleveringen af elevkort
        Forsinkelser om vinteren|håndteringen af forsinkelser om vinteren
        Kørsel i yderområderne|kørslen i yderområderne
        Sikre skoleveje|arbejdet med sikre skoleveje
        Chaufførernes arbejdsvilkår|chaufførernes arbejdsvilkår
        Henvendelser fra forældre|behandlingen af henvendelser fra forældre
        Elbusser på skoleruterne|indfasningen af elbusser
        Ekskursioner og lejrskoler|kørslen til ekskursioner og lejrskoler
        Samkørsel med den kollektive trafik|samkørslen med den kollektive trafik"""),
    _family("hjemmepleje", "Kvartalsnotat om hjemmeplejen", "Sønderlyng Kommune, Sundhed og Omsorg",
            "Sundhed og Omsorg", "borgere", """
        Visitation til praktisk hjælp|visitationen til praktisk hjælp
        Personlig pleje i eget hjem|den personlige pleje i eget hjem
        Hverdagsaktivering|hverdagsaktiveringen
        Madservice|madservicen
        Nødkald|ordningen med nødkald
        Kørselstid mellem besøg|kørselstiden mellem besøgene
        Sygeplejeklinikker|sygeplejeklinikkerne
        Velfærdsteknologi|brugen af velfærdsteknologi
        Frit valg af leverandør|det frie valg af leverandør
        Aflastning af pårørende|aflastningen af pårørende
        Demensindsatsen|demensindsatsen
        Kompetenceudvikling|kompetenceudviklingen i hjemmeplejen
        Kvalitetstilsyn|kvalitetstilsynet
        Vikarforbrug|vikarforbruget"""),
    _family("vej", "Statusnotat om vejvedligeholdelse", "Kalvebæk Kommune, Vej og Park", "Vej og Park",
            "grundejere", """
        Asfaltarbejder|asfaltarbejderne
        Vintertjeneste|vintertjenesten
        Cykelstier|vedligeholdelsen af cykelstierne
        Vejbelysning|udskiftningen af vejbelysningen
        Fortove og kantsten|reparationen af fortove og kantsten
        Broer og tunneler|eftersynet af broer og tunneler
        Skiltning|vedligeholdelsen af skiltningen
        Grøftekanter og rabatter|slåningen af grøftekanter
        Trafiksikkerhed|arbejdet med trafiksikkerhed
        Vejafvanding|vejafvandingen
        Gravetilladelser|behandlingen af gravetilladelser
        Private fællesveje|tilsynet med private fællesveje
        Parkering|parkeringsforholdene
        Vejtræer|plejen af vejtræerne"""),
    _family("bibliotek", "Kvartalsnotat om bibliotekerne", "Egholt Kommune, Kultur og Fritid", "Kultur og Fritid",
            "lånere", """
        Udlån af bøger|udlånet af bøger
        Åbne biblioteker|ordningen med åbne biblioteker
        Arrangementer for børn|arrangementerne for børn
        Digitale medier|udlånet af digitale medier
        Læseklubber|læseklubberne
        Lokalhistorisk arkiv|det lokalhistoriske arkiv
        Bogbussen|bogbussens ruter
        Studiepladser|studiepladserne
        Samarbejde med skolerne|samarbejdet med skolerne
        Indkøb af materialer|indkøbet af materialer
        Frivillige|samarbejdet med de frivillige
        Lokaler og udstillinger|udlejningen af lokaler
        Sprogcaféer|sprogcaféerne
        Hjemmeservice|hjemmeservicen for ældre lånere"""),
    _family("klima", "Statusnotat om klimatilpasning", "Mølleå Kommune, Plan og Klima", "Plan og Klima",
            "grundejere", """
        Regnvandsbassiner|anlægget af regnvandsbassiner
        Separatkloakering|separatkloakeringen
        Højvandsbeskyttelse|højvandsbeskyttelsen langs kysten
        Oversvømmelseskort|opdateringen af oversvømmelseskortene
        Grønne tage|tilskuddet til grønne tage
        Vandløb|restaureringen af vandløbene
        Beredskab ved skybrud|beredskabet ved skybrud
        Lokal afledning af regnvand|den lokale afledning af regnvand
        Træplantning|plantningen af træer
        Kystsikring|kystsikringen
        Lavbundsarealer|udtagningen af lavbundsarealer
        Grundvandsstand|overvågningen af grundvandsstanden
        Klimaplanens mål|status for klimaplanens mål
        Inddragelse af grundejere|inddragelsen af grundejere i klimaarbejdet"""),
    _family("borgerservice", "Kvartalsnotat om borgerservice og digital post", "Sønderlyng Kommune, Borgerservice",
            "Borgerservice", "borgere", """
        Digital post|overgangen til digital post
        Fritagelse for digital post|fritagelserne for digital post
        Pas og kørekort|udstedelsen af pas og kørekort
        Tidsbestilling|tidsbestillingen
        Telefonbetjening|telefonbetjeningen
        Hjælp til selvbetjening|hjælpen til selvbetjening
        Flytninger|registreringen af flytninger
        Sundhedskort|udstedelsen af sundhedskort
        Betjening på flere sprog|betjeningen på flere sprog
        Åbningstider|åbningstiderne i borgerservice
        Klagesager|behandlingen af klagesager
        MitID|hjælpen med MitID
        Opsøgende indsats for ældre|den opsøgende indsats for ældre
        Tilfredshed med betjeningen|tilfredsheden med betjeningen"""),
    _family("sygefravaer", "Kvartalsnotat om sygefravær i kommunen", "Mølleå Kommune, HR og Personale",
            "HR og Personale", "medarbejdere", """
        Fraværsprocent|udviklingen i fraværsprocenten
        Langtidssygefravær|indsatsen mod langtidssygefravær
        Fraværsdialog|dialogen om fravær
        Arbejdsmiljø|arbejdsmiljøarbejdet
        Trivselsmåling|trivselsmålingen
        Tidlig indsats|den tidlige indsats ved sygdom
        Samarbejde med jobcenteret|samarbejdet med jobcenteret
        Delvis raskmelding|brugen af delvis raskmelding
        Ledelse og fravær|ledernes arbejde med fravær
        Fravær blandt nyansatte|fraværet blandt nyansatte
        Forebyggelse af stress|forebyggelsen af stress
        Seniorordninger|seniorordningerne
        Fysisk arbejdsmiljø|det fysiske arbejdsmiljø
        Fravær i de store forvaltninger|fraværet i de store forvaltninger""", jobs=True),
    _family("virksomhed", "Statusnotat om jobcenterets virksomhedsservice", "Egholt Kommune, Jobcenter Egholt",
            "Jobcenter Egholt", "borgere", """
        Virksomhedsbesøg|virksomhedsbesøgene
        Rekrutteringsaftaler|rekrutteringsaftalerne
        Sommerjob for unge|formidlingen af sommerjob for unge
        Jobmesser|jobmesserne
        Brancheskift|vejledningen om brancheskift
        Kurser på erhvervsskolerne|kurserne på erhvervsskolerne
        Sæsonarbejde i turismen|formidlingen af sæsonarbejde
        Virksomhedsnetværk|virksomhedsnetværkene
        Fastholdelse|rådgivningen om fastholdelse
        Socialøkonomiske virksomheder|samarbejdet med socialøkonomiske virksomheder
        Pendling|pendlingen til nabokommunerne
        Jobannoncer|formidlingen af jobannoncer
        Servicemål|servicemålene for virksomhedskontakten
        Grøn omstilling|arbejdskraftbehovet i den grønne omstilling""", jobs=True),
)
# fmt: on

# Syllables of the made-up project and place names (none is a real Danish place).
_HEADS = "Tov Bir Hal Ros Sel Ulv Egn Far Gis Kal Lem Mar Nor Pil Rav Sav Tim Vis Yd Øs Ask Bor Dun Fjal".split()
_MIDS = "lund kær bak mos hede strand vang holm toft ager eng bjerg".split()
_TAILS = "gård høj dal rup sted bro skov hus vig næs by lev".split()
_PLACES = "Østre Vestre Nørre Søndre Lille Store Gamle Nye".split()


@dataclass(frozen=True)
class Needle:
    """The one unique fact of a generated document, and the question that asks for it."""

    id: str
    file: str
    project: str
    fact: str
    question: str
    answer: str  # the number the answer must contain


@dataclass(frozen=True)
class GeneratedDocument:
    file: str
    family: str
    text: str
    manifest: dict[str, str]
    needle: Needle
    sections: tuple[int, ...]  # indexes into the family's pool


def section_text(family: Family, index: int) -> str:
    """Heading, blank line, paragraph: the same text in every variant of the family."""
    heading, subject = family.sections[index].split("|")
    rng = random.Random(f"section:{family.key}:{index}")
    templates = TEMPLATES + (JOB_TEMPLATES if family.jobs else ())
    chosen = sorted(rng.sample(range(len(templates)), rng.randint(4, 5)))
    slots = {
        "subject": subject,
        "dept": family.dept,
        "unit": family.unit,
        "n": rng.randint(40, 900),
        "pct": rng.randint(55, 97),
        "mio": f"{rng.randint(1, 9)},{rng.randint(1, 9)}",
        "weeks": rng.randint(2, 8),
        "people": rng.randint(3, 12),
        "month": rng.choice(MONTHS),
    }
    return f"{heading}\n\n" + " ".join(templates[i].format(**slots) for i in chosen)


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(_HEADS) + rng.choice(_MIDS) + rng.choice(_TAILS)
        if name not in used:
            used.add(name)
            return name


def _needle(family: Family, file: str, number: int, rng: random.Random, used: set[str]) -> Needle:
    project = _name(rng, used)
    place = f"{rng.choice(_PLACES)} {rng.choice(_HEADS)}{rng.choice(_MIDS)}"
    count = rng.randint(100, 999)
    ended = f"{rng.randint(1, 28)}. {rng.choice(MONTHS)} {rng.randint(2024, 2025)}"
    fact = f"I Projekt {project} i {place} deltog {count} {family.unit}, og projektet sluttede den {ended}."
    return Needle(
        id=f"needle-{number:04d}",
        file=file,
        project=f"Projekt {project}",
        fact=fact,
        question=f"Hvor mange {family.unit} deltog i Projekt {project}?",
        answer=str(count),
    )


def variants(count: int, seed: int = 0) -> list[GeneratedDocument]:
    """``count`` generated documents, the families taken in turn. Which sections a
    variant holds depends on the seed and its number; its needle also on ``count``, so a
    bigger corpus gets needles of its own rather than reusing a smaller one's."""
    docs: list[GeneratedDocument] = []
    used: set[str] = set()
    needle_rng = random.Random(f"needles:{seed}:{count}")
    for number in range(count):
        family = FAMILIES[number % len(FAMILIES)]
        edition = number // len(FAMILIES) + 1
        rng = random.Random(f"variant:{seed}:{number}")
        pool = len(family.sections)
        chosen = tuple(sorted(rng.sample(range(pool), rng.randint(pool - 5, pool - 2))))
        file = f"synth-{family.key}-{edition:03d}.txt"
        needle = _needle(family, file, number + 1, needle_rng, used)
        needle_section = (
            f"{NEEDLE_HEADING}\n\nNotatet er den {edition}. udgave i rækken og omtaler et nyt lokalt projekt. "
            f"{needle.fact}"
        )
        body = [section_text(family, i) for i in chosen]
        body.insert(rng.randint(0, len(body)), needle_section)
        text = "\n\n".join([family.title, family.intro, *body]) + "\n"
        quarter = edition - 1
        manifest = {
            "file": file,
            "title": family.title,  # the same for every variant: the title is part of what is embedded
            "publisher": family.publisher,
            "date": f"{2011 + quarter // 4}-{3 * (quarter % 4) + 3:02d}-{30 if quarter % 4 in (1, 2) else 31}",
            "kind": f"{family.kind}, udgave {edition} (genereret)",
            "layout": "sections",
        }
        docs.append(GeneratedDocument(file, family.key, text, manifest, needle, chosen))
    return docs


def _toml_entry(meta: dict[str, str]) -> str:
    """One ``[[document]]`` table to append to the real manifest's text, which is kept
    verbatim, comments and all (tomli_w writes the values, escaping included)."""
    return "\n[[document]]\n" + tomli_w.dumps(meta)


def generate(size: int, target: Path, seed: int = 0, real_corpus: Path | None = None) -> list[Needle]:
    """Write the corpus of size ×``size`` into ``target`` (created; must be empty or
    missing): the real documents and manifest, then the generated ones. Returns the needles."""
    if size < 1:
        raise ValueError(f"størrelsen skal være mindst 1 (fik {size})")
    source = real_corpus or PROJECT_ROOT / "corpus"
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise ValueError(f"{target} er ikke tom")
    manifest = (source / "manifest.toml").read_text(encoding="utf-8")
    real = sorted(p for p in source.iterdir() if p.suffix == ".txt")
    if len(real) != REAL_DOCUMENTS:
        raise ValueError(f"{source} skal indeholde {REAL_DOCUMENTS} dokumenter (fandt {len(real)})")
    for path in real:
        shutil.copyfile(path, target / path.name)
    docs = variants(REAL_DOCUMENTS * size - REAL_DOCUMENTS, seed)
    entries = []
    for doc in docs:
        (target / doc.file).write_text(doc.text, encoding="utf-8")
        entries.append(_toml_entry(doc.manifest))
    header = "\n# Generated by evals/synth.py for the scale benchmark.\n" if docs else ""
    (target / "manifest.toml").write_text(manifest.rstrip("\n") + "\n" + header + "".join(entries), encoding="utf-8")
    return [doc.needle for doc in docs]


def needles_to_json(needles: list[Needle]) -> str:
    return json.dumps([asdict(n) for n in needles], ensure_ascii=False, indent=1)


def needles_from_json(text: str) -> list[Needle]:
    return [Needle(**row) for row in json.loads(text)]
