"""The corpus every grounding test here asks: the documents in ``corpus/``, indexed once per test session
(in a temporary folder) by the real pipeline. For your own documents, point it at their folder."""

from pathlib import Path

from chatbot.testing import corpus_fixture

corpus = corpus_fixture(Path(__file__).parent / "corpus")
