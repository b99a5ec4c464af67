"""The structured answer format: ``{"refuse": bool, "sentences": [{"text": str, "evidence": [ids]}]}``.

A small model asked to end its sentences with ``[n]`` marks writes malformed or invented marks, or
(greedy, on a short prompt) only the mark: asked when a lighthouse was built, Qwen2.5-1.5B replies
``1`` and stops. Constrained decoding makes that impossible: the reply is JSON of one shape, every
``evidence`` id is one of the shown sentences' numbers, and a sentence's text holds at least a few
characters and no brackets (so no marks of its own).

- ``AnswerFormat.json_schema()``: the JSON schema for servers with structured output.
- ``AnswerFormat.opening`` / ``decision_grammar`` / ``continuation`` / ``rest_grammar()``: the same
  shape as llama.cpp GBNF, in two steps, so that the fixed JSON around the one decision is fed
  to the model as prompt (evaluated in a batch) instead of being generated a token at a time.
- ``read_reply``: the reply so far, complete or cut off, as a decision and finished sentences;
  ``visible_text``: the sentence texts written so far, for streaming to the reader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from chatbot.text.sentences import split

MIN_TEXT_CHARS = 8
MAX_IDS = 4  # citations per sentence
_TEXT_CHAR = r'[^"\\\x00-\x1f\[\]]'  # GBNF: any character but a quote, a backslash, a control or a bracket


@dataclass(frozen=True)
class AnswerFormat:
    """The reply shape for one prompt: evidence ids ``1..shown``, at most ``max_sentences`` sentences."""

    shown: int
    max_sentences: int = 3
    yes_no: bool = False  # the first sentence opens with "Yes" or "No": the model must take a stance
    min_sentences: int = 1  # unless it declines: an explanation is asked for more than one copied sentence
    may_refuse: bool = True  # False: the evidence checks already found an answer, so the model must write one

    @property
    def ids(self) -> list[int]:
        return list(range(1, self.shown + 1))

    def json_schema(self) -> dict[str, Any]:
        """Standard JSON schema (the subset strict servers accept: no string lengths)."""
        sentence = {
            "type": "object",
            "properties": {
                "text": {"type": "string"},
                "evidence": {
                    "type": "array",
                    "items": {"type": "integer", "enum": self.ids},
                    "minItems": 1,
                    "maxItems": MAX_IDS,
                },
            },
            "required": ["text", "evidence"],
            "additionalProperties": False,
        }
        return {
            "type": "object",
            "properties": {
                "refuse": {"type": "boolean"} if self.may_refuse else {"type": "boolean", "enum": [False]},
                "sentences": {"type": "array", "items": sentence, "maxItems": self.max_sentences},
            },
            "required": ["refuse", "sentences"],
            "additionalProperties": False,
        }

    # llama.cpp, in two steps: the opening is prompt, the model decides, the continuation is prompt again.
    opening = '{"refuse": '

    @property
    def decision_grammar(self) -> str:
        return 'root ::= "true" | "false"' if self.may_refuse else 'root ::= "false"'

    continuation = ', "sentences": [{"text": "'
    refusal_close = ', "sentences": []}'

    def rest_grammar(self) -> str:
        """GBNF for the rest of a non-refusal reply, from inside the first sentence's text to the end."""
        ids = " | ".join(f'"{n}"' for n in self.ids)
        least, most = max(0, min(self.min_sentences, self.max_sentences) - 1), max(0, self.max_sentences - 1)
        more = f'( ", {{\\"text\\": \\"" text evidence ){{{least},{most}}} ' if most else ""
        first = '("Yes" | "No") [,.] " " text' if self.yes_no else "text"
        return "\n".join(
            [
                f'root ::= {first} evidence {more}"]}}"',
                f"text ::= {_TEXT_CHAR}{{{MIN_TEXT_CHARS},}}",
                f'evidence ::= "\\", \\"evidence\\": [" id ( ", " id ){{0,{MAX_IDS - 1}}} "]}}"',
                f"id ::= {ids}",
            ]
        )


@dataclass
class Reply:
    """A structured reply as far as it was written: the decision (None until written) and the sentences whose
    evidence list is complete."""

    refuse: bool | None = None
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)


_DECISION_RE = re.compile(r'"refuse"\s*:\s*(true|false)')
_TEXT_RE = re.compile(r'"text"\s*:\s*"((?:[^"\\]|\\.)*)("?)', re.DOTALL)
_EVIDENCE_RE = re.compile(r'\s*,?\s*"evidence"\s*:\s*\[([\d\s,]*)\]')


def read_reply(raw: str) -> Reply:
    """The decision and finished sentences of a JSON reply, complete or cut off by the token cap.

    A complete reply is read as JSON; a cut-off one sentence by sentence, so the sentences finished
    before the cap still count. Whatever is not of the expected shape is ignored.
    """
    try:
        data = json.loads(raw)
    except ValueError:
        return _read_partial(raw)
    if not isinstance(data, dict):
        return Reply()
    reply = Reply(refuse=data.get("refuse") if isinstance(data.get("refuse"), bool) else None)
    for s in data.get("sentences") or []:
        if isinstance(s, dict) and isinstance(s.get("text"), str):
            ids = [n for n in s.get("evidence") or [] if isinstance(n, int) and not isinstance(n, bool)]
            reply.sentences.append((s["text"], ids))
    return reply


def _read_partial(raw: str) -> Reply:
    decision = _DECISION_RE.search(raw)
    reply = Reply(refuse=decision.group(1) == "true" if decision else None)
    for m in _TEXT_RE.finditer(raw):
        evidence = _EVIDENCE_RE.match(raw, m.end()) if m.group(2) else None
        if evidence is None:
            # The cap fell inside this text or before its evidence: its finished sentences still count,
            # uncited (verification cites them from the shown sentences, or removes them).
            finished = split(_unescape(m.group(1)))
            if not m.group(2):
                finished = finished[:-1]  # the last one was still being written
            reply.sentences.extend((text, []) for text in finished if text.strip())
            break
        ids = [int(n) for n in re.findall(r"\d+", evidence.group(1))]
        reply.sentences.append((_unescape(m.group(1)), ids))
    return reply


def visible_text(raw: str) -> str:
    """The sentence texts of a JSON reply written so far, joined: what a reader can be shown mid-stream."""
    return " ".join(_unescape(m.group(1)).strip() for m in _TEXT_RE.finditer(raw)).strip()


def looks_structured(raw: str) -> bool:
    """The reply is (the start of) a JSON object, not free text."""
    return raw.lstrip().startswith("{")


def _unescape(text: str) -> str:
    """A JSON string body, possibly cut inside an escape: decoded as far as it is whole."""
    text = re.sub(r"\\u[0-9a-fA-F]{0,3}$|\\$", "", text)
    try:
        return str(json.loads(f'"{text}"'))
    except ValueError:
        return text.replace('\\"', '"').replace("\\\\", "\\")
