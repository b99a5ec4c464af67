"""Shared helpers for the benchmarks: timing, percentiles, peak memory, tables and JSON results.

Benchmarks are not tests: each script prints a rich table and writes ``benchmarks/results/<name>.json``
(gitignored). Run them from the repository root with ``.venv/bin/python -m benchmarks.<name>``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"
CORPUS = Path("corpus")
EVAL_SET = Path("evals/questions.jsonl")
console = Console()


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / p99 and mean of a list of milliseconds, rounded to 0.01 ms."""
    a = np.asarray(values_ms, dtype=np.float64)
    if a.size == 0:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0}
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"p50": round(float(p50), 2), "p95": round(float(p95), 2), "p99": round(float(p99), 2),
            "mean": round(float(a.mean()), 2)}  # fmt: skip


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, list[float]]:
    """Run ``fn`` ``repeat`` times; return its last result and each run's milliseconds."""
    out, times = None, []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return out, times


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` holds the seconds spent."""
    box: list[float] = []
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - t0)


def free_port() -> int:
    """A free TCP port on the loopback interface, for a server a benchmark starts itself."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    """Current resident memory."""
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(f"{v:,.2f}" if isinstance(v, float) else str(v) for v in r))
    console.print(t)


def write(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=1, ensure_ascii=False))
    console.print(f"[dim]wrote {path}[/]")
    return path


def corpus_passages() -> list[Any]:
    """The shipped corpus split exactly as the index splits it."""
    from chatbot.ingest.documents import load_corpus
    from chatbot.ingest.passages import document_passages
    from chatbot.settings import Settings

    docs, _ = load_corpus(CORPUS)
    chars = Settings().passage_chars
    return [p for d in docs for p in document_passages(d, chars)]


def eval_questions() -> list[Any]:
    from chatbot.evaluation.sets import load_items

    return load_items(EVAL_SET, CORPUS)
