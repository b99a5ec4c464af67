"""Verification of a generated answer: every sentence must carry a citation that backs it.

``parse`` splits the model's text into sentences and their ``[n]`` marks; ``verify`` keeps a
sentence only when it cites at least one of the sentences actually shown to the model and the
support checker finds the claim backed by the cited text. Marks naming a sentence that was not
shown are dropped; a citation that neither backs the claim alone nor is needed with the others
is dropped too. Sentences the prompt marked as instructions (prompt-injection text in a source)
never count as support unless the question asks about the text itself. ``render`` writes the
kept sentences back with citations renumbered in order of first use.

The refusal phrase of the prompt, and the usual ways a small model words it ("the data does
not mention..."), are notes, not claims: they are never cited, and an answer with only notes is
a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chatbot.backends.prompts import REFUSAL_PHRASE
from chatbot.grounding.support import SupportChecker
from chatbot.text.questions import yes_no_statement
from chatbot.text.sentences import BULLETS
from chatbot.text.sentences import split as split_sentences

_MARK_RE = re.compile(
    r"\s*[\[【]\s*(?:sentences?\s*)?(\d+(?:\s*(?:,|;|and|-|–)\s*\d+)*)\s*[\]】]", re.IGNORECASE
)
# Generated answers put citation marks after a sentence's full stop, or end a sentence with a mark alone:
# the marks are moved inside the sentence, and a mark before a capital closes its sentence.
_MARKS_AFTER_END_RE = re.compile(r"([.!?])((?:[ \t]*[\[【][^\]】\n]*[\]】])+)")
_MARK_THEN_START_RE = re.compile(r"([\]】])[ \t]*(?=[A-Z\"“‘(])")
_BULLET_RE = re.compile(rf"^\s*(?:[-*{BULLETS}]|\d+[.)])\s+")
_REFUSAL_RE = re.compile(
    r"not in the sources|(?:data|sentences|sources|text|passages|context)\s+(?:does|do)\s*(?:not|n't)\s+"
    r"(?:answer|say|mention|contain|provide|state|specify|include)|\bno information\b|\bi (?:do not|don't) know\b|"
    r"\bnot (?:mentioned|stated|specified|provided)\b|\bcannot be (?:answered|determined)\b",
    re.IGNORECASE,
)
# Text that speaks to an AI rather than to a reader: prompt injection planted in a document.
INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,30}\b(?:instructions?|prompts?|rules)\b|\bsystem prompt\b|"
    r"\b(?:as an ai|ai assistants?|language models?)\b.{0,40}\b(?:must|should|say|tell|answer)\b|"
    r"^\s*(?:say|tell|answer|respond|reply|write) (?:that|the|to)\b",
    re.IGNORECASE,
)
ABOUT_TEXT_RE = re.compile(
    r"\b(?:instructions?|note|notes|document|text|message|written|writes|wrote|guest book|injected?)\b",
    re.IGNORECASE,
)


@dataclass
class Claim:
    text: str  # the sentence without its citation marks (and without its stance)
    numbers: list[int]  # citation numbers as the model wrote them
    stance: str = ""  # "Yes," / "No." opening the sentence: an answer to a yes/no question, checked apart


@dataclass
class Checked:
    claim: Claim
    cited: list[int] = field(default_factory=list)  # shown sentences that back it, after pruning
    dropped: list[int] = field(default_factory=list)  # marks naming no shown sentence
    reason: str = ""  # why it was removed: "uncited", "unsupported", "instruction"; "" if kept
    repaired: bool = False  # kept with other citations than the model gave
    stance: str = ""  # the claim's stance, once the cited text was found to bear it out; else ""


@dataclass
class Verification:
    checked: list[Checked]
    refusal: bool  # the model gave the refusal phrase (or a close wording of it)

    @property
    def kept(self) -> list[Checked]:
        return [c for c in self.checked if not c.reason]

    @property
    def removed(self) -> list[Checked]:
        return [c for c in self.checked if c.reason]

    def summary(self) -> str:
        """ "2 of 3 claims verified; 1 unsupported sentence removed; citation [9] was not shown, dropped"."""
        parts = [f"{len(self.kept)} of {len(self.checked)} claims verified"]
        for reason, label in (
            ("unsupported", "unsupported"),
            ("uncited", "uncited"),
            ("instruction", "instruction-citing"),
        ):
            n = sum(c.reason == reason for c in self.checked)
            if n:
                parts.append(f"{n} {label} sentence{'s' * (n > 1)} removed")
        stances = sum(bool(c.claim.stance) and not c.stance for c in self.kept)
        if stances:
            parts.append(
                f"{stances} yes/no answer{'s' * (stances > 1)} the shown sentences do not bear out removed"
            )
        fixed = sum(c.repaired for c in self.kept)
        if fixed:
            parts.append(f"{fixed} citation{'s' * (fixed > 1)} corrected or added")
        bad = sorted({n for c in self.checked for n in c.dropped})
        if bad:
            marks = ", ".join(f"[{n}]" for n in bad)
            parts.append(f"citation{'s' * (len(bad) > 1)} {marks} not shown to the model, dropped")
        return "; ".join(parts)


def is_refusal(sentence: str) -> bool:
    return bool(_REFUSAL_RE.search(sentence)) or REFUSAL_PHRASE.lower() in sentence.lower()


def is_instruction(sentence: str) -> bool:
    return bool(INSTRUCTION_RE.search(sentence))


def asks_about_text(question: str) -> bool:
    """The question is about what a document says or instructs, so its instructions are the subject."""
    return bool(ABOUT_TEXT_RE.search(question))


def numbers(mark: str) -> list[int]:
    """ "1, 2" → [1, 2]; "2-4" → [2, 3, 4] (short ranges only)."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|and)\s*", mark):
        bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x.strip().isdigit()]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 5:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return list(dict.fromkeys(out))


def parse(text: str) -> tuple[list[Claim], bool]:
    """The claims of a generated answer, and whether it contains the refusal phrase (or a wording of it)."""
    claims: list[Claim] = []
    refusal = False
    text = _MARK_THEN_START_RE.sub("\\1\n", _MARKS_AFTER_END_RE.sub(r"\2\1", text.strip()))
    for piece in (p for line in text.splitlines() for p in split_sentences(line)):
        marks = [n for m in _MARK_RE.finditer(piece) for n in numbers(m.group(1))]
        body = _BULLET_RE.sub("", _MARK_RE.sub("", piece))
        body = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(body.split())).strip()
        if not re.search(r"\w\w", body):  # marks alone, or a stray fragment such as "1"
            if claims and marks:  # marks alone on a line belong to the sentence before
                claims[-1].numbers += [n for n in marks if n not in claims[-1].numbers]
            continue
        if is_refusal(body):
            refusal = True
            continue
        claims.append(Claim(body, list(dict.fromkeys(marks))))
    return with_stances(claims), refusal


_STANCE_RE = re.compile(r"^(?:yes|no)\b(?:[,.!:;]\s*|\s*$)", re.IGNORECASE)


def with_stances(claims: list[Claim]) -> list[Claim]:
    """A leading "Yes,"/"No." taken apart from the claim it opens; a bare "Yes." goes to the claim after it."""
    out: list[Claim] = []
    pending = ""
    for claim in claims:
        m = _STANCE_RE.match(claim.text)
        if m and not claim.stance:
            stance, body = m.group(0).strip(), claim.text[m.end() :].strip()
            if not re.search(r"\w\w", body):
                pending = stance
                continue
            claim = Claim(body[0].upper() + body[1:], claim.numbers, stance)
        elif pending and not claim.stance:
            claim = Claim(claim.text, claim.numbers, pending)
        pending = ""
        out.append(claim)
    return out


def verify(
    text: str,
    units: Sequence[str],
    checker: SupportChecker,
    shown: int | None = None,
    neighbours: Mapping[int, Sequence[int]] | None = None,
    instructions: frozenset[int] = frozenset(),
) -> Verification:
    """Check every claim of ``text`` against the sentences it cites.

    ``units`` are sentence texts numbered from 1: the first ``shown`` were shown to the model (all
    by default), the rest are corpus sentences next to them (``neighbours`` maps a shown number to
    itself and its neighbours, in text order). A claim its citations do not back is repaired when possible: cited
    to the one shown sentence that backs it alone (the model miscounted), to its cited sentences
    plus one more shown sentence (it combined two), or to its cited sentences plus their
    neighbours (it needs the sentence before or after). Otherwise it
    is removed. ``instructions`` are prompt-injection sentences: they back no claim.
    """
    claims, refusal = parse(text)
    return verify_claims(claims, refusal, units, checker, shown, neighbours, instructions)


def verify_claims(
    claims: Sequence[Claim],
    refusal: bool,
    units: Sequence[str],
    checker: SupportChecker,
    shown: int | None = None,
    neighbours: Mapping[int, Sequence[int]] | None = None,
    instructions: frozenset[int] = frozenset(),
    question: str = "",
) -> Verification:
    """``verify`` for claims already read (a structured reply's sentences); ``question`` lets a yes/no stance
    stand only where the cited text bears it out (``stance_holds``)."""
    shown = len(units) if shown is None else shown
    neighbours = neighbours or {}
    checked = []
    for claim in claims:
        valid = [n for n in claim.numbers if 1 <= n <= shown]
        c = Checked(
            claim, [n for n in valid if n not in instructions], [n for n in claim.numbers if n not in valid]
        )
        if valid and not c.cited:
            c.reason = "instruction"
        checked.append(c)
    todo = [c for c in checked if not c.reason]
    joint = checker.check_many([(c.claim.text, _joined(units, c.cited)) for c in todo if c.cited])
    verdicts = iter(joint)
    for c in todo:
        if not c.cited or not next(verdicts).supported or not _together(c.cited, neighbours):
            uncited = not c.cited
            c.cited = _repair(c.claim.text, c.cited, units, shown, neighbours, instructions, checker)
            c.repaired = bool(c.cited)
            c.reason = "" if c.cited else "uncited" if uncited else "unsupported"
        if len(c.cited) > 1:
            c.cited = _needed(c.claim.text, c.cited, units, checker)
    statement = yes_no_statement(question) if question else ""
    context = [n for n in range(1, shown + 1) if n not in instructions]
    passages = [[n] for n in context] + [
        g for n in context if len(g := [m for m in neighbours.get(n, (n,)) if m not in instructions]) > 1
    ]
    for c in checked:
        if not c.reason and c.claim.stance and statement:
            holds = stance_holds(c.claim.stance, statement, [_joined(units, g) for g in passages], checker)
            c.stance = c.claim.stance if holds else ""
    return Verification(checked, refusal)


def stance_holds(stance: str, statement: str, passages: Sequence[str], checker: SupportChecker) -> bool:
    """Whether a yes/no stance stands: "Yes" when one of the shown sentences (alone or with its neighbours)
    backs the question read as a statement, "No" when none does. One passage at a time: two sentences about
    different people together can hold every word of a statement neither backs. The model reads the
    question; the checker has the last word."""
    backed = any(v.supported for v in checker.check_many([(statement, p) for p in passages]))
    return backed is stance.lower().startswith("yes")


def _repair(
    claim: str,
    cited: list[int],
    units: Sequence[str],
    shown: int,
    neighbours: Mapping[int, Sequence[int]],
    instructions: frozenset[int],
    checker: SupportChecker,
) -> list[int]:
    """Citations that do back the claim: one other shown sentence; the cited ones with their neighbours; another
    shown sentence with its neighbours (the model miscounted, and the claim needs the sentence around it); the
    cited ones with one more shown sentence next to them (it combined two). Never a stitch of distant sentences."""
    apart = not _together(cited, neighbours)  # a stitch: each of its sentences may still back the claim alone
    others = [n for n in range(1, shown + 1) if (apart or n not in cited) and n not in instructions]
    alone = checker.check_many([(claim, units[n - 1]) for n in others])
    backing = [(v.score, n) for n, v in zip(others, alone, strict=True) if v.supported]
    if backing:
        return [max(backing)[1]]
    widened = [m for n in cited for m in neighbours.get(n, (n,)) if m not in instructions]
    widened = list(dict.fromkeys(widened))
    if (
        len(widened) > len(cited)
        and _together(cited, neighbours)
        and checker.check(claim, _joined(units, widened)).supported
    ):
        return widened
    groups = [[m for m in neighbours.get(n, (n,)) if m not in instructions] for n in others]
    groups = [g for g in groups if len(g) > 1]
    around = checker.check_many([(claim, _joined(units, g)) for g in groups])
    backing_groups = [(v.score, g) for g, v in zip(groups, around, strict=True) if v.supported]
    if backing_groups:
        return max(backing_groups)[1]
    if not cited:
        return []
    others = [n for n in others if n not in cited and _together([*cited, n], neighbours)]
    pairs = checker.check_many([(claim, _joined(units, [*cited, n])) for n in others])
    backing = [(v.score, n) for n, v in zip(others, pairs, strict=True) if v.supported]
    if backing:
        return [*cited, max(backing)[1]]
    return []


def _together(cited: Sequence[int], neighbours: Mapping[int, Sequence[int]]) -> bool:
    """The cited sentences are one stretch of text (one sentence, or one with its neighbours). Sentences from
    different places can hold every word of a claim that none of them makes ("Liao Min" from one, "Foreign
    Ministry spokesperson" from another): such a stitch backs nothing."""
    if len(cited) < 2:
        return True
    return any(set(cited) <= set(group) for group in neighbours.values())


def _joined(units: Sequence[str], cited: Sequence[int]) -> str:
    return " ".join(units[n - 1] for n in cited)


def _needed(claim: str, cited: list[int], units: Sequence[str], checker: SupportChecker) -> list[int]:
    """A smallest set of the citations that still backs the claim: one that does alone, else drop what is not needed."""
    alone = checker.check_many([(claim, units[n - 1]) for n in cited])
    backing = [(v.score, n) for n, v in zip(cited, alone, strict=True) if v.supported]
    if backing:
        return [max(backing)[1]]
    kept = list(cited)
    for n in cited:
        rest = [m for m in kept if m != n]
        if rest and checker.check(claim, _joined(units, rest)).supported:
            kept = rest
    return kept


def render(kept: Sequence[Checked]) -> tuple[str, list[int]]:
    """The kept sentences as one paragraph, marks renumbered 1, 2, ... in order of first use. A yes/no stance
    that stood comes first, on a line of its own: it is the short answer, and the cited sentences back it.

    Returns the text and the shown-sentence number behind each new citation number (in order).
    """
    order: list[int] = []
    out = []
    for c in kept:
        for n in c.cited:
            if n not in order:
                order.append(n)
        marks = " ".join(f"[{order.index(n) + 1}]" for n in c.cited)
        body, end = c.claim.text, "."
        if body[-1] in ".!?":
            body, end = body[:-1].rstrip(), body[-1]
        out.append(f"{body} {marks}{end}")
    stance = next((c.stance for c in kept if c.stance), "")
    text = " ".join(out)
    return (f"{stance.rstrip(',.!:;').capitalize()}.\n{text}" if stance else text), order
