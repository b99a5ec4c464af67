"""What a question asks for, read with a few general rules of English questions.

An extractive system cannot tell "answered" from "merely related" by similarity alone:
"How many people attended the conference?" retrieves the sentence about the conference.
So we read the question's expected answer type (a date, a number, a name), the names it
relies on, the speaker it asks about, and any source it names ("according to TrendKia"),
and the composer checks the evidence against each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from chatbot.text.lexicon import COUNT_WORDS, PEOPLE_NOUNS, QUESTION_WORDS, SPEECH_VERBS, alternation
from chatbot.text.lexicon import MONTHS as MONTH_NAMES

# The kinds of short answer a question can ask for: a date, a number, a name, a description of people.
AnswerType = Literal["date", "number", "name", "people"]

MONTHS = "|".join(m.capitalize() for m in sorted(MONTH_NAMES))
DATE_RE = re.compile(
    rf"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), )?(?:{MONTHS}) \d{{1,2}}\b(?:-\d{{1,2}})?"
    rf"(?:(?: and \d{{1,2}})?, \d{{4}})?|\b(?:late |early |mid-)?(?:{MONTHS}) \d{{4}}|\b(?:1[5-9]|20)\d{{2}}\b"  # a year, 1500-2099
)
NUMBER_WORDS = alternation(COUNT_WORDS)
# A number, not one that is part of a name or code ("Kimi K2.6", "Fable 5", "H200", "Tier-1").
NUMBER_RE = re.compile(
    rf"(?P<n>(?<![\w.])(?:\d[\d,.]*(?:-\d[\d,.]*)?\+?|(?:{NUMBER_WORDS}))(?![\w.]*[A-Za-z]\d)"
    r"(?:[- ](?:billion|million|thousand|percent|%))?)"
    r"(?P<tail>(?: (?!(?:per|of|the|and|to|a|an|in|on|at|for|by|that|which)\b)[a-z-]+){0,2})",
    re.IGNORECASE,
)
NAME_RE = re.compile(r"\b[A-Z][\w’'.-]*[a-zA-Z](?:\s+(?:of |de |van |the )?[A-Z][\w’'.-]*[a-zA-Z])*")
SPEECH = rf"(?:{alternation(SPEECH_VERBS)})"
SPEAKER_RE = re.compile(
    rf"(?P<a>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*),?(?:\s+[a-z]+)?\s+{SPEECH}\b"
    rf"|\b{SPEECH}\s+(?P<b>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*)"
    rf"|\baccording to (?P<c>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*)"
)
PEOPLE_NOUNS_RE = re.compile(rf"\b({alternation(PEOPLE_NOUNS)}|delegat\w+)\b", re.IGNORECASE)

_DATE_Q = re.compile(
    r"(when|(on|in|by) what (date|day|year|month)s?|what (date|day|year|month)s?|which (year|month)s?|by when)\b"
)
_NUMBER_Q = re.compile(r"\b(how many|how much|how long|how big|how large)\b")
# "What is Project Maven's annual budget?": a what-question whose head noun is a quantity.
_QUANTITY_Q = re.compile(
    r"^what\b[^?]*?\b(percentage|number of|amount|sum|price|cost|figure|rates?|scores?|budget|revenue|salary|"
    r"turnover|valuation)\b"
)
# "Who made up / who were": a description of people answers it; "who headed / who said": a name is needed.
_GROUP_WHO = re.compile(r"who (made up|were|are|attended|participated|took part)\b")
_NAME_Q = re.compile(
    r"(who|whom|which (person|official|researcher|scientist|company|organi[sz]ation|institution|firm|publication|"
    r"outlet|newspaper|study|report|university|country|city|town|place|region|chinese researchers|researchers)|"
    r"(in|at|from) which (city|country|town|place|region)|where|what is the name|"
    r"what (company|organi[sz]ation|firm|publication|study) )\b"
)
_SPEAKER_Q = re.compile(
    rf"\b(?i:what|how|why|when) (?i:did|does|do|has|have) (?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*) "
    rf"(?:(?:\w+ ){{0,2}}){SPEECH}\b"
)


@dataclass
class QuestionInfo:
    text: str
    answer_type: AnswerType | None
    names: list[str] = field(
        default_factory=list
    )  # capitalised names, numbers and quoted phrases it relies on
    speaker: str | None = None  # "What did X say ...": X
    role_of: str | None = None  # "Who is X?", "What is X's role?": X


def analyse(question: str) -> QuestionInfo:
    q = question.strip()
    return QuestionInfo(q, answer_type(q), question_names(q), _speaker(q), _role_of(q))


_ROLE_Q = re.compile(
    r"^(?i:who is|who's|who was) (?P<a>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s*\??$"
    r"|^(?i:what (?:is|was)) (?P<b>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*?)[’']s? (?:role|job|position|title|affiliation)\b"
)


def _role_of(question: str) -> str | None:
    m = _ROLE_Q.match(question.strip())
    return (m.group("a") or m.group("b")) if m else None


# "According to Kelly, in which city ...?": the framing clause says where, not what, to look for.
_FRAMING_RE = re.compile(r"^(?:according to|in|per|for) [^,?]{1,60},\s*", re.IGNORECASE)


def answer_type(question: str) -> AnswerType | None:
    q = _FRAMING_RE.sub("", question.strip()).lower()
    if _DATE_Q.match(q):
        return "date"
    if _NUMBER_Q.search(q) or _QUANTITY_Q.match(q):
        return "number"
    if _GROUP_WHO.match(q):
        return "people"
    if _NAME_Q.match(q):
        return "name"
    return None


def question_names(question: str) -> list[str]:
    """Names, numbers and quoted phrases a question relies on; its first word counts only inside a name."""
    names = [m.group(1) for m in re.finditer(r"[“\"]([^”\"]{3,80})[”\"]", question)]
    for m in re.finditer(r"\b[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|\b\d[\d,.]*\b", question):
        words = m.group(0).split()
        if m.start() == 0 and len(words) == 1:
            continue  # "Besides ...": capitalised because it starts the sentence
        words = [w for w in words if w.lower().strip("’'s.") not in QUESTION_WORDS]
        if words:
            names.append(" ".join(words))
    return [n.strip(" .,?’'") for n in names if n.strip(" .,?’'")]


def _speaker(question: str) -> str | None:
    m = _SPEAKER_Q.search(question)
    if m:
        return m.group("name")
    m = re.search(r"\b(?i:according to) (?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)", question)
    return m.group("name") if m else None


def find_answer(kind: str, question: str, text: str) -> str | None:
    """The fragment of ``text`` that answers a question of this type, if there is one."""
    if kind == "date":
        asked = question.lower()
        return next((m.group(0) for m in DATE_RE.finditer(text) if m.group(0).lower() not in asked), None)
    if kind == "number":
        return best_number(question, text)
    if kind == "people":
        m = PEOPLE_NOUNS_RE.search(text)
        return m.group(0) if m else best_name(question, text)
    return best_name(question, text)


def best_number(question: str, text: str) -> str | None:
    """The number whose surrounding words best match the question ("13 billion parameters")."""
    from chatbot.text.normalise import tokens

    asked = set(tokens(question))
    best, best_overlap = None, -1
    dates = [d.span() for d in DATE_RE.finditer(text)]
    for m in NUMBER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in dates):
            continue  # the "15" of "May 14 and 15" is part of a date, not a count
        before = text[: m.start()].split()[-1:] or [""]
        if re.fullmatch(r"(19|20)\d\d\b.*", m.group(0)) or m.group(0).strip().lower() in question.lower():
            continue
        if before[0][:1].isupper() and m.start() > 0 and not before[0].endswith((".", ":")):
            continue  # part of a name: "Fable 5", "Kimi K2.6"
        context = (
            " ".join(text[: m.start()].split()[-3:]) + " " + m.group(0)
        )  # "activates only 13 billion ..."
        overlap = len(asked & set(tokens(context)))
        if overlap > best_overlap:
            best, best_overlap = _with_unit(m, asked), overlap
    return best


def _with_unit(m: re.Match[str], asked: set[str]) -> str:
    """The number with its unit words: up to the last one the question uses, else just the first."""
    from chatbot.text.normalise import tokens

    tail = m.group("tail").split()
    used = [i for i, w in enumerate(tail) if set(tokens(w)) & asked]
    keep = tail[: used[-1] + 1] if used else tail[:1]
    return " ".join([m.group("n"), *keep])


def best_name(question: str, text: str) -> str | None:
    """A speaker next to a speech verb first, else the first name the question does not already use."""
    asked = {w.lower().strip("’'s") for w in re.findall(r"[\w’']+", question)}

    def new(name: str) -> bool:
        words = [w.lower().strip("’'s.") for w in re.findall(r"[\w’']+", name)]
        return bool(words) and words[0] not in QUESTION_WORDS and not set(words) <= asked

    for m in SPEAKER_RE.finditer(text):
        name = m.group("a") or m.group("b") or m.group("c")
        if new(name) and not (
            m.start() == 0 and name.split()[0].lower() in QUESTION_WORDS | {"it", "he", "she", "they"}
        ):
            return name
    agent = re.search(rf"\bby (?:the )?(?P<name>{NAME_RE.pattern})", text)  # "led ... by Scott Bessant"
    if agent and new(agent.group("name")):
        return agent.group("name")
    found = [
        re.sub(r"^(?:The|A|An|This|That|These|Its) ", "", m.group(0))
        for m in NAME_RE.finditer(text)
        if m.start() > 0 or " " in m.group(0)  # one capitalised word opening a sentence is not a name
    ]
    names = [n for n in found if n[:1].isupper() and new(n)]
    multi = [n for n in names if " " in n]
    single = [n for n in names if " " not in n and not DEMONYM_RE.fullmatch(n)]
    return next(iter(multi or single), None)


DEMONYM_RE = re.compile(
    r"[A-Z][a-z]+(?:an|ese|ish)"
)  # "American", "Chinese", "British": descriptions, not names


def name_words(name: str) -> list[str]:
    """The capitalised or numeric words of a name, without possessives or hyphenated tails.

    "Kelly's" → ["kelly"]; "AI-driven" → ["ai"]; "Cold War-era" → ["cold", "war"].
    """
    words = []
    for part in re.split(r"[\s\-–/]+", name):
        part = re.sub(r"[’']s$", "", part).strip("“”\"'’.,?")
        if part[:1].isupper() or any(ch.isdigit() for ch in part):
            words.append(part.lower())
    return words


_COMPOUND_RE = re.compile(
    r"(?:,|;)\s+and\s+(?=(?:who|whom|which|what|when|where|why|how)\b)|;\s+(?=(?:who|which|what|when|where|why|how)\b)",
    re.IGNORECASE,
)


def split_compound(question: str) -> list[str]:
    """ "Who led X, and which official confirmed Y?" → ["Who led X?", "Which official confirmed Y?"].

    Each part is answered on its own: one retrieval for two questions finds evidence for one of them.
    """
    parts = [p.strip(" ,;?") for p in _COMPOUND_RE.split(question) if p.strip(" ,;?")]
    if len(parts) < 2:
        return [question]
    return [p[0].upper() + p[1:] + "?" for p in parts]


# What kind of answer a question needs, for the generative backends' router: a typed fact is best quoted;
# an explanation, comparison or summary is best written from several sentences.
QuestionKind = Literal["factoid", "yes_no", "explanation", "comparison", "summary", "other"]

_YES_NO_RE = re.compile(
    r"^(?:is|are|was|were|am|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must)"
    r"(?:n[’']t)?\b",
    re.IGNORECASE,
)
_COMPARISON_RE = re.compile(
    r"\b(?:differ\w*|different|difference|compare[sd]?|comparing|comparison|contrast\w*|versus|vs\.?|"
    r"similar\w*|in common|unlike|agree|disagree)\b",
    re.IGNORECASE,
)
_SUMMARY_RE = re.compile(
    r"\b(?:summari[sz]e\w*|summary|overview|outline|gist|main (?:points?|argument|message|idea|takeaways?)|"
    r"key (?:points?|takeaways?|arguments?)|takeaways?|overall)\b|^(?:describe|tell me about)\b|"
    r"^what (?:happened|is (?:the|this) (?:article|report|story|document) about)\b",
    re.IGNORECASE,
)
_EXPLANATION_START_RE = re.compile(
    r"^(?:why|how come|explain)\b|^how (?:do|does|did|is|are|was|were|will|would|can|could|should|might)\b",
    re.IGNORECASE,
)
_EXPLANATION_RE = re.compile(
    r"\b(?:why|reasons?|because|cause[sd]?|led to|lesson|mean(?:s|t)?|meaning|significance|signif\w+|"
    r"implications?|purpose|argue[sd]?|argument|in what way)\b",
    re.IGNORECASE,
)


def question_kind(question: str) -> QuestionKind:
    """What kind of answer the question needs: a yes/no judgement, an explanation, a comparison, a summary,
    a typed fact (who / when / how many / which), or something else.

    Read in that order: "Did X and Y differ?" is a yes/no question, "Why did X say Y?" an explanation even
    though "X" is a name, "Who argued that ...?" a typed fact even though it mentions an argument. A framing
    clause ("According to X, ...") is not part of the question.
    """
    info = analyse(question)
    q = _FRAMING_RE.sub("", info.text).strip()
    if _YES_NO_RE.match(q):
        return "yes_no"
    if _COMPARISON_RE.search(q):
        return "comparison"
    if _SUMMARY_RE.search(q):
        return "summary"
    if _EXPLANATION_START_RE.match(q) and not _NUMBER_Q.search(q.lower()):
        return "explanation"
    if info.answer_type or info.role_of:
        return "factoid"
    if _EXPLANATION_RE.search(q):
        return "explanation"
    return "other"


def yes_no_statement(question: str) -> str:
    """A yes/no question read as the statement it asks about, for checking against evidence: the framing
    clause, the leading auxiliary and the question mark dropped ("Did X say Y?" → "X say Y"). Word order
    is left as it is; the support checker reads terms, names, numbers and polarity, not syntax."""
    q = _FRAMING_RE.sub("", question.strip()).strip()
    m = _YES_NO_RE.match(q)
    if not m:
        return ""
    body = q[m.end() :].strip(" ?")
    negated = bool(re.search(r"n[’']t$", m.group(0)))
    return f"not {body}" if negated else body
