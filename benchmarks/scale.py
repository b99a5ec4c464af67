"""Scale: the size-chosen vector index at 10k, 100k and 1M passages.

Vectors: a real MiniLM sample (20k synthetic passages embedded once, cached) and, beyond it,
perturbed combinations of real vectors (see benchmarks/synthetic.py for both and why). Queries:
the eval set's 139 questions, embedded with the same model (real query vectors). For each size:
build time (batched, with the IVF training and nprobe tuning included), size on disk, resident
memory of the index (RSS growth while building, and when loaded normally or memory-mapped),
query latency p50/p95/p99 (k=10, one query at a time, as a user asks), exact search latency, and
recall@10 of the index against exact search. At the largest size, 1,000 new documents are added
to the loaded index (no rebuild) and recall is measured again. Ingest time at each size is
extrapolated from the measured embedding throughput and labelled as such.

    .venv/bin/python -m benchmarks.scale [--sizes 10000 100000 1000000] [--hnsw]
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from typing import Any

import numpy as np

from benchmarks.common import RESULTS, console, eval_questions, peak_rss_mb, percentiles, rss_mb, table, write

OUT = RESULTS / "scale"


def query_vectors() -> np.ndarray:
    path = OUT / "queries.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    from chatbot.store.embeddings import Embedder

    q = Embedder("all-MiniLM-L6-v2").embed([i.question for i in eval_questions()])
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(path, q, allow_pickle=False)
    return q


def latencies(index: Any, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:
    """One query at a time, as a user asks, on one thread: on a shared 2-core machine OpenMP's
    spinning threads made single-query search slower and far more erratic than one thread."""
    import faiss

    faiss.omp_set_num_threads(1)
    try:
        return _latencies(index, queries, k)
    finally:
        faiss.omp_set_num_threads(os.cpu_count() or 1)


def _latencies(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    ids, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        ids.append(index.search(q[None, :], k)[1][0])
        times.append((time.perf_counter() - t0) * 1000)
    return np.array(ids), times


def one_size(
    n: int, real: np.ndarray, queries: np.ndarray, rate: float, last: bool, hnsw: bool
) -> dict[str, Any]:
    import faiss

    from benchmarks.synthetic import derive
    from chatbot.store import vectors

    vecs = derive(real, n)
    truth = vectors.exact_neighbours(vecs, queries, 10)
    flat = faiss.IndexFlatIP(vecs.shape[1])
    flat.add(vecs)
    _, flat_ms = latencies(flat, queries)
    del flat
    gc.collect()

    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        if done[0] % 262_144 < k or done[0] == n:
            console.print(f"  {n:,}: added {done[0]:,}")

    before = rss_mb()
    t0 = time.perf_counter()
    index = vectors.build(vecs, tick)
    build_s = time.perf_counter() - t0
    built_rss = rss_mb() - before
    path = OUT / f"index-{n}.faiss"
    vectors.save(index, path)
    ids, ms = latencies(index, queries)
    row: dict[str, Any] = {
        "passages": n,
        "index": vectors.describe(index),
        "build_s": round(build_s, 2),
        "disk_mb": round(path.stat().st_size / 2**20, 1),
        "ram_build_delta_mb": round(built_rss, 1),
        "query_ms": percentiles(ms),
        "exact_query_ms": percentiles(flat_ms),
        "recall_at_10": round(vectors.recall(ids, truth), 4),
        "ingest_s_extrapolated": round(n / rate, 0) if rate else None,
        "sentence_scan_ms_p50": round(scan(vecs, queries), 2),
    }
    del index
    gc.collect()
    for mmap in (False, True):
        base = rss_mb()
        loaded = vectors.load(path, mmap=mmap)
        _, ms = latencies(loaded, queries)
        row["ram_loaded_mmap_mb" if mmap else "ram_loaded_mb"] = round(rss_mb() - base, 1)
        row["query_ms_mmap" if mmap else "query_ms_loaded"] = percentiles(ms)
        del loaded
        gc.collect()
    if last:
        row["incremental"] = incremental(path, real, vecs, queries)
    if hnsw:
        row["hnsw"] = hnsw_row(vecs, queries, truth)
    return row


def scan(vecs: np.ndarray, queries: np.ndarray) -> float:
    """p50 of one brute-force ``matrix @ query`` over n rows: what a per-query scan of all sentences costs."""
    times = []
    for q in queries[:30]:
        t0 = time.perf_counter()
        _ = vecs @ q
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def incremental(path: Any, real: np.ndarray, vecs: np.ndarray, queries: np.ndarray) -> dict[str, Any]:
    """Add 1,000 new vectors to the loaded index: time, ids, and recall@10 over old + new."""
    from benchmarks.synthetic import derive
    from chatbot.store import vectors

    index = vectors.load(path)
    new = derive(real, len(real) + 1000, seed=99)[len(real) :]
    t0 = time.perf_counter()
    vectors.add(index, [new])
    add_s = time.perf_counter() - t0
    found_new = index.search(new[:100], 1)[1][:, 0]
    both = np.concatenate([vecs, new])
    truth = vectors.exact_neighbours(both, queries, 10)
    ids, ms = latencies(index, queries)
    t1 = time.perf_counter()
    vectors.save(index, path)
    return {
        "added": 1000,
        "add_s": round(add_s, 3),
        "save_s": round(time.perf_counter() - t1, 2),
        "ntotal": int(index.ntotal),
        "new_ids_found_as_themselves": float(np.mean(found_new == np.arange(len(vecs), len(vecs) + 100))),
        "recall_at_10_after": round(vectors.recall(ids, truth), 4),
        "query_ms_after": percentiles(ms),
    }


def hnsw_row(vecs: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    """HNSW32 (efConstruction 64) for comparison: build time and the efSearch reaching recall 0.95."""
    import faiss

    from chatbot.store import vectors

    index = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 64
    t0 = time.perf_counter()
    index.add(vecs)
    build_s = time.perf_counter() - t0
    for ef in (16, 32, 64, 128, 256):
        index.hnsw.efSearch = ef
        ids, ms = latencies(index, queries)
        r = vectors.recall(ids, truth)
        if r >= 0.95:
            break
    return {
        "build_s": round(build_s, 2),
        "efSearch": ef,
        "recall_at_10": round(r, 4),
        "query_ms": percentiles(ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--sample", type=int, default=20_000, help="real embedded passages")
    parser.add_argument("--hnsw", action="store_true", help="also build HNSW at each size, for comparison")
    args = parser.parse_args()
    os.nice(5)
    from benchmarks.synthetic import available

    OUT.mkdir(parents=True, exist_ok=True)
    real, rate = available(args.sample)  # the cached real sample (benchmarks.synthetic embeds it)
    queries = query_vectors()
    rows = []
    for n in args.sizes:
        console.print(f"[bold]{n:,} passages[/]")
        rows.append(one_size(n, real, queries, rate, n == max(args.sizes), args.hnsw))
        write("scale", {"real_sample": len(real), "embed_passages_per_s": rate, "rows": rows,
                        "peak_rss_mb": peak_rss_mb()})  # fmt: skip
    table(
        f"Scale (real sample {len(real):,} vectors; queries: {len(queries)} eval questions; k=10)",
        ["passages", "index", "build s", "disk MB", "RAM MB (build / loaded / mmap)", "query p50/p95 ms",
         "exact p50 ms", "recall@10", "ingest s (extrapolated)"],
        [[r["passages"], r["index"], r["build_s"], r["disk_mb"],
          f"{r['ram_build_delta_mb']:.0f} / {r['ram_loaded_mb']:.0f} / {r['ram_loaded_mmap_mb']:.0f}",
          f"{r['query_ms']['p50']:.2f} / {r['query_ms']['p95']:.2f}", r["exact_query_ms"]["p50"],
          r["recall_at_10"], r["ingest_s_extrapolated"]] for r in rows],
    )  # fmt: skip
    inc = rows[-1].get("incremental")
    if inc:
        table(f"Incremental add to the {rows[-1]['passages']:,} index (no rebuild)", ["measure", "value"],
              [[k, v] for k, v in inc.items()])  # fmt: skip
    write(
        "scale",
        {"real_sample": len(real), "embed_passages_per_s": rate, "rows": rows, "peak_rss_mb": peak_rss_mb()},
    )


if __name__ == "__main__":
    main()
