"""The web chat, live: a real Gradio server on 127.0.0.1, driven through gradio_client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from chatbot.app import markdown, render
from chatbot.ingest import uploads
from chatbot.ingest.intake import Rejected
from chatbot.pipeline import Pipeline
from tests.conftest import CORPUS as ROOT_CORPUS
from tests.conftest import live_server


def test_server_binds_to_loopback(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")


def test_chat_answer_renders_clickable_citations_and_sources(pipeline: Pipeline) -> None:
    html = render(pipeline.ask("Who said AI doesn't need a Chernobyl moment?"), pipeline.index.documents)
    assert "Casper" in html and "Sources" in html
    assert '<a class="cite" data-n="1" href="/passage?source=trendkia-inside-beijings-ai-summit.txt' in html
    assert "Inside Beijing&#x27;s AI Summit" in html and "TrendKia" in html


def test_chat_refusal_is_marked(pipeline: Pipeline) -> None:
    html = render(pipeline.ask("What did Emmanuel Macron say about the summit?"), pipeline.index.documents)
    assert 'class="answer refusal"' in html and "does not answer" in html
    assert "Closest passages" in html


def test_a_generative_reply_says_which_backend_wrote_it(pipeline: Pipeline) -> None:
    """A generative backend keeps quotes for typed facts: the reply is labelled with what wrote it."""
    from chatbot.backends.generative import GenerativeBackend
    from tests.test_generative import NoModel

    pipeline.register_backend("routed-label", GenerativeBackend("routed-label", pipeline.settings, NoModel()))
    answer = pipeline.ask("Who leads the US side of the AI talks?", backend="routed-label")
    assert '<div class="via">Answered by Quotes (extractive)</div>' in render(
        answer, pipeline.index.documents
    )
    assert "Answered by" not in render(pipeline.ask("Who leads the US side of the AI talks?"))


def test_copy_as_markdown_lists_numbered_references(pipeline: Pipeline) -> None:
    md = markdown(pipeline.ask("Who leads the US side of the AI talks?"), pipeline.index.documents)
    assert md.startswith("**Q:** Who leads the US side of the AI talks?")
    assert "References:\n1. *The Most Important AI Meeting of 2026" in md
    assert "TechFastForward" in md and "“" in md


def test_answer_endpoint_returns_the_json_contract(server: str) -> None:
    client = Client(server, verbose=False)
    obj = client.predict("Who organized the Beijing AI conference?", api_name="/answer")
    assert obj["answerable"] is True
    cited = obj["citations"][0]
    text = Path(cited["source"]).read_bytes().decode("utf-8")
    assert text[cited["start"] : cited["end"]] == cited["quote"]


def test_quote_checker_endpoint_names_the_real_speaker(server: str) -> None:
    client = Client(server, verbose=False)
    verdict = client.predict("AI doesn't need a Chernobyl moment", "Lin Yun", api_name="/check_quote_json")
    assert verdict["verdict"] == "misattributed" and verdict["actual_speaker"] == "Stephen Casper"
    page = client.predict("AI doesn't need a Chernobyl moment", "Lin Yun", api_name="/check_quote")
    assert "MISATTRIBUTED" in page and "/passage?" in page


def test_quotes_endpoint_filters_by_speaker(server: str) -> None:
    rows = Client(server, verbose=False).predict("Lin Yun", api_name="/quotes")
    assert rows and {r["speaker"] for r in rows} == {"Lin Yun"}
    assert any("certify that open models" in r["text"] for r in rows)


def fetch(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_passage_view_highlights_the_cited_span(server: str) -> None:
    client = Client(server, verbose=False)
    cited = client.predict("Who organized the Beijing AI conference?", api_name="/answer")["citations"][0]
    name = cited["source"].rsplit("/", 1)[-1]
    status, page = fetch(f"{server}passage?source={name}&start={cited['start']}&end={cited['end']}")
    assert status == 200
    assert f'<mark id="hit">{cited["quote"]}</mark>' in page
    assert "TrendKia" in page  # the document's credit line


@pytest.mark.parametrize(
    "query",
    [
        "source=../../../../etc/passwd&start=0&end=10",
        "source=/etc/passwd&start=0&end=10",
        "source=%2e%2e%2f%2e%2e%2fpyproject.toml&start=0&end=10",
        "source=sources.toml&start=0&end=10",
    ],
)
def test_passage_view_serves_nothing_outside_the_indexed_corpus(server: str, query: str) -> None:
    status, page = fetch(f"{server}passage?{query}")
    assert status == 404 and "root:" not in page and "[project]" not in page


def test_passage_view_rejects_offsets_outside_the_document(server: str) -> None:
    status, _ = fetch(f"{server}passage?source=digest-beijing-ai-conference-summary.txt&start=10&end=999999")
    assert status == 400


@pytest.fixture(scope="module")
def upload_server(own_pipeline: Pipeline) -> Iterator[str]:
    with live_server(own_pipeline) as url:
        yield url


def test_upload_then_ask_then_remove(upload_server: str, tmp_path: Path) -> None:
    from gradio_client import handle_file

    from tests.conftest import PDF_PAGES, write_pdf

    client = Client(upload_server, verbose=False)
    pdf = write_pdf(tmp_path / "harbour-report.pdf", PDF_PAGES)
    junk = tmp_path / "notes.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    status, _, _ = client.predict([handle_file(str(pdf)), handle_file(str(junk))], api_name="/upload")
    assert "stored as `uploads/harbour-report.pdf`" in status
    assert "✗ **notes.txt**" in status  # rejected with its reason; the PDF went in all the same
    obj = client.predict("How many container ships did the harbour authority handle?", api_name="/answer")
    cited = obj["citations"][0]
    assert (
        "4,200" in obj["answer"]
        and cited["page"] == 1
        and cited["source"].endswith("uploads/harbour-report.pdf")
    )
    again, _, _ = client.predict([handle_file(str(pdf))], api_name="/upload")
    assert "already in the corpus" in again
    removed, _, _ = client.predict("uploads/harbour-report.pdf", api_name="/remove_upload")
    assert "no longer indexed" in removed
    after = client.predict("How many container ships did the harbour authority handle?", api_name="/answer")
    assert not any(c["source"].endswith("harbour-report.pdf") for c in after["citations"])


@pytest.mark.parametrize(
    "name", ["tff-most-important-ai-meeting-of-2026.txt", "uploads/../corpus/sources.toml"]
)
def test_shipped_documents_cannot_be_removed(upload_server: str, own_pipeline: Pipeline, name: str) -> None:
    with pytest.raises(Exception, match="not in the list of choices"):  # the server offers uploads only
        Client(upload_server, verbose=False).predict(name, api_name="/remove_upload")
    with pytest.raises(Rejected):  # and the core refuses on its own
        uploads.remove(own_pipeline.settings, name)
    assert (ROOT_CORPUS / "tff-most-important-ai-meeting-of-2026.txt").exists()
    assert (ROOT_CORPUS / "sources.toml").exists()


def test_panel_view_shows_the_span_in_its_paragraph(server: str) -> None:
    status, page = fetch(
        f"{server}passage?source=trendkia-inside-beijings-ai-summit.txt&start=3257&end=3375&view=panel"
    )
    assert status == 200 and '<mark id="hit">' in page and "TrendKia" in page
    assert "Open the full document" in page and len(page) < 3000  # a paragraph, not the whole article
