"""Page furniture: text that came with a web page but is not part of the article.

Share buttons, newsletter promotions, comment counters, embed snippets and box-drawing
art would otherwise be retrieved and even cited. We never delete them from the text
(offsets must keep pointing into the original file); we return their spans, and the
splitter treats them as holes.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

_LINE_PATTERNS = [
    r"Share:\s*\S*",  # "Share:XLinkedIn"
    r"</>\s*Embed this article",
    r"Copy the (?:iframe|embed) code.*",
    r"\d+ min(?:ute)?s? read",
    r"Stay Ahead",
    r"Get daily .* before the market moves\.",
    r"Join [\d,]+\+? .*reading .*",
    r"Comments?",
    r"\d+ comments?",
    r"No discussion yet.*",
    r"Summaries like this, in your inbox.*",
    r"Get curated .* inbox\..*",
    r"Get Started Free.*",
    r"\d+ minutes a day\..*",
    r"\d+\+ sources · .*",
    r"[A-Z]{1,3}",  # avatar initials such as "KK" above an author bio
]
_LINE_RE = re.compile(r"^[ \t]*(?:" + "|".join(_LINE_PATTERNS) + r")[ \t]*$", re.MULTILINE)

_INLINE_RE = re.compile(
    r"<iframe\b[^>]*>(?:[^<]*</iframe>)?"  # embed snippets
    r"|Sign up free\s*→"  # a newsletter button glued to the next heading
    r"|<?https?://\S+(?:\s+\S+\s+—[^\n]*)?",  # bare URLs (<bracketed> too), with a trailing "Outlet — tagline"
    re.DOTALL | re.IGNORECASE,
)

_BOX = "\u2500-\u257f\u2580-\u259f"
_BOX_LINE_RE = re.compile(rf"^[^\n]*[{_BOX}][^\n]*$", re.MULTILINE)
# An all-caps caption directly above box-drawing art belongs to the art.
_BOX_CAPTION_RE = re.compile(rf"^[ \t]*[A-Z][A-Z \t\-:&]{{3,}}[ \t]*\n(?=[^\n]*[{_BOX}])", re.MULTILINE)


# A line that is only a page number: "12", "Page 12", "12 of 40", "- 12 -", "xiv".
_PAGE_NUMBER_RE = re.compile(
    r"[ \t]*(?:[-–—]\s*)?(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s+of\s+\d{1,4})?(?:\s*[-–—])?[ \t]*", re.I
)
# A table-of-contents entry: a title, a run of leader dots, a page number.
_LEADER_RE = re.compile(
    r"^[^\n]*(?:\.[ \t]?){4,}[ \t]*(?:\d{1,4}|[ivxlcdm]{1,7})[ \t]*$", re.MULTILINE | re.I
)
# Running heads, footers and page numbers sit within _EDGE_LINES lines of a page's top or bottom; a recurring
# line of at least _RUNNING_ANYWHERE characters is a running head even where the PDF stored it mid-page.
_EDGE_LINES = 3
_RUNNING_ANYWHERE = 30


def paged_furniture(texts: list[str]) -> list[list[Span]]:
    """Furniture that only the pages together reveal, per page: running heads and footers (a line that
    recurs near the top or bottom of several pages, page numbers aside), bare page numbers at a page's edge,
    and table-of-contents entries with leader dots. A printed document's text is never cut: these are holes."""
    pages = [_lines(text) for text in texts]
    seen: dict[str, set[int]] = {}
    for number, lines in enumerate(pages):
        edges = set(_edges(lines))
        # A long line recurs as a running head wherever the PDF stored it; a short one only at an edge.
        for entry in lines:
            shape = _shape(entry[2])
            if len(shape) >= _RUNNING_ANYWHERE or (shape and entry in edges):
                seen.setdefault(shape, set()).add(number)
    running = {shape for shape, on in seen.items() if len(on) >= 2 and len(on) >= 0.3 * len(texts)}
    out = []
    for text, lines in zip(texts, pages, strict=True):
        holes = [m.span() for m in _LEADER_RE.finditer(text)]
        edges = set(_edges(lines))
        for entry in lines:
            start, end, line = entry
            shape = _shape(line)
            at_edge = entry in edges
            running_head = shape in running and (len(shape) >= _RUNNING_ANYWHERE or at_edge)
            if running_head or (at_edge and _PAGE_NUMBER_RE.fullmatch(line)):
                holes.append((start, end))
        out.append(_merge(holes))
    return out


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _edges(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    if len(lines) <= 2 * _EDGE_LINES:
        return lines
    return lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]


def _shape(line: str) -> str:
    """A line as a running head recurs: case, spacing and page numbers aside ("Page 2" and "Page 3" alike)."""
    return " ".join(re.sub(r"\d+", "#", line).lower().split()) if re.search(r"[^\W\d_]{3}", line) else ""


def furniture_spans(text: str) -> list[Span]:
    """Character spans of ``text`` that are page furniture, merged and sorted."""
    spans = [
        m.span() for rx in (_LINE_RE, _INLINE_RE, _BOX_LINE_RE, _BOX_CAPTION_RE) for m in rx.finditer(text)
    ]
    return _merge(spans)


def content_spans(text: str, holes: list[Span] | None = None) -> list[Span]:
    """The complement of furniture (and of any extra ``holes``, such as HTML tags) in ``text``."""
    blocked = _merge(furniture_spans(text) + (holes or []))
    spans, pos = [], 0
    for start, end in blocked:
        if start > pos:
            spans.append((pos, start))
        pos = max(pos, end)
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
