"""The int8 ONNX embedding path against the sentence-transformers (torch, fp32) model.

Measured: cold load (import + model), one-query latency, bulk throughput on the same texts,
the cosine between the two engines' vectors, recall@5 of retrieval on the eval set with ONNX
query vectors against the fp32 index, and what the query-vector cache saves on a repeat.

    .venv/bin/python -m benchmarks.onnx_embed [--index benchmarks/results/index]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import RESULTS, eval_questions, percentiles, table, write
from benchmarks.ingest import texts

LOAD = {
    "torch": "from chatbot.store.embeddings import Embedder; e = Embedder('all-MiniLM-L6-v2'); e.embed(['x'])",
    "onnx": "from chatbot.store.embeddings import Embedder; e = Embedder('all-MiniLM-L6-v2'); e.embed_query('x')",
}


def cold_load_s(engine: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", LOAD[engine]], check=True, capture_output=True)
    return round(time.perf_counter() - t0, 2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=RESULTS / "index")
    parser.add_argument("--n", type=int, default=512)
    args = parser.parse_args()
    import torch

    from benchmarks.baseline import gold_recall
    from chatbot.pipeline import Pipeline
    from chatbot.settings import Settings
    from chatbot.store.embeddings import Embedder, OnnxEncoder

    items = eval_questions()
    questions = [i.question for i in items]
    embedder = Embedder("all-MiniLM-L6-v2")
    model = embedder.model
    threads = torch.get_num_threads()
    onnx1 = OnnxEncoder.for_path(str(embedder.path))
    onnx_bulk = OnnxEncoder.for_path(str(embedder.path), threads)
    data: dict[str, Any] = {"cold_load_s": {e: cold_load_s(e) for e in ("torch", "onnx")}}

    def one(fn: Any) -> dict[str, float]:
        fn(questions[0])
        times = []
        for q in questions:
            t0 = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t0) * 1000)
        return percentiles(times)

    data["query_ms"] = {
        "torch": one(lambda q: model.encode([q], normalize_embeddings=True)),
        "onnx (1 thread)": one(lambda q: onnx1.encode([q])),
        f"onnx ({threads} threads)": one(lambda q: onnx_bulk.encode([q])),
    }
    bulk = texts(args.n)
    t0 = time.perf_counter()
    fp32 = model.encode(bulk, batch_size=32, normalize_embeddings=True)
    t1 = time.perf_counter()
    int8 = onnx_bulk.encode(bulk, batch_size=32)
    t2 = time.perf_counter()
    data["bulk_texts_per_s"] = {
        "torch": round(len(bulk) / (t1 - t0), 1),
        "onnx": round(len(bulk) / (t2 - t1), 1),
    }
    cos = np.sum(fp32 * int8, axis=1)
    qcos = np.sum(model.encode(questions, normalize_embeddings=True) * onnx1.encode(questions), axis=1)
    data["cosine_fp32_vs_int8"] = {"texts_mean": round(float(cos.mean()), 5), "texts_min": round(float(cos.min()), 5),
                                   "queries_mean": round(float(qcos.mean()), 5), "queries_min": round(float(qcos.min()), 5)}  # fmt: skip

    pipeline = Pipeline(Settings(index_dir=args.index))
    recall = {}
    for engine in ("torch", "onnx"):
        pipeline.embedder.query_engine = engine
        pipeline.searcher.query_vector.cache_clear()
        hits = [
            [(h.passage.source, h.passage.start, h.passage.end) for h in pipeline.searcher.search(q, 5)]
            for q in questions
        ]
        recall[engine] = gold_recall(items, hits)
    data["retrieval_recall_at_5"] = recall
    cached = one(pipeline.searcher.query_vector)  # every question now in the lru cache
    data["query_vector_cache_hit_ms"] = cached
    table("Query embedding, ms", ["engine", "p50", "p95", "p99", "mean"], [[k, *v.values()] for k, v in data["query_ms"].items()]
          + [["lru cache hit", *cached.values()]])  # fmt: skip
    table("ONNX int8 vs torch fp32", ["measure", "torch", "onnx"],
          [["cold load s (new process)", data["cold_load_s"]["torch"], data["cold_load_s"]["onnx"]],
           [f"bulk texts/s ({len(bulk)} texts, {threads} threads)", *data["bulk_texts_per_s"].values()],
           ["retrieval recall@5 (eval set, fp32 index)", recall["torch"], recall["onnx"]],
           ["cosine to fp32 (texts mean / min)", 1.0, f"{cos.mean():.4f} / {cos.min():.4f}"],
           ["cosine to fp32 (queries mean / min)", 1.0, f"{qcos.mean():.4f} / {qcos.min():.4f}"]])  # fmt: skip
    write("onnx_embed", data)


if __name__ == "__main__":
    main()
