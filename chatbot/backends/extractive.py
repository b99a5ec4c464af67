"""The default answer backend: it answers only with sentences quoted verbatim from the corpus.

It cannot invent, so its failure mode is answering a question the corpus does not answer
with something merely related. So before any sentence is quoted, the evidence must pass
checks read from the question (see ``chatbot.text.questions``): every name it relies on occurs
in the corpus; the best evidence is close enough; the evidence holds the kind of answer
asked for (a date, a number, a name); a question about what someone said finds a sentence
that reports them saying it; and named people appear in the evidence. When the evidence
allows, a short lead names the answer first (who, when, how many), cut verbatim from a quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from dataclasses import dataclass

from chatbot.answer import CORPUS_NOTE, Answer, Citation, Evidence, History, cite
from chatbot.grounding.attribution import speakers_match
from chatbot.grounding.verify import asks_about_text, is_instruction
from chatbot.ingest.passages import Passage, Sentence, sentence_text
from chatbot.settings import Settings
from chatbot.store.protocol import Store
from chatbot.text.lexicon import STOPWORDS
from chatbot.text.normalise import tokens
from chatbot.text.questions import QuestionInfo, analyse, find_answer, name_words

REFUSAL = f"{CORPUS_NOTE} answer this question."


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
        return sentence_text(self.passage, self.sentence)


class ExtractiveBackend:
    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def stream(self, evidence: Evidence) -> Iterator[Answer]:
        yield self.compose(evidence)  # quoting is fast enough to arrive whole

    def condense(self, question: str, history: History) -> str:
        return question  # the pipeline's pronoun rules are all a quoting backend needs

    def compose(self, evidence: Evidence) -> Answer:
        index = evidence.index
        info = analyse(evidence.question)
        sources = source_references(info, index)
        content_names = [n for n in info.names if n not in sources]
        speaker = info.speaker if info.speaker and info.speaker not in sources else None
        spoken = (
            {n for i in index.attributions_of(speaker) for n in index.sentences_of(i)} if speaker else set()
        )
        candidates = self.candidates(evidence, set(sources.values()), spoken)
        if info.role_of and (role := self._role(evidence, info.role_of)):
            return role
        if speaker and candidates:
            own = [c for c in candidates if c.number in spoken]
            corrected = self._misattribution(evidence, speaker, candidates, own)
            if corrected:
                return corrected
            candidates = own or candidates
        window = candidates[: self.settings.near_window]
        near = [c for c in window if c.score >= self.settings.near_ratio * candidates[0].score]

        reason = None
        if not candidates:
            reason = "nothing in the corpus matches it"
        elif missing := missing_names(content_names, index):
            reason = "the corpus never mentions " + ", ".join(f"“{m}”" for m in missing)
        elif speaker and not spoken:
            reason = f"the corpus attributes no statement to {speaker}"
        elif candidates[0].cosine < self.settings.min_evidence and not _names_all_in(
            content_names, candidates[: self.settings.closest]
        ):
            reason = "no passage is close enough to the question"
        elif info.answer_type and not (near := self._typed(info, near, set(sources.values()))):
            reason = f"none of the closest passages gives the {info.answer_type} the question asks for"
        elif not _people_in_evidence(content_names, near or candidates[: self.settings.closest]):
            reason = "the closest passages do not mention the people the question is about"
        if reason:
            return self.refusal(evidence.question, reason, candidates[: self.settings.closest], index)

        ranked = near + [c for c in candidates if c not in near]
        floor = self.settings.keep_ratio * max(c.score for c in ranked)
        chosen = self.select(ranked, index, self.settings.max_sentences, floor)
        chosen = completed(_cover_sources(chosen, candidates, set(sources.values())), index)
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(chosen, start=1)]
        lead = answer_lead(info, citations[0])
        if info.answer_type == "name" and (
            said := self._speaker_lead(info.text, index, chosen[0], citations)
        ):
            lead = said
        lines = [f"{c.quote} [{c.n}]" for c in citations]
        return self._answer(evidence.question, "\n".join(([lead] if lead else []) + lines), citations)

    @staticmethod
    def _typed(info: QuestionInfo, near: list[Candidate], sources: set[str]) -> list[Candidate]:
        """Near-best sentences that hold the kind of answer asked for; from the named source, if one is named."""
        typed = [c for c in near if find_answer(info.answer_type or "", info.text, c.text)]
        return [c for c in typed if c.passage.source in sources] if sources else typed

    def _answer(self, question: str, text: str, citations: list[Citation], answerable: bool = True) -> Answer:
        return Answer(
            question=question, answer=text, answerable=answerable, citations=citations, backend=self.name
        )

    def candidates(
        self, evidence: Evidence, sources: Set[str] = frozenset(), extra: Set[int] = frozenset()
    ) -> list[Candidate]:
        """Citable sentences near the question, scored by meaning, weighted term overlap and answer type.

        The pool is the retrieved passages' sentences plus the closest sentences anywhere, by
        embedding and by BM25: a passage can rank low as a whole and still hold the one
        sentence that answers.
        """
        index, question, qv = evidence.index, evidence.question, evidence.query_vector
        passage_rank = {hit.passage.id: (rank, hit.dense) for rank, hit in enumerate(evidence.hits)}
        n = self.settings.candidates
        pool = set(index.sentences_in(list(passage_rank)))
        pool |= set(index.dense_sentences(qv, n)) | set(index.lexical_sentences(question, n))
        pool |= extra
        numbers = sorted(pool)
        cosines, lexical = index.sentence_scores(numbers, question, qv)
        top_lexical = max((float(x) for x in lexical), default=0.0) or 1.0
        wants = analyse(question).answer_type
        about_text = asks_about_text(question)
        out = []
        for number, cosine, lexical_score, (p, s) in zip(
            numbers, cosines, lexical, index.sentences(numbers), strict=True
        ):
            if not s.citable:
                continue
            text = sentence_text(p, s)
            if is_instruction(text) and not about_text:
                continue  # planted instructions are never evidence, unless the question is about that text
            rank, dense = passage_rank.get(p.id, (len(evidence.hits), 0.0))
            lex = float(lexical_score) / top_lexical
            fits = self.settings.w_answer_type if wants and find_answer(wants, question, text) else 0.0
            named_source = self.settings.w_named_source if p.source in sources else 0.0
            score = (
                self.settings.w_cosine * float(cosine)
                + self.settings.w_lexical * lex
                + self.settings.w_passage * max(0.0, dense)
                + fits
                + named_source
                - self.settings.rank_penalty * rank
            )
            out.append(Candidate(p, s, number, float(cosine), lex, score))
        return sorted(out, key=lambda c: (-c.score, c.number))

    def select(
        self, ranked: list[Candidate], index: Store, limit: int, floor: float = 0.0
    ) -> list[Candidate]:
        """The best candidate, plus up to ``limit`` in all that score at least ``floor`` and add something
        (no near-duplicate of one already chosen). The quoting and the generative backends both choose so."""
        chosen: list[Candidate] = []
        wanted = [c.number for i, c in enumerate(ranked) if i == 0 or c.score >= floor]
        vectors = dict(zip(wanted, index.sentence_vectors_of(wanted), strict=True)) if wanted else {}
        for c in ranked:
            if len(chosen) >= limit:
                break
            if not chosen or (
                c.score >= floor
                and all(
                    float(vectors[c.number] @ vectors[o.number]) < self.settings.duplicate_cosine
                    for o in chosen
                )
            ):
                chosen.append(c)
        return chosen

    def _misattribution(
        self, evidence: Evidence, speaker: str, candidates: list[Candidate], own: list[Candidate]
    ) -> Answer | None:
        """ "Why did X say Y?" when the corpus attributes Y to someone else: name the real speaker.

        It fires only when the best match is strong, attributed to another speaker, and clearly
        better than anything the corpus attributes to X.
        """
        index, best = evidence.index, candidates[0]
        others = [index.attribution(i) for i in index.attributions_in(best.number)]
        others = [a for a in others if not speakers_match(a.speaker, speaker)]
        coverage = _claim_coverage(evidence.question, speaker, best.text)
        strong = (
            best.cosine >= self.settings.misattribution_cosine
            or coverage >= self.settings.misattribution_coverage
        )
        if not strong or not others or (own and own[0].score >= self.settings.near_ratio * best.score):
            return None
        real = others[0]
        citations = [cite(1, best.passage, best.sentence, index)]
        intro = self._introduction(index, real.speaker, best)
        marks = "[1]" if intro is None else "[1] [2]"
        if intro is not None:
            citations.append(cite(2, intro.passage, intro.sentence, index))
        text = f"{CORPUS_NOTE} report {speaker} saying this.\n{real.speaker} said it {marks}.\n" + "\n".join(
            f"{c.quote} [{c.n}]" for c in citations
        )
        return self._answer(evidence.question, text, citations)

    def _role(self, evidence: Evidence, name: str) -> Answer | None:
        """ "Who is X?" / "What is X's role?": the role the text gives X, cited where it gives it."""
        index = evidence.index
        for i in index.attributions_of(name):
            a = index.attribution(i)
            where = next(
                (n for n in index.sentences_of(i) if a.role and a.role in index.sentence_text(n)), None
            )
            if where is None:
                continue
            p, s = index.sentence(where)
            citation = cite(1, p, s, index)
            text = f"{a.speaker}: {a.role} [1].\n{citation.quote} [1]"
            return self._answer(evidence.question, text, [citation])
        return None

    def _speaker_lead(self, question: str, index: Store, first: Candidate, citations: list[Citation]) -> str:
        """For "who" questions: the canonical speaker of the first quote, cited where the text names them in full."""
        said = [index.attribution(i) for i in index.attributions_in(first.number)]
        if not said:
            return ""
        speaker = said[0].speaker
        if set(name_words(speaker)) <= set(name_words(question)):
            return ""  # the question already names this speaker: they are not the answer
        if speaker in citations[0].quote:
            return f"{speaker} [1]."
        intro = self._introduction(index, speaker, first)
        if intro is None:
            return ""
        citations.append(cite(len(citations) + 1, intro.passage, intro.sentence, index))
        return f"{speaker} [1] [{len(citations)}]."

    def _introduction(self, index: Store, speaker: str, near: Candidate) -> Candidate | None:
        """The sentence of the same document that names ``speaker`` in full, if the quote itself does not."""
        if speaker in near.text:
            return None
        numbers = index.document_sentences(near.passage.source)
        for number, (p, s) in zip(numbers, index.sentences(numbers), strict=True):
            if s.citable and speaker in sentence_text(p, s):
                return Candidate(p, s, number, 0.0, 0.0, 0.0)
        return None

    def refusal(self, question: str, reason: str, closest: list[Candidate], index: Store) -> Answer:
        """The corpus does not answer, and why; the closest sentences are shown for the reader to judge."""
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(closest, start=1)]
        text = f"{REFUSAL} ({reason[0].upper()}{reason[1:]}.)"
        if citations:
            text += "\nClosest passages:\n" + "\n".join(f"{c.quote} [{c.n}]" for c in citations)
        return self._answer(question, text, citations, answerable=False)


def source_references(info: QuestionInfo, index: Store) -> dict[str, str]:
    """Names in the question that name a source ("according to TrendKia", "in Kelly's view"): name → document."""
    refs = {}
    for name in info.names:
        terms = {t for w in name_words(name) for t in tokens(w)}
        for doc, credit in index.credits():
            if terms and terms <= credit:
                refs[name] = doc
    return refs


def missing_names(names: list[str], index: Store) -> list[str]:
    """Names of which the corpus lacks a word: "Xi Jinping" is missing even though "Xi" occurs."""
    missing = []
    for name in names:
        terms = [t for w in name_words(name) for t in tokens(w) if t not in STOPWORDS]
        if terms and not all(index.has_word(t) for t in terms):
            missing.append(name)
    return missing


NEGATED_RE = re.compile(
    r"\b(?:does|do|did|is|are|was|were|has|have)\s+not\b|\b(?:doesn't|don't|isn't|aren't)\b|\bnot (?:that|because)\b"
)
COMPLETION_RE = re.compile(r"(?:It|They|He|She|Instead|Rather|But)\b")


def completed(chosen: list[Candidate], index: Store) -> list[Candidate]:
    """Quote the sentence that completes a negation, so a quote never reads as its opposite.

    "The United States does not want AI crisis-control talks because it considers China a trustworthy
    partner." alone misleads; the article goes on: "It wants them because it is afraid of what happens...".
    """
    out: list[Candidate] = []
    numbers = {c.number for c in chosen}
    for c in chosen:
        out.append(c)
        following = c.number + 1
        if (
            NEGATED_RE.search(c.text)
            and following not in numbers
            and index.has_sentence(following)
            and _same_page(index.sentence(following)[0], c.passage)
            and COMPLETION_RE.match(index.sentence_text(following))
        ):
            p, s = index.sentence(following)
            out.append(Candidate(p, s, following, c.cosine, c.lexical, c.score))
            numbers.add(following)
    return out


def _same_page(a: Passage, b: Passage) -> bool:
    return (a.source, a.page) == (b.source, b.page)


def _cover_sources(chosen: list[Candidate], ranked: list[Candidate], sources: set[str]) -> list[Candidate]:
    """A question that names two sources ("How do TechFastForward and Kelly differ?") quotes each of them."""
    if len(sources) < 2:
        return chosen
    for source in sorted(sources - {c.passage.source for c in chosen}):
        best = next((c for c in ranked if c.passage.source == source), None)
        if best is not None:
            chosen.append(best)
    return chosen


def _claim_coverage(question: str, speaker: str, sentence: str) -> float:
    """Share of the question's claim words (its speaker and speech verb aside) that the sentence contains."""
    claim = (
        set(tokens(question))
        - set(tokens(speaker))
        - {"say", "said", "says", "expect", "believe", "describe"}
    )
    return len(claim & set(tokens(sentence))) / len(claim) if claim else 0.0


def _names_all_in(names: list[str], top: list[Candidate]) -> bool:
    """Every name of the question occurs in the top sentences: a strong match even at low cosine
    ("Who is Guo Jiakun?"; "Which models from Meta and from Nvidia are mentioned?")."""
    words = {t for c in top for t in tokens(c.text)}
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
