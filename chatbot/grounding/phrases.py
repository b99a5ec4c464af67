"""The words of a sentence as a speaker-finder needs them: tokens with offsets, quotation spans, and the
noun phrase that names a speaker as written ("Lin Yun, a professor at ...", "the ministry", "analysts").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.text.lexicon import (
    ARTICLES,
    ATTRIBUTING_VERBS,
    COMBINING_MARKS,
    CONNECTORS,
    FIRST_PERSON_SUBJECTS,
    HONORIFICS,
    INTRO_WORDS,
    IRREGULAR_PAST,
    MONTHS,
    NAME_LINKS,
    NAME_PARTICLES,
    NP_DETERMINERS,
    NP_PREPOSITIONS,
    PASSIVE,
    REFLEXIVES,
    RELATIVES,
    SECOND_PERSON,
    SOURCE_NOUNS,
    SPEAKER_PRONOUNS,
    SPEECH_PHRASES,
    TIME_WORDS,
    TITLES,
    VERB_LIKE,
    WEEKDAYS,
    alternation,
    hyphened_name,
)

CUE_RE = re.compile(
    r"(?<![\w\-‑])(?:" + "|".join([*SPEECH_PHRASES, alternation(ATTRIBUTING_VERBS)]) + r")(?![\w\-‑])",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(
    rf"\d{{1,2}}(?::\d{{2}}){{1,2}}(?!\w)|[\w{COMBINING_MARKS}]+(?:[.'’&\-‑][\w{COMBINING_MARKS}]+)*|[,;:—–()“”\"!?.•]"
)
_CONTRACTED_RE = re.compile(r"['’](?:ll|d|ve|m|re|s)$")  # "i'll" → "i", "she'd" → "she"
_QUOTE_RE = re.compile(r"“[^“”]*”|\"[^\"]*\"")
OPENING_QUOTES = '“"'
CLOSING_QUOTES = '”"'


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"

    @property
    def is_cap(self) -> bool:
        return self.is_word and (self.text[0].isupper() or self.text[0].isdigit() or hyphened_name(self.text))


@dataclass(frozen=True)
class TokenSentence:
    text: str  # the whole page text: offsets are page offsets
    start: int
    end: int
    toks: tuple[Token, ...]
    quotes: tuple[tuple[int, int], ...]  # outer spans of quotations, marks included

    def index_at(self, offset: int) -> int:
        """Index of the first token that starts at or after ``offset`` (len(toks) if none)."""
        return next((k for k, t in enumerate(self.toks) if t.start >= offset), len(self.toks))

    def in_quote(self, start: int, end: int) -> bool:
        return any(qs < start and end < qe for qs, qe in self.quotes)

    def quote_ending_at(self, offset: int) -> tuple[int, int] | None:
        """A quotation whose closing mark ends exactly at ``offset``, whitespace aside."""
        for qs, qe in self.quotes:
            if qe <= offset and not self.text[qe:offset].strip():
                return qs, qe
        return None


def page_quotes(text: str) -> list[tuple[int, int]]:
    """Quotations paired line by line, so a stray mark never pairs with one in another paragraph; then a
    quote left open at a line end is closed on a later line of the same paragraph (a hard-wrapped PDF or
    plain-text column breaks lines inside quotes: "“On our re-\ncords, … thirty years.”")."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        out += [(pos + m.start(), pos + m.end()) for m in _QUOTE_RE.finditer(line)]
        pos += len(line) + 1
    out += _wrapped_quotes(text, out)
    return sorted(out + _continued_quotes(text, out))


def _continued_quotes(text: str, paired: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """A quotation that runs over paragraphs, as news copy writes one: the paragraph ends with no closing mark
    and the next opens with an opening mark ('"They wanted to be on the wards. … nobody has listened.' /
    '"So this is what not listening costs."'). The open one is a quotation to its paragraph's end; as
    elsewhere, its end is one past where a closing mark would stand."""
    out = []
    for a in _unpaired_marks(text, paired):
        if not _opens(text, a):
            continue
        brk = PARAGRAPH_BREAK_RE.search(text, a)
        if brk is None or _MARK_RE.search(text, a + 1, brk.start()):
            continue
        following = text[brk.end() :].lstrip()
        if following[:1] in OPENING_QUOTES and brk.start() - a <= MAX_WRAPPED_QUOTE:
            out.append((a, brk.start() + 1))
    return out


PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
_MARK_RE = re.compile(r"[“”\"]")
MAX_WRAPPED_QUOTE = 1200  # characters: a quote longer than a long paragraph is a pairing mistake


def _wrapped_quotes(text: str, paired: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening mark left unpaired, and the next unpaired closing mark after a line break, with no other
    opening mark or paragraph break between them."""
    marks = _unpaired_marks(text, paired)
    out: list[tuple[int, int]] = []
    for a, b in zip(marks, marks[1:], strict=False):
        if not (_opens(text, a) and _closes(text, b)) or b - a > MAX_WRAPPED_QUOTE:
            continue
        between = text[a:b]
        if "\n" in between and not PARAGRAPH_BREAK_RE.search(between) and (not out or out[-1][1] <= a):
            out.append((a, b + 1))
    return out


def _unpaired_marks(text: str, paired: Sequence[tuple[int, int]]) -> list[int]:
    """Where the quotation marks outside every ``paired`` quotation stand."""
    inside = [False] * (len(text) + 1)
    for s, e in paired:
        inside[s:e] = [True] * (e - s)
    return [m.start() for m in _MARK_RE.finditer(text) if not inside[m.start()]]


def _opens(text: str, i: int) -> bool:
    if text[i] == "“":
        return True
    return (
        text[i] == '"'
        and i + 1 < len(text)
        and not text[i + 1].isspace()
        and (i == 0 or not text[i - 1].isalnum())
    )


def _closes(text: str, i: int) -> bool:
    if text[i] == "”":
        return True
    return text[i] == '"' and i > 0 and not text[i - 1].isspace()


def make_sentence(text: str, start: int, end: int, quotes: Sequence[tuple[int, int]]) -> TokenSentence:
    toks = tuple(Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, start, end))
    inside = tuple(q for q in quotes if q[0] < end and q[1] > start)
    return TokenSentence(text, start, end, toks, inside)


# --- speakers as written --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawSpeaker:
    """A speaker as the sentence writes it, before pronouns and surnames are resolved."""

    text: str
    pos: int  # page offset of the mention, for resolving pronouns to what came before
    form: str  # "name" | "generic" | "pronoun"
    role: str = ""


@dataclass(frozen=True)
class Frame:
    """One attribution in a sentence: who, the cue, and where the attributed words are."""

    speaker: RawSpeaker
    cue: str
    frame_start: int  # where the attribution apparatus begins; ends the previous frame's content
    content_start: int
    content_end: int | None = None  # fixed end; None means "to the end of the clause"
    quoted: bool = False
    min_words: int = 2
    extra_quotes: tuple[tuple[int, int], ...] = ()


def _words(toks: Sequence[Token]) -> str:
    return " ".join(t.text for t in toks)


def span_text(text: str, toks: Sequence[Token]) -> str:
    return text[toks[0].start : toks[-1].end] if toks else ""


def strip_determiner(toks: Sequence[Token]) -> list[Token]:
    toks = list(toks)
    while toks and toks[0].low in ARTICLES:
        toks = toks[1:]
    return toks


def _name_run(toks: Sequence[Token]) -> int:
    """Index where the trailing run of capitalised words (a name) starts; len(toks) if there is none."""
    i = len(toks)
    while i > 0:
        if toks[i - 1].is_cap:
            i -= 1
            continue
        j = i  # links between two capitalised words: "Bank of England", "Maarten van der Berg"
        while j > 0 and toks[j - 1].low in NAME_LINKS:
            j -= 1
        if j == 0 and j < i < len(toks) and all(t.low in NAME_PARTICLES for t in toks[:i]):
            return 0  # particles open a surname written alone: "van der Linde said"
        if j == i or i == len(toks) or j == 0 or not toks[j - 1].is_cap:
            break
        i = j
    while i < len(toks) and toks[i].low in NAME_LINKS:
        i += 1
    return i


def _role_prefix(toks: Sequence[Token]) -> str:
    """The role words before a name ("MIT computer scientist"): the tail free of function words, and of
    courtesies ("Mr", "Dr."), which are no role."""
    k = len(toks)
    while (
        k > 0
        and toks[k - 1].is_word
        and toks[k - 1].low not in NP_PREPOSITIONS | NP_DETERMINERS | INTRO_WORDS
    ):
        k -= 1
    if any(t.low in TIME_WORDS | WEEKDAYS | MONTHS for t in toks[k:]):
        return ""  # "On Saturday night Brekke told …": when, not who
    return _words([t for t in toks[k:] if t.low.rstrip(".") not in HONORIFICS])


def speaker_np(text: str, toks: Sequence[Token], role: str = "") -> RawSpeaker | None:
    """A noun phrase that can be a speaker: a pronoun, a (role +) name, or a generic source."""
    toks = strip_determiner(toks)
    while len(toks) > 1 and toks[0].low in CONNECTORS:
        toks = toks[1:]  # "But I have to say, …": the conjunction opens the clause, not the name
    if len(toks) > 1 and toks[-1].low in REFLEXIVES:
        toks = toks[:-1]
    if not toks or len(toks) > 14 or not all(t.is_word for t in toks):
        return None
    pos = toks[0].start
    # a pronoun with its auxiliary run on ("I'll say a few words", "She'd said") is that pronoun
    word = _CONTRACTED_RE.sub("", toks[0].low) if len(toks) == 1 else ""
    if word in SPEAKER_PRONOUNS:
        return RawSpeaker(word, pos, "pronoun", role)
    # "I did not say …": the words are whoever speaks them, a turn's or a quotation's speaker; "you" is whoever
    # they speak to
    if word in FIRST_PERSON_SUBJECTS or word in SECOND_PERSON:
        return None
    run = _name_run(toks)
    head_is_common = run == 0 and len(toks) == 1 and toks[0].low in SOURCE_NOUNS
    k = run
    while k > 0 and toks[k - 1].low in NP_DETERMINERS:
        k -= 1
    follows_preposition = k > 0 and toks[k - 1].low in NP_PREPOSITIONS
    if len(toks) == 1 and (
        toks[0].low in INTRO_WORDS or (toks[0].low.endswith("ly") and len(toks[0].low) > 6)
    ):
        return None  # "Simultaneously", "However": a sentence-initial adverb, not a name
    if follows_preposition and (affiliated := _affiliated(text, toks, role)) is not None:
        return affiliated
    if run < len(toks) and not head_is_common and not follows_preposition and not toks[-1].low.endswith("'s"):
        name = list(toks[run:])
        title_at = max((k for k, t in enumerate(name[:-1]) if t.low.rstrip(".") in TITLES), default=-1)
        prefix = list(toks[:run]) + name[: title_at + 1]
        name = name[title_at + 1 :]
        return RawSpeaker(_words(name), name[0].start, "name", role or _role_prefix(prefix))
    return _generic_np(text, toks, role)


def _affiliated(text: str, toks: Sequence[Token], role: str) -> RawSpeaker | None:
    """ "Ingrid Ødegård of the Norwegian Institute of Marine Research": a full name, then where the person is
    from, which is their role; not "the head of the institute" (no name) nor "Bank of England" (one name)."""
    at = next((k for k, t in enumerate(toks) if k and t.low in _AFFILIATIONS), None)
    if at is None:
        return None
    head = toks[:at]
    title_at = max((k for k, t in enumerate(head[:-1]) if t.low.rstrip(".") in TITLES), default=-1)
    name = head[title_at + 1 :]
    if len(name) < 2 or not all(t.is_cap and not t.text[0].isdigit() for t in name):
        return None
    return RawSpeaker(
        _words(name), name[0].start, "name", role or span_text(text, strip_determiner(toks[at + 1 :]))
    )


_AFFILIATIONS = frozenset({"of", "from", "at"})


def _generic_np(text: str, toks: Sequence[Token], role: str) -> RawSpeaker | None:
    head_end = next((k for k, t in enumerate(toks) if k and t.low in NP_PREPOSITIONS), len(toks))
    head = toks[:head_end]
    if any(t.low in VERB_LIKE | PASSIVE | RELATIVES for t in toks):
        return None
    if not any(t.low in SOURCE_NOUNS for t in head) or len(head) > 7:
        return None
    return RawSpeaker(span_text(text, toks), toks[0].start, "generic", role)


def is_verb_like(tok: Token) -> bool:
    low = tok.low
    return (
        low in VERB_LIKE
        or low in PASSIVE
        or (not tok.is_cap and (low.endswith("ly") and len(low) > 4))
        or (not tok.is_cap and low.endswith("ed") and len(low) >= 4 and not low.endswith("eed"))
        or (not tok.is_cap and low in IRREGULAR_PAST)
        or (not tok.is_cap and CUE_RE.fullmatch(low) is not None)
    )


def _skip_intro(toks: Sequence[Token], i: int, hi: int) -> int:
    """Skip introductory phrases that end in a comma ("However,", "On May 7, 2026,", "This week alone,")."""
    while i < hi:
        comma = next((k for k in range(i, hi) if toks[k].text == ","), None)
        if comma is None or comma == i:
            return i
        chunk = toks[i:comma]
        first = chunk[0].low
        intro = (
            first in INTRO_WORDS
            or (first.endswith("ly") and len(chunk) <= 3)
            or all(t.text.isdigit() for t in chunk)
            or any(t.low in TIME_WORDS for t in chunk)
        )
        if not intro:
            return i
        i = comma + 1
    return i


def clause_subject(sent: TokenSentence, lo: int, hi: int) -> RawSpeaker | None:
    """The subject of the clause starting at token ``lo``: the words before its first verb."""
    i = _skip_intro(sent.toks, lo, hi)
    j = i
    while (
        j < hi
        and sent.toks[j].is_word
        and not is_verb_like(sent.toks[j])
        and sent.toks[j].low not in RELATIVES
    ):
        j += 1
    if j == i or j >= hi:
        return None
    return speaker_np(sent.text, sent.toks[i:j])


def clause_start(sent: TokenSentence, before: int) -> int:
    """Token index where the clause containing token ``before`` starts (after ':' ';' or a dash)."""
    k = before
    while k > 0 and sent.toks[k - 1].text not in {":", ";", "—", "–"}:
        k -= 1
    return k
