"""Generative backends (``local``, ``openai``): fluent answers whose every sentence is cited and checked.

Placeholder until the generative backends land: nothing is installed or configured, so the
registry offers only the extractive backend.
"""

from __future__ import annotations

from chatbot.answer import AnswerBackend
from chatbot.settings import Settings


def local_ready(settings: Settings) -> bool:
    return False


def openai_ready(settings: Settings) -> bool:
    return False


def make_generative(name: str, settings: Settings) -> AnswerBackend:
    raise ValueError(f"the {name!r} backend is not installed")
