"""The web chat in a real browser: Debian Chromium driven by Playwright against a live server; and the
evaluation reports (report, comparison, suite summary) opened offline from disk, as an evaluator opens them.

Each step saves a screenshot under ``test-output/browser/`` (the chat) or ``test-output/reports/`` (the
reports, beside the HTML files themselves) so a reviewer can see what a user sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from chatbot.evaluation.compare import compare, load_report
from chatbot.evaluation.pages import SetRun, write_comparison, write_suite
from chatbot.evaluation.report import anchor, source_reader, write_html
from chatbot.evaluation.runner import evaluate_set
from chatbot.evaluation.sets import EvalSet, load_set
from chatbot.pipeline import Pipeline
from tests.conftest import CORPUS, ROOT, flipped_copy, live_server, write_pdf

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SHOTS = ROOT / "test-output" / "browser"


@pytest.fixture(scope="module")
def site(own_pipeline: Pipeline) -> Iterator[str]:
    """A server with an index of its own: the upload test changes its corpus."""
    with live_server(own_pipeline) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Chromium is missing: `make test` installs it (apt-get install chromium)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.goto(site)
    yield p
    context.close()


def ask(page: Page, question: str) -> None:
    replies = page.locator("#chat [data-testid='bot']").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(replies + 1, timeout=60_000)
    expect(page.locator("#chat [data-testid='bot']").last).not_to_have_text("…", timeout=60_000)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_first_load_offers_example_questions(page: Page) -> None:
    expect(page.get_by_text("Who leads the US side of the AI talks?")).to_be_visible()
    expect(page.locator("#source-panel")).to_contain_text("Click a citation")
    shot(page, "01-first-load")


def test_citation_click_highlights_the_span_in_the_source_panel(page: Page) -> None:
    ask(page, "Who said AI doesn't need a Chernobyl moment?")
    reply = page.locator("#chat [data-testid='bot']").last
    expect(reply).to_contain_text("Stephen Casper")
    reply.locator("a.cite").first.click()
    mark = page.locator("#source-panel mark")
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("AI doesn't need a Chernobyl moment")
    expect(page.locator("#source-panel")).to_contain_text("TrendKia")  # outlet in the credit line
    expect(page.locator("#source-panel a", has_text="Open the full document")).to_be_visible()
    shot(page, "02-answer-and-highlighted-source")


def test_refusal_is_styled_and_shows_the_closest_passages(page: Page) -> None:
    ask(page, "What did Emmanuel Macron say about the summit?")
    reply = page.locator("#chat [data-testid='bot']").last
    expect(reply.locator(".refusal")).to_contain_text("does not")
    expect(reply).to_contain_text("Closest passages")
    shot(page, "03-refusal")


def test_follow_up_copy_persistence_and_clear(page: Page) -> None:
    ask(page, "Who said AI doesn't need a Chernobyl moment?")
    ask(page, "What did he say about the Cold War?")
    follow_up = page.locator("#chat [data-testid='bot']").last
    expect(follow_up).to_contain_text("Cold War")
    expect(follow_up.locator(".standalone")).to_have_text(
        "Read as: “What did Stephen Casper say about the Cold War?”"
    )
    page.locator("#copy").click()
    page.get_by_text("Last answer as Markdown").click()
    expect(page.locator("#markdown textarea")).to_have_value(
        re.compile(r"References:\n1\. \*.+\*.+“.+”", re.S)
    )
    shot(page, "04-follow-up-and-markdown")
    page.reload()  # the chat survives a reload within the browser session
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(2, timeout=15_000)
    page.locator("#clear").click()
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(0)
    page.reload()
    expect(page.locator("#chat [data-testid='bot']")).to_have_count(0)


def test_quotes_tab_lists_who_said_what(page: Page) -> None:
    page.get_by_role("tab", name="Who said what").click()
    page.get_by_label("Filter").fill("Lin Yun")
    table = page.locator("#quotes")
    expect(table).to_contain_text("Lin Yun")
    expect(table).to_contain_text("Shanghai Jia Tong University")  # the role column
    expect(table).not_to_contain_text("Stephen Casper")
    shot(page, "05-who-said-what")


def test_uploaded_pdf_is_answered_and_cited(page: Page, tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "lighthouse-survey.pdf",
        [["Coastal Survey"], ["The lighthouse keeper, Ansel Brandt, said the lamp was replaced in 1998."]],
    )
    page.get_by_role("tab", name="Library").click()
    page.locator("#upload input[type=file]").set_input_files(str(pdf))
    expect(page.locator("#upload-status")).to_contain_text("stored as", timeout=120_000)
    expect(page.locator("#library")).to_contain_text("uploads/lighthouse-survey.pdf", timeout=30_000)
    shot(page, "06-library-after-upload")
    page.get_by_role("tab", name="Ask").click()
    ask(page, "When was the lighthouse lamp replaced?")
    reply = page.locator("#chat [data-testid='bot']").last
    expect(reply).to_contain_text("1998")
    expect(reply).to_contain_text("uploads/lighthouse-survey.pdf")
    expect(reply).to_contain_text("page 2")
    reply.locator("a.cite").first.click()
    expect(page.locator("#source-panel mark")).to_contain_text("Ansel Brandt")
    shot(page, "07-uploaded-pdf-cited")


# --- the evaluation reports, opened offline ----------------------------------------------------------------

REPORTS = ROOT / "test-output" / "reports"


@pytest.fixture(scope="module")
def reports(pipeline: Pipeline) -> dict[str, Any]:
    """A real run of a slice of the shipped set written as its HTML report; a constructed second run with
    three questions flipped, and the comparison of the two; the suite summary over both."""
    full = load_set(ROOT / "evals" / "questions.jsonl", CORPUS, "shipped")
    data = evaluate_set(pipeline, EvalSet("shipped", CORPUS, full.items[::12], full.source))
    old, new, flipped = flipped_copy(data)
    REPORTS.mkdir(parents=True, exist_ok=True)
    thresholds = {"answer_correctness": 0.5, "citation_validity": 1.0}
    paths = {}
    for name, run in (("old", old), ("new", new)):
        (REPORTS / f"{name}.json").write_text(json.dumps(run))
        paths[name] = write_html(
            run, thresholds, REPORTS / f"{name}.html", CORPUS, {"Suite summary": "index.html"}
        )
    comparison = compare(load_report(REPORTS / "old.json", "old"), load_report(REPORTS / "new.json", "new"))
    paths["comparison"] = write_comparison([comparison], REPORTS / "comparison.html", source_reader(CORPUS))
    runs = [SetRun("shipped", "extractive", old, thresholds, [], paths["old"]),
            SetRun("shipped-again", "extractive", new, thresholds, ["answer_correctness = 0.4 is below its "
                   "threshold 0.5"], paths["new"], {"vs old": paths["comparison"]})]  # fmt: skip
    paths["suite"] = write_suite(runs, REPORTS / "index.html", None)
    return {"paths": paths, "flipped": flipped}


def offline_page(browser: Browser, requests: list[str]) -> Page:
    """A page with the network switched off, recording every URL it asks for."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600}, offline=True)
    context.on("request", lambda request: requests.append(request.url))
    return context.new_page()


def test_the_report_opens_offline_with_its_charts(browser: Browser, reports: dict[str, Any]) -> None:
    requests: list[str] = []
    page = offline_page(browser, requests)
    page.goto(reports["paths"]["old"].as_uri())
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)
    for n in range(4):
        box = charts.nth(n).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150
    for title in ("Correct per category", "Refusal precision / recall against the threshold",
                  "Calibration of the answer/refuse decision", "Latency"):  # fmt: skip
        expect(page.locator("svg.chart text", has_text=title)).to_be_visible()
    page.screenshot(path=str(REPORTS / "report.png"))
    item = anchor(reports["flipped"]["right"])
    page.goto(reports["paths"]["old"].as_uri() + f"#{item}")  # a link into the drill-down opens it
    expect(page.locator(f"#{item}")).to_have_attribute("open", "")
    expect(page.locator(f"#{item} mark").first).to_be_visible()  # the cited span, highlighted in its source
    page.screenshot(path=str(REPORTS / "report-drill-down.png"))
    assert requests and all(url.startswith("file://") for url in requests), requests
    page.context.close()


def test_the_comparison_lists_flipped_questions_linked_to_their_drill_downs(
    browser: Browser, reports: dict[str, Any]
) -> None:
    requests: list[str] = []
    page = offline_page(browser, requests)
    page.goto(reports["paths"]["comparison"].as_uri())
    expect(page.locator("h4", has_text="correct → wrong: 2")).to_be_visible()
    expect(page.locator("h4", has_text="answered → refused: 1")).to_be_visible()
    expect(page.locator("h4", has_text="wrong → correct: 1")).to_be_visible()
    expect(page.locator("td", has_text="−0.100").first).to_be_visible()  # answer_correctness, signed
    page.screenshot(path=str(REPORTS / "comparison.png"), full_page=True)
    item = anchor(reports["flipped"]["answered"])
    page.locator(f'li a[href="#{item}"]').first.click()
    drill = page.locator(f"#{item}")
    expect(drill).to_have_attribute("open", "")
    expect(drill.locator("h4", has_text="old")).to_be_visible()
    expect(drill.locator("h4", has_text="new")).to_be_visible()
    expect(drill.locator(".badge.warn", has_text="refused")).to_be_visible()  # the new run refused it
    drill.screenshot(path=str(REPORTS / "comparison-drill-down.png"))
    page.goto(reports["paths"]["suite"].as_uri())
    expect(page.locator("svg.chart")).to_have_count(1)
    expect(page.locator(".fail")).to_contain_text("FAIL")
    page.screenshot(path=str(REPORTS / "suite.png"))
    assert all(url.startswith("file://") for url in requests), requests
    page.context.close()
