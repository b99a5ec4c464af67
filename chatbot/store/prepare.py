"""From documents to what any store keeps: passages, sentences, attributions, vectors and annotations.

Both stores index the same records the same way, so this step is shared: the files store writes the
result to a build folder, the PostgreSQL store inserts it as a new generation. Nothing here knows
where the records end up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from chatbot.grounding.attribution import Attribution, extract
from chatbot.ingest.documents import Document, LoadError, corpus_fingerprint, load_corpus
from chatbot.ingest.passages import Passage, document_passages, sentence_text
from chatbot.settings import Settings
from chatbot.store.embedcache import EmbeddingCache
from chatbot.store.embeddings import Embedder
from chatbot.store.protocol import UPLOADS, Annotation
from chatbot.text.nlp import annotate as annotate_sentences
from chatbot.text.normalise import unwrap

# A stage of a long job: called with a label and a total, returns "advance by n".
Progress = Callable[[str, int], Callable[[int], None]]
# Index-time language annotations: for the sentences' unwrapped texts, one JSON object (or None) each, kept by
# the store unchanged. The default is spaCy's reading (``chatbot.text.nlp``), which the composer relies on.
Annotator = Callable[[Sequence[str]], list[Annotation | None]]


@dataclass
class Prepared:
    """Everything one build (or one upload) adds to a store; passage ids and sentence numbers start at 0."""

    docs: list[Document]
    errors: list[LoadError]
    passages: list[Passage]
    attributions: list[Attribution]
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray
    annotations: list[Annotation | None]

    @property
    def sentence_texts(self) -> list[str]:
        return [sentence_text(p, s) for p in self.passages for s in p.sentences]


def corpus_state(settings: Settings) -> dict[str, str]:
    """Every indexed file's digest: the shipped corpus, then the uploads under the prefix ``uploads/``."""
    files = corpus_fingerprint(settings.corpus_dir)
    if settings.uploads_dir and settings.uploads_dir.is_dir():
        files |= {UPLOADS + k: v for k, v in corpus_fingerprint(settings.uploads_dir).items()}
    return files


def load_all(corpus_dir: Path, uploads_dir: Path | None,
             max_file_mb: float | None = None) -> tuple[list[Document], list[LoadError]]:  # fmt: skip
    """The shipped corpus plus the user's uploads; an upload that repeats a loaded document is skipped."""
    docs, errors = load_corpus(corpus_dir, max_file_mb)
    if uploads_dir and uploads_dir.is_dir():
        seen = {d.sha256: d.name for d in docs}
        more, problems = load_corpus(uploads_dir, max_file_mb)
        errors += problems
        for d in more:
            if d.sha256 in seen:
                errors.append(
                    LoadError(d.path, f"duplicate of {seen[d.sha256]} (same content); indexed once")
                )
                continue
            docs.append(replace(d, name=UPLOADS + d.name))
    return docs, errors


def split(docs: Sequence[Document], passage_chars: int) -> list[Passage]:
    """Every document's passages, numbered from 0 in document order."""
    passages = [p for doc in docs for p in document_passages(doc, passage_chars)]
    for i, p in enumerate(passages):
        p.id = i
    return passages


def prepare(
    docs: list[Document],
    errors: list[LoadError],
    passage_chars: int,
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
    annotate: Annotator | None = None,
) -> Prepared:
    """Split, find who said what, annotate and embed (through ``cache`` when given: only new text is embedded).

    Sentences and passages are embedded, searched and annotated as a reader sees them: line-end hyphens joined,
    lines unwrapped (``chatbot.text.normalise.unwrap``); their records keep the verbatim offsets."""
    passages = split(docs, passage_chars)
    attributions = attributions_of(docs, errors)
    texts = [unwrap(sentence_text(p, s)) for p in passages for s in p.sentences]
    tick = progress("Reading sentences", len(texts)) if progress else None
    annotations = (annotate or language_annotations)(texts)
    if tick:
        tick(len(texts))
    # The title travels with each passage: it carries the article's topic when the passage's own words do not.
    passage_texts = [f"{p.title}\n{unwrap(p.text)}" for p in passages]
    pvecs = _embed(embedder, cache, passage_texts, "Embedding passages", progress)
    svecs = _embed(embedder, cache, texts, "Embedding sentences", progress)
    return Prepared(docs, errors, passages, attributions, pvecs, svecs, annotations)


def language_annotations(texts: Sequence[str]) -> list[Annotation | None]:
    """spaCy's entities, noun phrases, speakers and negation for each sentence, as plain JSON records."""
    return [a.record() for a in annotate_sentences(texts)]


def _embed(embedder: Embedder, cache: EmbeddingCache | None, texts: list[str], label: str,
           progress: Progress | None) -> np.ndarray:  # fmt: skip
    if cache is None:
        tick = progress(label, len(texts)) if progress else None
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.asarray(embedder.embed(texts, tick), dtype=np.float32)
    tick = progress(label, cache.misses(texts)) if progress else None
    return cache.embed(embedder, texts, tick)


def attributions_of(docs: Sequence[Document], errors: list[LoadError]) -> list[Attribution]:
    """Who said what, per document; a document the extractor chokes on is still indexed, and reported."""
    found = []
    for doc in docs:
        try:
            found += extract(doc)
        except Exception as exc:  # the extractor is heuristic; one odd document must not stop a build
            errors.append(LoadError(doc.path, f"indexed, but attribution extraction failed: {exc}"))
    return found


def overlaps(passages: Sequence[Passage], attributions: Sequence[Attribution]) -> dict[int, list[int]]:
    """Sentence number → the attributions (by position) whose span overlaps it, in attribution order."""
    by_place: dict[tuple[str, int | None], list[tuple[int, int, int]]] = {}
    number = 0
    for p in passages:
        for s in p.sentences:
            by_place.setdefault((p.source, p.page), []).append((s.start, s.end, number))
            number += 1
    said_in: dict[int, list[int]] = {}
    for i, a in enumerate(attributions):
        for start, end, n in by_place.get((a.source, a.page), []):
            if start < a.end and a.start < end:
                said_in.setdefault(n, []).append(i)
    return said_in
