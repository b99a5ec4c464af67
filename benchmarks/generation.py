"""Latency of a generative backend: time to the first visible words and to the full answer, p50 and p95.

Runs the questions of an eval set (one half with ``--split``, the first ``--limit``, or only the kinds the
router sends to the model with ``--generated-only``) through ``Pipeline.stream``, one at a time, after a
warm-up that loads every model the chain uses, as in a running server: a reply of its own (the model and
its fixed system prompt) and, with ``--split``, one question of the other half through the whole chain (the
NLP pipeline, the support checker). Its time is reported apart; ``benchmarks.cold_start`` measures the
cold start.

- Time to first visible token: the first partial answer, i.e. the first words of a sentence a reader sees
  (a structured reply's JSON is never shown). For questions the router answers with quotes, or the evidence
  gate refuses, the whole answer is visible at once; they are counted apart and not in the TTFT figures.
- Full answer: until the final, verified answer.
- The machine's load average (1 minute) is recorded before, during (sampled at each question) and after the
  run: the targets (TTFT p50 ≤ 3 s, full answer p95 ≤ 10 s) hold for an idle 2-core machine, and other work
  on the same cores shows up there.

Prints a table and writes ``benchmarks/results/generation.json``.

    nice .venv/bin/python -m benchmarks.generation --backend local --split test --generated-only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, console, table, write
from chatbot.evaluation.sets import load_set
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.text.questions import question_kind

ROOT = Path(__file__).resolve().parent.parent
VERIFIED_RE = re.compile(r"(\d+) of (\d+) claims verified")
FIXED_RE = re.compile(r"(\d+) citations? corrected")
TTFT_P50_TARGET_MS = 3000
TOTAL_P95_TARGET_MS = 10000


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile, as ``chatbot.evaluation.metrics`` computes latency percentiles."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


@dataclass
class Row:
    question: str
    kind: str  # the router's reading of the question
    backend_used: str  # what wrote the final answer
    generated: bool  # the model wrote text (partial answers were streamed)
    ttft_ms: float | None
    total_ms: float
    load_1m: float
    answerable: bool
    claims: int  # generated sentences
    kept: int  # sentences that verification kept
    corrected: int  # kept with a corrected or added citation
    fallback: bool  # the model declined or nothing survived: the quoted answer was given
    verified: str | None


def run_one(pipeline: Pipeline, question: str, backend: str) -> Row:
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    first = None
    final = None
    for answer in pipeline.stream(question, backend=backend):
        if first is None and answer.verified is None and not answer.citations and answer.answer:
            first = (time.perf_counter() - t0) * 1000  # a partial answer: the first generated words
        final = answer
    assert final is not None
    total = (time.perf_counter() - t0) * 1000
    note = final.verified or ""
    found = VERIFIED_RE.search(note)
    fixed = FIXED_RE.search(note)
    return Row(
        question=question,
        kind=question_kind(question),
        backend_used=final.backend_used or final.backend,
        generated=first is not None,
        ttft_ms=round(first, 1) if first is not None else None,
        total_ms=round(total, 1),
        load_1m=round(load, 2),
        answerable=final.answerable,
        claims=int(found.group(2)) if found else 0,
        kept=int(found.group(1)) if found else 0,
        corrected=int(fixed.group(1)) if fixed else 0,
        fallback="quotes the sources" in note,
        verified=final.verified,
    )


def summarise(
    rows: list[Row], settings: Settings, warmup_ms: float, loads: dict[str, float]
) -> dict[str, Any]:
    generated = [r for r in rows if r.generated]
    ttft = [r.ttft_ms or 0.0 for r in generated]
    total_gen = [r.total_ms for r in generated]
    claims = sum(r.claims for r in generated)
    kept = sum(r.kept for r in generated)
    during = [r.load_1m for r in rows]
    return {
        "questions": len(rows),
        "generated": len(generated),
        "answered_with_quotes": len(rows) - len(generated),
        "by_backend_used": _counts(r.backend_used for r in rows),
        "by_kind": _counts(r.kind for r in rows),
        "warmup_ms": round(warmup_ms, 1),
        "ttft_p50_ms": percentile(ttft, 0.5),
        "ttft_p95_ms": percentile(ttft, 0.95),
        "total_p50_ms_generated": percentile(total_gen, 0.5),
        "total_p95_ms_generated": percentile(total_gen, 0.95),
        "total_p50_ms_all": percentile([r.total_ms for r in rows], 0.5),
        "total_p95_ms_all": percentile([r.total_ms for r in rows], 0.95),
        "ttft_p50_within_target": percentile(ttft, 0.5) <= TTFT_P50_TARGET_MS,
        "total_p95_within_target": percentile(total_gen, 0.95) <= TOTAL_P95_TARGET_MS,
        "load_1m_before": loads["before"],
        "load_1m_during_mean": round(sum(during) / len(during), 2) if during else 0.0,
        "load_1m_during_max": max(during, default=0.0),
        "load_1m_after": loads["after"],
        "claims_generated": claims,
        "claims_kept": kept,
        "claims_removed_share": round((claims - kept) / claims, 4) if claims else 0.0,
        "citations_corrected": sum(r.corrected for r in generated),
        "fell_back_to_quotes": sum(r.fallback for r in generated),
        "threads": settings.llm_threads,
        "max_tokens": settings.llm_max_tokens,
        "prompt_sentences": settings.llm_sentences,
        "prompt_chars": settings.llm_evidence_chars,
    }


def _counts(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def warm_up(pipeline: Pipeline, backend: str, question: str | None) -> None:
    """Load every model the chain uses (the LLM and its fixed system prompt, the NLP pipeline, the support
    checker), as a running server has, with a question that is not measured."""
    reply = getattr(pipeline.backend_for(backend), "reply", None)
    if reply is not None:
        "".join(
            reply("Why is the sky blue?", ["The sky is blue because air scatters blue light more than red."])
        )
    if question:
        pipeline.ask(question, backend=backend)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", default="local")
    p.add_argument("--index", type=Path, default=ROOT / ".cache" / "eval-index" / "shipped")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--set", type=Path, default=ROOT / "evals" / "questions.jsonl")
    p.add_argument("--split", choices=("dev", "test"), help="one half of the set")
    p.add_argument(
        "--generated-only", action="store_true", help="only the kinds the router sends to the model"
    )
    p.add_argument("--limit", type=int, help="only the first N questions")
    args = p.parse_args()

    settings = Settings(corpus_dir=args.corpus, index_dir=args.index)
    items = load_set(args.set, args.corpus, "bench")
    chosen = items.half(args.split) if args.split else items.items
    others = [i.question for i in items.items if i not in chosen]
    questions = [i.question for i in chosen]
    if args.generated_only:
        questions = [q for q in questions if question_kind(q) in settings.llm_kinds]
        others = [q for q in others if question_kind(q) in settings.llm_kinds]
    questions = questions[: args.limit]
    pipeline = Pipeline(settings)
    loads = {"before": round(os.getloadavg()[0], 2)}
    t0 = time.perf_counter()
    warm_up(pipeline, args.backend, next(iter(others), None))  # from the other half: never a measured one
    warmup_ms = (time.perf_counter() - t0) * 1000

    rows = []
    for i, q in enumerate(questions, start=1):
        rows.append(run_one(pipeline, q, args.backend))
        r = rows[-1]
        console.print(
            f"[dim]{i}/{len(questions)} {r.kind} → {r.backend_used}: first {r.ttft_ms} ms, "
            f"total {r.total_ms:.0f} ms, load {r.load_1m}[/]",
            highlight=False,
        )
    loads["after"] = round(os.getloadavg()[0], 2)
    summary = {
        "backend": args.backend,
        "split": args.split or "all",
        **summarise(rows, settings, warmup_ms, loads),
    }
    write("generation", {"summary": summary, "items": [asdict(r) for r in rows]})
    table(
        f"Generation latency, backend {args.backend} ({len(rows)} questions)",
        ["measure", "value"],
        [(k, json.dumps(v) if isinstance(v, dict) else v) for k, v in summary.items()],
    )
    console.print(f"[dim]results in {RESULTS / 'generation.json'}[/]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
