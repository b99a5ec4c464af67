"""Vetoes: the ways a fluent claim drifts from its source, each a short reason why a passage does not back it.

A number, date or name the passage lacks; flipped polarity; an opposite ("rose" for "declined"); a hedge
turned into a certainty; a statement given to another speaker; a role given to another actor; swapped
arguments around a directed verb. Precision first: any veto means "not supported".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chatbot.grounding.attribution import speakers_match
from chatbot.grounding.claims import (
    PUNCTUATION_RE,
    WORD_RE,
    acronyms,
    claim_speaker,
    contains,
    entities,
    entity_parts,
    months,
    name_vocabulary,
    names_speaker,
    numbers,
    scopes,
    speaker_zones,
    stem,
    terms,
    time_units,
    word_list,
)
from chatbot.text.lexicon import (
    ANTONYM_PAIRS,
    CERTAINTY_WORDS,
    COMPARATIVES,
    FRAMING_WORDS,
    LIMITERS,
    MONTHS,
    ORDINAL_SUFFIX,
    PASSIVE_AUX,
    PHRASE_STOPS,
    PREPOSITIONS,
    QUALIFIERS,
    RELATION_VERBS,
    SAME_UNIVERSAL,
    UNIVERSALS,
    WEEKDAYS,
    alternation,
)
from chatbot.text.nlp import eras, parse
from chatbot.text.sentences import split as split_sentences

ABSENT_NAME = "entity "  # how a veto for a name of the claim that the passage lacks begins
_ABSENT_NAME_END = " not in passage"


def absent_name(veto: str) -> str:
    """The name a veto says the passage lacks ("entity Mărculescu not in passage" → "Mărculescu"); "" for any
    other veto."""
    return veto[len(ABSENT_NAME) : -len(_ABSENT_NAME_END)] if veto.startswith(ABSENT_NAME) else ""


# How a veto for a claim's speaker begins when the passage credits its words to no one: an absence,
# not a contradiction (a passage that names another speaker gives a "speaker:" veto).
UNCREDITED = "uncredited: "
_YEAR_RE = re.compile(r"1[5-9]\d\d|20\d\d")
_PLURAL_ACRONYM_RE = re.compile(r"[A-Z]{2,}s")
_CLAUSE_RE = re.compile(r",(?!\d{3})|[;:]|\b(?:while|whereas|but)\b", re.I)
_CONTRAST_RE = re.compile(r"\brather than\b|\binstead of\b|\bnot\b[^,;.]{1,60}\bbut\b", re.I)
# A negative prefix, inside a hyphenated compound too ("case-insensitively"): group 1 is the compound's head.
_NEG_PREFIX_RE = re.compile(r"\b((?:[a-z]+-)*)(?:un|in|im|il|ir|dis|non-?)([a-z]{4,})\b", re.I)
_MONTH_DAY_RE = re.compile(rf"\b(?:{alternation(MONTHS)})\s+(\d+{ORDINAL_SUFFIX}?)", re.I)
# "The two countries", "these two uses": a pair the text has named, referred to; not a count it must state.
_THE_TWO_RE = re.compile(r"\b(?:the|these|those) two\b", re.I)
_AT_ALL_RE = re.compile(r"\bat (all|every)\b", re.I)
_REFERS_BACK_RE = re.compile(r"\W*(?:he|she|they|it|his|her|their|its|this|these|that|those)\b", re.I)


def _opposites() -> dict[str, tuple[str, ...]]:
    """Stem → its opposites, from ANTONYM_PAIRS in both directions."""
    out: dict[str, tuple[str, ...]] = {}
    for a, b in ANTONYM_PAIRS:
        out[stem(a)] = (*out.get(stem(a), ()), b)
        out[stem(b)] = (*out.get(stem(b), ()), a)
    return out


_OPPOSITES = _opposites()
_RELATION_STEMS = frozenset(stem(w) for w in RELATION_VERBS)


def number_vetoes(claim: str, passage: str) -> list[str]:
    """Every number, date, month and unit of time in the claim must be in the passage."""
    out = []
    have = numbers(passage, passage=True)
    # Dates compared as the years they cover: "the 1100s" is met by "the 12th century", "in 1097" by "the 1090s".
    spans = eras(passage)
    stated = eras(claim, plain_years=False)
    out += [
        f"date {claim[e.start : e.end]} not in passage"
        for e in stated
        if not any(e.overlaps(p) for p in spans)
    ]
    for e in stated:
        claim = claim[: e.start] + " " * (e.end - e.start) + claim[e.end :]
    claim = _THE_TWO_RE.sub(" ", claim)
    for key, raw in numbers(claim).items():
        if key.isdigit() and any(p.first <= int(key) <= p.last for p in spans if p.first != p.last):
            continue  # a year within a decade or century the passage gives
        if key not in have:
            is_date = ("," not in raw and _YEAR_RE.fullmatch(key)) or _after_month(claim, raw)
            out.append(f"{'date' if is_date else 'number'} {raw} not in passage")
    passage_units = time_units(passage)
    out += [
        f"date: '{raw}' not in passage"
        for unit, raw in time_units(claim).items()
        if unit not in passage_units
    ]
    out += [f"date {m.title()} not in passage" for m in sorted(months(claim) - months(passage))]
    return out


def _after_month(text: str, raw: str) -> bool:
    return any(m.group(1) == raw for m in _MONTH_DAY_RE.finditer(text))


def entity_vetoes(claim: str, passage: str) -> tuple[list[str], set[str]]:
    """Every name in the claim must be in the passage, allowing aliases and acronyms.

    Returns the reasons and the claim's name parts that the passage does name (for coverage).
    """
    vocab = name_vocabulary(passage)
    known = acronyms(passage)
    out: list[str] = []
    found: set[str] = set()
    for name in dict.fromkeys(entities(claim)):
        words = [w for w in name.split() if w.lower() != "of"]
        if len(words) > 1 and "".join(w[0] for w in words).lower() in known:
            found.update(entity_parts(name))  # "European Central Bank" for "ECB"
            continue
        for word in words:
            parts = entity_parts(word)
            if not parts or parts[0] in MONTHS or parts[0] in WEEKDAYS:
                continue  # dates are number_vetoes' business
            key = "".join(parts)
            plural_acronym = bool(_PLURAL_ACRONYM_RE.fullmatch(word)) and key[:-1] in vocab  # "GPUs"
            if key in vocab or plural_acronym or all(contains(vocab, p) for p in parts):
                found.update(parts)
            else:
                out.append(f"{ABSENT_NAME}{word}{_ABSENT_NAME_END}")
    return out, found


def speaker_vetoes(claim: str, passage: str, aligned: str) -> list[str]:
    """The claim's speaker must be the one the passage credits with what the claim restates.

    That is a speaker named around the sentence the claim restates, or that sentence's subject ("A
    spokesman declined to comment" backs "the spokesman said ..."); a quote or "he said" sentence
    takes its speaker from the sentences before it. A speaker credited elsewhere in the passage
    with something else does not count.
    """
    speaker = claim_speaker(claim)
    if not speaker:
        return []
    zones = local_speakers(split_sentences(passage) or [passage], aligned)
    vocab = set().union(*(name_vocabulary(z) for z in zones))
    if contains(vocab, speaker[-1]):
        return []
    names = [n for z in zones[1:] for n in entities(z)]
    if any(speakers_match(" ".join(speaker), n) for n in names):
        return []  # a short form of the name: "Xi" for Xi Jinping, whose last word is his given name
    if not names:
        return [f"{UNCREDITED}claim says {' '.join(speaker)}, passage credits no one"]
    return [f"speaker: claim says {' '.join(speaker)}, passage says {', '.join(dict.fromkeys(names))}"]


def local_speakers(sentences: Sequence[str], aligned: str) -> list[str]:
    """The aligned sentence's subject, then the speaker zones that cover it.

    Walks back over sentences that continue a quote or open with a pronoun, and over "he said"
    attributions, until a sentence names its speaker (at most three back).
    """
    i = sentences.index(aligned) if aligned in sentences else 0
    zones = [" ".join(WORD_RE.findall(sentences[i])[:6])]
    for j in range(i, max(-1, i - 4), -1):
        found = speaker_zones(sentences[j])
        zones += found
        if j < i:
            zones.append(" ".join(WORD_RE.findall(sentences[j])[:6]))
        if names_speaker(sentences[j]) or not (found or _refers_back(sentences[j])):
            break
    return zones


def polarity_vetoes(claim: str, aligned: str) -> list[str]:
    """A term plain in one text and negated in the other, in the sentence the claim restates.

    Only when one side is negated and the other is not, or terms flip both ways ("NVIDIA rather
    than Huawei" for "Huawei rather than NVIDIA"): a negation elsewhere in the sentence ("that
    neither wants to impose") is not a flip.
    """
    claim_text, claim_opposed = _unprefix(claim, terms(aligned))
    aligned_text, aligned_opposed = _unprefix(aligned, terms(claim))
    c, p = scopes(claim_text), scopes(aligned_text)
    # A word's own negative form ("case-insensitively" for "case-sensitively") flips it even when a
    # relative stays plain beside it ("… except when the case-sensitive attribute is set").
    denied = {
        t
        for t in c.positive - c.negated
        if contains(p.negated, t) and (t in aligned_opposed or not contains(p.positive, t))
    }
    asserted = {
        t
        for t in c.negated - c.positive
        if contains(p.positive, t) and (t in claim_opposed or not contains(p.negated, t))
    }
    flipped = denied | asserted
    if not flipped:
        return []
    both_contrast = bool(_CONTRAST_RE.search(claim) and _CONTRAST_RE.search(aligned))
    swapped = bool(denied and asserted)  # "did not A but did B" for "did A but not B"
    if c.has_negation != p.has_negation or swapped or (both_contrast and len(flipped) >= 2):
        return ["negation: polarity differs on " + ", ".join(sorted(flipped)[:4])]
    return []


def _unprefix(text: str, other: Sequence[str]) -> tuple[str, set[str]]:
    """Spell "unchanged" as "not changed" (and "case-insensitive" as "not case-sensitive") when the other text says
    "change": the same polarity test applies. Also gives the words so negated ("changed", "case-sensitive")."""
    opposed: set[str] = set()

    def replace(m: re.Match[str]) -> str:
        word, head, rest = m.group(0).lower(), m.group(1).lower(), m.group(2).lower()
        if contains(other, rest) and not contains(other, word):
            opposed.update((f"{head}{rest}", rest))
            return f"not {head}{rest}"  # "case-insensitively" → "not case-sensitively"
        return m.group(0)

    return _NEG_PREFIX_RE.sub(replace, text), opposed


def antonym_vetoes(claim: str, passage: str, aligned: str) -> list[str]:
    """The claim says "high" where the sentence it restates says "low" (and never "high").

    "More"/"less" are left alone when both sides compare with "than": "worries more about A than
    B" restates "is less concerned with B than A".
    """
    passage_words, aligned_words = set(word_list(passage)), set(word_list(aligned))
    comparing = "than" in word_list(claim) and "than" in aligned_words
    out = []
    for w in dict.fromkeys(word_list(claim)):
        if comparing and w in COMPARATIVES:
            continue
        opposites = [o for o in _OPPOSITES.get(stem(w), ()) if not (comparing and o in COMPARATIVES)]
        if opposites and not contains(passage_words, w):
            out += [
                f"antonym: claim says {w}, passage says {o}" for o in opposites if contains(aligned_words, o)
            ]
    return out


# Dependents that only say which or whose: "the council's decision", "a Chinese model".
_MODIFIERS = frozenset({"poss", "compound", "amod"})


def _plainly_headed(claim: str, plain: frozenset[str]) -> set[str]:
    """The claim's modifiers whose head the passage states plainly: "Did the association welcome the council's
    decision?" against "… welcomes the decision, but expects the council to …" is not hedged for "council",
    which the claim uses only to say whose decision; "a Chinese model" is hedged where the model is."""
    return {
        stem(t.lower_)
        for t in parse(claim)
        if t.dep_ in _MODIFIERS and t.head.i != t.i and contains(plain, stem(t.head.lower_))
    }


def overclaim_vetoes(claim: str, passage: str, aligned: str) -> list[str]:
    """Certainty the passage does not state: "will" for "may", "all" for "some", "signed" for "proposed"."""
    out = []
    claim_words, passage_words = word_list(claim), word_list(passage)
    for w in dict.fromkeys(claim_words):
        if w in CERTAINTY_WORDS and not contains(passage_words, w):
            out.append(f"overclaim: '{w}' not in passage")
    idioms = {m.group(1).lower() for m in _AT_ALL_RE.finditer(claim)}  # "at all" is not "all"
    universal = [w for w in claim_words if w in UNIVERSALS and w not in idioms]
    if universal and not set(claim_words) & LIMITERS:
        w = universal[0]
        qualified = any(
            pw == w and i and passage_words[i - 1] in QUALIFIERS for i, pw in enumerate(passage_words)
        )
        stated = w in passage_words or (w in SAME_UNIVERSAL and bool(SAME_UNIVERSAL & set(passage_words)))
        if not stated or qualified or set(word_list(aligned)) & LIMITERS:
            out.append(f"overclaim: '{w}' where the passage is limited")
    c, p = scopes(claim), scopes(aligned)
    if not c.has_hedge:
        lost = sorted(t for t in c.plain if contains(p.hedged, t) and not contains(p.plain, t))
        if lost:  # parsed only where the passage hedges something
            lost = [t for t in lost if t not in _plainly_headed(claim, p.plain)]
        if len(lost) >= 1:
            out.append("overclaim: passage hedges " + ", ".join(lost[:4]))
    if not c.has_open:  # "would appeal" is not stated by "would decide whether to appeal"
        undecided = sorted(t for t in c.positive if contains(p.undecided, t) and not contains(p.plain, t))
        if undecided:
            out.append("overclaim: passage leaves open " + ", ".join(undecided[:4]))
    return out


def binding_vetoes(claim: str, passage: str) -> list[str]:
    """Swapped roles: a clause naming X is best matched by a passage sentence about Y, not X.

    "The Americans wanted silicon, the Chinese wanted code" against "The Americans wanted code.
    The Chinese wanted silicon." has every word in place; only the pairing is wrong. A sentence
    opening with a pronoun or a quote also counts as being about the previous sentence's names.
    """
    sentences = split_sentences(passage)
    if len(sentences) < 2:
        return []
    names = [
        name_vocabulary(" ".join(sentences[i - 1 : i + 1]) if i and _refers_back(s) else s)
        for i, s in enumerate(sentences)
    ]
    vocabs = [set(terms(s)) for s in sentences]
    speaker = set(claim_speaker(claim))
    out = []
    for clause in _CLAUSE_RE.split(claim):
        actors = [a for e in entities(clause) for a in entity_parts(e) if a not in speaker]
        content = [t for t in terms(clause) if t not in FRAMING_WORDS and not contains(actors, t)]
        if not actors or len(content) < 2:
            continue
        cover = [sum(contains(v, t) for t in content) / len(content) for v in vocabs]
        best = max(range(len(sentences)), key=lambda i: cover[i])
        with_actor = [i for i, n in enumerate(names) if all(contains(n, a) for a in actors)]
        if with_actor and best not in with_actor and cover[best] - max(cover[i] for i in with_actor) >= 0.3:
            out.append(f"roles: '{clause.strip()}' matches a passage sentence about someone else")
    return out


def relation_vetoes(claim: str, aligned: str) -> list[str]:
    """Swapped arguments around a directed verb: "costs outweigh gains" for "gains outweigh costs".

    The head of the phrase just before the verb and of the phrase just after it must not trade
    places. Passives ("was beaten by") are skipped: they swap the order without swapping roles.
    """
    out = []
    for verb in dict.fromkeys(w for w in word_list(claim) if stem(w) in _RELATION_STEMS):
        mine, theirs = _arguments(claim, verb), _arguments(aligned, verb)
        if not mine or not theirs:
            continue
        (c_left, c_right), (p_left, p_right) = mine, theirs
        if c_left & p_right and c_right & p_left and not c_left & p_left and not c_right & p_right:
            out.append(f"roles: '{verb}' has its arguments swapped")
    return out


def _arguments(text: str, verb: str) -> tuple[set[str], set[str]] | None:
    """Head terms of the phrases right before and right after the first form of ``verb`` in the text."""
    clause = next(
        (c for c in PUNCTUATION_RE.split(text) if any(stem(w) == stem(verb) for w in word_list(c))), ""
    )
    words = word_list(clause)
    at = next((i for i, w in enumerate(words) if stem(w) == stem(verb)), None)
    if at is None or (at and words[at - 1] in PASSIVE_AUX) or words[at + 1 : at + 2] == ["by"]:
        return None
    left: list[str] = []
    for w in reversed(words[:at]):
        if w in PHRASE_STOPS:
            break
        left.insert(0, w)
    right: list[str] = []
    for w in words[at + 1 :]:
        if w in PHRASE_STOPS and right:
            break
        right.append(w)
    left_head = _head(left)
    right_head = _head(right)
    return (left_head, right_head) if left_head and right_head else None


def _head(phrase: Sequence[str]) -> set[str]:
    """Content stems of a noun phrase up to its first preposition ("exposure from ..." → exposure)."""
    head: list[str] = []
    for w in phrase:
        if w in PREPOSITIONS and head:
            break
        head += terms(w)
    return {stem(t) for t in head}


def _refers_back(sentence: str) -> bool:
    return sentence.lstrip().startswith(('"', "“")) or bool(_REFERS_BACK_RE.match(sentence))
