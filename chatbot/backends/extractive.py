"""The default answer backend: it answers only with sentences quoted verbatim from the corpus.

It cannot invent, so its failure mode is answering a question the corpus does not answer
with something merely related. Three checks guard against that before any sentence is
quoted: the best evidence must be close enough to the question, every name or number the
question relies on must occur in the corpus, and the question's key names must occur in
the evidence. When the evidence allows, a short lead names the answer first (who, when,
how many), cut verbatim from the first cited sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from chatbot.answer import Answer, Citation, Evidence, cite
from chatbot.index import STOPWORDS, Index, tokens
from chatbot.passages import Passage, Sentence
from chatbot.settings import Settings

REFUSAL = "The corpus does not answer this question."

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_RE = re.compile(
    rf"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), )?(?:{MONTHS}) \d{{1,2}}(?:-\d{{1,2}})?"
    rf"(?:(?: and \d{{1,2}})?, \d{{4}})?|\b(?:late |early |mid-)?(?:{MONTHS}) \d{{4}}|\b(?:19|20)\d{{2}}\b"
)
NUMBER_RE = re.compile(
    r"\b\d[\d,.]*(?:-\d[\d,.]*)?\+?(?:[- ](?:billion|million|thousand|percent|%))?"
    r"(?: (?!(?:per|of|the|and|to|a|an|in|on|at|for|by|that|which)\b)[a-z-]+){0,2}"
)
NAME_RE = re.compile(r"\b[A-Z][a-zA-Z’'.-]+(?:\s+(?:of |de |van )?[A-Z][a-zA-Z’'.-]+)+")
# Capitalised words that start or frame questions, not names the corpus must contain.
QUESTION_WORDS = frozenset(
    [
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "which",
        "why",
        "how",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "should",
        "would",
        "will",
        "according",
        "name",
        "list",
        "tell",
        "give",
        "explain",
        "describe",
        "summarize",
        "summarise",
        "compare",
    ]
)


@dataclass
class Candidate:
    passage: Passage
    sentence: Sentence
    number: int  # sentence number in the index
    cosine: float
    lexical: float
    score: float


class ExtractiveBackend:
    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def compose(self, evidence: Evidence) -> Answer:
        index, question = evidence.index, evidence.question
        candidates = self._candidates(evidence, evidence.query_vector)
        missing = missing_names(question, index)
        best = candidates[0] if candidates else None

        reason = None
        if best is None:
            reason = "nothing in the corpus matches it"
        elif missing:
            reason = "the corpus never mentions " + ", ".join(f"“{m}”" for m in missing)
        elif best.cosine < self.settings.min_evidence:
            reason = "no passage is close enough to the question"
        elif not _covers_key_terms(question, candidates[: self.settings.max_sentences], index):
            reason = "the closest passages do not mention what the question is about"
        if reason:
            return self._refusal(question, reason, candidates[:3], index)

        chosen = self._select(candidates, index)
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(chosen, start=1)]
        lines = [f"{c.quote} [{c.n}]" for c in citations]
        lead = answer_lead(question, citations[0])
        text = "\n".join(([lead] if lead else []) + lines)
        return Answer(question=question, answer=text, answerable=True, citations=citations, backend=self.name)

    def _candidates(self, evidence: Evidence, qv: np.ndarray) -> list[Candidate]:
        """Citable sentences near the question, scored by meaning, weighted term overlap and answer type.

        The pool is the retrieved passages' sentences plus the closest sentences anywhere, by
        embedding and by BM25: a passage can rank low as a whole and still hold the one
        sentence that answers.
        """
        index, question = evidence.index, evidence.question
        cosines = index.sentence_vectors @ qv
        lexical = index.sentence_bm25.get_scores(tokens(question))  # type: ignore[attr-defined]
        passage_rank = {hit.passage.id: (rank, hit.dense) for rank, hit in enumerate(evidence.hits)}
        pool = {
            index.first_sentence[pid] + i
            for pid in passage_rank
            for i in range(len(index.passages[pid].sentences))
        }
        n = self.settings.candidates
        pool |= {int(i) for i in np.argsort(-cosines)[:n]} | {
            int(i) for i in np.argsort(-lexical)[:n] if lexical[i] > 0
        }
        top_lexical = max((float(lexical[i]) for i in pool), default=0.0) or 1.0
        wants = answer_type(question)
        out = []
        for number in pool:
            p, s = index.sentence(number)
            if not s.citable:
                continue
            rank, dense = passage_rank.get(p.id, (len(evidence.hits), 0.0))
            text = p.text[s.start - p.start : s.end - p.start]
            lex = float(lexical[number]) / top_lexical
            fits = 0.1 if wants and _has_answer_type(wants, question, text) else 0.0
            score = 0.5 * float(cosines[number]) + 0.3 * lex + 0.1 * max(0.0, dense) + fits - 0.01 * rank
            out.append(Candidate(p, s, number, float(cosines[number]), lex, score))
        return sorted(out, key=lambda c: (-c.score, c.number))

    def _select(self, candidates: list[Candidate], index: Index) -> list[Candidate]:
        """The best sentence, plus near-best ones that add something (no near-duplicates)."""
        chosen = [candidates[0]]
        for c in candidates[1:]:
            if (
                len(chosen) >= self.settings.max_sentences
                or c.score < self.settings.keep_ratio * chosen[0].score
            ):
                break
            vectors = index.sentence_vectors
            if all(float(vectors[c.number] @ vectors[o.number]) < 0.9 for o in chosen):
                chosen.append(c)
        return chosen

    def _refusal(self, question: str, reason: str, closest: list[Candidate], index: Index) -> Answer:
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(closest, start=1)]
        text = f"{REFUSAL} ({reason[0].upper()}{reason[1:]}.)"
        if citations:
            text += "\nClosest passages:\n" + "\n".join(f"{c.quote} [{c.n}]" for c in citations)
        return Answer(
            question=question, answer=text, answerable=False, citations=citations, backend=self.name
        )


def question_names(question: str) -> list[str]:
    """Names, numbers and quoted phrases a question relies on (not its question words)."""
    names = []
    for m in re.finditer(r"[“\"]([^”\"]{3,80})[”\"]", question):
        names.append(m.group(1))
    for m in re.finditer(r"\b[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|\b\d[\d,.]*\b", question):
        words = [w for w in m.group(0).split() if w.lower().strip("’'s.") not in QUESTION_WORDS]
        if words:
            names.append(" ".join(words))
    return [n.strip(" .,?’'") for n in names if n.strip(" .,?’'")]


def missing_names(question: str, index: Index) -> list[str]:
    """Names in the question of which no word occurs anywhere in the corpus."""
    vocab = index.bm25.vocab_dict  # type: ignore[attr-defined]
    missing = []
    for name in question_names(question):
        terms = [t for t in tokens(name) if t not in STOPWORDS]
        if terms and not any(t in vocab for t in terms):
            missing.append(name)
    return missing


def _covers_key_terms(question: str, top: list[Candidate], index: Index) -> bool:
    """Every name the question uses must appear in the top evidence or its passages' titles.

    A name can be in the corpus and still absent from the evidence: "What did Liao Min say
    about chips?" retrieves chip sentences that never mention Liao Min.
    """
    text = " ".join(c.passage.title + " " + c.passage.text for c in top)
    present = set(tokens(text))
    for name in question_names(question):
        terms = [t for t in tokens(name) if t not in STOPWORDS]
        if terms and not any(t in present for t in terms):
            return False
    return True


SPEECH = (
    r"(?:said|says|argued|warned|confirmed|believes|expects|accused|announced|emphasized|compared|pointed)"
)
SPEAKER_RE = re.compile(
    rf"(?P<a>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*),?(?:\s+[a-z]+)?\s+{SPEECH}\b"
    rf"|\b{SPEECH}\s+(?P<b>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*)"
)


def answer_type(question: str) -> str | None:
    """What a question asks for: a date, a number or a name, when it says so."""
    q = question.lower().strip()
    if re.match(r"(when|what date|what day|what year|in what year|which year|which month|by when)\b", q):
        return "date"
    if re.match(r"(how many|how much|how long|how big|what percentage|what share)\b", q):
        return "number"
    if re.match(
        r"(who|which (person|official|researcher|scientist|company|organi[sz]ation|institution|firm))\b", q
    ):
        return "name"
    return None


def _find_answer(kind: str, question: str, text: str) -> str | None:
    if kind == "date":
        m = DATE_RE.search(text)
        return m.group(0) if m else None
    if kind == "number":
        return _best_number(question, text)
    return _best_name(question, text)


def _has_answer_type(kind: str, question: str, text: str) -> bool:
    return _find_answer(kind, question, text) is not None


def answer_lead(question: str, first: Citation) -> str:
    """A verbatim answer-first fragment of the first quote, e.g. "Stephen Casper [1].", when the question asks for one."""
    kind = answer_type(question)
    found = _find_answer(kind, question, first.quote) if kind else None
    found = found.rstrip(" .,;:") if found else None
    return f"{found} [{first.n}]." if found else ""


def _best_number(question: str, quote: str) -> str | None:
    """The number in the quote whose unit words best match the question ("13 billion parameters")."""
    asked = set(tokens(question))
    best, best_overlap = None, -1
    for m in NUMBER_RE.finditer(quote):
        if re.fullmatch(r"(19|20)\d\d\b.*", m.group(0)):
            continue
        context = (
            " ".join(quote[: m.start()].split()[-3:]) + " " + m.group(0)
        )  # "activates only 13 billion ..."
        overlap = len(asked & set(tokens(context)))
        if overlap > best_overlap:
            best, best_overlap = m.group(0).strip(), overlap
    return best


def _best_name(question: str, quote: str) -> str | None:
    """A speaker next to a speech verb first, else the first multi-word name the question does not already use."""
    asked = {w.lower() for w in re.findall(r"[A-Za-z]+", question)}

    def new(name: str) -> bool:
        words = name.split()
        return words[0].lower() not in QUESTION_WORDS | STOPWORDS and not {w.lower() for w in words} <= asked

    for m in SPEAKER_RE.finditer(quote):
        name = m.group("a") or m.group("b")
        if new(name):
            return name
    return next((m.group(0) for m in NAME_RE.finditer(quote) if new(m.group(0))), None)
