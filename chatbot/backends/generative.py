"""Generative backends (``local``, ``openai``): fluent answers whose every sentence is cited and checked.

The chain for one question:

1. Gate (``settings.llm_gate``): the extractive composer answers first. When its evidence checks
   refuse (a name the corpus never mentions, no close evidence, no statement by the speaker asked
   about) or correct a misattribution, that answer is returned and nothing is generated.
2. Route (``settings.llm_kinds``, ``chatbot.text.questions.question_kind``): a typed fact (who, when,
   how many, which) keeps the quoted answer, which already names it verbatim and cites it; yes/no,
   explanation, comparison and summary questions go to the model. ``Answer.backend_used`` says which
   wrote the reply.
3. Prompt: the quoted answer's sentences, then the best candidates that earn their place (score,
   one passage's share, a character budget), so several passages and documents are shown; numbered
   and fenced as untrusted data (``chatbot.backends.prompts``). Planted instructions are left out
   unless the question asks about the text itself.
4. Stream: a structured reply (``chatbot.backends.structured``: decoding constrained to one JSON
   shape whose evidence ids are the shown numbers) where the model allows it, else ``[n]`` text;
   the sentences' text arrives as growing partial answers.
5. Verify (``chatbot.grounding.verify``), the last word: every sentence needs evidence that backs
   it; the others are removed and counted in ``Answer.verified``. When the evidence checks passed
   but the model declined, or nothing survived, the quoted answer is given, and ``verified`` says so:
   the model never turns an answerable question into a refusal.

Follow-ups are rewritten by the model only when they still look like follow-ups after the
pipeline's pronoun rules (a demonstrative or "it"/"they" left, or "what about ..."), which keeps
the common case free of an extra generation.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from chatbot.answer import CORPUS_NOTE, Answer, AnswerBackend, Citation, Evidence, History, cite
from chatbot.backends.chat import ChatModel, LangChainChat, LlamaChat, StructuredUnsupported
from chatbot.backends.decisions import Candidate, source_references
from chatbot.backends.extractive import (
    ExtractiveBackend,
    completed,
    cover_sources,
    from_named_sources,
    lead_followed,
    named_sources,
    verdict_of,
)
from chatbot.backends.prompts import answer_messages, condense_messages, structured_messages
from chatbot.backends.structured import AnswerFormat, looks_structured, read_reply, visible_text
from chatbot.grounding.verify import (
    Claim,
    asks_about_text,
    is_instruction,
    parse,
    render,
    verify_claims,
    with_stances,
)
from chatbot.ingest.passages import same_page
from chatbot.settings import Settings
from chatbot.store.protocol import Store
from chatbot.text.normalise import words
from chatbot.text.questions import EXPLAINING, analyse, question_kind
from chatbot.text.sentences import split as split_sentences

if TYPE_CHECKING:
    from chatbot.grounding.support import SupportChecker

FOLLOW_UP_RE = re.compile(
    r"\b(?:it|its|they|them|their|this|that|these|those|there|then|the same|such)\b|"
    r"^\s*(?:and|also|so|what about|how about|why not)\b",
    re.IGNORECASE,
)
CONDENSE_TOKENS = 48
ROUTED = {
    "factoid": "a who / when / how many / which question keeps the quoted answer, which names the fact verbatim",
    "other": "this kind of question keeps the quoted answer",
}


class GenerativeBackend:
    def __init__(self, name: str, settings: Settings, chat: ChatModel | Callable[[], ChatModel]) -> None:
        self.name = name
        self.settings = settings
        self.extractive = ExtractiveBackend(settings)
        self._chat = chat
        self._checker: SupportChecker | None = None

    @property
    def chat(self) -> ChatModel:
        """The model, loaded on first use and kept."""
        if not hasattr(self._chat, "stream"):
            self._chat = self._chat()
        return self._chat

    @property
    def checker(self) -> SupportChecker:
        if self._checker is None:
            from chatbot.grounding.support import SupportChecker
            from chatbot.store.embeddings import Embedder

            self._checker = SupportChecker(Embedder.for_settings(self.settings), self.settings)
        return self._checker

    def compose(self, evidence: Evidence) -> Answer:
        *_, final = self.stream(evidence)
        return final

    def stream(self, evidence: Evidence) -> Iterator[Answer]:
        quoted = self.extractive.compose(evidence)
        quoted.backend, quoted.backend_used = self.name, self.extractive.name
        kind = question_kind(evidence.question)
        if self.settings.llm_gate and (not quoted.answerable or quoted.answer.startswith(CORPUS_NOTE)):
            yield _noted(quoted, "not generated: the evidence checks decided")
            return
        if kind not in self.settings.llm_kinds:
            yield _noted(
                quoted, f"not generated: {ROUTED.get(kind, 'this kind of question keeps the quoted answer')}"
            )
            return
        shown = self.select(evidence, quoted)
        if not shown:
            yield _noted(quoted, "not generated: no evidence sentence to show")
            return
        raw, visible = "", ""
        for piece in self.reply(evidence.question, [c.text for c in shown]):
            raw += piece
            now = visible_text(raw) if looks_structured(raw) else raw.strip()
            if now and now != visible:
                visible = now
                yield Answer(
                    question=evidence.question,
                    answer=now,
                    answerable=True,
                    backend=self.name,
                    backend_used=self.name,
                )
        yield self.finish(evidence, raw, shown, quoted)

    def reply(self, question: str, sentences: list[str]) -> Iterator[str]:
        """The model's raw reply to the evidence: structured JSON where the model can be held to it, else text."""
        chat, cap = self.chat, self.settings.llm_max_tokens
        shown = [s[: self.settings.llm_sentence_chars] for s in sentences]
        if self.settings.llm_structured and hasattr(chat, "stream_structured"):
            form = self.answer_format(question, len(shown))
            try:
                yield from chat.stream_structured(structured_messages(question, shown), cap, form)
                return
            except StructuredUnsupported:
                pass  # raised before any piece: ask again in the text format
        yield from chat.stream(answer_messages(question, shown), cap)

    def answer_format(self, question: str, shown: int) -> AnswerFormat:
        """The reply shape for this question: a stance first for yes/no, more than one sentence to explain."""
        kind = question_kind(question)
        least = self.settings.llm_explain_sentences if kind in EXPLAINING else 1
        # With the evidence gate on, answering or not was decided before the model is asked (and a refusal would
        # only bring back the quoted answer): the model must write, and verification keeps what the text backs.
        return AnswerFormat(
            shown,
            self.settings.llm_answer_sentences,
            kind == "yes_no",
            least,
            may_refuse=not self.settings.llm_gate,
        )

    def select(self, evidence: Evidence, quoted: Answer | None = None) -> list[Candidate]:
        """The evidence sentences for the prompt: the quoted answer's own first (the best two with the
        ``llm_following`` sentences after each, ``llm_quoted_sentences`` in all), then the best candidates the
        quotes leave out that earn their place (score within ``llm_keep_ratio`` of the best, no near-duplicate, at
        most ``llm_per_passage`` from one passage, within the character budget); the quotes the lead left out
        only when nothing else earned the room (a small corpus, where they are all that is relevant); a negated
        sentence brings the one that completes it. The written answer is shown with the quotes, so the model's
        room goes to what they do not already say (chosen on dev: citation precision 0.954 → 0.966 for the
        lead of two, 0.960 with the left-out quotes as the last resort; correctness unchanged)."""
        s, index = self.settings, evidence.index
        named = set(source_references(analyse(evidence.question), index).values())
        sources = named_sources(evidence.question, named, index)
        ranked = self.extractive.candidates(evidence, sources)
        # Keep to the named sources as the quotes do (one rule for both backends; scores ride along, unused).
        ranked, _ = from_named_sources(sources, ranked, [c.score for c in ranked])
        chosen = seeds(quoted.citations if quoted and quoted.answerable else [], ranked, index)
        about_text = asks_about_text(evidence.question)
        budget = s.llm_evidence_chars
        lead: list[Candidate] = []
        most = min(s.llm_sentences, s.llm_quoted_sentences) if chosen else s.llm_sentences
        for c in lead_followed(chosen or ranked[:2], 2, s.llm_following, index, about_text):
            size = shown_chars([c], s.llm_sentence_chars)
            if lead and (len(lead) >= most or size > budget):
                break  # prefill is the cost: the budget holds for the quoted answer's sentences too
            lead.append(c)
            budget -= size
        given = chosen  # the quotes, shown beside the written answer anyway: the room goes to others first
        quoted_numbers = {c.number for c in given}
        # Each source a comparison names speaks, within the budget too: the lead's later sentences make room.
        chosen = within_budget(
            cover_sources(lead, ranked, sources), s.llm_evidence_chars, s.llm_sentence_chars
        )
        budget = s.llm_evidence_chars - shown_chars(chosen, s.llm_sentence_chars)
        if not ranked:
            return completed(chosen, index)
        floor = s.llm_keep_ratio * ranked[0].score
        per_passage = Counter(c.passage.id for c in chosen)
        numbers = list(dict.fromkeys(c.number for c in [*chosen, *given, *ranked]))
        vectors = dict(zip(numbers, index.sentence_vectors_of(numbers), strict=True))
        # The quotes the lead left out come last, and only when nothing else earned the room (a small corpus).
        others = 0
        for c in [*(c for c in ranked if c.number not in quoted_numbers), *given]:
            if len(chosen) >= s.llm_sentences or (others and c.number in quoted_numbers):
                break
            size = shown_chars([c], s.llm_sentence_chars)
            earned = c.number in quoted_numbers or (
                c.score >= floor and per_passage[c.passage.id] < s.llm_per_passage
            )
            if chosen and (
                not earned
                or size > budget
                or any(c.number == o.number for o in chosen)
                or any(float(vectors[c.number] @ vectors[o.number]) >= s.duplicate_cosine for o in chosen)
            ):
                continue
            chosen.append(c)
            per_passage[c.passage.id] += 1
            budget -= size
            others += c.number not in quoted_numbers
        return completed(chosen, index)[: s.llm_sentences + 1]

    def finish(self, evidence: Evidence, raw: str, shown: list[Candidate], quoted: Answer) -> Answer:
        """The verified answer; the quoted answer when the evidence checks passed but the model declined or
        nothing survived; a refusal in the model's reading only when the checks are off."""
        index, question = evidence.index, evidence.question
        claims, declined = read_claims(raw)
        about_text = asks_about_text(question)
        units, neighbours = self._with_neighbours(shown, evidence)
        instructions = frozenset(
            n for n, c in enumerate(units, start=1) if is_instruction(c.text) and not about_text
        )
        texts = credited(question, units, index)
        result = verify_claims(
            claims, declined, texts, self.checker, len(shown), neighbours, instructions, question
        )
        summary = result.summary()
        verdict = verdict_of(quoted)  # the written answer must agree: the composer reads roles and denials
        if result.kept and not (declined and looks_structured(raw)):
            body, order = render(result.kept)
            if verdict and not body.startswith(verdict):
                why = f"the written answer does not open with the evidence checks' {verdict}"
                return _noted(quoted, f"{summary}; {why}, so the answer quotes the sources")
            citations = [
                cite(new, units[old - 1].passage, units[old - 1].sentence, index)
                for new, old in enumerate(order, start=1)
            ]
            if self.settings.llm_quote_evidence:
                extra = quoted.citations if quoted.answerable else []
                body, citations = with_quotes(body, citations, extra, self.settings.llm_quote_repeat)
            return Answer(
                question=question,
                answer=body,
                answerable=True,
                citations=citations,
                backend=self.name,
                backend_used=self.name,
                verified=summary,
            )
        why = (
            "the model declined to answer from the shown sentences"
            if result.refusal
            else "nothing survived verification"
        )
        if result.refusal and not self.settings.llm_gate:
            closest = shown[: self.settings.closest]
            answer = self.extractive.refusal(
                question, "the closest passages do not answer it, in the model's reading", closest, index
            )
            answer.backend, answer.backend_used, answer.verified = self.name, self.name, summary
            return answer
        return _noted(quoted, f"{summary}; {why}, so the answer quotes the sources")

    @staticmethod
    def _with_neighbours(
        shown: list[Candidate], evidence: Evidence
    ) -> tuple[list[Candidate], dict[int, list[int]]]:
        """The shown sentences, then their citable neighbours on the same page; shown number → group in text order."""
        index = evidence.index
        units = list(shown)
        where = {c.number: i for i, c in enumerate(units, start=1)}
        groups: dict[int, list[int]] = {}
        for i, c in enumerate(shown, start=1):
            group = []
            for number in (c.number - 1, c.number, c.number + 1):
                if not index.has_sentence(number):
                    continue
                p, s = index.sentence(number)
                if not s.citable or not same_page(p, c.passage):
                    continue
                if number not in where:
                    units.append(Candidate(p, s, number, 0.0, 0.0, 0.0))
                    where[number] = len(units)
                group.append(where[number])
            groups[i] = group
        return units, groups

    def condense(self, question: str, history: History) -> str:
        """A standalone question, rewritten by the model only when it still looks like a follow-up."""
        if not history or not FOLLOW_UP_RE.search(question):
            return question
        text = "".join(self.chat.stream(condense_messages(question, history), CONDENSE_TOKENS))
        line = text.strip().splitlines()[0].strip().strip("\"“”'") if text.strip() else ""
        line = re.sub(r"^(?:rewritten question|question)\s*:\s*", "", line, flags=re.IGNORECASE)
        if not line or len(line) > 3 * len(question) + 80 or "?" not in line and "?" in question:
            return question
        return line


def credited(question: str, units: list[Candidate], index: Store) -> list[str]:
    """The sentences as the checker reads them: those of a source the question names ("How do TrendKia and Kenji
    Kelly differ …?") credited to it by that name ("Kenji Kelly writes: …"), so that "Kelly argues that …" is
    checked against what Kelly's article says, and "TrendKia argues …" over Kelly's sentence is still refused."""
    named = {doc: name for name, doc in source_references(analyse(question), index).items()}
    return [
        f"{named[c.passage.source]} writes: {c.text}" if c.passage.source in named else c.text for c in units
    ]


def read_claims(raw: str) -> tuple[list[Claim], bool]:
    """The claims of a reply, structured or text, and whether the model declined (or gave the refusal phrase)."""
    if not looks_structured(raw):
        return parse(raw)
    reply = read_reply(raw)
    claims = [
        Claim(" ".join(part.split()), list(dict.fromkeys(ids)))
        for text, ids in reply.sentences
        for part in (split_sentences(text) or [text])
        if re.search(r"\w\w", part)
    ]
    return with_stances(claims), reply.refuse is True


def within_budget(chosen: list[Candidate], budget: int, cut: int) -> list[Candidate]:
    """``chosen`` within ``budget`` characters (each sentence counted up to ``cut``), the last sentences of a
    source that has others dropped first: the best sentence and each source's only one stay."""
    out = list(chosen)
    while shown_chars(out, cut) > budget:
        shown = Counter(c.passage.source for c in out)
        drop = next((c for c in reversed(out[1:]) if shown[c.passage.source] > 1), None)
        if drop is None:
            break
        out.remove(drop)
    return out


def shown_chars(chosen: list[Candidate], cut: int) -> int:
    """What the sentences cost the prompt, each cut to ``cut`` characters as the prompt cuts it."""
    return sum(min(len(c.text), cut) for c in chosen)


def seeds(citations: list[Citation], ranked: list[Candidate], index: Store) -> list[Candidate]:
    """The sentences behind the quoted answer's citations, as candidates (found among ``ranked`` or in the index)."""
    by_span = {(c.passage.source, c.passage.page, c.sentence.start): c for c in ranked}
    out: list[Candidate] = []
    for citation in citations:
        found = by_span.get((citation.document, citation.page, citation.start)) or _candidate_at(
            citation, index
        )
        if found is not None and all(found.number != o.number for o in out):
            out.append(found)
    return out


def with_quotes(
    body: str, citations: list[Citation], quoted: list[Citation], repeat: float = 0.9
) -> tuple[str, list[Citation]]:
    """The written answer, then the quotes it rests on and the quoted answer's own, one per line (as the
    quoting backend gives them): the reader sees the words the answer was written from. A quote the answer
    already says (``repeat`` of its words or more) is cited, not repeated."""
    out = list(citations)
    taken = {(c.document, c.page, c.start) for c in out}
    for c in quoted:
        if (c.document, c.page, c.start) not in taken:
            out.append(c.model_copy(update={"n": len(out) + 1}))
            taken.add((c.document, c.page, c.start))
    written = set(words(body))
    lines = [f"{c.quote} [{c.n}]" for c in out if not _repeats(c.quote, written, repeat)]
    return "\n".join([body, *lines]), out


def _repeats(quote: str, written: set[str], share: float) -> bool:
    """The written answer already says the quote word for word, or nearly (it copied the sentence)."""
    said = words(quote)
    return bool(said) and sum(w in written for w in said) >= share * len(said)


def _candidate_at(citation: Citation, index: Store) -> Candidate | None:
    numbers = index.document_sentences(citation.document)
    for number, (p, s) in zip(numbers, index.sentences(numbers), strict=True):
        if p.page == citation.page and s.start == citation.start and s.citable:
            return Candidate(p, s, number, 0.0, 0.0, 0.0)
    return None


def _noted(answer: Answer, note: str) -> Answer:
    answer.verified = note
    return answer


def local_ready(settings: Settings) -> bool:
    from chatbot.backends.llm import parts_installed

    return importlib.util.find_spec("llama_cpp") is not None and parts_installed()


def openai_ready(settings: Settings) -> bool:
    configured = settings.openai_base_url is not None or settings.openai_api_key is not None
    return configured and importlib.util.find_spec("langchain_openai") is not None


def make_generative(name: str, settings: Settings) -> AnswerBackend:
    from chatbot.backends import llm

    if name == "local":
        return GenerativeBackend(name, settings, lambda: LlamaChat(llm.local_model(settings)))
    if name == "openai":
        modes = {"auto": ("json_schema", "json_object"), "off": ()}.get(
            settings.openai_structured, (settings.openai_structured,)
        )
        return GenerativeBackend(
            name,
            settings,
            lambda: LangChainChat(llm.openai_chat(settings), settings.openai_max_tokens_param, modes),
        )
    raise ValueError(f"unknown generative backend {name!r}")
