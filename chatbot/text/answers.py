"""Short answers inside a sentence: the spans that could answer a question of a given type.

A question asking "when" is answered by a date the sentence states, "how many" by a number, "who" by a
person (the speaker of a quote first), "where" by a place; spaCy's entities and noun phrases propose the
spans (``chatbot.text.nlp``), and a span the question already contains is never its answer. Which
candidate wins is the decision model's business (``chatbot.backends.decisions``); ``find_answer`` is its
rule-based reading, used where no model has been trained.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass

from chatbot.text.lexicon import (
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    LABEL_NOUNS,
    ORG_TARGETS,
    PEOPLE_NOUNS,
    PERSON_NOUNS,
    PLACE_PREPOSITIONS,
    QUESTION_WORDS,
    STOPWORDS,
    alternation,
)
from chatbot.text.nlp import (
    DATE_LABELS,
    NAME_LABELS,
    NUMBER_LABELS,
    PERSON_LABELS,
    PLACE_LABELS,
    Annotation,
    Span,
    annotate,
    is_age,
    is_duration,
    others_titles,
    overlaps_any,
)
from chatbot.text.normalise import fold, tokens, words
from chatbot.text.questions import QuestionInfo, analyse

_PEOPLE_RE = re.compile(rf"\b(?:{alternation(PEOPLE_NOUNS)}|delegat\w+)\b", re.IGNORECASE)
_ORGS = frozenset({"ORG", "NORP"})
# "How many euros …?" counts money; a count of anything else is never a sum of money.
_CURRENCY_TERMS = frozenset(tokens(" ".join(CURRENCY_WORDS)))
_PEOPLE_WORDS = frozenset(t for w in PERSON_NOUNS for t in tokens(w))


@dataclass(frozen=True)
class SpanCandidate:
    """A span of a sentence's (unwrapped) text that could be the short answer."""

    start: int
    end: int
    text: str
    label: str  # the entity label, "SPEAKER", "PEOPLE" or "NP"
    tier: int  # 0: the kind the question asks for most directly; higher: less direct


def _place_phrases(text: str, annotation: Annotation) -> list[Span]:
    """The noun phrases a preposition of place puts something in or on ("printed on the same label", "the
    WAN port on the back of the router"), with the preposition, and the paths of files and folders, as the
    place a "where" question may ask."""
    out = []
    named = [e for e in annotation.ents if e.label in DATE_LABELS | PLACE_LABELS]
    for chunk in annotation.chunks:
        if overlaps_any(chunk, named):
            continue  # "in Normandy" is the place's name, "in the 10th century" a time
        before = _PREPOSITION_BEFORE_RE.search(text, 0, chunk.start)
        if before and before["word"].lower() in PLACE_PREPOSITIONS:
            out.append(Span(before.start("word"), chunk.end, "PLACE"))
    # a file's place on a disk or the web: "reads `~/.config/tidewatch/config.toml`", "in /usr/share/mime"
    paths = [Span(m.start(), m.end(), "PLACE") for m in _PATH_RE.finditer(text)]
    return out + [p for p in paths if not overlaps_any(p, out)]


_PREPOSITION_BEFORE_RE = re.compile(r"\b(?P<word>\w+)\s+$")
_PATH_RE = re.compile(
    r"\bhttps?://[^\s<>\"'`]+[^\s<>\"'`.,;:)]"  # a web address, its closing stop left out
    r"|(?<![\w/.~:])(?:~|\.{1,2}|\$[A-Z_]+)?/[\w.@%+-]+(?:/[\w.@%+-]*)+"  # a POSIX path, from home or root
    r"|\b[A-Z]:\\[\w.\\-]+"  # a Windows one
)


def tiers(info: QuestionInfo) -> list[frozenset[str]]:
    """Entity labels that answer the question, most direct first."""
    kind, target = info.answer_type, info.target
    if kind == "date":  # "What time …?" asks for a time of day ("9.30am") before a day
        return [frozenset({"TIME"}), frozenset({"DATE"})] if target == "time" else [DATE_LABELS]
    if kind == "number":
        # A cost is a sum of money (a bare number written with its currency is one: ``_as_money``); a bare
        # number or a share ("12 percent" for "how much did the price rise?") answers less directly. A measure
        # ("140 kilometres") is never a sum of money.
        if target == "money":
            return [frozenset({"MONEY"}), frozenset({"CARDINAL", "PERCENT"})]
        if target == "measure":  # "How deep is the reservoir?": metres, not dollars or per cent
            return [frozenset({"QUANTITY", "CARDINAL"})]
        return [NUMBER_LABELS - {"PERCENT"}] if info.asks_count else [NUMBER_LABELS]
    if kind == "people":
        return [frozenset({"PEOPLE"}), PERSON_LABELS | _ORGS]
    if kind != "name":
        return []
    if target == "where":
        return [PLACE_LABELS, frozenset({"PLACE"})]
    if target in ("place", "city", "country", "town", "region", "state", "province", "county"):
        return [PLACE_LABELS]
    if target in ORG_TARGETS:
        return [frozenset({"ORG"}), NAME_LABELS]
    if info.asks_person:
        return [PERSON_LABELS | frozenset({"SPEAKER"}), _ORGS, NAME_LABELS]
    return [NAME_LABELS | frozenset({"SPEAKER"})]


def typed_spans(info: QuestionInfo, text: str, annotation: Annotation) -> list[SpanCandidate]:
    """Spans of ``text`` of a kind that answers ``info``, none the question already names; in text order
    within each tier. Untyped questions get the sentence's noun phrases (tier 9), for the span model."""
    asked = _asked(info.text)
    spans = [_as_share(s, text) for s in annotation.ents] + list(annotation.speakers)
    if info.target == "duration":  # a stretch of time is the quantity asked ("the following 380 years"), or
        # the day it ends ("How long will the ferry be out of service?" / "… until at least Friday 6 June")
        spans = [
            _as_quantity(s)
            if s.label in DATE_LABELS and (is_duration(s.text(text)) or _UNTIL_RE.search(text[: s.start]))
            else s
            for s in spans
        ]
    if info.target == "age":  # "She was 81.", "Kjell Ingebrigtsen, 67, …": an age spaCy tags as a date
        spans = [_as_quantity(s) if s.label in DATE_LABELS and is_age(s.text(text)) else s for s in spans]
    if info.target == "money":
        spans = [_as_money(s, text) for s in spans]
    if info.answer_type == "people":
        spans += [_people(m) for m in _PEOPLE_RE.finditer(text)]
    if info.target == "where":  # "on the label under the router": a place no name gives, less directly
        spans += _place_phrases(text, annotation)
    titles = others_titles(info.text) if info.asks_person else ()
    counted = set(tokens(info.counts))
    if counted & _PEOPLE_WORDS:  # people go by many names ("donors", "residents"): any number may count them
        counted = set()
    out: list[SpanCandidate] = []
    for tier, labels in enumerate(tiers(info)):
        for s in sorted(spans, key=lambda s: s.start):
            candidate = _candidate(text, s.start, s.end, s.label, tier)
            if (
                _is_enumerator(text, s)
                or (s.label == "NORP" and not info.asks_person and _modifies(candidate, annotation))
                or (counted and _counts_other(candidate, text, annotation, counted))
                or (counted and not counted & _CURRENCY_TERMS and _with_currency(s, text))
                # "one engine" for "How much will it cost?": a bare number that counts a thing is no sum, nor is
                # one that counts some of them ("nine of them cellos")
                or (
                    info.target == "money"
                    and s.label != "MONEY"
                    and (
                        _counts_other(candidate, text, annotation, _CURRENCY_TERMS)
                        or bool(_PARTITIVE_RE.match(text, candidate.end))
                    )
                )
            ):
                continue
            if (
                s.label in labels
                and _new(candidate.text, asked)
                and not _titled(text, s.start, titles)
                and candidate not in out
            ):
                out.append(
                    _widened(candidate, text, annotation, asked)
                    if info.answer_type == "number" and info.target != "money"  # "€48 million", not "… plan"
                    else candidate
                )
    if not tiers(info):
        out = [_candidate(text, c.start, c.end, "NP", 9) for c in annotation.chunks]
        out = [c for c in out if _new(c.text, asked)]
    return out


def find_answer(kind: str, question: str, text: str, annotation: Annotation | None = None) -> str | None:
    """The span of ``text`` answering a question of this type by rule: the most direct kind first, then the
    span nearest the words the question shares with the sentence."""
    info = analyse(question)
    if kind != info.answer_type:
        info = QuestionInfo(info.text, kind, info.names, info.speaker, info.role_of, info.target)  # type: ignore[arg-type]
    found = typed_spans(info, text, annotation or annotate([text])[0])
    if not found:
        return None
    anchors = [
        m.start()
        for w in set(words(question)) - STOPWORDS - QUESTION_WORDS
        for m in _word_re(w).finditer(text)
    ]
    best = min(found, key=lambda c: (c.tier, min((abs(c.start - a) for a in anchors), default=c.start)))
    return best.text


def _candidate(text: str, start: int, end: int, label: str, tier: int) -> SpanCandidate:
    span = text[start:end]
    lead = re.match(r"(?i)(?:the|a|an)\s+", span) if label not in DATE_LABELS else None
    if lead:
        start += lead.end()
    return SpanCandidate(start, end, text[start:end].strip(" ,.;:"), label, tier)


def _widened(c: SpanCandidate, text: str, annotation: Annotation, asked: set[str]) -> SpanCandidate:
    """A number with its unit, when the noun phrase holding it names what the question counts
    ("13 billion parameters" for "how many parameters")."""
    for chunk in annotation.chunks:
        if chunk.start <= c.start and c.end <= chunk.end and set(tokens(text[c.end : chunk.end])) & asked:
            return SpanCandidate(c.start, chunk.end, text[c.start : chunk.end], c.label, c.tier)
    return c


def _is_enumerator(text: str, s: Span) -> bool:
    """ "(1) displays …, and (2) tells …", or "2)" opening a line: a list's item number, not a quantity ("(up
    from 12)" is one); or a figure's or a table's number ("Figure 2. Sketch of the lane", ``LABEL_NOUNS``)."""
    if _LABELLED_RE.search(text, 0, s.start) and re.fullmatch(r"\d{1,3}[a-z]?", text[s.start : s.end]):
        return True
    if not re.fullmatch(r"\d{1,2}", text[s.start : s.end]) or text[s.end : s.end + 1] != ")":
        return False
    line_start = text.rfind("\n", 0, s.start) + 1
    return text[s.start - 1 : s.start] == "(" or not text[line_start : s.start].strip()


_LABELLED_RE = re.compile(rf"\b(?:{alternation(LABEL_NOUNS)})\s+$")


def _modifies(c: SpanCandidate, annotation: Annotation) -> bool:
    """A nationality before the noun it describes ("a leading Chinese cybersecurity company") is not the name
    of a thing; "the Normans" is. For "who", it still says whose ("the Norman army" → "Norman")."""
    return any(chunk.start <= c.start and c.end < chunk.end for chunk in annotation.chunks)


def _counts_other(c: SpanCandidate, text: str, annotation: Annotation, counted: Set[str]) -> bool:
    """A number whose noun phrase counts something else: "13 billion parameters" for "how many chips"."""
    for chunk in annotation.chunks:
        if chunk.start <= c.start and c.end <= chunk.end:
            after = set(tokens(text[c.end : chunk.end]))
            return bool(after) and not after & counted
    return False


# A number that counts some of a whole: "nine of them", "two of the five boats".
_PARTITIVE_RE = re.compile(
    r"\s+of\s+(?:them|these|those|us|you|the|its|their|his|her|our|which|whom)\b", re.I
)
_UNTIL_RE = re.compile(r"\b(?:until|till|through)\s+$", re.IGNORECASE)


def _as_quantity(s: Span) -> Span:
    return Span(s.start, s.end, "QUANTITY")


_CODE_BEFORE = re.compile(rf"(?:\b(?:{alternation(CURRENCY_CODES)})|[{CURRENCY_SYMBOLS}]) ?$")
_PER_CENT = re.compile(r"\bper ?cent$", re.IGNORECASE)
_WORD_AFTER = re.compile(rf"^ ?(?:{alternation(CURRENCY_WORDS)})\b", re.IGNORECASE)


def _as_share(s: Span, text: str) -> Span:
    """spaCy tags "3.2 per cent" and "a 1 per cent chance" MONEY: a share is a PERCENT, never a sum of money."""
    return (
        Span(s.start, s.end, "PERCENT")
        if s.label == "MONEY" and _PER_CENT.search(text[s.start : s.end])
        else s
    )


def _as_money(s: Span, text: str) -> Span:
    """A number spaCy left bare that is written with its currency ("2.3 million euros", "NOK 12 million",
    "48 million kroner"), as the sum of money it is, the currency included; any other span as it is."""
    if s.label not in ("CARDINAL", "QUANTITY", "MONEY"):
        return s
    start, end = s.start, s.end
    if before := _CODE_BEFORE.search(text[max(0, start - 4) : start]):
        start -= len(before.group())  # spaCy's MONEY often leaves the symbol out too ("£" in "£12")
    elif after := _WORD_AFTER.match(text[end:]):
        end += len(after.group())
    elif s.label == "CARDINAL" or (
        s.label == "QUANTITY" and text[start:end].split()[-1].lower() not in CURRENCY_WORDS
    ):
        return s  # a QUANTITY holds its currency word at its end ("48 million kroner")
    return Span(start, end, "MONEY")


def _with_currency(s: Span, text: str) -> bool:
    """Written as a sum of money, with a currency symbol, code or word ("NOK 2.1 billion", "£18m", "48 million
    kroner"); spaCy's MONEY label alone is not enough (it tags "a 284-billion parameter model" MONEY)."""
    return bool(
        _CODE_BEFORE.search(text[max(0, s.start - 4) : s.start])
        or _WORD_AFTER.match(text[s.end :])
        or set(text[s.start : s.end]) & set(CURRENCY_SYMBOLS)
        or text[s.start : s.end].split()[-1].lower() in CURRENCY_WORDS
    )


def _people(m: re.Match[str]) -> Span:
    return Span(m.start(), m.end(), "PEOPLE")


def _asked(question: str) -> set[str]:
    return set(tokens(question))


def _new(span: str, asked: set[str]) -> bool:
    """A span that adds something: not empty, not only words the question already uses (plurals folded:
    "Norman" is not new to a question about "the Normans")."""
    found = set(tokens(span))
    return bool(found) and not found <= asked


def _titled(text: str, start: int, titles: Sequence[tuple[str, ...]]) -> bool:
    """Does a title the question gives someone else stand right before the span ("US Treasury Secretary
    Bessant" for "Who is China's counterpart to the US Treasury Secretary?", ``nlp.others_titles``)? Its last
    two words are enough ("Treasury Secretary Bessant"). A comma between them makes the name an apposition
    instead, the holder of what the phrase before names ("The chair of the transport committee, Councillor
    Rahel Tesfaye, …")."""
    raw = text[max(0, start - 80) : start]
    if raw.rstrip()[-1:] in (",", ";", ":", "(", "—", "–"):
        return False
    before = words(raw)
    return any(before[-2:] == list(title[-2:]) for title in titles)


def _word_re(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)\b{re.escape(word)}\b")


def same_answer(a: str, b: str) -> bool:
    """Two answer strings name the same thing, typography and case aside."""
    return fold(a) == fold(b)
