"""The shared PostgreSQL store, against a real PostgreSQL 18 with pgvector started by the tests.

Generations (a write is invisible until it commits; a SIGKILL mid-write leaves the previous one serving),
uploads stored once however often they arrive, two servers on one store, schema and model checks with the
command that fixes them, credentials never shown, SQL injection strings handled as text, and a run-time
role without superuser rights. The answer tests themselves run on both stores in ``test_answer.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from pydantic import SecretStr

from chatbot.cli import main
from chatbot.ingest import uploads
from chatbot.ingest.intake import Rejected
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.store import stores
from chatbot.store.embeddings import Embedder
from chatbot.store.postgres.connect import StoreProblem, database
from chatbot.store.postgres.reader import require_view
from chatbot.text.normalise import unwrap
from tests.conftest import CORPUS, ROOT, fresh_schema

FACT = "The Brannock ferry terminal was designed by the engineer Odile Varga in 1931.\n"
QUESTION = "Who designed the Brannock ferry terminal?"


def note(folder: Path, name: str, text: str = FACT) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_verbatim(answer: object, store: object) -> None:
    for c in answer.citations:  # type: ignore[attr-defined]
        pages = store.page_texts(c.document)  # type: ignore[attr-defined]
        assert pages is not None and pages[c.page][c.start : c.end] == c.quote


def rows(settings: Settings, query: str, *params: object) -> list[tuple]:
    with database(settings).connection() as conn:
        return list(conn.execute(query, list(params)).fetchall())


# -- building, reading, annotations ------------------------------------------------------------


def test_a_build_serves_the_corpus_with_pdf_pages_and_the_json_contract(
    pg_settings: Settings, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    stores.build(pg_settings, embedder)
    store = require_view(pg_settings)
    m = store.manifest
    assert (m.model, m.dim, store.generation) == ("all-MiniLM-L6-v2", 384, "1")
    assert sorted(store.documents) == ["ferry.html", "harbour-report.pdf", "lighthouse.txt", "orchard.md"]
    assert m.passages == sum(store.passages_per_document().values()) > 0
    assert stores.staleness(pg_settings, embedder.dim) is None
    answer = Pipeline(pg_settings, embedder=embedder).ask(
        "What did the auditor find about the dredging contract?"
    )
    assert answer.answerable and (Path(answer.citations[0].source).name, answer.citations[0].page) == (
        "harbour-report.pdf",
        2,
    )
    assert_verbatim(answer, store)
    # The CLI with --store: the same JSON contract, and a second build changes nothing.
    args = ["--corpus", str(pg_settings.corpus_dir), "--index", str(pg_settings.index_dir)]
    os.environ["CHATBOT_STORE_SCHEMA"] = pg_settings.store_schema
    try:
        url = pg_settings.store_url.get_secret_value()  # type: ignore[union-attr]
        assert main(["ask", "--json", "--store", url, *args, "Who said the light would be lit again?"]) == 0
        assert main(["build", "--store", url, *args]) == 0
    finally:
        del os.environ["CHATBOT_STORE_SCHEMA"]
    out, err = capsys.readouterr()
    assert '"answerable": true' in out and "Ana Ruiz" in out and "up to date" in " ".join(err.split())
    assert require_view(pg_settings).generation == "1"


def test_a_changed_corpus_is_synced_document_by_document(pg_settings: Settings, embedder: Embedder) -> None:
    stores.build(pg_settings, embedder)
    kept = rows(pg_settings, "SELECT id FROM documents WHERE name = 'lighthouse.txt'")
    note(
        pg_settings.corpus_dir,
        "bridge.txt",
        "The Tamar footbridge reopened after the storm damage was repaired.\n",
    )
    (pg_settings.corpus_dir / "orchard.md").unlink()
    assert "bridge.txt" in (stores.staleness(pg_settings) or "")
    stores.build(pg_settings, embedder)
    store = require_view(pg_settings)
    assert sorted(store.documents) == ["bridge.txt", "ferry.html", "harbour-report.pdf", "lighthouse.txt"]
    assert (
        rows(pg_settings, "SELECT id FROM documents WHERE name = 'lighthouse.txt' AND died IS NULL") == kept
    )
    hit = store.lexical_passages("Tamar footbridge", 3)
    assert store.fetch_passages([hit[0][0]])[0].source == "bridge.txt"


def test_annotations_and_term_rarity_are_the_same_in_both_stores(
    pg_settings: Settings, embedder: Embedder
) -> None:
    def note(text: str) -> dict[str, object] | None:
        if "Ana Ruiz" not in text:
            return None
        start = text.index("Ana Ruiz")
        return {
            "entities": [{"text": "Ana Ruiz", "label": "PERSON", "start": start, "end": start + 8}],
            "é": [1.5, None],
        }

    def annotate(texts: Sequence[str]) -> list[dict[str, object] | None]:
        return [note(text) for text in texts]

    files = pg_settings.model_copy(update={"store_url": None})
    stores.build(files, embedder, annotate=annotate)
    stores.build(pg_settings, embedder, annotate=annotate)
    both = (stores.load_store(files), require_view(pg_settings))
    terms = ["ferry", "lighthouse", "ruiz", "nowhere-at-all"]
    assert both[0].sentence_frequencies(terms) == both[1].sentence_frequencies(terms)  # IDF inputs agree
    assert both[0].sentence_count() == both[1].sentence_count()
    for store in both:
        numbers = [n for name in store.documents for n in store.document_sentences(name)]
        notes = dict(zip(numbers, store.annotations(numbers), strict=True))
        found = {store.sentence_text(n): a for n, a in notes.items() if a is not None}
        assert len(found) == 1
        text, value = next(iter(found.items()))
        assert value == note(unwrap(text))


# -- generations under concurrency ----------------------------------------------------------------

# A real ``chatbot build`` / upload that stops right after writing its rows, before it commits.
SHIM = """
import os, pathlib, sys, time
import psycopg
from chatbot import cli
from chatbot.store.postgres import writer
marker = pathlib.Path(os.environ["WRITE_MARKER"])
insert_rows = writer.insert_rows
def written(*args, **kwargs):
    counts = insert_rows(*args, **kwargs)
    marker.touch()
    time.sleep(600)
    return counts
writer.insert_rows = written
execute = psycopg.Connection.execute
def stalled(self, query, *args, **kwargs):
    cursor = execute(self, query, *args, **kwargs)
    if isinstance(query, str) and query.startswith("INSERT INTO documents") and "upload" in query:
        marker.touch()
        time.sleep(600)
    return cursor
psycopg.Connection.execute = stalled
if sys.argv[1] == "upload":
    from chatbot.ingest import uploads
    from chatbot.settings import Settings
    uploads.add(Settings(), pathlib.Path(sys.argv[2]))
else:
    sys.exit(cli.main(sys.argv[1:]))
"""


def stalled_writer(settings: Settings, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    marker = settings.index_dir.parent / f"written-{time.monotonic_ns()}"
    env = os.environ | {
        "WRITE_MARKER": str(marker),
        "CHATBOT_STORE_URL": settings.store_url.get_secret_value(),  # type: ignore[union-attr]
        "CHATBOT_STORE_SCHEMA": settings.store_schema,
        "CHATBOT_CORPUS_DIR": str(settings.corpus_dir),
        "CHATBOT_INDEX_DIR": str(settings.index_dir),
    }
    proc = subprocess.Popen([sys.executable, "-c", SHIM, *args], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"the writer ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
    return proc, marker


def kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def test_sigkill_mid_build_leaves_the_previous_generation_serving(
    pg_settings: Settings, embedder: Embedder
) -> None:
    stores.build(pg_settings, embedder)
    pipeline = Pipeline(pg_settings, embedder=embedder)
    before = pipeline.index.manifest.passages
    proc, _ = stalled_writer(pg_settings, "build", "--force")
    try:  # rows written, not committed: invisible, and the old generation answers
        assert rows(pg_settings, "SELECT count(*) FROM passages")[0][0] == before
        answer = pipeline.ask("What did Ana Ruiz say about the lighthouse?")
        assert answer.answerable and "Ana Ruiz" in answer.answer
    finally:
        kill(proc)
    assert require_view(pg_settings).generation == "1"
    assert (
        rows(pg_settings, "SELECT count(*) FROM passages")[0][0] == before
    )  # rolled back, nothing half-written
    assert (
        Pipeline(pg_settings, embedder=embedder).ask("What did Ana Ruiz say about the lighthouse?").answerable
    )
    stores.build(pg_settings, embedder, force=True)  # the dead writer's lock died with it
    assert require_view(pg_settings).generation == "2"


def test_the_same_upload_twice_at_once_is_stored_once(
    pg_settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    stores.build(pg_settings, embedder)
    path = note(tmp_path, "terminal.txt")
    outcomes: list[object] = []

    def send() -> None:
        try:
            outcomes.append(uploads.add(pg_settings, path).name)
        except Rejected as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("uploads/terminal.txt") == 1
    assert all(
        "already in the corpus, as uploads/terminal.txt" in str(o)
        for o in outcomes
        if o != "uploads/terminal.txt"
    )
    assert uploads.listing(pg_settings) == ["uploads/terminal.txt"]
    answer = Pipeline(pg_settings, embedder=embedder).ask(QUESTION)  # the refresh indexes the stored upload
    assert answer.answerable and "Odile Varga" in answer.answer
    assert answer.citations[0].document == "uploads/terminal.txt"


def test_a_duplicate_upload_waits_for_a_killed_one_and_is_then_stored_once(
    pg_settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    stores.build(pg_settings, embedder)
    path = note(tmp_path, "terminal.txt")
    proc, _ = stalled_writer(pg_settings, "upload", str(path))  # inserted, not committed
    result: list[str] = []
    waiting = threading.Thread(target=lambda: result.append(uploads.add(pg_settings, path).name))
    waiting.start()
    time.sleep(1.0)
    assert not result  # blocked on the unique content index until the first one ends
    kill(proc)
    waiting.join(timeout=30)
    assert result == ["uploads/terminal.txt"] and uploads.listing(pg_settings) == ["uploads/terminal.txt"]
    assert Pipeline(pg_settings, embedder=embedder).ask(QUESTION).answerable


def test_a_view_keeps_its_generation_and_a_newer_one_is_picked_up(
    pg_settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    first = Pipeline(pg_settings, embedder=embedder)
    second = Pipeline(pg_settings.model_copy(update={"store_poll_seconds": 0.0}), embedder=embedder)
    old = first.state.index
    kept = uploads.add(pg_settings, note(tmp_path, "terminal.txt"))
    first.refresh()  # indexes it: a new generation
    assert old.generation == "1" and first.index.generation == "2"
    assert "uploads/terminal.txt" not in old.documents and not old.lexical_passages("Brannock Varga", 5)
    answer = second.ask(QUESTION)  # another "server": it follows on its next question
    assert answer.answerable and answer.citations[0].document == kept.name
    uploads.remove(pg_settings, kept.name)
    first.refresh()
    assert not first.ask(QUESTION).answerable
    with pytest.raises(Rejected, match="part of the shipped corpus"):
        uploads.remove(pg_settings, "lighthouse.txt")


# -- checks with the command that fixes them; credentials never shown -----------------------------


def test_schema_and_model_mismatches_name_the_command_that_fixes_them(
    pg_settings: Settings, embedder: Embedder
) -> None:
    stores.build(pg_settings, embedder)
    other = pg_settings.model_copy(update={"model": "/models/other"})
    assert "chatbot build --force" in (stores.staleness(other, 384) or "")
    assert "chatbot db migrate --reset" in (stores.staleness(pg_settings, 768) or "")
    rows(pg_settings, "UPDATE schema_version SET version = 99 RETURNING version")
    with pytest.raises(StoreProblem, match="newer than this chatbot"):
        from chatbot.store.postgres.schema import migrate

        migrate(database(pg_settings), pg_settings, 384)
    with pytest.raises(StoreProblem, match=r"schema version 99.*chatbot db migrate"):
        Pipeline(pg_settings, embedder=embedder)
    empty = pg_settings.model_copy(update={"store_schema": fresh_schema()})
    assert "no tables yet: run `chatbot db migrate`" in (stores.staleness(empty) or "")


def test_a_version_1_store_is_upgraded_in_place_to_half_precision_vector_indexes(
    pg_settings: Settings, embedder: Embedder
) -> None:
    from chatbot.store.postgres.schema import migrate

    stores.build(pg_settings, embedder)
    with database(pg_settings).connection() as conn:  # the version 1 layout: full-precision vector indexes
        conn.execute("DROP INDEX passages_embedding, sentences_embedding")
        conn.execute("CREATE INDEX passages_embedding ON passages USING hnsw (embedding vector_cosine_ops)")
        conn.execute("CREATE INDEX sentences_embedding ON sentences USING hnsw (embedding vector_cosine_ops)")
        conn.execute("UPDATE schema_version SET version = 1")
    with pytest.raises(StoreProblem, match=r"schema version 1, .*chatbot db migrate"):
        Pipeline(pg_settings, embedder=embedder)
    assert "upgraded" in migrate(database(pg_settings), pg_settings, 384)
    found = rows(pg_settings, "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname LIKE %s",
                 pg_settings.store_schema, "%_embedding")  # fmt: skip
    assert len(found) == 2 and all("halfvec(384)" in d for (d,) in found)
    answer = Pipeline(pg_settings, embedder=embedder).ask("Which firm will supply the new lens?")
    assert answer.citations
    assert_verbatim(answer, require_view(pg_settings))


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://editor:Sup3r-s3cret@127.0.0.1:1/news",
        "postgresql://editor:Sup3r-s3cret@/no_such_database?host={socket}",
        "postgresql://editor:Sup3r-s3cret@[::1:bad/news",
    ],
)
def test_credentials_never_appear_in_errors_or_output(
    pg_server: str, mini_corpus: Path, tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    socket = pg_server.split("host=")[1]
    url = url.format(socket=socket)
    settings = Settings(corpus_dir=mini_corpus, index_dir=tmp_path / "index", store_url=url)
    assert "Sup3r-s3cret" not in repr(settings) and "Sup3r-s3cret" not in str(settings.model_dump())
    assert (
        main(["ask", "--store", url, "--corpus", str(mini_corpus), "--index", str(tmp_path / "i"), "Who?"])
        == 2
    )
    out, err = capsys.readouterr()
    assert "chatbot:" in err and "Sup3r-s3cret" not in out + err and "editor:" not in out + err
    with pytest.raises(StoreProblem) as problem:
        stores.staleness(settings)
    assert "Sup3r-s3cret" not in str(problem.value)


INJECTIONS = [
    "'; DROP TABLE passages; --",
    "Robert'); DELETE FROM documents WHERE ('1'='1",
    "x' OR '1'='1' UNION SELECT password FROM pg_shadow --",
    "\\'; SELECT pg_sleep(10); --",
    "$$; TRUNCATE said_in; $$ | !& <-> :* 'a':1",
    "%(g)s %s {dead} \x00 ; COPY documents TO '/tmp/x'",
]


def test_sql_injection_strings_are_only_text(
    pg_settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    stores.build(pg_settings, embedder)
    pipeline = Pipeline(pg_settings, embedder=embedder)
    counts = rows(pg_settings, "SELECT (SELECT count(*) FROM passages), (SELECT count(*) FROM documents)")
    store = pipeline.index
    for text in INJECTIONS:
        answer = pipeline.ask(text)  # questions
        assert answer.answer and "Traceback" not in answer.answer
        assert store.quotes(text) == [] and store.attributions_of(text) == []  # speaker filters
        assert not store.known_words([text.lower()]) and store.page_texts(text) is None
        assert store.lexical_sentences(text, 5) is not None
    for i, text in enumerate(INJECTIONS):  # file names and contents
        content = (
            f"{FACT.strip()} {text.replace(chr(0), '')} {i}\n"  # a NUL byte would make it binary: refused
        )
        kept = uploads.add(pg_settings, note(tmp_path, f"n{i}.txt", content), name=text + ".txt")
        assert kept.name.startswith("uploads/")
    pipeline.refresh()
    assert len(pipeline.index.documents) == 4 + len(INJECTIONS)
    after = rows(pg_settings, "SELECT (SELECT count(*) FROM passages), (SELECT count(*) FROM documents)")
    assert after[0][1] == counts[0][1] + len(INJECTIONS) and after[0][0] > counts[0][0]
    assert rows(pg_settings, "SELECT count(*) FROM said_in")[0][0] > 0


def test_the_run_time_role_needs_no_superuser(
    pg_settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    """The README's role: SELECT, INSERT, UPDATE, DELETE on the tables and USAGE on the sequences; it serves,
    uploads and syncs, and it cannot create or drop anything."""
    stores.build(pg_settings, embedder)
    role, schema = f"app_{pg_settings.store_schema}", pg_settings.store_schema
    from psycopg import sql

    with database(pg_settings).connection() as conn:
        for statement in (
            "CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE",
            "GRANT USAGE ON SCHEMA {s} TO {r}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        ):
            conn.execute(sql.SQL(statement).format(r=sql.Identifier(role), s=sql.Identifier(schema)))
    url = pg_settings.store_url.get_secret_value().replace("postgres:@", f"{role}:@")  # type: ignore[union-attr]
    app = pg_settings.model_copy(update={"store_url": SecretStr(url), "store_connections": 2})
    assert rows(app, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == [(False,)]
    pipeline = Pipeline(app, embedder=embedder)
    uploads.add(app, note(tmp_path, "terminal.txt"))
    pipeline.refresh()
    assert pipeline.ask(QUESTION).answerable
    note(app.corpus_dir, "bridge.txt", "The Tamar footbridge reopened after the storm damage was repaired.\n")
    stores.build(app, embedder)  # an incremental build: rows only
    assert "bridge.txt" in require_view(app).documents
    with pytest.raises(StoreProblem, match="must be owner|permission denied"):
        rows(app, "DROP TABLE passages")


# -- two servers on one store -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_store(
    pg_server: str, pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """The shipped corpus in a store of its own, built once, for servers started as subprocesses."""
    import shutil

    root = tmp_path_factory.mktemp("replicas")
    shutil.copytree(pipeline.settings.index_dir / "embed-cache", root / "index" / "embed-cache")
    settings = Settings(
        corpus_dir=CORPUS, index_dir=root / "index", store_url=pg_server, store_schema=fresh_schema()
    )
    stores.build(settings, pipeline.embedder)
    yield settings


def test_two_replicas_share_one_store_under_load_with_uploads(shared_store: Settings) -> None:
    """An upload through one server is cited through the other within 5 s; sessions over both get answers."""
    from benchmarks.load import load_test

    env = os.environ | {
        "CHATBOT_STORE_URL": shared_store.store_url.get_secret_value(),  # type: ignore[union-attr]
        "CHATBOT_STORE_SCHEMA": shared_store.store_schema,
    }
    args = ["--corpus", str(shared_store.corpus_dir), "--index", str(shared_store.index_dir)]
    result = load_test(sessions=6, per_session=3, server_args=args, replicas=2, uploads=2, env=env)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] == 18 and result["upload_errors"] == []
    assert result["lost"] == []  # each upload cited by both servers
    assert len({u["through"] for u in result["uploads"]}) == 2  # one through each server
    assert result["server_bound_to"] == ["127.0.0.1"]


def test_chatbot_db_starts_tells_and_stops_a_local_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / ".pgdata")
    assert main(["db", "url", "--data", data]) == 2
    assert "run `chatbot db start`" in capsys.readouterr().err
    assert main(["db", "start", "--data", data]) == 0
    try:
        url = capsys.readouterr().out.strip().splitlines()[-1]  # the URL on the last line
        assert url.startswith("postgresql://") and main(["db", "url", "--data", data]) == 0
        assert capsys.readouterr().out.strip().splitlines()[-1] == url
        import psycopg

        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone()
    finally:
        assert main(["db", "stop", "--data", data]) == 0
    assert main(["db", "url", "--data", data]) == 2


def test_two_servers_starting_on_an_empty_store_build_it_once(
    pg_settings: Settings, embedder: Embedder
) -> None:
    found: list[object] = []

    def start() -> None:
        try:
            found.append(Pipeline(pg_settings, embedder=embedder).index.generation)
        except Exception as exc:  # the assertion below shows it
            found.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == ["1", "1"]


def test_sql_is_never_built_from_values() -> None:
    """Every value reaches PostgreSQL as a parameter: no f-string or %-format builds a statement in the store's
    code, and the only ``.format`` calls are ``psycopg.sql`` compositions (identifiers and integers)."""
    import re

    risky = re.compile(r"""(?:execute|copy)\(\s*f["']|(?:execute|copy)\(\s*["'][^"']*["']\s*%""")
    for path in sorted((ROOT / "chatbot" / "store" / "postgres").glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if risky.search(line)], path.name
        formats = [line for line in lines if ".format(" in line]
        assert all("sql." in line or "SQL(" in line for line in formats), (path.name, formats)
