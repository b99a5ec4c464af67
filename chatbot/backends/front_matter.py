"""Facts a document states about itself: when it is dated and who wrote it.

"When was the TechFastForward article published?" is answered by the article's dateline, not by anything it
reports, and no retrieval score finds a dateline for it ("Friday, May 8, 2026" shares no word with the
question). So the document the question names is read from its start, where front matter stands, and the
line that states the fact is cited. The source metadata (``sources.toml``) says which date or name to look
for; it is never itself the answer: where no line of the document states it, the answer says the document
does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.backends.decisions import annotations_of
from chatbot.grounding.attribution import personal_name
from chatbot.ingest.passages import Passage, Sentence, sentence_text
from chatbot.store.protocol import Store
from chatbot.text.lexicon import (
    INTERVIEWER_ROLES,
    ORDINAL_SUFFIX,
    PREPOSITIONS,
    PUBLICATION_VERBS,
    PUBLICATIONS,
    STOPWORDS,
    TITLES,
    UPPER,
    WEEKDAYS,
    alternation,
)
from chatbot.text.nlp import Annotation
from chatbot.text.normalise import fold, unwrap
from chatbot.text.questions import DocumentFact, question_names
from chatbot.text.sentences import EMPHASIS, ends_a_sentence

FRONT_SENTENCES = 12  # front matter: a title page, a byline, a dateline, a copyright notice
_NOUNS = alternation(PUBLICATIONS)
_VERBS = alternation(PUBLICATION_VERBS)
# "this report", or "the (quarterly) report" closing the question ("When was the report written?", "Summarise the
# report.", "What is the report about?"): the one document of the corpus, or the one whose title or file name
# calls it a report, or holds the words before it (no article or preposition: "the authors of the review" names
# "the review"). "The report on the dam" or "the 1987 report" may be one the document tells of.
_MODIFIERS = rf"((?:(?!(?:{alternation(PREPOSITIONS | {'the', 'a', 'an', 'and'})})\b)[\w'’-]+ ){{0,3}}?)"
_DEICTIC_RE = re.compile(
    rf"\bthis {_MODIFIERS}({_NOUNS})\b|\bthe {_MODIFIERS}({_NOUNS})(?: (?:{_VERBS}|about))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"\b\d{4}\b")
_WORD_RE = re.compile(r"[\w-]+")  # a title's words keep their hyphens ("op-ed", "MIME-info")
# A date the line says is the document's own: "Published 14 October 2025", "last updated: 2 October 2018".
_PUBLISHED_RE = re.compile(rf"\b(?:{_VERBS}|updated|revised)(?: on)?[\s:,]*$", re.IGNORECASE)
_DAY_BEFORE_RE = re.compile(rf"\b\d{{1,2}}{ORDINAL_SUFFIX}?\s+$")
# A date set as the document's own, where no metadata says which it is: on a line of its own, in a dateline
# ("HANOI, 2 September 2025 —", "March 3 (Reuters) -"), as a field ("Date: 14 March 2025") or after a word of
# publication. "Between 2010 and 2022, 64 districts …" in an abstract dates what it reports.
_DATELINE_END_RE = re.compile(r"\s*(?:[—–|]|-\s|\(\w+\)\s*[-—–]|$)")
_WEEKDAY_BEFORE_RE = re.compile(rf"\b(?i:{'|'.join(WEEKDAYS)}),?\s+$")
_FIELD_NAME_BEFORE_RE = re.compile(r"[^:.]{1,40}:\W*$")  # "Date: " before the date
_NAMES_SPLIT_RE = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_Read = list[tuple[Passage, Sentence, str, Annotation]]  # sentences with their plain text and annotations


@dataclass(frozen=True)
class FrontFact:
    """The fact, as the document writes it, and the sentences that state it (cited by their offsets, a
    title page's heading-shaped lines included)."""

    value: str
    where: list[tuple[Passage, Sentence]]


def named_document(question: str, sources: Sequence[str], index: Store) -> str | None:
    """The one document the question is about: the source it names by outlet or author ("the TechFastForward
    article"), the one whose title holds every word of a name of two words or more it gives ("the Shared
    MIME-info Database specification", "the GNU Libtasn1 manual" for "Libtasn1: … for the GNU system"), or,
    when it says "this analysis" or ends on "the analysis", the corpus's only document or
    its only one whose title or file name says "analysis"."""
    named = set(sources)
    if named:
        return named.pop() if len(named) == 1 else None
    documents = index.documents
    names = [set(_WORD_RE.findall(fold(n))) for n in question_names(question) if len(n.split()) >= 2]
    titled = {
        doc
        for doc, info in documents.items()
        if any(n <= set(_WORD_RE.findall(fold(info.title))) for n in names)
    }
    if len(titled) == 1:
        return titled.pop()
    deictic = _DEICTIC_RE.search(question)
    if not deictic:
        return None
    if len(documents) == 1:
        return next(iter(documents))
    modifiers, noun = (deictic.group(1), deictic.group(2)) if deictic.group(2) else deictic.group(3, 4)
    # "the cup final article", "the port authority's annual review": the words before the genre name the
    # document when they are all words of one title or file name (a corpus of files with no metadata); words no
    # title holds ("the engineer's report", "the 1987 report") describe a report the documents tell of.
    described = {w for w in re.findall(r"[^\W_]+", fold(modifiers)) if len(w) > 1 and w not in STOPWORDS}
    wanted = described or {fold(noun)}
    called = [name for name, info in documents.items() if wanted <= set(naming_words(name, info.title))]
    return called[0] if len(called) == 1 else None


def naming_words(name: str, title: str) -> tuple[str, ...]:
    """The words a document goes by: its title's (hyphenated ones also whole: "op-ed", "MIME-info") and its file
    name's, whose hyphens separate words. In reading order, each once: they are read as text, where order
    counts ("proposed" before "labyrinth spillway" hedges it), and a set's order changes with the hash seed."""
    words = _WORD_RE.findall(fold(title))
    parts = (part for w in words for part in w.split("-"))
    return tuple(dict.fromkeys([*words, *parts, *re.findall(r"[^\W_]+", fold(name))]))


def front_fact(kind: DocumentFact, document: str, index: Store) -> FrontFact | None:
    """The document's date as its front matter states it, or its authors as it names them (the credited
    ones anywhere in it: an author's note often closes an article); None when it states neither."""
    info = index.documents.get(document)
    numbers = index.document_sentences(document)
    if kind == "date":
        return _date(_read(index, numbers[:FRONT_SENTENCES]), info.date if info else "")
    return _authors(_read(index, numbers), info.author if info else "")


def front_sentences(document: str, index: Store, n: int) -> list[tuple[int, Passage, Sentence]]:
    """The document's first ``n`` sentences, numbered: what a reader checks when it is said not to state its
    date or author."""
    numbers = index.document_sentences(document)[:n]
    return [(number, p, s) for number, (p, s) in zip(numbers, index.sentences(numbers), strict=True)]


def _read(index: Store, numbers: list[int]) -> _Read:
    """The sentences with their plain text (line-end hyphens joined) and annotations, fetched in one go."""
    return [
        (p, s, unwrap(sentence_text(p, s)), note)
        for (p, s), note in zip(index.sentences(numbers), annotations_of(index, numbers), strict=True)
    ]


def _date(front: _Read, iso: str) -> FrontFact | None:
    """The first date of the front matter with a year: the one the metadata gives, where it gives one; a line
    that says it is the publication date ("Published 14 October 2025") before the period a title names ("Q3
    2025")."""
    for p, s, phrase, own in _dates(front):
        if _YEAR_RE.search(phrase) and (_same_day(phrase, iso) if iso else own):
            return FrontFact(phrase, [(p, s)])
    return None


def _dates(front: _Read) -> list[tuple[Passage, Sentence, str, bool]]:
    """The front matter's dates in order, those a line says are the document's own ("Published 14 October
    2025") first, each with whether it is set as the document's own date; the day spaCy leaves out of "2
    October 2018" is read with its month."""
    found = []
    for p, s, text, note in front:
        for e in (e for e in note.ents if e.label == "DATE"):
            day = _DAY_BEFORE_RE.search(text, 0, e.start)
            start = day.start() if day else e.start
            weekday = _WEEKDAY_BEFORE_RE.search(text, 0, start)  # "Date: Tuesday, 3 June 2025": the field's
            lead = weekday.start() if weekday else start  # name is before the weekday, the date after it
            published = _PUBLISHED_RE.search(text, 0, lead) is not None
            own = (
                published
                or not s.citable
                or bool(_DATELINE_END_RE.match(text, e.end) or _FIELD_NAME_BEFORE_RE.match(text[:lead]))
            )
            found.append((not published, p, s, text[start : e.end], own))
    return [(p, s, phrase, own) for _, p, s, phrase, own in sorted(found, key=lambda d: d[0])]


def _same_day(phrase: str, iso: str) -> bool:
    """ "Friday, May 8, 2026" and "8 May 2026" are 2026-05-08."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return False
    folded = fold(phrase)
    return (
        str(day.year) in folded
        and fold(day.strftime("%B")) in folded
        and bool(re.search(rf"\b0?{day.day}{ORDINAL_SUFFIX}?\b", folded))
    )


def _authors(sentences: _Read, credited: str) -> FrontFact | None:
    """The credited authors where the document names them, or the person of a "By <name>" line up front."""
    names: list[str] = []
    where: list[tuple[Passage, Sentence]] = []
    folded = [fold(text) for _, _, text, _ in sentences]  # once, not once per credited name
    for name in (n for n in _NAMES_SPLIT_RE.split(credited) if n):
        at = next((i for i, text in enumerate(folded) if fold(name) in text), None)
        if at is not None:
            names.append(name)
            p, s, _, _ = sentences[at]
            if (p, s) not in where:
                where.append((p, s))
    if names:
        return FrontFact(_listed(names), where)
    for p, s, text, note in sentences[:FRONT_SENTENCES]:
        byline = _BYLINE_RE.match(text)
        if not byline:
            continue
        persons = [(e.start, e.end) for e in note.ents if e.label == "PERSON" and e.start >= byline.end()]
        if people := _byline_names(text, byline.end(), persons):
            return FrontFact(_listed(people), [(p, s)])
    for p, s, text, _ in sentences[:FRONT_SENTENCES]:
        if ends_a_sentence(text):
            break  # the front matter ends where its prose starts
        if people := _author_line(text):
            return FrontFact(_listed(people), [(p, s)])
    if found := _signatories(sentences):
        return found
    for p, s, text, _ in reversed(sentences[-CREDIT_SENTENCES:]):
        if people := _credited_writers(text):
            return FrontFact(_listed(people), [(p, s)])
    return None


CREDIT_SENTENCES = 4  # a wire story's credit line closes it: "(Reporting by …; Editing by …)"
# "Reporting by Gwladys Fouche in Oslo", "Additional reporting by …", "Writing by …": who wrote it, unlike
# "Editing by …".
_CREDIT_RE = re.compile(r"(?:additional\s+)?(?:reporting|writing)\s+by\s+(.+)", re.IGNORECASE)


def _credited_writers(line: str) -> list[str]:
    """The writers a wire story's credit line names, each part of it ("; ") read as a byline."""
    people: list[str] = []
    for part in line.strip(" ()[].").split(";"):
        if m := _CREDIT_RE.fullmatch(part.strip()):  # "Jane Doe in Paris and John Roe in London"
            people += [n for n in _byline_names(m[1]) if n not in people]
    return people


# A line that credits the writers: "By …", "Written by …", "Remarks by …" (a speech's title), or a field that
# names them ("Author: …", a Markdown page's front matter "author: …", "**Authors:** …", an email's "From: …"), in
# bold or italics or not.
_BYLINE_RE = re.compile(
    rf"\s*{EMPHASIS}(?:(?:(?:written|remarks|speech|keynote|statement|testimony|lecture) )?by\s+"
    rf"|(?:authors?|byline|written by|from){EMPHASIS}\s*:{EMPHASIS}\s*)",
    re.IGNORECASE,
)


def _byline_names(line: str, start: int = 0, persons: Sequence[tuple[int, int]] = ()) -> list[str]:
    """The people a byline names from ``start``: each part of its list ("Ana Ruiz (Site Reliability), Tomás
    Ibáñez and Zoë Kowalczyk") with the shape of a name, cut before a role, date or the place of writing
    ("Siobhán Doyle at Carrow Park", "Ines de la Cruz | 12 February 2027"). A part that holds a role word
    ("Jane Doe, Political Correspondent") is a name only where spaCy tags it a person (``persons``, offsets in
    ``line``), and a line whose first part is no name ("By 2030, …") names nobody."""
    people: list[str] = []
    at = start
    for part in _BYLINE_PART_RE.split(line[start:]):
        at = line.index(part, at)
        head = _BYLINE_END_RE.split(part, maxsplit=1)[0]
        tagged = any(s < at + len(head) and e > at for s, e in persons)
        name = _whole_name(head) or (head.strip() if tagged and not people else None)
        at += len(part)
        if name and (tagged or not _ROLE_WORDS & set(fold(name).split())):
            people.append(name)
        elif not people:
            return []
    return people


def _author_line(line: str) -> list[str]:
    """A paper's author line under its title, names alone ("Hannah Okafor¹, Luis Ferreira-Santos² and Mei-Ling
    Zhou¹"): two or more, or marked with their affiliations; a line naming one person is as likely a heading."""
    plain = _AFFILIATION_MARKS_RE.sub("", unwrap(line)).strip()
    names = [_whole_name(part) for part in _BYLINE_PART_RE.split(plain)]
    if not names or not all(names) or (len(names) < 2 and plain == line.strip()):
        return []
    return [n for n in names if n]


def _signatories(sentences: _Read) -> FrontFact | None:
    """A letter's signatories: the name opening each line after its "Signed," ("Dr. Imani Okoro, University of
    Hallsport"), or a contract's, each on a line of its own ("Signed by the Landlord: O. Adeyemi"); each line
    cited."""
    fields = []
    for p, s, text, _ in sentences:
        m = _SIGNED_FIELD_RE.fullmatch(text.strip())
        if m and (name := _whole_name(m["name"]) or _initialled(m["name"])):
            fields.append((name, (p, s)))
    if fields:
        return FrontFact(_listed([n for n, _ in fields]), [w for _, w in fields])
    for k, (_, _, text, _) in enumerate(sentences):
        if not _SIGNED_RE.fullmatch(text.strip()):
            continue
        rows = []
        for p, s, row, _ in sentences[k + 1 :]:
            name = _whole_name(_BYLINE_PART_RE.split(row, maxsplit=1)[0])
            if not name:
                break
            rows.append((name, (p, s)))
        if rows:
            return FrontFact(_listed([n for n, _ in rows]), [w for _, w in rows])
    return None


def _whole_name(part: str) -> str | None:
    """A person's name, titles taken off the front ("Prof. Lars Eriksen" → "Lars Eriksen"), that runs to the
    part's end: "Nordic Ocean Institute" is no "Nordic Ocean"."""
    name = personal_name(part)
    return name if name and part.rstrip(" .").endswith(name) else None


def _initialled(part: str) -> str | None:
    """A name given by its initials and surname, as a contract is signed ("O. Adeyemi", "J. R. Tolkien")."""
    part = part.strip(" .")
    return part if _INITIALLED_RE.fullmatch(part) else None


_INITIALLED_RE = re.compile(rf"(?:{UPPER}\.\s?){{1,3}}{UPPER}[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SIGNED_FIELD_RE = re.compile(r"\W*signed(?: by [^:]{1,40})?\s*:\s*(?P<name>[^:]{3,60})", re.IGNORECASE)
_SIGNED_RE = re.compile(r"\W*(?:signed(?: by)?|signatories|the undersigned)\W*", re.IGNORECASE)
_AFFILIATION_MARKS_RE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§]+|(?<=[^\W\d])\d{1,2}\b")
_BYLINE_PART_RE = re.compile(r"\s*[,;|·•]\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+")
# "By X at Carrow Park", "Remarks by Mayor Ana Ruiz at the opening of …"
_BYLINE_END_RE = re.compile(r"\s*[|,;·•—–(<\d*_]|\s+(?:in|at|for|on|to)\s+")  # "<" opens an email address
_ROLE_WORDS = TITLES | INTERVIEWER_ROLES


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
