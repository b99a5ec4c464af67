"""What ``chatbot eval`` does, apart from parsing its flags: the suite (or the given sets) through one or
more backends, every report written, comparisons with a baseline or between backends, the suite summary,
JUnit XML for CI, and the gate's exit status.

Exit status: 0 every gated metric at or above its floor; 1 a metric below its floor (or above a ceiling);
2 a usage or data error (a malformed set, a missing report, an unknown backend), printed as plain lines
by the CLI. ``--compare`` and ``--init`` exit 0 when they did their job.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from chatbot.evaluation.compare import Comparison, Run, compare, load_report, print_comparison
from chatbot.evaluation.gate import gate, load_thresholds, section_metrics
from chatbot.evaluation.pages import SetRun, write_comparison, write_suite
from chatbot.evaluation.report import components_table, print_report, source_reader, write_html
from chatbot.evaluation.schema import check_document
from chatbot.evaluation.sets import EvalSet, load_set, load_suite
from chatbot.settings import Settings, load_settings

if TYPE_CHECKING:
    from chatbot.store.embeddings import Embedder
    from chatbot.store.index import Progress

SUMMARY_PAGE = "index.html"


@dataclass
class EvalOptions:
    """The flags of ``chatbot eval``, as the command reads them."""

    sets: list[Path] = field(default_factory=list)  # empty: every set in evals/suite.toml
    backends: list[str] = field(default_factory=list)  # empty: the settings' backend
    corpus: Path | None = None
    index: Path | None = None
    thresholds: Path = Path("evals/thresholds.toml")
    k: int = 5
    limit: int | None = None
    split: str = "all"
    out: Path = Path("evals/reports")
    json: bool = False
    gate: bool = True
    junit: Path | None = None
    baseline: Path | None = None
    compare: list[Path] = field(default_factory=list)
    init: Path | None = None


@dataclass
class Consoles:
    out: Console
    err: Console
    progress: Callable[[], AbstractContextManager[Progress]]


def run_eval(options: EvalOptions, settings: Settings, io: Consoles) -> int:
    """The whole command; a ``ChatbotError`` escapes for the CLI to print (exit 2)."""
    if options.init:
        return init_set(options, io)
    if options.compare:
        return compare_reports(options, io)
    thresholds_file(options.thresholds)
    backends = list(dict.fromkeys(options.backends or [settings.backend]))
    for backend in backends:
        load_settings(backend=backend)  # an unknown backend is a usage error before any work is done
    # every set is checked before any work is done
    eval_sets = (
        [load_set(p, options.corpus) for p in options.sets]
        if options.sets
        else load_suite(corpus_dir=options.corpus)
    )
    baseline = _baseline_for(options.baseline, len(eval_sets))
    for eval_set in eval_sets:
        if options.split != "all":
            eval_set.items = eval_set.half(options.split)  # type: ignore[arg-type]
    from chatbot.store.embeddings import Embedder

    embedder = Embedder.for_settings(settings)
    options.out.mkdir(parents=True, exist_ok=True)
    runs: list[SetRun] = []
    for eval_set in eval_sets:
        runs += run_set(eval_set, backends, settings, embedder, options, io, len(eval_sets), baseline)
    checks: dict[str, Any] | None = None
    component_failures: list[str] = []
    if not options.sets:  # the whole suite: the grounding components too
        checks, component_failures = run_components(settings, embedder, options, io, backends[0])
    write_suite(runs, options.out / SUMMARY_PAGE, checks, component_failures)
    if options.junit:
        write_junit_file(options, runs, checks, backends[0], io)
    failures = [f"{r.name} [{r.backend}]: {f}" for r in runs for f in r.failures]
    failures += [f"components: {f}" for f in component_failures]
    for failure in failures:
        io.err.print(Text.assemble(("gate: ", "bold red"), failure), soft_wrap=True)
    if not options.json:
        io.out.print(Text(f"Suite summary: {options.out / SUMMARY_PAGE}"), soft_wrap=True)
    return 1 if failures and options.gate else 0


def thresholds_file(path: Path) -> dict[str, Any]:
    """The thresholds TOML, checked against ``evals/schema/thresholds.schema.json``."""
    from chatbot.evaluation.sets import EvalSetError

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise EvalSetError(f"there is no thresholds file at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise EvalSetError(f"{path} cannot be read as TOML ({exc})") from None
    check_document(path, data, "thresholds")
    return data


def run_set(
    eval_set: EvalSet,
    backends: list[str],
    settings: Settings,
    embedder: Embedder,
    options: EvalOptions,
    io: Consoles,
    sets_in_run: int,
    baseline: Callable[[str, str], Run | None],
) -> list[SetRun]:
    """One set through every backend; reports, gate, and the comparisons (between backends, to a baseline)."""
    from chatbot.evaluation.runner import evaluate_set, set_pipeline

    root = options.index or Path(".cache/eval-index")
    index_dir = options.index if options.index and sets_in_run == 1 else root / eval_set.name
    runs: list[SetRun] = []
    for backend in backends:
        own = settings.model_copy(update={"backend": backend})
        with io.progress() as stage:
            pipeline = set_pipeline(own, eval_set, index_dir, embedder)
            data = evaluate_set(pipeline, eval_set, options.k, options.limit, stage)
        # The gate reads test halves: a dev-only run (tuning) has nothing to gate.
        thresholds = (
            {} if options.split == "dev" else load_thresholds(options.thresholds, backend, eval_set.name)
        )
        stem = options.out / f"{eval_set.name}-{backend}"
        stem.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        html = write_html(
            data, thresholds, stem.with_suffix(".html"), eval_set.corpus_dir, {"Suite summary": SUMMARY_PAGE}
        )
        run = SetRun(eval_set.name, backend, data, thresholds, gate(data["splits"]["test"], thresholds), html)
        if options.json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            print_report(data, thresholds, io.out)
            io.out.print(Text(f"HTML report: {html}"), soft_wrap=True)
        old = baseline(eval_set.name, backend)
        if old is not None:
            new = Run(f"{backend} (this run)", data, stem.with_suffix(".json"), html)
            page = options.out / f"{eval_set.name}-{backend}-vs-baseline.html"
            _comparison([compare(old, new)], page, eval_set, io, options.json)
            run.extra_links["vs baseline"] = page
        runs.append(run)
    if len(runs) > 1:
        ref = _as_run(runs[0])
        comps = [compare(ref, _as_run(r)) for r in runs[1:]]
        page = options.out / f"{eval_set.name}-{'-vs-'.join(backends)}.html"
        _comparison(comps, page, eval_set, io, options.json)
        for r in runs:
            r.extra_links["backends side by side"] = page
    return runs


def _as_run(r: SetRun) -> Run:
    return Run(r.backend, r.data, r.html.with_suffix(".json") if r.html else None, r.html)


def _comparison(comps: list[Comparison], page: Path, eval_set: EvalSet, io: Consoles, as_json: bool) -> None:
    write_comparison(comps, page, source_reader(eval_set.corpus_dir))
    for comp in comps:
        if as_json:
            sys.stdout.write(json.dumps({"comparison": comp.as_json()}, ensure_ascii=False) + "\n")
        else:
            print_comparison(comp, io.out, page)


def _baseline_for(path: Path | None, sets_in_run: int) -> Callable[[str, str], Run | None]:
    """The baseline report for (set, backend): from a folder of earlier reports (``<set>-<backend>.json``),
    or a single report file, which must be of a set this run evaluates."""
    if path is None:
        return lambda name, backend: None
    if path.is_dir():

        def from_folder(name: str, backend: str) -> Run | None:
            file = path / f"{name}-{backend}.json"
            return load_report(file, f"{backend} (baseline)") if file.exists() else None

        return from_folder
    report = load_report(path, "baseline")

    def from_file(name: str, backend: str) -> Run | None:
        return report if sets_in_run == 1 or report.data.get("set") == name else None

    return from_file


def run_components(
    settings: Settings, embedder: Embedder, options: EvalOptions, io: Consoles, backend: str
) -> tuple[dict[str, Any], list[str]]:
    from chatbot.evaluation.runner import components

    checks = components(settings, embedder)
    thresholds = load_thresholds(options.thresholds, backend, "components")
    (options.out / "components.json").write_text(
        json.dumps(checks, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    if options.json:
        sys.stdout.write(json.dumps({"set": "components", **checks}, ensure_ascii=False) + "\n")
    else:
        io.out.print(components_table(checks, thresholds))
    return checks, gate(section_metrics(checks), thresholds)


def write_junit_file(
    options: EvalOptions, runs: list[SetRun], checks: dict[str, Any] | None, backend: str, io: Consoles
) -> None:
    """``--junit FILE``: a test case per question and per gated metric (the components' too)."""
    from chatbot.evaluation.junit import write_junit

    assert options.junit is not None
    parts = None
    if checks is not None:
        parts = (section_metrics(checks), load_thresholds(options.thresholds, backend, "components"))
    write_junit(options.junit, [(r.name, r.backend, r.data, r.thresholds) for r in runs], parts)
    io.err.print(Text(f"JUnit XML: {options.junit}"), soft_wrap=True)


def compare_reports(options: EvalOptions, io: Consoles) -> int:
    """``--compare OLD.json NEW.json``: the changes and flips, on the terminal and as an HTML page."""
    old_path, new_path = options.compare
    old, new = load_report(old_path, "old"), load_report(new_path, "new")
    comp = compare(old, new)
    page = options.out / f"compare-{old_path.stem}-vs-{new_path.stem}.html"
    corpus = Path(str(new.data.get("corpus") or options.corpus or "corpus"))
    write_comparison(
        [comp],
        page,
        source_reader(corpus),
        f"{new.data.get('set', 'eval')}: {old_path.name} → {new_path.name}",
    )
    (page.with_suffix(".json")).write_text(
        json.dumps(comp.as_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    if options.json:
        sys.stdout.write(json.dumps(comp.as_json(), ensure_ascii=False) + "\n")
    else:
        print_comparison(comp, io.out, page)
    return 0


def init_set(options: EvalOptions, io: Consoles) -> int:
    """``--init DIR``: a starter set over ``--corpus`` (or DIR/corpus) and its thresholds."""
    from chatbot.evaluation.init import write_starter

    assert options.init is not None
    written = write_starter(options.init, options.corpus)
    for path in written:
        io.out.print(Text(f"wrote {path}"), soft_wrap=True)
    corpus = f" --corpus {options.corpus}" if options.corpus else ""
    next_step = f"Next: chatbot eval --set {options.init}{corpus} --thresholds {written[1]}"
    io.out.print(Text(next_step), soft_wrap=True)
    return 0
