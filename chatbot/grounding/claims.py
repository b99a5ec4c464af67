"""What a claim asserts, read with general rules of English: its terms, numbers, dates, names, speakers,
and which words sit under a negation or a hedge.

The support checker and its vetoes compare a claim with a passage through these readings; none of
them is keyed to a corpus. Word lists come from ``chatbot.text.lexicon``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from chatbot.text.lexicon import (
    ALIASES,
    ARTICLE_WORDS,
    ATTRIBUTING_VERBS,
    CONTRACTION_STUBS,
    DETERMINERS,
    HEDGE_CUES,
    LIMIT_PHRASES,
    MONTHS,
    NEGATION_CUES,
    NEGATION_PHRASES,
    NUMBER_WORDS,
    OPEN_CUES,
    OPENERS,
    ORDINAL_SUFFIX,
    PASSAGE_ONLY_NUMBERS,
    PRONOUNS,
    STOPWORDS,
    TIME_UNITS,
    alternation,
)
from chatbot.text.normalise import fold_word, tokens
from chatbot.text.sentences import split as split_sentences

# ---------------------------------------------------------------------------------------------
# Regexes.
# ---------------------------------------------------------------------------------------------

# Letters of any script ("Łęcka", "Nguyễn", "Muñoz" are one word each); a name's case is checked in code, as
# Python's re has no class for upper-case letters beyond ASCII.
WORD_RE = re.compile(r"[^\W_]+(?:[.'’\-_][^\W_]+)*\.?")  # "asn1_der_decoding" is one word
_CAP_RE = re.compile(r"(?<![\w'’.\-])((?=[^\W\d_])[^\W_]+(?:[.'’\-&][^\W_]+)*\.?)")
# Digits glued to letters before them are a name, not a number ("libtasn1", "H200").
_NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*" + ORDINAL_SUFFIX + "?")
_THOUSANDS_RE = re.compile(r",(?=\d{3}\b)")
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_DIGIT_RE = re.compile(r"\d")
_ACRONYM_RE = re.compile(r"^(?:[a-z]\.){2,}[a-z]?\.?$")
_NAME_GAP_RE = re.compile(r"\s+(?:of\s+)?")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")
_COMMON_SHAPE_RE = re.compile(
    r"(?:tion|sion|ment|ness|ity|ism|ance|ence|ing|ings|ers|ors|ists|ies|ics|ure|ive|ogy|ship|ed|ly|"
    r"ful|less|able|ible|ous|(?<![siu'’])s)$"
)
_MAY_MONTH_RE = re.compile(
    r"\b(?:in|of|since|until|by|from|early|late|mid|next|last|this|through|during)\s+May\b|\bMay\s+\d"
)
_BOUNDARY_RE = re.compile(
    r",(?!\d{3})|[;:()\[\]—–]|\s-\s|\b(?:but|while|whereas|yet|although|though)\b", re.I
)
_QUOTE_RE = re.compile(r"[\"“][^\"”]*[\"”]")
_REPORT_RE = re.compile(
    r"\b(?:"
    + alternation(ATTRIBUTING_VERBS)
    + r")\b|\baccording to\b|\bpointed (?:to|out)\b|\bfound(?= that)",
    re.I,
)
_PREVENT_FROM_RE = re.compile(
    r"\b(keep|keeps|kept|keeping|prevent|prevents|prevented|preventing|bar|bars|barred|block|blocks|"
    r"blocked|ban|bans|banned|stop|stops|stopped)\b([^,;.]{0,60}?)\bfrom\b",
    re.I,
)
_NEGATION_PHRASE_RE = re.compile(r"\b(?:" + "|".join(NEGATION_PHRASES) + r")\b", re.I)
_LITTLE_RE = re.compile(r"(?<![Aa] )\blittle\b")  # "little evidence" negates, "a little" does not
_LIMIT_RE = re.compile(rf"\bno ({'|'.join(LIMIT_PHRASES)}) than\b", re.I)
PUNCTUATION_RE = re.compile(r",(?!\d{3})|[;:()\[\]—–]|\s-\s")
_DOTTED_RE = re.compile(r"[a-z](?:\.[a-z])+")
_NAME_JOINER_RE = re.compile(r"[-&]")
_NUMERIC_RE = re.compile(r"[\d.]+")
_PHRASE_END_RE = re.compile(r"[,.;:]")
_SUBJECT_START_RE = re.compile(r"[,.;:\"“”]|\bthat\b")
_INVERTED_RE = re.compile(r"[,\"”]\s*$")
_BY_RE = re.compile(r"\s*by\b")

_IDENTIFIER_RE = re.compile(r"[^\W_]+(?:_[^\W_]+)+")
_SCOPE_WINDOW = 12  # words a negation or hedge governs when no clause boundary comes first

# ---------------------------------------------------------------------------------------------
# Words, terms and sentences.
# ---------------------------------------------------------------------------------------------


def terms(text: str) -> list[str]:
    """Content terms (``chatbot.store.index.tokens``) cleaned of dots and apostrophes: "u.s" → "us". An
    identifier joined by underscores is one term: "asn1_der_decoding_startEnd" is another name than
    "asn1_der_decoding", not three of its words."""
    return list(_terms(text))


@lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    """``terms``, cached: every check of every candidate sentence asks for them again."""
    out = [m.group(0).lower() for m in _IDENTIFIER_RE.finditer(text)]
    for t in tokens(_IDENTIFIER_RE.sub(" ", text)):
        t = t.replace("'", "").replace("’", "")
        if _DOTTED_RE.fullmatch(t):
            t = t.replace(".", "")
        if t and t not in STOPWORDS and t not in OPENERS and t not in CONTRACTION_STUBS:
            out.append(t)
    return tuple(out)


def term_units(claim_terms: Sequence[str]) -> list[tuple[str, ...]]:
    """The terms grouped as the words a reader counts: a hyphenated word with the parts ``terms`` also gives
    ("v4-flash", "v4", "flash"), so that one name the passage writes another way ("This breakthrough") is one
    word missing, not three, and "US and China" still covers "US-China" through its parts."""
    units: list[tuple[str, ...]] = []
    taken: set[str] = set()
    for t in claim_terms:
        if t in taken:
            continue
        parts = (
            [p for p in dict.fromkeys(tokens(t)) if p != t and p in claim_terms and p not in taken]
            if "-" in t
            else []
        )
        taken.update([t, *parts])
        units.append((t, *parts))
    return units


@lru_cache(maxsize=65536)
def stem(term: str) -> str:
    """A light suffix strip, enough to match "concerned"/"concerns" and "agreed"/"agree"."""
    for suffix in ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s", "e"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            base = term[: -len(suffix)]
            if suffix.startswith(("ing", "ed")) and base[-1] == base[-2] and base[-1] not in "lsz":
                return base[:-1]  # "cutting" → "cut", "planned" → "plan"
            return base
    return term


@lru_cache(maxsize=65536)
def same_word(a: str, b: str) -> bool:
    """Two terms name the same thing: equal stems, or a long shared prefix (worried / worries)."""
    if a == b:
        return True
    sa, sb = stem(a), stem(b)
    if sa == sb:
        return True
    if _DIGIT_RE.search(a) or _DIGIT_RE.search(b):
        return False
    n = min(len(sa), len(sb))
    return n >= 5 and len(_common_prefix(sa, sb)) >= 0.8 * n


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def contains(vocab: Iterable[str], term: str) -> bool:
    return any(same_word(term, v) for v in vocab)


def word_list(text: str) -> list[str]:
    """Folded words in order (lower case, no diacritics), for cue scanning."""
    return [fold_word(w.rstrip(".")) for w in WORD_RE.findall(text)]


def best_sentence(claim_terms: Sequence[str], passage: str) -> str:
    """The passage sentence sharing the most of the claim's terms: the one the claim restates."""
    best, best_hits = passage, -1
    for sentence in split_sentences(passage):
        vocab = set(terms(sentence))
        hits = sum(1 for t in claim_terms if contains(vocab, t))
        if hits > best_hits:
            best, best_hits = sentence, hits
    return best


# ---------------------------------------------------------------------------------------------
# Numbers, dates and names.
# ---------------------------------------------------------------------------------------------


def numbers(text: str, *, passage: bool = False) -> dict[str, str]:
    """Numbers as normalised keys → as written: "2,000" → "2000", "three" → "3", "19th"."""
    out: dict[str, str] = {}
    for m in _NUMBER_RE.finditer(text):
        raw = m.group(0)
        out[_THOUSANDS_RE.sub("", raw).rstrip(",.")] = raw
    words = {**NUMBER_WORDS, **(PASSAGE_ONLY_NUMBERS if passage else {})}
    for w in word_list(text):
        for part in w.split("-"):
            if part in words:
                out.setdefault(words[part], part)
    return out


def time_units(text: str) -> dict[str, str]:
    """Units of time named in the text ("90-day" → day), normalised → as written."""
    out: dict[str, str] = {}
    for w in word_list(text):
        for part in w.split("-"):
            base = part[:-1] if part.endswith("s") and part[:-1] in TIME_UNITS else part
            if base in TIME_UNITS:
                out.setdefault(TIME_UNITS[base], part)
    return out


def months(text: str) -> set[str]:
    """Month names; "May" only where it is a month ("in May", "May 14"), not the modal verb."""
    found = {w for w in word_list(text) if w in MONTHS and w != "may"}
    if _MAY_MONTH_RE.search(text):
        found.add("may")
    return found


def _entity_key(word: str) -> str:
    w = fold_word(_POSSESSIVE_RE.sub("", word.rstrip(".")))
    if _ACRONYM_RE.match(w + "."):
        w = w.replace(".", "")
    return w


def entities(text: str) -> list[str]:
    """Names in the text: runs of capitalised words ("European Central Bank", "Moonshot's Kimi").

    A capitalised word that only opens a sentence counts unless it is a function word or is shaped
    like a common noun ("Inflation", "Analysts", "Limited"): there is no dictionary offline, and a
    missed name costs less than vetoing a true claim.
    """
    runs: list[list[str]] = []
    last_end = -1
    for m in _CAP_RE.finditer(text):
        word = m.group(1)
        if not word[0].isupper():
            if word != "of":  # "Bank of England" stays one name
                last_end = -1
            continue
        key = _entity_key(word)
        if not key or key.isdigit() or key in OPENERS or key in STOPWORDS:
            last_end = -1
            continue
        if (
            word == "May"
            and not _MAY_MONTH_RE.match(text, max(0, m.start() - 10))
            and "may" not in months(text)
        ):
            continue  # the modal verb at the start of a sentence
        joined = runs and last_end >= 0 and _NAME_GAP_RE.fullmatch(text[last_end : m.start()])
        previous = runs[-1][-1] if runs else ""
        if joined and not (previous.endswith(".") and not _ACRONYM_RE.match(previous.lower())):
            runs[-1].append(word)
        elif _SENTENCE_START_RE.search(text[: m.start()]) and _looks_common(word):
            last_end = -1
            continue
        else:
            runs.append([word])
        last_end = m.end()
    return [" ".join(run) for run in runs]


def _looks_common(word: str) -> bool:
    """A sentence-initial word shaped like a common noun or adjective rather than a name."""
    key = _entity_key(word)
    if any(key in group for group in ALIASES) or not word[1:].islower():
        return False
    return bool(_COMMON_SHAPE_RE.search(key))


def entity_parts(name: str) -> list[str]:
    """Lower-cased name parts without numbers or possessives: "Moonshot's Kimi K2.6" → moonshot, kimi, k2.6."""
    keys = [_entity_key(w) for w in name.split() if w.lower() != "of"]
    parts = [p for k in keys for p in _NAME_JOINER_RE.split(k) if p and not _NUMERIC_RE.fullmatch(p)]
    return [p.replace(".", "") if _DOTTED_RE.search(p) else p for p in parts]


@lru_cache(maxsize=1024)
def name_vocabulary(text: str) -> frozenset[str]:
    """Every word of the text as a name key, plus acronyms of word runs and alias groups.

    "The United States" yields "us" and "unitedstates", "artificial intelligence" yields "ai",
    "graphics processing units" yields "gpu"; "Washington" brings in the rest of its alias group.
    Cached and frozen: each candidate passage is checked against many claims. A passage's vocabulary is about
    30 KB, so the cache holds 1024 (the working set of a few hundred questions), not more.
    """
    vocab: set[str] = set()
    words = WORD_RE.findall(text)
    for w in words:
        vocab.update(entity_parts(w))
        vocab.add(_entity_key(w))
    for i in range(len(words)):
        run: list[str] = []
        for w in words[i : i + 6]:
            if w.lower() in ("of", "and", "for") and run:
                continue
            if w.rstrip(".").isdigit() and len(run) >= 2:  # "General Public License, version 3" is "GPLv3"
                vocab.add("".join(x[0] for x in run).lower() + w.rstrip("."))
            if w.lower() in STOPWORDS or w.lower() in OPENERS or not w[0].isalpha():
                break
            run.append(w)
            if len(run) >= 2:
                vocab.add("".join(x[0] for x in run).lower())
                vocab.add("".join(_entity_key(x) for x in run))
    for group in ALIASES:
        if vocab & group:
            vocab |= group
    return frozenset(vocab)


def acronyms(text: str) -> set[str]:
    return {fold_word(w) for w in WORD_RE.findall(text) if len(w) >= 2 and w.isupper() and w.isalpha()}


# ---------------------------------------------------------------------------------------------
# Polarity and hedging: which terms sit inside a negation or a hedge.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scopes:
    """The content terms of one text, split by what governs them."""

    negated: frozenset[str]
    hedged: frozenset[str]
    plain: frozenset[str]
    has_hedge: bool
    has_negation: bool
    undecided: frozenset[str] = frozenset()  # hedged by an open question ("whether"): stated neither way
    has_open: bool = False

    @property
    def positive(self) -> frozenset[str]:
        return self.plain | self.hedged


def scopes(text: str) -> Scopes:
    """Mark each content term as negated, hedged or plain, clause by clause.

    A cue governs the words after it up to a clause boundary (a comma, a dash, "but") or twelve
    words, so "not X but Y" leaves Y plain; "keep X from Y" negates Y.
    """
    negated: set[str] = set()
    hedged: set[str] = set()
    plain: set[str] = set()
    undecided: set[str] = set()
    has_hedge = has_negation = has_open = False
    may_is_month = "may" in months(text)
    text = _PREVENT_FROM_RE.sub(r"\1\2 not ", text)
    text = text.replace("n’t", " not").replace("n't", " not").replace("cannot", "can not")
    text = _NEGATION_PHRASE_RE.sub(" not ", text)
    text = _LITTLE_RE.sub(" not ", text)
    text = _LIMIT_RE.sub(lambda m: LIMIT_PHRASES[m.group(1).lower()], text)
    for clause in _BOUNDARY_RE.split(text):
        neg_left = hedge_left = open_left = 0
        for raw in WORD_RE.findall(clause):
            w = raw.rstrip(".").lower()
            if w in NEGATION_CUES:
                neg_left, has_negation = _SCOPE_WINDOW, True
                continue
            if w in OPEN_CUES:
                open_left, has_open = _SCOPE_WINDOW, True
            if w in HEDGE_CUES and not (raw == "May" and may_is_month):
                hedge_left, has_hedge = _SCOPE_WINDOW, True
                continue
            target = negated if neg_left else hedged if hedge_left else plain
            target.update(terms(raw))
            if open_left:
                undecided.update(terms(raw))
            neg_left, hedge_left, open_left = (
                max(0, neg_left - 1),
                max(0, hedge_left - 1),
                max(0, open_left - 1),
            )
    return Scopes(
        frozenset(negated),
        frozenset(hedged),
        frozenset(plain),
        has_hedge,
        has_negation,
        frozenset(undecided),
        has_open,
    )


# ---------------------------------------------------------------------------------------------
# Speakers.
# ---------------------------------------------------------------------------------------------


def _attributions(text: str) -> list[re.Match[str]]:
    """Reporting verbs used as verbs: "the stated goal" and "the UN's stated aim" are not attributions."""
    out = []
    for m in _REPORT_RE.finditer(text):
        previous = word_list(text[: m.start()])[-1:]
        if previous and (previous[0] in DETERMINERS or previous[0].endswith(("'s", "’s"))):
            continue
        out.append(m)
    return out


def claim_speaker(text: str) -> list[str]:
    """Who the claim says said it ("Guo Jiakun confirmed", "according to analysts"), or [] if no one.

    The article's own voice ("the article argues") and pronouns count as no one.
    """
    bare = _QUOTE_RE.sub(" ", text)
    for m in _attributions(bare):
        if m.group(0).lower().startswith("according to"):
            words = word_list(_PHRASE_END_RE.split(bare[m.end() :], maxsplit=1)[0])[:5]
        else:
            before = _SUBJECT_START_RE.split(bare[: m.start()])[-1]
            words = [w for w in word_list(before)[-5:] if w not in ("has", "have", "had", "also", "publicly")]
        words = [w for w in words if w not in ("the", "a", "an")]
        if not words or words[-1] in PRONOUNS or set(words) & ARTICLE_WORDS:
            return []
        return words
    return []


def speaker_zones(text: str) -> list[str]:
    """Text around each attribution in the passage: where its speakers are named.

    The words before the verb, the sentence's subject ("Lin Yun, a professor at ..., expects"), and
    for inverted quotes ('..." said Casper'), passives ("accused by X") or "according to X", the
    words after.
    """
    zones = []
    for sentence in split_sentences(text):
        bare = _QUOTE_RE.sub(" , ", sentence)
        for m in _attributions(bare):
            before, after = bare[: m.start()], bare[m.end() :]
            subject = PUNCTUATION_RE.split(before, maxsplit=1)[0]
            zone = WORD_RE.findall(before)[-6:] + WORD_RE.findall(subject)[:5]
            inverted = _INVERTED_RE.search(before) or _BY_RE.match(after)  # '..." said X', 'accused by X'
            if m.group(0).lower().startswith("according to") or inverted:
                zone += WORD_RE.findall(after)[:5]
            zones.append(" ".join(zone))
    return zones


def names_speaker(sentence: str) -> bool:
    """Whether some attribution in the sentence names its speaker rather than "he said"."""
    bare = _QUOTE_RE.sub(" , ", sentence)
    for m in _attributions(bare):
        before, after = word_list(bare[: m.start()])[-1:], word_list(bare[m.end() :])[:1]
        inverted = m.group(0).lower().startswith("according to") or not before
        subject = after if inverted else before
        if subject and subject[0] not in PRONOUNS:
            return True
    return False
