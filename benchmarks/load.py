"""A bounded load test: concurrent chat sessions against a live ``chatbot serve`` on 127.0.0.1.

The script starts the server itself (``chatbot serve --port <free port>`` in a subprocess, with the
default host, so it also shows the server listens on loopback only), waits until it answers, then
runs ``--sessions`` concurrent sessions, each its own ``gradio_client.Client`` asking ``--questions``
eval-set questions one after another through the ``/answer`` API. It records every error (the run
fails unless there are none), p50/p95 latency per question, and the server's resident memory
(before, peak while loaded, after). Prints a table; writes ``benchmarks/results/load.json``.

    .venv/bin/python benchmarks/load.py [--sessions 50] [--questions 10] [--index DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if not __package__:  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import EVAL_SET, free_port, percentiles, table, write

ROOT = Path(__file__).resolve().parent.parent
FALLBACK_QUESTIONS = [
    "Who leads the US side of the AI talks?",
    "Who said AI doesn't need a Chernobyl moment?",
    "Which Chinese open-weight models are mentioned?",
    "What did Emmanuel Macron say about the summit?",
]


@dataclass
class Call:
    session: int
    turn: int
    question: str
    ms: float
    error: str = ""


def questions(n: int) -> list[str]:
    """The first ``n`` distinct eval-set questions (answerable and not), or a fixed few."""
    try:
        lines = (ROOT / EVAL_SET).read_text(encoding="utf-8").splitlines()
        found = list(dict.fromkeys(json.loads(line)["question"] for line in lines if line.strip()))
    except (OSError, ValueError, KeyError):
        found = []
    return found[:n] or FALLBACK_QUESTIONS


def start_server(port: int, args: list[str], log: Path) -> subprocess.Popen[bytes]:
    chatbot = Path(sys.executable).parent / "chatbot"
    command = [str(chatbot), "serve", "--port", str(port), *args]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def listening_addresses(pid: int, port: int) -> set[str]:
    import psutil

    return {
        c.laddr.ip
        for c in psutil.Process(pid).net_connections(kind="tcp")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == port
    }


def session(url: str, number: int, asks: list[str], start: threading.Barrier) -> list[Call]:
    """One chat session: its own client, its questions asked in turn."""
    from gradio_client import Client

    calls: list[Call] = []
    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        return [Call(number, -1, "(connect)", 0.0, f"{type(exc).__name__}: {exc}")]
    finally:
        start.wait()  # every session connected (or failed): all start asking together
    for turn, question in enumerate(asks):
        t0 = time.perf_counter()
        error = ""
        try:
            reply = client.predict(question, api_name="/answer")
            if not (isinstance(reply, dict) and isinstance(reply.get("answer"), str) and reply["answer"]):
                error = f"unexpected reply: {str(reply)[:200]}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
        calls.append(Call(number, turn, question, (time.perf_counter() - t0) * 1000, error))
    return calls


def run_sessions(url: str, sessions: int, per_session: int) -> list[Call]:
    pool = questions(max(sessions, per_session) * 2)
    start = threading.Barrier(sessions)
    with ThreadPoolExecutor(max_workers=sessions) as executor:
        futures = [
            executor.submit(
                session, url, s, [pool[(s * per_session + t) % len(pool)] for t in range(per_session)], start
            )
            for s in range(sessions)
        ]
        return [call for f in futures for call in f.result()]


class MemoryWatch:
    """The server's resident memory, sampled every 0.2 s in a background thread."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.samples: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return int(self.process.memory_info().rss)

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self.samples.append(self.rss())

    def __enter__(self) -> MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def load_test(sessions: int, per_session: int, server_args: list[str]) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"chatbot-load-{port}.log"
    server = start_server(port, server_args, log)
    try:
        wait_ready(url, server)
        bound = sorted(listening_addresses(server.pid, port))
        run_sessions(url, 1, 2)  # warm-up: first-use costs are not load
        mb = 2**20
        with MemoryWatch(server.pid) as memory:
            before = memory.rss()
            t0 = time.perf_counter()
            calls = run_sessions(url, sessions, per_session)
            wall = time.perf_counter() - t0
            after = memory.rss()
        errors = [c for c in calls if c.error]
        ok_ms = [c.ms for c in calls if not c.error]
        return {
            "sessions": sessions,
            "questions_per_session": per_session,
            "requests": len(calls),
            "errors": len(errors),
            "error_samples": [asdict(e) for e in errors[:10]],
            "latency_ms": percentiles(ok_ms),
            "max_ms": round(max(ok_ms, default=0.0), 1),
            "wall_s": round(wall, 2),
            "throughput_rps": round(len(ok_ms) / wall, 2) if wall else 0.0,
            "server_bound_to": bound,
            "server_rss_mb": {
                "before": round(before / mb, 1),
                "peak": round(max(memory.samples + [before, after]) / mb, 1),
                "after": round(after / mb, 1),
                "growth": round((after - before) / mb, 1),
            },
            "server_args": server_args,
        }
    finally:
        stop_server(server)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--questions", type=int, default=10, help="questions per session")
    p.add_argument("--index", help="index folder for the server (default: the server's own, index/)")
    p.add_argument("--corpus", help="corpus folder for the server (default: corpus/)")
    args = p.parse_args(argv)
    server_args = [
        *(["--index", args.index] if args.index else []),
        *(["--corpus", args.corpus] if args.corpus else []),
    ]
    result = load_test(args.sessions, args.questions, server_args)
    lat, mem = result["latency_ms"], result["server_rss_mb"]
    table(
        f"Load: {args.sessions} sessions × {args.questions} questions, /answer via gradio_client",
        ["measure", "value"],
        [["requests", result["requests"]], ["errors", result["errors"]], ["latency p50 (ms)", lat["p50"]],
         ["latency p95 (ms)", lat["p95"]], ["latency max (ms)", result["max_ms"]],
         ["throughput (answers/s)", result["throughput_rps"]], ["wall (s)", result["wall_s"]],
         ["server RSS before (MB)", mem["before"]], ["server RSS peak (MB)", mem["peak"]],
         ["server RSS after (MB)", mem["after"]], ["server RSS growth (MB)", mem["growth"]],
         ["server listens on", ", ".join(result["server_bound_to"])]],
    )  # fmt: skip
    for e in result["error_samples"]:
        print(f"error: session {e['session']} turn {e['turn']}: {e['error']}", file=sys.stderr)
    write("load", result)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
