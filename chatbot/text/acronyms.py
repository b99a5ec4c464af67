"""What an abbreviation stands for, as the text defines it: "The Western Rivers Water Authority (WRWA) tested …".

Reports define each abbreviation once, at first use, and use it alone afterwards, so "What does WRWA stand
for?" is answered by one sentence that a reader finds only by knowing the convention: retrieval ranks every
sentence that uses "WRWA" alike. The definition is read as Schwartz and Hearst's algorithm reads it (PSB 2003):
a long form before the bracketed short form (or the other way round, "WRWA (Western Rivers Water
Authority)") whose words, read backwards, hold the short form's letters in order, the first letter opening a
word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "What does WRWA stand for?", "What is DfE short for?", "What is the full name of the WRWA?", "What do the
# letters CSO mean?", "WRWA stands for what?": the abbreviation asked about.
_SHORT = r"([A-Za-z][\w&.-]*)"  # a capital is checked apart: the pattern ignores case
_ASKED_RE = re.compile(
    rf"(?:what|which words?) (?:does|do|did) (?:the (?:letters |abbreviation |acronym )?)?{_SHORT}(?:'s)?"
    rf" (?:stand for|mean|abbreviate)"
    rf"|what (?:is|was) (?:the )?{_SHORT} (?:short|an abbreviation) for"
    rf"|what (?:is|was) the (?:full (?:name|form)|long form|expansion|meaning) of (?:the )?{_SHORT}"
    rf"|(?:the )?{_SHORT} stands for what",
    re.IGNORECASE,
)
_BRACKETED_RE = re.compile(r"\(([^()]{1,80})\)")
_WORD_RE = re.compile(r"[\w'’&.-]+")


@dataclass(frozen=True)
class Definition:
    short: str
    long: str
    start: int  # of the long form in the text
    end: int


def asked_short_form(question: str) -> str | None:
    """The abbreviation a question asks to have spelt out, without a plural "s" ("CSOs" → "CSO"); None for any
    other question."""
    m = _ASKED_RE.fullmatch(question.strip().rstrip("?").strip())
    short = next((g for g in m.groups() if g), "") if m else ""
    if not _is_short_form(short):
        return None
    return short[:-1] if short.endswith("s") and short[:-1].isupper() else short


def definitions(text: str) -> list[Definition]:
    """Every abbreviation the text defines, in either order: "long form (SHORT)" or "SHORT (long form)"."""
    out = []
    for m in _BRACKETED_RE.finditer(text):
        inside = m.group(1).strip()
        if _is_short_form(inside):  # "Western Rivers Water Authority (WRWA)"
            short, window = inside, (0, len(text[: m.start()].rstrip()))
            words = list(_WORD_RE.finditer(text, *window))[-min(len(inside) + 5, 2 * len(inside)) :]
        else:  # "WRWA (Western Rivers Water Authority)": the whole bracket is the long form
            before = re.search(r"([\w&.-]+)\s*$", text[: m.start()])
            short = before.group(1) if before else ""
            window = (m.start(1), m.start(1) + len(m.group(1).rstrip(" .,;")))
            words = list(_WORD_RE.finditer(text, *window))
        found = _long_form(short, words, text) if _is_short_form(short) else None
        if found and (found[1] == window[1]) and (short == inside or found[0] == window[0]):
            out.append(Definition(short, text[found[0] : found[1]], *found))
    return out


def defined(text: str, short: str) -> Definition | None:
    """The text's definition of ``short`` (its letters' case as written, a plural "s" allowed), if any."""
    wanted = short.lower()
    return next((d for d in definitions(text) if d.short.lower() in (wanted, wanted + "s")), None)


def _is_short_form(s: str) -> bool:
    """A bracketed word that can abbreviate: one word of 2 to 10 characters, opening with a letter or digit,
    with at least one capital ("WRWA", "DfE", "CSOs")."""
    return 2 <= len(s) <= 10 and " " not in s and s[0].isalnum() and any(c.isupper() for c in s)


def _long_form(short: str, words: list[re.Match[str]], text: str) -> tuple[int, int] | None:
    """Schwartz–Hearst: the shortest run of the last ``words`` ending at the last of them that holds the short
    form's letters and digits in order, read from the end, its first character opening a word."""
    letters = [c.lower() for c in short if c.isalnum()]
    if len(letters) < 2 or not words:
        return None
    end = words[-1].end()
    long = text[:end].lower()
    s, pos = len(letters) - 1, end - 1
    while s >= 0:
        c = letters[s]
        while pos >= 0 and (long[pos] != c or (s == 0 and pos > 0 and long[pos - 1].isalnum())):
            pos -= 1
        if pos < words[0].start():
            return None
        s, pos = s - 1, pos - 1
    start = max(w.start() for w in words if w.start() <= pos + 1)
    return (start, end) if long[start:end].split() and len(long[start:end].split()) > 1 else None
