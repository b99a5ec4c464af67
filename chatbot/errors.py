"""The product's own errors: each one's message is a plain sentence a user can act on.

Everything a user can get wrong (a file, a folder, a setting, a backend name, a model) raises a
``ChatbotError``; the CLI prints its message as one line and exits 2, the web app shows it as text.
Anything else that escapes is a bug, and is allowed to look like one.
"""

from __future__ import annotations


class ChatbotError(Exception):
    """Base of the errors a user can act on; ``str(error)`` is the sentence to show."""


class ConfigError(ChatbotError):
    """A setting, a backend name, a model or a metadata file that cannot be used as given."""


class CorpusError(ChatbotError):
    """A corpus folder that is missing, unreadable or holds nothing to index."""
