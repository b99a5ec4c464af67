"""Grounding tests for your own corpus, written in pytest.

The evaluation suite answers "how good is it overall?"; a grounding test pins one question down: "asked
this, it must answer from these documents, with these facts, and quote them exactly" or "asked that, it
must say the corpus does not answer". It runs the real pipeline (the same index, retrieval, backend and
citations as ``chatbot ask``) over a corpus folder, so a failure is the product failing, and the message
says how, in words::

    # conftest.py
    from chatbot.testing import corpus_fixture
    corpus = corpus_fixture("docs/")            # an index built once per test session, in a temporary folder

    # test_grounding.py
    from chatbot.testing import ask, assert_cites, assert_grounded, assert_refused

    def test_the_lamp(corpus):
        reply = ask(corpus, "When was the lighthouse lamp replaced?")
        assert_grounded(reply, facts=["1998"])     # answered, every quote verbatim, facts present, claims supported
        assert_cites(reply, "lighthouse.txt", quote="replaced in 1998")

    def test_unknown(corpus):
        assert_refused(ask(corpus, "Who painted the lighthouse?"))

Every assertion raises ``GroundingFailure`` (an ``AssertionError``, so pytest reports it as a failed test)
listing every problem found, the answer, and its citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from chatbot.answer import Answer, Citation, History
from chatbot.settings import Settings, load_settings
from chatbot.text.normalise import fold

if TYPE_CHECKING:
    from chatbot.grounding.support import SupportChecker
    from chatbot.pipeline import Pipeline

Fact = str | Sequence[str]  # one fact, or its acceptable alternatives
_MARKER = re.compile(r"\[(\d+)\]")


class GroundingFailure(AssertionError):
    """A grounding assertion that did not hold; the message lists each problem, then the answer."""


@dataclass(repr=False)
class Corpus:
    """A corpus folder with its index: the real pipeline, loaded once and asked many times."""

    pipeline: Pipeline

    def __repr__(self) -> str:  # pytest prints fixtures in failure reports: keep it to the folder
        return f"Corpus({self.settings.corpus_dir}, backend {self.settings.backend})"

    @classmethod
    def open(cls, folder: str | Path, index_dir: str | Path, backend: str | None = None) -> Corpus:
        """The pipeline over ``folder``, its index in ``index_dir`` (built on first use, reused when fresh)."""
        from chatbot.pipeline import Pipeline

        settings = load_settings(corpus_dir=Path(folder), index_dir=Path(index_dir), backend=backend)
        return cls(Pipeline(settings.model_copy(update={"uploads_dir": None})))

    @property
    def settings(self) -> Settings:
        return self.pipeline.settings

    @cached_property
    def checker(self) -> SupportChecker:
        from chatbot.grounding.support import SupportChecker

        return SupportChecker(self.pipeline.embedder, self.settings)


@dataclass
class Reply:
    """An answer with the corpus it came from, which the assertions need to re-read quotes and check claims."""

    answer: Answer
    corpus: Corpus

    @property
    def text(self) -> str:
        return self.answer.answer

    @property
    def answerable(self) -> bool:
        return self.answer.answerable

    @property
    def citations(self) -> list[Citation]:
        return self.answer.citations


def corpus_fixture(folder: str | Path, name: str = "corpus", backend: str | None = None) -> Any:
    """A session-scoped pytest fixture named ``name``: the corpus in ``folder`` with an index in a
    temporary folder. Assign it in a ``conftest.py`` (``corpus = corpus_fixture("docs/")``)."""
    import pytest

    @pytest.fixture(scope="session", name=name)
    def _corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
        return Corpus.open(folder, tmp_path_factory.mktemp("chatbot-index"), backend)

    return _corpus


def ask(
    corpus: Corpus, question: str, history: Sequence[Reply | tuple[str, str]] = (), backend: str | None = None
) -> Reply:
    """The question through the real pipeline; ``history`` (earlier replies, or (question, answer) pairs,
    oldest first) makes it a follow-up, as in a chat."""
    turns: History = tuple(
        (h.answer.question, h.text) if isinstance(h, Reply) else (h[0], h[1]) for h in history
    )
    return Reply(corpus.pipeline.ask(question, turns, backend), corpus)


def assert_grounded(reply: Reply, facts: Sequence[Fact] = (), supported: bool = True) -> None:
    """The corpus answered, and grounded: at least one citation; every ``[n]`` has its citation; every quote
    is verbatim in its source at its offsets (re-read from disk); every fact appears in the answer (a fact
    may be a list of alternatives; compared after folding case and typography); and, with ``supported``,
    the support checker finds every claim backed by the quotes it cites."""
    __tracebackhide__ = True
    problems = []
    if not reply.answerable:
        problems.append("it refused: the answer says the corpus does not answer this question")
    elif not reply.citations:
        problems.append("it cites nothing")
    problems += _marker_problems(reply) + _verbatim_problems(reply) + _fact_problems(reply, facts)
    if supported and reply.answerable and not problems:
        problems += _support_problems(reply)
    _fail_if(problems, reply, "is not grounded")


def assert_refused(reply: Reply) -> None:
    """The system said the corpus does not answer (whatever it shows as the closest passages)."""
    __tracebackhide__ = True
    if reply.answerable:
        _fail_if(["it answered, but the corpus should not answer this question"], reply, "was not refused")


def assert_cites(reply: Reply, source: str, quote: str | None = None) -> None:
    """Some citation is from ``source`` (a file name, or the end of its path), verbatim, and, if ``quote``
    is given, its quote contains that text (compared after folding case and typography)."""
    __tracebackhide__ = True
    from chatbot.evaluation.scoring import citation_is_valid

    from_source = [c for c in reply.citations if _same_source(c, source)]
    problems = []
    if not from_source:
        cited = ", ".join(sorted({Path(c.source).name for c in reply.citations})) or "nothing"
        problems.append(f"it cites no passage of {source!r} (it cites {cited})")
    elif quote is not None and not any(fold(quote) in fold(c.quote) for c in from_source):
        problems.append(f"no citation of {source!r} contains “{quote}”")
    problems += [
        f"citation [{c.n}] of {source!r} is not verbatim" for c in from_source if not citation_is_valid(c)
    ]
    _fail_if(problems, reply, f"does not cite {source}")


# --- the checks -----------------------------------------------------------------------------------------


def _marker_problems(reply: Reply) -> list[str]:
    numbers = {c.n for c in reply.citations}
    dangling = sorted({int(n) for n in _MARKER.findall(reply.text)} - numbers)
    return [f"the answer's [{n}] refers to no citation" for n in dangling]


def _verbatim_problems(reply: Reply) -> list[str]:
    from chatbot.evaluation.scoring import source_text

    problems = []
    for c in reply.citations:
        try:
            found = source_text(c)[c.start : c.end]
        except (OSError, ValueError) as exc:
            problems.append(f"citation [{c.n}]: its source {c.source} cannot be read ({exc})")
            continue
        if found != c.quote or not c.quote:
            problems.append(
                f"citation [{c.n}] is not verbatim: {c.source} characters {c.start}–{c.end} read “{_short(found)}”, "
                f"the citation quotes “{_short(c.quote)}”"
            )
    return problems


def _fact_problems(reply: Reply, facts: Sequence[Fact]) -> list[str]:
    text = fold(reply.text)
    problems = []
    for fact in facts:
        alternatives = [fact] if isinstance(fact, str) else list(fact)
        if not any(fold(a) in text for a in alternatives):
            shown = " or ".join(f"“{a}”" for a in alternatives)
            problems.append(f"the answer lacks the fact {shown}")
    return problems


def _support_problems(reply: Reply) -> list[str]:
    from chatbot.evaluation.scoring import judge_statements

    return [
        f"the claim “{_short(s.text)}” is not supported by its citations {' '.join(f'[{n}]' for n in s.citations) or '(none)'}"
        for s in judge_statements(reply.answer, reply.corpus.checker)
        if not s.supported
    ]


def _same_source(citation: Citation, source: str) -> bool:
    """Whole path components: "lighthouse.txt" matches "corpus/lighthouse.txt", not "old-lighthouse.txt"."""
    wanted = PurePosixPath(source.replace("\\", "/")).parts
    for name in (citation.source, citation.document):
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if wanted and parts[-len(wanted) :] == wanted:
            return True
    return False


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fail_if(problems: list[str], reply: Reply, verdict: str) -> None:
    __tracebackhide__ = True
    if not problems:
        return
    lines = [f"“{reply.answer.question}” {verdict}:"]
    lines += [f"  - {p}" for p in problems]
    lines += ["", f"Answer ({reply.answer.backend}):"]
    lines += [f"  {line}" for line in reply.text.splitlines()]
    if reply.citations:
        lines.append("Citations:")
        for c in reply.citations:
            lines.append(f"  [{c.n}] {c.source} {c.start}–{c.end}: “{_short(c.quote)}”")
    raise GroundingFailure("\n".join(lines))


__all__: list[str] = [
    "Corpus",
    "GroundingFailure",
    "Reply",
    "ask",
    "assert_cites",
    "assert_grounded",
    "assert_refused",
    "corpus_fixture",
]
