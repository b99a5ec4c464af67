"""The evaluation as JUnit XML, the one test-result format every CI system shows natively.

One ``<testsuite>`` per set and backend, holding one test case per question (failed when the question is
answered wrongly, with the reason: refused an answerable question, facts missing, answered an unanswerable
one, a citation not verbatim) and one per gate metric (failed when the metric is below its floor). The
grounding components get a suite of their own. The gate alone decides the exit status (0 pass, 1 below a
floor, 2 a usage or data error); per-question failures are there to be read, a wrong answer among two
hundred is not by itself a regression.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chatbot.evaluation.gate import gate

MAX_MESSAGE = 300
# Characters XML 1.0 cannot hold at all (PDF text can bring form feeds and other controls).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` with the characters XML cannot carry replaced, so any answer can go into the file."""
    return _NOT_XML.sub("\ufffd", text)


def reasons(record: dict[str, Any]) -> list[str]:
    """Why an item counts as failed, in words (empty when it passed)."""
    out = []
    if record["answerable"] and record["refused"]:
        out.append("refused a question the corpus answers")
    elif record["answerable"]:
        missing = [" / ".join(f["alternatives"]) for f in record["facts"] if not f["found"]]
        if missing:
            out.append("the answer lacks " + "; ".join(f"“{m}”" for m in missing))
    elif not record["refused"]:
        out.append("answered a question the corpus does not answer")
    bad = [
        c["n"]
        for c, ok in zip(record["answer"]["citations"], record["citations_valid"], strict=True)
        if not ok
    ]
    if bad:
        out.append("citation " + ", ".join(f"[{n}]" for n in bad) + " is not verbatim at its offsets")
    return out


def _case(parent: ET.Element, classname: str, name: str, seconds: float = 0.0) -> ET.Element:
    return ET.SubElement(
        parent, "testcase", classname=clean(classname), name=clean(name), time=f"{seconds:.3f}"
    )


def _fail(case: ET.Element, message: str, kind: str, text: str = "") -> None:
    short = message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"
    failure = ET.SubElement(case, "failure", message=clean(short), type=kind)
    failure.text = clean(text or message)


def set_suite(
    root: ET.Element, name: str, backend: str, data: dict[str, Any], thresholds: dict[str, float]
) -> None:
    """One set through one backend: a case per question, then a case per gate metric."""
    suite = ET.SubElement(root, "testsuite", name=f"{name} [{backend}]")
    classname = f"chatbot.eval.{name}.{backend}"
    for record in data["items"]:
        seconds = record["answer"]["timings"].get("total_ms", 0.0) / 1000
        case = _case(
            suite, f"{classname}.{record['category']}", f"{record['id']}: {record['question']}", seconds
        )
        props = ET.SubElement(case, "properties")
        for key in ("split", "category", "decision_score"):
            ET.SubElement(props, "property", name=key, value=clean(str(record.get(key))))
        why = reasons(record)
        if why:
            _fail(
                case,
                "; ".join(why),
                "WrongAnswer",
                f"{'; '.join(why)}\n\nAnswer:\n{record['answer']['answer']}",
            )
    _gate_cases(suite, f"{classname}.gate", data["splits"]["test"], thresholds)
    _count(suite)


def components_suite(root: ET.Element, values: dict[str, float], thresholds: dict[str, float]) -> None:
    suite = ET.SubElement(root, "testsuite", name="grounding components")
    _gate_cases(suite, "chatbot.eval.components.gate", values, thresholds)
    _count(suite)


def _gate_cases(
    suite: ET.Element, classname: str, values: dict[str, float], thresholds: dict[str, float]
) -> None:
    for name in thresholds:
        metric = name.removesuffix("_max")
        case = _case(suite, classname, metric)
        for failure in gate(values, {name: thresholds[name]}):
            _fail(case, failure, "BelowThreshold" if not name.endswith("_max") else "AboveCeiling")


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", f"{sum(float(c.get('time', 0)) for c in cases):.3f}")


def write_junit(
    path: Path,
    runs: Sequence[tuple[str, str, dict[str, Any], dict[str, float]]],
    components: tuple[dict[str, float], dict[str, float]] | None = None,
) -> Path:
    """Write the file: ``runs`` are (set, backend, report data, thresholds); ``components`` (values, thresholds)."""
    root = ET.Element("testsuites", name="chatbot eval")
    for name, backend, data, thresholds in runs:
        set_suite(root, name, backend, data, thresholds)
    if components:
        components_suite(root, *components)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, 0)) for s in root.findall("testsuite"))))
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
