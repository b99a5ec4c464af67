"""Evaluation reports: a terminal table for the impatient, one HTML file for the thorough.

The HTML report is self-contained (inline CSS, inline SVG charts and a few lines of JS, no network),
so it can be attached to an issue or mailed. Charts come first (correctness per category, refusal
precision/recall against the decision threshold, calibration of that decision, latency), then the
tables, then each question, which opens into its answer, its citations with the cited span highlighted
inside the surrounding source text, the gold evidence, and the verdicts that produced the numbers at the
top. Every question has an anchor (``#item-<id>``), so comparisons and CI logs can link to it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chatbot.evaluation import charts
from chatbot.evaluation.gate import section_metrics
from chatbot.evaluation.sets import page_text

CONTEXT_CHARS = 240


# The metrics a set's terminal table shows, in order; the JSON and HTML reports hold them all.
SUMMARY = (
    "answer_correctness",
    "answer_in_evidence",
    "answer_in_first_line",
    "refusal_precision",
    "refusal_recall",
    "false_refusal_rate",
    "citation_validity",
    "citation_precision",
    "citation_recall",
    "retrieval_recall_at_5",
    "retrieval_mrr",
    "latency_p50_ms",
    "latency_p95_ms",
    "follow_up_correctness",  # conversation sets only
    "conversation_all_correct",
)


def _verdict(name: str, value: float, thresholds: dict[str, float]) -> tuple[str, Text]:
    limit = thresholds.get(name, thresholds.get(f"{name}_max"))
    if limit is None:
        return "", Text("")
    ok = value <= limit if f"{name}_max" in thresholds else value >= limit
    return fmt(limit), Text("pass", style="green") if ok else Text("FAIL", style="bold red")


def metric_table(data: dict[str, Any], thresholds: dict[str, float]) -> Table:
    """One set: each metric on dev (tuned on) and test (reported and gated), with the test threshold."""
    dev, test = data["splits"]["dev"], data["splits"]["test"]
    table = Table(
        title=f"{data.get('set', 'eval')} — backend {data['backend']}: {dev['items']} dev + {test['items']} test questions",
        title_justify="left",
    )
    for col, justify in (
        ("metric", "left"),
        ("dev", "right"),
        ("test", "right"),
        ("threshold", "right"),
        ("", "center"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for name in (n for n in SUMMARY if n in test):
        limit, mark = _verdict(name, test[name], thresholds)
        table.add_row(name, fmt(dev[name]), fmt(test[name]), limit, mark)
    return table


def components_table(data: dict[str, Any], thresholds: dict[str, float]) -> Table:
    """The grounding components on their own labelled sets (the support checker on its held-out pairs)."""
    table = Table(title="Grounding components", title_justify="left")
    for col in ("metric", "value", "threshold", ""):
        table.add_column(col)
    for name, value in section_metrics(data).items():
        limit, mark = _verdict(name, value, thresholds)
        table.add_row(name, fmt(value), limit, mark)
    return table


def category_table(data: dict[str, Any]) -> Table:
    table = Table(title="Correct by category (dev and test)", title_justify="left")
    table.add_column("category")
    table.add_column("items", justify="right")
    table.add_column("correct", justify="right")
    for cat, row in data["by_category"].items():
        table.add_row(Text(cat), str(row["items"]), fmt(row["correct"]))
    return table


def print_report(data: dict[str, Any], thresholds: dict[str, float], console: Console) -> None:
    console.print(metric_table(data, thresholds))
    console.print(category_table(data))


def fmt(value: float) -> str:
    return f"{value:.3f}" if isinstance(value, float) and value <= 1.0 else f"{value:g}"


# -- HTML -------------------------------------------------------------------------------------

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1f2937;padding:0 1em}
h1{font-size:1.5em} table{border-collapse:collapse;margin:1em 0} td,th{padding:.25em .8em;border-bottom:1px solid #e5e7eb;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums} .pass{color:#047857} .fail{color:#b91c1c;font-weight:600}
details{border:1px solid #e5e7eb;border-radius:6px;margin:.4em 0;padding:.3em .8em} summary{cursor:pointer}
.badge{display:inline-block;border-radius:4px;padding:0 .4em;font-size:.8em;margin-right:.3em;background:#e5e7eb}
.ok{background:#d1fae5;color:#065f46} .bad{background:#fee2e2;color:#991b1b} .warn{background:#fef3c7;color:#92400e}
.answer{white-space:pre-wrap;background:#f9fafb;padding:.5em;border-radius:4px} mark{background:#fde68a}
.ctx{font-size:.9em;color:#4b5563;background:#fff;border-left:3px solid #d1d5db;padding:.3em .6em;margin:.3em 0}
.filters button{margin-right:.4em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(430px,1fr));gap:.8em 1.5em;margin:1em 0}
figure{margin:0} svg.chart{max-width:100%;height:auto} figcaption{font-size:.85em;color:#4b5563}
.turn{font-size:.85em;color:#4b5563} nav a{margin-right:1em} .up{color:#047857} .down{color:#b91c1c}
details:target{outline:2px solid #2563eb}
"""

JS = """
function show(kind){document.querySelectorAll('details.item').forEach(d=>{
 d.style.display=(kind==='all'||d.dataset.cat===kind||(kind==='failed'&&d.dataset.ok==='0'))?'':'none'})}
function openTarget(){const d=location.hash&&document.getElementById(decodeURIComponent(location.hash.slice(1)));
 if(d&&d.tagName==='DETAILS'){d.open=true;d.style.display='';d.scrollIntoView();}}
window.addEventListener('hashchange',openTarget);window.addEventListener('DOMContentLoaded',openTarget);
"""


def anchor(item_id: str) -> str:
    """The element id of an item's drill-down: ``item-`` and the id with anything but word characters,
    dots and hyphens replaced, so it is safe in a URL fragment as it is."""
    return "item-" + re.sub(r"[^\w.-]", "_", str(item_id))


def chart_section(data: dict[str, Any]) -> str:
    """The set's four charts, each in a figure with a caption saying how to read it."""
    items, name = data["items"], str(data.get("set", "eval"))
    decision = data.get("decision", {"source": "retrieval_cosine", "threshold": 0.4})
    source = (
        "the backend's own answerability probability (<code>decision_score</code>)"
        if decision.get("source") == "answer"
        else "the best passage cosine of retrieval (the backend exposes no answerability score)"
    )
    figures = [
        (charts.category_chart(items, list(data["by_category"]), f"{name}-categories"),
         "Share of questions answered correctly (or rightly refused), per category; test and dev halves."),
        (charts.refusal_chart(items, decision, f"{name}-refusal"),
         f"If the system refused every question whose score is below the threshold: refusal precision and "
         f"recall. Score: {source}. Dotted: the system's own refusals."),
        (charts.calibration_chart(items, decision, f"{name}-calibration"),
         "Per score bin: how often the corpus really answers the question. On the diagonal, the score "
         "can be read as a probability."),
        (charts.latency_chart(items, f"{name}-latency"), "Wall time of each question through the pipeline."),
    ]  # fmt: skip
    return (
        "<div class=charts>"
        + "".join(f"<figure>{svg}<figcaption>{caption}</figcaption></figure>" for svg, caption in figures)
        + "</div>"
    )


def write_html(
    data: dict[str, Any],
    thresholds: dict[str, float],
    path: Path,
    corpus_dir: Path,
    links: dict[str, str] | None = None,
) -> Path:
    """One set's report for one backend; ``links`` (label → relative URL) go in a bar at the top."""
    path.parent.mkdir(parents=True, exist_ok=True)
    source = source_reader(corpus_dir)
    rows = []
    dev, test = data["splits"]["dev"], data["splits"]["test"]
    for name, value in test.items():
        limit, mark = _verdict(name, value, thresholds)
        cls = {"pass": "pass", "FAIL": "fail"}.get(mark.plain, "")
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td class=num>{fmt(dev[name])}</td><td class=num>{fmt(value)}</td>"
            f"<td class=num>{limit}</td><td class={cls}>{mark.plain}</td></tr>"
        )
    cats = "".join(
        f"<tr><td>{html.escape(c)}</td><td class=num>{r['items']}</td><td class=num>{fmt(r['correct'])}</td></tr>"
        for c, r in data["by_category"].items()
    )
    extras = "".join(_extra_section(k, v) for k, v in data.items() if k.endswith("_metrics"))
    buttons = "".join(
        f'<button data-cat="{html.escape(c)}" onclick="show(this.dataset.cat)">{html.escape(c)}</button>'
        for c in ["all", "failed", *data["by_category"]]
    )
    items = "".join(item_html(it, source) for it in data["items"])
    nav = "".join(
        f'<a href="{html.escape(url)}">{html.escape(label)}</a>' for label, url in (links or {}).items()
    )
    page = f"""<!doctype html><html lang=en><head><meta charset=utf-8><title>Eval report — {html.escape(str(data.get("set", "")))} — {html.escape(data["backend"])}</title>
<style>{CSS}</style><script>{JS}</script></head><body>{f"<nav>{nav}</nav>" if nav else ""}
<h1>Grounding evaluation — backend <code>{html.escape(data["backend"])}</code></h1>
<p>Set <b>{html.escape(str(data.get("set", "")))}</b>: {dev["items"]} dev + {test["items"]} test questions, k = {data["k"]},
run {data["created"]}. Rules and thresholds were fitted on dev; the gate reads test.</p>
<table><tr><th>metric</th><th>dev</th><th>test</th><th>threshold (test)</th><th></th></tr>{"".join(rows)}</table>
{chart_section(data)}
<table><tr><th>category</th><th>items</th><th>correct</th></tr>{cats}</table>{extras}
<h2>Questions</h2><div class=filters>{buttons}</div>{items}</body></html>"""
    path.write_text(page, encoding="utf-8")
    return path


def source_reader(corpus_dir: Path) -> Callable[[str], str]:
    """A cached reader of corpus files by name, for the highlighted context around quotes: the text their
    offsets index (an HTML page's rendition); none for PDFs, whose offsets are per page."""
    texts: dict[str, str] = {}

    def source(name: str) -> str:
        if name not in texts:
            file = corpus_dir / name
            try:
                texts[name] = page_text(file) if file.suffix.lower() != ".pdf" and file.is_file() else ""
            except (OSError, ValueError):  # unreadable now: no context shown
                texts[name] = ""
        return texts[name]

    return source


def _extra_section(name: str, values: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td class=num>{html.escape(fmt(v) if isinstance(v, float) else str(v))}</td></tr>"
        for k, v in values.items()
        if not isinstance(v, list | dict)
    )
    return f"<h3>{html.escape(name.replace('_', ' '))}</h3><table>{rows}</table>"


def highlight(text: str, start: int, end: int) -> str:
    if not text or end > len(text):
        return ""
    a, b = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    return (
        ("…" if a else "")
        + html.escape(text[a:start])
        + f"<mark>{html.escape(text[start:end])}</mark>"
        + html.escape(text[end:b])
        + ("…" if b < len(text) else "")
    )


def item_html(it: dict[str, Any], source: Any, element_id: str | None = "", opened: bool = False) -> str:
    """One question's drill-down; ``element_id`` "" means its own anchor, None no id (when nested)."""
    ans = it["answer"]
    own_id = anchor(it["id"]) if element_id == "" else element_id
    id_attr = f' id="{html.escape(own_id)}"' if own_id else ""
    turn = (
        f"<p class=turn>Conversation {html.escape(str(it['conversation']))}, turn {it['turn']}</p>"
        if "conversation" in it
        else ""
    )
    read_as = (
        f"<p class=turn>Read as: “{html.escape(ans['standalone'])}”</p>" if ans.get("standalone") else ""
    )
    score = it.get("decision_score")
    decision = f" &nbsp; <b>decision score:</b> {score:.3f}" if score is not None else ""
    verdict = (
        '<span class="badge ok">correct</span>' if it["correct"] else '<span class="badge bad">wrong</span>'
    ) + ('<span class="badge warn">refused</span>' if it["refused"] else "")
    cites = []
    for c, valid in zip(ans["citations"], it["citations_valid"], strict=True):
        name = Path(c["source"]).name
        ctx = highlight(source(name), c["start"], c["end"]) or html.escape(c["quote"])
        badge = (
            '<span class="badge ok">verbatim</span>' if valid else '<span class="badge bad">INVALID</span>'
        )
        page = f", p. {c['page']}" if c["page"] else ""
        cites.append(
            f"<div><b>[{c['n']}]</b> {html.escape(c['title'])} <small>{html.escape(c['source'])} "
            f"{c['start']}–{c['end']}{page}</small> {badge}<div class=ctx>{ctx}</div></div>"
        )
    gold = "".join(
        f"<div class=ctx><small>{html.escape(g['source'])}</small> {highlight(source(g['source']), g['start'], g['end'])}</div>"
        for g in it["gold"]
    )
    facts = ", ".join(
        f'<span class="badge {"ok" if f["found"] else "bad"}">{html.escape(" / ".join(f["alternatives"]))}</span>'
        for f in it["facts"]
    )
    stmts = "".join(
        f'<li>{html.escape(s["text"][:160])} → <span class="badge {"ok" if s["supported"] else "bad"}">'
        f"{'supported' if s['supported'] else 'unsupported'}</span></li>"
        for s in it["statements"]
    )
    ranks = ", ".join(
        f"{i}. {html.escape(r['source'])}:{r['start']}" + (" ✓" if r["gold"] else "")
        for i, r in enumerate(it["retrieved"], 1)
    )
    return f"""<details{" open" if opened else ""} class=item{id_attr} data-cat="{html.escape(it["category"])}" data-ok="{int(it["correct"])}">
<summary><b>{html.escape(str(it["id"]))}</b> {verdict}<span class=badge>{html.escape(it["category"])}</span> {html.escape(it["question"])}</summary>
{turn}{read_as}<div class=answer>{html.escape(ans["answer"])}</div>
<p><b>Gold facts:</b> {facts or "—"} &nbsp; <b>gold rank:</b> {it["gold_rank"] or "—"} &nbsp;
<b>latency:</b> {ans["timings"].get("total_ms", 0):.0f} ms{decision}</p>
<p><b>Citations</b></p>{"".join(cites) or "<p>none</p>"}
{"<p><b>Statements (support checker)</b></p><ul>" + stmts + "</ul>" if stmts else ""}
{"<p><b>Gold evidence</b></p>" + gold if gold else ""}
<p><small><b>Retrieved:</b> {ranks}</small></p></details>"""
