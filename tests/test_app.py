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
