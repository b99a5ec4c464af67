"""The gate every incoming file passes: size, type by content, a safe name, duplicates.

Files come from strangers (uploads) and from the operator's corpus folder. Nothing about them
is trusted: not the extension (the type is sniffed from the bytes), not the name (it becomes a
plain file name with no folders, controls or look-alike tricks, and an extension that matches
the sniffed type), not the size (checked before the bytes are read) and not the encoding
(UTF-8 is expected; other text encodings are recognised, binary junk is refused).
Every refusal is a ``Rejected`` whose reason a user can act on.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from chatbot.errors import ChatbotError

# The extensions each type may be stored under; the first is the one a wrong extension becomes.
KINDS: dict[str, tuple[str, ...]] = {"pdf": (".pdf",), "html": (".html", ".htm"), "text": (".txt", ".md")}
MAX_NAME_BYTES = 200  # ext4 and friends allow 255; keep room for a " (2)" suffix
MAX_NAME_CHARS = 120

# Formats that are not documents, by their first bytes: named in the reason so a user knows what happened.
MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY = ("cp1252", "latin-1")  # tried, in order, when the bytes are not UTF-8
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()+,=@&'-]+")


class Rejected(ChatbotError, ValueError):
    """A file refused, with the reason (``str(exc)`` or ``exc.reason``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Accepted:
    name: str  # a safe file name to store it under: no folders, extension matching ``kind``
    kind: str  # "pdf", "html" or "text"
    data: bytes  # the bytes to store: text that arrived in another encoding is re-encoded as UTF-8
    sha256: str  # of ``data``: equal content, equal hash (duplicate detection)
    encoding: str | None  # the encoding the text arrived in; None for a PDF
    pages: int


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def too_big(size: int, max_bytes: int) -> Rejected:
    return Rejected(f"file is {megabytes(size)}, over the {megabytes(max_bytes)} limit")


def read_limited(path: Path, max_bytes: int | None) -> bytes:
    """The file's bytes, refusing one over ``max_bytes`` before reading it (and never reading more)."""
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise too_big(size, max_bytes)
            # read(n) allocates n bytes up front: ask for what the file holds, plus one to see growth
            data = fh.read(-1 if max_bytes is None else min(size, max_bytes) + 1)
            if max_bytes is not None and size < len(data) <= max_bytes:  # it grew as we read: the rest
                data += fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise Rejected(f"cannot read file: {exc.strerror or exc}") from exc
    if max_bytes is not None and len(data) > max_bytes:  # it grew while we looked
        raise too_big(len(data), max_bytes)
    return data


def is_plausible_text(text: str) -> bool:
    """Text, not binary: at most 1 % control characters (tabs and newlines are fine) or U+FFFD."""
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs") and ch not in _TEXT_CONTROLS)
    )
    return bad * 100 <= len(text)


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8, or UTF-16/32 with a byte-order mark, or cp1252/Latin-1 when plausible."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise Rejected(f"broken {encoding.upper()} text (byte {exc.start})") from exc
            if not is_plausible_text(text):
                raise Rejected("binary content (control characters), not text")
            return text, encoding
    if b"\x00" in data:
        raise Rejected("binary content (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        for encoding in _LEGACY:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if is_plausible_text(text):
                return text, encoding
        raise Rejected(
            f"binary content: not valid UTF-8 (byte {exc.start}) nor text in another encoding"
        ) from exc
    if not is_plausible_text(text):
        raise Rejected("binary content (control characters), not text")
    return text, "utf-8"


def sniff(data: bytes) -> tuple[str, str | None]:
    """``(kind, encoding)`` from the bytes alone; binary junk and non-documents are refused."""
    if not data.strip():
        raise Rejected("empty file")
    if b"%PDF-" in data[:1024]:
        return "pdf", None
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise Rejected(f"binary content: {what}, not a document (text, Markdown, HTML or PDF)")
    text, encoding = decode_text(data)
    head = text.lstrip("\ufeff \t\r\n")[:64].lower()
    kind = "html" if head.startswith(("<!doctype html", "<html", "<head", "<body")) else "text"
    return kind, encoding


def _visible(text: str) -> str:
    """Drop controls, bidi and zero-width format characters, surrogates, private and unassigned code points."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))


def safe_name(name: str, kind: str) -> str:
    """A plain file name: no folders, no ``..``, no controls or Unicode tricks, capped, extension matching ``kind``."""
    name = _visible(unicodedata.normalize("NFKC", _visible(name)))
    name = re.split(r"[/\\]", name)[-1]  # folders (either separator) go: "../../etc/passwd" → "passwd"
    name = " ".join(_UNSAFE_NAME_CHARS.sub("-", name).split()).lstrip(" .")  # ".bashrc" → "bashrc"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = "." + ext.lower()
    if ext not in KINDS[kind]:
        ext = KINDS[kind][0]
        if stem.lower().endswith(ext):  # "report.pdf.exe" holding a PDF → "report.pdf", not "report.pdf.pdf"
            stem = stem[: -len(ext)]
    stem = stem.strip(" .-") or "upload"  # no hidden files, no "..", never empty
    stem = stem[:MAX_NAME_CHARS]
    while len((stem + ext).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip(" .-") + ext


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def duplicate_of(sha256: str, known: Mapping[str, str]) -> str | None:
    """The name of a known file (name → SHA-256, as ``corpus_fingerprint`` gives) with the same content."""
    return next((name for name, digest in sorted(known.items()) if digest == sha256), None)


def check_upload(name: str, data: bytes, max_bytes: int) -> Accepted:
    """Accept a file for the corpus, or raise ``Rejected`` saying why: too big, not a document, no text."""
    from chatbot.ingest.documents import parse_pages  # documents imports this module

    if len(data) > max_bytes:
        raise too_big(len(data), max_bytes)
    kind, encoding = sniff(data)
    if kind != "pdf" and encoding != "utf-8":  # stored as UTF-8, the encoding citations are checked against
        data = decode_text(data)[0].encode("utf-8")
    stored = safe_name(name, kind)
    pages = parse_pages(data, Path(stored).suffix)
    return Accepted(stored, kind, data, content_hash(data), encoding, len(pages))


def check_file(path: Path, max_bytes: int) -> Accepted:
    """``check_upload`` for a file on disk, its size checked before it is read."""
    return check_upload(path.name, read_limited(path, max_bytes), max_bytes)
