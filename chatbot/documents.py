"""Loading corpus files into pages of text whose offsets a reader can check.

Offsets are the product's promise: a citation's quote must equal the source text between
its offsets. So we never normalise the text we index. Text files are decoded byte for
byte (no newline translation); HTML keeps its raw text, with tags treated as holes; a
PDF's offsets refer to pypdf's extraction of each page, which is deterministic.
A file that cannot be read is reported and skipped; it never stops ingestion.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.furniture import Span, content_spans

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
SOURCES_FILE = "sources.toml"


@dataclass(frozen=True)
class SourceMeta:
    """What a journalist needs to credit a source. Empty strings where the text gives nothing."""

    title: str = ""
    outlet: str = ""
    author: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based page of a PDF; None for text formats
    text: str  # the text that citation offsets index into
    content: list[Span] = field(default_factory=list)  # spans that are article text, not furniture


@dataclass(frozen=True)
class Document:
    path: Path
    name: str  # the path relative to its corpus folder: what the index stores
    sha256: str
    meta: SourceMeta
    pages: list[Page]

    @property
    def title(self) -> str:
        return self.meta.title or self.path.stem.replace("-", " ").replace("_", " ")


@dataclass(frozen=True)
class LoadError:
    path: Path
    reason: str


class UnreadableFile(Exception):
    """Raised with a reason a user can act on."""


def display_path(path: Path) -> str:
    path = path.resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def corpus_files(folder: Path) -> list[Path]:
    """Every ingestible file below ``folder``, in a stable order; hidden files are skipped."""
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.parts)
    ]
    return sorted(files)


def read_metadata(folder: Path) -> dict[str, SourceMeta]:
    """``sources.toml`` maps a file name (relative to the corpus folder) to its metadata.

    A malformed metadata file is a user error worth stopping for: it is reported, not guessed around.
    """
    path = folder / SOURCES_FILE
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    fields = set(SourceMeta.__dataclass_fields__)
    return {
        name: SourceMeta(**{k: str(v) for k, v in entry.items() if k in fields})
        for name, entry in data.get("sources", {}).items()
    }


def load_corpus(folder: Path) -> tuple[list[Document], list[LoadError]]:
    """Load every file of a corpus folder; unreadable files become errors, not exceptions."""
    meta = read_metadata(folder)
    docs, errors = [], []
    for path in corpus_files(folder):
        try:
            name = path.relative_to(folder).as_posix()
            docs.append(load_document(path, name, meta.get(name, SourceMeta())))
        except UnreadableFile as exc:
            errors.append(LoadError(path, str(exc)))
    return docs, errors


def load_document(path: Path, name: str, meta: SourceMeta | None = None) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableFile("empty file")
    suffix = path.suffix.lower()
    pages = _pdf_pages(path) if suffix == ".pdf" else [_text_page(data, html=suffix in (".html", ".htm"))]
    if not any(_has_words(p) for p in pages):
        raise UnreadableFile("no extractable text (an image-only PDF needs OCR first)")
    return Document(
        path=path,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=meta or SourceMeta(),
        pages=pages,
    )


def _text_page(data: bytes, html: bool) -> Page:
    if b"\x00" in data:
        raise UnreadableFile("binary content (NUL bytes) in a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8") from exc
    holes = _html_markup(text) if html else []
    return Page(number=None, text=text, content=content_spans(text, holes))


_MARKUP_RE = re.compile(
    r"<(script|style|head|noscript)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&[#\w]+;",
    re.DOTALL | re.IGNORECASE,
)


def _html_markup(text: str) -> list[Span]:
    """Tags, scripts, comments and entities: holes, so that quotes never contain markup."""
    return [m.span() for m in _MARKUP_RE.finditer(text)]


def _pdf_pages(path: Path) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableFile("encrypted PDF")
        texts = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFile(f"corrupt or truncated PDF: {exc}") from exc
    return [Page(number=i, text=t, content=content_spans(t)) for i, t in enumerate(texts, start=1)]


def _has_words(page: Page) -> bool:
    return any(re.search(r"\w{2,}", page.text[s:e]) for s, e in page.content)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def corpus_fingerprint(folder: Path) -> dict[str, str]:
    """File name → content hash, for every ingestible file plus the metadata file."""
    files = corpus_files(folder)
    meta = folder / SOURCES_FILE
    if meta.exists():
        files.append(meta)
    return {os.path.relpath(p, folder): file_digest(p) for p in files}
