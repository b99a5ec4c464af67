"""Answer backends, chosen by name in settings, on the CLI and in the UI."""

from __future__ import annotations

from chatbot.answer import AnswerBackend
from chatbot.settings import Settings


def available() -> list[str]:
    return ["extractive"]


def make_backend(name: str, settings: Settings) -> AnswerBackend:
    if name == "extractive":
        from chatbot.backends.extractive import ExtractiveBackend

        return ExtractiveBackend(settings)
    raise ValueError(f"unknown answer backend {name!r}; available: {', '.join(available())}")
