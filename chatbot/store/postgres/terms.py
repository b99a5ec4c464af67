"""Our search terms as PostgreSQL full-text values: a ``tsvector`` with positions, a ``tsquery`` of ORs.

PostgreSQL's own parsers and dictionaries would split and stem differently from the files store's
BM25 (``chatbot.text.normalise.tokens``), so the terms are made here, with the same tokenizer, and
handed over as literals: lexemes quoted, positions kept (``ts_rank_cd`` needs them). The literals travel
as query parameters, never as SQL; quoting only keeps the text-search parser from reading ``'`` or
``\\`` inside a term as syntax.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

MAX_POSITION = 16_383  # PostgreSQL keeps word positions up to 2^14 - 1
MAX_POSITIONS = 256  # and at most this many per lexeme
MAX_LEXEME_BYTES = 2_000  # a lexeme must stay under 2 KB


def quote(term: str) -> str:
    term = term.encode("utf-8")[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(terms: Sequence[str]) -> str:
    """``'term':1,4 'other':2``: every term with its positions (1-based), in first-seen order."""
    positions: dict[str, list[int]] = {}
    for i, term in enumerate(terms[:MAX_POSITION], start=1):
        if term:
            positions.setdefault(term, []).append(i)
    return " ".join(f"{quote(t)}:{','.join(map(str, pos[:MAX_POSITIONS]))}" for t, pos in positions.items())


def word_query(term: str) -> str:
    """A tsquery for one vocabulary question: the term, or any word starting with it for terms of 5+ letters."""
    return quote(term) + (":*" if len(term) >= 5 else "")


class Terms(list[str]):
    """A text's search terms, in order, for a ``tsvector`` column: binary COPY sends them without any parsing."""


def tsvector_binary(terms: Sequence[str]) -> bytes:
    """PostgreSQL's binary ``tsvector``: entry count, then each lexeme (NUL-ended) with its ascending positions."""
    positions: dict[bytes, list[int]] = {}
    for i, term in enumerate(terms[:MAX_POSITION], start=1):
        lexeme = term.encode("utf-8")[:MAX_LEXEME_BYTES]
        if lexeme and b"\0" not in lexeme:
            positions.setdefault(lexeme, []).append(i)
    out = [struct.pack("!i", len(positions))]
    for lexeme, pos in positions.items():
        pos = pos[:MAX_POSITIONS]
        out.append(lexeme + b"\0" + struct.pack(f"!H{len(pos)}H", len(pos), *pos))
    return b"".join(out)


def register_terms(conn: Any) -> None:
    """Teach a connection to send ``Terms`` as ``tsvector`` (binary, for COPY) or as its text literal."""
    from psycopg.adapt import Dumper
    from psycopg.postgres import types
    from psycopg.pq import Format

    oid = types["tsvector"].oid

    class TextDumper(Dumper):
        def dump(self, obj: Any) -> bytes:
            return tsvector_literal(obj).encode("utf-8")

    class BinaryDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: Any) -> bytes:
            return tsvector_binary(obj)

    TextDumper.oid = BinaryDumper.oid = oid
    conn.adapters.register_dumper(Terms, TextDumper)
    conn.adapters.register_dumper(Terms, BinaryDumper)
