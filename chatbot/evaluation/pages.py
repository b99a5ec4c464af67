"""The HTML pages beyond one set's report: a comparison (runs side by side, changes signed, flipped
questions with their drill-downs) and the suite summary (every set and backend on one page).

Both are self-contained like the set report (inline CSS and SVG, no network), so a CI artifact or a mailed
file shows everything. User text (questions, answers, quotes) is always escaped.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatbot.evaluation import charts
from chatbot.evaluation.compare import FLIPS, Comparison, Run, signed
from chatbot.evaluation.report import CSS, JS, anchor, fmt, item_html

# The metrics the suite summary shows per set (test half), in order.
HEADLINE = (
    "answer_correctness",
    "refusal_precision",
    "refusal_recall",
    "citation_precision",
    "citation_recall",
    "follow_up_correctness",
)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<style>{CSS}</style><script>{JS}</script></head><body>{body}</body></html>"
    )


def _link(target: Path | None, page: Path, fragment: str = "") -> str | None:
    """``target`` relative to the folder of ``page`` (both on disk), with an optional ``#fragment``."""
    if target is None:
        return None
    rel = os.path.relpath(target.resolve(), page.resolve().parent)
    return rel + (f"#{fragment}" if fragment else "")


# --- comparison ---------------------------------------------------------------------------------------


def write_comparison(
    comps: Sequence[Comparison], path: Path, source: Callable[[str], str], title: str | None = None
) -> Path:
    """One page for a reference run against one or more others (an old and a new run; two backends)."""
    ref = comps[0].old
    runs = [ref, *(c.new for c in comps)]
    name = str(ref.data.get("set", "eval"))
    heading = title or f"{name}: " + " vs ".join(r.label for r in runs)
    body = [f"<h1>{html.escape(heading)}</h1>", _runs_table(runs, path)]
    half = comps[0].half if comps else "test"
    other = "dev" if half == "test" else "test"
    for c in comps:
        ratios = [
            (ch.metric, ch.change, bool(ch.better)) for ch in c.changes[half] if "latency" not in ch.metric
        ]
        body.append(
            "<div class=charts><figure>"
            + charts.delta_chart(
                ratios, f"Change, {c.old.label} → {c.new.label} ({half} half)", f"delta-{c.new.label}"
            )
            + "<figcaption>Green: better; red: worse (for the false-refusal rate, a fall is better).</figcaption>"
            + "</figure></div>"
        )
    body.append(f"<h2>Metrics, {half} half</h2>" + _metrics_table(comps, half))
    body.append(
        f"<details><summary>Metrics, {other} half</summary>" + _metrics_table(comps, other) + "</details>"
    )
    body.append("<h2>Correct per category (dev and test)</h2>" + _category_table(comps))
    body.append("<h2>Questions that flipped</h2>" + "".join(_flip_lists(c, path) for c in comps))
    body.append("<h2>Every question</h2>" + _all_questions(runs, path))
    flipped = list(dict.fromkeys(i for c in comps for ids in c.flips.values() for i in ids))
    body.append(
        "<h2>Flipped questions, side by side</h2>" + "".join(_side_by_side(i, runs, source) for i in flipped)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(heading, "\n".join(body)), encoding="utf-8")
    return path


def _runs_table(runs: Sequence[Run], page: Path) -> str:
    rows = []
    for r in runs:
        full = _link(r.html, page)
        report = f'<a href="{html.escape(full)}">full report</a>' if full else ""
        rows.append(
            f"<tr><td><b>{html.escape(r.label)}</b></td><td>{html.escape(str(r.data.get('backend')))}</td>"
            f"<td>{html.escape(str(r.data.get('created', '')))}</td>"
            f"<td>{html.escape(str(r.path or ''))}</td><td>{report}</td></tr>"
        )
    return (
        "<table><tr><th>run</th><th>backend</th><th>created</th><th>file</th><th></th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _delta_cell(change: float, better: bool | None) -> str:
    cls = "" if better is None else ("up" if better else "down")
    return f"<td class='num {cls}'>{signed(change)}</td>"


def _metrics_table(comps: Sequence[Comparison], half: str) -> str:
    ref = comps[0].old
    head = (
        f"<tr><th>metric</th><th>{html.escape(ref.label)}</th>"
        + "".join(f"<th>{html.escape(c.new.label)}</th><th>change</th>" for c in comps)
        + "</tr>"
    )
    by_metric = [{ch.metric: ch for ch in c.changes[half]} for c in comps]
    rows = []
    for metric in by_metric[0]:
        cells = "".join(
            f"<td class=num>{fmt(m[metric].new)}</td>" + _delta_cell(m[metric].change, m[metric].better)
            if metric in m else "<td></td><td></td>"
            for m in by_metric
        )  # fmt: skip
        rows.append(
            f"<tr><td>{html.escape(metric)}</td><td class=num>{fmt(by_metric[0][metric].old)}</td>{cells}</tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _category_table(comps: Sequence[Comparison]) -> str:
    ref = comps[0].old.data["by_category"]
    head = (
        "<tr><th>category</th><th>items</th><th>"
        + html.escape(comps[0].old.label)
        + "</th>"
        + "".join(f"<th>{html.escape(c.new.label)}</th><th>change</th>" for c in comps)
        + "</tr>"
    )
    rows = []
    for cat, row in ref.items():
        cells = ""
        for c in comps:
            other = c.new.data["by_category"].get(cat)
            if other is None:
                cells += "<td></td><td></td>"
                continue
            delta = round(other["correct"] - row["correct"], 4)
            cells += f"<td class=num>{fmt(other['correct'])}</td>" + _delta_cell(
                delta, None if not delta else delta > 0
            )
        rows.append(
            f"<tr><td>{html.escape(cat)}</td><td class=num>{row['items']}</td><td class=num>{fmt(row['correct'])}</td>{cells}</tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _flip_lists(comp: Comparison, page: Path) -> str:
    _, new = comp.records()
    parts = [f"<h3>{html.escape(comp.old.label)} → {html.escape(comp.new.label)}</h3>"]
    for kind, ids in comp.flips.items():
        items = []
        for i in ids:
            links = [
                f'<a href="{html.escape(url)}">{html.escape(r.label)}</a>'
                for r in (comp.old, comp.new)
                if (url := _link(r.html, page, anchor(i)))
            ]
            full = f" <small>(full reports: {', '.join(links)})</small>" if links else ""
            half = html.escape(str(new[i].get("split", "test")))
            items.append(
                f'<li><a href="#{anchor(i)}"><b>{html.escape(i)}</b></a> <span class=badge>{half}</span> '
                f"{html.escape(new[i]['question'])}{full}</li>"
            )
        body = f"<ul>{''.join(items)}</ul>" if items else "<p>none</p>"
        parts.append(f"<h4>{html.escape(FLIPS[kind])}: {len(ids)}</h4>{body}")
    if comp.only_old or comp.only_new:
        parts.append(
            f"<p>Only in {html.escape(comp.old.label)}: {len(comp.only_old)} questions; "
            f"only in {html.escape(comp.new.label)}: {len(comp.only_new)}.</p>"
        )
    return "".join(parts)


def _all_questions(runs: Sequence[Run], page: Path) -> str:
    """Every question with each run's verdict side by side; a verdict links to that run's drill-down."""
    records = [{str(it["id"]): it for it in r.data["items"]} for r in runs]
    ids = list(dict.fromkeys(i for rs in records for i in rs))
    head = (
        "<tr><th>id</th><th>question</th>"
        + "".join(f"<th>{html.escape(r.label)}</th>" for r in runs)
        + "</tr>"
    )
    rows = []
    for i in ids:
        question = next(rs[i]["question"] for rs in records if i in rs)
        cells = []
        for r, rs in zip(runs, records, strict=True):
            it = rs.get(i)
            if it is None:
                cells.append("<td>—</td>")
                continue
            verdict = ("correct" if it["correct"] else "wrong") + (", refused" if it["refused"] else "")
            cls = "ok" if it["correct"] else "bad"
            badge = f'<span class="badge {cls}">{verdict}</span>'
            url = _link(r.html, page, anchor(i))
            cells.append(f'<td><a href="{html.escape(url)}">{badge}</a></td>' if url else f"<td>{badge}</td>")
        rows.append(f"<tr><td>{html.escape(i)}</td><td>{html.escape(question)}</td>{''.join(cells)}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _side_by_side(item_id: str, runs: Sequence[Run], source: Callable[[str], str]) -> str:
    """A flipped question's drill-down in every run, in columns."""
    columns = []
    question = ""
    for r in runs:
        record = next((it for it in r.data["items"] if str(it["id"]) == item_id), None)
        if record is None:
            columns.append(f"<div><h4>{html.escape(r.label)}</h4><p>not in this run</p></div>")
            continue
        question = record["question"]
        inner = item_html(record, source, element_id=None, opened=True)
        columns.append(f"<div><h4>{html.escape(r.label)}</h4>{inner}</div>")
    grid = f"<div style='display:grid;grid-template-columns:repeat({len(runs)},1fr);gap:1em'>{''.join(columns)}</div>"
    return (
        f'<details class=item id="{anchor(item_id)}"><summary><b>{html.escape(item_id)}</b> '
        f"{html.escape(question)}</summary>{grid}</details>"
    )


# --- suite summary -------------------------------------------------------------------------------------


@dataclass
class SetRun:
    """One set through one backend, as the suite summary and the JUnit file need it."""

    name: str
    backend: str
    data: dict[str, Any]
    thresholds: dict[str, float]
    failures: list[str]
    html: Path | None = None
    extra_links: dict[str, Path] = field(default_factory=dict)  # label → comparison page


def write_suite(
    runs: Sequence[SetRun],
    path: Path,
    components: dict[str, Any] | None,
    component_failures: Sequence[str] = (),
) -> Path:
    """Every set and backend on one page: headline test metrics, the gate's verdict, links to the reports."""
    backends = list(dict.fromkeys(r.backend for r in runs))
    sets = list(dict.fromkeys(r.name for r in runs))
    body = [
        "<h1>Grounding evaluation — suite summary</h1>",
        f"<p>{len(sets)} set{'s' if len(sets) != 1 else ''}, backend{'s' if len(backends) != 1 else ''} {', '.join(html.escape(b) for b in backends)}. Test halves; the gate "
        "reads these. Each set name links to its full report.</p>",
        "<div class=charts>" + "".join(_suite_chart(runs, b) for b in backends) + "</div>",
        _suite_table(runs, path),
    ]
    if components:
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td class=num>{fmt(v)}</td></tr>"
            for section, values in components.items() if section.endswith("_metrics") and isinstance(values, dict)
            for k, v in ((f"{section.removesuffix('_metrics')}_{n}", x) for n, x in values.items())
            if isinstance(v, int | float)
        )  # fmt: skip
        verdict = _verdict_cell(list(component_failures))
        body.append(f"<h2>Grounding components</h2><p>Gate: {verdict}</p><table>{rows}</table>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page("Eval suite summary", "\n".join(body)), encoding="utf-8")
    return path


def _suite_chart(runs: Sequence[SetRun], backend: str) -> str:
    mine = [r for r in runs if r.backend == backend]
    series = {m: [float(r.data["splits"]["test"].get(m, 0.0)) for r in mine] for m in HEADLINE[:5]}
    svg = charts.grouped_chart(
        [r.name for r in mine], series, f"Test half per set — {backend}", f"suite-{backend}"
    )
    return f"<figure>{svg}<figcaption>Headline metrics of each set's test half, backend {html.escape(backend)}.</figcaption></figure>"


def _suite_table(runs: Sequence[SetRun], page: Path) -> str:
    head = (
        "<tr><th>set</th><th>backend</th><th>test items</th>"
        + "".join(f"<th>{html.escape(m.replace('_', ' '))}</th>" for m in HEADLINE)
        + "<th>gate</th><th></th></tr>"
    )
    rows = []
    for r in runs:
        test = r.data["splits"]["test"]
        url = _link(r.html, page)
        name = f'<a href="{html.escape(url)}">{html.escape(r.name)}</a>' if url else html.escape(r.name)
        cells = "".join(f"<td class=num>{fmt(test[m]) if m in test else ''}</td>" for m in HEADLINE)
        extras = " ".join(
            f'<a href="{html.escape(u)}">{html.escape(label)}</a>'
            for label, target in r.extra_links.items() if (u := _link(target, page))
        )  # fmt: skip
        rows.append(
            f"<tr><td>{name}</td><td>{html.escape(r.backend)}</td><td class=num>{test['items']}</td>{cells}"
            f"<td>{_verdict_cell(r.failures)}</td><td>{extras}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _verdict_cell(failures: list[str]) -> str:
    if not failures:
        return "<span class=pass>pass</span>"
    return f'<span class=fail title="{html.escape("; ".join(failures))}">FAIL</span> <small>{html.escape("; ".join(failures))}</small>'
