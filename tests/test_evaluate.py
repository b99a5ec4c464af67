"""The evaluation suite: eval-set integrity, metric definitions, the gate, and the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatbot.answer import Answer, Citation
from chatbot.evaluation.gate import gate, load_thresholds
from chatbot.evaluation.metrics import metrics, report_data
from chatbot.evaluation.report import write_html
from chatbot.evaluation.scoring import ItemResult, citation_is_valid, facts_in, run, statements
from chatbot.evaluation.sets import (
    CATEGORIES,
    EvalSetError,
    load_items,
    load_set,
    load_suite,
    page_text,
    split_items,
    suite,
    union_set,
)
from chatbot.evaluation.train import Outcome, accuracies, refusal_threshold
from chatbot.pipeline import Pipeline
from chatbot.text.normalise import fold
from tests.conftest import CORPUS, ROOT

QUESTIONS = ROOT / "evals" / "questions.jsonl"


def test_eval_set_is_large_varied_and_verbatim() -> None:
    items = load_items(QUESTIONS, CORPUS)  # raises if any gold quote is not verbatim
    cats = {c: sum(i.category == c for i in items) for c in CATEGORIES}
    assert len(items) >= 100 and {c for c, n in cats.items() if not n} == {"name", "date", "number"}, cats
    assert cats["explanation"] >= 20 and cats["yes_no"] >= 10
    assert cats["unanswerable"] / len(items) >= 0.2
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.answerable == (item.category != "unanswerable")
        if item.answerable:
            assert item.gold and item.facts
            quotes = " ".join(fold(g.quote) for g in item.gold)
            content = [fact for fact in item.facts if fact not in (["yes"], ["no"])]
            assert all(any(fold(a) in quotes for a in fact) for fact in content), item.id
        if item.category == "multi_doc":
            assert len({g.source for g in item.gold}) >= 2


def test_a_gold_quote_that_is_not_verbatim_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    row = {"id": "x", "question": "q", "category": "single_fact", "answerable": True,
           "gold": [{"source": "corpus/tff-most-important-ai-meeting-of-2026.txt", "quote": "Not in the article."}],
           "facts": [["x"]]}  # fmt: skip
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(EvalSetError, match="not verbatim"):
        load_items(bad, CORPUS)


def citation(n: int, quote: str, start: int = 0) -> Citation:
    return Citation(n=n, source="x.txt", title="t", quote=quote, start=start, end=start + len(quote))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A first claim. [1]\nA second claim. [2]", [("A first claim.", [1]), ("A second claim.", [2])]),
        ("Casper [1].\nHe spoke. [1] [2]", [("Casper.", [1]), ("He spoke.", [1, 2])]),
        ("No citation here.", [("No citation here.", [])]),
    ],
)
def test_statements_pair_claims_with_their_citations(
    text: str, expected: list[tuple[str, list[int]]]
) -> None:
    answer = Answer(question="q", answer=text, answerable=True)
    assert [(c.rstrip(" ."), n) for c, n in statements(answer)] == [(c.rstrip(" ."), n) for c, n in expected]


@pytest.mark.parametrize(
    ("values", "failures"),
    [
        ({"answer_correctness": 0.95, "latency_p95_ms": 40.0}, []),
        (
            {"answer_correctness": 0.80, "latency_p95_ms": 40.0},
            ["answer_correctness = 0.8 is below its threshold 0.9"],
        ),
        (
            {"answer_correctness": 0.95, "latency_p95_ms": 900.0},
            ["latency_p95_ms = 900.0 is above its ceiling 500"],
        ),
        ({"latency_p95_ms": 40.0}, ["answer_correctness: not measured"]),
    ],
)
def test_gate(values: dict[str, float], failures: list[str]) -> None:
    assert gate(values, {"answer_correctness": 0.9, "latency_p95_ms_max": 500}) == failures


def test_thresholds_file_has_a_table_for_the_default_backend() -> None:
    thresholds = load_thresholds(ROOT / "evals" / "thresholds.toml", "extractive", "shipped")
    assert thresholds["citation_validity"] == 1.0
    assert {"answer_correctness", "refusal_precision", "refusal_recall", "citation_precision"} <= set(
        thresholds
    )


@pytest.fixture(scope="module")
def small_run(pipeline: Pipeline) -> list[ItemResult]:
    items = load_items(QUESTIONS, CORPUS)
    chosen = [i for i in items if i.id in {"q001", "q002", "q089", "q093", "q131"}]
    return run(pipeline, chosen, k=5)


def test_metrics_on_a_real_run(small_run: list[ItemResult]) -> None:
    m = metrics(small_run, 5)
    assert m["items"] == 5
    assert m["citation_validity"] == 1.0  # every quote re-read from disk matches
    assert 0.0 <= m["retrieval_recall_at_5"] <= 1.0 and 0.0 <= m["retrieval_mrr"] <= 1.0
    assert m["latency_p50_ms"] > 0
    unanswerable = [r for r in small_run if not r.item.answerable]
    assert m["refusal_recall"] == sum(r.refused for r in unanswerable) / len(unanswerable)


def test_a_tampered_citation_is_invalid(small_run: list[ItemResult]) -> None:
    good = next(r for r in small_run if r.answer.citations).answer.citations[0]
    assert citation_is_valid(good)
    assert not citation_is_valid(good.model_copy(update={"start": good.start + 1}))
    assert not citation_is_valid(good.model_copy(update={"quote": good.quote.upper()}))


def test_html_report_is_self_contained_with_drill_down(small_run: list[ItemResult], tmp_path: Path) -> None:
    data = report_data(small_run, 5, "extractive", {})
    path = write_html(data, {"answer_correctness": 0.9}, tmp_path / "r.html", CORPUS)
    page = path.read_text()
    assert page.count("<details class=item") == 5
    assert "<mark>" in page and "q131" in page
    assert "http://" not in page and "<link" not in page  # nothing fetched from outside


def test_every_set_splits_into_stratified_halves_that_never_move() -> None:
    items = load_items(QUESTIONS, CORPUS)
    for category in {i.category for i in items}:
        group = [i for i in items if i.category == category]
        dev = sum(i.split == "dev" for i in group)
        assert dev - (len(group) - dev) in (0, 1), category  # half of every category, the odd one to dev
    again = {i.id: i.split for i in split_items(list(reversed(load_items(QUESTIONS, CORPUS))))}
    assert again == {i.id: i.split for i in items}  # keyed on the id alone, not on file order


def test_a_squad_file_becomes_a_corpus_and_items(tmp_path: Path) -> None:
    squad = {
        "version": "v2.0",
        "data": [
            {
                "title": "Lighthouses",
                "paragraphs": [
                    {
                        "context": "The Karrow Point light was first lit in 1871. Its keeper was Ada Finlay.",
                        "qas": [
                            {"id": "a", "question": "When was the light first lit?", "is_impossible": False,
                             "answers": [{"text": "1871", "answer_start": 40}, {"text": "in 1871", "answer_start": 37}]},
                            {"id": "b", "question": "Who built the light?", "is_impossible": True, "answers": [],
                             "plausible_answers": [{"text": "Ada Finlay", "answer_start": 62}]},
                        ],
                    }
                ],
            }
        ],
    }  # fmt: skip
    path = tmp_path / "mini-squad.json"
    path.write_text(json.dumps(squad))
    eval_set = load_set(path)
    (doc,) = list(eval_set.corpus_dir.iterdir())
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("Lighthouses\n\nThe Karrow Point light")
    answerable, impossible = eval_set.items
    assert (
        answerable.answerable and answerable.facts == [["1871", "in 1871"]] and answerable.scoring == "squad"
    )
    assert text[answerable.gold[0].start : answerable.gold[0].end] == "1871"
    assert not impossible.answerable and impossible.category == "unanswerable" and not impossible.facts
    assert {i.split for i in eval_set.items} == {"dev"}  # one item per category: each goes to dev


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{not json", ":1: not a JSON object"),
        (
            '{"id": "x", "question": "q", "category": "single_fact"}',
            ":1: the item lacks the field 'answerable'",
        ),
    ],
)
def test_a_malformed_set_names_the_line(tmp_path: Path, line: str, says: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(line + "\n")
    with pytest.raises(EvalSetError, match=says):
        load_items(bad, CORPUS)


def test_a_set_marked_train_false_is_evaluated_but_never_fitted_on(tmp_path: Path) -> None:
    toml = tmp_path / "suite.toml"
    toml.write_text('[sets.a]\npath = "a"\n\n[sets.held]\npath = "held"\ntrain = false\n')
    assert [name for name, _ in suite(toml)] == ["a", "held"]
    assert [name for name, _ in suite(toml, training=True)] == ["a"]
    shipped = dict(suite(ROOT / "evals" / "suite.toml", training=True))
    assert "qa" not in shipped and "shipped" in shipped


def _set_folder(root: Path, name: str, file_name: str, text: str, ids: list[str]) -> Path:
    """A set folder of one document and a question per id, each quoting the document."""
    folder = root / name
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / file_name).write_text(text, encoding="utf-8")
    (folder / "corpus" / "sources.toml").write_text(f'[sources."{file_name}"]\ntitle = "{name}"\n')
    rows = [
        {
            "id": i,
            "question": f"What does the {name} say? ({i})",
            "category": "single_fact",
            "answerable": True,
            "gold": [{"source": file_name, "quote": text.split(".")[0]}],
            "facts": [[text.split()[0]]],
        }
        for i in ids
    ]
    (folder / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def test_a_union_asks_each_sets_questions_of_all_their_documents_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the union's corpus is written under .cache/union/ of the folder run in
    dam = _set_folder(
        tmp_path, "hearing", "dam.txt", "Repairs end in 2029. The dam is safe.", ["h1", "h2", "h3"]
    )
    flood = _set_folder(
        tmp_path, "scheme", "flood.txt", "Walls rise by a metre. Farms store water.", ["s1", "s2"]
    )
    toml = tmp_path / "suite.toml"
    toml.write_text(
        f'[sets.hearing]\npath = "{dam}"\n\n[sets.scheme]\npath = "{flood}"\n\n'
        '[sets.together]\nunion = ["hearing", "scheme"]\ntrain = false\n'
    )
    hearing, scheme, together = load_suite(toml)
    assert [s.name for s in load_suite(toml, training=True)] == ["hearing", "scheme"]
    assert together.corpus_dir.is_relative_to(Path(".cache") / "union")
    assert sorted(p.name for p in together.corpus_dir.iterdir()) == ["dam.txt", "flood.txt", "sources.toml"]
    assert "dam.txt" in (together.corpus_dir / "sources.toml").read_text()
    assert "flood.txt" in (together.corpus_dir / "sources.toml").read_text()
    # every question, each in the half its own set gave it
    assert [(i.id, i.split) for i in together.items] == [
        (i.id, i.split) for i in hearing.items + scheme.items
    ]
    again = union_set("together", [hearing, scheme], tmp_path / "cache")
    assert again.corpus_dir.parent.parent == tmp_path / "cache"


@pytest.mark.parametrize(
    ("other", "says"),
    [
        (("flood.txt", "Walls rise by a metre.", ["h1"]), "the item id 'h1' twice"),
        (("dam.txt", "Another dam altogether.", ["s1"]), "different files named dam.txt"),
    ],
    ids=["same-id", "same-file-name"],
)
def test_a_union_refuses_what_would_mix_two_sets_up(
    tmp_path: Path, other: tuple[str, str, list[str]], says: str
) -> None:
    dam = load_set(_set_folder(tmp_path, "hearing", "dam.txt", "Repairs end in 2029.", ["h1"]))
    file_name, text, ids = other
    second = load_set(_set_folder(tmp_path, "scheme", file_name, text, ids))
    with pytest.raises(EvalSetError, match=says):
        union_set("together", [dam, second], tmp_path / "cache")


def test_the_generality_suite_loads_with_verbatim_gold_on_pdf_pages() -> None:
    names = dict(suite(ROOT / "evals" / "suite.toml"))
    assert set(names) >= {"shipped", "normans", "pdfs", "transcript", "report", "qa"}
    pdfs = load_set(ROOT / names["pdfs"], name="pdfs")
    assert len(pdfs.items) >= 40 and sum(not i.answerable for i in pdfs.items) >= 10
    paged = [g for i in pdfs.items for g in i.gold if g.page]
    assert paged and all(
        page_text(pdfs.corpus_dir / g.source, g.page)[g.start : g.end] == g.quote for g in paged
    )


@pytest.mark.parametrize(
    ("answer", "facts", "found"),
    [
        ("No [1]. The database does not store user preferences.", [["no"], ["preference"]], [True, True]),
        # "no" is a substring of "not": a "Yes" over a sentence that denies the claim is not a "No".
        ("Yes [1]. The database does not store user preferences.", [["no"], ["preference"]], [False, True]),
        ("Yes, in full [1].", [["yes"], ["in full", "honoured"]], [True, True]),
        ("The corpus does not say.", [["no"]], [False]),
        ("It was not known.", [["not known"]], [True]),  # any other fact is found anywhere in the text
    ],
)
def test_a_verdict_is_found_only_as_the_opening_word(
    answer: str, facts: list[list[str]], found: list[bool]
) -> None:
    assert facts_in(facts, fold)(answer) == found


def test_a_refusal_for_another_reason_counts_whatever_the_threshold() -> None:
    """The composer refuses some questions whatever the model says (a yes/no the text does not settle): the
    threshold is judged on what users meet, so such a question is decided wrong at every threshold."""
    outcomes = [
        Outcome("s", True, False, 0.9),
        Outcome("s", True, True, 0.9),  # answerable, refused anyway
        Outcome("s", False, False, 0.5),
    ]
    assert outcomes[1].refused_at(0.0)
    assert accuracies(outcomes, 0.6) == {"s": 2 / 3}
    assert accuracies(outcomes, 0.4) == {"s": 1 / 3}


def test_the_refusal_threshold_is_the_middle_of_the_best_plateau() -> None:
    """Every threshold between the unanswerable question's score and the answerable one's decides both right;
    the middle of that stretch is the furthest from a dev set's accidents."""
    outcomes = [Outcome("a", True, False, 0.8), Outcome("a", False, False, 0.3)]
    assert 0.5 < refusal_threshold(outcomes) < 0.6
