"""The on-disk index: FAISS vectors, a BM25 index, JSON side files and a manifest.

Why this layout: every build goes to a fresh folder under ``builds/``, and only when it is
complete does ``CURRENT`` (one line, replaced atomically) point at it. A crash mid-build
leaves the previous index in service. Nothing is pickled: FAISS writes its own format,
bm25s and numpy write ``.npy`` with ``allow_pickle=False``, and records are JSON.
The manifest fingerprints the corpus, the model and the pipeline, so a change to any of
them triggers a rebuild instead of silently serving stale answers.
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
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np

from chatbot.errors import ChatbotError
from chatbot.grounding.attribution import Attribution, extract, from_records, speakers_match, to_records
from chatbot.ingest.documents import Document, LoadError, corpus_fingerprint, load_corpus
from chatbot.ingest.passages import Passage, Sentence, document_passages, sentence_text
from chatbot.settings import Settings
from chatbot.store.embedcache import EmbeddingCache
from chatbot.store.embeddings import Embedder
from chatbot.text.nlp import Annotation, annotate
from chatbot.text.normalise import tokens, unwrap

FORMAT = 5  # bump when splitting, records or scoring inputs change: it forces a rebuild
CURRENT = "CURRENT"
UPLOADS = "uploads/"  # name prefix of documents from the uploads folder

# A stage of a long job: called with a label and a total, returns "advance by n".
Progress = Callable[[str, int], Callable[[int], None]]


def bm25_scores(bm25: object, query: str, size: int) -> np.ndarray:
    """BM25 scores of every document for ``query``; all zero when it has no indexable word ("Who is he?")."""
    terms = tokens(query)
    if not terms:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(bm25.get_scores(terms))  # type: ignore[attr-defined]


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


class IndexProblem(ChatbotError):
    """The index on disk is missing, damaged or does not match: a reason fit for a user."""


def fingerprint(files: dict[str, str], settings: Settings) -> str:
    blob = json.dumps([FORMAT, settings.model, settings.passage_chars, sorted(files.items())])
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class Index:
    """A loaded, read-only index. Sentences are numbered in passage order."""

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
    annotations: list[Annotation] = field(
        default_factory=list
    )  # sentence -> entities, noun phrases, speakers

    def path_of(self, name: str) -> Path:
        """Where a document of this index lives: the corpus folder, or the uploads folder for ``uploads/…``."""
        if name.startswith(UPLOADS) and self.uploads_dir:
            return self.uploads_dir / name.removeprefix(UPLOADS)
        return self.corpus_dir / name

    def __post_init__(self) -> None:
        for p in self.passages:
            self.first_sentence.append(len(self.sentence_owner))
            self.sentence_owner.extend((p.id, i) for i in range(len(p.sentences)))
        by_place: dict[tuple[str, int | None], list[tuple[int, int, int]]] = {}
        for number, (pid, pos) in enumerate(self.sentence_owner):
            p = self.passages[pid]
            by_place.setdefault((p.source, p.page), []).append(
                (p.sentences[pos].start, p.sentences[pos].end, number)
            )
        for i, a in enumerate(self.attributions):
            for start, end, number in by_place.get((a.source, a.page), []):
                if start < a.end and a.start < end:
                    self.said_in.setdefault(number, []).append(i)

    @cached_property
    def vocabulary(self) -> list[str]:
        return sorted(self.bm25.vocab_dict)  # type: ignore[attr-defined]

    def has_word(self, term: str) -> bool:
        """Does the corpus use this word, or (for words of 5+ letters) a longer form of it ("America" → "American")?"""
        words = self.vocabulary
        i = bisect.bisect_left(words, term)
        return i < len(words) and (words[i] == term or (len(term) >= 5 and words[i].startswith(term)))

    def sentence_text(self, number: int) -> str:
        return sentence_text(*self.sentence(number))

    def plain_text(self, number: int) -> str:
        """The sentence as a reader sees it (line-end hyphens joined, line breaks as spaces): what its
        annotation's offsets index, and what answers display."""
        return unwrap(self.sentence_text(number))

    def annotation(self, number: int) -> Annotation:
        return self.annotations[number] if number < len(self.annotations) else Annotation()

    @cached_property
    def sentence_df(self) -> dict[str, int]:
        """In how many sentences each search term occurs: the rarity of a question's words."""
        bm25 = self.sentence_bm25
        indptr = np.asarray(bm25.scores["indptr"])  # type: ignore[attr-defined]
        counts = np.diff(indptr)
        vocab = bm25.vocab_dict.items()  # type: ignore[attr-defined]
        return {term: int(counts[i]) for term, i in vocab if i < len(counts)}

    def attributions_of(self, name: str) -> list[int]:
        """Indices of the attributions whose speaker is ``name`` (a surname or short form counts)."""
        return [i for i, a in enumerate(self.attributions) if speakers_match(a.speaker, name)]

    def sentences_of(self, attribution: int) -> list[int]:
        return [n for n, items in self.said_in.items() if attribution in items]

    def sentence(self, number: int) -> tuple[Passage, Sentence]:
        pid, pos = self.sentence_owner[number]
        passage = self.passages[pid]
        return passage, passage.sentences[pos]

    @property
    def documents(self) -> dict[str, DocumentInfo]:
        return {d.name: d for d in self.manifest.documents}


# -- building ---------------------------------------------------------------------------------


def build(settings: Settings, embedder: Embedder, progress: Progress | None = None) -> Path:
    """Build the index for ``settings.corpus_dir`` and make it current. Returns the build folder."""
    started = time.perf_counter()
    root = settings.index_dir
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    with _lock(root):
        files = corpus_state(settings)
        docs, errors = load_all(settings.corpus_dir, settings.uploads_dir, settings.max_file_mb)
        passages = [p for doc in docs for p in document_passages(doc, settings.passage_chars)]
        if not passages:
            reasons = (
                "; ".join(f"{e.path.name}: {e.reason}" for e in errors) or "no .txt, .md, .html or .pdf files"
            )
            raise IndexProblem(f"nothing to index in {settings.corpus_dir}: {reasons}")
        for i, p in enumerate(passages):
            p.id = i
        # Embedded, searched and annotated as a reader sees them: line-end hyphens joined, lines unwrapped.
        sentence_texts = [unwrap(sentence_text(p, s)) for p in passages for s in p.sentences]
        attributions = _attributions(docs, errors)
        tick = progress("Reading sentences", len(sentence_texts)) if progress else None
        annotations = annotate(sentence_texts, progress=tick)

        # The title travels with each passage: it carries the article's topic when the passage's own words do not.
        passage_texts = [f"{p.title}\n{unwrap(p.text)}" for p in passages]
        cache = EmbeddingCache(root / "embed-cache", settings.model)
        tick = progress("Embedding passages", cache.misses(passage_texts)) if progress else None
        pvecs = cache.embed(embedder, passage_texts, tick)
        tick = progress("Embedding sentences", cache.misses(sentence_texts)) if progress else None
        svecs = cache.embed(embedder, sentence_texts, tick)

        build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        tmp = builds / f".tmp-{build_id}-{os.getpid()}"
        tmp.mkdir()
        try:
            _write_faiss(pvecs, tmp / "passages.faiss")
            np.save(tmp / "sentences.npy", svecs, allow_pickle=False)
            _write_bm25([tokens(f"{p.title} {p.text}") for p in passages], tmp / "bm25")
            _write_bm25([tokens(t) for t in sentence_texts], tmp / "bm25_sentences")
            _write_jsonl(tmp / "passages.jsonl", (_passage_record(p) for p in passages))
            _write_jsonl(tmp / "attributions.jsonl", iter(to_records(attributions)))
            _write_jsonl(tmp / "annotations.jsonl", (a.record() for a in annotations))
            manifest = Manifest(
                format=FORMAT,
                model=settings.model,
                dim=embedder.dim,
                fingerprint=fingerprint(files, settings),
                files=files,
                passage_chars=settings.passage_chars,
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                build_seconds=round(time.perf_counter() - started, 3),
                passages=len(passages),
                sentences=len(sentence_texts),
                attributions=len(attributions),
                documents=[
                    DocumentInfo(
                        d.name,
                        d.sha256,
                        d.title,
                        d.meta.outlet,
                        d.meta.author,
                        d.meta.date,
                        d.meta.url,
                        len(d.pages),
                    )
                    for d in docs
                ],  # fmt: skip
                errors=[_error_record(e, settings.corpus_dir) for e in errors],
            )
            _write_json(tmp / "manifest.json", asdict(manifest))
            _fsync_dir(tmp)
            final = builds / build_id
            tmp.rename(final)
            _atomic_write(root / CURRENT, build_id + "\n")
            cache.save()
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _prune(builds, keep=build_id)
    return final


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


def _attributions(docs: list[Document], errors: list[LoadError]) -> list[Attribution]:
    """Who said what, per document; a document the extractor chokes on is still indexed, and reported."""
    found = []
    for doc in docs:
        try:
            found += extract(doc)
        except Exception as exc:  # the extractor is heuristic; one odd document must not stop a build
            errors.append(LoadError(doc.path, f"indexed, but attribution extraction failed: {exc}"))
    return found


def _error_record(error: LoadError, corpus_dir: Path) -> dict[str, str]:
    return {"file": os.path.relpath(error.path, corpus_dir), "reason": error.reason}


def _passage_record(p: Passage) -> dict[str, object]:
    record = asdict(p)
    record["sentences"] = [[s.start, s.end, s.citable] for s in p.sentences]
    return record


def _write_faiss(vectors: np.ndarray, path: Path) -> None:
    """Exact below ``vectors.EXACT_LIMIT`` passages, IVF with a recall-tuned nprobe above it."""
    from chatbot.store import vectors as vector_index

    vector_index.save(vector_index.build(vectors), path)


def _write_bm25(corpus_tokens: list[list[str]], folder: Path) -> None:
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index([t or ["∅"] for t in corpus_tokens], show_progress=False)
    bm25.save(str(folder))


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
        annotations = [
            Annotation.from_record(json.loads(line))
            for line in (folder / "annotations.jsonl").open(encoding="utf-8")
        ]
    except Exception as exc:  # any damaged part means the whole build is unusable
        raise IndexProblem(f"damaged index in {folder}: {exc}") from exc
    problems = []
    if manifest.format != FORMAT or manifest.model != settings.model:
        problems.append(
            f"built as format {manifest.format} with model {manifest.model!r}; "
            f"this version needs format {FORMAT} and settings ask for {settings.model!r}"
        )
    if len(annotations) != manifest.sentences:
        problems.append(f"{manifest.sentences} sentences in the manifest, {len(annotations)} annotations")
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
    if sentences.dtype != np.float32:
        problems.append(f"sentence vectors are {sentences.dtype}, not float32")
    if not problems and not (np.isfinite(sentences).all() and _finite_sample(vectors)):
        problems.append("vectors hold NaN or infinite values")
    if problems:
        raise IndexProblem(f"inconsistent index in {folder}: " + "; ".join(problems))
    return Index(
        folder, settings.corpus_dir, manifest, passages, vectors, sentences, bm25, sentence_bm25, said,
        uploads_dir=settings.uploads_dir, annotations=annotations,
    )  # fmt: skip


def _finite_sample(vectors: object, n: int = 4096) -> bool:
    """The first ``n`` passage vectors are finite (all of them for a small corpus; bounded memory for a big one)."""
    try:
        sample = vectors.reconstruct_n(0, min(n, vectors.ntotal))  # type: ignore[attr-defined]
        return bool(np.isfinite(sample).all())
    except Exception:  # an index type that cannot reconstruct: nothing to check here
        return True


def _passage_from(record: dict) -> Passage:
    sentences = [Sentence(s, e, c) for s, e, c in record.pop("sentences")]
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
