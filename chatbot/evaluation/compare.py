"""Run against run: each metric's change with its sign, and the questions that flipped.

An evaluator's first questions after a change are "what got better or worse, and on which questions?".
Two stored reports of the same set (an old run and a new one, or two backends on the same questions) are
matched by item id; a metric's change is signed new − old and judged by its direction (for latency and the
false-refusal rate lower is better); a question flips when its verdict differs between the runs:
correct → wrong and back, answered → refused and back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chatbot.errors import ChatbotError

LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"}
NOT_COMPARED = {"items", "conversations"}  # counts, not quality
FLIPS = {
    "correct_to_wrong": "correct → wrong",
    "wrong_to_correct": "wrong → correct",
    "answered_to_refused": "answered → refused",
    "refused_to_answered": "refused → answered",
}


class ReportError(ChatbotError):
    """A stored report that cannot be compared: missing, not JSON, not an eval report, or of another set."""


@dataclass
class Run:
    """One side of a comparison: a report's data, what to call it, and the JSON file it came from."""

    label: str
    data: dict[str, Any]
    path: Path | None = None
    html: Path | None = None  # its full report, for links into the drill-down


@dataclass
class Change:
    metric: str
    old: float
    new: float
    change: float
    better: bool | None  # None: unchanged


@dataclass
class Comparison:
    old: Run
    new: Run
    changes: dict[str, list[Change]]  # per half: "test", "dev"
    flips: dict[str, list[str]]  # FLIPS key → item ids
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    @property
    def half(self) -> str:
        """The half a comparison leads with: test, or dev when the runs were of the dev half only."""
        return "test" if self.new.data["splits"]["test"].get("items") else "dev"

    def records(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """Item records by id, old and new."""
        return _by_id(self.old.data), _by_id(self.new.data)

    def as_json(self) -> dict[str, Any]:
        old, new = self.records()
        return {
            "set": self.new.data.get("set"),
            "old": _describe(self.old),
            "new": _describe(self.new),
            "changes": {h: [c.__dict__ for c in cs] for h, cs in self.changes.items()},
            "flips": {
                kind: [{"id": i, "question": new[i]["question"]} for i in ids]
                for kind, ids in self.flips.items()
            },
            "only_old": self.only_old,
            "only_new": self.only_new,
        }


def load_report(path: Path, label: str | None = None) -> Run:
    """A report JSON written by ``chatbot eval`` (one set, one backend)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"there is no report at {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path} is not a JSON report ({exc})") from None
    if not isinstance(data, dict) or not {"items", "splits", "backend"} <= set(data):
        raise ReportError(f"{path} is not a report of `chatbot eval` (it lacks items, splits or backend)")
    html = path.with_suffix(".html")
    return Run(label or path.stem, data, path, html if html.exists() else None)


def compare(old: Run, new: Run) -> Comparison:
    """Metric changes per half and flipped questions between two runs of the same set."""
    before, after = _by_id(old.data), _by_id(new.data)
    shared = [i for i in after if i in before]
    if not shared:
        raise ReportError(
            f"{old.label} and {new.label} share no question; compare two reports of the same set "
            f"(here {old.data.get('set')!r} and {new.data.get('set')!r})"
        )
    flips: dict[str, list[str]] = {kind: [] for kind in FLIPS}
    for i in shared:
        a, b = before[i], after[i]
        if a["correct"] != b["correct"]:
            flips["wrong_to_correct" if b["correct"] else "correct_to_wrong"].append(i)
        if a["refused"] != b["refused"]:
            flips["answered_to_refused" if b["refused"] else "refused_to_answered"].append(i)
    changes = {
        half: metric_changes(old.data["splits"][half], new.data["splits"][half]) for half in ("test", "dev")
    }
    return Comparison(
        old, new, changes, flips, [i for i in before if i not in after], [i for i in after if i not in before]
    )


def metric_changes(old: dict[str, float], new: dict[str, float]) -> list[Change]:
    """Each metric both runs measured: old, new, the signed change, and whether that is better."""
    out = []
    for name, value in new.items():
        if name in NOT_COMPARED or name not in old or not isinstance(value, int | float):
            continue
        delta = round(float(value) - float(old[name]), 4)
        better = None if delta == 0 else (delta < 0) == (name in LOWER_IS_BETTER)
        out.append(Change(name, float(old[name]), float(value), delta, better))
    return out


def signed(value: float) -> str:
    """A change with its sign always shown (+0.021, −0.013, ±0)."""
    if value == 0:
        return "±0"
    size = abs(value)
    text = f"{size:.0f}" if size >= 10 else (f"{size:.3f}" if size >= 0.001 else f"{size:.4f}")
    return ("+" if value > 0 else "−") + text


def print_comparison(comp: Comparison, console: Console, html: Path | None = None) -> None:
    """The test half's changes as a table (the dev half's for runs of that half only), then each kind of flip
    with its questions."""
    half = comp.half
    table = Table(
        title=f"{comp.new.data.get('set', 'eval')}: {comp.old.label} → {comp.new.label} ({half} half)",
        title_justify="left",
    )
    for col, justify in (
        ("metric", "left"),
        (comp.old.label, "right"),
        (comp.new.label, "right"),
        ("change", "right"),
    ):
        table.add_column(Text(col), justify=justify)  # type: ignore[arg-type]
    for c in comp.changes[half]:
        style = "" if c.better is None else ("green" if c.better else "red")
        table.add_row(c.metric, _num(c.old), _num(c.new), Text(signed(c.change), style=style))
    console.print(table)
    _, new = comp.records()
    for kind, ids in comp.flips.items():
        style = (
            "red" if kind in ("correct_to_wrong",) else ("green" if kind == "wrong_to_correct" else "yellow")
        )
        console.print(Text.assemble((f"{FLIPS[kind]}: {len(ids)}", f"bold {style}")))
        for i in ids:
            console.print(
                Text(f"  {i} [{new[i].get('split', 'test')}]  {new[i]['question']}"), soft_wrap=True
            )
    if comp.only_old or comp.only_new:
        console.print(
            Text(
                f"only in {comp.old.label}: {len(comp.only_old)}; only in {comp.new.label}: {len(comp.only_new)}"
            )
        )
    if html:
        console.print(Text(f"Comparison: {html}"), soft_wrap=True)


def _num(value: float) -> str:
    return f"{value:.3f}" if abs(value) <= 1 else f"{value:g}"


def _by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(it["id"]): it for it in data["items"]}


def _describe(run: Run) -> dict[str, Any]:
    return {
        "label": run.label,
        "backend": run.data.get("backend"),
        "created": run.data.get("created"),
        "path": str(run.path) if run.path else None,
    }
