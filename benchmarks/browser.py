"""What a journalist waits for in the web chat: time to the first visible words and to the full answer.

Starts ``chatbot serve`` in a subprocess (as ``make chat`` does), drives Debian's Chromium with
Playwright, and for each question measures, inside the page, from the click on "Ask" to
(1) the first answer text replacing the "…" placeholder and (2) the finished answer (its sources
or its refusal box). Run: ``.venv/bin/python -m benchmarks.browser [--backend local] [--limit 20]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.common import eval_questions, free_port, percentiles, table, write

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

WATCH = """(n) => {
  window.__t = {start: performance.now()};
  const chat = document.querySelector('#chat');
  const seen = () => {
    const bots = chat.querySelectorAll("[data-testid='bot']");
    const last = bots[bots.length - 1];
    if (!last || bots.length <= n) return;
    const text = last.innerText.trim();
    if (text && text !== '…' && !window.__t.first) window.__t.first = performance.now();
    if (last.querySelector('.sources, .refusal') && !window.__t.done) window.__t.done = performance.now();
  };
  new MutationObserver(seen).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


def start_server(port: int, index: Path, backend: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "chatbot.cli", "serve", "--port", str(port), "--index", str(index)]
    server = subprocess.Popen(
        cmd + ["--backend", backend], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start within 5 minutes")


def main() -> None:
    from playwright.sync_api import sync_playwright

    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--backend", default="extractive")
    args.add_argument("--limit", type=int, default=30, help="questions from the eval set (default 30)")
    args.add_argument("--index", type=Path, default=Path(".cache/bench-index"))
    opts = args.parse_args()
    questions = [item.question for item in eval_questions()][: opts.limit]
    port = free_port()
    server = start_server(port, opts.index, opts.backend)
    first, full = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            for i, q in enumerate(questions):
                page.locator("#question textarea").fill(q)
                page.evaluate(WATCH, i)
                page.locator("#send").click()
                page.wait_for_function("window.__t.done && window.__t.first", timeout=300_000, polling=20)
                t = page.evaluate("window.__t")
                first.append(t["first"] - t["start"])
                full.append(t["done"] - t["start"])
            browser.close()
    finally:
        server.terminate()
        server.wait()
    rows = [
        ["first visible words", *percentiles(first).values()],
        ["full answer", *percentiles(full).values()],
    ]
    table(f"Web chat, {opts.backend} backend, {len(questions)} questions (ms, click → shown)",
          ["stage", "p50", "p95", "p99", "mean"], rows)  # fmt: skip
    write(f"browser-{opts.backend}", {"backend": opts.backend, "questions": len(questions),
                                      "first_ms": percentiles(first), "full_ms": percentiles(full)})  # fmt: skip


if __name__ == "__main__":
    main()
