"""Conversations outside the browser: the terminal chat (``chatbot chat``) and a conversation read from a
JSON file (``chatbot ask --history FILE``), so a script can test follow-ups.

The chat is a read-eval-print loop in the manner of ``llm chat``: each question is asked with the
conversation so far (the pipeline resolves "he" and "she" from it), ``/sources`` shows the last answer's
quotes with their places, ``/clear`` starts a new conversation, ``/exit`` (or Ctrl-D) leaves. Everything
the user or the corpus wrote is printed as text, never read as markup.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from chatbot.answer import Answer, History
from chatbot.errors import ChatbotError

HELP = "Commands: /sources (the last answer's sources), /clear (start over), /help, /exit (or Ctrl-D)."


class HistoryError(ChatbotError):
    """A conversation file that cannot be read as one; the message names the file and the turn."""


class ChatSession:
    """One conversation: what was asked and answered so far, and the last answer's sources."""

    def __init__(self, answer: Callable[[str, History], Answer], console: Console) -> None:
        self.answer = answer
        self.console = console
        self.history: list[tuple[str, str]] = []
        self.last: Answer | None = None

    def handle(self, line: str) -> bool:
        """Act on one line of input; False when the user asked to leave."""
        text = line.strip()
        if not text:
            return True
        if text.startswith("/"):
            return self.command(text.split()[0].lower())
        reply = self.answer(text, tuple(self.history))
        self.history.append((text, reply.answer))
        self.last = reply
        self.show(reply)
        return True

    def command(self, name: str) -> bool:
        if name in ("/exit", "/quit"):
            return False
        if name == "/sources":
            self.sources()
        elif name == "/clear":
            self.history, self.last = [], None
            self.console.print(Text("Conversation cleared; the next question starts a new one.", style="dim"))
        elif name == "/help":
            self.console.print(Text(HELP))
        else:
            self.console.print(Text(f"Unknown command {name}. {HELP}", style="yellow"))
        return True

    def show(self, reply: Answer) -> None:
        if reply.standalone:
            self.console.print(Text(f"Read as: “{reply.standalone}”", style="dim"))
        self.console.print(Text(reply.answer, style="" if reply.answerable else "yellow"))
        n = len(reply.citations)
        kind = "sources" if reply.answerable else "closest passages"
        hint = f"{n} {kind}: /sources" if n else "no sources"
        self.console.print(Text(f"{hint} · {reply.timings.get('total_ms', 0):.0f} ms", style="dim"))

    def sources(self) -> None:
        if self.last is None or not self.last.citations:
            self.console.print(Text("No sources yet: ask a question first.", style="dim"))
            return
        for c in self.last.citations:
            where = f"{c.source}, characters {c.start}–{c.end}" + (f", page {c.page}" if c.page else "")
            self.console.print(Text.assemble(" ", (f"[{c.n}]", "bold"), " ", c.title))
            self.console.print(Text(f"     {where}", style="dim"), soft_wrap=True)
            self.console.print(Text(f"     “{c.quote}”"))


def repl(session: ChatSession, banner: str, read: Callable[[str], str] = input) -> int:
    """Read questions until ``/exit`` or end of input; line editing and recall where readline exists."""
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (importing it gives input() line editing and history)
    session.console.print(Text(banner))
    session.console.print(Text(HELP, style="dim"))
    while True:
        try:
            line = read("> ")
        except EOFError:
            session.console.print()
            return 0
        if not session.handle(line):
            return 0


# --- a conversation from a file -------------------------------------------------------------------------


def read_history(path: Path) -> tuple[list[tuple[str, str]], str | None]:
    """A conversation file as (answered turns, the final unanswered question or None).

    Accepted shapes: a list of turns ``[{"question": ..., "answer": ...}, ..., {"question": ...}]``; the same
    under ``{"turns": [...]}`` (an eval conversation); or chat messages ``[{"role": "user" | "assistant",
    "content": ...}]``, also under ``{"messages": [...]}``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HistoryError(f"there is no conversation file at {path}") from None
    except json.JSONDecodeError as exc:
        raise HistoryError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    if isinstance(data, dict):
        data = data.get("turns", data.get("messages"))
    if not isinstance(data, list) or not data or not all(isinstance(t, dict) for t in data):
        raise HistoryError(f"{path} is not a conversation: expected a list of turns or of chat messages")
    pairs = _from_messages(path, data) if "role" in data[0] else _from_turns(path, data)
    if pairs[-1][1] is None:
        return [(q, a) for q, a in pairs[:-1] if a is not None], pairs[-1][0]
    return [(q, a) for q, a in pairs if a is not None], None


def _from_turns(path: Path, turns: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for n, turn in enumerate(turns, start=1):
        question, answer = turn.get("question"), turn.get("answer")
        if not isinstance(question, str) or not question.strip():
            raise HistoryError(f"{path}: turn {n} has no question")
        if answer is None and n < len(turns):
            raise HistoryError(f"{path}: turn {n} has no answer; only the last turn may be unanswered")
        out.append((question, None if answer is None else str(answer)))
    return out


def _from_messages(path: Path, messages: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for n, m in enumerate(messages, start=1):
        role, content = m.get("role"), m.get("content")
        if role not in ("user", "assistant", "system") or not isinstance(content, str):
            raise HistoryError(f"{path}: message {n} needs a role (user or assistant) and text content")
        if role == "user":
            out.append((content, None))
        elif role == "assistant":
            if not out or out[-1][1] is not None:
                raise HistoryError(f"{path}: message {n} answers no question")
            out[-1] = (out[-1][0], content)
    if not out:
        raise HistoryError(f"{path}: the conversation holds no question")
    if any(a is None for _, a in out[:-1]):
        raise HistoryError(f"{path}: only the last question may be unanswered")
    return out
