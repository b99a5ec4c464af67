"""Charts for the HTML reports, drawn with matplotlib as inline SVG.

Why SVG inline: the report must open offline, attached to an issue or mailed, with nothing fetched at view
time; SVG stays sharp when zoomed and its text stays text (``svg.fonttype = 'none'``). Figures are built
with the object API (no pyplot, no global backend), and each gets its own id salt so several charts can
share one page without clashing ids. Every function takes report data (plain dicts, as stored in the JSON)
and returns one ``<svg>`` string.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure

from chatbot.evaluation.calibration import (
    calibration_error,
    operating_point,
    points,
    refusal_curve,
    reliability,
)

TEST, DEV = "#2563eb", "#93c5fd"
GOOD, BAD, REFUSAL, GREY = "#059669", "#dc2626", "#d97706", "#6b7280"
SERIES = ("#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2")
STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,  # a category or set name is text: "$" is a dollar sign, not TeX
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}


def to_svg(fig: Figure, label: str) -> str:
    """The figure as an ``<svg>`` element: no XML prolog, deterministic ids salted by ``label``, a text label."""
    buf = io.StringIO()
    with mpl.rc_context({**STYLE, "svg.hashsalt": label}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # Inline in HTML the parser supplies the SVG namespace; dropping the namespace URLs and the RDF block
    # leaves no URL at all in the page (SVG 2 ``href`` replaces ``xlink:href``).
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg).replace("xlink:href=", "href=")
    # Ids (figure_1, clip paths, glyphs) made unique per chart, so several charts share a page cleanly.
    prefix = re.sub(r"[^\w-]+", "-", label).strip("-") or "chart"
    svg = svg.replace(' id="', f' id="{prefix}-').replace("url(#", f"url(#{prefix}-")
    svg = svg.replace('href="#', f'href="#{prefix}-')
    title = label.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return re.sub(r"<svg\b", f'<svg role="img" aria-label="{title}" class="chart"', svg, count=1)


def _figure(width: float = 5.6, height: float = 3.2) -> Figure:
    with mpl.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def category_chart(items: Sequence[dict[str, Any]], order: Sequence[str], label: str) -> str:
    """Share correct per category, test beside dev, with each bar's item count."""
    with mpl.rc_context(STYLE):
        fig = _figure(5.6, 0.45 + 0.32 * max(len(order), 1))
        ax = fig.add_subplot()
        ys = range(len(order))
        for offset, (half, color) in enumerate((("test", TEST), ("dev", DEV))):
            shares, counts = [], []
            for cat in order:
                rs = [it for it in items if it["category"] == cat and it.get("split", "test") == half]
                counts.append(len(rs))
                shares.append(sum(it["correct"] for it in rs) / len(rs) if rs else 0.0)
            pos = [y + (offset - 0.5) * 0.38 for y in ys]
            ax.barh(pos, shares, height=0.36, color=color, label=half)
            for p, share, n in zip(pos, shares, counts, strict=True):
                if n:  # a half without items of the category gets no bar and no label
                    ax.text(
                        min(share, 1.0) + 0.01, p, f"{share:.0%} of {n}", va="center", fontsize=7, color=GREY
                    )
        ax.set_yticks(list(ys), list(order))
        ax.invert_yaxis()
        ax.set_xlim(0, 1.18)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25%", "50%", "75%", "100%"])
        ax.set_title("Correct per category")
        ax.legend(loc="lower right", frameon=False, fontsize=7)
        return to_svg(fig, label)


def refusal_chart(items: Sequence[dict[str, Any]], decision: dict[str, Any], label: str) -> str:
    """Refusal precision and recall if the system refused every item scoring below each threshold; the
    system's threshold as a line, and its own precision and recall as dotted levels."""
    pts = points(items)
    with mpl.rc_context(STYLE):
        fig = _figure()
        ax = fig.add_subplot()
        ts, precision, recall = refusal_curve(pts)
        if ts:
            ax.plot(ts, precision, color=TEST, label="refusal precision")
            ax.plot(ts, recall, color=REFUSAL, label="refusal recall")
            own_p, own_r = operating_point(pts)
            ax.axhline(own_p, color=TEST, linestyle=":", linewidth=1)
            ax.axhline(own_r, color=REFUSAL, linestyle=":", linewidth=1)
            ax.text(ts[-1], own_p, f" system P {own_p:.2f}", va="center", fontsize=7, color=TEST)
            ax.text(ts[-1], own_r, f" system R {own_r:.2f}", va="center", fontsize=7, color=REFUSAL)
            t = float(decision.get("threshold", 0.5))
            if ts[0] <= t <= ts[-1]:
                ax.axvline(t, color=GREY, linestyle="--", linewidth=1)
                ax.text(t, 1.04, f"threshold {t:g}", ha="center", fontsize=7, color=GREY)
            ax.legend(loc="center left", frameon=False, fontsize=7)
        else:
            _empty(ax, "no item has a decision score")
        ax.set_ylim(-0.02, 1.1)
        ax.set_xlabel(f"refuse when the {_score_name(decision)} is below")
        ax.set_title("Refusal precision / recall against the threshold")
        return to_svg(fig, label)


def calibration_chart(items: Sequence[dict[str, Any]], decision: dict[str, Any], label: str) -> str:
    """Reliability diagram: per score bin, the share of questions the corpus really answers, against the
    bin's mean score; the diagonal is perfect calibration. Bar widths show how many items fall in each bin."""
    binned = reliability(points(items))
    with mpl.rc_context(STYLE):
        fig = _figure(5.6, 3.4)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", linewidth=1, label="perfectly calibrated")
        if binned:
            total = sum(b.n for b in binned)
            ax.bar([b.low for b in binned], [b.n / total for b in binned], width=0.1, align="edge",
                   color=DEV, alpha=0.5, label="share of items in the bin")  # fmt: skip
            ax.plot([b.mean_score for b in binned], [b.answerable_share for b in binned], marker="o",
                    color=TEST, label="share the corpus answers")  # fmt: skip
            ece = calibration_error(binned)
            ax.text(0.02, 0.93, f"calibration error (ECE) {ece:.3f}", transform=ax.transAxes, fontsize=7)
        else:
            _empty(ax, "no item has a decision score")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(_score_name(decision))
        ax.set_ylabel("share")
        note = "" if decision.get("source") == "answer" else " (a cosine, not a probability)"
        ax.set_title("Calibration of the answer/refuse decision" + note)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.92), frameon=False, fontsize=7)
        return to_svg(fig, label)


def latency_chart(items: Sequence[dict[str, Any]], label: str) -> str:
    """Histogram of ``Pipeline.ask`` wall time per question, with the median and 95th percentile marked."""
    ms = sorted(float(it["answer"]["timings"].get("total_ms", 0.0)) for it in items)
    with mpl.rc_context(STYLE):
        fig = _figure(5.6, 3.0)
        ax = fig.add_subplot()
        if ms:
            ax.hist(ms, bins=min(30, max(5, int(math.sqrt(len(ms))) * 2)), color=TEST, alpha=0.85)
            top = ax.get_ylim()[1]
            for q, name, height in ((0.5, "p50", 0.95), (0.95, "p95", 0.82)):
                v = ms[min(len(ms) - 1, int(round(q * (len(ms) - 1))))]
                ax.axvline(v, color=REFUSAL, linestyle="--", linewidth=1)
                ax.text(v, top * height, f" {name} {v:.0f} ms", fontsize=7, color=REFUSAL)
        else:
            _empty(ax, "no items")
        ax.set_xlabel("milliseconds per question")
        ax.set_ylabel("questions")
        ax.set_title("Latency")
        return to_svg(fig, label)


def grouped_chart(
    groups: Sequence[str], series: Mapping[str, Sequence[float]], title: str, label: str
) -> str:
    """Vertical bars: one group per set (or metric), one bar per series (a metric, or a run)."""
    with mpl.rc_context(STYLE):
        fig = _figure(max(5.6, 1.1 * len(groups) + 1.5), 3.2)
        ax = fig.add_subplot()
        width = 0.8 / max(len(series), 1)
        for s, (name, values) in enumerate(series.items()):
            xs = [g + (s - (len(series) - 1) / 2) * width for g in range(len(groups))]
            ax.bar(xs, values, width=width * 0.95, color=SERIES[s % len(SERIES)], label=name)
        ax.set_xticks(list(range(len(groups))), list(groups), rotation=0)
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(4, len(series)), frameon=False,
                  fontsize=7)  # fmt: skip
        return to_svg(fig, label)


def delta_chart(changes: Sequence[tuple[str, float, bool]], title: str, label: str) -> str:
    """Horizontal bars of each metric's change: green where it got better, red where worse (for metrics
    where lower is better, a fall is green). ``changes``: (metric, change, better)."""
    with mpl.rc_context(STYLE):
        fig = _figure(5.6, 0.5 + 0.28 * max(len(changes), 1))
        ax = fig.add_subplot()
        names = [c[0] for c in changes]
        values = [c[1] for c in changes]
        colors = [GREY if v == 0 else (GOOD if better else BAD) for _, v, better in changes]
        ax.barh(range(len(changes)), values, color=colors)
        for y, v in enumerate(values):
            digits = 0 if abs(v) >= 10 else (3 if abs(v) >= 0.001 else 4)
            shown = "±0" if v == 0 else f"{v:+.{digits}f}".replace("-", "−")
            ax.text(v, y, f" {shown} ", va="center",
                    ha="left" if v >= 0 else "right", fontsize=7)  # fmt: skip
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.set_yticks(list(range(len(changes))), names)
        ax.invert_yaxis()
        span = max((abs(v) for v in values), default=0) or 0.05
        ax.set_xlim(-span * 1.6, span * 1.6)
        ax.set_title(title)
        return to_svg(fig, label)


def _score_name(decision: dict[str, Any]) -> str:
    return "answerability probability" if decision.get("source") == "answer" else "best passage cosine"


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=GREY)
