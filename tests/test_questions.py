"""Question analysis: what a question asks for, whom it names, and which source it points at."""

from __future__ import annotations

import pytest

from chatbot.text.questions import analyse, best_number, find_answer, name_words, question_names


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When is the Trump-Xi summit?", "date"),
        ("On what dates was the conference held?", "date"),
        ("In what year was the Paris Agreement adopted?", "date"),
        ("How many parameters does DeepSeek V4-Flash activate?", "number"),
        ("Exactly how many companies stopped releasing open models?", "number"),
        ("What is Project Maven's annual budget?", "number"),
        ("What tariff rates did the US and China agree on?", "number"),
        ("Who headed the Chinese delegation?", "name"),
        ("What is the name of the South Korean telecom giant?", "name"),
        ("Who made up the Chinese delegation?", "people"),
        ("Why is verification a technical impossibility?", None),
    ],
)
def test_answer_type(question: str, kind: str | None) -> None:
    assert analyse(question).answer_type == kind


@pytest.mark.parametrize(
    ("question", "speaker", "role_of"),
    [
        ("What did Lin Yun say about open models?", "Lin Yun", None),
        ("Why did Whitfield Diffie describe AI as a global technology?", "Whitfield Diffie", None),
        ("Why does Andrew Barto expect attackers to win?", "Andrew Barto", None),
        ("What is the key to sharing, according to Lin Yun?", "Lin Yun", None),
        ("Who is Guo Jiakun?", None, "Guo Jiakun"),
        ("What is Scott Bessant's role?", None, "Scott Bessant"),
        ("What did the analysts expect?", None, None),
    ],
)
def test_speaker_and_role_questions(question: str, speaker: str | None, role_of: str | None) -> None:
    info = analyse(question)
    assert (info.speaker, info.role_of) == (speaker, role_of)


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Besides chips, what else do export controls target?", []),
        ("What did Xi Jinping say at the summit?", ["Xi Jinping"]),
        ('Who called it "industrial-scale" theft?', ["industrial-scale"]),
        ("How many nations sit on the UN committee in Kelly's view?", ["UN", "Kelly's"]),
    ],
)
def test_question_names(question: str, names: list[str]) -> None:
    assert question_names(question) == names


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Kelly's", ["kelly"]),
        ("AI-driven", ["ai"]),
        ("Cold War-era", ["cold", "war"]),
        ("Nvidia H100", ["nvidia", "h100"]),
    ],
)
def test_name_words(name: str, words: list[str]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("question", "text", "number"),
    [
        (
            "How many parameters does V4-Flash activate per token?",
            "a 284-billion parameter architecture that activates only 13 billion parameters per token",
            "13 billion parameters",
        ),
        ("How many nations?", "A committee of 193 nations cannot govern it.", "193 nations"),
        (
            "How much revenue did Anthropic lose?",
            "its models, Mythos and Fable 5, over national security",
            None,
        ),
        ("What tariff rates were agreed?", "the summit on May 14 and 15, 2026 covered tariffs", None),
    ],
)
def test_numbers_are_counts_not_names_or_dates(question: str, text: str, number: str | None) -> None:
    assert best_number(question, text) == number


def test_a_date_inside_a_year_is_not_a_date() -> None:
    assert find_answer("date", "When will it be announced?", "announced by August 2026") == "August 2026"


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Who led the talks, and which official confirmed the new round?",
            ["Who led the talks?", "Which official confirmed the new round?"],
        ),
        ("What is X; how does it work?", ["What is X?", "How does it work?"]),
        ("Who said it and why?", ["Who said it and why?"]),
        (
            "Which models from Meta and from Nvidia are mentioned?",
            ["Which models from Meta and from Nvidia are mentioned?"],
        ),
    ],
)
def test_split_compound(question: str, parts: list[str]) -> None:
    from chatbot.text.questions import split_compound

    assert split_compound(question) == parts


@pytest.mark.parametrize(
    ("question", "text", "name"),
    [
        (
            "Who leads the talks?",
            "The talks are led on the American side by US Treasury Secretary Scott Bessant.",
            "US Treasury Secretary Scott Bessant",
        ),
        ("Who warned about it?", '"It is serious," Casper said.', "Casper"),
        ("Who built it?", "The American firm built it.", None),
    ],
)
def test_best_name(question: str, text: str, name: str | None) -> None:
    from chatbot.text.questions import best_name

    assert best_name(question, text) == name
