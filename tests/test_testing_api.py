"""``chatbot.testing``, the grounding-test API, as an evaluator uses it: real questions through the real
pipeline over a small corpus, failures that say what went wrong, and the runnable example under
``examples/grounding/`` run with pytest exactly as its README says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import junitparser
import pytest

from chatbot.testing import (
    Corpus,
    GroundingFailure,
    Reply,
    ask,
    assert_cites,
    assert_grounded,
    assert_refused,
)
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "grounding"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus.open(EXAMPLE / "corpus", tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="module")
def lamp(corpus: Corpus) -> Reply:
    return ask(corpus, "When was the oil lamp at Karrow Point replaced?")


def test_a_grounded_answer_passes_every_assertion(lamp: Reply) -> None:
    assert_grounded(lamp, facts=["1998", ["electric lamp", "electric light"]])
    assert_cites(lamp, "lighthouse-history.md", quote="REPLACED by an electric lamp")
    assert_cites(lamp, "corpus/lighthouse-history.md")


def test_a_missing_fact_is_named_with_the_answer_and_its_citations(lamp: Reply) -> None:
    with pytest.raises(GroundingFailure) as caught:
        assert_grounded(lamp, facts=["1998", ["1999", "the last century"]])
    message = str(caught.value)
    assert message.startswith(
        "“When was the oil lamp at Karrow Point replaced?” is not grounded:\n"
        "  - the answer lacks the fact “1999” or “the last century”\n\nAnswer (extractive):\n"
    )
    assert "Citations:\n  [1] examples/grounding/corpus/lighthouse-history.md" in message
    assert "“The original oil lamp was replaced by an electric lamp in 1998.”" in message


def test_a_quote_that_is_not_verbatim_is_caught(lamp: Reply) -> None:
    first = lamp.citations[0]
    tampered = first.model_copy(update={"quote": first.quote.replace("1998", "1989")})
    reply = Reply(lamp.answer.model_copy(update={"citations": [tampered, *lamp.citations[1:]]}), lamp.corpus)
    with pytest.raises(GroundingFailure, match=r"citation \[1\] is not verbatim: .* read “The original oil lamp "
                       r"was replaced by an electric lamp in 1998\.”, the citation quotes “.*1989\.”"):  # fmt: skip
        assert_grounded(reply)


def test_a_claim_its_citation_does_not_support_is_caught(lamp: Reply) -> None:
    quote = lamp.citations[0].quote
    answer = lamp.answer.model_copy(
        update={"answer": f"The lighthouse tower was demolished by the navy in 1932. [1]\n{quote} [1]"}
    )
    with pytest.raises(GroundingFailure) as caught:
        assert_grounded(Reply(answer, lamp.corpus))
    assert "  - the claim “The lighthouse tower was demolished by the navy in 1932.” is not supported by its " \
           "citations [1]" in str(caught.value)  # fmt: skip


def test_refusals_and_sources_are_asserted_with_readable_messages(corpus: Corpus, lamp: Reply) -> None:
    assert_refused(ask(corpus, "What did Margaret Oduya say about the pier?"))
    with pytest.raises(GroundingFailure, match="“When was the oil lamp at Karrow Point replaced.” was not refused:\n"
                       "  - it answered, but the corpus should not answer this question"):  # fmt: skip
        assert_refused(lamp)
    with pytest.raises(GroundingFailure, match=r"it cites no passage of 'harbour-notice.txt' \(it cites "
                       r"lighthouse-history.md\)"):  # fmt: skip
        assert_cites(lamp, "harbour-notice.txt")
    with pytest.raises(
        GroundingFailure, match="no citation of 'lighthouse-history.md' contains “first keeper”"
    ):
        assert_cites(lamp, "lighthouse-history.md", quote="first keeper")
    with pytest.raises(GroundingFailure, match="it refused"):
        assert_grounded(ask(corpus, "What did Margaret Oduya say about the pier?"))


def test_a_follow_up_takes_the_earlier_replies_as_history(corpus: Corpus) -> None:
    first = ask(corpus, "Who said the work on the north pier would take about six weeks?")
    follow_up = ask(corpus, "What did he say about the repairs?", history=[first])
    assert follow_up.answer.standalone == "What did Tomas Reyes say about the repairs?"
    assert_grounded(follow_up, facts=["six weeks"])


def test_the_example_passes_and_its_written_to_fail_test_fails_readably(tmp_path: Path) -> None:
    report = tmp_path / "example.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "examples/grounding", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr  # exactly: some test failed
    cases = {case.name: case for suite in junitparser.JUnitXml.fromfile(str(report)) for case in suite}
    passing = {name for name, case in cases.items() if case.classname.endswith("test_grounding")}
    assert len(passing) == 4 and all(cases[name].is_passed for name in passing)
    failed = cases["test_the_tower_is_thirty_metres_tall"]
    assert not failed.is_passed
    assert "the answer lacks the fact “30 metres”" in failed.result[0].message
    shown = [line.removeprefix("E").strip() for line in result.stdout.splitlines()]  # pytest's "E   " margin
    for line in (
        "chatbot.testing.GroundingFailure: “How tall is the Karrow Point tower?” is not grounded:",
        "- the answer lacks the fact “30 metres”",
        "Answer (extractive):",
        "The tower is 24 metres tall and is painted white with a single red band. [1]",
    ):
        assert line in shown, result.stdout
    assert "1 failed, 4 passed" in result.stdout
