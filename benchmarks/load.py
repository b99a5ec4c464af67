"""A bounded load test: concurrent chat sessions against live ``chatbot serve`` processes on 127.0.0.1.

The script starts the servers itself (``chatbot serve --port <free port>`` in subprocesses, with the
default host, so it also shows they listen on loopback only), waits until they answer, then runs
``--sessions`` concurrent sessions, spread over the servers, each its own ``gradio_client.Client``
asking ``--questions`` eval-set questions one after another through the ``/answer`` API. It records
every error (the run fails unless there are none), p50/p95 latency per question, and the first
server's resident memory (before, peak while loaded, after).

With ``--replicas 2 --store URL`` the servers share one PostgreSQL store, and ``--uploads N`` documents
(each with a fact of its own) are uploaded through them in turn while the sessions ask; afterwards every
upload must be listed and cited by every server ("nothing lost"). Prints a table; writes
``benchmarks/results/load.json``.

    .venv/bin/python benchmarks/load.py [--sessions 50] [--questions 10] [--index DIR]
    .venv/bin/python benchmarks/load.py --replicas 2 --store postgresql://… --uploads 6
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


def start_server(
    port: int, args: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``chatbot serve`` from this checkout (``python -m chatbot.cli`` in the repository root)."""
    command = [sys.executable, "-m", "chatbot.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)


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


def run_sessions(urls: list[str], sessions: int, per_session: int) -> list[Call]:
    pool = questions(max(sessions, per_session) * 2)
    start = threading.Barrier(sessions)
    with ThreadPoolExecutor(max_workers=sessions) as executor:
        futures = [
            executor.submit(
                session, urls[s % len(urls)], s, [pool[(s * per_session + t) % len(pool)] for t in range(per_session)],
                start,
            )
            for s in range(sessions)
        ]  # fmt: skip
        return [call for f in futures for call in f.result()]


@dataclass
class Upload:
    name: str
    question: str
    through: str
    ms: float = 0.0
    stored_as: str = ""
    error: str = ""


def upload_file(folder: Path, i: int) -> tuple[Path, str]:
    """A small document with a fact found nowhere else (not even in an earlier run's uploads), and its question."""
    run = f"{time.time_ns() % 10**9:09d}"
    path = folder / f"observatory-{i}.txt"
    path.write_text(
        f"The Vellmoor{i}r{run} observatory was founded by the astronomer Ilse Marten{i} in {1800 + i}. "
        f"Its brass telescope still points at the northern sky every clear night.\n",
        encoding="utf-8",
    )
    return path, f"Who founded the Vellmoor{i}r{run} observatory?"


def run_uploads(urls: list[str], count: int, folder: Path) -> list[Upload]:
    """Upload ``count`` documents, through the servers in turn, one after another (while sessions ask)."""
    from gradio_client import Client, handle_file

    done = []
    for i in range(count):
        path, question = upload_file(folder, i)
        item = Upload(path.name, question, urls[i % len(urls)])
        t0 = time.perf_counter()
        try:
            status = Client(item.through, verbose=False).predict(
                [handle_file(str(path))], api_name="/upload"
            )[0]
            stored = re.search(r"stored as `([^`]+)`", status)
            item.stored_as = stored.group(1) if stored else ""
            if not item.stored_as or "Indexed" not in status:
                item.error = f"upload not indexed: {status[:300]}"
        except Exception as exc:
            item.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        item.ms = (time.perf_counter() - t0) * 1000
        done.append(item)
    return done


def nothing_lost(urls: list[str], uploaded: list[Upload], wait_s: float = 5.0) -> list[str]:
    """Every upload answered, with its citation, by every server (within ``wait_s`` of the last upload)."""
    from gradio_client import Client

    problems = []
    for url in urls:
        client = Client(url, verbose=False)
        for item in uploaded:
            if item.error:
                continue
            deadline = time.monotonic() + wait_s
            while True:
                reply = client.predict(item.question, api_name="/answer")
                cited = [c["source"] for c in reply.get("citations", [])]
                if reply.get("answerable") and any(c.endswith(item.stored_as) for c in cited):
                    break
                if time.monotonic() > deadline:
                    problems.append(
                        f"{url} does not cite {item.stored_as} for {item.question!r}: {reply.get('answer', '')[:200]}"
                    )
                    break
                time.sleep(0.5)
    return problems


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


def load_test(sessions: int, per_session: int, server_args: list[str], replicas: int = 1, uploads: int = 0,
              env: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    ports = [free_port() for _ in range(replicas)]
    urls = [f"http://127.0.0.1:{port}/" for port in ports]
    logs = [Path(os.environ.get("TMPDIR", "/tmp")) / f"chatbot-load-{port}.log" for port in ports]
    servers = [start_server(port, server_args, log, env) for port, log in zip(ports, logs, strict=True)]
    try:
        for url, server in zip(urls, servers, strict=True):
            wait_ready(url, server)
        bound = sorted(
            {
                ip
                for server, port in zip(servers, ports, strict=True)
                for ip in listening_addresses(server.pid, port)
            }
        )
        run_sessions(urls, len(urls), 2)  # warm-up: first-use costs are not load
        mb = 2**20
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"chatbot-load-uploads-{ports[0]}"
        folder.mkdir(parents=True, exist_ok=True)
        with MemoryWatch(servers[0].pid) as memory, ThreadPoolExecutor(max_workers=1) as uploader:
            before = memory.rss()
            t0 = time.perf_counter()
            uploading = uploader.submit(run_uploads, urls, uploads, folder)
            calls = run_sessions(urls, sessions, per_session)
            uploaded = uploading.result()
            wall = time.perf_counter() - t0
            after = memory.rss()
        lost = nothing_lost(urls, uploaded) if uploads else []
        errors = [c for c in calls if c.error]
        ok_ms = [c.ms for c in calls if not c.error]
        return {
            "sessions": sessions,
            "questions_per_session": per_session,
            "replicas": replicas,
            "requests": len(calls),
            "errors": len(errors),
            "error_samples": [asdict(e) for e in errors[:10]],
            "latency_ms": percentiles(ok_ms),
            "max_ms": round(max(ok_ms, default=0.0), 1),
            "wall_s": round(wall, 2),
            "throughput_rps": round(len(ok_ms) / wall, 2) if wall else 0.0,
            "uploads": [asdict(u) for u in uploaded],
            "upload_errors": [u.error for u in uploaded if u.error],
            "lost": lost,
            "server_bound_to": bound,
            "server_rss_mb": {
                "before": round(before / mb, 1),
                "peak": round(max(memory.samples + [before, after]) / mb, 1),
                "after": round(after / mb, 1),
                "growth": round((after - before) / mb, 1),
            },
            "server_args": [a if not a.startswith("postgresql") else "(store URL)" for a in server_args],
        }
    finally:
        for server in servers:
            stop_server(server)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--questions", type=int, default=10, help="questions per session")
    p.add_argument("--index", help="index folder for the server (default: the server's own, index/)")
    p.add_argument("--corpus", help="corpus folder for the server (default: corpus/)")
    p.add_argument(
        "--replicas", type=int, default=1, help="servers sharing the load (and, with --store, one store)"
    )
    p.add_argument(
        "--store", help="a PostgreSQL store URL for the servers (default: CHATBOT_STORE_URL, else files)"
    )
    p.add_argument(
        "--uploads", type=int, default=0, help="documents uploaded through the servers during the load"
    )
    args = p.parse_args(argv)
    server_args = [
        *(["--index", args.index] if args.index else []),
        *(["--corpus", args.corpus] if args.corpus else []),
    ]
    env = os.environ | ({"CHATBOT_STORE_URL": args.store} if args.store else {})
    result = load_test(args.sessions, args.questions, server_args, args.replicas, args.uploads, env)
    lat, mem = result["latency_ms"], result["server_rss_mb"]
    table(
        f"Load: {args.sessions} sessions × {args.questions} questions, /answer via gradio_client",
        ["measure", "value"],
        [["requests", result["requests"]], ["errors", result["errors"]], ["latency p50 (ms)", lat["p50"]],
         ["latency p95 (ms)", lat["p95"]], ["latency max (ms)", result["max_ms"]],
         ["throughput (answers/s)", result["throughput_rps"]], ["wall (s)", result["wall_s"]],
         ["server RSS before (MB)", mem["before"]], ["server RSS peak (MB)", mem["peak"]],
         ["server RSS after (MB)", mem["after"]], ["server RSS growth (MB)", mem["growth"]],
         ["server listens on", ", ".join(result["server_bound_to"])], ["replicas", result["replicas"]],
         ["uploads (errors)", f"{len(result['uploads'])} ({len(result['upload_errors'])})"],
         ["upload p50 (ms)", percentiles([u["ms"] for u in result["uploads"]])["p50"]],
         ["lost (not cited by every server)", len(result["lost"])]],
    )  # fmt: skip
    for e in result["error_samples"]:
        print(f"error: session {e['session']} turn {e['turn']}: {e['error']}", file=sys.stderr)
    for lost in result["lost"]:
        print(f"lost: {lost}", file=sys.stderr)
    write("load", result)
    return 1 if result["errors"] or result["lost"] or result["upload_errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
