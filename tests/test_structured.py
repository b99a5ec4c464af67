"""Structured replies, the question-kind router and the fallback to quotes, with scripted chat models.

The scripted models reply in the structured format (``{"refuse": ..., "sentences": [...]}``) or as an
OpenAI-compatible server would: they record what they were asked, and can turn a response format down
the way a real server does (an error with an HTTP status). The real models are in ``test_generative``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk

from chatbot.answer import CORPUS_NOTE, Evidence
from chatbot.backends.chat import LangChainChat, StructuredUnsupported
from chatbot.backends.extractive import ExtractiveBackend
from chatbot.backends.generative import GenerativeBackend
from chatbot.backends.prompts import Messages
from chatbot.backends.structured import AnswerFormat, read_reply, visible_text
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.text.questions import question_kind, yes_no_statement
from tests.conftest import assert_verbatim
from tests.test_generative import FIXTURES, NoModel, evidence


@pytest.fixture(scope="module")
def injection(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    settings = Settings(
        corpus_dir=FIXTURES / "injection", index_dir=tmp_path_factory.mktemp("structured-index")
    )
    return Pipeline(settings)


class JSONModel:
    """A model held to the structured format: it streams ``reply`` in small pieces and records its prompts."""

    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply = json.dumps(reply)
        self.forms: list[AnswerFormat] = []

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        raise AssertionError("asked for text although it takes the structured format")

    def stream_structured(self, messages: Messages, max_tokens: int, form: AnswerFormat) -> Iterator[str]:
        self.forms.append(form)
        for i in range(0, len(self.reply), 7):
            yield self.reply[i : i + 7]


def structured(
    pipeline: Pipeline, ev: Evidence, sentences: list[tuple[str, list[str]]], refuse: bool = False
):
    """A backend whose model replies with these sentences, each citing the shown sentences that contain the
    given phrases (the shown numbering is only known once the prompt is built)."""
    backend = GenerativeBackend("fake", pipeline.settings, NoModel())
    shown = [c.text for c in backend.select(ev, backend.extractive.compose(ev))]
    reply = {
        "refuse": refuse,
        "sentences": [
            {"text": text, "evidence": [next(n for n, s in enumerate(shown, 1) if p in s) for p in phrases]}
            for text, phrases in sentences
        ],
    }
    model = JSONModel(reply)
    return GenerativeBackend("fake", pipeline.settings, model), model


WHY = "Why did the Karrow Point lighthouse keeper leave the island?"


def test_a_structured_reply_streams_its_text_then_gives_the_verified_answer(injection: Pipeline) -> None:
    ev = evidence(injection, WHY)
    backend, model = structured(
        injection,
        ev,
        [("The lighthouse was automated in 1986, and its last keeper moved to the mainland.", ["automated"])],
    )
    answers = list(backend.stream(ev))
    partials, final = answers[:-1], answers[-1]
    assert partials and all("{" not in a.answer and '"' not in a.answer for a in partials)  # text, never JSON
    texts = [a.answer for a in partials]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:], strict=False))
    assert final.backend_used == "fake" and final.answerable
    written, *quotes = final.answer.split("\n")
    assert written == "The lighthouse was automated in 1986, and its last keeper moved to the mainland [1]."
    assert quotes[0] == f"{final.citations[0].quote} [1]" and "automated in 1986" in quotes[0]
    quoted = ExtractiveBackend(injection.settings).compose(ev)
    assert {c.quote for c in quoted.citations} <= {c.quote for c in final.citations}  # never less than quotes
    assert len(quotes) == len(final.citations)
    assert final.verified == "1 of 1 claims verified"
    assert model.forms[0].shown == len(backend.select(ev, backend.extractive.compose(ev)))
    assert not model.forms[0].may_refuse  # the evidence checks found an answer: the model must write one
    assert_verbatim(final)


def test_a_declined_reply_gives_the_quoted_answer_when_the_evidence_checks_passed(
    injection: Pipeline,
) -> None:
    ev = evidence(injection, WHY)
    backend, _ = structured(injection, ev, [], refuse=True)
    final = backend.compose(ev)
    quoted = ExtractiveBackend(injection.settings).compose(ev)
    assert final.answerable and final.answer == quoted.answer
    assert final.backend_used == "extractive" and final.backend == "fake"
    assert final.verified and "declined" in final.verified and "quotes the sources" in final.verified
    assert_verbatim(final)


def test_an_answer_nothing_survives_gives_the_quoted_answer(injection: Pipeline) -> None:
    ev = evidence(injection, WHY)
    backend, _ = structured(
        injection, ev, [("The keeper left because the lighthouse was painted purple.", ["automated"])]
    )
    final = backend.compose(ev)
    assert final.answerable and final.backend_used == "extractive"
    assert final.verified and "nothing survived verification" in final.verified


def test_a_yes_no_stance_stands_only_where_the_shown_sentences_bear_it_out(injection: Pipeline) -> None:
    question = "Was the Karrow Point lighthouse built by Ada Finlay?"
    ev = evidence(injection, question)
    built = "The Karrow Point lighthouse was built in 1871 by the engineer Ada Finlay."
    yes, _ = structured(injection, ev, [(f"Yes, {built}", ["Ada Finlay"])])
    answer = yes.compose(ev)
    # the answer copies the sentence: it is cited, not quoted again below (the quotes after it may follow)
    assert answer.answer.startswith(f"Yes.\n{built[:-1]} [1].") and answer.backend_used == "fake"
    assert answer.answer.count(built[:-1]) == 1
    no, _ = structured(injection, ev, [(f"No, {built}", ["Ada Finlay"])])
    answer = no.compose(ev)
    # the contradicted "No" is removed, and a written answer without the evidence checks' "Yes" is not given:
    # the quoted answer is
    assert answer.answer == ExtractiveBackend(injection.settings).compose(ev).answer
    assert answer.answer.startswith("Yes [1].") and answer.backend_used == "extractive"
    assert answer.verified and "yes/no answer the shown sentences do not bear out removed" in answer.verified
    assert "does not open with the evidence checks' Yes" in answer.verified


def test_the_model_is_held_to_a_stance_for_yes_no_questions(injection: Pipeline) -> None:
    # the sentence that settles it says the act ("automated"); the one that only names the lighthouse does not
    ev = evidence(injection, "Was the lighthouse automated in 1986?")
    backend, model = structured(
        injection, ev, [("Yes, the lighthouse was automated in 1986.", ["automated"])]
    )
    answer = backend.compose(ev)
    assert model.forms[0].yes_no and '("Yes" | "No")' in model.forms[0].rest_grammar()
    assert answer.answer.startswith("Yes")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who designed the Karrow Point lighthouse?", "factoid"),
        ("When was the Karrow Point lighthouse built?", "factoid"),
        ("How many times a day does the ferry run?", "factoid"),
        ("Which company runs the island ferry?", "factoid"),
        ("Was the lighthouse automated?", "yes_no"),
        ("Didn't the council pay for the repairs?", "yes_no"),
        ("Why did the keeper leave the island?", "explanation"),
        ("How does the council expect the repairs to hold up?", "explanation"),
        ("According to the Coastal Times, why was the lighthouse automated?", "explanation"),
        ("How do the ferry and the lighthouse stories differ?", "comparison"),
        ("Summarise the history of the lighthouse.", "summary"),
        ("What happened to the Karrow Point lighthouse?", "summary"),
        ("What is the Karrow Point survey report about?", "summary"),  # a document named by its words
        ("What's the lighthouse article about?", "summary"),
        ("What is the dispute about?", "other"),  # no document: the question has a topic
        ("What did the staff do with the note?", "other"),
    ],
)
def test_question_kinds(question: str, kind: str) -> None:
    assert question_kind(question) == kind


def test_a_yes_no_question_read_as_a_statement() -> None:
    assert yes_no_statement("Did Reid say the storms were hard?") == "Reid say the storms were hard"
    assert yes_no_statement("According to the council, was it repaired?") == "it repaired"
    assert yes_no_statement("Isn't the tower 32 metres tall?") == "not the tower 32 metres tall"
    assert yes_no_statement("Why was it built?") == ""


def test_typed_fact_questions_keep_the_quoted_answer_without_calling_the_model(injection: Pipeline) -> None:
    ev = evidence(injection, "When was the Karrow Point lighthouse built?")
    final = GenerativeBackend("fake", injection.settings, NoModel()).compose(ev)
    assert final.answerable and "1871" in final.answer
    assert final.backend_used == "extractive" and final.backend == "fake"
    assert final.verified and final.verified.startswith(
        "not generated: a who / when / how many / which question"
    )
    assert final.contract()["backend_used"] == "extractive"


def test_compound_questions_are_answered_part_by_part(pipeline: Pipeline) -> None:
    """The question from issue #13: the local backend named the organiser, then refused the second part."""
    pipeline.register_backend("routed", GenerativeBackend("routed", pipeline.settings, NoModel()))
    answer = pipeline.ask(
        "Which organization put on the Beijing AI conference, and who warned about a Chernobyl moment?",
        backend="routed",
    )
    assert answer.answerable and CORPUS_NOTE not in answer.answer
    assert "Beijing Academy of Artificial Intelligence" in answer.answer and "Casper" in answer.answer
    assert answer.backend_used == "extractive"
    assert_verbatim(answer)


def test_a_pronoun_in_a_later_part_refers_to_the_earlier_part(pipeline: Pipeline) -> None:
    # (Phrased "How does the AI-news digest describe Stephen Casper, …" the first part is refused by the
    # answerability model: a measured miss of the composer, not of the pronoun rule this test is about.)
    answer = pipeline.ask("Who is Stephen Casper, and what did he emphasize?")
    assert answer.answerable and CORPUS_NOTE not in answer.answer
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == len(set(quotes))  # a sentence both parts cite is quoted once, under one number
    assert len(answer.answer.splitlines()) == len(set(answer.answer.splitlines()))
    assert_verbatim(answer)


def test_answer_format_schema_and_grammar() -> None:
    form = AnswerFormat(shown=3, max_sentences=2)
    schema = form.json_schema()
    evidence_ids = schema["properties"]["sentences"]["items"]["properties"]["evidence"]["items"]
    assert evidence_ids["enum"] == [1, 2, 3] and schema["required"] == ["refuse", "sentences"]
    grammar = form.rest_grammar()
    assert 'id ::= "1" | "2" | "3"' in grammar and "{0,1}" in grammar
    full = form.opening + " false" + form.continuation + 'The tower is tall.", "evidence": [2]}]}'
    assert read_reply(full).sentences == [("The tower is tall.", [2])]
    assert form.decision_grammar == 'root ::= "true" | "false"'
    must_write = AnswerFormat(shown=3, may_refuse=False)
    assert must_write.decision_grammar == 'root ::= "false"'
    assert must_write.json_schema()["properties"]["refuse"]["enum"] == [False]


def test_a_reply_cut_off_by_the_token_cap_keeps_its_finished_sentences() -> None:
    raw = '{"refuse": false, "sentences": [{"text": "A is B.", "evidence": [1, 2]}, {"text": "C is \\"D'
    reply = read_reply(raw)
    assert reply.refuse is False and reply.sentences == [("A is B.", [1, 2])]
    assert visible_text(raw) == 'A is B. C is "D'
    assert read_reply('{"refuse": true, "sentences": []}').refuse is True
    assert read_reply("not json").sentences == []
    # The cap inside a long text: its finished sentences count, uncited (verification cites or removes them).
    long = '{"refuse": false, "sentences": [{"text": "E was built in 1871. It is 32 metres tall. F was aut'
    assert read_reply(long).sentences == [("E was built in 1871.", []), ("It is 32 metres tall.", [])]
    before_ids = '{"refuse": false, "sentences": [{"text": "The tower is tall. The keeper left.", "evi'
    assert read_reply(before_ids).sentences == [("The tower is tall.", []), ("The keeper left.", [])]


class Server:
    """A LangChain chat model that answers like an OpenAI-compatible server: it rejects the response formats
    in ``rejects`` with an HTTP status, and records each request's extra body."""

    def __init__(self, reply: str, rejects: tuple[str, ...] = ()) -> None:
        self.reply, self.rejects = reply, rejects
        self.bodies: list[dict[str, Any]] = []
        self.prompts: list[list[tuple[str, str]]] = []

    def stream(self, pairs: list[tuple[str, str]], extra_body: dict[str, Any] | None = None) -> Iterator[Any]:
        self.bodies.append(extra_body or {})
        self.prompts.append(pairs)
        kind = (extra_body or {}).get("response_format", {}).get("type")
        if kind in self.rejects:
            raise Rejected(f"response_format {kind} is not supported")
        yield from (AIMessageChunk(content=w) for w in re.findall(r"\S+\s*", self.reply))


class Rejected(Exception):
    status_code = 422


def test_a_server_is_asked_for_the_first_structured_format_it_accepts() -> None:
    server = Server('{"refuse": false, "sentences": []}', rejects=("json_schema",))
    chat = LangChainChat(server, "max_tokens", ("json_schema", "json_object"))  # type: ignore[arg-type]
    form = AnswerFormat(2)
    assert "".join(chat.stream_structured([], 64, form)) == '{"refuse": false, "sentences": []}'
    assert [b["response_format"]["type"] for b in server.bodies] == ["json_schema", "json_object"]
    assert server.bodies[-1]["max_tokens"] == 64 and server.bodies[-1]["response_format"]["schema"]
    "".join(chat.stream_structured([], 64, form))
    assert server.bodies[-1]["response_format"]["type"] == "json_object"  # not asked the rejected way again


def test_a_server_without_structured_output_gets_the_text_format(injection: Pipeline) -> None:
    ev = evidence(injection, WHY)
    backend = GenerativeBackend("fake", injection.settings, NoModel())
    shown = [c.text for c in backend.select(ev, backend.extractive.compose(ev))]
    mark = next(n for n, s in enumerate(shown, 1) if "automated" in s)
    server = Server(f"The lighthouse was automated in 1986 [{mark}].", rejects=("json_schema", "json_object"))
    chat = LangChainChat(server, "max_completion_tokens", ("json_schema", "json_object"))  # type: ignore[arg-type]
    with pytest.raises(StructuredUnsupported):
        next(chat.stream_structured([], 10, AnswerFormat(1)))
    final = GenerativeBackend("fake", injection.settings, chat).compose(ev)
    assert (
        final.answer.startswith("The lighthouse was automated in 1986 [1].\n")
        and final.backend_used == "fake"
    )
    assert "response_format" not in server.bodies[-1] and server.bodies[-1]["max_completion_tokens"] > 0
    assert "[2]" in server.prompts[-1][0][1]  # the text format's rules: marks, not JSON
