"""Latency of a generative backend: time to first token and total time, p50 and p95.

Runs every question of the eval set (or the first ``--limit``) through ``Pipeline.stream`` with
the chosen backend, one at a time, after one warm-up question that loads the model (its time is
reported apart). Time to first token is measured only for questions where text was generated:
with the evidence gate on, questions the extractive checks refuse return at once, and they are
counted separately. Also reports how many generated sentences verification kept, corrected and
removed. Prints a table and writes ``benchmarks/results/generation.json``.

    nice .venv/bin/python benchmarks/generation.py --backend local --index .cache/eval-index
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot.pipeline import Pipeline  # noqa: E402
from chatbot.settings import Settings  # noqa: E402

VERIFIED_RE = re.compile(r"(\d+) of (\d+) claims verified")
FIXED_RE = re.compile(r"(\d+) citations? corrected")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile, as ``chatbot.evaluation.metrics`` computes latency percentiles."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


@dataclass
class Row:
    question: str
    generated: bool  # text was generated (not refused by the evidence gate)
    ttft_ms: float | None
    total_ms: float
    answerable: bool
    claims: int  # generated sentences
    kept: int  # sentences that verification kept
    corrected: int  # kept with a corrected or added citation
    fallback: bool  # nothing survived: the extractive answer was given
    verified: str | None


def run_one(pipeline: Pipeline, question: str, backend: str) -> Row:
    t0 = time.perf_counter()
    first = None
    final = None
    for answer in pipeline.stream(question, backend=backend):
        if first is None and answer.verified is None and not answer.citations:
            first = (time.perf_counter() - t0) * 1000  # a partial answer: the first generated text
        final = answer
    assert final is not None
    total = (time.perf_counter() - t0) * 1000
    note = final.verified or ""
    found = VERIFIED_RE.search(note)
    fixed = FIXED_RE.search(note)
    return Row(
        question=question,
        generated=first is not None,
        ttft_ms=round(first, 1) if first is not None else None,
        total_ms=round(total, 1),
        answerable=final.answerable,
        claims=int(found.group(2)) if found else 0,
        kept=int(found.group(1)) if found else 0,
        corrected=int(fixed.group(1)) if fixed else 0,
        fallback="nothing survived" in note,
        verified=final.verified,
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", default="local")
    p.add_argument("--index", type=Path, default=ROOT / ".cache" / "eval-index")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--set", type=Path, default=ROOT / "evals" / "questions.jsonl")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "generation.json")
    args = p.parse_args()

    settings = Settings(corpus_dir=args.corpus, index_dir=args.index)
    questions = [
        json.loads(line)["question"]
        for line in args.set.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][: args.limit]
    pipeline = Pipeline(settings)
    t0 = time.perf_counter()
    run_one(pipeline, "Who leads the US side of the AI talks?", args.backend)  # loads the model
    warmup_ms = (time.perf_counter() - t0) * 1000

    console = Console(stderr=True)
    rows = []
    for i, q in enumerate(questions, start=1):
        rows.append(run_one(pipeline, q, args.backend))
        console.print(f"[dim]{i}/{len(questions)} {rows[-1].total_ms:.0f} ms[/]", highlight=False)

    generated = [r for r in rows if r.generated]
    ttft = [r.ttft_ms or 0.0 for r in generated]
    total_gen = [r.total_ms for r in generated]
    total_all = [r.total_ms for r in rows]
    claims = sum(r.claims for r in generated)
    kept = sum(r.kept for r in generated)
    summary = {
        "backend": args.backend,
        "questions": len(rows),
        "generated": len(generated),
        "gated_without_generation": len(rows) - len(generated),
        "warmup_ms": round(warmup_ms, 1),
        "ttft_p50_ms": percentile(ttft, 0.5),
        "ttft_p95_ms": percentile(ttft, 0.95),
        "total_p50_ms_generated": percentile(total_gen, 0.5),
        "total_p95_ms_generated": percentile(total_gen, 0.95),
        "total_p50_ms_all": percentile(total_all, 0.5),
        "total_p95_ms_all": percentile(total_all, 0.95),
        "within_targets": sum((r.ttft_ms or 0.0) <= 5000 and r.total_ms <= 20000 for r in generated),
        "claims_generated": claims,
        "claims_kept": kept,
        "claims_removed_share": round((claims - kept) / claims, 4) if claims else 0.0,
        "citations_corrected": sum(r.corrected for r in generated),
        "fell_back_to_quotes": sum(r.fallback for r in generated),
        "threads": settings.llm_threads,
        "max_tokens": settings.llm_max_tokens,
        "prompt_sentences": settings.llm_sentences,
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"summary": summary, "items": [asdict(r) for r in rows]}, ensure_ascii=False, indent=1)
    )

    table = Table(
        title=f"Generation latency, backend {args.backend} ({len(rows)} questions)", title_justify="left"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        table.add_row(key, f"{value:.1f}" if isinstance(value, float) and key.endswith("_ms") else str(value))
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
