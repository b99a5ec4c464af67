"""The store interface: what retrieval, the composers, the library and the app read from an index.

Two stores implement it: the files + FAISS + BM25 index on one machine (``chatbot.store.index``, the
default) and PostgreSQL with pgvector, shared by several servers (``chatbot.store.postgres``). Callers
see numbers, not internals: a passage id, a sentence number (sentences of one document are numbered
consecutively, so ``n + 1`` is the next sentence when it is on the same page), an attribution id. A
store object is one immutable view: what it answers does not change while a question is being answered,
and ``newer()`` hands over a view of a later generation when a writer has committed one.

Every search is bounded: top-``n`` by vector or by terms, then scores for a given set of sentences only,
so no step of a question scans every passage or sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from chatbot.grounding.attribution import Attribution, Kind
from chatbot.ingest.documents import Document
from chatbot.ingest.passages import Passage, Sentence
from chatbot.text.normalise import tokens

UPLOADS = "uploads/"  # name prefix of documents from the uploads folder

# The opaque JSON a sentence may carry (language annotations computed at index time); stores keep it as given.
Annotation = Mapping[str, Any]


@dataclass
class DocumentInfo:
    name: str
    sha256: str
    title: str
    outlet: str
    author: str
    date: str
    url: str
    pages: int


def credits(documents: Sequence[DocumentInfo]) -> list[tuple[str, frozenset[str]]]:
    """The ways a question may name each crediting document as its source, as space-joined search terms:
    computed once per store view, so "according to TrendKia" is matched against a handful of documents. An
    outlet counts in full or by its head before "of", "&" or a comma ("the Aurecht Review" for "The Aurecht
    Review of Arts & Heritage"), each of the outlets a slash separates; an author in full or by surname
    ("Kelly"). One word of a longer name is not enough ("Aurecht" is also the town), nor is a version number in
    a PDF's producer line ("Figure 1" against "Debian package shared-mime-info 2.2-1")."""
    found = [(d.name, frozenset(_ways(d.outlet, d.author))) for d in documents]
    return [(name, ways) for name, ways in found if ways]


_PARENTHESES_RE = re.compile(r"\([^)]*\)")
_OUTLET_HEAD_RE = re.compile(r",|\s(?:of|for|on|&)\s")
_AUTHORS_RE = re.compile(r",|&|\band\b")


def _ways(outlet: str, author: str) -> set[str]:
    ways = set()
    for name in _PARENTHESES_RE.sub(" ", outlet).split("/"):
        ways |= {" ".join(tokens(name)), " ".join(tokens(_OUTLET_HEAD_RE.split(name)[0]))}
    for name in _AUTHORS_RE.split(author):
        terms = tokens(name)
        ways |= {" ".join(terms), terms[-1]} if terms else set()
    return ways - {""}


@dataclass
class Manifest:
    format: int
    model: str
    dim: int
    fingerprint: str
    files: dict[str, str]
    passage_chars: int
    built_at: str
    build_seconds: float
    passages: int
    sentences: int
    attributions: int = 0
    documents: list[DocumentInfo] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


class Store(Protocol):
    """A read-only view of one generation of an index."""

    corpus_dir: Path
    uploads_dir: Path | None

    @property
    def manifest(self) -> Manifest: ...

    @property
    def generation(self) -> str:
        """What this view serves: a build folder's name, or a database generation number."""
        ...

    @property
    def documents(self) -> dict[str, DocumentInfo]: ...

    def credits(self) -> list[tuple[str, frozenset[str]]]:
        """(document name, the search terms of its outlet and author) for the documents that name either, in order."""
        ...

    def roles(self) -> dict[str, str]:
        """Each role the corpus gives exactly one person (folded) → that person (``people_by_role``)."""
        ...

    def document_roles(self) -> dict[str, dict[str, str]]:
        """Document name → each role that document gives exactly one person → that person (``roles_by_document``)."""
        ...

    def newer(self) -> Store | None:
        """A view of a newer generation when a writer has committed one since this view was made, else None."""
        ...

    def path_of(self, name: str) -> Path:
        """Where a document is shown to live (a citation's ``source``)."""
        ...

    # -- passages --

    def fetch_passages(self, ids: Sequence[int]) -> list[Passage]: ...

    def passage_count(self) -> int: ...

    def dense_passages(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The ``n`` passages closest to the query vector: (id, cosine), best first."""
        ...

    def lexical_passages(self, query: str, n: int) -> list[tuple[int, float]]:
        """Up to ``n`` passages sharing terms with the query: (id, score > 0), best first."""
        ...

    def passage_cosines(self, ids: Sequence[int], query_vector: np.ndarray) -> list[float]: ...

    def passages_per_document(self) -> dict[str, int]: ...

    # -- sentences --

    def sentence(self, number: int) -> tuple[Passage, Sentence]: ...

    def sentences(self, numbers: Sequence[int]) -> list[tuple[Passage, Sentence]]: ...

    def sentence_text(self, number: int) -> str: ...

    def has_sentence(self, number: int) -> bool: ...

    def present(self, numbers: Sequence[int]) -> set[int]:
        """Which of these sentence numbers this view holds: one lookup for many (a database's round trips)."""
        ...

    def sentences_in(self, passage_ids: Sequence[int]) -> list[int]:
        """The sentence numbers of these passages, in order."""
        ...

    def document_sentences(self, name: str) -> list[int]:
        """Every sentence number of one document, in order."""
        ...

    def dense_sentences(self, query_vector: np.ndarray, n: int) -> list[int]: ...

    def lexical_sentences(self, query: str, n: int) -> list[int]:
        """Up to ``n`` sentences sharing terms with the query (score > 0), best first."""
        ...

    def sentence_scores(
        self, numbers: Sequence[int], query: str, query_vector: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cosine and lexical score of each given sentence (the composer's scoring inputs)."""
        ...

    def sentence_vectors_of(self, numbers: Sequence[int]) -> np.ndarray: ...

    def annotations(self, numbers: Sequence[int]) -> list[Annotation | None]:
        """The JSON each sentence was indexed with (None when it has none), unchanged."""
        ...

    def sentence_count(self) -> int: ...

    def sentence_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many sentences each search term occurs (terms found nowhere are left out): their rarity."""
        ...

    def known_words(self, terms: Sequence[str]) -> set[str]:
        """The search terms the corpus uses, itself or (for terms of 5+ letters) in a longer form; one lookup."""
        ...

    # -- who said what --

    def attribution(self, i: int) -> Attribution: ...

    def attributions_of(self, name: str) -> list[int]:
        """Ids of the attributions whose speaker is ``name`` (a surname or short form counts)."""
        ...

    def attributions_in(self, number: int) -> list[int]:
        """Ids of the attributions overlapping sentence ``number``."""
        ...

    def sentences_of(self, attribution: int) -> list[int]: ...

    def quotes(self, speaker: str | None = None) -> list[Attribution]:
        """Every attribution in corpus order, or only ``speaker``'s."""
        ...

    def speakers(self) -> list[tuple[str, Kind]]: ...

    # -- source text --

    def page_texts(self, name: str) -> dict[int | None, str] | None:
        """Page number (None for text formats) → the text citation offsets index into; None if unknown."""
        ...

    def source_documents(self) -> list[Document]:
        """The indexed documents with their pages (for the quote checker)."""
        ...
