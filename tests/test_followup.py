"""Follow-up questions are made standalone before retrieval."""

from __future__ import annotations

import pytest

from chatbot.pipeline import Pipeline
from chatbot.text.followup import condense, thing_named, within_question

PEOPLE = {"Stephen Casper", "Lin Yun", "Guo Jiakun"}
CASPER = ("Who said AI doesn't need a Chernobyl moment?", "Stephen Casper [1] [3].")
TFF = ("What does the TechFastForward article say about war?", "…")


@pytest.mark.parametrize(
    ("history", "question", "standalone"),
    [
        ([CASPER], "What did he say about the Cold War?", "What did Stephen Casper say about the Cold War?"),
        ([CASPER], "Where does he work?", "Where does Stephen Casper work?"),
        ([CASPER], "What is his job?", "What is Stephen Casper’s job?"),
        (
            [("What did Lin Yun say about attackers?", "Lin Yun … expects attackers …")],
            "Where does she teach?",
            "Where does Lin Yun teach?",
        ),  # fmt: skip
        (
            [("Who is Guo Jiakun?", "Guo Jiakun: Chinese Foreign Ministry spokesperson [1].")],
            "What did he say?",
            "What did Guo Jiakun say?",
        ),  # fmt: skip
        ([TFF], "When was it published?", "When was the TechFastForward article published?"),
        ([TFF, CASPER], "Who is the author of it?", "Who is the author of the TechFastForward article?"),
        ([("What is Kenji Kelly's piece about?", "…")], "Who wrote it?", "Who wrote Kelly's piece?"),
        ([TFF], "When did it happen?", "When did it happen?"),  # not the document's own date: unchanged
        ([CASPER], "Who wrote it?", "Who wrote it?"),  # no document named before
        ([CASPER], "When is the summit?", "When is the summit?"),  # no pronoun: unchanged
        ([], "What did he say?", "What did he say?"),  # nothing to refer to
        ([("When is the summit?", "May 14 and 15, 2026 [1].")], "What did he say?", "What did he say?"),
    ],
)
def test_pronouns_resolve_to_the_person_last_discussed(
    history: list[tuple[str, str]], question: str, standalone: str
) -> None:
    assert condense(question, history, PEOPLE) == standalone


def test_pipeline_answers_a_follow_up_about_the_person_just_named(pipeline: Pipeline) -> None:
    first = pipeline.ask(CASPER[0])
    follow = pipeline.ask("What did he say about the Cold War?", [(first.question, first.answer)])
    assert follow.standalone == "What did Stephen Casper say about the Cold War?"
    assert follow.answerable and "Cold War" in follow.answer
    assert all("Cold War" in c.quote or "Casper" in c.quote for c in follow.citations)


def test_pipeline_answers_a_follow_up_about_the_document_just_named(pipeline: Pipeline) -> None:
    first = pipeline.ask(TFF[0])
    follow = pipeline.ask("When was it published?", [(first.question, first.answer)])
    assert follow.standalone == "When was the TechFastForward article published?"
    assert follow.answerable and "May 8, 2026" in follow.answer.splitlines()[0]
    assert {c.source for c in follow.citations} == {"corpus/tff-most-important-ai-meeting-of-2026.txt"}


@pytest.mark.parametrize(
    ("history", "question", "read"),
    [
        (
            [("What is the latest release from Z.ai?", "…")],
            "What can it do?",
            "What can the latest release do?",
        ),
        (
            [("What does the labyrinth spillway cost?", "…"), ("What can it do?", "…")],
            "What are its limits?",
            "What are the labyrinth spillway’s limits?",  # the question before says only "it": the one before
        ),
        # A person, a name or a document is not what "it" stands for here; an empty "it" stays.
        ([("Who founded Kestrel Labs?", "…")], "When did it open?", "When did it open?"),
        ([TFF], "When did it happen?", "When did it happen?"),
        (
            [("What is the latest release from Z.ai?", "…")],
            "Why does it matter that it is open?",
            "Why does it matter that it is open?",
        ),
        ([("What is a tidal lagoon?", "…")], "How does the lagoon work?", "How does the lagoon work?"),
    ],
)
def test_it_across_turns_can_be_read_as_what_was_asked_about(
    history: list[tuple[str, str]], question: str, read: str
) -> None:
    assert thing_named(question, history) == read


def test_pipeline_reads_it_as_what_was_asked_about_only_when_the_question_finds_no_answer(
    pipeline: Pipeline,
) -> None:
    first = pipeline.ask("What is Z.ai's latest release?")
    history = [(first.question, first.answer)]
    follow = pipeline.ask("What can it do?", history)
    assert follow.standalone == "What can Z.ai's latest release do?"
    assert follow.answerable and "agentic" in follow.citations[0].quote
    # Answered as put: "it" is not read again.
    kept = pipeline.ask("Who released it?", [("What is the AI hotline some diplomats have proposed?", "…")])
    assert kept.standalone is None


@pytest.mark.parametrize(
    ("before", "part", "standalone"),
    [
        ("What is a tidal lagoon?", "How does it make power?", "How does a tidal lagoon make power?"),
        (
            "On what date did the Arden flood that closed the school happen?",
            "How many homes did it reach?",
            "How many homes did the Arden flood reach?",
        ),
        # The wh-phrase and a person are not what "it" stands for; a part without "it" is left alone.
        ("Which engineer designed the Orla bridge?", "When did it open?", "When did the Orla bridge open?"),
        ("Who founded Kestrel Labs?", "Where did Maria Lind study?", "Where did Maria Lind study?"),
        # An empty "it", standing for the clause that follows, stays.
        (
            "What is a tidal lagoon?",
            "Why does it matter that it is cheap?",
            "Why does it matter that it is cheap?",
        ),
        ("What is a tidal lagoon?", "How long did it take to fill?", "How long did it take to fill?"),
    ],
)
def test_it_in_a_later_part_of_a_question_is_what_the_part_before_asks_about(
    before: str, part: str, standalone: str
) -> None:
    assert within_question(part, before) == standalone


def test_pipeline_answers_both_parts_of_a_question_whose_second_part_says_it(pipeline: Pipeline) -> None:
    answer = pipeline.ask("What is the AI hotline some diplomats have proposed, and how does it work?")
    assert answer.answerable and "1963 Moscow-Washington" in answer.answer
    # Read alone, "How does it work?" is answered by a sentence about Lin Yun's work.
    assert "Lin Yun" not in answer.answer
