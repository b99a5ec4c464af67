"""An HTML page as a reader sees it: the text citations quote and their offsets index into.

A browser shows "<b>Ingrid Varga</b> (born 1961 …)" as one sentence and "Brandt &amp; Holm" as "Brandt &
Holm". Indexing the raw markup with its tags as holes cut a sentence at every inline tag and quoted
entities as written, so HTML is cited by its rendition instead, as a PDF is cited by its extracted text:
block elements become paragraphs, inline elements vanish, entities are decoded, whitespace collapses as it
does on screen (except in ``<pre>``), and a table becomes Markdown rows ("| Coal | 1.6 | −25% |", with a
rule line under a header row), so tables read the same in every format. What a reader never sees as the
page's text (scripts, styles, the head, site navigation, form controls) is left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is not the page's text. A pass before parsing removes each one that is closed (an
# unclosed <nav> in broken markup must not swallow the rest of the page).
_HIDDEN = ("script", "style", "head", "noscript", "template", "svg", "nav", "button", "select", "textarea")
_HIDDEN_RE = re.compile(rf"<({'|'.join(_HIDDEN)})\b.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
# Elements that start a new paragraph (a blank line before and after) or a new line.
_PARAGRAPHS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
     "hr", "html", "legend", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul"}
)  # fmt: skip
_LINES = frozenset({"br", "li", "tr"})
_CELLS = frozenset({"td", "th"})


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.breaks = 0  # newlines owed before the next text: 1 for a new line, 2 for a new paragraph
        self.pre = 0  # depth inside <pre>: whitespace kept as written
        self.lists: list[int | None] = []  # per open list: the next number of an <ol>, None for a <ul>
        self.row: list[bool] | None = None  # per cell of the open table row: whether it is a header cell
        self.header_done = False  # the open table already has its rule line

    def _break(self, n: int) -> None:
        self.breaks = max(self.breaks, n)

    def _emit(self, text: str) -> None:
        if self.breaks and self.out:
            self.out.append("\n" * self.breaks)
        self.breaks = 0
        self.out.append(text)

    def _rstrip(self) -> None:
        if self.out and not self.breaks:
            self.out[-1] = self.out[-1].rstrip(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.row is not None and tag not in _CELLS | {"tr", "table"}:
            return  # a cell's paragraphs and line breaks stay in its row
        if tag in _CELLS and self.row is not None:
            self._rstrip()
            self._emit("| " if not self.row else " | ")
            self.row.append(tag == "th")
        elif tag == "tr":
            self._break(1)
            self.row = []
        elif tag == "table":
            self._break(2)
            self.header_done = False
        elif tag == "li":
            self._break(1)
            number = self.lists[-1] if self.lists else None
            self._emit("• " if number is None else f"{number}. ")
            if number is not None:
                self.lists[-1] = number + 1
        elif tag in ("ul", "ol"):
            self._break(2 if not self.lists else 1)
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "br":
            self._emit("\n") if self.pre else self._break(1)
        elif tag in _PARAGRAPHS:
            self._break(2)
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.row is not None:
            if self.row:
                self._rstrip()
                self._emit(" |")
                if all(self.row) and not self.header_done:
                    self._emit("\n|" + "---|" * len(self.row))
                self.header_done = True  # only the first row can head the table
            self.row = None
            self._break(1)
        elif self.row is not None:
            return
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break(2 if not self.lists else 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break(2)
        elif tag in _PARAGRAPHS or tag in _LINES:
            self._break(2 if tag in _PARAGRAPHS else 1)

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self.breaks or not self.out or self.out[-1][-1:].isspace():
                data = data.lstrip()
        if data:
            self._emit(data)


def html_text(markup: str) -> str:
    """The text of an HTML page as a reader sees it (see the module's docstring)."""
    renderer = _Renderer()
    renderer.feed(_HIDDEN_RE.sub(" ", markup))
    renderer.close()
    text = "".join(renderer.out)
    text = re.sub(r"[^\S\n]+\n", "\n", text)  # no line ends in spaces
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
