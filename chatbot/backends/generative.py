"""Generative backends (``local``, ``openai``): fluent answers whose every sentence is cited and checked.

The chain for one question:

1. Gate (``settings.llm_gate``): the extractive composer's evidence checks run first. When they
   refuse (a name the corpus never mentions, no close evidence, no statement by the speaker asked
   about) or correct a misattribution, that answer is returned and nothing is generated.
2. Prompt: the best ``llm_sentences`` sentences, scored as the extractive composer scores them,
   numbered and fenced as untrusted data (``chatbot.backends.prompts``). Sentences that read as
   instructions to an AI are left out unless the question asks about the text itself.
3. Stream: the model's text arrives token by token as growing partial answers.
4. Verify (``chatbot.grounding.verify``): every sentence needs a ``[n]`` naming a shown sentence that backs
   it; the others are removed and counted in ``Answer.verified``. The fixed refusal phrase maps to
   a refusal showing the closest sentences. If nothing survives, the extractive answer is returned.

Follow-ups are rewritten by the model only when they still look like follow-ups after the
pipeline's pronoun rules (a demonstrative or "it"/"they" left, or "what about ..."), which keeps
the common case free of an extra generation.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from chatbot.answer import CORPUS_NOTE, Answer, AnswerBackend, Evidence, History, cite
from chatbot.backends.decisions import Candidate, source_references
from chatbot.backends.extractive import ExtractiveBackend, completed
from chatbot.backends.prompts import Messages, answer_messages, condense_messages
from chatbot.grounding.verify import asks_about_text, is_instruction, render, verify
from chatbot.settings import Settings
from chatbot.text.questions import analyse

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from chatbot.grounding.support import SupportChecker

FOLLOW_UP_RE = re.compile(
    r"\b(?:it|its|they|them|their|this|that|these|those|there|then|the same|such)\b|"
    r"^\s*(?:and|also|so|what about|how about|why not)\b",
    re.IGNORECASE,
)
CONDENSE_TOKENS = 48


class ChatModel(Protocol):
    """What the backend needs from a model: stream the reply to chat messages as text pieces."""

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]: ...


class LlamaChat:
    """llama-cpp-python in process: greedy decoding, streamed."""

    def __init__(self, llama: object) -> None:
        self.llama = llama

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        chunks = self.llama.create_chat_completion(  # type: ignore[attr-defined]
            messages=messages, stream=True, max_tokens=max_tokens, temperature=0.0
        )
        for chunk in chunks:
            piece = chunk["choices"][0].get("delta", {}).get("content")
            if piece:
                yield piece


class LangChainChat:
    """Any LangChain chat model: ``ChatOpenAI`` for an OpenAI-compatible server, fakes in tests."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        pairs = [(m["role"], m["content"]) for m in messages]
        for chunk in self.model.stream(pairs):
            if isinstance(chunk.content, str) and chunk.content:
                yield chunk.content


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
        quoted.backend = self.name
        if self.settings.llm_gate and (not quoted.answerable or quoted.answer.startswith(CORPUS_NOTE)):
            quoted.verified = "not generated: the evidence checks decided"
            yield quoted
            return
        shown = self.select(evidence)
        if not shown:
            yield quoted
            return
        messages = answer_messages(
            evidence.question, [c.text[: self.settings.llm_sentence_chars] for c in shown]
        )
        text = ""
        for piece in self.chat.stream(messages, self.settings.llm_max_tokens):
            text += piece
            yield Answer(question=evidence.question, answer=text.strip(), answerable=True, backend=self.name)
        yield self.finish(evidence, text, shown, quoted)

    def select(self, evidence: Evidence) -> list[Candidate]:
        """The best evidence sentences for the prompt, chosen as the quoting backend chooses (no near-duplicates,
        no injected instructions); a negated sentence brings the one that completes it."""
        sources = set(source_references(analyse(evidence.question), evidence.index).values())
        ranked = self.extractive.candidates(evidence, sources)
        chosen = self.extractive.select(ranked, evidence.index, self.settings.llm_sentences)
        return completed(chosen, evidence.index)[: self.settings.llm_sentences + 1]

    def finish(self, evidence: Evidence, text: str, shown: list[Candidate], quoted: Answer) -> Answer:
        """The verified answer; a refusal if the model gave the refusal phrase; else the quoted answer."""
        index, question = evidence.index, evidence.question
        about_text = asks_about_text(question)
        units, neighbours = self._with_neighbours(shown, evidence)
        instructions = frozenset(
            n for n, c in enumerate(units, start=1) if is_instruction(c.text) and not about_text
        )
        result = verify(text, [c.text for c in units], self.checker, len(shown), neighbours, instructions)
        summary = result.summary()
        if result.kept:
            body, order = render(result.kept)
            citations = [
                cite(new, units[old - 1].passage, units[old - 1].sentence, index)
                for new, old in enumerate(order, start=1)
            ]
            return Answer(
                question=question,
                answer=body,
                answerable=True,
                citations=citations,
                backend=self.name,
                verified=summary,
            )
        if result.refusal:
            closest = shown[: self.settings.closest]
            answer = self.extractive.refusal(
                question, "the closest passages do not answer it, in the model's reading", closest, index
            )
            answer.backend, answer.verified = self.name, summary
            return answer
        quoted.verified = f"{summary}; nothing survived verification, so the answer quotes the sources"
        return quoted

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
                if not s.citable or (p.source, p.page) != (c.passage.source, c.passage.page):
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
        return GenerativeBackend(name, settings, lambda: LangChainChat(llm.openai_chat(settings)))
    raise ValueError(f"unknown generative backend {name!r}")
