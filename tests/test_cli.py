"""The ``chatbot`` command as users run it: in-process through ``main(argv)``, plus real processes for the
contract other tools parse and for what a user sees when something is wrong."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import junitparser
import pexpect
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


# --- chatbot eval: the evaluator's workbench ---------------------------------------------------------------

SMALL_SET = ("q001", "q002", "q003", "q004", "q089", "q090")  # four single facts, two unanswerable


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four answerable and two unanswerable shipped questions: both halves hold some of each."""
    rows = [json.loads(line) for line in (ROOT / "evals" / "questions.jsonl").read_text().splitlines()]
    chosen = [r for r in rows if r["id"] in SMALL_SET]
    path = tmp_path_factory.mktemp("small") / "small.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in chosen))
    return path


@pytest.fixture(scope="module")
def old_reports(index_dir: Path, small_set: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An earlier run of the small set (the extractive backend), as a folder of reports."""
    out = tmp_path_factory.mktemp("old-reports")
    assert main(["eval", "--set", str(small_set), "--index", str(index_dir), "--out", str(out)]) == 0
    return out


def test_a_malformed_set_is_line_numbered_errors_and_exit_status_2_in_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = {"id": "a", "question": "Who leads the talks?", "category": "single_fact", "answerable": False}
    bad.write_text(json.dumps(good) + "\n" + json.dumps({**good, "answerable": "yes"}) + "\n{oops\n")
    result = chatbot("eval", "--set", str(bad), "--out", str(tmp_path / "reports"))
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"chatbot: {bad}:3: not a JSON object (Expecting property name "
                                          "enclosed in double quotes)"]  # fmt: skip
    bad.write_text(json.dumps(good) + "\n" + json.dumps({**good, "answerable": "yes"}) + "\n")
    result = chatbot("eval", "--set", str(bad), "--out", str(tmp_path / "reports"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f'chatbot: {bad}:2: answerable must be true or false, not "yes"']


def test_eval_compare_lists_flipped_questions_of_two_stored_reports(
    old_reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = old_reports / "small-extractive.json"
    data = json.loads(old.read_text())
    flipped = next(it for it in data["items"] if it["correct"] and it["answerable"])
    flipped["correct"], flipped["refused"] = False, True  # the constructed "new" run: one question refused
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data))
    status, out, _ = run(capsys, "eval", "--compare", str(old), str(new), "--out", str(tmp_path))
    assert status == 0
    assert "correct → wrong: 1" in out and "answered → refused: 1" in out and "wrong → correct: 0" in out
    assert f"{flipped['id']} [{flipped['split']}]  {flipped['question']}" in out
    page = (tmp_path / "compare-small-extractive-vs-new.html").read_text()
    assert f'href="#item-{flipped["id"]}"' in page and "full report" in page
    status, out, err = run(capsys, "eval", "--compare", str(old), str(tmp_path / "nothing.json"))
    assert status == 2 and err.strip() == f"chatbot: there is no report at {tmp_path / 'nothing.json'}"


def test_eval_compare_of_two_dev_runs_shows_the_dev_half(
    old_reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((old_reports / "small-extractive.json").read_text())
    measured = data["splits"]["test"]
    data["splits"] = {"dev": measured, "test": {name: 0 for name in measured}}  # "--split dev": no test items
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(data))
    data["splits"]["dev"] = {**measured, "answer_correctness": 0.0}
    new.write_text(json.dumps(data))
    status, out, _ = run(capsys, "eval", "--compare", str(old), str(new), "--out", str(tmp_path))
    assert status == 0 and "(dev half)" in out
    row = next(line for line in out.splitlines() if "answer_correctness" in line)
    assert f"{measured['answer_correctness']:.3f}" in row and "0.000" in row


def test_eval_two_backends_a_baseline_and_junit_in_one_run(
    index_dir: Path, small_set: Path, old_reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two of the small set's questions (the local model answers one and its evidence gate refuses the other,
    # which keeps this test to one generation), under the same set name so the baseline folder matches.
    pair = tmp_path / "pair" / "small.jsonl"
    pair.parent.mkdir()
    pair.write_text(
        "".join(
            line + "\n" for line in small_set.read_text().splitlines() if '"q001"' in line or '"q089"' in line
        )
    )
    out_dir, junit = tmp_path / "reports", tmp_path / "eval.xml"
    args = ["eval", "--set", str(pair), "--index", str(index_dir), "--out", str(out_dir), "--no-gate"]
    args += [
        "--backend",
        "extractive",
        "--backend",
        "local",
        "--baseline",
        str(old_reports),
        "--junit",
        str(junit),
    ]
    status, out, err = run(capsys, *args)
    assert status == 0, err
    side_by_side = (out_dir / "small-extractive-vs-local.html").read_text()
    assert "<th>extractive</th><th>local</th>" in side_by_side.replace("\n", "")  # one column per backend
    # Both questions are in the dev half: the comparison shows that half, not an empty test half.
    assert "extractive → local (dev half)" in out and "Comparison: " in out
    assert "<h2>Metrics, dev half</h2>" in side_by_side
    baseline = (out_dir / "small-extractive-vs-baseline.html").read_text()
    assert "Only in extractive (baseline): 4 questions" in baseline
    assert "small-extractive-vs-local.html" in (out_dir / "index.html").read_text()
    xml = junitparser.JUnitXml.fromfile(str(junit))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"small [extractive]", "small [local]"}
    for s in suites.values():
        assert sorted(c.name.split(":")[0] for c in s if not c.classname.endswith(".gate")) == [
            "q001",
            "q089",
        ]
        assert [c.name for c in s if c.classname.endswith(".gate")] == ["citation_validity"]


def test_eval_init_writes_a_starter_set_that_runs_and_passes_its_gate(
    mini_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my-set"
    status, out, _ = run(capsys, "eval", "--init", str(folder), "--corpus", str(mini_corpus))
    assert status == 0 and f"wrote {folder / 'questions.jsonl'}" in out
    args = [
        "eval",
        "--set",
        str(folder),
        "--corpus",
        str(mini_corpus),
        "--thresholds",
        str(folder / "thresholds.toml"),
    ]
    status, out, err = run(
        capsys, *args, "--index", str(tmp_path / "index"), "--out", str(tmp_path / "reports")
    )
    assert status == 0, err
    assert (tmp_path / "reports" / "my-set-extractive.html").exists()


def test_chat_in_a_pseudo_terminal_follows_up_shows_sources_and_clears(index_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = pexpect.spawn(sys.executable, ["-m", "chatbot.cli", "chat", "--index", str(index_dir)], cwd=str(ROOT),
                          env=env, encoding="utf-8", timeout=120, dimensions=(50, 220))  # fmt: skip
    try:
        child.expect("Ask a question")
        child.expect("> ")
        child.sendline("Who said AI doesn't need a Chernobyl moment?")
        child.expect("Stephen Casper")
        child.expect(r"\d sources: /sources")
        child.expect("> ")
        child.sendline("What did he say about the Cold War?")
        child.expect("Read as: “What did Stephen Casper say about the Cold War\\?”")
        child.expect("Cold War")
        child.expect("> ")
        child.sendline("/sources")
        child.expect(r"\[1\]")
        child.expect(r"corpus/trendkia-inside-beijings-ai-summit\.txt, characters \d+–\d+")
        child.expect("> ")
        child.sendline("/clear")
        child.expect("Conversation cleared")
        child.expect("> ")
        child.sendline("What did he say about the Cold War?")  # nobody to refer to any more
        child.expect("> ")
        assert "Cold War" in child.before and "Read as" not in child.before
        child.sendline("/exit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_ask_json_history_answers_the_last_question_of_a_conversation(
    index_dir: Path, tmp_path: Path
) -> None:
    conversation = tmp_path / "conversation.json"
    conversation.write_text(json.dumps([
        {"question": "Who said AI doesn't need a Chernobyl moment?", "answer": "Stephen Casper [1]."},
        {"question": "What did he say about the Cold War?"},
    ]))  # fmt: skip
    result = chatbot("ask", "--json", "--history", str(conversation), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    answer = json.loads(line)
    assert list(answer) == CONTRACT_KEYS and answer["question"] == "What did he say about the Cold War?"
    assert answer["answerable"] and "Cold War" in answer["answer"]


def test_ask_history_takes_chat_messages_and_rejects_a_broken_conversation(
    index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = tmp_path / "messages.json"
    messages.write_text(json.dumps({"messages": [
        {"role": "user", "content": "Who is Lin Yun?"},
        {"role": "assistant", "content": "A professor at Shanghai Jiao Tong University [1]."},
        {"role": "user", "content": "What did he say about the Cold War?"},
    ]}))  # fmt: skip
    status, out, _ = run(capsys, "ask", "--json", "--history", str(messages), "--index", str(index_dir))
    assert status == 0 and "Lin Yun" in json.loads(out)["answer"]  # "he" is read as Lin Yun this time
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"question": "Who is Lin Yun?"}, {"question": "And his role?"}]))
    status, out, err = run(capsys, "ask", "--json", "--history", str(broken), "--index", str(index_dir))
    assert status == 2 and not out
    assert err.strip() == f"chatbot: {broken}: turn 1 has no answer; only the last turn may be unanswered"
