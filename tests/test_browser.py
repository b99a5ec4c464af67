"""The web chat in a real browser: Debian Chromium driven by Playwright against a live server.

Each step saves a screenshot under ``test-output/browser/`` so a reviewer can see what a user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from chatbot.pipeline import Pipeline
from tests.conftest import ROOT, live_server, write_pdf

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
