"""The default answer backend: it answers only with sentences quoted verbatim from the corpus.

It cannot invent, so its failure mode is answering a question the corpus does not answer
with something merely related. So before any sentence is quoted, the evidence must pass
checks read from the question (see ``chatbot.questions``): every name it relies on occurs
in the corpus; the best evidence is close enough; the evidence holds the kind of answer
asked for (a date, a number, a name); a question about what someone said finds a sentence
that reports them saying it; and named people appear in the evidence. When the evidence
allows, a short lead names the answer first (who, when, how many), cut verbatim from a quote.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chatbot.answer import Answer, Citation, Evidence, cite
from chatbot.index import STOPWORDS, Index, tokens
from chatbot.passages import Passage, Sentence
from chatbot.questions import QuestionInfo, analyse, attributes_speech, find_answer, name_words, speaker_of
from chatbot.settings import Settings

REFUSAL = "The corpus does not answer this question."


@dataclass
class Candidate:
    passage: Passage
    sentence: Sentence
    number: int  # sentence number in the index
    cosine: float
    lexical: float
    score: float

    @property
    def text(self) -> str:
        p, s = self.passage, self.sentence
        return p.text[s.start - p.start : s.end - p.start]


class ExtractiveBackend:
    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def compose(self, evidence: Evidence) -> Answer:
        index = evidence.index
        info = analyse(evidence.question)
        sources = source_references(info, index)
        content_names = [n for n in info.names if n not in sources]
        candidates = self._candidates(evidence, evidence.query_vector, set(sources.values()))
        near = [
            c
            for c in candidates[:8]
            if candidates and c.score >= self.settings.near_ratio * candidates[0].score
        ]
        speaker = info.speaker if info.speaker and info.speaker not in sources else None

        reason = None
        if not candidates:
            reason = "nothing in the corpus matches it"
        elif missing := missing_names(content_names, index):
            reason = "the corpus never mentions " + ", ".join(f"“{m}”" for m in missing)
        elif candidates[0].cosine < self.settings.min_evidence and not _names_all_in(
            content_names, candidates[0]
        ):
            reason = "no passage is close enough to the question"
        elif speaker and not [c for c in near if attributes_speech(speaker, c.text, c.passage.text)]:
            corrected = self._misattribution(evidence, speaker, candidates)
            if corrected:
                return corrected
            reason = f"no passage reports {speaker} saying this"
        elif info.answer_type and not (
            near := [c for c in near if find_answer(info.answer_type, info.text, c.text)]
        ):
            reason = f"none of the closest passages gives the {info.answer_type} the question asks for"
        elif not _people_in_evidence(content_names, near or candidates[:3]):
            reason = "the closest passages do not mention the people the question is about"
        if reason:
            return self._refusal(evidence.question, reason, candidates[:3], index)

        chosen = self._select((near or []) + [c for c in candidates if c not in near], index)
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(chosen, start=1)]
        lines = [f"{c.quote} [{c.n}]" for c in citations]
        lead = answer_lead(info, citations[0])
        text = "\n".join(([lead] if lead else []) + lines)
        return Answer(
            question=evidence.question, answer=text, answerable=True, citations=citations, backend=self.name
        )

    def _candidates(self, evidence: Evidence, qv: np.ndarray, sources: set[str]) -> list[Candidate]:
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
        wants = analyse(question).answer_type
        out = []
        for number in pool:
            p, s = index.sentence(number)
            if not s.citable:
                continue
            rank, dense = passage_rank.get(p.id, (len(evidence.hits), 0.0))
            text = p.text[s.start - p.start : s.end - p.start]
            lex = float(lexical[number]) / top_lexical
            fits = 0.1 if wants and find_answer(wants, question, text) else 0.0
            named_source = 0.1 if p.source in sources else 0.0
            score = (
                self.settings.w_cosine * float(cosines[number])
                + self.settings.w_lexical * lex
                + self.settings.w_passage * max(0.0, dense)
                + fits
                + named_source
                - 0.01 * rank
            )
            out.append(Candidate(p, s, number, float(cosines[number]), lex, score))
        return sorted(out, key=lambda c: (-c.score, c.number))

    def _select(self, ranked: list[Candidate], index: Index) -> list[Candidate]:
        """The first candidate, plus near-best ones that add something (no near-duplicates)."""
        chosen = [ranked[0]]
        floor = self.settings.keep_ratio * max(c.score for c in ranked)
        vectors = index.sentence_vectors
        for c in ranked[1:]:
            if len(chosen) >= self.settings.max_sentences:
                break
            if c.score >= floor and all(float(vectors[c.number] @ vectors[o.number]) < 0.9 for o in chosen):
                chosen.append(c)
        return chosen

    def _misattribution(self, evidence: Evidence, speaker: str, candidates: list[Candidate]) -> Answer | None:
        """ "Why did X say Y?" when someone else said Y: name the real speaker instead of refusing."""
        best = candidates[0]
        other = speaker_of(best.text, best.passage.text)
        if best.cosine < 0.55 or not other or speaker.split()[-1].lower() in other.lower():
            return None
        citation = cite(1, best.passage, best.sentence, evidence.index)
        text = (
            f"The corpus does not report {speaker} saying this; it attributes it to {other} [1].\n"
            f"{citation.quote} [1]"
        )
        return Answer(
            question=evidence.question, answer=text, answerable=True, citations=[citation], backend=self.name
        )

    def _refusal(self, question: str, reason: str, closest: list[Candidate], index: Index) -> Answer:
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(closest, start=1)]
        text = f"{REFUSAL} ({reason[0].upper()}{reason[1:]}.)"
        if citations:
            text += "\nClosest passages:\n" + "\n".join(f"{c.quote} [{c.n}]" for c in citations)
        return Answer(
            question=question, answer=text, answerable=False, citations=citations, backend=self.name
        )


def source_references(info: QuestionInfo, index: Index) -> dict[str, str]:
    """Names in the question that name a source ("according to TrendKia", "in Kelly's view"): name → document."""
    refs = {}
    for name in info.names:
        terms = {t for w in name_words(name) for t in tokens(w)}
        for doc in index.manifest.documents:
            if terms and terms <= set(tokens(f"{doc.outlet} {doc.author}")):
                refs[name] = doc.name
    return refs


def missing_names(names: list[str], index: Index) -> list[str]:
    """Names of which the corpus lacks a word: "Xi Jinping" is missing even though "Xi" occurs."""
    vocab = index.bm25.vocab_dict  # type: ignore[attr-defined]
    missing = []
    for name in names:
        terms = [t for w in name_words(name) for t in tokens(w) if t not in STOPWORDS]
        if terms and not all(t in vocab for t in terms):
            missing.append(name)
    return missing


def _names_all_in(names: list[str], candidate: Candidate) -> bool:
    """Every name of the question occurs in this sentence: a strong match even at low cosine ("Who is Guo Jiakun?")."""
    words = set(tokens(candidate.text))
    terms = [t for n in names for w in name_words(n) for t in tokens(w)]
    return bool(terms) and all(t in words for t in terms)


def _people_in_evidence(names: list[str], evidence: list[Candidate]) -> bool:
    """A person named in full ("Liao Min", "Andrew Barto") must appear in the evidence passages."""
    text = " ".join(c.passage.text for c in evidence).lower()
    people = [
        n for n in names if len(n.split()) >= 2 and all(w[:1].isupper() and w.isalpha() for w in n.split())
    ]
    return all(name_words(n)[-1] in text for n in people if name_words(n))


def answer_lead(info: QuestionInfo, first: Citation) -> str:
    """A verbatim answer-first fragment of the first quote, e.g. "Stephen Casper [1].", when the question asks for one."""
    found = find_answer(info.answer_type, info.text, first.quote) if info.answer_type else None
    found = found.rstrip(" .,;:") if found else None
    return f"{found} [{first.n}]." if found else ""
