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

import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace

import numpy as np

from chatbot.answer import CORPUS_NOTE, Answer, Citation, Evidence, History, cite
from chatbot.backends.decisions import (
    ANSWER_REACH,
    QUESTION_FEATURES,
    Candidate,
    Models,
    Question,
    annotations_of,
    as_question,
    asked_at,
    decision_pool,
    document_terms,
    header_row,
    held,
    is_table_row,
    load_models,
    mentions,
    name_terms,
    pool_features,
    question_features,
    rarest_holder,
    rows_above,
    span_rows,
)
from chatbot.backends.front_matter import front_fact, front_sentences, named_document, naming_words
from chatbot.backends.overview import about_the_whole, overview
from chatbot.grounding.arguments import ALONE, swapped_arguments
from chatbot.grounding.attribution import (
    Attribution,
    fullest,
    is_spokes_role,
    role_names,
    speaker_words,
    speakers_match,
)
from chatbot.grounding.claims import claim_speaker, contains, same_word, scopes, stem, terms
from chatbot.grounding.roles import (
    listed_holder,
    listed_role,
    misassigned,
    role_verdict,
    stated_holder,
    stated_role,
    written_name,
)
from chatbot.grounding.support import Features as SupportFeatures
from chatbot.grounding.support import features as support_features
from chatbot.grounding.turns import asks, spoken_part
from chatbot.grounding.verify import asks_about_text, is_instruction
from chatbot.grounding.vetoes import ABSENT_NAME, absent_name
from chatbot.ingest.passages import Passage, same_page, sentence_text
from chatbot.settings import Settings
from chatbot.store.protocol import Store
from chatbot.text.acronyms import asked_short_form, defined
from chatbot.text.answers import typed_spans
from chatbot.text.lexicon import COMMITMENT_VERBS, FIRST_PERSON_SUBJECTS, SPEECH_VERBS, STOPWORDS
from chatbot.text.nlp import (
    PERSON_LABELS,
    another_time,
    asks_for_list,
    asserts_act,
    copular_predicate,
    denied_act,
    denied_clause,
    denied_effect,
    disowned,
    first_person_acts,
    light_object,
    main_verb,
    numbers,
    object_nouns,
    parse,
    reported_content,
    reports_speech,
    restricted_to_other,
)
from chatbot.text.normalise import fold, tokens, unwrap, words
from chatbot.text.questions import (
    EXPLAINING,
    DocumentFact,
    QuestionInfo,
    QuestionKind,
    acted_role,
    analyse,
    another_edition,
    asked_nouns,
    asked_role,
    asks_for_words,
    asks_if_still,
    asks_of_a_time,
    asks_of_now,
    document_fact,
    ended,
    holder_by_role,
    name_words,
    question_kind,
    role_claim,
    role_owner,
    speech_subject,
    speech_topic,
    unframed,
    yes_no_statement,
)
from chatbot.text.sentences import Sentence, ends_a_sentence, field_name, is_question, table_cells, table_line

REFUSAL = f"{CORPUS_NOTE} answer this question."
NOT_SAID = f"{CORPUS_NOTE} say."
NOT_SAID_REASON = "no passage states it, or states the opposite"
# A reply word opening an answer, after the answerer's label if any ("A: Yes.", "HARBOUR MASTER OLSEN: No."):
# standing alone, or glued to the answer ("No. The slipway stays open …": "No." may abbreviate "number").
_REPLY_LABEL = r"(?:[*_]*[A-Z][^:?!\n]{0,60}:[*_]*\s*)?"
_REPLY_RE = re.compile(rf"{_REPLY_LABEL}((?i:yes|no))[.!]?[*_]*")
_REPLY_OPENING_RE = re.compile(rf"{_REPLY_LABEL}((?i:yes|no))[.!]\s+[A-Z]")
_REPLY_QUALIFIED_RE = re.compile(rf"{_REPLY_LABEL}((?i:yes|no)),\s+\w")  # "Yes, but on full plots only"
# A reply may stand this far after a close sentence, past the question it sets up ("… six years." / "Have you …?").
REPLY_REACH = 2
# A sentence whose main clause denies part of a yes/no claim gives no "Yes" when that part holds at least this
# share of the claim's terms the sentence covers ("The MIME database does NOT store user preferences (such as
# which application the user prefers …)" for "Is the database supposed to record which application a user
# prefers?"); its relative clauses keep their own polarity.
DENIED_SHARE = 0.5
# Support-checker vetoes that make a sentence say the opposite of a yes/no question's claim. A name the
# sentence lacks is absence, not contradiction ("Did the delegation at the Geneva talks demand X?" against
# "... demanding X", which does not say where); a number or date counts only where the sentence gives its own.
CONTRADICTIONS = ("negation", "antonym", "speaker", "roles")
DIFFERENT_VALUES = ("number", "date")


@dataclass
class Decision:
    """What the models made of the evidence: candidates best first, each one's probability of answering,
    and the probability that the corpus answers the question at all."""

    question: Question
    ranked: list[Candidate]
    probs: list[float]
    answerable: float
    features: list[float]  # the question's features, for the refusal's reason
    reply: tuple[str, list[Candidate]] | None = None  # the corpus's own "Yes."/"No." to it, once found

    def reason(self) -> str:
        """Why the corpus does not answer, in the words of the strongest signal against it."""
        f = dict(zip(QUESTION_FEATURES, self.features, strict=True))
        info = self.question.info
        if f["names_missing_corpus"] > 0:
            absent = self.question.absent_names() or info.names
            return "the corpus never mentions " + " or ".join(f"“{n}”" for n in absent)
        if f["speaker_unquoted"]:
            return f"the corpus attributes no statement to {info.speaker}"
        if f["type_missing_near"]:
            return f"none of the closest passages gives the {info.answer_type} the question asks for"
        if f["names_missing_evidence"] > 0:
            return "the closest passages do not mention everything the question names"
        if f["roles_swapped_top"]:
            return "the closest passage gives the role the question asks about to someone else"
        return "no passage answers it closely enough"


def verdict_lead(word: str) -> str:
    """The first line of a yes/no answer: the verdict, cited by the first quote."""
    return f"{word} [1]."


def verdict_of(answer: Answer) -> str:
    """ "Yes" or "No" when a quoted answer settled a yes/no question (it opens with ``verdict_lead``); else ""."""
    m = re.match(r"(Yes|No) \[1\]\.", answer.answer) if answer.answerable else None
    return m.group(1) if m else ""


def states_the_act(act: str, sentence: str) -> bool:
    """Does the sentence say the claim's act (``main_verb``), not only its people and setting? "Before it goes on
    show the helmet will spend the summer in the studio" names the helmet and the show but not "polish", so it
    cannot back "the conservators polish the helmet". A verb of speech stands for any other ("claimed" / "said"),
    and a noun of the same stem for the verb ("imposed" / "the imposition")."""
    if not act:
        return True
    said = words(sentence)
    if act in SPEECH_VERBS and any(w in SPEECH_VERBS for w in said):
        return True
    return any(same_word(act, w) for w in said)


def _led_by(
    decision: Decision, lead: Sequence[Candidate], reply: tuple[str, list[Candidate]] | None = None
) -> Decision:
    """The decision with ``lead`` ranked first, near certain, and the question answerable: a rule has found
    the answer the models could not weigh (the document's own reply, kept as ``reply``, a record's field)."""
    top = max(decision.probs[0], 0.99)
    rest = [(r, p) for r, p in zip(decision.ranked, decision.probs, strict=True) if r not in lead]
    return Decision(
        decision.question,
        [*lead, *(r for r, _ in rest)],
        [top] * len(lead) + [p for _, p in rest],
        1.0,
        decision.features,
        reply,
    )


def _stated(wanted: Sequence[str], text: str) -> int:
    """How many of the ``wanted`` terms the text holds."""
    found = terms(text)
    return sum(contains(found, t) for t in wanted)


def _misread_negation(act: str, sentence: str) -> bool:
    """The word window of a negating cue takes in the claim's act, which the parse has asserted: in "Customers
    should stop using the kettle and unplug it", "stop" governs "using" and not "unplug". A polarity flip on
    another word ("case-insensitively" for "case-sensitively") stands."""
    negated = scopes(sentence).negated
    return bool(act) and any(contains(negated, t) for t in terms(act)) and asserts_act(sentence, act)


def as_written(claim: str, act: str, c: Candidate) -> str:
    """The claim with its act in the form the sentence uses, where the sentence's parse gives that verb the
    same lemma ("the contractor go bankrupt" against "the contractor went bankrupt"): an irregular form shares
    no stem with its lemma, so the claim would seem to lack its own act. A light verb's noun that the sentence
    states as a verb is the act, and the light verb goes (``light_object``)."""
    if not act and (light := light_object(claim)):
        # "passengers get a refund" against "tickets will be refunded": the noun is the act the sentence states
        # as a verb, and the light verb ("get") is no word of the claim's own
        verb, noun = light
        if any(same_word(noun, v.label.lower()) for v in c.annotation.verbs or ()):
            return re.sub(rf"\b{re.escape(verb)}\s+", "", claim, count=1)
        return claim
    forms = (
        [c.plain[v.start : v.end] for v in c.annotation.verbs or () if v.label.lower() == act] if act else []
    )
    if not forms or any(same_word(act, form.lower()) for form in forms):
        return claim  # a regular form ("demanding") already matches, and keeps the claim's grammar
    return re.sub(rf"(?i)\b{re.escape(act)}\b", forms[0], claim, count=1)


@dataclass(frozen=True)
class Reply:
    """A document's own answer to a yes/no question it asks: the reply word, the question (with the statement
    that sets it up), the sentence to quote, and whether a condition follows the word ("Yes, but …")."""

    word: str
    asked: str
    answer: Candidate
    qualified: bool


class ExtractiveBackend:
    name = "extractive"

    def __init__(self, settings: Settings, models: Models | None = None) -> None:
        self.settings = settings
        self._models = models  # None: the trained decisions on disk (training passes the ones it is fitting)

    @property
    def models(self) -> Models | None:
        return self._models if self._models is not None else load_models()

    def stream(self, evidence: Evidence) -> Iterator[Answer]:
        yield self.compose(evidence)  # quoting is fast enough to arrive whole

    def condense(self, question: str, history: History) -> str:
        return question  # the pipeline's pronoun rules are all a quoting backend needs

    def prepare(self, evidence: Evidence) -> tuple[Question, list[Candidate]]:
        """The question read once, and its candidates (what the decisions look at)."""
        q = Question.read(evidence.question, evidence.index)
        index, speaker = evidence.index, q.info.speaker
        spoken = (
            {n for i in index.attributions_of(speaker) for n in index.sentences_of(i)} if speaker else set()
        )
        return q, self.candidates(evidence, set(q.sources.values()), spoken)

    def compose(self, evidence: Evidence) -> Answer:
        index = evidence.index
        q, candidates = self.prepare(evidence)
        info, speaker = q.info, q.info.speaker
        if (kind := document_fact(evidence.question)) and (found := self._front_fact(evidence, q, kind)):
            return found
        if found := self._overview(evidence, q):
            return found
        if (short := asked_short_form(evidence.question)) and (
            found := self._spelt_out(evidence, short, candidates)
        ):
            return found
        if info.role_of and (
            role := self._role(evidence, info.role_of)
            or self._listed_role(evidence, info.role_of, candidates)
        ):
            return role
        if (held := holder_by_role(evidence.question, index.roles())) and (
            role := self._role(evidence, *held)
        ):
            return role
        asked = asked_role(evidence.question)
        if (held_role := asked[0] if asked else acted_role(evidence.question)) and (
            found := self._listed_holder(evidence, held_role, candidates)
        ):
            return found
        if asked and _unheard(asked[0], index):
            # "Who is the mayor of Vesturvík?" where no one is called a mayor, "Who is the fisheries minister?"
            # where nothing is about fisheries: whoever the closest sentences name holds some other role
            reason = f"the corpus never mentions a “{asked[0]}”"
            return self.refusal(evidence.question, reason, candidates[: self.settings.closest], index)
        if speaker and (wrong := self._misassigned(evidence, speaker, info.speaker_role)):
            return self.refusal(evidence.question, wrong, candidates[: self.settings.closest], index)
        everyone = candidates
        author = speech_subject(evidence.question) if not speaker and q.sources else None
        if author in q.sources and candidates:  # "What did Kelly say …?", Kelly the author of a document
            mine = [c for c in candidates if self._written_by(c, author, q.sources[author], index)]
            corrected = self._misattribution(evidence, author, candidates, mine)
            if corrected:
                return corrected
            candidates = mine  # what they wrote or said answers, or nothing does: never another's words
        if speaker and candidates:
            own = [c for c in candidates if c.spoken]
            corrected = self._misattribution(evidence, speaker, candidates, own)
            if corrected:
                return corrected
            if not index.attributions_of(speaker):  # quoting anyone else would repeat a misattribution
                closest = candidates[: self.settings.closest]
                return self.refusal(
                    evidence.question, f"the corpus attributes no statement to {speaker}", closest, index
                )
            candidates = own or candidates
        if (who := speaker or author) and (off := self._off_topic(evidence, who, candidates, everyone)):
            return off
        if not candidates:
            return self.refusal(evidence.question, "nothing in the corpus matches it", [], index)
        decision = self.decide(q, candidates, index)
        decision = self.asked_itself(evidence, decision) or self.field_asked(evidence, decision) or decision
        answer = self.answer_from(evidence, q, decision)
        answer.decision_score = round(decision.answerable, 4)
        return answer

    def answer_from(self, evidence: Evidence, q: Question, decision: Decision) -> Answer:
        """The answer the decisions call for: a refusal, a yes or no, or quotes led by the short answer."""
        index, info = evidence.index, q.info
        closest = decision.ranked[: self.settings.closest]
        if decision.answerable < self.threshold or q.unknown_names:
            return self.refusal(evidence.question, decision.reason(), closest, index)
        top = decision.ranked[0]
        title = index.documents[top.passage.source].title if top.passage.source in index.documents else ""
        when = "" if info.yes_no else another_time(info.text, top.plain, title)
        if when:  # the best sentence is about the same kind of event at another time
            return self.refusal(
                evidence.question, f"the closest passage is about another time, not {when}", closest, index
            )
        if info.answer_type == "date" and another_edition(info.text, top.plain):
            return self.refusal(
                evidence.question,
                "the closest passage dates the latest edition, not the first",
                closest,
                index,
            )

        named = named_sources(evidence.question, set(q.sources.values()), index)
        ranked, probs = about_the_work(q, *from_named_sources(named, decision.ranked, decision.probs), index)
        odds = [p / max(1e-9, 1 - p) for p in probs]  # a ratio of odds separates near-certain candidates
        kind = question_kind(evidence.question)
        limit, keep = self._breadth(kind)
        sure = self.settings.keep_probability
        chosen = self.select(ranked, index, limit, keep * odds[0], odds, sure / max(1e-9, 1 - sure))
        chosen = cover_sources(chosen, ranked, named)
        if kind == "comparison":
            chosen = cover_sides(q.names, chosen, ranked)
        chosen = completed(chosen, index)
        picked = chosen  # the sentences the model chose: the short answer is cut from these, as in training
        if self.settings.quote_following:
            chosen = self.followed(evidence, chosen)
        chosen = with_setting(q, chosen, index)
        if kind == "explanation" and self.settings.quote_following:
            chosen = reasoned(q, chosen, index, self.settings.quote_following)
        if kind in EXPLAINING:
            chosen = continued(chosen, index)
        best = chosen[: self.settings.max_sentences]
        listed = any(c.sentence.item for c in best)  # checked first: it spares most questions a parse
        if listed and not info.yes_no and asks_for_list(unframed(evidence.question)):
            chosen = whole_list(chosen, index, len(best))
        verdict = ""
        if info.yes_no:
            role = self.role(q, decision.ranked)
            found = (
                role if role is not None else self.yes_no(q, chosen, index, decision.ranked, decision.reply)
            )
            word, first = found or (None, [])
            if word is None:
                return self.refusal(evidence.question, NOT_SAID_REASON, closest, index, NOT_SAID)
            if first and first[0] is not chosen[0] and self.settings.quote_following:
                first = self.followed(evidence, first)  # the verdict's sentence with what it goes on to say
            quoted = {c.number for c in first}  # the verdict's sentence and what follows it, quoted once
            verdict, chosen = word, [*first, *(c for c in chosen if c.number not in quoted)]
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(chosen, start=1)]
        if verdict:
            real = self._said_instead(evidence.question, chosen[0], index) if verdict == "No" else ""
            lead = verdict_lead(verdict) + (f" {real} said it." if real else "")
        else:
            where = {c.number: i for i, c in enumerate(chosen, start=1)}
            lead = (
                self._speaker_lead(info, index, chosen[0], citations)
                or table_lead(q, picked[: self.settings.max_sentences], index, where)
                or self.short_answer(q, decision, picked, where)
            )
        lines = [f"{unwrap(c.quote)} [{c.n}]" for c in citations]
        return self._answer(evidence.question, "\n".join(([lead] if lead else []) + lines), citations)

    def _breadth(self, kind: QuestionKind) -> tuple[int, float]:
        """How many sentences an answer of this kind may quote, and how close to the best each must be."""
        s = self.settings
        if kind in EXPLAINING:
            return s.explain_sentences, s.explain_keep_ratio
        return s.max_sentences, s.keep_ratio

    def followed(self, evidence: Evidence, chosen: list[Candidate]) -> list[Candidate]:
        """The best sentence followed by the ``quote_following`` sentences after it: the best match usually
        names the matter, and the answer, the reason or the result comes next ("This approach is structurally
        irrelevant." → "The decisions that matter are made by …"; "Richard left Messina to reach Acre." →
        "But a storm dispersed the fleet.")."""
        about_text = asks_about_text(evidence.question)
        followed = lead_followed(chosen, 1, self.settings.quote_following, evidence.index, about_text)
        return completed(followed, evidence.index)

    @property
    def threshold(self) -> float:
        """Below this probability that the corpus answers, the answer is a refusal (chosen on dev)."""
        models = self.models
        return models.answerable.threshold if models else 0.0

    def decide(self, q: Question, candidates: list[Candidate], index: Store) -> Decision:
        """Rank the best candidates by the sentence model and judge answerability; without trained models,
        the hand-weighted order stands and nothing is refused on a model's word."""
        pool = decision_pool(q, candidates, index, self.settings.decision_pool)
        models = self.models
        if models is None:
            top = pool[0].score or 1.0
            probs = [max(0.0, c.score / top) for c in pool]
            return Decision(q, pool, probs, 1.0, question_features(q, pool, probs, index))
        rows = pool_features(q, pool, index)
        p = models.sentence.probabilities(rows)
        order = sorted(range(len(pool)), key=lambda i: (-p[i], pool[i].number))
        ranked, probs = [pool[i] for i in order], [float(p[i]) for i in order]
        features = question_features(q, ranked, probs, index)
        answerable = float(models.answerable.probabilities([features])[0])
        return Decision(q, ranked, probs, answerable, features)

    def asked_itself(self, evidence: Evidence, decision: Decision) -> Decision | None:
        """The decision when a document asks the question itself and answers it: an interview's "Why was this
        year so bad?", an FAQ's "How do I join the waiting list?". Its reply comes first, and the question is
        answerable, however little of the question's wording the reply repeats ("Two things came together.
        Winter snowfall was very low …"): the models, which weigh each sentence by what it shares with the
        question, cannot see that. So is a yes/no question the corpus replies to with its own "Yes." or "No."
        (``_own_reply``), whatever the models make of the reply's wording."""
        q, index = decision.question, evidence.index
        if q.info.yes_no:
            replied = self._own_reply(q, decision.ranked[: self.settings.max_sentences], index)
            return _led_by(decision, replied[1], replied) if replied else None
        near = decision.ranked[: self.settings.decision_pool]
        before = held(index, {c.number - k for c in near for k in range(1, ANSWER_REACH + 1)})
        tried: set[int] = set()
        for c in near:
            n = asked_at(c, before)
            if n is None or n in tried:
                continue
            tried.add(n)
            asked = as_question(spoken_part(sentence_text(*before[n])).strip())
            if not self._asks_the_same(evidence.question, q, asked, c):
                continue
            kind = question_kind(evidence.question)
            reply = self._reply(c, n, index, self._breadth(kind)[0], decision.ranked)
            if not reply or not self._covers_the_rest(q, asked, reply, index):
                continue
            return _led_by(decision, reply)
        return None

    def field_asked(self, evidence: Evidence, decision: Decision) -> Decision | None:
        """The decision when a record states as a field what the question asks for: "Severity: SEV-1" for
        "What is the severity of the incident?", "Company: Brennholt Kitchenware GmbH" for "Which company
        issued the recall?". The field leads and the question is answerable, however little else of it the
        field repeats, where the rest is what its document is about (``_covers_the_rest``); fields of that
        name with other values (a table of records) leave the choice to the models."""
        q, index = decision.question, evidence.index
        nouns = asked_nouns(evidence.question)
        if q.info.yes_no or not nouns:
            return None
        fields = [
            c
            for c in decision.ranked[: self.settings.decision_pool]
            if c.sentence.citable
            and any(same_word(w, noun) for w in field_name(c.plain).lower().split() for noun in nouns)
        ]
        values = {c.plain.split(":", 1)[1].strip(" *_") for c in fields}
        asked = (
            " ".join([field_name(fields[0].plain), *nouns]) if fields else ""
        )  # "Manufacturer" answers "makes"
        if len(values) != 1 or not self._covers_the_rest(q, asked, fields[:1], index):
            return None
        return _led_by(decision, fields[:1])

    def _asks_the_same(self, question: str, q: Question, asked: str, c: Candidate) -> bool:
        """The document's question ``asked`` is the user's: the same kind of answer, and the user's question
        covers its words with no veto. A word count goes first: the parses after it are the costly part."""
        claim = Question.claim_of(asked)
        wanted, have = terms(claim), terms(question)
        if not wanted or sum(contains(have, t) for t in wanted) < self.settings.yes_coverage * len(wanted):
            return False
        if (
            question_kind(asked) != question_kind(question)
            or analyse(asked).answer_type != q.info.answer_type
        ):
            return False
        back = support_features(claim, question, c.cosine)
        return not back.vetoes and back.coverage >= self.settings.yes_coverage

    @staticmethod
    def _covers_the_rest(q: Question, asked: str, reply: Sequence[Candidate], index: Store) -> bool:
        """What the user's question adds to the document's ("… for the glacier") is what the document is
        about: named in the reply, the title, or elsewhere in the document, with no veto."""
        source = reply[0].passage.source
        info = index.documents.get(source)
        called = " ".join(naming_words(source, info.title if info else ""))
        covered = support_features(
            q.claim, " ".join([called, asked, *(r.plain for r in reply)]), reply[0].cosine
        )
        document = document_terms(index, source)
        return not covered.vetoes and all(contains(document, t) for t in covered.missing)

    @staticmethod
    def _reply(
        c: Candidate, asked: int, index: Store, limit: int, known: Sequence[Candidate]
    ) -> list[Candidate]:
        """The statements after question ``asked`` on ``c``'s page, up to the next question, heading or speaker
        label: the reply, at most ``limit`` sentences of it; ``known`` candidates keep their scores."""
        by_number = {k.number: k for k in known}
        wanted = range(asked + 1, asked + 1 + limit)
        rows = held(index, wanted)
        numbers = list(itertools.takewhile(lambda n: n in rows and same_page(rows[n][0], c.passage), wanted))
        reply: list[Candidate] = []
        for number, annotation in zip(numbers, annotations_of(index, numbers), strict=True):
            passage, sentence = rows[number]
            text = sentence_text(passage, sentence)
            if not sentence.citable or (reply and spoken_part(text) != text):
                break  # a question, a heading, or the next speaker's turn ("Q: Critics say …")
            reply.append(
                by_number.get(number)
                or Candidate(passage, sentence, number, c.cosine, c.lexical, c.score, annotation=annotation)
            )
        return reply

    def short_answer(
        self, q: Question, decision: Decision, chosen: list[Candidate], cited: dict[int, int]
    ) -> str:
        """The span that answers a name, date, number or short-phrase question, cut from a sentence the model
        chose and cited to it (``cited``: sentence number → citation number), when the span model is confident
        enough (its threshold was chosen on dev to put the answer in the first line most often); otherwise the
        quote that best answers leads."""
        models = self.models
        if models is None or not (q.info.answer_type or q.info.target):
            return ""
        prob = dict(zip((c.number for c in decision.ranked), decision.probs, strict=True))
        top = chosen[: self.settings.max_sentences]
        found = span_rows(q, top, [prob.get(c.number, 0.0) for c in top])
        if not found:
            return ""
        p = models.span.probabilities([row for _, _, row in found])
        best = int(np.argmax(p))
        if p[best] < models.span.threshold:
            return ""  # a wrong name first is worse than the quote that holds the right one
        span, rank, _ = found[best]
        return f"{span.text} [{cited[chosen[rank].number]}]."

    def role(self, q: Question, pool: list[Candidate]) -> tuple[str | None, list[Candidate]] | None:
        """ "Is X the Y?": settled by the roles the candidates give the people they name
        (``grounding.roles``), citing the sentence that gives X a role and, for a "No", the one that gives Y to
        someone else; ``(None, …)``: the corpus does not say."""
        named = [c for c in pool if c.annotation.of(PERSON_LABELS)]
        people = {s.text(c.plain) for c in named for s in c.annotation.of(PERSON_LABELS)}
        claim = role_claim(q.info.text, people)
        verdict = role_verdict(claim, [c.plain for c in named]) if claim else None
        if verdict is None:
            return None
        cited = [named[verdict.own]] + ([named[verdict.other]] if verdict.other is not None else [])
        return {True: "Yes", False: "No", None: None}[verdict.holds], cited

    def yes_no(
        self,
        q: Question,
        chosen: list[Candidate],
        index: Store,
        ranked: Sequence[Candidate] = (),
        reply: tuple[str, list[Candidate]] | None = None,
    ) -> tuple[str, list[Candidate]] | None:
        """ "Yes" when a quoted sentence supports the question's claim (its setting may come from the passage),
        "No" only when one says the opposite
        (negated, an opposite, another number or speaker, with the claim's words otherwise covered); None when
        the corpus does not settle it. ``reply``: the corpus's own reply, if ``asked_itself`` found it."""
        claim = yes_no_statement(q.info.text)
        plain_claim = not scopes(claim).has_negation
        act = main_verb(claim)
        denied_act_of = act if plain_claim else ""  # a negated claim is not denied by a negated sentence
        reported = reports_speech(claim)  # "Did X say …?", its words negated or not ("hours, not weeks")
        speech = plain_claim and reported
        speaker = " ".join(claim_speaker(claim)) if speech else ""
        said = reported_content(claim) if speaker else ""
        now, still = asks_of_now(q.info.text), asks_if_still(q.info.text)
        predicate = terms(copular_predicate(q.info.text))
        if speaker:  # a speaker disowning the words outweighs a report of them, wherever it ranks among the
            near = [*chosen, *ranked[: self.settings.max_sentences]]  # closest sentences
            denier = next((c for c in near if self._disowns(claim, speaker, c, index)), None)
            if denier:
                return "No", [denier]
        replied = reply or self._own_reply(q, [*chosen, *ranked[: self.settings.max_sentences]], index)
        if replied:  # the corpus's own "Yes." or "No." to the same question comes first
            return replied
        # The quoted sentences first, then the closest others that cover enough of the claim to settle it (the
        # parses below are the costly part): the best match may only ask what another states ("We tested
        # whether the programme improves attendance" above "… modestly improved attendance …")
        closest = [
            r
            for r in ranked[: self.settings.max_sentences]
            if r not in chosen
            and support_features(claim, r.plain, r.cosine).coverage >= self.settings.no_coverage
        ]
        for c in [*chosen, *closest]:
            credited, intro = self._credited(c, index) if reported else (c.plain, [])
            worded = as_written(claim, act, c)
            f = support_features(worded, credited, c.cosine)
            if not speech and self._denies_act(claim, denied_act_of, c, index):
                return "No", [c]
            if (
                plain_claim
                and any(v.startswith("negation") for v in f.vetoes)
                and _misread_negation(act, c.plain)
            ):
                f = replace(f, vetoes=tuple(v for v in f.vetoes if not v.startswith("negation")))
            denied = denied_clause(c.plain) if plain_claim else ""
            if denied:
                covered = support_features(claim, denied, c.cosine).coverage
                if covered >= self.settings.no_coverage:
                    return "No", [c]  # the sentence denies what the claim asserts
                if covered >= DENIED_SHARE * f.coverage:
                    continue  # the claim is mostly about what the sentence denies: never a "Yes" from it
            contradicts = [
                v
                for v in f.vetoes
                if v.startswith(CONTRADICTIONS) or (v.startswith(DIFFERENT_VALUES) and numbers(c.plain))
            ]
            if said and support_features(said, credited, c.cosine).coverage < self.settings.no_coverage:
                continue  # the speaker's name and "said" do not make up for what was said
            direct = not f.vetoes and f.coverage >= self.settings.yes_coverage
            backed = direct or (
                f.coverage >= self.settings.no_coverage and self._set_around(worded, c, f, index)
            )
            swapped = swapped_arguments(q.info.text, c.plain, c.annotation)
            # "Is Kiely still the chair?" — "… chaired it until May"
            over = now and ended(c.plain, q.info.text)
            # "Is the eruption an explosive one?" — a sentence about the eruption that never says "explosive"
            unsaid = direct and bool(predicate) and 2 * _stated(predicate, credited) <= len(predicate)
            if (
                backed
                and (worded != claim or states_the_act(act, credited))
                and not (swapped or over or unsaid)
            ):
                return "Yes", [c, *intro]  # the act, and done by whom the question says, to whom it says
            if backed and over and still and not swapped:
                return "No", [c, *intro]  # "Is Kiely still the chair?" — "… who chaired it until November"
            alone = any(r.startswith(ALONE) for r in swapped) and states_the_act(act, c.plain)
            if plain_claim and alone and self._names_the_things(q, c.plain):
                return "No", [c, *intro]  # "Only the Veloria comes with mudguards": not the Tarn
            if contradicts and (
                f.coverage >= self.settings.no_coverage
                or self._named_around(worded, c, f, contradicts, index)
                or (said and self._said_by_another(said, credited, c, f))
            ):
                return "No", [c, *intro]
        return None

    def _own_reply(
        self, q: Question, near: Sequence[Candidate], index: Store
    ) -> tuple[str, list[Candidate]] | None:
        """The corpus's own reply word to a yes/no question's plain claim (``_replied``); a negated claim or a
        report of speech is settled by the sentences themselves."""
        claim = yes_no_statement(q.info.text)
        if scopes(claim).has_negation or reports_speech(claim):
            return None
        return self._replied(q, claim, near, index)

    def _replied(
        self, q: Question, claim: str, near: Sequence[Candidate], index: Store
    ) -> tuple[str, list[Candidate]] | None:
        """The corpus's own "Yes." or "No." to the question the claim asks: in an FAQ, an interview or a
        briefing, a question, then an answer opening with the reply word, alone or not ("Can I share a plot with
        a friend?" / "Yes." / "A plot can be registered to two named people …" for "Can two people share one
        allotment plot?"), found around the closest sentences. The question (with the statement that sets it
        up, "Your waiting list is now close to six years.") and the answer must cover the claim with no veto but
        a name their document gives elsewhere (the interviewee, whom the interviewer calls "you"). A qualified
        reply ("Yes, but on full plots only") answers only a claim its question asks in full ("Can I keep hens on
        a half plot?" is not "Can I keep chickens?"), and no reply answers a question about another thing: every
        thing the claim names (its nouns) must be there, while its verbs may be put otherwise ("planning to" /
        "thought about"). The answer is cited."""
        around = held(index, {c.number + k for c in near for k in range(-3, REPLY_REACH + 2)})
        for c in near:
            for r in range(c.number - 1, c.number + REPLY_REACH + 1):  # r: where the reply word stands
                found = self._reply_at(r, around, c)
                if found is None:
                    continue
                info = index.documents.get(c.passage.source)
                called = " ".join(naming_words(c.passage.source, info.title if info else ""))
                text = f"{called} {found.asked}"  # what the document is called holds for each line
                word = found.word
                if found.qualified and support_features(claim, text, c.cosine).coverage < 1.0:
                    if not restricted_to_other(claim, found.answer.plain):
                        continue  # "Yes, but …" answers only the very question it replies to, nothing more
                    word = "No"  # "Yes, but on full plots only" to "Can I keep hens on a half plot?"
                text = f"{text} {found.answer.plain}"
                f = support_features(claim, text, c.cosine)
                document = document_terms(index, c.passage.source)
                named_there = word != found.word or all(  # a limit's other kind ("half") is the point
                    (name := absent_name(v)) and set(tokens(name)) <= document for v in f.vetoes
                )
                if (
                    f.coverage >= self.settings.yes_coverage
                    and named_there
                    and self._names_the_things(q, text)
                ):
                    answer = next((x for x in near if x.number == found.answer.number), found.answer)
                    return word, [answer]
        return None

    @staticmethod
    def _names_the_things(q: Question, text: str) -> bool:
        """Does the text name every thing the question acts on (its objects' nouns, ``object_nouns``)? A reply
        or a denial about other things answers nothing."""
        found = terms(text)
        return all(contains(found, t) for n in object_nouns(q.info.text) for t in terms(n))

    @staticmethod
    def _reply_at(r: int, around: Mapping[int, tuple[Passage, Sentence]], c: Candidate) -> Reply | None:
        """The reply when sentence ``r`` of ``c``'s page opens an answer with "Yes" or "No", standing alone or
        not, just after a question."""
        here = [around.get(n) for n in range(r - 2, r + 2)]
        if any(x is not None and not same_page(x[0], c.passage) for x in here):
            return None
        setup, asked, reply, after = here
        if asked is None or reply is None or not is_question(sentence_text(*asked)):
            return None
        text = sentence_text(*reply).strip()
        alone = _REPLY_RE.fullmatch(text)
        qualified = _REPLY_QUALIFIED_RE.match(text)
        found = alone or _REPLY_OPENING_RE.match(text) or qualified
        answer = after if alone else reply  # the reply word glued on: the sentence that opens with it
        if found is None or answer is None or not answer[1].citable:
            return None
        question = sentence_text(*asked)
        if setup is not None and setup[1].citable:
            question = f"{sentence_text(*setup)} {question}"
        quoted = Candidate(*answer, r + 1 if alone else r, c.cosine, c.lexical, c.score)
        return Reply(found[1].capitalize(), question, quoted, qualified is not None)

    def _said_by_another(self, said: str, credited: str, c: Candidate, f: SupportFeatures) -> bool:
        """Are the claimed words another speaker's? The sentence credits them to someone else (a "speaker" veto,
        and no other contradiction) and says them in full: the claim's speaker is then missing from it by
        definition, so their name does not count against its coverage ("Did Dagny Aasen say the lava is slow?"
        against "The lava is slow," said Þórsdóttir)."""
        others = [v for v in f.vetoes if not v.startswith(ABSENT_NAME)]
        if not others or not all(v.startswith("speaker") for v in others):
            return False
        return support_features(said, credited, c.cosine).coverage >= self.settings.yes_coverage

    def _said_instead(self, question: str, c: Candidate, index: Store) -> str:
        """Who said the words a "Did X say …?" answered "No" quotes, when they are another's and the quote says
        them: a misattribution is named, not only denied ("No. Nguyễn Thị Lan said it."); "" otherwise."""
        claim = yes_no_statement(question)
        if not reports_speech(claim):
            return ""
        speaker, said = " ".join(claim_speaker(claim)), reported_content(claim)
        if scopes(claim.replace(said, "")).has_negation:
            return ""  # "Didn't X say …?": a "No" does not give the words to anyone
        credited = _narrowest_first(index, c.number)
        if not (speaker and said and credited) or speakers_match(credited[0].speaker, speaker):
            return ""
        f = support_features(said, c.plain, c.cosine)
        return credited[0].speaker if not f.vetoes and f.coverage >= self.settings.yes_coverage else ""

    def _credited(self, c: Candidate, index: Store) -> tuple[str, list[Candidate]]:
        """The sentence as a claim about speech is checked against: led by the speaker the corpus credits it to
        where it does not name them ('"Batteries buy you hours," she said.', she being Amara Chukwu; a
        transcript's turn), with the sentence that names them in full, to quote beside it."""
        said = _narrowest_first(index, c.number)
        if not said or all(w in fold(c.plain) for w in speaker_words(said[0].speaker)):
            return c.plain, []
        speaker = said[0].speaker
        intro = self._introduction(index, speaker, c)
        # A spokeswoman's words are her institution's: "Did the port authority say …?"
        role = spokes_role(index, speaker)
        lead = f"{speaker}, {role}," if role else speaker
        return f"{lead} said: {c.plain}", [intro] if intro else []

    def _denies_act(self, claim: str, act: str, c: Candidate, index: Store) -> bool:
        """Does the sentence negate the claim's own act, about what the claim is about? The denial's subject
        ("the grant", "I") stands for what the text around it names in full."""
        said = spoken_part(c.plain)
        denial = denied_act(said, act) if act else ""
        unchanged = denied_effect(said, act) if act and not denial else ""
        if unchanged:  # "no measurable effect on reading": only about what the claim says was changed
            claimed = terms(claim)
            if not all(contains(claimed, t) for t in terms(unchanged)):
                return False
            denial = c.plain
        if not denial:
            return False
        covered = support_features(claim, f"{self._around(c, index)} {denial}", c.cosine).coverage
        return covered >= self.settings.no_coverage

    def _disowns(self, claim: str, speaker: str, c: Candidate, index: Store) -> bool:
        """Does the claim's ``speaker`` say, in this sentence, that they never said what the claim reports?
        ("Did Dr. Nguyễn warn that the drawdown would make tap water unsafe?" — "DR. NGUYỄN: I didn't say the
        water would be unsafe.") The claim must hold what is disowned; it may say more."""
        if not c.annotation.negated:  # the index's parse found no negation: nothing to parse
            return False
        if not any(
            speakers_match(index.attribution(i).speaker, speaker) for i in index.attributions_in(c.number)
        ):
            return False
        words = disowned(spoken_part(c.plain))
        return bool(words) and support_features(words, claim, c.cosine).coverage >= self.settings.yes_coverage

    def _set_around(self, claim: str, c: Candidate, f: SupportFeatures, index: Store) -> bool:
        """Do the sentence's passage, the one before it and the document's title supply the rest of the claim? A
        claim's setting ("at the Geneva talks", "in the pre-summit discussions") is usually stated once, before
        the sentence that says what happened, and a licence or a report names itself once, in its title, then
        calls itself "this License"; that sentence must still carry most of the claim itself (no_coverage), and
        nothing around it may contradict the claim (a veto there, as "backed" for "voted against", still
        counts)."""
        around = support_features(claim, self._setting(c, index), c.cosine)
        only_absent_names = all(v.startswith(ABSENT_NAME) for v in f.vetoes)
        return only_absent_names and not around.vetoes and around.coverage >= self.settings.yes_coverage

    def _named_around(
        self, claim: str, c: Candidate, f: SupportFeatures, contradicts: Sequence[str], index: Store
    ) -> bool:
        """Does a sentence that contradicts the claim leave out only names its setting gives? "We are looking at a
        fissure eruption, not an explosive one" answers "Is Mount Eskel's eruption an explosive one?" when the
        passage is about Mount Eskel: a quote names its subject once, before it, as ``_set_around`` allows for
        "Yes"."""
        names = [absent_name(v) for v in f.vetoes if v.startswith(ABSENT_NAME)]
        if not names or not all(v.startswith(ABSENT_NAME) or v in contradicts for v in f.vetoes):
            return False
        setting = fold(self._setting(c, index))
        if not all(fold(n.removesuffix("'s").removesuffix("’s")) in setting for n in names):
            return False
        named = f"{' '.join(names)}: {c.plain}"  # the sentence with the names its setting gives
        return support_features(claim, named, c.cosine).coverage >= self.settings.no_coverage

    def _setting(self, c: Candidate, index: Store) -> str:
        """The document's title, the sentence before and the sentence's passage: where a claim's setting is."""
        info = index.documents.get(c.passage.source)
        title = f"{info.title}. " if info and info.title else ""
        return title + self._around(c, index)

    def _around(self, c: Candidate, index: Store) -> str:
        """The sentence's passage and the sentence before it, on the same page: where its setting is stated."""
        text = unwrap(c.passage.text)
        before = index.sentences_in([c.passage.id])[0] - 1
        if index.has_sentence(before):
            p, _ = index.sentence(before)
            if same_page(p, c.passage):
                text = f"{unwrap(p.text)} {text}"
        return text

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
        annotations = annotations_of(index, numbers)
        top_lexical = max((float(v) for v in lexical), default=0.0) or 1.0
        info = analyse(question)
        about_text = asks_about_text(question)
        out = []
        for number, cosine, lexical_score, (p, s), annotation in zip(
            numbers, cosines, lexical, index.sentences(numbers), annotations, strict=True
        ):
            if not s.citable:
                continue
            text = unwrap(sentence_text(p, s))
            if is_instruction(text) and not about_text:
                continue  # planted instructions are never evidence, unless the question is about that text
            rank, dense = passage_rank.get(p.id, (len(evidence.hits), 0.0))
            lex = float(lexical_score) / top_lexical
            typed = info.answer_type and typed_spans(info, text, annotation)
            fits = self.settings.w_answer_type if typed else 0.0
            named_source = self.settings.w_named_source if p.source in sources else 0.0
            score = (
                self.settings.w_cosine * float(cosine)
                + self.settings.w_lexical * lex
                + self.settings.w_passage * max(0.0, dense)
                + fits
                + named_source
                - self.settings.rank_penalty * rank
            )
            out.append(
                Candidate(
                    p, s, number, float(cosine), lex, score, dense, rank, p.source in sources, number in extra,
                    annotation,
                )
            )  # fmt: skip
        return sorted(out, key=lambda c: (-c.score, c.number))

    def select(
        self,
        ranked: list[Candidate],
        index: Store,
        limit: int,
        floor: float = 0.0,
        probs: list[float] | None = None,
        sure: float = math.inf,
    ) -> list[Candidate]:
        """The best candidate, plus up to ``limit`` in all that score at least ``floor`` (their probabilities,
        when given; else their hand-weighted scores), or ``sure`` whatever the best one's, and add something
        (no near-duplicate of one already chosen). The quoting and the generative backends both choose so.
        A table row gets no ``sure`` pass: its sibling rows share the question's column words, so the model
        rates them high for one another ("| North | 310,000 |" for the South's customers), while each row is
        another record."""
        chosen: list[Candidate] = []
        scores = probs if probs is not None else [c.score for c in ranked]
        wanted = [
            c.number
            for i, (c, score) in enumerate(zip(ranked, scores, strict=True))
            if i == 0 or score >= floor or (score >= sure and not is_table_row(c))
        ]
        vectors = dict(zip(wanted, index.sentence_vectors_of(wanted), strict=True)) if wanted else {}
        for c in ranked:
            if len(chosen) >= limit:
                break
            if not chosen or (
                c.number in vectors
                and all(
                    float(vectors[c.number] @ vectors[o.number]) < self.settings.duplicate_cosine
                    for o in chosen
                )
            ):
                chosen.append(c)
        return chosen

    @staticmethod
    def _misassigned(evidence: Evidence, speaker: str, asked: str) -> str:
        """Why the role the question gives its speaker is someone else's, or of another body (``misassigned``);
        "" when it may be theirs, or the question gives none."""
        if not asked:
            return ""
        index = evidence.index
        own = [index.attribution(i).role for i in index.attributions_of(speaker)]
        return misassigned(asked, speaker, index.roles(), [r for r in own if r])

    @staticmethod
    def _written_by(c: Candidate, author: str, document: str, index: Store) -> bool:
        """What an author may be asked about as theirs: their document, the words it reports included ("Why does
        Kelly describe the researchers' calls as …?"), and any words the corpus credits to them elsewhere."""
        said = (index.attribution(i).speaker for i in index.attributions_in(c.number))
        return c.passage.source == document or any(speakers_match(s, author) for s in said)

    def _off_topic(
        self, evidence: Evidence, who: str, theirs: list[Candidate], everyone: list[Candidate]
    ) -> Answer | None:
        """ "What did X say about T?" when nothing around X's closest words mentions T's rarest word the corpus
        uses: X's words on something else would answer a question about T, so the corpus does not answer it,
        and the closest passages (others' words on T among them) are shown. The rarest word is what sets T
        apart ("proliferating" in "AI proliferating")."""
        topic = speech_topic(evidence.question)
        if not topic or not asks_for_words(evidence.question):
            return None
        index = evidence.index
        named = set(name_terms(who))
        wanted = [t for t in tokens(topic) if t not in STOPWORDS and t not in named]
        counts = index.sentence_frequencies(wanted)
        used = [t for t in wanted if counts.get(t, 0) > 0]
        if not used:
            return None  # a topic the corpus never names is the refusal model's business
        rarest = stem(min(used, key=lambda t: counts[t]))
        passages = {c.passage.id: c.passage.text for c in theirs}  # candidates share passages: read each once
        if any(rarest in {stem(t) for t in tokens(text)} for text in passages.values()):
            return None
        reason = f"the corpus does not report {who} saying anything about “{topic}”"
        return self.refusal(evidence.question, reason, everyone[: self.settings.closest], index)

    def _misattribution(
        self, evidence: Evidence, speaker: str, candidates: list[Candidate], own: list[Candidate]
    ) -> Answer | None:
        """ "Why did X say Y?" when the corpus attributes Y to someone else: name the real speaker.

        It fires only when the best match is strong, attributed to another speaker, and clearly
        better than anything the corpus attributes to X. A question that asks what X said ("What did X say
        about the cello?") states no words to correct: the corpus does not answer it, and the closest words,
        someone else's, are shown as such.
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
        intro = self._introduction(index, real.speaker, best)
        if asks_for_words(evidence.question):
            reason = (
                f"the corpus does not report {speaker} saying this; the closest words are {real.speaker}'s"
            )
            return self.refusal(evidence.question, reason, [best] + ([intro] if intro else []), index)
        citations = [cite(1, best.passage, best.sentence, index)]
        marks = "[1]" if intro is None else "[1] [2]"
        if intro is not None:
            citations.append(cite(2, intro.passage, intro.sentence, index))
        text = f"{CORPUS_NOTE} report {speaker} saying this.\n{real.speaker} said it {marks}.\n" + "\n".join(
            f"{c.quote} [{c.n}]" for c in citations
        )
        return self._answer(evidence.question, text, citations)

    def _role(self, evidence: Evidence, name: str, role: str = "") -> Answer | None:
        """ "Who is X?" / "What is X's role?": the role the text gives X, cited where it gives it; with ``role``
        ("Who is the chief engineer?", X the one person the corpus gives it), where the text gives X that role."""
        index = evidence.index
        for i in index.attributions_of(name):
            a = index.attribution(i)
            if role and (role not in role_names(a.role) or not _names_the_body(evidence, a.source)):
                continue
            where = next(
                (n for n in index.sentences_of(i) if a.role and a.role in index.sentence_text(n)), None
            ) or _introduced(index, a)
            if where is None:
                continue
            asked = a.speaker if role else f"{a.speaker}: {unwrap(a.role)}"  # the person, or the role
            return self._lead_quoted(evidence, asked, *index.sentence(where))
        return None

    def _lead_quoted(self, evidence: Evidence, lead: str, p: Passage, s: Sentence) -> Answer:
        """The short answer, then the one sentence that gives it, both cited [1]."""
        citation = cite(1, p, s, evidence.index)
        return self._answer(evidence.question, f"{lead} [1].\n{unwrap(citation.quote)} [1]", [citation])

    def _listed_role(self, evidence: Evidence, name: str, candidates: Sequence[Candidate]) -> Answer | None:
        """ "Who is Sarah Blackwood?" for one who never speaks: the role a list gives the name ("In attendance:
        Sarah Blackwood (Clerk), …", a signatory's "Prof. Lars Eriksen, Nordic Ocean Institute"), or the grammar
        of a sentence does ("its operations manager, Mr Søren Ødegaard"), in the closest sentences; None when
        none gives one."""
        for c in candidates[: self.settings.closest]:
            if role := listed_role(c.text, name) or stated_role(c.text, name):
                written = written_name(unwrap(c.text), name)
                return self._lead_quoted(evidence, f"{written}: {role}", c.passage, c.sentence)
        return None

    def _listed_holder(self, evidence: Evidence, role: str, candidates: Sequence[Candidate]) -> Answer | None:
        """ "Who is the clerk?" where a list names her ("In attendance: Sarah Blackwood (Clerk), …") or a
        signature does (``listed_holder``), or an apposition does ("The council leader, Margit Halvorsen, …",
        ``stated_holder``) where its document gives the role to no one else: a history has many dukes. None
        when none does, or when the question asks of another time ("Who was the chair in 1987?"), which a list
        of today's holders cannot answer."""
        if asks_of_a_time(evidence.question):
            return None
        for c in candidates[: self.settings.decision_pool]:
            if not _names_the_body(evidence, c.passage.source):
                continue
            holder = listed_holder(c.text, role) or self._sole_holder(evidence, role, c)
            if holder:
                return self._lead_quoted(evidence, holder, c.passage, c.sentence)
        return None

    @staticmethod
    def _sole_holder(evidence: Evidence, role: str, c: Candidate) -> str:
        """The person the sentence gives the role (``stated_holder``) when no one else has it: no other document
        that names the body the question asks about gives it to someone it quotes, and no other sentence of
        its own gives it another holder, before a name ("Duke William II") or in its grammar, or speaks of
        holders of it ("the dukes")."""
        holder = stated_holder(c.plain, role, evidence.question)
        if not holder:
            return ""
        index, wanted = evidence.index, fold(role).lower()
        for source, roles in index.document_roles().items():
            if roles.get(wanted, holder) != holder and _names_the_body(evidence, source):
                return ""  # "Who is the chief engineer?" of a corpus with two
        others = [n for n in index.document_sentences(c.passage.source) if n != c.number]
        texts = [fold(sentence_text(p, s)) for p, s in index.sentences(others)]
        texts = [t for t in texts if wanted in t.lower()]
        own = set(fold(holder).split())
        titled = re.compile(rf"(?i)\b{re.escape(wanted)}\s+((?-i:[A-Z])[\w'-]*)")
        if any(
            re.search(rf"(?i)\b{re.escape(wanted)}e?s\b", t)
            or any(name not in own for name in titled.findall(t))
            or stated_holder(t, role, evidence.question) not in ("", holder)
            for t in texts
        ):
            return ""
        return holder

    def _front_fact(self, evidence: Evidence, q: Question, kind: DocumentFact) -> Answer | None:
        """ "When was the TechFastForward article published?": the date or authors the document states, cited
        where it states them, or a refusal when it states none, showing the document's first sentences; None (the
        ordinary way) when the question names no one document."""
        index = evidence.index
        document = named_document(evidence.question, list(q.sources.values()), index)
        if document is None:
            return None
        fact = front_fact(kind, document, index)
        if fact is None:
            info = index.documents.get(document)
            title = f"“{info.title}”" if info and info.title else document
            what = "when it was written" if kind == "date" else "who wrote it"
            front = front_sentences(document, index, self.settings.closest)  # its top, not the best matches
            closest = [Candidate(p, s, n, 0.0, 0.0, 0.0) for n, p, s in front]
            return self.refusal(evidence.question, f"{title} does not say {what}", closest, index)
        citations = [cite(i, p, s, index) for i, (p, s) in enumerate(fact.where, start=1)]
        marks = " ".join(f"[{c.n}]" for c in citations)
        quotes = [f"{unwrap(c.quote)} [{c.n}]" for c in citations if unwrap(c.quote) != fact.value]
        lines = [f"{fact.value} {marks}" + ("." if quotes else ""), *quotes]
        return self._answer(evidence.question, "\n".join(lines), citations)

    def _spelt_out(self, evidence: Evidence, short: str, candidates: list[Candidate]) -> Answer | None:
        """ "What does WRWA stand for?": the long form the closest sentence that defines it gives ("The Western
        Rivers Water Authority (WRWA) tested …"), cited there; None (the ordinary way) when none defines it."""
        for c in candidates:
            if found := defined(c.plain, short):
                citation = cite(1, c.passage, c.sentence, evidence.index)
                lines = [f"“{found.short}” stands for “{found.long}” [1].", f"{unwrap(citation.quote)} [1]"]
                return self._answer(evidence.question, "\n".join(lines), [citation])
        return None

    def _overview(self, evidence: Evidence, q: Question) -> Answer | None:
        """ "Summarise the TrendKia article": the named document's central sentences, quoted in its order
        (``overview``); None (the ordinary way) unless a summary question names one document and asks of it
        nothing narrower ("Summarise what Kelly says about Geneva" is answered by the sentences about Geneva)."""
        index = evidence.index
        if question_kind(evidence.question) != "summary":
            return None
        named = named_sources(evidence.question, set(q.sources.values()), index)
        if len(named) != 1 or not about_the_whole(evidence.question, (document := next(iter(named))), index):
            return None
        s = self.settings
        numbers = overview(document, index, evidence.query_vector, s.explain_sentences, s.duplicate_cosine)
        citations = [cite(i, p, t, index) for i, (p, t) in enumerate(index.sentences(numbers), start=1)]
        if not citations:
            return None
        return self._answer(
            evidence.question, "\n".join(f"{unwrap(c.quote)} [{c.n}]" for c in citations), citations
        )

    def _speaker_lead(
        self, info: QuestionInfo, index: Store, first: Candidate, citations: list[Citation]
    ) -> str:
        """For "who" questions: the canonical speaker of the first quote, cited where the text names them in full.
        Words reported inside another's words belong to whom they are reported of: in the chair's turn "As Ms.
        Okafor said earlier, …", the narrowest attribution, Ms. Okafor's, is the speaker. The speaker answers
        only what the words say of the speaker: a question about speech ("Who warned …?"), or words with the
        speaker as the subject of the act asked ("I move that …" for "Who moved the motion?", not "what we need is
        …" for "Who makes the trains?"). Of "It was signed by Mr. Vogel",
        spoken by a director, the director is not who signed, nor of "my deputy, Jonas Berglund, who renegotiated
        the contract" who renegotiated it."""
        if not info.asks_person:
            return ""
        if not (info.asks_speaker or _speaker_does_it(info.text, first.plain)):
            return ""
        said = _narrowest_first(index, first.number)
        asked = set(name_words(info.text))  # a speaker the question names is not the answer
        speaker = next((a.speaker for a in said if not set(name_words(a.speaker)) <= asked), None)
        if speaker is None:
            return ""
        speaker = fullest(speaker, (name for name, _ in index.speakers()))
        if fold(speaker) in fold(citations[0].quote):
            return f"{speaker} [1]."
        intro = self._introduction(index, speaker, first)
        if intro is None:
            return ""
        citations.append(cite(len(citations) + 1, intro.passage, intro.sentence, index))
        return f"{speaker} [1] [{len(citations)}]."

    def _introduction(self, index: Store, speaker: str, near: Candidate) -> Candidate | None:
        """The sentence of the same document that names ``speaker`` in full (in any case: a transcript's label
        shouts it), if the quote itself does not."""
        name = fold(speaker)
        if name in fold(near.text):
            return None
        numbers = index.document_sentences(near.passage.source)
        naming = [
            Candidate(p, s, number, 0.0, 0.0, 0.0)
            for number, (p, s) in zip(numbers, index.sentences(numbers), strict=True)
            if name in fold(sentence_text(p, s))
        ]  # a citable sentence first; else a short one ("MR. TOMASZ WÓJCIK (Harbour Master): Thank you, Chair.")
        return next((c for c in naming if c.sentence.citable), naming[0] if naming else None)

    def refusal(
        self, question: str, reason: str, closest: list[Candidate], index: Store, note: str = REFUSAL
    ) -> Answer:
        """The corpus does not answer, and why; the closest sentences are shown for the reader to judge."""
        citations = [cite(i, c.passage, c.sentence, index) for i, c in enumerate(closest, start=1)]
        text = f"{note} ({reason[0].upper()}{reason[1:]}.)"
        if citations:
            text += "\nClosest passages:\n" + "\n".join(f"{c.quote} [{c.n}]" for c in citations)
        return self._answer(question, text, citations, answerable=False)


NEGATED_RE = re.compile(
    r"\b(?:does|do|did|is|are|was|were|has|have)\s+not\b|\b(?:doesn't|don't|isn't|aren't)\b|\bnot (?:that|because)\b"
)
COMPLETION_RE = re.compile(r"(?:It|They|He|She|Instead|Rather|But)\b")
REFERRING_RE = re.compile(r"(?:They|It|He|She|This|These|Those)\b")  # a sentence that leans on the one before


def _names_the_body(evidence: Evidence, source: str) -> bool:
    """Does the document name the body the question ties its role to (``role_owner``), if it ties it to one?"""
    document = document_terms(evidence.index, source)
    return all(contains(document, t) for t in terms(role_owner(evidence.question)))


def _unheard(role: str, index: Store) -> bool:
    """A word of the role (its head or what qualifies it) that the corpus never uses, in any form."""
    words = [t for t in tokens(role) if t not in STOPWORDS]
    return any(not index.known_words([t, stem(t)]) for t in words)


def completed(chosen: list[Candidate], index: Store) -> list[Candidate]:
    """Quote the sentence that completes a negation, so a quote never reads as its opposite, and a table row's
    header, so its cells say what they are.

    "The United States does not want AI crisis-control talks because it considers China a trustworthy
    partner." alone misleads; the article goes on: "It wants them because it is afraid of what happens...".
    """
    out: list[Candidate] = []
    numbers = {c.number for c in chosen}
    after = held(index, (c.number + 1 for c in chosen if NEGATED_RE.search(c.text)))
    for c in chosen:
        header = table_header(c, index)
        if header is not None and header.number not in numbers:
            out.append(header)  # "| Region | Customers |" over "| South | 455,000 |": what the cells are
            numbers.add(header.number)
        out.append(c)
        following = c.number + 1
        if following in after and following not in numbers and _goes_on(c, after[following], COMPLETION_RE):
            out.append(Candidate(*after[following], following, c.cosine, c.lexical, c.score))
            numbers.add(following)
    return out


def reasoned(q: Question, chosen: list[Candidate], index: Store, n: int) -> list[Candidate]:
    """A why-question's reason comes next to the sentence that states what it asks about: after it ("Why does
    Kelly consider the UN's dialogue structurally irrelevant?" → the sentence after "This multilateral approach
    is structurally irrelevant …"), or before it when that sentence closes its passage as a conclusion ("When the
    primary containment strategy is eroding faster than expected, the strategic logic shifts …" after the
    sentence on export controls). That sentence is the quote holding the rarest of the question's words that any
    quote holds (what is asked about is rarer than who or what it is said of)."""
    at = rarest_holder(q, [c.plain for c in chosen])
    if at is None:
        return chosen
    head = with_following(chosen[at : at + 1], n, index)
    if len(head) == 1:  # nothing follows on its page: the reason went before
        head = [*preceding(head[0], index), *head]
    elif at == 0:
        return chosen  # the best quote is already followed
    taken = {c.number for c in head}
    # where its first sentence already stood: a quote the reason follows keeps its place ahead of the lines
    # quoted after it ("Her son … said the cause was heart failure." leads "What was the cause of death?")
    first = next(i for i, c in enumerate(chosen) if c.number in taken)
    return [
        *(c for c in chosen[:first] if c.number not in taken),
        *head,
        *(c for c in chosen[first:] if c.number not in taken),
    ]


def preceding(c: Candidate, index: Store) -> list[Candidate]:
    """The citable sentence before ``c`` on its page, if any."""
    before = held(index, [c.number - 1]).get(c.number - 1)
    if before is None or not before[1].citable or not same_page(before[0], c.passage):
        return []
    return [Candidate(*before, c.number - 1, c.cosine, c.lexical, c.score)]


def continued(chosen: list[Candidate], index: Store) -> list[Candidate]:
    """Each quote followed by the next sentence of its page when that one refers back to it ("… are
    fundamentally analog." → "They cannot keep pace with algorithmic escalation.") or the quote is short enough
    to be argued by it (``ARGUED_WORDS``): a reason is often told in two sentences. For explanations (chosen on
    dev); one fetch for all."""
    numbers = {c.number for c in chosen}
    after = held(index, (c.number + 1 for c in chosen if c.number + 1 not in numbers))
    out: list[Candidate] = []
    for c in chosen:
        out.append(c)
        n = c.number + 1
        short = len(c.plain.split()) <= ARGUED_WORDS  # argued by the next sentence, whatever it opens with
        if (
            n in after
            and n not in numbers
            and after[n][1].citable
            and same_page(after[n][0], c.passage)
            and (short or REFERRING_RE.match(sentence_text(*after[n])))
        ):
            out.append(Candidate(*after[n], n, c.cosine, c.lexical, c.score))
            numbers.add(n)
    return out


# In an explanation, a quote of up to this many words takes the next sentence of its page: a claim is argued
# over the sentences after it ("This bargain is an illusion." → "Advanced computing power is inherently
# dual-use; …"), while a long sentence usually carries its own reason. Chosen on dev, the smallest limit with
# the most items right (8: 1 gained, 12: 2, 25: 3, 30: 4, none: 4 with longer answers); nothing lost.
ARGUED_WORDS = 30


def _goes_on(c: Candidate, following: tuple[Passage, Sentence], opening: re.Pattern[str]) -> bool:
    """Does the sentence after ``c``, on its page, open as one that carries it on?"""
    return same_page(following[0], c.passage) and bool(opening.match(sentence_text(*following)))


def table_header(c: Candidate, index: Store) -> Candidate | None:
    """The header row of the table a quoted row belongs to, as a candidate (``decisions.header_row``)."""
    if not is_table_row(c):
        return None
    rows = held(index, rows_above(c))
    n = header_row(c, rows)
    return None if n is None else Candidate(*rows[n], n, c.cosine, c.lexical, c.score)


def _introduced(index: Store, a: Attribution) -> int | None:
    """The sentence of the speaker's document that gives them their role, where their words do not: a
    transcript's introduction ("Guests: … Dr. Joaquín Ortega (marine biologist, University of Galway)")."""
    if not a.role:
        return None
    surname = a.speaker.split()[-1]
    return next(
        (
            n
            for n in index.document_sentences(a.source)
            if a.role in (text := index.sentence_text(n)) and surname in text
        ),
        None,
    )


def table_lead(q: Question, chosen: Sequence[Candidate], index: Store, cited: dict[int, int]) -> str:
    """The cell a question names by its row and its column, cited to its row: "How much dry bulk did the port
    handle in 2024?" over "| Dry bulk (grain, aggregates) | 3.9 | 4.0 |" under "| Cargo type | 2024 (million
    tonnes) | 2025 (million tonnes) |" → "Dry bulk (grain, aggregates), 2024 (million tonnes): 3.9". Only when
    the question shares a word with the row's first cell and with exactly one other column's head more than with
    any other: a cell is read by both, and a guess between columns would state a figure the table does not. A
    column whose cell the question itself names is part of the row's description, not the thing asked ("How many
    votes did the Green Party get in 2010?": the Party column's "Green Party" picks the row). A two-column table
    pairs each key with its value, whatever the heads say ("| Parameter | Value |")."""
    asked = tokens(q.info.text)
    for c in chosen:
        header = table_header(c, index)
        if header is None or c.number not in cited:
            continue
        cells, heads = table_cells(c.text), table_cells(header.text)
        if len(cells) != len(heads) or len(cells) < 2 or not _shares(asked, cells[0]):
            continue
        if len(cells) == 2 and cells[1] and not _shares(asked, cells[1]):  # a key and its value
            return f"{cells[0]}: {cells[1]} [{cited[c.number]}]."
        pairs = zip(heads[1:], cells[1:], strict=True)  # as many cells as heads (checked above)
        scores = [0 if _shares(asked, cell) else _shares(asked, head) for head, cell in pairs]
        top = max(scores)
        if top and scores.count(top) == 1 and cells[(col := 1 + scores.index(top))]:
            return f"{cells[0]}, {heads[col]}: {cells[col]} [{cited[c.number]}]."
    return ""


def _shares(asked: list[str], cell: str) -> int:
    """How many of the question's words the cell holds (stems and years alike)."""
    found = tokens(cell)
    return sum(1 for t in set(asked) if t not in STOPWORDS and contains(found, t))


MAX_LIST_ITEMS = 8  # the most items of one list an answer quotes, nearest the one chosen first


def whole_list(chosen: list[Candidate], index: Store, within: int = 3) -> list[Candidate]:
    """A list quoted in part is quoted whole: when one of the ``within`` best quotes opens a list item ("Abandon
    Grand Détentes: Stop pursuing …" for "What changes does Kelly propose?"), the other items of its list (each
    item's first sentence) are quoted with it, in list order, after the sentence that introduces the list when
    that ends with a colon. The list is read from the index in one fetch around the item."""
    member = next((c for c in chosen[:within] if c.sentence.item), None)
    if member is None:
        return chosen
    rows = held(index, range(member.number - 3 * MAX_LIST_ITEMS, member.number + 3 * MAX_LIST_ITEMS + 1))
    items = _list_items(member, rows)
    if len(items) < 2:
        return chosen
    near = sorted(items, key=lambda n: abs(n - member.number))[:MAX_LIST_ITEMS]
    listed = [n for n in items if n in near and rows[n][1].citable]  # an item read as a heading is no fact
    lead = listed[0] - 1  # "It recommends five measures:", quoted though it reads as a heading
    if lead in rows and not rows[lead][1].item and sentence_text(*rows[lead]).rstrip().endswith(":"):
        listed.insert(0, lead)
    taken = {c.number for c in chosen}
    new = [
        Candidate(*rows[n], n, member.cosine, member.lexical, member.score) for n in listed if n not in taken
    ]
    heads = set(listed)
    ours = {c.number for c in [*chosen, *new] if c.number in rows and _line_head(c.number, rows) in heads}
    at = next(i for i, c in enumerate(chosen) if c.number in ours)
    rest = [c for c in chosen if c.number not in ours]
    in_list = sorted((c for c in [*chosen, *new] if c.number in ours), key=lambda c: c.number)
    return [*rest[:at], *in_list, *rest[at:]]


def _list_items(member: Candidate, rows: dict[int, tuple[Passage, Sentence]]) -> list[int]:
    """The sentence numbers that open the items of ``member``'s list, in order: the lines around it, on its
    page, that open with a list marker; an item's further sentences on its line are skipped."""
    items = [member.number]
    for step in (-1, 1):
        n = member.number
        while (n := n + step) in rows and same_page(rows[n][0], member.passage):
            head = _line_head(n, rows)
            if not rows[head][1].item:
                break
            if head == n:
                items.append(n)
    return sorted(items)


def _line_head(n: int, rows: dict[int, tuple[Passage, Sentence]]) -> int:
    """The sentence that opens the line, or the list item, that sentence ``n`` is in (sentences of one
    passage with no line break between them share a line; "Risks: • For users … • For teams …" is one line
    of two items)."""
    while not rows[n][1].item and n - 1 in rows and not _line_break(rows[n - 1], rows[n]):
        n -= 1
    return n


def _line_break(a: tuple[Passage, Sentence], b: tuple[Passage, Sentence]) -> bool:
    (pa, sa), (pb, sb) = a, b
    return pa.id != pb.id or "\n" in pa.text[sa.end - pa.start : sb.start - pa.start]


def with_setting(q: Question, chosen: list[Candidate], index: Store) -> list[Candidate]:
    """A typed question whose quotes hold no span of its kind: the sentence before the best quote often
    states it once for what follows ("… the precedent set in Geneva. When the two nations held their first
    talks, …"), so it is quoted first."""
    if not q.info.answer_type or not chosen:
        return chosen
    best, before = chosen[0], chosen[0].number - 1
    if before in {c.number for c in chosen} or not index.has_sentence(before):
        return chosen
    *notes, note = annotations_of(index, [c.number for c in chosen] + [before])  # one fetch for both
    if any(typed_spans(q.info, c.plain, a) for c, a in zip(chosen, notes, strict=True)):
        return chosen
    p, s = index.sentence(before)
    setting = Candidate(p, s, before, best.cosine, best.lexical, best.score, annotation=note)
    if not (
        s.citable and same_page(p, best.passage) and typed_spans(q.info, setting.plain, setting.annotation)
    ):
        return chosen
    return [setting, *chosen]


def about_the_work(
    q: Question, ranked: list[Candidate], probs: list[float], index: Store
) -> tuple[list[Candidate], list[float]]:
    """The candidates to quote when the question cites an author as its source ("according to Kenji Kelly",
    "What does Kelly propose …?"): not the author's own document's sentences that name the author, which are
    its byline and biography ("Kenji Kelly has built a reputation for …"), not what the author argues. Kept
    when the question is about the person (it says little besides the name: "Who is Kenji Kelly?", "What is
    Kelly known for?"), and when nothing else is left."""
    documents = index.documents
    named = {
        doc: set(name_words(name))
        for name, doc in q.sources.items()
        if doc in documents and set(name_words(name)) <= set(name_words(documents[doc].author))
    }
    if not named or q.info.role_of or len(q.content) <= 1:
        return ranked, probs

    def about_author(c: Candidate) -> bool:
        words = named.get(c.passage.source, set())
        return bool(words) and words <= set(tokens(c.plain)) and not index.attributions_in(c.number)

    return _kept(ranked, probs, lambda c: not about_author(c))


def named_sources(question: str, sources: set[str], index: Store) -> set[str]:
    """The documents a question names: by outlet or author (``sources``), else the one it names by title or
    calls "the analysis", "this report" (``front_matter.named_document``)."""
    if sources:
        return sources
    document = named_document(question, [], index)
    return {document} if document else set()


def from_named_sources(
    sources: set[str], ranked: list[Candidate], probs: list[float]
) -> tuple[list[Candidate], list[float]]:
    """Only the candidates of the documents the question names, when it names any ("According to Kelly, …",
    "How do TrendKia and Kelly differ …?", "… per the analysis?") and they have any: another document's
    sentence, however close, does not say what these sources say."""
    return _kept(ranked, probs, lambda c: c.passage.source in sources)


def _kept(
    ranked: list[Candidate], probs: list[float], keep: Callable[[Candidate], bool]
) -> tuple[list[Candidate], list[float]]:
    """The candidates ``keep`` holds to, with their probabilities; all of them when it holds to none."""
    kept = [(c, p) for c, p in zip(ranked, probs, strict=True) if keep(c)]
    if not kept:
        return ranked, probs
    return [c for c, _ in kept], [p for _, p in kept]


def cover_sources(chosen: list[Candidate], ranked: list[Candidate], sources: set[str]) -> list[Candidate]:
    """A question that names two sources ("How do TechFastForward and Kelly differ?") quotes each of them."""
    if len(sources) < 2:
        return chosen
    missing = sorted(sources - {c.passage.source for c in chosen})
    best = (next((c for c in ranked if c.passage.source == source), None) for source in missing)
    return chosen + [c for c in best if c is not None]


def _speaker_does_it(question: str, quote: str) -> bool:
    """Are the quote's words the speaker's own account of doing what the question asks ("I move that …" for
    "Who moved the motion?"), or a commitment the question asks about ("we will move sampling to weekly" for
    "Who promised weekly sampling?")? The question's words are read as lemmas: the small model misreads
    questions."""
    if not FIRST_PERSON_SUBJECTS.intersection(words(quote)):
        return False  # spares the parse
    asked = {t.lemma_.lower() for t in parse(question)}
    return bool(asked & COMMITMENT_VERBS or first_person_acts(quote) & asked)


def cover_sides(sides: list[list[str]], chosen: list[Candidate], ranked: list[Candidate]) -> list[Candidate]:
    """A comparison of named sides ("How do Washington's and Beijing's fears differ?") quotes what is said of
    each side on its own: the sentence naming both only sets the contrast up, and the best quotes may all be
    about one side."""
    if len(sides) < 2:
        return chosen

    def alone(c: Candidate, side: list[str]) -> bool:
        return mentions(side, c.plain) and not any(mentions(o, c.plain) for o in sides if o is not side)

    out = list(chosen)
    for side in sides:
        if not any(alone(c, side) for c in out) and (
            found := next((c for c in ranked if alone(c, side)), None)
        ):
            out.append(found)
    return out


_SPEECH_TOKENS = frozenset(tokens(" ".join(SPEECH_VERBS)))


def spokes_role(index: Store, speaker: str) -> str:
    """The role the corpus gives ``speaker`` when it is one of speaking for an institution ("a spokeswoman for
    the Port of Rotterdam Authority"); "" otherwise."""
    roles = (index.attribution(i).role for i in index.attributions_of(speaker))
    return next((r for r in roles if is_spokes_role(r)), "")


def _narrowest_first(index: Store, number: int) -> list[Attribution]:
    """The sentence's attributions, the narrowest first: words reported inside another's turn ("As Ms. Okafor
    said earlier, …") belong to whom they are reported of."""
    return sorted(
        (index.attribution(i) for i in index.attributions_in(number)), key=lambda a: a.end - a.start
    )


def _claim_coverage(question: str, speaker: str, sentence: str) -> float:
    """Share of the question's claim words (its speaker and speech verb aside) that the sentence contains."""
    claim = set(tokens(question)) - set(tokens(speaker)) - _SPEECH_TOKENS
    return len(claim & set(tokens(sentence))) / len(claim) if claim else 0.0


def with_following(
    chosen: list[Candidate], n: int, index: Store, instructions: bool = False
) -> list[Candidate]:
    """Each sentence followed by the next ``n`` citable sentences of its page, none twice; planted instructions
    only with ``instructions`` (the question asks about the text itself), and never into an interviewer's next
    turn, whose words are not the interviewee's. A table row or a record's field goes on to no other: the
    next row is another record ("| Containers | 4.1 |" says nothing about coal), the next field another fact
    ("Company: …" over "Product: …"), and a header row (quoted above the row it heads) is followed by that row
    alone."""
    out: list[Candidate] = []
    taken = {c.number for c in chosen}
    for c in chosen:
        out.append(c)
        if table_line(c.text) or (field_name(c.text) and not ends_a_sentence(c.text)):
            continue
        number = c.number
        for _ in range(n):
            number += 1
            if not index.has_sentence(number) or number in taken:
                break
            p, s = index.sentence(number)
            text = sentence_text(p, s)
            if not same_page(p, c.passage) or asks(text):
                break  # another page, or the interviewer's next turn ("Q: Critics say …")
            if s.citable and (instructions or not is_instruction(text)):
                out.append(Candidate(p, s, number, c.cosine, c.lexical, c.score))
                taken.add(number)
    return out


def lead_followed(
    chosen: list[Candidate], lead: int, n: int, index: Store, instructions: bool = False
) -> list[Candidate]:
    """The first ``lead`` sentences each followed by the next ``n`` of their page, then the rest; each once."""
    head = with_following(chosen[:lead], n, index, instructions)
    taken = {c.number for c in head}
    return head + [c for c in chosen[lead:] if c.number not in taken]
