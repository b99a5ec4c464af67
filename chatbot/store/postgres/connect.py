"""Connections to the shared store, and errors that never carry credentials.

The URL is a secret (it may hold a password): it is kept only inside ``Database`` and never appears in
a message, a log line or a repr. Users see where the store is (host, port, database, schema) and what
went wrong, with anything that looks like the URL or its password scrubbed from the driver's text.

Connections are pooled per process (a bounded set, reused by the web server's worker threads) and run
in autocommit: a read needs no transaction, because every query names the generation it reads (see
``reader``); a write opens one explicitly.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Any

from chatbot.errors import ChatbotError
from chatbot.settings import Settings
from chatbot.store.postgres.terms import register_terms


class StoreProblem(ChatbotError):
    """The PostgreSQL store cannot be used as it is: unreachable, not set up, or built for other settings."""


def secret_url(settings: Settings) -> str:
    if settings.store_url is None:
        raise StoreProblem("no PostgreSQL store is configured (pass --store or set CHATBOT_STORE_URL)")
    return settings.store_url.get_secret_value()


def where(url: str, schema: str) -> str:
    """Host, port, database and schema of a URL: enough to say which store, nothing to log in with."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(url)
    except Exception:
        return f"(an unreadable store URL), schema {schema}"
    host = str(parts.get("host") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{host}{port}/{parts.get('dbname') or parts.get('user') or 'postgres'}, schema {schema}"


def scrub(text: str, url: str) -> str:
    """The driver's message without the URL or its password, on one line."""
    secrets = [url]
    try:
        from psycopg.conninfo import conninfo_to_dict

        password = conninfo_to_dict(url).get("password")
        if password:
            secrets.append(str(password))
    except Exception:  # an unparsable URL: the whole URL is already being removed
        pass
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())


class Database:
    """A bounded pool of autocommit connections to one store (a database and a schema)."""

    def __init__(self, settings: Settings) -> None:
        self._url = secret_url(settings)
        self.schema = settings.store_schema
        self.where = where(self._url, self.schema)
        self.ef_search = settings.hnsw_ef_search
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(settings.store_connections)

    def __repr__(self) -> str:
        return f"Database({self.where})"

    def problem(self, doing: str, exc: BaseException) -> StoreProblem:
        """A ``StoreProblem`` for a driver error, scrubbed of credentials."""
        return StoreProblem(f"{doing} at {self.where} failed: {scrub(str(exc), self._url)}")

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled connection; one that failed mid-use is closed rather than reused."""
        import psycopg

        self._slots.acquire()
        conn = None
        try:
            conn = self._take()
            yield conn
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
                conn = None
            raise self.problem("a query", exc) from None
        except BaseException:
            if conn is not None:
                conn.close()
                conn = None
            raise
        finally:
            if conn is not None and not conn.closed and conn.info.transaction_status == 0:
                self._idle.put(conn)
            elif conn is not None:
                conn.close()
            self._slots.release()

    def _take(self) -> Any:
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return self.connect()
            if not conn.closed:
                return conn

    def connect(self, vectors: bool = True) -> Any:
        """A new autocommit connection with our schema first on the search path (and pgvector's types)."""
        import psycopg

        try:
            conn = psycopg.connect(self._url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise self.problem("connecting to the store", exc) from None
        try:
            conn.execute(
                "SELECT set_config('search_path', %s || ', ' || current_setting('search_path'), false)",
                [self.schema],
            )
            if vectors:
                self._vectors(conn)
            register_terms(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _vectors(self, conn: Any) -> None:
        import psycopg
        from pgvector.psycopg import register_vector

        try:
            register_vector(conn)
        except psycopg.ProgrammingError:
            raise StoreProblem(
                f"the database at {self.where} lacks the pgvector extension: a database administrator "
                "runs `CREATE EXTENSION vector;` in it once (see README, 'The shared store')"
            ) from None
        conn.execute("SELECT set_config('hnsw.ef_search', %s, false)", [str(self.ef_search)])
        conn.execute("SELECT set_config('hnsw.iterative_scan', 'strict_order', false)")

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


_DATABASES: dict[tuple[str, str, int, int], Database] = {}
_LOCK = threading.Lock()


def database(settings: Settings) -> Database:
    """The process's pool for this store (one per URL and schema)."""
    key = (secret_url(settings), settings.store_schema, settings.hnsw_ef_search, settings.store_connections)
    with _LOCK:
        if key not in _DATABASES:
            _DATABASES[key] = Database(settings)
        return _DATABASES[key]
