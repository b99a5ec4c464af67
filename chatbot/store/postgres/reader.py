"""``PgStore``: one generation of the shared store, read through bounded queries.

Dense search is pgvector's HNSW (cosine), lexical search is PostgreSQL full-text search (``tsvector`` with
a GIN index, ranked by ``ts_rank_cd``); each returns its top ``n`` only, and the composer's scores are then
asked for its few candidate sentences by id. Every query filters rows by the view's generation (``born <= g``
and the document not dead at g), so a view never mixes two generations even while a writer commits.

Rows are immutable and ids are never reused, so passages, sentence owners and attributions are cached per
process by id, across generations.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from chatbot.grounding.attribution import (
    Attribution,
    Kind,
    people_by_role,
    roles_by_document,
    speaker_words,
    speakers_match,
)
from chatbot.ingest.documents import Document, Page, SourceMeta
from chatbot.ingest.passages import Passage, Sentence, sentence_text
from chatbot.settings import Settings
from chatbot.store.postgres.connect import Database, StoreProblem, database
from chatbot.store.postgres.schema import nearest
from chatbot.store.postgres.terms import quote, word_query
from chatbot.store.postgres.writer import current_generation
from chatbot.store.protocol import UPLOADS, Annotation, DocumentInfo, Manifest, Store, credits
from chatbot.text.normalise import tokens


def score_sql(terms: int) -> str:
    """Σ idf · ts_rank_cd over the query's terms, one tsquery per term: a flat expression with one parameter
    pair per term (the statement's shape depends only on how many terms there are)."""
    parts = [f"ts_rank_cd(terms, CAST(%(q{i})s AS tsquery), %(norm)s) * %(w{i})s" for i in range(terms)]
    return "(" + " + ".join(parts) + ")" if parts else "0"


# A row's tsvector, read once: ``score_sql`` calls ts_rank_cd once per query term, and each call on the stored
# column would fetch it out of TOAST again (10,700 buffer reads instead of 1,700 for 438 rows of 100k passages).
# Concatenating the empty tsvector makes one in-memory copy per row, in a subquery the planner cannot flatten.
DETOASTED = "terms || CAST('' AS tsvector) AS terms"


def lexical_sql(table: str, terms: int) -> str:
    return (
        "SELECT id, " + score_sql(terms) + " AS r FROM (SELECT id, " + DETOASTED + " FROM " + table +
        " WHERE terms @@ CAST(%(t)s AS tsquery) AND born <= %(g)s AND document_id <> ALL(%(dead)s) "
        "LIMIT %(budget)s) AS c ORDER BY r DESC, id LIMIT %(n)s"
    )  # fmt: skip


K = TypeVar("K")
V = TypeVar("V")
VISIBLE = "born <= %(g)s AND document_id <> ALL(%(dead)s)"
LIVE_DOCUMENT = "d.born <= %(g)s AND (d.died IS NULL OR d.died > %(g)s)"


class Cache(OrderedDict[K, V]):
    """A small thread-safe LRU map for immutable rows."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def take(self, keys: Sequence[K], fetch: Callable[[list[K]], dict[K, V]]) -> dict[K, V]:
        with self.lock:
            found = {k: self[k] for k in keys if k in self}
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            fresh = fetch(missing)
            with self.lock:
                for k, v in fresh.items():
                    self[k] = v
                    self.move_to_end(k)
                while len(self) > self.size:
                    self.popitem(last=False)
            found |= fresh
        return found


@dataclass(frozen=True)
class Weights:
    any_term: str  # the candidates: rows holding any selective term
    queries: list[str]  # one tsquery per term
    idf: list[float]

    def params(self) -> dict[str, object]:
        return {f"q{i}": q for i, q in enumerate(self.queries)} | {f"w{i}": w for i, w in enumerate(self.idf)}


@dataclass
class Rows:
    """The per-process caches of one store."""

    passages: Cache[int, tuple[Passage, int]] = field(default_factory=lambda: Cache(50_000))
    owners: Cache[int, tuple[int, int]] = field(default_factory=lambda: Cache(200_000))
    attributions: Cache[int, Attribution] = field(default_factory=lambda: Cache(50_000))


_ROWS: dict[int, Rows] = {}


class PgStore:
    """A read-only view of generation ``g`` of the shared store (implements ``Store``)."""

    def __init__(self, db: Database, settings: Settings, g: int, manifest: dict[str, Any]) -> None:
        self.db = db
        self.settings = settings
        self.g = g
        self.corpus_dir = settings.corpus_dir
        self.uploads_dir = settings.uploads_dir
        self.norm = settings.store_rank_normalization
        self.budget = settings.store_lexical_budget
        self._idf: Cache[tuple[str, str], Weights | None] = Cache(4096)  # (table, question) → term weights
        self._df: Cache[str, tuple[int, int]] = Cache(65536)  # term → (passages, sentences) holding it
        self._present: Cache[int, bool] = Cache(65536)  # sentence number → visible in this view
        self.rows = _ROWS.setdefault(id(db), Rows())
        self._raw = manifest
        with db.connection() as conn:
            dead = conn.execute("SELECT id FROM documents WHERE died <= %s", [g]).fetchall()
            self.dead = [int(r[0]) for r in dead]
            self._documents = [
                DocumentInfo(*r)
                for r in conn.execute(
                    "SELECT name, sha256, title, outlet, author, date, url, pages FROM documents d "
                    "WHERE " + LIVE_DOCUMENT + " ORDER BY id",
                    {"g": g},
                ).fetchall()
            ]
            stored = dict(conn.execute("SELECT key, value FROM store_settings").fetchall())
        self._stored = stored
        self.nearest = nearest(int(stored["dim"]))

    def __repr__(self) -> str:
        return f"PgStore({self.db.where}, generation {self.g})"

    def _params(self, **more: Any) -> dict[str, Any]:
        return {"g": self.g, "dead": self.dead} | more

    def _all(self, query: str, params: Any) -> list[Any]:
        with self.db.connection() as conn:
            return list(conn.execute(query, params).fetchall())

    # -- identity and documents --

    @property
    def generation(self) -> str:
        return str(self.g)

    @cached_property
    def manifest(self) -> Manifest:
        m = self._raw
        return Manifest(
            format=int(self._stored.get("format", 0)),
            model=str(self._stored.get("model", "")),
            dim=int(self._stored.get("dim", 0)),
            fingerprint=str(m.get("fingerprint", "")),
            files=dict(m.get("files", {})),
            passage_chars=int(self._stored.get("passage_chars", 0)),
            built_at=str(m.get("built_at", "")),
            build_seconds=float(m.get("build_seconds", 0.0)),
            passages=int(m.get("passages", 0)),
            sentences=int(m.get("sentences", 0)),
            attributions=int(m.get("attributions", 0)),
            documents=list(self._documents),
            errors=list(m.get("errors", [])),
        )

    @cached_property
    def documents(self) -> dict[str, DocumentInfo]:
        return {d.name: d for d in self._documents}

    @cached_property
    def _credits(self) -> list[tuple[str, frozenset[str]]]:
        return credits(self._documents)

    def credits(self) -> list[tuple[str, frozenset[str]]]:
        return self._credits

    @cached_property
    def _roles(self) -> dict[str, str]:
        return people_by_role(self.quotes())

    def roles(self) -> dict[str, str]:
        return self._roles

    @cached_property
    def _document_roles(self) -> dict[str, dict[str, str]]:
        return roles_by_document(self.quotes())

    def document_roles(self) -> dict[str, dict[str, str]]:
        return self._document_roles

    def newer(self) -> Store | None:
        with self.db.connection() as conn:
            g, manifest = current_generation(conn)
        return PgStore(self.db, self.settings, g, manifest) if g > self.g else None

    def path_of(self, name: str) -> Path:
        if name.startswith(UPLOADS):
            return (self.uploads_dir or Path("uploads")) / name.removeprefix(UPLOADS)
        return self.corpus_dir / name

    # -- passages --

    def _passage_rows(self, ids: list[int]) -> dict[int, tuple[Passage, int]]:
        rows = self._all(
            "SELECT id, source, title, page, start_offset, end_offset, text, sentences, first_sentence "
            "FROM passages WHERE id = ANY(%s)",
            [ids],
        )
        return {
            int(r[0]): (
                Passage(r[1], r[2], r[3], r[4], r[5], r[6], [Sentence(*row) for row in r[7]], int(r[0])),
                int(r[8]),
            )
            for r in rows
        }

    def fetch_passages(self, ids: Sequence[int]) -> list[Passage]:
        found = self.rows.passages.take(list(ids), self._passage_rows)
        return [found[i][0] for i in ids]

    def passage_count(self) -> int:
        return self.manifest.passages

    def dense_passages(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        rows = self._all(
            "SELECT id, 1 - (embedding <=> %(q)s) FROM passages WHERE " + VISIBLE +
            " ORDER BY " + self.nearest + " LIMIT %(n)s",
            self._params(q=query_vector, n=n),
        )  # fmt: skip
        return [(int(i), float(c)) for i, c in rows]

    def lexical_passages(self, query: str, n: int) -> list[tuple[int, float]]:
        return self._lexical("passages", query, n)

    def passage_cosines(self, ids: Sequence[int], query_vector: np.ndarray) -> list[float]:
        if not ids:
            return []
        rows = dict(self._all(
            "SELECT id, 1 - (embedding <=> %s) FROM passages WHERE id = ANY(%s)", [query_vector, list(ids)]
        ))  # fmt: skip
        return [float(rows[i]) for i in ids]

    def passages_per_document(self) -> dict[str, int]:
        rows = self._all(
            "SELECT source, count(*) FROM passages WHERE " + VISIBLE + " GROUP BY source", self._params()
        )
        return {str(s): int(c) for s, c in rows}

    # -- sentences --

    def _owner_rows(self, numbers: list[int]) -> dict[int, tuple[int, int]]:
        rows = self._all("SELECT id, passage_id, position FROM sentences WHERE id = ANY(%s)", [numbers])
        return {int(i): (int(p), int(pos)) for i, p, pos in rows}

    def sentences(self, numbers: Sequence[int]) -> list[tuple[Passage, Sentence]]:
        owners = self.rows.owners.take(list(numbers), self._owner_rows)
        missing = [n for n in numbers if n not in owners]
        if missing:
            raise KeyError(f"no sentence {missing[0]} in {self!r}")
        passages = dict(zip(
            (pid for pid, _ in owners.values()),
            self.fetch_passages([pid for pid, _ in owners.values()]),
            strict=True,
        ))  # fmt: skip
        out = []
        for n in numbers:
            pid, pos = owners[n]
            out.append((passages[pid], passages[pid].sentences[pos]))
        return out

    def sentence(self, number: int) -> tuple[Passage, Sentence]:
        return self.sentences([number])[0]

    def sentence_text(self, number: int) -> str:
        return sentence_text(*self.sentence(number))

    def has_sentence(self, number: int) -> bool:
        return number in self.present([number])

    def present(self, numbers: Sequence[int]) -> set[int]:
        known = self._present.take(list(numbers), self._visible)
        return {n for n in numbers if known[n]}

    def _visible(self, numbers: list[int]) -> dict[int, bool]:
        found = {int(r[0]) for r in self._all(
            "SELECT id FROM sentences WHERE id = ANY(%(n)s) AND " + VISIBLE, self._params(n=numbers)
        )}  # fmt: skip
        return {n: n in found for n in numbers}

    def sentences_in(self, passage_ids: Sequence[int]) -> list[int]:
        found = self.rows.passages.take(list(passage_ids), self._passage_rows)
        return [found[pid][1] + i for pid in passage_ids for i in range(len(found[pid][0].sentences))]

    def document_sentences(self, name: str) -> list[int]:
        if "\x00" in name:  # PostgreSQL text cannot hold NUL, and no document name does
            return []
        rows = self._all(
            "SELECT s.id FROM sentences s JOIN documents d ON d.id = s.document_id WHERE d.name = %(name)s AND "
            + LIVE_DOCUMENT
            + " AND s.born <= %(g)s ORDER BY s.id",
            self._params(name=name),
        )
        return [int(r[0]) for r in rows]

    def dense_sentences(self, query_vector: np.ndarray, n: int) -> list[int]:
        rows = self._all(
            "SELECT id FROM sentences WHERE " + VISIBLE + " ORDER BY " + self.nearest + " LIMIT %(n)s",
            self._params(q=query_vector, n=n),
        )
        return [int(r[0]) for r in rows]

    def lexical_sentences(self, query: str, n: int) -> list[int]:
        return [i for i, _ in self._lexical("sentences", query, n)]

    def _weights(self, table: str, query: str) -> Weights | None:
        """Each query term's IDF in ``table`` (as BM25 computes it), from the document frequencies kept by the
        writers; terms found nowhere are dropped. Cached per view: chats repeat questions."""
        key = (table, query)
        return self._idf.take([key], lambda _: {key: self._new_weights(table, query)})[key]

    def _new_weights(self, table: str, query: str) -> Weights | None:
        terms = list(dict.fromkeys(tokens(query)))
        column = 0 if table == "passages" else 1
        df = {t: c[column] for t, c in self._frequencies(terms).items() if c[column] > 0}
        total = max(self.manifest.passages if table == "passages" else self.manifest.sentences, 1)
        kept = [t for t in terms if t in df]
        if not kept:
            return None
        selective: list[str] = []
        spent = 0
        for t in sorted(kept, key=lambda t: df[t]):  # rarest first, while they fit the budget
            if selective and spent + df[t] > self.budget:
                break
            selective.append(t)
            spent += df[t]
        return Weights(
            any_term=" | ".join(quote(t) for t in selective),
            queries=[quote(t) for t in kept],
            idf=[math.log(1 + (total - df[t] + 0.5) / (df[t] + 0.5)) for t in kept],
        )

    def _lexical(self, table: str, query: str, n: int) -> list[tuple[int, float]]:
        """Top ``n`` by Σ idf(term) · ts_rank_cd(text, term): full-text ranking with BM25's term weights. The rarest
        terms pick at most ``store_lexical_budget`` candidate rows (all of them while the store is small), so the
        work per question is bounded however big the store grows; every term scores them."""
        weights = self._weights(table, query)
        if weights is None:
            return []
        params = self._params(t=weights.any_term, n=n, norm=self.norm, budget=self.budget) | weights.params()
        table_sql = "passages" if table == "passages" else "sentences"
        rows = self._all(lexical_sql(table_sql, len(weights.queries)), params)
        return [(int(i), float(r)) for i, r in rows if r > 0]

    def sentence_scores(
        self, numbers: Sequence[int], query: str, query_vector: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        if not numbers:
            return np.zeros(0, np.float32), np.zeros(0, np.float32)
        weights = self._weights("sentences", query)
        if weights is None:
            rows = self._all(
                "SELECT id, 1 - (embedding <=> %s), 0 FROM sentences WHERE id = ANY(%s)",
                [query_vector, list(numbers)],
            )
        else:
            rows = self._all(
                "SELECT id, c, " + score_sql(len(weights.queries)) + " FROM (SELECT id, 1 - (embedding <=> "
                "%(q)s) AS c, " + DETOASTED + " FROM sentences WHERE id = ANY(%(ids)s) OFFSET 0) AS s",
                {"q": query_vector, "ids": list(numbers), "norm": self.norm} | weights.params(),
            )
        by_id = {int(i): (float(c), float(r)) for i, c, r in rows}
        pairs = [by_id[n] for n in numbers]
        return (np.array([c for c, _ in pairs], np.float32), np.array([r for _, r in pairs], np.float32))

    def sentence_vectors_of(self, numbers: Sequence[int]) -> np.ndarray:
        rows = dict(self._all("SELECT id, embedding FROM sentences WHERE id = ANY(%s)", [list(numbers)]))
        return np.array([_vector(rows[n]) for n in numbers], dtype=np.float32).reshape(len(numbers), -1)

    def annotations(self, numbers: Sequence[int]) -> list[Annotation | None]:
        rows = dict(self._all("SELECT id, annotations FROM sentences WHERE id = ANY(%s)", [list(numbers)]))
        return [rows.get(n) for n in numbers]

    def sentence_count(self) -> int:
        return self.manifest.sentences

    def sentence_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        return {t: c[1] for t, c in self._frequencies(terms).items() if c[1] > 0}

    def _frequencies(self, terms: Sequence[str]) -> dict[str, tuple[int, int]]:
        """In how many passages and sentences each term occurs (terms found nowhere left out); fetched once per
        term and view, for retrieval and the composer alike."""
        counts = self._df.take(list(terms), self._term_rows)
        return {t: c for t, c in counts.items() if c != (0, 0)}

    def _term_rows(self, terms: list[str]) -> dict[str, tuple[int, int]]:
        rows = self._all("SELECT term, passages, sentences FROM term_stats WHERE term = ANY(%s)", [terms])
        found = {str(r[0]): (int(r[1]), int(r[2])) for r in rows}
        return {t: found.get(t, (0, 0)) for t in terms}

    def known_words(self, terms: Sequence[str]) -> set[str]:
        asked = {word_query(t): t for t in terms if t and "\x00" not in t}
        if not asked:
            return set()
        rows = self._all(
            "SELECT w FROM unnest(CAST(%(w)s AS text[])) AS w WHERE EXISTS (SELECT 1 FROM passages WHERE terms @@ "
            "CAST(w AS tsquery) AND " + VISIBLE + ")",
            self._params(w=list(asked)),
        )
        return {asked[str(r[0])] for r in rows}

    # -- who said what --

    def _attribution_rows(self, ids: list[int]) -> dict[int, Attribution]:
        rows = self._all(
            "SELECT id, source, speaker, role, kind, text, start_offset, end_offset, page, cue, article_author "
            "FROM attributions WHERE id = ANY(%s)",
            [ids],
        )
        return {int(r[0]): Attribution(*r[1:]) for r in rows}

    def attribution(self, i: int) -> Attribution:
        return self.rows.attributions.take([i], self._attribution_rows)[i]

    def attributions_of(self, name: str) -> list[int]:
        wanted = sorted(speaker_words(name))
        if not wanted:
            return []
        rows = self._all(
            "SELECT id, speaker FROM attributions WHERE (speaker_words <@ %(w)s OR speaker_words @> %(w)s) "
            "AND cardinality(speaker_words) > 0 AND " + VISIBLE + " ORDER BY id",
            self._params(w=wanted),
        )
        return [int(i) for i, speaker in rows if speakers_match(speaker, name)]

    def attributions_in(self, number: int) -> list[int]:
        rows = self._all("SELECT attribution_id FROM said_in WHERE sentence_id = %s ORDER BY 1", [number])
        return [int(r[0]) for r in rows]

    def sentences_of(self, attribution: int) -> list[int]:
        rows = self._all(
            "SELECT sentence_id FROM said_in WHERE attribution_id = %s ORDER BY 1", [attribution]
        )
        return [int(r[0]) for r in rows]

    def quotes(self, speaker: str | None = None) -> list[Attribution]:
        rows = self._all(
            "SELECT id, source, speaker, role, kind, text, start_offset, end_offset, page, cue, article_author "
            "FROM attributions WHERE " + VISIBLE + " ORDER BY id",
            self._params(),
        )
        found = [Attribution(*r[1:]) for r in rows]
        return [a for a in found if speaker is None or speakers_match(a.speaker, speaker)]

    @cached_property
    def _speakers(self) -> list[tuple[str, Kind]]:
        rows = self._all(
            "SELECT DISTINCT speaker, kind FROM attributions WHERE " + VISIBLE + " ORDER BY 1, 2",
            self._params(),
        )
        return [(str(s), cast(Kind, k)) for s, k in rows]

    def speakers(self) -> list[tuple[str, Kind]]:
        return self._speakers

    # -- source text --

    def page_texts(self, name: str) -> dict[int | None, str] | None:
        if "\x00" in name:
            return None
        rows = self._all(
            "SELECT p.number, p.text FROM pages p JOIN documents d ON d.id = p.document_id "
            "WHERE d.name = %(name)s AND " + LIVE_DOCUMENT + " ORDER BY p.ordinal",
            self._params(name=name),
        )
        return {r[0]: r[1] for r in rows} if rows else None

    @cached_property
    def _source_documents(self) -> list[Document]:
        rows = self._all(
            "SELECT d.name, d.sha256, d.title, d.outlet, d.author, d.date, d.url, p.number, p.text "
            "FROM documents d JOIN pages p ON p.document_id = d.id WHERE " + LIVE_DOCUMENT +
            " ORDER BY d.id, p.ordinal",
            self._params(),
        )  # fmt: skip
        docs: dict[str, Document] = {}
        for name, sha, title, outlet, author, date, url, number, text in rows:
            if name not in docs:
                meta = SourceMeta(title, outlet, author, date, url)
                docs[name] = Document(self.path_of(name), name, sha, meta, [])
            docs[name].pages.append(Page(number, text))
        return list(docs.values())

    def source_documents(self) -> list[Document]:
        return self._source_documents


def _vector(value: Any) -> np.ndarray:
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


def open_view(settings: Settings) -> PgStore | None:
    """A view of the newest generation, or None while the store holds none."""
    db = database(settings)
    with db.connection() as conn:
        g, manifest = current_generation(conn)
    return PgStore(db, settings, g, manifest) if g else None


def require_view(settings: Settings) -> PgStore:
    view = open_view(settings)
    if view is None:
        raise StoreProblem(
            f"the store at {database(settings).where} is empty: run `chatbot build` with the same --store"
        )
    return view
