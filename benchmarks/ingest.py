"""Ingest throughput: our embedding path against raw ``SentenceTransformer.encode`` on the same texts.

Texts: what ``chatbot build`` embeds for the shipped corpus (title + passage, then every sentence)
plus synthetic passages (benchmarks/synthetic.py) up to ``--n``, so the rate is not dominated by
start-up. The ceiling is one ``encode`` call over all texts (batch 32, normalised). Also: batch-size
and thread sweeps of raw encode, and a full ``chatbot.store.index.build`` of the shipped corpus
(embedding + BM25 + attribution + writing), in passages/s.

    .venv/bin/python -m benchmarks.ingest [--n 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import corpus_passages, peak_rss_mb, table, write


def texts(n: int) -> list[str]:
    from benchmarks.synthetic import texts as synthetic
    from chatbot.ingest.passages import sentence_text

    passages = corpus_passages()
    shipped = [f"{p.title}\n{p.text}" for p in passages] + [
        sentence_text(p, s) for p in passages for s in p.sentences
    ]
    return (shipped + synthetic(max(0, n - len(shipped)), seed=11))[:n]


def rate(fn: Any, n: int) -> float:
    t0 = time.perf_counter()
    fn()
    return round(n / (time.perf_counter() - t0), 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    import torch

    from chatbot.settings import Settings
    from chatbot.store.embeddings import Embedder
    from chatbot.store.index import build

    items = texts(args.n)
    embedder = Embedder("all-MiniLM-L6-v2")
    model = embedder.model
    model.encode(items[:64], batch_size=32)  # warm-up
    data: dict[str, Any] = {"texts": len(items), "threads": torch.get_num_threads()}
    raw = rate(lambda: model.encode(items, batch_size=32, normalize_embeddings=True), len(items))
    ours = rate(lambda: embedder.embed(items), len(items))
    data["raw_encode_per_s"], data["ours_embed_per_s"] = raw, ours
    data["ours_vs_raw"] = round(ours / raw, 3)
    sample = items[:512]
    data["batch_sweep_per_s"] = {
        b: rate(lambda b=b: model.encode(sample, batch_size=b), len(sample)) for b in (8, 16, 32, 64, 128)
    }
    threads = torch.get_num_threads()
    sweep = {}
    for t in sorted({1, threads}):
        torch.set_num_threads(t)
        sweep[t] = rate(lambda: model.encode(sample, batch_size=32), len(sample))
    torch.set_num_threads(threads)
    data["thread_sweep_per_s"] = sweep
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp))
        t0 = time.perf_counter()
        build(settings, embedder)
        took = time.perf_counter() - t0
    passages = len(corpus_passages())
    data["build_shipped"] = {
        "passages": passages,
        "seconds": round(took, 2),
        "passages_per_s": round(passages / took, 1),
    }
    data["peak_rss_mb"] = peak_rss_mb()
    table(f"Ingest throughput, texts/s ({len(items)} texts, {threads} threads)", ["path", "texts/s", "of raw"],
          [["raw SentenceTransformer.encode (ceiling)", raw, "100%"], ["chatbot Embedder.embed", ours, f"{ours / raw:.0%}"]])  # fmt: skip
    table(
        "Raw encode, batch-size sweep (512 texts)",
        ["batch", "texts/s"],
        list(data["batch_sweep_per_s"].items()),
    )
    table("Raw encode, thread sweep (512 texts, batch 32)", ["threads", "texts/s"], list(sweep.items()))
    table(
        "Full build of the shipped corpus",
        ["passages", "seconds", "passages/s"],
        [list(data["build_shipped"].values())],
    )
    write("ingest", data)


if __name__ == "__main__":
    main()
