"""The web chat, live: a real Gradio server on 127.0.0.1, driven through gradio_client."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from chatbot.app import serve
from chatbot.pipeline import Pipeline


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(pipeline: Pipeline) -> Iterator[str]:
    port = free_port()
    demo = serve(pipeline, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_server_binds_to_loopback(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")


def test_chat_answer_shows_numbered_sources(server: str) -> None:
    client = Client(server, verbose=False)
    reply = client.predict("Who said AI doesn't need a Chernobyl moment?", api_name="/ask")
    assert "Casper" in reply
    assert "Sources" in reply and "[1]" in reply
    assert "Inside Beijing&#x27;s AI Summit" in reply or "Inside Beijing's AI Summit" in reply


def test_chat_refusal_is_marked(server: str) -> None:
    client = Client(server, verbose=False)
    reply = client.predict("What did Emmanuel Macron say about the summit?", api_name="/ask")
    assert 'class="refusal"' in reply and "does not answer" in reply
    assert "Closest passages" in reply


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
