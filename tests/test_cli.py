"""The ``chatbot`` command as users run it: in-process through ``main(argv)``, plus real processes for the
contract other tools parse and for what a user sees when something is wrong."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.cli import main
from tests.conftest import CORPUS, ROOT

QUESTIONS = [
    "Who said AI doesn't need a Chernobyl moment?",
    "What did Emmanuel Macron say about the summit?",
    "Which open-weight models did Chinese firms release?",
]
CONTRACT_KEYS = ["question", "answer", "answerable", "citations", "backend_used"]
CITATION_KEYS = ["n", "source", "title", "quote", "start", "end", "page"]


def chatbot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The command in a real process, as a script or a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "chatbot.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in this process: exit status, stdout, stderr."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-index")
    assert main(["build", "--index", str(folder)]) == 0
    return folder


def test_build_prints_a_table_and_is_not_redone_when_fresh(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "build", "--index", str(index_dir))
    assert status == 0 and "up to date" in err
    assert "passages" in out and "tff-most-important" in out


def test_ask_json_contract_in_a_real_process(index_dir: Path) -> None:
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


def test_ask_source_paths_are_relative_to_the_working_directory(
    index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(
        capsys, "ask", "--json", "--index", str(index_dir), "--corpus", str(CORPUS), QUESTIONS[0]
    )
    cited = json.loads(out)["citations"][0]["source"]
    assert status == 0 and Path(cited).is_absolute() and Path(cited).exists()


def test_ask_readable_output_lists_sources(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "ask", "--index", str(index_dir), QUESTIONS[0])
    assert status == 0
    assert "Sources" in out and "trendkia-inside-beijings-ai-summit.txt" in out


@pytest.mark.parametrize(
    "question", ["What is [/x] the AI hotline?", "[bold]Who[/bold] said [link=x]this[/link]?", "[1] [red]"]
)
def test_user_text_is_printed_as_text_never_as_markup(
    index_dir: Path, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    status, out, err = run(capsys, "ask", "--index", str(index_dir), question)
    assert status == 0 and not err.strip()
    assert question in out  # the rule over the answer shows the question exactly as typed


def test_eval_gate_fails_below_a_threshold_and_writes_reports(
    index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = tmp_path / "strict.toml"
    strict.write_text("[questions.extractive]\nanswer_correctness = 1.01\ncitation_validity = 1.0\n")
    args = ["eval", "--set", "evals/questions.jsonl", "--index", str(index_dir), "--limit", "6"]
    args += ["--out", str(tmp_path / "reports")]
    status, _, err = run(capsys, *args, "--thresholds", str(strict))
    assert status == 1
    assert "answer_correctness" in err and "below its threshold 1.01" in err
    assert "citation_validity" not in err
    assert (tmp_path / "reports" / "questions-extractive.html").exists()
    data = json.loads((tmp_path / "reports" / "questions-extractive.json").read_text())
    assert data["metrics"]["items"] == 6 and len(data["items"]) == 6
    assert data["splits"]["dev"]["items"] + data["splits"]["test"]["items"] == 6
    assert run(capsys, *args, "--thresholds", str(strict), "--no-gate")[0] == 0


def test_quotes_table_and_speaker_filter(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "quotes", "--json", "--speaker", "Casper", "--index", str(index_dir))
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and {r["speaker"] for r in rows} == {"Stephen Casper"}
    text = (CORPUS / rows[0]["source"]).read_bytes().decode("utf-8")
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows if r["source"] == rows[0]["source"])
    status, readable, _ = run(capsys, "quotes", "--index", str(index_dir))
    assert status == 0 and "Who said what" in readable and "Guo Jiakun" in readable


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
def test_check_quote(
    index_dir: Path, capsys: pytest.CaptureFixture[str], text: str, speaker: str | None, verdict: str
) -> None:
    args = ["check-quote", text, "--json", "--index", str(index_dir)] + (
        ["--speaker", speaker] if speaker else []
    )
    status, out, err = run(capsys, *args)
    assert status == 0, err
    assert json.loads(out)["verdict"] == verdict


def unreadable_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "locked"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "a.txt").write_text("A sentence about canals and their keepers.\n")
    (folder / "inner").chmod(0)
    return folder


def malformed_metadata(tmp_path: Path) -> Path:
    folder = tmp_path / "meta"
    folder.mkdir()
    (folder / "a.txt").write_text("The canal keeper opened the lock at dawn every day.\n")
    (folder / "sources.toml").write_text('[sources."a.txt"\ntitle = "unclosed table header"\n')
    return folder


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--backend", "bogus"], "setting backend = 'bogus' cannot be used"),
        (["--model", "no-such-model"], "model 'no-such-model' is neither a packaged model"),
        (["--corpus", "{tmp}/nowhere"], "there is no corpus folder at"),
        (["--corpus", "{malformed}"], "sources.toml cannot be read as TOML"),
        (["--corpus", "{afile}"], "there is no corpus folder at"),
        (["--corpus", "{unreadable}"], "cannot be read"),
    ],
)
def test_a_user_error_is_one_plain_line_and_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    if "{unreadable}" in args and os.geteuid() == 0:
        pytest.skip("root reads every folder, so a folder cannot be made unreadable here")
    (tmp_path / "a-file.txt").write_text("a file, not a folder")
    folders = {
        "tmp": tmp_path,
        "afile": tmp_path / "a-file.txt",
        "malformed": malformed_metadata(tmp_path),
        "unreadable": unreadable_folder(tmp_path),
    }
    argv = ["ask", "--index", str(tmp_path / "index"), *(a.format(**folders) for a in args), "hello"]
    status, out, err = run(capsys, *argv)
    assert status == 2 and not out
    lines = [line for line in err.splitlines() if line.strip() and "Building the index" not in line]
    assert len(lines) == 1 and lines[0].startswith("chatbot: ") and says in lines[0], err
    assert "Traceback" not in err


def test_an_unknown_backend_prints_one_line_in_a_real_process(tmp_path: Path) -> None:
    result = chatbot("ask", "--backend", "bogus", "hi")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("chatbot: setting backend = 'bogus' cannot be used")
