"""The one normaliser: how two pieces of text are compared, everywhere in the product.

A quote, a gold fact, a speaker's name and a search term are all matched after the same folding, so a
curly apostrophe, a non-breaking hyphen or a line-wrapped space never decides whether two texts agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from chatbot.text.lexicon import AMOUNT_ASKING, COMBINING_MARKS, STOPWORDS

# Typographic variants that carry no meaning for matching: curly quotes, hyphen look-alikes, no-break space.
_CHAR_MAP = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'"}
    | {"‐": "-", "‑": "-", "‒": "-", "\u00a0": " "}
)
_WORD_RE = re.compile(rf"[\w{COMBINING_MARKS}]+(?:['’\-‑][\w{COMBINING_MARKS}]+)*")
_TERM_RE = re.compile(r"[a-z0-9]+(?:[-.'’][a-z0-9]+)*")
# A footnote mark that a PDF glues to a lower-case word's full stop ("… confirmed in writing.2 If …") is no part of
# the word. A name's dotted number ("ASN.1") and a version ("3.7") are not marks. Group 1 is the stop, group 2
# the mark.
_FOOTNOTE_MARK_RE = re.compile(r"(?<=[a-z]{2})([.!?][\"”’)]?)(\d{1,2})(?=\s)")


# A word broken by the typesetter at a line end ("inter-\nnational"): joined when the line goes on in lower case.
# A one-letter piece ("one-in-a-\nhundred") is a word of its own, so its hyphen stays.
_LINE_HYPHEN_RE = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})-[ \t]*\n[ \t]*(?=[^\W\d_]*[a-z])")
_KEPT_HYPHEN_RE = re.compile(r"-[ \t]*\n[ \t]*(?=[a-z])")


@lru_cache(maxsize=4096)
def unwrap(text: str) -> str:
    """Text as a reader sees it: words hyphenated across line ends joined, line breaks and runs of spaces
    as single spaces. For matching, embedding and display; a citation still quotes the text verbatim.
    Cached, as ``tokens`` is: the composer reads the same corpus sentences for every question."""
    return " ".join(_KEPT_HYPHEN_RE.sub("-", _LINE_HYPHEN_RE.sub(r"\1", text)).split())


@lru_cache(maxsize=4096)
def _ascii(ch: str) -> str:
    """A combining accent is dropped: decomposed text (a PDF's "e" + U+0301, a Yoruba "ọ̀") folds as the
    composed form does."""
    return "" if unicodedata.combining(ch) else anyascii(ch) or ch


def ascii_fold(text: str) -> str:
    """Diacritics and other scripts transliterated ("Hervé" → "Herve", "Þór" → "Thor"); ASCII unchanged."""
    return text if text.isascii() else "".join(_ascii(ch) if not ch.isascii() else ch for ch in text)


def fold(text: str) -> str:
    """Lower case, no diacritics, straight quotes and hyphens, lines unwrapped, single spaces: the form in
    which two texts are compared everywhere."""
    return " ".join(ascii_fold(unwrap(text).translate(_CHAR_MAP)).lower().split())


_PUNCTUATION_RE = re.compile(r"[^\w\s]")
_ARTICLES = "a|an|the"
_ARTICLES_RE = re.compile(rf"\b(?:{_ARTICLES})\b")
_LEADING_ARTICLE_RE = re.compile(rf"^(?:{_ARTICLES})\s+", re.IGNORECASE)


def without_article(text: str) -> str:
    """ "the Chief Engineer" → "Chief Engineer": a role or a title as a key to look up."""
    return _LEADING_ARTICLE_RE.sub("", text)


def squad_fold(text: str) -> str:
    """SQuAD's answer normalisation on top of ``fold``: no punctuation, no a/an/the."""
    return " ".join(_ARTICLES_RE.sub(" ", _PUNCTUATION_RE.sub(" ", fold(text))).split())


def fold_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """``fold(text)`` with, for each character of the result, its offset in ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    space = True
    for i, ch in enumerate(text.translate(_CHAR_MAP)):
        if ch.isspace():
            if not space:
                out.append(" ")
                offsets.append(i)
            space = True
            continue
        for low in ascii_fold(ch).lower():
            out.append(low)
            offsets.append(i)
        space = False
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), tuple(offsets)


def word_spans(text: str) -> list[re.Match[str]]:
    """The words of ``text`` (hyphenated and apostrophised words whole), with their offsets."""
    return list(_WORD_RE.finditer(text))


def fold_word(word: str) -> str:
    return ascii_fold(word.translate(_CHAR_MAP)).lower()


def words(text: str) -> list[str]:
    """Folded words in order: the unit in which spans and names are compared."""
    return [fold_word(m.group()) for m in _WORD_RE.finditer(text)]


_TERM_JOINER_RE = re.compile(r"[-'’]")


def tokens(text: str) -> list[str]:
    """Search terms: lower-cased words and numbers, hyphenated words also split, light plural folding; the
    amount word of "how many" / "how much" is part of the asking, not a term."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    """``tokens``, cached: scoring one question reads each candidate sentence's terms a hundred times over.
    About 6 KB for a passage of 750 characters, hence 4096 texts at most."""
    out, previous = [], ""
    for word in _TERM_RE.findall(ascii_fold(_FOOTNOTE_MARK_RE.sub(r"\1 \2", unwrap(text))).lower()):
        asking, previous = previous == "how" and word in AMOUNT_ASKING, word
        if asking:
            continue
        parts = [word, *_TERM_JOINER_RE.split(word)] if _TERM_JOINER_RE.search(word) else [word]
        for part in parts:
            if part in STOPWORDS or part in ("s", "t"):
                continue
            if len(part) > 4 and part.endswith("s") and not part.endswith(("ss", "us", "is")):
                part = part[:-1]
            out.append(part)
    return tuple(out)
