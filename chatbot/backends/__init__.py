"""Answer backends, chosen by name in settings, on the CLI and in the UI.

``extractive`` (quotes only) is always there. ``local`` needs the ``[local]`` extra
(llama-cpp-python) and ``openai`` needs a configured endpoint; ``available`` lists only
what can answer now, so the UI never offers a backend that would fail.
"""

from __future__ import annotations

from chatbot.answer import AnswerBackend
from chatbot.settings import Settings

LABELS = {
    "extractive": "Quotes (extractive)",
    "local": "Local LLM (Qwen2.5-Coder-1.5B)",
    "openai": "LLM server",
}


def available(settings: Settings) -> list[str]:
    """Backends that are installed and configured, default first."""
    from chatbot.backends.generative import local_ready, openai_ready

    names = ["extractive"]
    if local_ready(settings):
        names.append("local")
    if openai_ready(settings):
        names.append("openai")
    return names


def make_backend(name: str, settings: Settings) -> AnswerBackend:
    if name == "extractive":
        from chatbot.backends.extractive import ExtractiveBackend

        return ExtractiveBackend(settings)
    if name in ("local", "openai"):
        from chatbot.backends.generative import make_generative

        return make_generative(name, settings)
    raise ValueError(f"unknown answer backend {name!r}; choose from: {', '.join(LABELS)}")
