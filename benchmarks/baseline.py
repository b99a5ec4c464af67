"""Side by side with the textbook LangChain pipeline, in the same run, same model, same corpus.

Textbook: the corpus files read as text, ``RecursiveCharacterTextSplitter(chunk_size=700,
chunk_overlap=100, add_start_index=True)``, ``HuggingFaceEmbeddings(model_name=<the packaged
MiniLM folder>)``, ``FAISS.from_documents`` and ``similarity_search(q, k=5)``. Nothing is saved
(``save_local`` pickles). Ours: ``chatbot.store.index.build`` and ``Pipeline`` / ``Searcher``.

Recall@5 is evaluate.py's retrieval recall: over answerable eval items, the share of gold spans
that a top-5 passage from the same file overlaps. Query latency is retrieval per question, the
query embedding included (our query-vector cache emptied before each question).

At scale (``--scale 100000``), both sides get the same vectors (real sample + derived, see
benchmarks/synthetic.py) and synthetic texts. The LangChain store is assembled from those vectors
exactly as ``from_embeddings`` would (IndexFlatL2 + InMemoryDocstore), because ``from_embeddings``
first turns the matrix into Python float lists (12 GB at 1M). Ours: the size-chosen FAISS index,
BM25 over the same texts and fusion, via the real ``Searcher``.

    .venv/bin/python -m benchmarks.baseline                      # shipped corpus
    .venv/bin/python -m benchmarks.baseline --scale 100000       # and at 100k passages
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchmarks.common import CORPUS, eval_questions, percentiles, stopwatch, table, write

warnings.filterwarnings("ignore")
K = 5


def gold_recall(items: list[Any], ranked: list[list[tuple[str, int, int]]]) -> float:
    """evaluate.py's retrieval recall@k: covered share of each answerable item's gold spans, averaged."""
    shares = []
    for item, hits in zip(items, ranked, strict=True):
        if not item.answerable:
            continue
        covered = {
            i
            for i, g in enumerate(item.gold)
            for src, s, e in hits
            if g.source == src and s < g.end and g.start < e
        }
        shares.append(len(covered) / len(item.gold) if item.gold else 0.0)
    return round(sum(shares) / len(shares), 4)


def textbook_documents() -> list[Any]:
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=700, chunk_overlap=100, add_start_index=True)
    docs = [
        Document(page_content=p.read_bytes().decode("utf-8"), metadata={"source": p.name})
        for p in sorted(CORPUS.glob("*.txt"))
    ]
    return splitter.split_documents(docs)


def hf_embeddings() -> Any:
    from langchain_huggingface import HuggingFaceEmbeddings

    from chatbot.store.embeddings import model_path

    return HuggingFaceEmbeddings(
        model_name=str(model_path("all-MiniLM-L6-v2")), model_kwargs={"device": "cpu"}
    )


def shipped() -> dict[str, Any]:
    from langchain_community.vectorstores import FAISS

    from chatbot.pipeline import Pipeline
    from chatbot.settings import Settings
    from chatbot.store.embeddings import Embedder
    from chatbot.store.index import build

    items = eval_questions()
    questions = [i.question for i in items]
    hf = hf_embeddings()
    hf.embed_query("warm-up")  # model load is not ingest
    embedder = Embedder("all-MiniLM-L6-v2")
    embedder.embed(["warm-up"])
    embedder.embed_query("warm-up")

    with stopwatch() as t_lc:
        chunks = textbook_documents()
        store = FAISS.from_documents(chunks, hf)
    lc_ms, lc_hits = [], []
    for q in questions:
        t0 = time.perf_counter()
        docs = store.similarity_search(q, k=K)
        lc_ms.append((time.perf_counter() - t0) * 1000)
        lc_hits.append([(d.metadata["source"], d.metadata["start_index"],
                         d.metadata["start_index"] + len(d.page_content)) for d in docs])  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp))
        with stopwatch() as t_ours:
            build(settings, embedder)
        pipeline = Pipeline(settings)
        ours_ms, ours_hits, ask_ms = [], [], []
        for q in questions:
            pipeline.searcher.query_vector.cache_clear()
            t0 = time.perf_counter()
            hits = pipeline.searcher.search(q, K)
            ours_ms.append((time.perf_counter() - t0) * 1000)
            ours_hits.append([(h.passage.source, h.passage.start, h.passage.end) for h in hits])
        for q in questions:
            pipeline.searcher.query_vector.cache_clear()
            ask_ms.append(pipeline.ask(q).timings["total_ms"])
        manifest = pipeline.index.manifest
    lc = {"ingest_s": round(t_lc[0], 2), "chunks": len(chunks), "texts_embedded": len(chunks),
          "query_ms": percentiles(lc_ms), "recall_at_5": gold_recall(items, lc_hits)}  # fmt: skip
    ours = {"ingest_s": round(t_ours[0], 2), "chunks": manifest.passages,
            "texts_embedded": manifest.passages + manifest.sentences, "query_ms": percentiles(ours_ms),
            "answer_ms": percentiles(ask_ms), "recall_at_5": gold_recall(items, ours_hits)}  # fmt: skip
    return {"langchain": lc, "ours": ours, "ratios": ratios(lc, ours)}


def ratios(lc: dict[str, Any], ours: dict[str, Any]) -> dict[str, float]:
    out = {
        "query_p50_speedup (langchain/ours)": round(lc["query_ms"]["p50"] / ours["query_ms"]["p50"], 2),
        "query_p95_speedup (langchain/ours)": round(lc["query_ms"]["p95"] / ours["query_ms"]["p95"], 2),
    }
    if "ingest_s" in lc:
        out["ingest_time (ours/langchain)"] = round(ours["ingest_s"] / lc["ingest_s"], 2)
        out["ingest_per_text_embedded (ours/langchain)"] = round(
            (ours["ingest_s"] / ours["texts_embedded"]) / (lc["ingest_s"] / lc["texts_embedded"]), 2
        )
    if "recall_at_5" in lc:
        out["recall_at_5 (ours/langchain)"] = round(ours["recall_at_5"] / max(lc["recall_at_5"], 1e-9), 3)
    return out


def at_scale(n: int) -> dict[str, Any]:
    import faiss
    from langchain_community.docstore.in_memory import InMemoryDocstore
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document

    from benchmarks.synthetic import available, derive, texts
    from chatbot.ingest.passages import Passage
    from chatbot.retrieve import Searcher
    from chatbot.store import vectors
    from chatbot.store.embeddings import Embedder
    from chatbot.text.normalise import tokens

    real, _ = available(20_000)
    vecs = derive(real, n)
    body = texts(n)
    questions = [i.question for i in eval_questions()]

    flat = faiss.IndexFlatL2(vecs.shape[1])
    flat.add(vecs)
    ids = [str(i) for i in range(n)]
    store = FAISS(hf_embeddings(), flat, InMemoryDocstore({ids[i]: Document(page_content=body[i]) for i in range(n)}),
                  dict(enumerate(ids)))  # fmt: skip
    store.similarity_search("warm-up", k=K)
    lc_ms = []
    for q in questions:
        t0 = time.perf_counter()
        store.similarity_search(q, k=K)
        lc_ms.append((time.perf_counter() - t0) * 1000)
    del store, flat

    import bm25s

    bm25 = bm25s.BM25()
    bm25.index([tokens(t) or ["∅"] for t in body], show_progress=False)
    index = SimpleNamespace(
        passages=[Passage("synthetic", "", None, 0, len(t), t, [], i) for i, t in enumerate(body)],
        passage_vectors=vectors.build(vecs),
        bm25=bm25,
    )
    searcher = Searcher(index, Embedder("all-MiniLM-L6-v2"))  # type: ignore[arg-type]
    searcher.search("warm-up", K)
    ours_ms = []
    for q in questions:
        searcher.query_vector.cache_clear()
        t0 = time.perf_counter()
        searcher.search(q, K)
        ours_ms.append((time.perf_counter() - t0) * 1000)
    lc = {"query_ms": percentiles(lc_ms), "index": "IndexFlatL2 (textbook default)"}
    ours = {"query_ms": percentiles(ours_ms), "index": vectors.describe(index.passage_vectors)}
    return {"passages": n, "langchain": lc, "ours": ours, "ratios": ratios(lc, ours)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, nargs="*", default=[], help="also compare at these corpus sizes")
    parser.add_argument("--skip-shipped", action="store_true")
    args = parser.parse_args()
    data: dict[str, Any] = {}
    if not args.skip_shipped:
        data["shipped"] = s = shipped()
        rows = [
            [side, s[side]["ingest_s"], s[side]["chunks"], s[side]["texts_embedded"], s[side]["query_ms"]["p50"],
             s[side]["query_ms"]["p95"], s[side]["recall_at_5"]]
            for side in ("langchain", "ours")
        ]  # fmt: skip
        table("Shipped corpus: textbook LangChain vs ours (retrieval, query embedding included)",
              ["pipeline", "ingest s", "chunks", "texts embedded", "query p50 ms", "query p95 ms", "recall@5"],
              rows)  # fmt: skip
        table("Ratios", ["ratio", "value"], list(s["ratios"].items()))
    for n in args.scale:
        data[f"scale_{n}"] = r = at_scale(n)
        table(f"{n:,} passages: per-query retrieval latency, ms",
              ["pipeline", "index", "p50", "p95", "p99"],
              [[side, r[side]["index"], r[side]["query_ms"]["p50"], r[side]["query_ms"]["p95"],
                r[side]["query_ms"]["p99"]] for side in ("langchain", "ours")])  # fmt: skip
        table("Ratios", ["ratio", "value"], list(r["ratios"].items()))
    write("baseline" if not args.skip_shipped else "baseline_scale", data)


if __name__ == "__main__":
    main()
