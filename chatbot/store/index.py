"""The on-disk index (the default store): FAISS vectors, BM25 indexes, JSON side files and a manifest.

Why this layout: every build goes to a fresh folder under ``builds/``, and only when it is
complete does ``CURRENT`` (one line, replaced atomically) point at it. A crash mid-build
leaves the previous index in service. Nothing is pickled: FAISS writes its own format,
bm25s and numpy write ``.npy`` with ``allow_pickle=False``, and records are JSON.
The manifest fingerprints the corpus, the model and the pipeline, so a change to any of
them triggers a rebuild instead of silently serving stale answers.

``Index`` is one implementation of ``chatbot.store.protocol.Store``; every search it offers is
bounded (FAISS top-n, BM25 top-n by ``argpartition``), so no question sorts or scans everything.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.errors import ChatbotError
from chatbot.grounding.attribution import (
    Attribution,
    Kind,
    from_records,
    people_by_role,
    roles_by_document,
    speakers_match,
    to_records,
)
from chatbot.ingest.documents import Document, LoadError
from chatbot.ingest.passages import Passage, Sentence, sentence_text
from chatbot.settings import Settings
from chatbot.store.embedcache import EmbeddingCache
from chatbot.store.embeddings import Embedder
from chatbot.store.lexical import Sparse, bm25_sparse, top, write_bm25
from chatbot.store.prepare import Annotator, Prepared, Progress, corpus_state, load_all, overlaps, prepare
from chatbot.store.protocol import UPLOADS, Annotation, DocumentInfo, Manifest, Store, credits
from chatbot.text.normalise import tokens

__all__ = [
    "UPLOADS", "DocumentInfo", "Index", "IndexProblem", "Manifest", "Progress", "build", "corpus_state",
    "current_build", "load", "load_all", "open_index", "read_manifest", "staleness", "write_build",
]  # fmt: skip

FORMAT = 80  # bump when splitting, records or scoring inputs change: it forces a rebuild
CURRENT = "CURRENT"
# One JSON record per sentence: entities, noun phrases, speakers, negation, verbs.
ANNOTATIONS = "annotations.jsonl"
SENTENCE_FAISS = "sentences.faiss"  # written only above the exact-search limit (below it: built at load)


class IndexProblem(ChatbotError):
    """The index on disk is missing, damaged or does not match: a reason fit for a user."""


def fingerprint(files: dict[str, str], settings: Settings) -> str:
    blob = json.dumps([FORMAT, settings.model, settings.passage_chars, sorted(files.items())])
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class Index:
    """A loaded, read-only index (the files store). Sentences are numbered in passage order."""

    root: Path
    corpus_dir: Path
    manifest: Manifest
    passages: list[Passage]
    passage_vectors: object  # faiss.Index
    sentence_vectors: np.ndarray
    bm25: object  # bm25s.BM25 over passages
    sentence_bm25: object  # bm25s.BM25 over sentences
    attributions: list[Attribution] = field(default_factory=list)  # who said what, in corpus order
    sentence_owner: list[tuple[int, int]] = field(default_factory=list)  # sentence -> (passage, position)
    first_sentence: list[int] = field(default_factory=list)  # passage -> its first sentence number
    said_in: dict[int, list[int]] = field(default_factory=dict)  # sentence -> attributions overlapping it
    uploads_dir: Path | None = None
    sentence_annotations: list[Annotation | None] | None = None
    sentence_index: Any = None  # faiss.Index over sentence vectors; exact ones are made at load

    def __post_init__(self) -> None:
        for p in self.passages:
            self.first_sentence.append(len(self.sentence_owner))
            self.sentence_owner.extend((p.id, i) for i in range(len(p.sentences)))
        self.said_in = overlaps(self.passages, self.attributions)
        self._lexical = lru_cache(maxsize=16)(self._lexical_scores)

    # -- Store: identity and documents --

    @property
    def generation(self) -> str:
        return self.root.name

    @cached_property
    def documents(self) -> dict[str, DocumentInfo]:
        return {d.name: d for d in self.manifest.documents}

    @cached_property
    def _credits(self) -> list[tuple[str, frozenset[str]]]:
        return credits(self.manifest.documents)

    def credits(self) -> list[tuple[str, frozenset[str]]]:
        return self._credits

    @cached_property
    def _roles(self) -> dict[str, str]:
        return people_by_role(self.attributions)

    def roles(self) -> dict[str, str]:
        return self._roles

    @cached_property
    def _document_roles(self) -> dict[str, dict[str, str]]:
        return roles_by_document(self.attributions)

    def document_roles(self) -> dict[str, dict[str, str]]:
        return self._document_roles

    def newer(self) -> Store | None:
        return None  # one process serves one build; `chatbot build` elsewhere is picked up on restart

    def path_of(self, name: str) -> Path:
        """Where a document of this index lives: the corpus folder, or the uploads folder for ``uploads/…``."""
        if name.startswith(UPLOADS) and self.uploads_dir:
            return self.uploads_dir / name.removeprefix(UPLOADS)
        return self.corpus_dir / name

    # -- Store: passages --

    def fetch_passages(self, ids: Sequence[int]) -> list[Passage]:
        return [self.passages[i] for i in ids]

    def passage_count(self) -> int:
        return len(self.passages)

    def dense_passages(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        n = min(n, len(self.passages))
        if n <= 0:
            return []
        scores, ids = self.passage_vectors.search(query_vector[None, :], n)  # type: ignore[attr-defined]
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def lexical_passages(self, query: str, n: int) -> list[tuple[int, float]]:
        found = self._lexical(query, False)
        return [(int(found.ids[i]), float(found.scores[i])) for i in top(found.scores, n)]

    def passage_cosines(self, ids: Sequence[int], query_vector: np.ndarray) -> list[float]:
        vectors = self.passage_vectors
        return [float(vectors.reconstruct(int(i)) @ query_vector) for i in ids]  # type: ignore[attr-defined]

    def passages_per_document(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.passages:
            counts[p.source] = counts.get(p.source, 0) + 1
        return counts

    # -- Store: sentences --

    def sentence(self, number: int) -> tuple[Passage, Sentence]:
        pid, pos = self.sentence_owner[number]
        passage = self.passages[pid]
        return passage, passage.sentences[pos]

    def sentences(self, numbers: Sequence[int]) -> list[tuple[Passage, Sentence]]:
        return [self.sentence(n) for n in numbers]

    def sentence_text(self, number: int) -> str:
        return sentence_text(*self.sentence(number))

    def has_sentence(self, number: int) -> bool:
        return 0 <= number < len(self.sentence_owner)

    def present(self, numbers: Sequence[int]) -> set[int]:
        return {n for n in numbers if self.has_sentence(n)}

    def sentences_in(self, passage_ids: Sequence[int]) -> list[int]:
        return [
            self.first_sentence[pid] + i
            for pid in passage_ids
            for i in range(len(self.passages[pid].sentences))
        ]

    def document_sentences(self, name: str) -> list[int]:
        return self.sentences_in(self._passages_of.get(name, []))

    @cached_property
    def _passages_of(self) -> dict[str, list[int]]:
        """Document → its passage ids, made once (a "who said" answer looks up a document per question)."""
        found: dict[str, list[int]] = {}
        for p in self.passages:
            found.setdefault(p.source, []).append(p.id)
        return found

    def dense_sentences(self, query_vector: np.ndarray, n: int) -> list[int]:
        index = self._sentence_index()
        n = min(n, index.ntotal)
        if n <= 0:
            return []
        ids = index.search(query_vector[None, :], n)[1][0]
        return [int(i) for i in ids if i >= 0]

    def lexical_sentences(self, query: str, n: int) -> list[int]:
        found = self._lexical(query, True)
        return [int(found.ids[i]) for i in top(found.scores, n)]

    def sentence_scores(
        self, numbers: Sequence[int], query: str, query_vector: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        picked = np.asarray(numbers, dtype=np.int64)
        lexical = self._lexical(query, True).of(picked)
        return self.sentence_vectors[picked] @ query_vector, np.asarray(lexical, dtype=np.float32)

    def sentence_vectors_of(self, numbers: Sequence[int]) -> np.ndarray:
        return self.sentence_vectors[np.asarray(numbers, dtype=np.int64)]

    def annotations(self, numbers: Sequence[int]) -> list[Annotation | None]:
        found = self.sentence_annotations
        return [found[n] if found else None for n in numbers]

    def sentence_count(self) -> int:
        return len(self.sentence_owner)

    def sentence_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        return {t: self._sentence_df[t] for t in terms if t in self._sentence_df}

    @cached_property
    def _sentence_df(self) -> dict[str, int]:
        """In how many sentences each search term occurs (the BM25 index's posting lengths)."""
        bm25 = self.sentence_bm25
        counts = np.diff(np.asarray(bm25.scores["indptr"]))  # type: ignore[attr-defined]
        return {t: int(counts[i]) for t, i in bm25.vocab_dict.items() if i < len(counts)}  # type: ignore[attr-defined]

    @cached_property
    def vocabulary(self) -> list[str]:
        return sorted(self.bm25.vocab_dict)  # type: ignore[attr-defined]

    def known_words(self, terms: Sequence[str]) -> set[str]:
        """A longer form counts for words of 5+ letters ("America" → "American")."""
        words = self.vocabulary
        known = set()
        for term in terms:
            i = bisect.bisect_left(words, term)
            if i < len(words) and (words[i] == term or (len(term) >= 5 and words[i].startswith(term))):
                known.add(term)
        return known

    def _lexical_scores(self, query: str, sentences: bool) -> Sparse:
        """BM25 over passages or sentences (cached: retrieval and the composer ask for the same query)."""
        return bm25_sparse(self.sentence_bm25 if sentences else self.bm25, query)

    def _sentence_index(self) -> Any:
        if self.sentence_index is None:
            import faiss

            flat = faiss.IndexFlatIP(self.sentence_vectors.shape[1])
            flat.add(np.ascontiguousarray(self.sentence_vectors, dtype=np.float32))
            self.sentence_index = flat
        return self.sentence_index

    # -- Store: who said what --

    def attribution(self, i: int) -> Attribution:
        return self.attributions[i]

    def attributions_of(self, name: str) -> list[int]:
        """Indices of the attributions whose speaker is ``name`` (a surname or short form counts)."""
        return [i for i, a in enumerate(self.attributions) if speakers_match(a.speaker, name)]

    def attributions_in(self, number: int) -> list[int]:
        return self.said_in.get(number, [])

    def sentences_of(self, attribution: int) -> list[int]:
        return [n for n, items in self.said_in.items() if attribution in items]

    def quotes(self, speaker: str | None = None) -> list[Attribution]:
        return [a for a in self.attributions if speaker is None or speakers_match(a.speaker, speaker)]

    def speakers(self) -> list[tuple[str, Kind]]:
        return sorted({(a.speaker, a.kind) for a in self.attributions})

    # -- Store: source text --

    def page_texts(self, name: str) -> dict[int | None, str] | None:
        doc = next((d for d in self.source_documents() if d.name == name), None)
        return None if doc is None else {p.number: p.text for p in doc.pages}

    def source_documents(self) -> list[Document]:
        uploads = self.uploads_dir.resolve() if self.uploads_dir else None
        return _documents(self.corpus_dir.resolve(), uploads, self.manifest.fingerprint)


@lru_cache(maxsize=8)
def _documents(corpus_dir: Path, uploads_dir: Path | None, fingerprint: str) -> list[Document]:
    """Loaded once per corpus state (the fingerprint changes whenever a file does)."""
    docs, _ = load_all(corpus_dir, uploads_dir)
    return docs


# -- building ---------------------------------------------------------------------------------


def build(
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    annotate: Annotator | None = None,
) -> Path:
    """Build the index for ``settings.corpus_dir`` and make it current. Returns the build folder."""
    started = time.perf_counter()
    root = settings.index_dir
    (root / "builds").mkdir(parents=True, exist_ok=True)
    with _lock(root):
        files = corpus_state(settings)
        docs, errors = load_all(settings.corpus_dir, settings.uploads_dir, settings.max_file_mb)
        cache = EmbeddingCache(root / "embed-cache", settings.model)
        prepared = prepare(docs, errors, settings.passage_chars, embedder, cache, progress, annotate)
        if not prepared.passages:
            reasons = (
                "; ".join(f"{e.path.name}: {e.reason}" for e in errors) or "no .txt, .md, .html or .pdf files"
            )
            raise IndexProblem(f"nothing to index in {settings.corpus_dir}: {reasons}")
        final = write_build(root, prepared, settings, files, embedder.dim, started)
        cache.save()
    return final


def write_build(root: Path, prepared: Prepared, settings: Settings, files: dict[str, str], dim: int,
                started: float | None = None, timings: dict[str, float] | None = None) -> Path:  # fmt: skip
    """Write one build folder from prepared records and vectors, then make it current (atomically).
    ``timings`` (for benchmarks) receives the seconds each part took."""
    started = time.perf_counter() if started is None else started
    clock = Stopwatch(timings)
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    passages, attributions = prepared.passages, prepared.attributions
    texts = prepared.sentence_texts
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    tmp = builds / f".tmp-{build_id}-{os.getpid()}"
    tmp.mkdir()
    try:
        with clock("passages_faiss_s"):
            _write_faiss(prepared.passage_vectors, tmp / "passages.faiss")
        np.save(tmp / "sentences.npy", prepared.sentence_vectors, allow_pickle=False)
        with clock("sentences_faiss_s"):
            if _needs_sentence_faiss(len(texts)):
                _write_faiss(prepared.sentence_vectors, tmp / SENTENCE_FAISS)
        with clock("bm25_s"):
            write_bm25([tokens(f"{p.title} {p.text}") for p in passages], tmp / "bm25")
            write_bm25([tokens(t) for t in texts], tmp / "bm25_sentences")
        _write_jsonl(tmp / "passages.jsonl", (_passage_record(p) for p in passages))
        _write_jsonl(tmp / "attributions.jsonl", iter(to_records(attributions)))
        if any(a is not None for a in prepared.annotations):
            _write_jsonl(tmp / ANNOTATIONS, iter(prepared.annotations))  # type: ignore[arg-type]
        manifest = Manifest(
            format=FORMAT,
            model=settings.model,
            dim=dim,
            fingerprint=fingerprint(files, settings),
            files=files,
            passage_chars=settings.passage_chars,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
            passages=len(passages),
            sentences=len(texts),
            attributions=len(attributions),
            documents=[document_info(d) for d in prepared.docs],
            errors=[error_record(e, settings.corpus_dir) for e in prepared.errors],
        )
        _write_json(tmp / "manifest.json", asdict(manifest))
        _fsync_dir(tmp)
        final = builds / build_id
        tmp.rename(final)
        _atomic_write(root / CURRENT, build_id + "\n")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(builds, keep=build_id)
    return final


class Stopwatch:
    """``with clock("name"):`` adds the block's seconds to ``timings[name]`` (nothing when timings is None)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            if self.timings is not None:
                self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0


def document_info(d: Document) -> DocumentInfo:
    m = d.meta
    return DocumentInfo(d.name, d.sha256, d.title, m.outlet, m.author, m.date, m.url, len(d.pages))


def _needs_sentence_faiss(n: int) -> bool:
    from chatbot.store import vectors as vector_index

    return n >= vector_index.EXACT_LIMIT


def error_record(error: LoadError, corpus_dir: Path) -> dict[str, str]:
    return {"file": os.path.relpath(error.path, corpus_dir), "reason": error.reason}


def _passage_record(p: Passage) -> dict[str, object]:
    record = asdict(p)
    record["sentences"] = [s.row() for s in p.sentences]
    return record


def _write_faiss(vectors: np.ndarray, path: Path) -> None:
    """Exact below ``vectors.EXACT_LIMIT`` passages, IVF with a recall-tuned nprobe above it."""
    from chatbot.store import vectors as vector_index

    vector_index.save(vector_index.build(vectors), path)


def _write_jsonl(path: Path, records: Iterator[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _write_json(path: Path, data: object) -> None:
    _atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(builds: Path, keep: str) -> None:
    """Remove older builds and the leftovers of crashed ones."""
    for child in builds.iterdir():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


@contextlib.contextmanager
def _lock(root: Path) -> Iterator[None]:
    """One builder at a time per index folder; a second waits instead of racing."""
    with (root / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# -- loading ----------------------------------------------------------------------------------


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        return None
    folder = index_dir / "builds" / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


def read_manifest(folder: Path) -> Manifest:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        data["documents"] = [DocumentInfo(**d) for d in data.get("documents", [])]
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise IndexProblem(f"unreadable manifest in {folder}: {exc}") from exc
    for name in ("format", "dim", "passages", "sentences", "attributions", "passage_chars"):
        value = getattr(manifest, name)
        if type(value) is not int or value < 0:
            raise IndexProblem(f"unreadable manifest in {folder}: {name} is {value!r}, not a count")
    if not isinstance(manifest.files, dict) or not isinstance(manifest.model, str):
        raise IndexProblem(f"unreadable manifest in {folder}: files or model malformed")
    return manifest


def staleness(settings: Settings) -> str | None:
    """Why the current index cannot serve these settings, or None if it can."""
    folder = current_build(settings.index_dir)
    if folder is None:
        return "no index has been built yet"
    manifest = read_manifest(folder)
    if manifest.format != FORMAT:
        return f"index format {manifest.format} is not the current format {FORMAT}"
    if manifest.model != settings.model:
        return f"index was built with model {manifest.model!r}, settings ask for {settings.model!r}"
    if manifest.passage_chars != settings.passage_chars:
        return "passage size changed"
    files = corpus_state(settings)
    if manifest.fingerprint != fingerprint(files, settings):
        changed = sorted(set(files.items()) ^ set(manifest.files.items()))
        names = sorted({name for name, _ in changed})
        gone = [n for n in names if n not in files]
        note = f" (missing from the corpus folder: {', '.join(gone)})" if gone else ""
        return "corpus changed: " + ", ".join(names) + note
    return None


def load(settings: Settings, expected_dim: int | None = None) -> Index:
    """Load the current index, checking that its parts agree with each other and the manifest."""
    import bm25s

    from chatbot.store import vectors as vector_index

    folder = current_build(settings.index_dir)
    if folder is None:
        raise IndexProblem(f"no index in {settings.index_dir}; run `chatbot build`")
    manifest = read_manifest(folder)
    try:
        passages = [
            _passage_from(json.loads(line)) for line in (folder / "passages.jsonl").open(encoding="utf-8")
        ]
        vectors = vector_index.load(folder / "passages.faiss")
        sentences = np.load(folder / "sentences.npy", allow_pickle=False)
        bm25 = bm25s.BM25.load(str(folder / "bm25"), allow_pickle=False)
        sentence_bm25 = bm25s.BM25.load(str(folder / "bm25_sentences"), allow_pickle=False)
        said = from_records(
            json.loads(line) for line in (folder / "attributions.jsonl").open(encoding="utf-8")
        )
        notes = folder / ANNOTATIONS
        annotations = [json.loads(line) for line in notes.open(encoding="utf-8")] if notes.exists() else None
        sentence_index = (
            vector_index.load(folder / SENTENCE_FAISS) if (folder / SENTENCE_FAISS).exists() else None
        )
    except Exception as exc:  # any damaged part means the whole build is unusable
        raise IndexProblem(f"damaged index in {folder}: {exc}") from exc
    problems = []
    if manifest.format != FORMAT or manifest.model != settings.model:
        problems.append(
            f"built as format {manifest.format} with model {manifest.model!r}; "
            f"this version needs format {FORMAT} and settings ask for {settings.model!r}"
        )
    if len(said) != manifest.attributions:
        problems.append(f"{manifest.attributions} attributions in the manifest, {len(said)} records")
    if len(passages) != manifest.passages or vectors.ntotal != manifest.passages:
        problems.append(
            f"{manifest.passages} passages in the manifest, {vectors.ntotal} vectors, {len(passages)} records"
        )
    if sentences.shape != (manifest.sentences, manifest.dim):
        problems.append(
            f"sentence vectors have shape {sentences.shape}, expected ({manifest.sentences}, {manifest.dim})"
        )
    if vectors.d != manifest.dim or (expected_dim and manifest.dim != expected_dim):
        problems.append(f"vector dimension {vectors.d}, manifest {manifest.dim}, model {expected_dim}")
    if annotations is not None and len(annotations) != manifest.sentences:
        problems.append(f"{len(annotations)} sentence annotations for {manifest.sentences} sentences")
    if sentence_index is not None and sentence_index.ntotal != manifest.sentences:
        problems.append(
            f"{sentence_index.ntotal} sentence vectors indexed for {manifest.sentences} sentences"
        )
    if sentences.dtype != np.float32:
        problems.append(f"sentence vectors are {sentences.dtype}, not float32")
    if not problems and not (np.isfinite(sentences).all() and _finite_sample(vectors)):
        problems.append("vectors hold NaN or infinite values")
    if problems:
        raise IndexProblem(f"inconsistent index in {folder}: " + "; ".join(problems))
    return Index(
        folder, settings.corpus_dir, manifest, passages, vectors, sentences, bm25, sentence_bm25, said,
        uploads_dir=settings.uploads_dir, sentence_annotations=annotations, sentence_index=sentence_index,
    )  # fmt: skip


def _finite_sample(vectors: object, n: int = 4096) -> bool:
    """The first ``n`` passage vectors are finite (all of them for a small corpus; bounded memory for a big one)."""
    try:
        sample = vectors.reconstruct_n(0, min(n, vectors.ntotal))  # type: ignore[attr-defined]
        return bool(np.isfinite(sample).all())
    except Exception:  # an index type that cannot reconstruct: nothing to check here
        return True


def _passage_from(record: dict) -> Passage:
    sentences = [Sentence(*row) for row in record.pop("sentences")]
    return Passage(**record, sentences=sentences)


def open_index(settings: Settings, embedder: Embedder, progress: Progress | None = None,
               notify: Callable[[str], None] | None = None) -> Index:  # fmt: skip
    """The index for these settings: loaded if fresh, rebuilt (and then loaded) if not."""
    try:
        reason = staleness(settings)
        if reason is None:
            return load(settings, embedder.dim)
    except IndexProblem as exc:  # damaged or mismatched: never used, rebuilt
        reason = str(exc)
    if notify:
        notify(f"Building the index ({reason}).")
    build(settings, embedder, progress)
    return load(settings, embedder.dim)
