"""The composer's decisions, learned rather than hand-set: which sentences answer the question, whether the
corpus answers it at all, and which span of the answer is the short answer.

Each decision is a logistic regression over signals the composer computes anyway (dense and lexical
scores, retrieval rank, coverage of the question's words and names, answer-type match, speakers, number
agreement, negation). The language rules that carry real knowledge (answer types, names, speakers) enter as
features, not as vetoes tuned to one set. The models are trained by ``chatbot train`` on the dev halves of
every eval set (``chatbot.evaluation.train``) and stored as plain JSON (``decisions.json`` beside this
module): feature names, standardisation, coefficients and the threshold chosen on dev. No pickle.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import asdict, dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from chatbot.grounding.arguments import ALONE, other_subject_of, swapped_arguments
from chatbot.grounding.claims import claim_speaker, stem
from chatbot.grounding.support import features as support_features
from chatbot.grounding.turns import spoken_part
from chatbot.ingest.passages import Passage, Sentence, same_page, sentence_text
from chatbot.text.answers import SpanCandidate, typed_spans
from chatbot.text.lexicon import ALIASES, INTERROGATIVES, QUESTION_WORDS, SPEECH_VERBS, STOPWORDS
from chatbot.text.nlp import Annotation, numbers, parse
from chatbot.text.normalise import fold, tokens, unwrap
from chatbot.text.questions import QuestionInfo, analyse, name_words, named, speaker_by_role
from chatbot.text.sentences import ends_a_sentence, is_question, table_line, table_rule

if TYPE_CHECKING:
    from chatbot.store.protocol import Store

MODELS = Path(__file__).with_name("decisions.json")


@dataclass
class Candidate:
    """A citable sentence near the question, with what retrieval knows about it."""

    passage: Passage
    sentence: Sentence
    number: int  # sentence number in the index
    cosine: float
    lexical: float
    score: float  # the hand-weighted score that orders the pool before the model looks at it
    dense: float = 0.0  # its passage's cosine, if the passage was retrieved
    rank: int = 0  # its passage's retrieval rank (the number of hits when it was not retrieved)
    named_source: bool = False
    spoken: bool = False  # attributed to the speaker the question asks about
    annotation: Annotation = field(
        default_factory=Annotation
    )  # entities, noun phrases, speakers (index time)

    @property
    def text(self) -> str:
        """The verbatim sentence, as cited."""
        return sentence_text(self.passage, self.sentence)

    @cached_property
    def plain(self) -> str:
        """The sentence as a reader sees it (line-end hyphens joined): analysed and displayed."""
        return unwrap(self.text)


@dataclass
class Question:
    """A question read once for every decision about it."""

    info: QuestionInfo
    content: dict[str, float]  # stemmed content term → its rarity weight (idf over the corpus's sentences)
    names: list[list[str]]  # each name the question relies on, as folded search terms
    numbers: set[str]
    negated: bool
    sources: dict[str, str] = field(default_factory=dict)  # names that name a source → its document
    known: frozenset[str] = frozenset()  # the names' terms the corpus uses (one lookup, read once)

    @property
    def unknown_names(self) -> bool:
        """Every name the question relies on has no word the corpus uses ("Brannock"): nothing in it can be
        about them. A rule, not a weight: the dev halves hold too few such questions to learn it from, and a
        misspelt name gets a refusal whose reason says what to put right ("the corpus never mentions …")."""
        return bool(self.names) and not any(t in self.known for n in self.names for t in n)

    def uses(self, name: list[str]) -> bool:
        """The corpus uses every word of the name (one of ``names``), its stopwords aside."""
        return all(t in self.known for t in name if t not in STOPWORDS)

    def absent_names(self) -> list[str]:
        """The names the question relies on that hold a word the corpus never uses, as the question writes them:
        what a refusal names for the reader to check or put right."""
        return [n for n in self.info.names if (terms := name_terms(n)) in self.names and not self.uses(terms)]

    @property
    def claim(self) -> str:
        """The question as a statement for the support checker: what it says, the question words aside."""
        return self.claim_of(self.info.text)

    @staticmethod
    def claim_of(question: str) -> str:
        return " ".join(w for w in question.rstrip(" ?").split() if w.lower() not in QUESTION_WORDS)

    @staticmethod
    def read(question: str, index: Store) -> Question:
        info = analyse(question)
        sources = source_references(info, index)
        role = ""
        if not info.speaker and (
            found := speaker_by_role(question, index.roles()) or _document_holder(question, index)
        ):
            # "Did the water quality manager warn …?" asks what the one person the corpus gives that role said:
            # read as if it named her, so her words are where to look and what the claim is about.
            speaker, role = found
            info = replace(analyse(named(question, role, speaker)), speaker=speaker)
        # Whose words and which document say where to look, not what the answer says: a sentence that only
        # introduces Lin Yun must not outscore his quote on "According to Lin Yun, what is the key …?"
        pointers = {t for n in [*sources, info.speaker or ""] for t in name_terms(n)}
        pointers |= set(tokens(role))
        if info.speaker in sources:  # "according to Kelly": where to look, not whose words
            info = replace(info, speaker=None)
        terms = [t for t in tokens(question) if t not in QUESTION_WORDS and t not in pointers]
        df, n = index.sentence_frequencies(terms), max(1, index.sentence_count())
        content = {stem(t): math.log((n + 1) / (1 + df.get(t, 0))) + 1.0 for t in terms}
        names = [name_terms(name) for name in info.names if name not in sources]
        negated = any(t.dep_ == "neg" for t in parse(question))
        names = [n for n in names if n and not set(n) <= pointers]  # the speaker's name points, as above
        known = frozenset(index.known_words([t for n in names for t in n]))
        return Question(info, content, names, numbers(question), negated, sources, known)


# --- features -----------------------------------------------------------------------------------------

SENTENCE_FEATURES = (
    "cosine", "lexical", "passage_cosine", "retrieved", "rank_weight", "content_coverage", "rare_coverage",
    "name_coverage", "name_coverage_passage", "answer_type_found", "answer_type_any", "numbers_found",
    "named_source", "spoken_by_speaker", "speaker_named", "log_words", "negation_mismatch", "score",
    "previous_coverage", "context_coverage",
)  # fmt: skip
QUESTION_FEATURES = (
    "p_best", "p_mean3", "lexical_top", "coverage_best", "rare_coverage_best",
    "names_missing_corpus", "names_missing_evidence", "names_missing_top", "type_missing_top",
    "type_missing_near", "speaker_unquoted", "numbers_missing", "rarest_missing_top", "rarest_missing_passage",
    "claim_vetoes_top", "claim_number_veto", "claim_coverage_top", "yes_no", "roles_swapped_top",
)  # fmt: skip
SPAN_FEATURES = (
    "tier0", "tier1", "person", "organisation", "place", "date", "number", "speaker", "phrase", "people",
    "sentence_p", "sentence_rank", "in_question", "distance", "log_words", "repeats", "position", "capitalised",
)  # fmt: skip


# The direction each signal may push a decision, +1 toward "yes", -1 toward "no", 0 either way: what the
# language rules know (a name the corpus never uses argues against an answer, never for it). Training keeps
# every weight on its side, so a set's quirks cannot turn a rule around.
SENTENCE_SIGNS = dict(zip(SENTENCE_FEATURES, (
    +1, +1, +1, +1, +1, +1, +1, +1, +1, +1, +1, +1, +1, +1, +1, 0, -1, +1, 0, +1,
), strict=True))  # fmt: skip
QUESTION_SIGNS = dict(zip(QUESTION_FEATURES, (
    +1, +1, +1, +1, +1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, +1, 0, -1,
), strict=True))  # fmt: skip
SPAN_SIGNS = dict(zip(SPAN_FEATURES, (
    +1, 0, 0, 0, 0, 0, 0, 0, 0, 0, +1, -1, -1, -1, 0, +1, 0, 0,
), strict=True))  # fmt: skip


def name_terms(name: str) -> list[str]:
    """A name as folded search terms: "Kenji Kelly's" → ["kenji", "kelly"]."""
    return [t for w in name_words(name) for t in tokens(w)]


def held(index: Store, numbers: Iterable[int]) -> dict[int, tuple[Passage, Sentence]]:
    """The sentences the index holds among ``numbers``, fetched in one go (a database's round trips)."""
    wanted = list(numbers)
    present = index.present(wanted)
    found = [n for n in wanted if n in present]
    return dict(zip(found, index.sentences(found), strict=True))


LEAD_IN = 3  # at most this many sentences before a candidate are what it leans on
ANSWER_REACH = 6  # how deep into a reply a sentence may stand and still answer the question asked before it
MAX_TABLE_ROWS = 60  # how far up a table's header row is looked for (one fetch for the lot)


def pool_features(q: Question, pool: Sequence[Candidate], index: Store) -> list[list[float]]:
    """Each candidate's features, the sentences before them (a table row's, up to its header) fetched in one go."""
    wanted = {c.number - k for c in pool for k in range(1, LEAD_IN + 1)}
    before = held(index, wanted.union(*(rows_above(c) for c in pool if is_table_row(c))))
    return [sentence_features(q, c, _lead_in(c, before)) for c in pool]


def is_table_row(c: Candidate) -> bool:
    return table_line(c.text) and not table_rule(c.text)


def rows_above(c: Candidate) -> range:
    """Where a table row's header may stand: the ``MAX_TABLE_ROWS`` sentences above it, nearest first."""
    return range(c.number - 1, max(-1, c.number - 1 - MAX_TABLE_ROWS), -1)


def header_row(c: Candidate, rows: Mapping[int, tuple[Passage, Sentence]]) -> int | None:
    """The number of the header row of the table the row ``c`` belongs to, among ``rows`` (the sentences above
    it): a row's cells are numbers and names whose meaning the column heads give. None for a sentence that is
    no table row, or a table without a header (or one beyond ``rows`` or another page)."""
    if not is_table_row(c):
        return None
    numbers = itertools.takewhile(lambda n: n in rows, rows_above(c))  # up to a gap in the index
    above = [(n, *rows[n], sentence_text(*rows[n])) for n in numbers]
    for (_, p, _, text), (n, hp, _, head) in itertools.pairwise(above):
        if not same_page(p, c.passage) or not table_line(text):
            return None
        if table_rule(text):
            return n if same_page(hp, c.passage) and table_line(head) and not table_rule(head) else None
    return None


def _lead_in(c: Candidate, before: Mapping[int, tuple[Passage, Sentence]]) -> list[tuple[Passage, Sentence]]:
    """The sentences a candidate leans on for its topic, on its page: the one before it, and a question asked
    just before that (only lines that state nothing, "Two things.", between them) with what sets the question
    up. An answer in an interview, a hearing or a list of questions and answers leans on the question asked
    ("The extension was due to open in 2025. Why is it late?" / "Two things." / "The tunnel …")."""
    header = header_row(c, before)
    if header is not None:
        return [before[header]]  # a table row leans on its column heads, not on the row above it
    window, asked = [], None
    for k in range(1, LEAD_IN + 1):
        found = before.get(c.number - k)
        if found is None or not same_page(found[0], c.passage):
            break
        window.append(found)
        passage, sentence = found
        text = sentence_text(passage, sentence)
        if asked is None and is_question(text):
            asked = len(window) - 1
        if sentence.citable or not ends_a_sentence(text):
            break  # a statement, or a heading: what stands above it is another topic
    return window[: 1 if asked is None else asked + 2]


def asking_heading(text: str) -> bool:
    """A heading put as a question without its mark: "What's in the box", "How to reset the router", "Why it
    matters". A manual or a web page asks its own questions so, and what follows answers them."""
    first = re.match(r"[#*_\s]*([^\W\d_]+)", text)
    return first is not None and first[1].lower() in INTERROGATIVES and not ends_a_sentence(text)


def as_question(text: str) -> str:
    """A document's question as a reader would ask it: a heading that asks (``asking_heading``) loses its
    markup and gains its mark, and "How to reset the router" is "How do I reset the router?"; a question as
    written is kept."""
    if not asking_heading(text):
        return text
    plain = text.strip("#*_ \t")
    return re.sub(r"(?i)^(how|what|where|when|why|who|which) to ", r"\1 do I ", plain).rstrip("?") + "?"


def asked_at(c: Candidate, before: Mapping[int, tuple[Passage, Sentence]]) -> int | None:
    """The number of the question the candidate's reply answers, or None: the nearest question above it on its
    page (among ``before``), with only statements between. In an interview, a hearing or an FAQ the document
    asks its own questions, and each sentence of a reply ("Two things came together. Winter snowfall was very
    low …") answers the question asked before it ("Why was this year so bad?"); a heading starts another topic,
    and a speaker label another turn: only the reply's first sentence may open with one ("A: Two things.")."""
    lines = [c.text]
    for n in range(c.number - 1, c.number - 1 - ANSWER_REACH, -1):
        found = before.get(n)
        if found is None or not same_page(found[0], c.passage):
            return None
        text = sentence_text(*found)
        if "?" in text and is_question(text):
            later = lines[:-1]  # the turn's first sentence, just after the question, may carry a label
            return None if any(spoken_part(line) != line for line in later) else n
        if not found[1].citable:
            return n if asking_heading(text) else None
        lines.append(text)
    return None


def sentence_features(q: Question, c: Candidate, lead_in: Sequence[tuple[Passage, Sentence]]) -> list[float]:
    """What one candidate sentence says about the question; its context is what it leans on (``_lead_in``)."""
    plain, annotation = c.plain, c.annotation
    found = _terms(plain) | _lemmas(annotation)
    coverage, rare = _coverage(q.content, found)
    in_passage = _terms(c.passage.text)
    spans = typed_spans(q.info, plain, annotation) if q.info.answer_type else []
    speaker = q.info.speaker and name_words(q.info.speaker)
    before_terms = set().union(*(_terms(sentence_text(p, s)) for p, s in lead_in))
    return [
        c.cosine,
        c.lexical,
        max(0.0, c.dense),
        float(c.dense > 0),
        1.0 / (1 + c.rank),
        coverage,
        rare,
        _name_coverage(q.names, found),
        _name_coverage(q.names, in_passage),
        float(any(s.tier == 0 for s in spans)),
        float(bool(spans)),
        _share(q.numbers, numbers(plain)) if q.numbers else 0.0,
        float(c.named_source),
        float(c.spoken),
        float(bool(speaker) and speaker[-1] in fold(plain)),  # type: ignore[index]
        math.log1p(len(plain.split())),
        float(annotation.negated != q.negated),
        c.score,
        _coverage(q.content, before_terms)[1],
        _coverage(q.content, found | before_terms)[1],
    ]


def decision_pool(q: Question, candidates: Sequence[Candidate], index: Store, size: int) -> list[Candidate]:
    """The candidates the decisions weigh: the best ``size`` of those that keep to the question's subject, when
    any does. Training sees every candidate: the off-subject ones are negatives too (trained on the kept pool
    only, the dev refusal recall on the Normans fell from 0.571 to 0.554)."""
    subject = on_subject(q, candidates, index)
    kept = [c for c, on in zip(candidates, subject, strict=True) if on] if any(subject) else list(candidates)
    return kept[:size]


def on_subject(q: Question, pool: Sequence[Candidate], index: Store) -> list[bool]:
    """Whether each candidate's document names one of the things the question names.

    A question about the KX4410 turbine is not answered by the spec note of the KX4420, however alike the two
    read: the embedding barely tells two codes apart. Only names the corpus uses count (a name it never uses is
    the refusal's business), and not whose words a claim gives ("Did Haugland say …?" is answered, "No", from
    whoever did say it). The document, not the sentence or its passage, is the unit: a licence names itself
    once and says "this License" after, an article names its subject and then says "he"."""
    if not q.names:
        return [True] * len(pool)
    said_by = {t for w in claim_speaker(q.claim) for t in tokens(w)}
    names = [n for n in q.names if q.uses(n) and not set(n) <= said_by]
    if not names:
        return [True] * len(pool)
    named_in = {
        source: any(_named(n, document_terms(index, source)) for n in names)
        for source in {c.passage.source for c in pool}
    }
    return [named_in[c.passage.source] for c in pool]


_DOCUMENT_TERMS: dict[tuple[str, str], frozenset[str]] = {}


def document_terms(index: Store, name: str) -> frozenset[str]:
    """Every search term of one document's passages and title, from the index (no file is read again); once
    per index generation."""
    key = (index.generation, name)
    terms = _DOCUMENT_TERMS.get(key)  # one lookup: a server's other threads may clear the cache meanwhile
    if terms is None:
        if len(_DOCUMENT_TERMS) > 1024:
            _DOCUMENT_TERMS.clear()
        info = index.documents.get(name)
        passages = {p.id: p.text for p, _ in index.sentences(index.document_sentences(name))}
        terms = frozenset().union(_terms(info.title) if info else set(), *map(_terms, passages.values()))
        _DOCUMENT_TERMS[key] = terms
    return terms


def question_features(
    q: Question, ranked: Sequence[Candidate], probs: Sequence[float], index: Store
) -> list[float]:
    """What the best sentences say about the whole question; ``ranked`` is best first, with ``probs``.

    The language rules enter here as signals: names the corpus never uses, a speaker it never quotes, a kind of
    answer (date, number, name) that the best sentences do not hold, numbers the question states that the
    evidence lacks, and the support checker's verdict on the question's claim against the best sentence."""
    top = list(ranked[:3])
    best = ranked[0] if ranked else None
    # A document's title holds for each of its sentences ("Nordvale Energy — Quarterly Report, Q3 2025"): the
    # names and numbers a question takes from it need not be repeated in the sentence that answers.
    documents = index.documents
    titles = " ".join({documents[c.passage.source].title for c in top if c.passage.source in documents})
    near = [c for c, p in zip(ranked[:5], probs[:5], strict=False) if probs and p >= 0.5 * probs[0]]
    covers = [_coverage(q.content, _terms(c.plain)) for c in ranked[:5]]
    evidence = set().union(_terms(titles), *(_terms(c.plain) for c in top))
    best_terms = _terms(best.plain) if best else set()
    around = _terms(best.passage.text) | best_terms if best else set()
    absent = [n for n in q.names if not q.uses(n)]
    unseen = [n for n in q.names if not _named(n, evidence)]
    info = documents.get(best.passage.source) if best else None
    setting = f"{info.title}: " if info and info.title else ""  # the best sentence as its document sets it
    unseen_top = [n for n in q.names if not _named(n, best_terms | _terms(setting))]
    found_numbers = set().union(numbers(titles), *(numbers(c.plain) for c in top))
    claim = support_features(q.claim, setting + best.plain, best.cosine) if best else None
    speaker = q.info.speaker
    return [
        probs[0] if probs else 0.0,
        float(np.mean(probs[:3])) if probs else 0.0,
        best.lexical if best else 0.0,
        max((cov for cov, _ in covers), default=0.0),
        max((rare for _, rare in covers), default=0.0),
        len(absent) / len(q.names) if q.names else 0.0,
        len(unseen) / len(q.names) if q.names else 0.0,
        len(unseen_top) / len(q.names) if q.names else 0.0,
        float(bool(q.info.answer_type) and not (best and _typed(q, best, index))),
        float(bool(q.info.answer_type) and not any(_typed(q, c, index) for c in near)),
        float(bool(speaker) and not index.attributions_of(speaker or "")),
        float(bool(q.numbers - found_numbers)),
        _rarest_missing(q.content, best_terms),
        _rarest_missing(q.content, around),
        float(len(claim.vetoes)) if claim else 0.0,
        float(any(v.startswith(("number", "date")) for v in claim.vetoes)) if claim else 0.0,
        claim.coverage if claim else 0.0,
        float(q.info.yes_no),
        float(bool(best and _swapped(q, best))),
    ]


def _swapped(q: Question, c: Candidate) -> list[str]:
    """How the sentence gives the question's act other people or places. To a yes/no question, a sentence that
    gives the act to another alone ("Only the Veloria comes with mudguards") answers "No" and is kept, as one that
    gives the words to another speaker does ("Did Brekke say …?" — '"…," said Þórsdóttir')."""
    reasons = swapped_arguments(q.info.text, c.plain, c.annotation)
    if not q.info.yes_no:
        return reasons
    return [r for r in reasons if not (r.startswith(ALONE) or other_subject_of(r).lower() in SPEECH_VERBS)]


def _typed(q: Question, c: Candidate, index: Store) -> bool:
    """The sentence holds the kind of answer the question asks for; for "who", a speaker the index attributes
    it to counts (a transcript's turn names its speaker once, in the label, not in each sentence)."""
    if typed_spans(q.info, c.plain, c.annotation):
        return True
    if not q.info.asks_person:
        return False
    asked = set(name_words(q.info.text))
    return any(
        not set(name_words(index.attribution(i).speaker)) <= asked for i in index.attributions_in(c.number)
    )


def _named(name: list[str], found: Set[str]) -> bool:
    return all(_holds(t, found) for t in name)


def mentions(name: list[str], text: str) -> bool:
    """The text names the actor (one of ``Question.names``), under that name or another for it ("America")."""
    return _named(name, _terms(text))


def _holds(term: str, found: Set[str]) -> bool:
    """The text holds the name's term, as written, stemmed, or as another name for the same actor ("America"
    for "US", "Beijing" for "China": lexicon.ALIASES)."""
    if term in found or stem(term) in found:
        return True
    return any(term in group and any(a in found or stem(a) in found for a in group) for group in ALIASES)


def _document_holder(question: str, index: Store) -> tuple[str, str] | None:
    """The speaker a role names when several documents give it, each to its own one person ("the chief engineer"
    of a water authority and of a county council): the holder in the document that shares the most words with
    the question ("… said the dam could fail …"); none on a tie, where the question does not tell them apart."""
    folded = fold(question)
    asked = [
        (len(_terms(question) & document_terms(index, source)), found)
        for source, roles in index.document_roles().items()
        if (found := speaker_by_role(question, {r: p for r, p in roles.items() if r in folded}))
    ]
    asked.sort(key=lambda x: x[0], reverse=True)
    if not asked or (len(asked) > 1 and asked[0][0] == asked[1][0]):
        return None
    return asked[0][1]


def source_references(info: QuestionInfo, index: Store) -> dict[str, str]:
    """Names in the question that name a source ("according to TrendKia", "in Kelly's view"): name → document."""
    refs = {}
    for name in info.names:
        said = " ".join(name_terms(name))
        for doc, ways in index.credits():
            if said in ways:
                refs[name] = doc
    return refs


def annotations_of(index: Store, numbers: Sequence[int]) -> list[Annotation]:
    """The index-time language annotations of these sentences (empty ones where none were made)."""
    return [Annotation.from_record(dict(r)) if r else Annotation() for r in index.annotations(numbers)]


def _rarest_missing(content: dict[str, float], found: set[str]) -> float:
    """How rare the rarest question word the text lacks is, relative to the rarest word of the question: a
    question that swaps one telling word for another ("1000s" for "10th century") leaves a rare gap."""
    missing = [w for t, w in content.items() if t not in found]
    return max(missing, default=0.0) / max(content.values(), default=1.0)


def span_rows(
    q: Question, top: Sequence[Candidate], probs: Sequence[float]
) -> list[tuple[SpanCandidate, int, list[float]]]:
    """Each span of the kind asked in the top sentences, with its sentence's rank and its features for the span
    model; ``probs``: each sentence's probability of answering. One function for the composer and for
    training, so the model is fitted on the very rows it is later asked about."""
    out = []
    for rank, c in enumerate(top):
        found = typed_spans(q.info, c.plain, c.annotation)
        for span in found:
            repeats = sum(fold(span.text) in fold(o.plain) for o in top)
            out.append((span, rank, span_features(q, span, c.plain, probs[rank], rank, repeats)))
    return out


def span_features(
    q: Question,
    span: SpanCandidate,
    plain: str,
    sentence_p: float,
    sentence_rank: int,
    repeats: int,
) -> list[float]:
    asked = set(tokens(q.info.text)) - QUESTION_WORDS
    span_words = set(tokens(span.text))
    distance = _word_distance(plain, span, asked)
    label = span.label
    return [
        float(span.tier == 0),
        float(span.tier == 1),
        float(label == "PERSON"),
        float(label in ("ORG", "NORP")),
        float(label in ("GPE", "LOC", "FAC")),
        float(label in ("DATE", "TIME")),
        float(label in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")),
        float(label == "SPEAKER"),
        float(label == "NP"),
        float(label == "PEOPLE"),
        sentence_p,
        float(sentence_rank),
        len(span_words & asked) / len(span_words) if span_words else 1.0,
        math.log1p(distance),
        math.log1p(len(span.text.split())),
        float(repeats),
        span.start / max(1, len(plain)),
        float(span.text[:1].isupper()),
    ]


def _word_distance(plain: str, span: SpanCandidate, asked: set[str]) -> int:
    """Words between the span and the nearest word the question uses ("Bohemond, Robert's son": 0)."""
    before = [tokens(w) for w in plain[: span.start].split()]
    after = [tokens(w) for w in plain[span.end :].split()]
    left = next((i for i, ts in enumerate(reversed(before)) if set(ts) & asked), None)
    right = next((i for i, ts in enumerate(after) if set(ts) & asked), None)
    found = [d for d in (left, right) if d is not None]
    return min(found) if found else len(plain.split())


def rarest_holder(q: Question, texts: Sequence[str]) -> int | None:
    """Which text holds the rarest question word that any of them holds (the first, on a tie)."""
    found = [_terms(t) for t in texts]
    held = [(w, -i) for i, terms in enumerate(found) for t, w in q.content.items() if t in terms]
    return -max(held)[1] if held else None


def _terms(text: str) -> set[str]:
    return {stem(t) for t in tokens(text)}


def _lemmas(annotation: Annotation) -> set[str]:
    """The sentence's verbs as their lemmas, which the light stemmer cannot reach from an irregular or a short
    form: "died" is "die", "built" is "build", "led" is "lead" ("When did Brandt die?")."""
    return {stem(v.label.lower()) for v in annotation.verbs or ()}


def _coverage(content: dict[str, float], found: set[str]) -> tuple[float, float]:
    """Share of the question's content terms the text holds, plain and weighted by rarity."""
    if not content:
        return 0.0, 0.0
    hit = [t for t in content if t in found]
    return len(hit) / len(content), sum(content[t] for t in hit) / sum(content.values())


def _name_coverage(names: list[list[str]], found: set[str]) -> float:
    """Share of the words of the question's names the text holds. A two-word name's last word stands for it
    ("Brandt died in 1781" names Lucia Brandt): after the first mention a text gives the surname alone."""
    if not names:
        return 0.0
    stems = {t for n in names for t in n}
    by_surname = {t for n in names if len(n) == 2 and len(n[-1]) >= 3 and _holds(n[-1], found) for t in n}
    return sum(1 for t in stems if t in by_surname or _holds(t, found)) / len(stems)


def _share(wanted: set[str], found: set[str]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 0.0


# --- the models, as data --------------------------------------------------------------------------------


@dataclass
class Model:
    """A logistic regression as plain data: standardise, dot, sigmoid; ``threshold`` was chosen on dev."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float = 0.5
    calibration: list[dict[str, float]] = field(default_factory=list)  # per probability bin: mean p, rate, n

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        x = (np.asarray(rows, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = x @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def weights(self) -> list[tuple[str, float]]:
        """Features by the weight of one standard deviation of each, largest first (for notes and docs)."""
        return sorted(zip(self.features, self.coef, strict=True), key=lambda fw: -abs(fw[1]))


@dataclass
class Models:
    sentence: Model
    answerable: Model
    span: Model
    trained: dict[str, Any] = field(default_factory=dict)  # when, on what, with which dev figures

    def save(self, path: Path = MODELS) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)


@cache
def load_models(path: Path = MODELS) -> Models | None:
    """The trained decisions, or None before ``chatbot train`` has been run (the composer then ranks by its
    hand-weighted score and refuses nothing on the model's word)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    models = Models(
        Model(**data["sentence"]), Model(**data["answerable"]), Model(**data["span"]), data.get("trained", {})
    )
    for model, names in (
        (models.sentence, SENTENCE_FEATURES),
        (models.answerable, QUESTION_FEATURES),
        (models.span, SPAN_FEATURES),
    ):
        if tuple(model.features) != names:
            return None  # trained on other features: retrain (chatbot train)
    return models
