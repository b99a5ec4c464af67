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
    r"|https?://\S+(?:\s+\S+\s+—[^\n]*)?",  # bare URLs, with a trailing "Outlet — tagline"
    re.DOTALL | re.IGNORECASE,
)

_BOX = "\u2500-\u257f\u2580-\u259f"
_BOX_LINE_RE = re.compile(rf"^[^\n]*[{_BOX}][^\n]*$", re.MULTILINE)
# An all-caps caption directly above box-drawing art belongs to the art.
_BOX_CAPTION_RE = re.compile(rf"^[ \t]*[A-Z][A-Z \t\-:&]{{3,}}[ \t]*\n(?=[^\n]*[{_BOX}])", re.MULTILINE)


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
