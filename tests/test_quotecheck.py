"""The quote checker: verdicts on a two-article inline corpus, exact offsets, and a gate on the eval set."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from chatbot.grounding.attribution import extract_corpus
from chatbot.grounding.quotecheck import QuoteVerdict, check_quote
from chatbot.ingest.documents import Document, Page, SourceMeta, load_corpus
from chatbot.ingest.furniture import content_spans
from tests.conftest import CORPUS, ROOT

HARBOUR = (
    "Harbour chief Marta Okonkwo said the quay would reopen in May. "
    '"We will not let the storms win this time," Okonkwo said. '
    "The council said it had approved a budget of four million euros for repairs."
)
BAY = (
    "Fishermen in the bay fear that the new rules will ruin their trade. "
    "Jonas Berg, a skipper, said the catch had halved since spring."
)
# Measured on evals/quote_checks.jsonl: 92 of 92 verdicts right.
MEASURED_ACCURACY = 1.0


def article(name: str, text: str, author: str = "") -> Document:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(Path(name), name, sha, SourceMeta(author=author), [Page(None, text, content_spans(text))])


INLINE = [article("harbour.txt", HARBOUR), article("bay.txt", BAY, author="Dana Reid")]
INLINE_ATTRIBUTIONS = extract_corpus(INLINE)


def check(text: str, speaker: str | None = None) -> QuoteVerdict:
    return check_quote(text, speaker, INLINE, INLINE_ATTRIBUTIONS)


@pytest.mark.parametrize(
    ("text", "speaker", "verdict", "actual"),
    [
        ("We will not let the storms win this time", "Marta Okonkwo", "exact", "Marta Okonkwo"),
        ("we will not let the storms win this time", "Okonkwo", "exact", "Marta Okonkwo"),
        ("“We will not   let the\nstorms win”", None, "exact", "Marta Okonkwo"),
        ("the quay would reopen in May.", "Okonkwo", "exact", "Marta Okonkwo"),
        ("We will not let the storm win this time", "Marta Okonkwo", "close", "Marta Okonkwo"),
        ("it had approved a budget of five million euros for repairs", None, "close", "council"),
        ("the catch had halved since spring", "Marta Okonkwo", "misattributed", "Jonas Berg"),
        ("We will not let the storms win", "the council", "misattributed", "Marta Okonkwo"),
        ("the new rules will ruin their trade", "Jonas Berg", "misattributed", "Dana Reid"),
        ("the new rules will ruin their trade", "Dana Reid", "exact", "Dana Reid"),
        ("The council said it had approved the new rules will ruin their trade", None, "stitched", None),
        ("The harbour will be sold to a private investor", "Marta Okonkwo", "not_found", None),
        ("", None, "not_found", None),
    ],
)
def test_verdicts(text: str, speaker: str | None, verdict: str, actual: str | None) -> None:
    result = check(text, speaker)
    assert (result.verdict, result.actual_speaker) == (verdict, actual), result.explanation
    assert result.text == text and result.speaker == (speaker or None)
    assert result.explanation.endswith(".")


def test_a_match_points_at_its_verbatim_corpus_text() -> None:
    result = check("WE WILL NOT LET THE STORMS WIN", "Okonkwo")
    page = INLINE[0].pages[0]
    assert result.source == "harbour.txt" and result.start is not None and result.end is not None
    assert result.matched == page.text[result.start : result.end] == "We will not let the storms win"


def test_close_match_gives_a_word_diff() -> None:
    result = check("We will not let the storm win this time", "Okonkwo")
    assert ("-", "storms") in result.diff and ("+", "storm") in result.diff
    assert [w for op, w in result.diff if op != "+"] == (result.matched or "").split()


def test_stitched_quote_lists_its_fragments_with_offsets() -> None:
    result = check("The council said it had approved the new rules will ruin their trade")
    assert [f["source"] for f in result.fragments] == ["harbour.txt", "bay.txt"]
    by_name = {d.name: d.pages[0].text for d in INLINE}
    for f in result.fragments:
        text, start, end = str(f["source"]), int(str(f["start"])), int(str(f["end"]))
        assert by_name[text][start:end] == f["text"]
    assert result.source is None  # fragments from two articles


def test_speaker_given_as_the_institution_in_the_role() -> None:
    docs = [article("m.txt", "Foreign Ministry spokesperson Ana Lind confirmed that the talks would resume.")]
    result = check_quote("the talks would resume", "the Foreign Ministry", docs, extract_corpus(docs))
    assert (result.verdict, result.actual_speaker) == ("exact", "Ana Lind")


DOCS, _ = load_corpus(CORPUS)
ATTRIBUTIONS = extract_corpus(DOCS)
ROWS = [json.loads(line) for line in (ROOT / "evals" / "quote_checks.jsonl").read_text().splitlines() if line]


def test_real_corpus_offsets_round_trip() -> None:
    pages = {d.name: d.pages[0].text for d in DOCS}
    for row in ROWS:
        result = check_quote(row["text"], row["speaker"], DOCS, ATTRIBUTIONS)
        if result.source and result.start is not None and result.end is not None:
            assert pages[result.source][result.start : result.end] == result.matched


def test_eval_accuracy_does_not_regress() -> None:
    right: Counter[str] = Counter()
    wrong = []
    for row in ROWS:
        result = check_quote(row["text"], row["speaker"], DOCS, ATTRIBUTIONS)
        if result.verdict == row["expected"]:
            right[row["expected"]] += 1
        else:
            wrong.append((row["id"], row["expected"], result.verdict))
    assert sum(right.values()) / len(ROWS) >= MEASURED_ACCURACY - 0.03, wrong
