"""Loading corpus files into pages of text whose offsets a reader can check.

Offsets are the product's promise: a citation's quote must equal the source text between
its offsets. So we never normalise the text we index. Text files are decoded byte for
byte (no newline translation); an HTML page's offsets refer to its rendition as a reader sees it
(``markup.html_text``) and a PDF's to pypdf's extraction of each page: both are deterministic.
A file that cannot be read is reported and skipped; it never stops ingestion. Every file
passes ``intake`` first: its size is checked before it is read, its type is sniffed from
its bytes, and a second copy of the same content is reported as a duplicate, not indexed.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from chatbot.errors import ConfigError, CorpusError
from chatbot.ingest.furniture import Span, content_spans, paged_furniture
from chatbot.ingest.intake import Rejected, read_limited, sniff
from chatbot.ingest.markup import html_text

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
    heading: str = ""  # the title the file gives itself (``own_title``), read from its bytes

    @cached_property
    def title(self) -> str:
        """The source metadata's title, else the one the document gives itself, else its file name."""
        return self.meta.title or self.heading or self.path.stem.replace("-", " ").replace("_", " ")


@dataclass(frozen=True)
class LoadError:
    path: Path
    reason: str


class UnreadableFile(Rejected):
    """Raised with a reason a user can act on (an ``intake.Rejected``, so uploads and the corpus share reasons)."""


def display_path(path: Path) -> str:
    path = path.resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def corpus_files(folder: Path) -> list[Path]:
    """Every ingestible file below ``folder``, in a stable order; hidden files are skipped."""
    try:
        files = [
            p
            for p in folder.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        ]
    except OSError as exc:
        raise CorpusError(f"the corpus folder {folder} cannot be read: {exc.strerror or exc}") from None
    return sorted(files)


def read_metadata(folder: Path) -> dict[str, SourceMeta]:
    """``sources.toml`` maps a file name (relative to the corpus folder) to its metadata.

    A malformed metadata file is a user error worth stopping for: it is reported, not guessed around.
    """
    path = folder / SOURCES_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read as TOML ({exc}); fix or remove it") from None
    sources = data.get("sources", {})
    fields = set(SourceMeta.__dataclass_fields__)
    if not isinstance(sources, dict) or not all(isinstance(entry, dict) for entry in sources.values()):
        raise ConfigError(f'{path} must hold one [sources."<file name>"] table per document')
    return {
        name: SourceMeta(**{k: str(v) for k, v in entry.items() if k in fields})
        for name, entry in sources.items()
    }


def max_file_bytes(max_file_mb: float | None = None) -> int:
    """The per-file size limit in bytes: the argument, else the ``max_file_mb`` setting."""
    if max_file_mb is None:
        from chatbot.settings import Settings

        max_file_mb = Settings().max_file_mb
    return int(max_file_mb * 1_000_000)


def load_corpus(folder: Path, max_file_mb: float | None = None) -> tuple[list[Document], list[LoadError]]:
    """Load every file of a corpus folder; unreadable files become errors, not exceptions.

    A file whose content equals an earlier file's (same SHA-256) is reported and not loaded twice.
    """
    meta = read_metadata(folder)
    limit = max_file_bytes(max_file_mb)
    root = folder.resolve()
    docs, errors = [], []
    first_with: dict[str, str] = {}  # content hash -> the name it was loaded under
    for path in corpus_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            if not path.resolve().is_relative_to(root):
                raise UnreadableFile("a link to a file outside the corpus folder; not followed")
            doc = load_document(path, name, meta.get(name, SourceMeta()), limit)
        except UnreadableFile as exc:
            errors.append(LoadError(path, str(exc)))
            continue
        if doc.sha256 in first_with:
            errors.append(
                LoadError(path, f"duplicate of {first_with[doc.sha256]} (same content); indexed once")
            )
            continue
        first_with[doc.sha256] = name
        docs.append(doc)
    return docs, errors


def load_document(
    path: Path, name: str, meta: SourceMeta | None = None, max_bytes: int | None = None
) -> Document:
    """One file as a ``Document``; ``UnreadableFile`` says why not. ``max_bytes`` defaults to the setting."""
    try:
        data = read_limited(path, max_file_bytes() if max_bytes is None else max_bytes)
        pages = parse_pages(data, path.suffix.lower())
    except UnreadableFile:
        raise
    except Rejected as exc:
        raise UnreadableFile(exc.reason) from exc
    return Document(
        path=path,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=meta or SourceMeta(),
        pages=pages,
        heading=own_title(data, path.suffix),
    )


def parse_pages(data: bytes, suffix: str) -> list[Page]:
    """The pages of a file's bytes, read as the format its extension names; ``Rejected`` if unusable."""
    if not data.strip():
        raise UnreadableFile("empty file")
    pdf = suffix.lower() == ".pdf"
    pages = _pdf_pages(data) if pdf else [_text_page(data, html=suffix.lower() in (".html", ".htm"))]
    if not any(_has_words(p) for p in pages):
        raise UnreadableFile(
            "no extractable text (an image-only or scanned PDF needs OCR first)"
            if pdf
            else "no text to index (only markup, page furniture or symbols)"
        )
    return pages


def _text_page(data: bytes, html: bool) -> Page:
    kind, encoding = sniff(data)
    if kind == "pdf":
        raise UnreadableFile("a PDF file with a text extension; rename it to .pdf")
    if encoding != "utf-8":  # citations promise offsets into the file read as UTF-8
        raise UnreadableFile(f"not valid UTF-8: it looks like {encoding} text; re-save the file as UTF-8")
    text = html_text(data.decode("utf-8")) if html else data.decode("utf-8")
    return Page(number=None, text=text, content=content_spans(text))


_H1_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.DOTALL | re.IGNORECASE)
_TITLE_RE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.DOTALL | re.IGNORECASE)
_MARKDOWN_TITLE_RE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# A Markdown page's YAML front matter (Jekyll, Hugo, Obsidian) names its title first, where it has one.
_FRONT_MATTER_TITLE_RE = re.compile(r"---[ \t]*\r?\n(?:(?!---)[^\n]*\n)*?title:[ \t]*(\S[^\n]*?)[ \t]*\r?\n")
_TITLE_SEARCH = 20_000  # characters: a title stands at the top


def own_title(data: bytes, suffix: str) -> str:
    """The title a file gives itself: an HTML page's first <h1> (its <title> often adds the site's name), else
    its <title>; a Markdown file's front matter title, else its first level-one heading. "" for plain text
    and PDFs, whose first line is as often an outlet's name, a running head or a form's heading as a title."""
    top, suffix = data[:_TITLE_SEARCH].decode("utf-8", "replace"), suffix.lower()
    if suffix in (".html", ".htm"):
        m = _H1_RE.search(top) or _TITLE_RE.search(top)
        raw = html.unescape(re.sub(r"<[^>]*>", " ", m.group(1))) if m else ""
    elif suffix == ".md":
        m = _FRONT_MATTER_TITLE_RE.match(top) or _MARKDOWN_TITLE_RE.search(top)
        raw = m.group(1).strip("\"'").replace("*", "").replace("`", "") if m else ""
    else:
        return ""
    return " ".join(raw.split())[:200]


def _pdf_pages(data: bytes) -> list[Page]:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile("corrupt PDF: no %PDF header (another kind of file named .pdf?)")
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableFile("truncated PDF: no end-of-file marker (an incomplete download or copy?)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise UnreadableFile("encrypted PDF: it needs a password; save an unprotected copy")
        texts = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFile:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input; all mean "cannot read this PDF"
        raise UnreadableFile(f"corrupt PDF: {str(exc)[:200] or type(exc).__name__}") from exc
    holes = paged_furniture(texts)
    return [
        Page(number=i, text=t, content=content_spans(t, h))
        for i, (t, h) in enumerate(zip(texts, holes, strict=True), 1)
    ]


def _opens_without_password(reader: object) -> bool:
    """A PDF with only an owner password (printing or copying restricted) opens with the empty one."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


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
