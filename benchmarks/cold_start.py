"""Cold start: a fresh ``chatbot ask`` process, from launch to its first answer on stdout.

Each run is a new Python process against an existing index (built first if missing), so it pays
every import, the model load and the index load. Measured for the default query engine (ONNX int8
when installed) and for ``CHATBOT_QUERY_ENGINE=torch`` (the sentence-transformers model).

    .venv/bin/python -m benchmarks.cold_start [--index benchmarks/results/index] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, percentiles, table, write

QUESTION = "Who leads the US side of the AI talks?"
CHATBOT = str(Path(sys.executable).with_name("chatbot"))


def first_answer_s(index: Path, engine: str) -> float:
    env = {**os.environ, "CHATBOT_QUERY_ENGINE": engine}
    t0 = time.perf_counter()
    proc = subprocess.Popen([CHATBOT, "ask", "--json", "--index", str(index), QUESTION],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    took = time.perf_counter() - t0
    proc.wait()
    if '"answer"' not in line:
        raise RuntimeError(f"no answer from chatbot ask: {line!r}")
    return took


def imports(index: Path, engine: str) -> list[str]:
    """Which heavy libraries a query process imports."""
    code = (
        "import sys; from chatbot.cli import main; "
        f"main(['ask', '--json', '--index', {str(index)!r}, {QUESTION!r}]); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'onnxruntime', 'faiss', "
        "'bm25s', 'langchain_core', 'gradio') if m in sys.modules), file=sys.stderr)"
    )
    env = {**os.environ, "CHATBOT_QUERY_ENGINE": engine}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return out.stderr.strip().splitlines()[-1:]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=RESULTS / "index")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    subprocess.run([CHATBOT, "build", "--index", str(args.index)], check=True, capture_output=True)
    data: dict[str, Any] = {"question": QUESTION}
    for engine in ("onnx", "torch"):
        runs = [first_answer_s(args.index, engine) for _ in range(args.runs)]
        data[engine] = {
            "runs_s": [round(r, 2) for r in runs],
            "s": percentiles(runs),
            "imports": imports(args.index, engine),
        }
    table("Cold start of `chatbot ask` to its first answer, s", ["query engine", "runs", "median", "imports"],
          [[e, data[e]["runs_s"], data[e]["s"]["p50"], data[e]["imports"]] for e in ("onnx", "torch")])  # fmt: skip
    write("cold_start", data)


if __name__ == "__main__":
    main()
