"""Chat models behind the generative backends: what they are asked, and how their replies arrive.

``LlamaChat`` runs the packaged GGUF in process with llama-cpp-python. It applies the model's own
chat template, keeps the evaluated state of each fixed system prompt so that a question never pays
for it twice (not even after another prompt, such as a follow-up rewrite, replaced it in the KV
cache), and decodes structured replies under a GBNF grammar in two steps: the fixed JSON is fed to
the model as prompt, evaluated in a batch, and only the decision and the sentences are generated. The
grammar is checked against the model's own choice first and filters the whole vocabulary only when it
rejects that choice: the same reply, a third less decoding time.

``LangChainChat`` wraps any LangChain chat model: ``ChatOpenAI`` for an OpenAI-compatible server,
fakes in tests. For a server it sends the output cap as ``max_tokens`` (llama.cpp's server, vLLM and
most others read only that; ``ChatOpenAI`` alone would send ``max_completion_tokens``, which they
ignore), and asks for structured output in the first way the server accepts: the standard
``json_schema`` response format, then llama.cpp's ``json_object`` with a schema. A server that
rejects both gets the plain text format, and is not asked again.
"""

from __future__ import annotations

import codecs
import ctypes
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from chatbot.backends.prompts import Messages
from chatbot.backends.structured import AnswerFormat

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

STRUCTURED_MODES = ("json_schema", "json_object")
_REJECTED = {400, 404, 405, 415, 422, 501}  # statuses with which a server turns a request shape down


class StructuredUnsupported(RuntimeError):
    """The model cannot be held to the structured format; ask again in the text format."""


class ChatModel(Protocol):
    """What the backend needs from a model: the reply to chat messages, streamed as text pieces."""

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]: ...


class StructuredChat(ChatModel, Protocol):
    """A model that can also be held to the structured answer format (its raw JSON, streamed)."""

    def stream_structured(self, messages: Messages, max_tokens: int, form: AnswerFormat) -> Iterator[str]: ...


class LlamaChat:
    """llama-cpp-python in process: greedy decoding, streamed, with the system prompts' state kept."""

    def __init__(self, llama: Any) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llama = llama
        eos, bos = llama.token_eos(), llama.token_bos()
        self.formatter: Any = Jinja2ChatFormatter(
            template=llama.metadata["tokenizer.chat_template"],
            eos_token=_token_text(llama, eos),
            bos_token=_token_text(llama, bos),
            stop_token_ids=[eos],
        )
        self._prefixes: dict[str, tuple[list[int], Any]] = {}  # system prompt → its tokens and saved state
        self.restored = 0  # times a saved system prompt state was loaded back (for benchmarks)

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        with _turn(self.llama):
            yield from self._complete(self._prompt(messages), max_tokens)

    def stream_structured(self, messages: Messages, max_tokens: int, form: AnswerFormat) -> Iterator[str]:
        """The JSON reply: the opening is prompt, the decision is generated, then the sentences under the grammar."""
        with _turn(self.llama):
            yield from self._structured(messages, max_tokens, form)

    def _structured(self, messages: Messages, max_tokens: int, form: AnswerFormat) -> Iterator[str]:
        prompt = self._prompt(messages) + self._tokens(form.opening)
        yield form.opening
        decision = "".join(self._complete(prompt, 3, form.decision_grammar)) if form.may_refuse else "false"
        yield decision
        if decision.strip() != "false":
            yield form.refusal_close
            return
        yield form.continuation
        prompt += self._tokens(decision + form.continuation)
        yield from self._complete(prompt, max_tokens, form.rest_grammar())

    def _prompt(self, messages: Messages) -> list[int]:
        """The chat template applied, tokenised; the system prompt's evaluated state restored when it was evicted."""
        tokens = self._tokens(self.formatter(messages=messages).prompt)
        if messages and messages[0]["role"] == "system":
            self._restore(messages, tokens)
        return tokens

    def _restore(self, messages: Messages, tokens: list[int]) -> None:
        system = messages[0]["content"]
        if system not in self._prefixes:
            prefix = self._system_prefix(messages[0])
            if tokens[: len(prefix)] != prefix:
                return  # the template does not keep the system turn apart: nothing to reuse
            self.llama.reset()
            self.llama.eval(prefix)
            self._prefixes[system] = (prefix, self.llama.save_state())
            return
        prefix, state = self._prefixes[system]
        held = list(self.llama.input_ids[: min(self.llama.n_tokens, len(prefix))])
        if held != prefix and tokens[: len(prefix)] == prefix:
            self.llama.load_state(state)
            self.restored += 1

    def _system_prefix(self, system: dict[str, str]) -> list[int]:
        """The tokens every prompt with this system turn starts with (whatever the user then says)."""
        a = self._tokens(self.formatter(messages=[system, {"role": "user", "content": "a"}]).prompt)
        b = self._tokens(self.formatter(messages=[system, {"role": "user", "content": "b"}]).prompt)
        n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        return a[:n]

    def _tokens(self, text: str) -> list[int]:
        return list(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _complete(self, prompt: list[int], max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        if grammar:
            yield from self._constrained(prompt, max_tokens, grammar)
            return
        chunks = self.llama.create_completion(
            prompt=prompt, max_tokens=max_tokens, temperature=0.0, stream=True
        )
        for chunk in chunks:
            piece = chunk["choices"][0]["text"]
            if piece:
                yield piece

    def _constrained(self, prompt: list[int], max_tokens: int, grammar: str) -> Iterator[str]:
        """Greedy decoding under a GBNF grammar, the model's own choice checked first (``_GrammarCheck``)."""
        llama = self.llama
        check = _GrammarCheck(llama, grammar)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            self._feed(prompt)
            for _ in range(max_tokens):
                token = check.best(llama._ctx.get_logits_ith(-1))
                if token is None or check.ends(token):
                    break
                check.accept(token)
                if piece := decoder.decode(llama.detokenize([token])):
                    yield piece
                llama.eval([token])
        finally:
            check.close()

    def _feed(self, prompt: list[int]) -> None:
        """Evaluate the prompt, reusing the longest prefix already in the KV cache (at least the last token is
        evaluated again, so its logits are fresh)."""
        llama = self.llama
        held = llama.input_ids[: llama.n_tokens]
        same = 0
        for a, b in zip(held, prompt, strict=False):
            if a != b:
                break
            same += 1
        llama.n_tokens = min(same, len(prompt) - 1)
        llama.eval(prompt[llama.n_tokens :])


_turns: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
_turns_lock = threading.Lock()


def _turn(llama: Any) -> threading.Lock:
    """The lock that gives one reply at a time the model (its KV cache and its logits): the web chat serves
    several users at once, and the process shares one loaded model between them."""
    with _turns_lock:
        return _turns.setdefault(llama, threading.Lock())


_TOKEN_DATA = [("id", "i4"), ("logit", "f4"), ("p", "f4")]  # llama.cpp's llama_token_data


class _GrammarCheck:
    """A llama.cpp grammar sampler used as a check, for greedy decoding.

    llama-cpp-python's sampler filters all 151,000 tokens of the vocabulary through the grammar at every step,
    which costs a third of the decoding time on 2 cores. The best token overall, when the grammar allows it,
    is also the best allowed token, so only a rejected choice needs the full filter (llama.cpp's own common
    sampler does the same). The reply is the one the full filter gives, token for token.
    """

    def __init__(self, llama: Any, grammar: str) -> None:
        import llama_cpp
        import numpy as np

        self.lib, self.np = llama_cpp, np
        self.vocab = llama._model.vocab
        self.sampler = llama_cpp.llama_sampler_init_grammar(self.vocab, grammar.encode("utf-8"), b"root")
        if not self.sampler:
            raise ValueError(f"not a valid grammar: {grammar!r}")
        self.one = np.zeros(1, dtype=_TOKEN_DATA)
        self.everything = np.zeros(llama.n_vocab(), dtype=_TOKEN_DATA)
        self.everything["id"] = np.arange(len(self.everything))  # the grammar masks logits, never reorders

    def best(self, logits_pointer: Any) -> int | None:
        """The best token the grammar allows after what was accepted so far (None: it allows none)."""
        np = self.np
        logits = np.ctypeslib.as_array(logits_pointer, shape=(len(self.everything),))
        token = int(np.argmax(logits))
        self.one[0] = (token, logits[token], 0.0)
        if np.isfinite(self._apply(self.one)[0]):
            return token
        self.everything["logit"] = logits
        allowed = self._apply(self.everything)
        token = int(np.argmax(allowed))
        return token if np.isfinite(allowed[token]) else None

    def ends(self, token: int) -> bool:
        return bool(self.lib.llama_vocab_is_eog(self.vocab, token))

    def accept(self, token: int) -> None:
        self.lib.llama_sampler_accept(self.sampler, token)

    def close(self) -> None:
        self.lib.llama_sampler_free(self.sampler)

    def _apply(self, data: Any) -> Any:
        """The grammar applied to these candidates: the logits of the tokens it rejects set to -inf."""
        array = self.lib.llama_token_data_array(
            data=data.ctypes.data_as(self.lib.llama_token_data_p), size=len(data), selected=-1, sorted=False
        )
        self.lib.llama_sampler_apply(self.sampler, ctypes.byref(array))
        return data["logit"]


def _token_text(llama: Any, token: int) -> str:
    return llama.detokenize([token], special=True).decode("utf-8", errors="replace") if token != -1 else ""


class LangChainChat:
    """Any LangChain chat model. ``token_param`` names the request field for the output cap (None: the model's
    own setting); ``structured`` lists the response formats to try, in order (empty: text only)."""

    def __init__(
        self, model: BaseChatModel, token_param: str | None = None, structured: Sequence[str] = ()
    ) -> None:
        self.model = model
        self.token_param = token_param
        self.modes = list(structured)

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        yield from self._stream(messages, self._body(max_tokens))

    def stream_structured(self, messages: Messages, max_tokens: int, form: AnswerFormat) -> Iterator[str]:
        """The reply under the first response format the server accepts; ``StructuredUnsupported`` if none."""
        while self.modes:
            body = {**self._body(max_tokens), "response_format": _response_format(self.modes[0], form)}
            pieces = self._stream(messages, body)
            try:
                first = next(pieces, "")
            except Exception as e:
                if not _rejects_format(e):
                    raise
                self.modes.pop(0)  # this server turns the format down: never ask it this way again
                continue
            yield first
            yield from pieces
            return
        raise StructuredUnsupported("the server accepts no structured response format")

    def _body(self, max_tokens: int) -> dict[str, Any]:
        return {self.token_param: max_tokens} if self.token_param else {}

    def _stream(self, messages: Messages, body: dict[str, Any]) -> Iterator[str]:
        pairs = [(m["role"], m["content"]) for m in messages]
        chunks = self.model.stream(pairs, extra_body=body) if body else self.model.stream(pairs)
        for chunk in chunks:
            if isinstance(chunk.content, str) and chunk.content:
                yield chunk.content


def _rejects_format(error: Exception) -> bool:
    """The server turned the response format down: a 4xx status, or any error that names the field (llama.cpp's
    server answers an unknown ``response_format`` type with a 500 that quotes its validation error)."""
    status = getattr(error, "status_code", None)
    return status in _REJECTED or (status is not None and "response_format" in str(error))


def _response_format(mode: str, form: AnswerFormat) -> dict[str, Any]:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "answer", "strict": True, "schema": form.json_schema()},
        }
    return {"type": "json_object", "schema": form.json_schema()}
