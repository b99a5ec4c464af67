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
from chatbot.ingest.passages import Passage, Sentence, sentence_text
from chatbot.store.protocol import Store
from chatbot.text.lexicon import DOCUMENT_NOUNS, PUBLICATION_VERBS
from chatbot.text.nlp import Annotation
from chatbot.text.normalise import fold, unwrap
from chatbot.text.questions import DocumentFact

FRONT_SENTENCES = 12  # front matter: a title page, a byline, a dateline, a copyright notice
_NOUNS = "|".join(sorted(DOCUMENT_NOUNS))
# "this report", or "the report" closing the question ("When was the report written?"): in a one-document corpus, that document. "The report
# on the dam" may be a report the document tells of.
_VERBS = "|".join(sorted(PUBLICATION_VERBS))
_DEICTIC_RE = re.compile(
    rf"\bthis (?:{_NOUNS})\b|\bthe (?:{_NOUNS})(?: (?:{_VERBS}))?\s*\?*\s*$", re.IGNORECASE
)
_YEAR_RE = re.compile(r"\b\d{4}\b")
_NAMES_SPLIT_RE = re.compile(r"\s*(?:,|;|\band\b|&)\s*")


@dataclass(frozen=True)
class FrontFact:
    """The fact, as the document writes it, and the sentences that state it (cited by their offsets, a
    title page's heading-shaped lines included)."""

    value: str
    where: list[tuple[Passage, Sentence]]


def named_document(question: str, sources: Sequence[str], index: Store) -> str | None:
    """The one document the question is about: the source it names ("the TechFastForward article"), or the
    only document of the corpus when it says "this article" or ends on "the report"."""
    named = set(sources)
    if len(named) == 1:
        return named.pop()
    if not named and len(index.documents) == 1 and _DEICTIC_RE.search(question):
        return next(iter(index.documents))
    return None


def front_fact(kind: DocumentFact, document: str, index: Store) -> FrontFact | None:
    """The document's date as its front matter states it, or its authors as it names them (the credited
    ones anywhere in it: an author's note often closes an article); None when it states neither."""
    numbers = index.document_sentences(document)
    if kind == "date":
        numbers = numbers[:FRONT_SENTENCES]
    sentences = list(zip(index.sentences(numbers), annotations_of(index, numbers), strict=True))
    info = index.documents.get(document)
    if kind == "date":
        return _date(sentences, info.date if info else "")
    return _authors(sentences, info.author if info else "")


def _date(front: list[tuple[tuple[Passage, Sentence], Annotation]], iso: str) -> FrontFact | None:
    """The first date of the front matter with a year: the one the metadata gives, where it gives one."""
    for (p, s), note in front:
        text = _plain(p, s)
        for e in note.ents:
            phrase = text[e.start : e.end]
            if e.label == "DATE" and _YEAR_RE.search(phrase) and (not iso or _same_day(phrase, iso)):
                return FrontFact(phrase, [(p, s)])
    return None


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
        and bool(re.search(rf"\b0?{day.day}(?:st|nd|rd|th)?\b", folded))
    )


def _authors(sentences: list[tuple[tuple[Passage, Sentence], Annotation]], credited: str) -> FrontFact | None:
    """The credited authors where the document names them, or the person of a "By <name>" line up front."""
    names, where = [], []
    for name in (n for n in _NAMES_SPLIT_RE.split(credited) if n):
        found = next(((p, s) for (p, s), _ in sentences if fold(name) in fold(_plain(p, s))), None)
        if found:
            names.append(name)
            if found not in where:
                where.append(found)
    if names:
        return FrontFact(_listed(names), where)
    for (p, s), note in sentences[:FRONT_SENTENCES]:
        text = _plain(p, s)
        people = [text[e.start : e.end] for e in note.ents if e.label == "PERSON"]
        if people and fold(text).startswith("by "):
            return FrontFact(people[0], [(p, s)])
    return None


def _plain(p: Passage, s: Sentence) -> str:
    return unwrap(sentence_text(p, s))


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
