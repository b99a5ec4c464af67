"""The one sentence splitter: sentences with exact offsets, for documents, passages and generated answers.

Evidence is quoted sentence by sentence, so sentence boundaries decide what a citation looks like.
A generic splitter breaks on "U.S." and "5.2", glues headings to the next sentence, and runs list
items together; this one handles those cases, including a whole article on one line with its
headings inlined, and hard-wrapped lines that continue a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from chatbot.text.lexicon import (
    ABBREVIATIONS,
    BOILERPLATE,
    GLUE_STARTERS,
    HONORIFICS,
    LABEL_NOUNS,
    LOWER,
    NUMBER_WORDS,
    STOPWORDS,
    TITLES,
    UPPER,
    alternation,
    is_person_name,
)

_GLUE = "|".join(GLUE_STARTERS)
# A stop, its closing quotes or brackets, and any reference marks a web page or paper sets after it
# ("surges.[1] In 2004 …", "big.[12][13] Then"), or the footnote number a PDF's superscript leaves glued to
# a word's stop or its closing quote ("… 85 million litres.1 We replaced …", "… were heard.”2"; not "section
# 4.1 The"); the marks are quoted with neither sentence.
_MARKS = r"(?:(?:\[\d{1,3}\])*|(?:(?<=[^\W\d_][.!?])|(?<=[^\W\d_][.!?][\"”’')]))[0-9¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2})"
_END_RE = re.compile(rf"[.!?…]+[\"”’')\]]*(?P<marks>{_MARKS})(?=\s)")  # the marks belong to no sentence
_MARKS_END_RE = re.compile(rf"{_MARKS}$")
# Bullet glyphs as text extraction gives them: Unicode's, and the Symbol and Wingdings fonts' private-use
# code points that Word-made PDFs carry (U+F0B7 "", U+F0A7 "").
BULLETS = "•▪◦●○■□►▸‣⁃\uf0b7\uf0a7"
# The next sentence opens with a capital of any alphabet ("Ørsted", "Łukasz", "Élysée"), a digit or a bullet.
_NEXT_START_RE = re.compile(rf"\s+[\"“‘(\[]?(?:{UPPER}|[0-9{BULLETS}])")
_BULLET_RE = re.compile(rf"\s+[{BULLETS}]\s+")
_ENUMERATOR_RE = re.compile(r"\d{1,2}\.")
# A figure's or a table's label opening the line of its caption ("Figure 1.", "Fig. 3b.", "Table 2.").
_CAPTION_LABEL_RE = re.compile(rf"\s*(?:{alternation(LABEL_NOUNS)})\s+\d{{1,3}}[a-z]?")
_MARKER_RE = re.compile(rf"\s*(?:[{BULLETS}*\-–]|\d{{1,2}}[.)])\s+")
# A numbered clause of a contract or a standard ("5.2 not to keep any pets …"), after a line that ends one
# ("5.1 to keep the Property clean;"): the next item, not the wrapped line's continuation ("3.5 million").
_CLAUSE_RE = re.compile(r"\s*\d{1,2}(?:\.\d{1,2})+\.?\s+\S")
_CLAUSE_END_RE = re.compile(r"[;:]\s*$")
_GLUED_HEADING_RE = re.compile(rf"({UPPER}[^.!?:;,\"“”]{{2,70}}?(?:{LOWER}|[’']))\s+(?=(?:{_GLUE})\s)")
_TERMINAL = tuple('.!?"”’)')
_CLOSERS = "\"”’')"  # what may close a sentence after its last stop
MAX_SENTENCE_CHARS = 600
WRAP_CHARS = 50  # a line this long that stops mid-sentence is wrapped, not ended
_LINE_END_RE = re.compile(r"[.!?…][\"”’')\]]*$|^[^\w]*$")  # a line that ends a sentence (or holds no word)
_HYPHENATED_RE = re.compile(r"[^\W\d_]-$")  # "inter-" at a line end, "international" split by the typesetter
# A row of a list set with leader dots ("Deirdre Fennelly ........ Clerk of the Board", "Coffee .... $2"): one
# line, one entry. Its dots end no sentence, and it neither continues on the next line nor is continued.
_LEADER_ROW_RE = re.compile(r"\w[^\S\n]*(?:\.[^\S\n]?){5,}[^\S\n]*\S")  # a four-dot ellipsis is prose
# A line of short facts set side by side ("Serves 4 · Prep 15 minutes · Cook 40 minutes", "12 May 2025 • 6 min
# read"): each part a few words, two or more of them numbers. Unpunctuated, yet no heading.
_FACTS_SEP_RE = re.compile(r"[^\S\n]+[·•][^\S\n]+")
# A list item that opens with a quantity ("200 g red lentils, rinsed", "2 × AA batteries", "½ tsp salt"): an
# ingredient or a part, a fact however short.
_MEASURED_RE = re.compile(r"(?:\d+(?:[.,/]\d+)?|[½¼¾⅓⅔⅛])[^\S\n]*(?:[×x][^\S\n]*)?[^\W\d_]")
# A Markdown or plain-text table's line, one line, one row, as a list row is: two or more cells between pipes
# ("| South | 455,000 | -1% |"), or three or more split by spaced pipes ("Region | Customers | Change"). A hex
# dump's "0a 5b |MIME-Magic..|" is no row. The rule line under the header ("|---|:--:|") holds no text.
_TABLE_ROW_RE = re.compile(r"\|(?:[^|\n]*\|){2,}|[^|\n]+(?: \| [^|\n]*){2,}")
_TABLE_RULE_RE = re.compile(r"[|:\-\s+]*")
# Markdown's bold or italic markers around a field's name or a byline: "**Authors:** …", "_By Ana Ruiz_".
EMPHASIS = r"(?:\*\*?|__?)?"
# A field of a record, one a line ("author: Siobhán Ní Bhriain", "Date: 3 March", a Markdown page's front
# matter, "**Severity:** SEV-1"): a line of fields over a line of fields is two entries, however short the
# text's lines run.
_FIELD_RE = re.compile(
    rf"[ \t]*{EMPHASIS}[^\W\d_][\w'’.-]*(?:[ \t]+[\w'’.-]+){{0,2}}{EMPHASIS}:{EMPHASIS}[ \t]+\S"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    citable: bool = True  # headings and questions give context but are never quoted as evidence
    item: bool = False  # it opens a list item (after a bullet or a number): lists are quoted whole

    def row(self) -> list[int | bool]:
        """As stored beside the index (``Sentence(*row)`` reads it back)."""
        return [self.start, self.end, self.citable, self.item]


def split_segments(text: str, segments: Sequence[tuple[int, int]], title: str = "") -> list[Sentence]:
    """All sentences of the given segments of ``text``, in order; a gap between segments is never bridged."""
    out: list[Sentence] = []
    for seg_start, seg_end in segments:
        for b_start, b_end in _blocks(text, seg_start, seg_end):
            out.extend(_block_sentences(text, b_start, b_end, title))
    return out


def split(text: str) -> list[str]:
    """The sentences of a plain text (a passage, a generated answer), headings and questions included."""
    return [text[s.start : s.end] for s in split_segments(text, [(0, len(text))])]


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Paragraph-like blocks: split at blank lines, list items, and lines that end a sentence.

    A line that stops mid-sentence continues on the next: a hyphenated line end always, and any line at least
    as long as a wrapped line of this text (a hard-wrapped paragraph, a line of a narrow PDF column).
    """
    wrap = _wrap_width(text, start, end)
    block_start = start
    for m in re.finditer(r"\n", text[start:end]):
        nl = start + m.start()
        line = text[max(block_start, text.rfind("\n", block_start, nl) + 1) : nl].rstrip()
        following = text[nl + 1 : text.find("\n", nl + 1) if "\n" in text[nl + 1 : end] else end]
        hyphenated = bool(_HYPHENATED_RE.search(line)) and following[:1].islower()
        wrapped = hyphenated or (len(line) >= wrap and not _LINE_END_RE.search(line) and bool(line.strip()))
        row = any(bool(_LEADER_ROW_RE.search(x)) or table_line(x) for x in (line, following)) or all(
            _FIELD_RE.match(x) for x in (line, following)
        )
        signed = signature(f"{line}\n{following}") is not None
        clause = bool(_CLAUSE_RE.match(following) and _CLAUSE_END_RE.search(line))
        if not signed and (
            not wrapped or row or clause or not following.strip() or _MARKER_RE.match(following)
        ):
            yield block_start, nl
            block_start = nl + 1
    yield block_start, end


def _wrap_width(text: str, start: int, end: int) -> float:
    """How long a line must be to count as wrapped rather than ended: 50 characters, or less where this
    text's lines are short (60 % of its 80th-percentile line length, so a narrow column still flows)."""
    lengths = sorted(len(line.strip()) for line in text[start:end].split("\n") if line.strip())
    if len(lengths) < 5:
        return WRAP_CHARS
    return min(WRAP_CHARS, 0.6 * lengths[int(0.8 * (len(lengths) - 1))])


def _block_sentences(text: str, start: int, end: int, title: str) -> list[Sentence]:
    cuts: list[tuple[int, int]] = []  # (end of a sentence, start of the next)
    sentences: list[Sentence] = []
    start, end = _trim(text, start, end)
    if len(title) >= 15 and text.startswith(title, start):  # the title, even one glued to the text
        sentences.append(Sentence(start, start + len(title), citable=False))
        start += len(title)
    for m in _END_RE.finditer(text, start, end):
        space = max(text.rfind(" ", start, m.start()), text.rfind("\n", start, m.start()))
        token = text[space + 1 if space >= 0 else start : m.end()].strip()  # "MR." opening a block
        if not _NEXT_START_RE.match(text, m.end(), end) or _is_abbreviation(token):
            continue
        if (
            _ENUMERATOR_RE.fullmatch(token)
            and not text[text.rfind("\n", 0, m.start()) + 1 : space + 1].strip()
        ):
            continue  # "1." opening a line numbers the item after it (_finish takes the number off)
        if _in_leader_row(text, m.start()):
            continue
        if _CAPTION_LABEL_RE.fullmatch(text, max(start, text.rfind("\n", 0, m.start()) + 1), m.start()):
            continue  # "Figure 1. The container feeder …" opening a line: a caption's label is part of it
        cuts.append((m.start("marks"), m.end()))
    # An inline bullet ends a sentence; _finish takes it off the next one and marks that one a list item.
    cuts += [(m.start(), m.start()) for m in _BULLET_RE.finditer(text, start, end)]
    cuts.sort()

    pos = start
    for cut_end, next_start in cuts + [(end, end)]:
        sentences.extend(_finish(text, pos, cut_end))
        pos = max(pos, next_start)
    return sentences


def _in_leader_row(text: str, pos: int) -> bool:
    """Whether the dots at ``pos`` are the leaders of a list row, not a sentence's end."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return any(m.start() <= pos - line_start < m.end() for m in _LEADER_ROW_RE.finditer(line))


def _is_abbreviation(token: str) -> bool:
    lower = token.lower().strip("\"“”'’(")
    return (
        lower in ABBREVIATIONS
        or bool(re.fullmatch(r"(?:[a-z]\.){2,}", lower))  # U.S., e.g., i.e.
        or bool(re.fullmatch(r"[A-Z]\.", token))  # an initial: "J."
    )


def _finish(text: str, start: int, end: int) -> list[Sentence]:
    """Trim a raw span, strip list markers, peel off headings, and cap its length."""
    item = False
    while True:
        start, end = _trim(text, start, end)
        marker = _MARKER_RE.match(text, start, end)
        if not marker or marker.end() <= start:
            break
        start, item = marker.end(), True
    if start >= end:
        return []
    if item:
        found = _finish(text, start, end)
        measured = bool(found) and _measured(text[found[0].start : found[0].end])
        return (
            [replace(found[0], item=True, citable=found[0].citable or measured), *found[1:]] if found else []
        )
    if _ENUMERATOR_RE.fullmatch(text[start:end]):  # an enumerator left alone: "2."
        return []
    # "Questions & Answers 1. Who ...": a list's first number, glued to the heading before it.
    enumerator = re.search(r"\s1\.$", text[start:end])
    if enumerator and re.match(r"[^\n]*?\s2\.\s", text[end : end + 3000]):
        return _finish(text, start, start + enumerator.start())

    m = _GLUED_HEADING_RE.match(text, start, end)
    if m and len(m.group(1).split()) <= 8:  # "The open-weight dilemma Perhaps the ..."
        return [Sentence(start, m.end(1), citable=False), *_finish(text, m.end(1), end)]
    return _cap(text, start, end)


def _cap(text: str, start: int, end: int) -> list[Sentence]:
    """A 'sentence' with no punctuation for 600 characters is cut at a comma or a space."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        window = text[start : start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "))
        cut = cut + 1 if cut > MAX_SENTENCE_CHARS // 2 else window.rfind(" ")
        if cut <= 0:
            break
        out.append(_sentence(text, start, start + cut))
        start, end = _trim(text, start + cut, end)
    out.append(_sentence(text, start, end))
    return out


def _last_stop(text: str) -> str:
    """The text up to its last stop: closing quotes, brackets and reference marks taken off."""
    return _MARKS_END_RE.sub("", text.rstrip()).rstrip(_CLOSERS)


def is_question(text: str) -> bool:
    """A sentence that asks: its last stop, before any closing quote or bracket, is a question mark. A question
    set in Markdown bold or italics ("**Q: Are dogs allowed?**", an FAQ's or an interview's) asks all the
    same."""
    return _last_stop(text.rstrip().rstrip("*_")).endswith("?")


def ends_a_sentence(text: str) -> bool:
    """Whether a line ends as a sentence does (a full stop, a question or an exclamation), unlike a heading."""
    return _last_stop(text).endswith((".", "?", "!"))


def _sentence(text: str, start: int, end: int) -> Sentence:
    body = text[start:end]
    words = len(body.split())
    ended = body.endswith(_TERMINAL) or ends_a_sentence(body) or body.endswith(";")  # a list's item ends so
    heading = words <= 14 and (not ended or _title_case(body))
    question = is_question(body)
    row = "\n" not in body and bool(_LEADER_ROW_RE.search(body))  # a fact set as a list row: who is what
    listed = (  # a field that lists, "Present: A (Chair), B, C", not a speaker's turn (which ends as a sentence)
        "\n" not in body
        and body.count(",") >= 2
        and not ends_a_sentence(body)
        and bool(_FIELD_RE.match(body))
    )
    citable = (
        row
        or listed
        or table_row(text, start, end)
        or _record_field(text, start, end)
        or _person_row(text, start, end)
        or signature(body) is not None
        or _facts_line(body)
        or (not heading and not question and (words >= 4 or _short_sentence(body)))
    )
    return Sentence(start, end, citable=citable)


def signature(body: str) -> tuple[str, str] | None:
    """(name, role) when the text is a name over its holder's role, as a letter or an email is signed ("Matteo
    Bianchi" / "Chief Engineer", "Ingrid Halvorsen" / "Head of Operations, Nordvik Ferries"): one fact, who is
    what, though neither line is a sentence; None otherwise. The name holds no title, and the role one before
    any comma."""
    name, _, role = body.strip().partition("\n")
    named = name.strip(" *_").split()
    role_words = role.strip(" *_").split(",")[0].lower().split()
    signed = (
        bool(named and role_words)
        and "\n" not in role.strip()
        and is_person_name(" ".join(named))
        and named[0].lower() not in STOPWORDS
        and not any(w.lower().strip(".") in TITLES for w in named)
        and role.strip()[:1].isupper()
        and len(role.split()) <= 8
        and not ends_a_sentence(role.strip())
        and any(w.strip(".") in TITLES for w in role_words)
    )
    return (" ".join(named), role.strip(" *_")) if signed else None


def _facts_line(body: str) -> bool:
    """One line of short facts between dots or bullets, two or more with a number (``_FACTS_SEP_RE``)."""
    parts = _FACTS_SEP_RE.split(body)
    return (
        "\n" not in body
        and len(parts) >= 2
        and all(len(p.split()) <= 6 for p in parts)
        and sum(any(ch.isdigit() for ch in p) for p in parts) >= 2
    )


def _measured(body: str) -> bool:
    """A list item that gives a quantity or a version of a thing, not a heading: three or more words, a number
    first ("200 g red lentils") or among them, set as a title is not ("Python 3.10 or newer")."""
    if len(body.split()) < 3 or ends_a_sentence(body) or body.rstrip().endswith(","):
        return False  # a sentence is judged as one; "[asn1 encode], page 16," runs on
    return bool(_MEASURED_RE.match(body)) or (any(ch.isdigit() for ch in body) and not _title_case(body))


def _title_case(text: str) -> bool:
    """Set as a title is ("The Fall of Rome"): two or more long words, each capitalised."""
    long_words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    return len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


def _short_sentence(body: str) -> bool:
    """A three-word sentence that states something ("She was 81.", "Turnout fell sharply."), not a credit,
    a label, a line of code or a page's boilerplate ("Photo: Getty Images.", "# update-mime-database command.",
    "All rights reserved."): it opens with a capital, ends with a full stop and holds a word in small letters."""
    return (
        len(body.split()) == 3
        and body[0].isupper()
        and ends_a_sentence(body)
        and any(w.islower() for w in body.split())
        and _last_stop(body).rstrip(".").lower() not in BOILERPLATE
    )


def _record_field(text: str, start: int, end: int) -> bool:
    """A field of a record, a fact however short ("Severity: SEV-1" under "Authors: …", a front matter's
    "status: final"): a whole line among field lines, unpunctuated as records are. A lone "Part two: the
    delta" is a heading, and a speaker's turn ("A: Yes.") ends as a sentence."""
    return _among(text, start, end, _field, lambda line: bool(_FIELD_RE.match(line)))


def _field(line: str) -> bool:
    return (
        bool(_FIELD_RE.match(line))
        and not ends_a_sentence(line)
        and not _NUMBERED_RE.search(line.split(":", 1)[0])  # "Chapter 3: The Fall of Rome" heads what follows
    )


def _person_row(text: str, start: int, end: int) -> bool:
    """A row of a list of people, each with their place or role: "Dr. Imani Okoro, University of Hallsport"
    over "Prof. Lars Eriksen, Nordic Ocean Institute" (a letter's signatories, a panel, a cast)."""
    return _among(text, start, end, _names_a_person, _names_a_person)


def _names_a_person(line: str) -> bool:
    if "," not in line or ends_a_sentence(line):
        return False
    words = line.split(",", 1)[0].split()
    while words and words[0].lower().rstrip(".") in HONORIFICS:
        words.pop(0)
    return is_person_name(" ".join(words))


def _among(
    text: str, start: int, end: int, shape: Callable[[str], bool], neighbour: Callable[[str], bool]
) -> bool:
    """The sentence is a whole line of this shape, with a line above or below it of the neighbour's."""
    line_start, line_end = _line(text, start, end)
    if text[line_start:start].strip() or text[end:line_end].strip() or not shape(text[start:end]):
        return False
    neighbours = [_line(text, at, at) for at in (line_start - 1, line_end + 1) if 0 <= at <= len(text)]
    return any(neighbour(text[a:b].strip()) for a, b in neighbours)


def field_name(sentence: str) -> str:
    """The name of the field a record's line states ("Severity" for "**Severity:** SEV-1"); "" for any other
    sentence."""
    if not _FIELD_RE.match(sentence):
        return ""
    return sentence.split(":", 1)[0].strip(" \t*_")


_NUMBERED_RE = re.compile(rf"\d|\b(?:{'|'.join(NUMBER_WORDS)}|one|[IVX]+)\b", re.IGNORECASE)


def _line(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the line (or lines) holding ``text[start:end]`` starts and ends."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def table_row(text: str, start: int, end: int) -> bool:
    """A table's data row, a fact in cells: not its header (the row above the rule line) and not the rule."""
    body = text[start:end]
    if "\n" in body or not table_line(body) or table_rule(body):
        return False
    return not table_rule(text[end:].lstrip(" \t\r").removeprefix("\n").split("\n", 1)[0])


def table_line(line: str) -> bool:
    """A row or the rule line of a Markdown or plain-text table."""
    return bool(_TABLE_ROW_RE.fullmatch(line.strip()))


def table_cells(line: str) -> list[str]:
    """A table row's cells, stripped: "| Coal | 1.6 | −25% |" → ["Coal", "1.6", "−25%"]."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table_rule(line: str) -> bool:
    """The line under a table's header row: "|---|:--:|"."""
    line = line.strip()
    return "-" in line and "|" in line and bool(_TABLE_RULE_RE.fullmatch(line))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
