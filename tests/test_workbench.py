"""The evaluator's workbench, as an evaluator meets it: sets of their own checked against the JSON Schema
with line-numbered errors, multi-turn conversations (and CoQA files as they come), charts in the report,
run-to-run comparison with flipped questions, and JUnit XML for CI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import junitparser
import pytest
from jsonschema import Draft202012Validator

from chatbot.backends.decisions import load_models
from chatbot.evaluation.calibration import Point, calibration_error, refusal_curve, reliability
from chatbot.evaluation.charts import category_chart
from chatbot.evaluation.command import thresholds_file
from chatbot.evaluation.compare import ReportError, Run, compare, load_report, signed
from chatbot.evaluation.conversations import Turn
from chatbot.evaluation.init import InitError, write_starter
from chatbot.evaluation.junit import write_junit
from chatbot.evaluation.pages import write_comparison
from chatbot.evaluation.report import anchor, source_reader, write_html
from chatbot.evaluation.runner import evaluate_set, set_pipeline
from chatbot.evaluation.schema import SCHEMA_DIR, SchemaError
from chatbot.evaluation.sets import EvalSet, EvalSetError, load_items, load_set, suite
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.store.embeddings import Embedder
from tests.conftest import CORPUS, ROOT, flipped_copy

QUESTIONS = ROOT / "evals" / "questions.jsonl"
CONVERSATIONS = ROOT / "evals" / "conversations.jsonl"


@pytest.fixture(scope="module")
def report(pipeline: Pipeline) -> dict[str, Any]:
    """A real run of a slice of the shipped set (every 12th question, so every kind of item is there)."""
    full = load_set(QUESTIONS, CORPUS, "shipped")
    chosen = EvalSet("shipped", CORPUS, full.items[::12], QUESTIONS)
    return evaluate_set(pipeline, chosen, k=5)


# --- bring your own set: the schema --------------------------------------------------------------------


def test_the_schemas_are_valid_json_schema_and_the_shipped_sets_meet_them() -> None:
    for path in SCHEMA_DIR.glob("*.schema.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))
    for name, path in suite(ROOT / "evals" / "suite.toml"):
        assert load_set(ROOT / path, name=name).items, name  # each is validated as it loads
    thresholds_file(ROOT / "evals" / "thresholds.toml")


def test_a_malformed_set_lists_every_error_with_its_line(tmp_path: Path) -> None:
    good = {"id": "a", "question": "Who leads the talks?", "category": "single_fact", "answerable": False}
    lines = [
        good,
        {**good, "id": "b", "answerable": "yes"},
        {"id": "c", "category": "single_fact", "answerable": False},
        {**good, "id": "d", "fact": [["x"]]},
        {**good, "id": "e", "answerable": True, "gold": [], "facts": []},
        {**good, "id": "f", "gold": [{"source": "x.txt"}]},
    ]
    bad = tmp_path / "mine.jsonl"
    bad.write_text("\n".join(json.dumps(row) for row in lines) + "\n")
    with pytest.raises(SchemaError) as caught:
        load_items(bad, CORPUS)
    assert str(caught.value).splitlines() == [
        f'{bad}:2: answerable must be true or false, not "yes"',
        f"{bad}:3: the item lacks the field 'question'",
        f"{bad}:4: the item has unknown field(s) 'fact'; known fields: answerable, category, facts, gold, id, "
        "notes, question, scoring",
        f"{bad}:5: facts must not be empty (an answerable item needs at least one fact)",
        f"{bad}:5: gold must not be empty (an answerable item needs at least one gold span)",
        f"{bad}:6: gold must be empty (an unanswerable item has no gold spans)",
        f"{bad}:6: gold[0] lacks the field 'quote' (A verbatim evidence span: the quote as it stands in the "
        "source file.)",
    ]


def test_a_malformed_squad_file_names_the_line_of_the_question(tmp_path: Path) -> None:
    squad = {"data": [{"title": "T", "paragraphs": [{"context": "Some text.", "qas": [
        {"id": "q-one", "question": "Fine?", "answers": []},
        {"id": "q-two", "question": "", "answers": [{"text": "x"}]},
    ]}]}]}  # fmt: skip
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(squad, indent=1))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"q-two"' in text)
    with pytest.raises(SchemaError) as caught:
        load_set(path)
    assert str(caught.value).splitlines() == [
        f"{path}:{line}: at data[0].paragraphs[0].qas[1].answers[0]: "
        "data[0].paragraphs[0].qas[1].answers[0] lacks the field 'answer_start'",
        f"{path}:{line}: at data[0].paragraphs[0].qas[1].question: "
        "data[0].paragraphs[0].qas[1].question must not be empty",
    ]
    path.write_text('{"data": [\n  {"title": "T",\n')
    with pytest.raises(EvalSetError, match=r"squad.json:3: not JSON"):
        load_set(path)


def test_init_writes_a_starter_set_that_loads_over_the_corpus(mini_corpus: Path, tmp_path: Path) -> None:
    written = write_starter(tmp_path / "my-set", mini_corpus)
    assert [p.name for p in written] == ["questions.jsonl", "thresholds.toml", "README.md"]
    eval_set = load_set(tmp_path / "my-set", mini_corpus)  # validated, every gold quote located verbatim
    answerable = [i for i in eval_set.items if i.answerable]
    assert len(answerable) == 4 and len(eval_set.items) == 6
    assert {g.source for i in answerable for g in i.gold} >= {"lighthouse.txt", "orchard.md", "ferry.html"}
    assert all("___" in i.question and i.facts[0][0] not in i.question for i in answerable)
    assert {i.split for i in eval_set.items} == {"dev", "test"}
    thresholds_file(written[1])
    with pytest.raises(InitError, match="already exists"):
        write_starter(tmp_path / "my-set", mini_corpus)


# --- conversations ---------------------------------------------------------------------------------------


def test_the_conversation_set_has_follow_ups_and_unknown_turns() -> None:
    talks = load_set(CONVERSATIONS)
    turns = talks.items
    assert talks.kind == "conversations" and len(turns) >= 30
    assert all(isinstance(t, Turn) for t in turns)
    assert sum(not t.answerable for t in turns) >= 8
    assert sum(t.category == "follow_up" for t in turns) >= 20
    halves: dict[str, set[str]] = {}
    for t in turns:
        assert isinstance(t, Turn)
        halves.setdefault(t.conversation, set()).add(t.split)
    assert all(len(h) == 1 for h in halves.values())  # a conversation never straddles dev and test
    assert {s for h in halves.values() for s in h} == {"dev", "test"}


def test_each_turn_is_asked_with_the_systems_own_earlier_answers(pipeline: Pipeline) -> None:
    talks = load_set(CONVERSATIONS)
    first = EvalSet("c01", CORPUS, [t for t in talks.items if isinstance(t, Turn) and t.conversation == "c01"],
                    kind="conversations")  # fmt: skip
    data = evaluate_set(pipeline, first)
    casper, how, comparison, unknown, moment = data["items"]
    assert [r["turn"] for r in data["items"]] == [1, 2, 3, 4, 5]
    assert casper["correct"] and how["answer"]["standalone"].startswith("How did Stephen Casper")
    assert moment["answer"]["standalone"] == "And what kind of moment did Stephen Casper say AI doesn't need?"
    assert moment["correct"] and not unknown["answerable"]
    assert {"follow_up_correctness", "conversation_all_correct"} <= set(data["splits"]["test"])


STORY = (
    "Ada Finlay kept the Karrow Point light for thirty-one years. She lived in the cottage below the tower "
    "with her brother Hamish. The light was first lit in 1871, and Ada trimmed its lamp every night. "
    "In 1998 the old oil lamp was replaced by an electric one."
)


def coqa_answer(turn: int, answer: str, rationale: str | None) -> dict[str, Any]:
    """A CoQA answer record: free-form text, and the rationale's span in the story (-1 when unknown)."""
    start = STORY.index(rationale) if rationale else -1
    end = start + len(rationale) if rationale else -1
    return {"span_start": start, "span_end": end, "span_text": rationale or "unknown", "input_text": answer,
            "turn_id": turn}  # fmt: skip


COQA = {
    "version": "1.0",
    "data": [
        {
            "source": "invented",
            "id": "story-1",
            "filename": "lighthouse-keeper.story",
            "story": STORY,
            "questions": [
                {"input_text": "Who kept the Karrow Point light?", "turn_id": 1},
                {"input_text": "For how long?", "turn_id": 2},
                {"input_text": "Did she live alone?", "turn_id": 3},
                {"input_text": "What was her brother's favourite song?", "turn_id": 4},
            ],
            "answers": [
                coqa_answer(1, "Ada Finlay", "Ada Finlay kept the Karrow Point light"),
                coqa_answer(2, "thirty-one years", "for thirty-one years"),
                coqa_answer(3, "no", " She lived in the cottage below the tower with her brother Hamish"),
                coqa_answer(4, "unknown", None),
            ],
            "additional_answers": {
                "0": [
                    {"input_text": "Finlay", "turn_id": 1},
                    {"input_text": "31 years", "turn_id": 2},
                    {"input_text": "No", "turn_id": 3},
                    {"input_text": "unknown", "turn_id": 4},
                ]
            },
        }
    ],
}


def test_a_conversation_may_bring_its_own_story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    turns = [
        {"question": "Who kept the light?", "answerable": True, "facts": [["Ada Finlay"]],
         "gold": [{"source": "story", "quote": "Ada Finlay kept the Karrow Point light"}]},
        {"question": "Did she have a dog?", "answerable": False},
    ]  # fmt: skip
    path = tmp_path / "talks.jsonl"
    path.write_text(json.dumps({"id": "k1", "title": "Keeper", "story": STORY, "turns": turns}) + "\n")
    talk = load_set(path, corpus_dir=tmp_path / "never-written")
    first, second = talk.items
    assert talk.corpus_dir.is_relative_to(Path(".cache")) and not (tmp_path / "never-written").exists()
    text = (talk.corpus_dir / first.gold[0].source).read_text()
    assert text == STORY and text[first.gold[0].start : first.gold[0].end] == first.gold[0].quote
    assert (first.category, second.category) == ("first_turn", "unanswerable")


def test_a_coqa_file_is_read_as_it_comes(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the story corpus is written under .cache/ of the working directory
    path = tmp_path / "coqa-dev.json"
    path.write_text(json.dumps(COQA))
    talk = load_set(path)
    assert talk.kind == "conversations" and len(talk.items) == 4
    who, how_long, alone, song = talk.items
    assert who.facts == [["Ada Finlay", "Finlay"]] and how_long.facts == [["thirty-one years", "31 years"]]
    assert alone.category == "yes_no" and alone.facts == [["no", "No"]]
    assert not song.answerable and song.category == "unanswerable" and not song.facts and not song.gold
    story = (talk.corpus_dir / who.gold[0].source).read_text()
    assert all(story[g.start : g.end] == g.quote for i in talk.items for g in i.gold)
    pipeline = set_pipeline(Settings(), talk, tmp_path / "index", embedder)
    data = evaluate_set(pipeline, talk)
    assert data["kind"] == "conversations" and data["metrics"]["conversations"] == 1
    assert data["items"][0]["correct"] and "Ada Finlay" in data["items"][0]["answer"]["answer"]


# --- the report's charts and records ---------------------------------------------------------------------


def test_every_item_records_a_decision_score_and_the_report_draws_four_charts(
    report: dict[str, Any], tmp_path: Path
) -> None:
    models = load_models()
    assert models is not None  # the extractive backend reports its answerability model's probability
    assert report["decision"] == {"source": "answer", "threshold": models.answerable.threshold}
    assert all(isinstance(it["decision_score"], float) for it in report["items"])
    page = write_html(report, {"answer_correctness": 0.5}, tmp_path / "r.html", CORPUS).read_text()
    assert page.count('<svg role="img"') == 4
    for label in ("categories", "refusal", "calibration", "latency"):
        assert f'aria-label="shipped-{label}"' in page
    # Nothing is fetched at view time: no resource or link points off the page (a corpus quote may mention a URL).
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page) and "<link" not in page
    assert page.count(f'id="{anchor(report["items"][0]["id"])}"') == 1


def test_chart_text_from_a_set_is_text_never_markup(report: dict[str, Any]) -> None:
    items = [{**it, "category": "<script>alert(1)</script> costs $5 & $6"} for it in report["items"]]
    svg = category_chart(items, ["<script>alert(1)</script> costs $5 & $6"], 'my "set" <b>')
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; costs $5 &amp; $6" in svg
    assert 'aria-label="my &quot;set&quot; &lt;b>"' in svg


def test_refusal_curve_and_calibration_on_known_points() -> None:
    pts = [
        Point(0.1, False, True),
        Point(0.2, False, True),
        Point(0.35, True, False),
        Point(0.9, True, False),
    ]
    ts, precision, recall = refusal_curve(pts, steps=9)
    at = {round(t, 1): (p, r) for t, p, r in zip(ts, precision, recall, strict=True)}
    assert at[0.3] == (1.0, 1.0)  # refusing below 0.3 refuses exactly the two unanswerable items
    assert at[0.9] == (2 / 3, 1.0)
    assert recall[0] == 0.0 and precision[0] != precision[0]  # nothing refused: precision undefined (NaN)
    bins = reliability(pts, bins=2)
    assert [(b.n, b.answerable_share) for b in bins] == [(3, 1 / 3), (1, 1.0)]
    assert calibration_error(bins) == pytest.approx((3 * abs(0.65 / 3 - 1 / 3) + abs(0.9 - 1.0)) / 4)


# --- comparison -------------------------------------------------------------------------------------------


def test_compare_lists_the_flipped_questions_and_signed_changes(
    report: dict[str, Any], tmp_path: Path
) -> None:
    old, new, ids = flipped_copy(report)
    comp = compare(Run("old", old), Run("new", new))
    assert sorted(comp.flips["correct_to_wrong"]) == sorted([ids["right"], ids["answered"]])
    assert comp.flips["wrong_to_correct"] == [ids["wrong"]]
    assert comp.flips["answered_to_refused"] == [ids["answered"]]
    assert comp.flips["refused_to_answered"] == []
    changes = {c.metric: c for c in comp.changes["test"]}
    assert changes["answer_correctness"].change == -0.1 and changes["answer_correctness"].better is False
    assert changes["false_refusal_rate"].change == 0.05 and changes["false_refusal_rate"].better is False
    assert changes["citation_validity"].change == 0 and changes["citation_validity"].better is None
    assert (signed(-0.1), signed(0.05), signed(0.0)) == ("−0.100", "+0.050", "±0")
    page = write_comparison([comp], tmp_path / "c.html", source_reader(CORPUS)).read_text()
    for i in ids.values():
        assert f'href="#{anchor(i)}"' in page and f'id="{anchor(i)}"' in page  # linked to its drill-down


def test_a_stored_report_must_be_a_report(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"not": "a report"}')
    with pytest.raises(ReportError, match="is not a report of `chatbot eval`"):
        load_report(tmp_path / "x.json")
    with pytest.raises(ReportError, match="there is no report at"):
        load_report(tmp_path / "missing.json")


# --- JUnit -----------------------------------------------------------------------------------------------


def test_junit_xml_has_a_case_per_question_and_per_gate_metric(
    report: dict[str, Any], tmp_path: Path
) -> None:
    thresholds = {"answer_correctness": 1.01, "citation_validity": 1.0, "latency_p95_ms_max": 60000}
    path = write_junit(tmp_path / "eval.xml", [("shipped", "extractive", report, thresholds)])
    xml = junitparser.JUnitXml.fromfile(str(path))
    (suite_,) = list(xml)
    cases = list(suite_)
    assert suite_.name == "shipped [extractive]" and len(cases) == len(report["items"]) + 3
    by_name = {c.name: c for c in cases}
    for it in report["items"]:
        case = by_name[f"{it['id']}: {it['question']}"]
        assert case.classname == f"chatbot.eval.shipped.extractive.{it['category']}"
        assert case.is_passed == it["correct"]
        if not it["correct"]:
            (failure,) = case.result
            assert failure.message.startswith(
                ("refused a question", "the answer lacks", "answered a question the corpus does not answer")
            )
    gate = {c.name: c for c in cases if c.classname.endswith(".gate")}
    assert set(gate) == {"answer_correctness", "citation_validity", "latency_p95_ms"}
    assert gate["answer_correctness"].result[0].message.endswith("is below its threshold 1.01")
    assert gate["citation_validity"].is_passed and gate["latency_p95_ms"].is_passed
    assert suite_.failures == sum(not it["correct"] for it in report["items"]) + 1
