"""The ``chatbot`` command as users run it: a real process, the real model, a real index on disk."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

QUESTIONS = [
    "Who said AI doesn't need a Chernobyl moment?",
    "What did Emmanuel Macron say about the summit?",
    "Which open-weight models did Chinese firms release?",
]
CONTRACT_KEYS = ["question", "answer", "answerable", "citations"]
CITATION_KEYS = ["n", "source", "title", "quote", "start", "end", "page"]


def chatbot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chatbot.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-index")
    result = chatbot("build", "--index", str(folder))
    assert result.returncode == 0, result.stderr
    assert "passages" in result.stdout and "tff-most-important" in result.stdout
    return folder


def test_build_is_not_redone_when_fresh(index_dir: Path) -> None:
    result = chatbot("build", "--index", str(index_dir))
    assert result.returncode == 0
    assert "up to date" in result.stderr


def test_ask_json_contract(index_dir: Path) -> None:
    result = chatbot("ask", "--json", "--index", str(index_dir), *QUESTIONS)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(QUESTIONS)
    for question, line in zip(QUESTIONS, lines, strict=True):
        obj = json.loads(line)
        assert list(obj) == CONTRACT_KEYS
        assert obj["question"] == question
        assert isinstance(obj["answer"], str) and isinstance(obj["answerable"], bool)
        for c in obj["citations"]:
            assert list(c) == CITATION_KEYS
            assert c["source"].startswith("corpus/")
            text = (ROOT / c["source"]).read_bytes().decode("utf-8")
            assert text[c["start"] : c["end"]] == c["quote"]
            assert c["page"] is None
        assert {int(n) for n in re.findall(r"\[(\d+)\]", obj["answer"])} <= {c["n"] for c in obj["citations"]}
    answered, refused, models = (json.loads(line) for line in lines)
    assert answered["answerable"] and "Casper" in answered["answer"]
    assert not refused["answerable"]
    assert models["answerable"] and "Qwen" in models["answer"]


def test_ask_source_paths_are_relative_to_the_working_directory(index_dir: Path, tmp_path: Path) -> None:
    result = chatbot(
        "ask",
        "--json",
        "--index",
        str(index_dir),
        "--corpus",
        str(ROOT / "corpus"),
        QUESTIONS[0],
        cwd=tmp_path,
    )
    cited = json.loads(result.stdout)["citations"][0]["source"]
    assert Path(cited).is_absolute() and Path(cited).exists()


def test_ask_readable_output_lists_sources(index_dir: Path) -> None:
    result = chatbot("ask", "--index", str(index_dir), QUESTIONS[0])
    assert result.returncode == 0
    assert "Sources" in result.stdout and "trendkia-inside-beijings-ai-summit.txt" in result.stdout


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = chatbot("ask", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i"), "hello")
    assert result.returncode == 2
    assert "No corpus folder" in result.stderr


def test_eval_gate_fails_below_a_threshold_and_writes_reports(index_dir: Path, tmp_path: Path) -> None:
    strict = tmp_path / "strict.toml"
    strict.write_text("[extractive]\nanswer_correctness = 1.01\ncitation_validity = 1.0\n")
    args = ["eval", "--index", str(index_dir), "--limit", "6", "--out", str(tmp_path / "reports")]
    failed = chatbot(*args, "--thresholds", str(strict))
    assert failed.returncode == 1
    assert "answer_correctness" in failed.stderr and "below its threshold 1.01" in failed.stderr
    assert "citation_validity" not in failed.stderr
    assert (tmp_path / "reports" / "eval-extractive.html").exists()
    data = json.loads((tmp_path / "reports" / "eval-extractive.json").read_text())
    assert data["metrics"]["items"] == 6 and len(data["items"]) == 6
    assert chatbot(*args, "--thresholds", str(strict), "--no-gate").returncode == 0


def test_quotes_table_and_speaker_filter(index_dir: Path) -> None:
    result = chatbot("quotes", "--json", "--speaker", "Casper", "--index", str(index_dir))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["speaker"] for r in rows} == {"Stephen Casper"}
    text = (ROOT / "corpus" / rows[0]["source"]).read_bytes().decode("utf-8")
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows if r["source"] == rows[0]["source"])
    readable = chatbot("quotes", "--index", str(index_dir))
    assert readable.returncode == 0 and "Who said what" in readable.stdout and "Guo Jiakun" in readable.stdout


@pytest.mark.parametrize(
    ("text", "speaker", "verdict"),
    [
        ("AI doesn't need a Chernobyl moment", "Casper", "exact"),
        ("AI doesn't need a Chernobyl moment", "Lin Yun", "misattributed"),
        ("AI does not need a Chernobyl moment", None, "close"),
        (
            "The key is to find areas where sharing can reduce systemic risk. AI is a global technology",
            None,
            "stitched",
        ),
        ("Washington and Beijing signed a binding treaty banning autonomous weapons", None, "not_found"),
    ],
)
def test_check_quote(index_dir: Path, text: str, speaker: str | None, verdict: str) -> None:
    args = ["check-quote", text, "--json", "--index", str(index_dir)] + (
        ["--speaker", speaker] if speaker else []
    )
    result = chatbot(*args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == verdict
