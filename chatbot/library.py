"""The corpus as users see it: who said what, quote checks, and the text around a cited span.

The CLI and the web app both show these, so they live in the core. A source is looked up
only by a name the index knows: nothing outside the indexed corpus is ever read, whatever
a request asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.errors import ChatbotError
from chatbot.grounding.quotecheck import QuoteVerdict, check_quote
from chatbot.ingest.documents import Document
from chatbot.store.protocol import Store


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


def quote_rows(index: Store, speaker: str | None = None) -> list[QuoteRow]:
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
        for a in index.quotes(speaker)
    ]


def verify_quote(index: Store, text: str, speaker: str | None = None) -> QuoteVerdict:
    return check_quote(text, speaker, corpus_documents(index), index.quotes())


def corpus_documents(index: Store) -> list[Document]:
    return index.source_documents()


def source_text(index: Store, name: str, page: int | None = None) -> str:
    """The text a citation's offsets index into, for a file the index knows; anything else is refused."""
    if name not in index.documents:
        raise UnknownSource(f"{name!r} is not a document of this corpus")
    pages = index.page_texts(name)
    if pages is None:
        raise UnknownSource(f"{name!r} is no longer in the corpus folder")
    if page not in pages:
        raise UnknownSource(f"{name!r} has no page {page}")
    return pages[page]
