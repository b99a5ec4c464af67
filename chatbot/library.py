"""The corpus as users see it: who said what, quote checks, and the text around a cited span.

The CLI and the web app both show these, so they live in the core. A source is looked up
only by a name the index knows: nothing outside the indexed corpus is ever read, whatever
a request asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chatbot.errors import ChatbotError
from chatbot.grounding.attribution import speakers_match
from chatbot.grounding.quotecheck import QuoteVerdict, check_quote
from chatbot.ingest.documents import Document
from chatbot.store.index import Index, load_all


class UnknownSource(ChatbotError, LookupError):
    pass


@dataclass(frozen=True)
class QuoteRow:
    """One row of the who-said-what table."""

    speaker: str
    role: str
    kind: str
    text: str
    source: str  # corpus-relative file name
    title: str
    start: int
    end: int
    page: int | None


def quote_rows(index: Index, speaker: str | None = None) -> list[QuoteRow]:
    titles = {d.name: d.title for d in index.manifest.documents}
    return [
        QuoteRow(
            a.speaker,
            a.role,
            a.kind,
            a.text,
            a.source,
            titles.get(a.source, a.source),
            a.start,
            a.end,
            a.page,
        )
        for a in index.attributions
        if speaker is None or speakers_match(a.speaker, speaker)
    ]


def verify_quote(index: Index, text: str, speaker: str | None = None) -> QuoteVerdict:
    return check_quote(text, speaker, corpus_documents(index), index.attributions)


def corpus_documents(index: Index) -> list[Document]:
    uploads = index.uploads_dir.resolve() if index.uploads_dir else None
    return _documents(index.corpus_dir.resolve(), uploads, index.manifest.fingerprint)


@cache
def _documents(corpus_dir: Path, uploads_dir: Path | None, fingerprint: str) -> list[Document]:
    """Loaded once per corpus state (the fingerprint changes whenever a file does)."""
    docs, _ = load_all(corpus_dir, uploads_dir)
    return docs


def source_text(index: Index, name: str, page: int | None = None) -> str:
    """The text a citation's offsets index into, for a file the index knows; anything else is refused."""
    if name not in index.documents:
        raise UnknownSource(f"{name!r} is not a document of this corpus")
    doc = next((d for d in corpus_documents(index) if d.name == name), None)
    if doc is None:
        raise UnknownSource(f"{name!r} is no longer in the corpus folder")
    pages = {p.number: p.text for p in doc.pages}
    if page not in pages:
        raise UnknownSource(f"{name!r} has no page {page}")
    return pages[page]
