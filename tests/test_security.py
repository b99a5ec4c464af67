"""Exposure: no file outside the indexed corpus is served, the server listens on loopback only,
nothing on disk is unpickled, and incoming files are size-limited. Against a live server."""

from __future__ import annotations

import http.client
import pickle
import re
from urllib.parse import urlsplit

import numpy as np
import psutil
import pytest

from chatbot.ingest.intake import Rejected, check_upload
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.store.index import load
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def address(server: str) -> tuple[str, int]:
    """The live server's host and port, for raw HTTP requests."""
    parts = urlsplit(server)
    return str(parts.hostname), int(parts.port or 80)


def raw_get(address: tuple[str, int], path: str) -> tuple[int, str]:
    """A GET with the path sent exactly as written: no client-side normalisation of ``..`` or ``%2e``."""
    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def secrets(pipeline: Pipeline) -> dict[str, str]:
    """Text that must never come back: system files, the project's own files, the index's internals."""
    manifest = (pipeline.index.root / "manifest.json").read_text()
    return {
        "/etc/passwd": "root:x:0:0",
        "pyproject.toml": "[project]",
        "chatbot/settings.py": "env_prefix=",
        "corpus/sources.toml": "[sources.",
        "manifest.json": manifest[manifest.index('"fingerprint"') :][:60],
    }


def targets(pipeline: Pipeline) -> list[str]:
    manifest = pipeline.index.root / "manifest.json"
    return [
        "/etc/passwd",
        "../../../../../../etc/passwd",
        "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "%2fetc%2fpasswd",
        "..\\..\\..\\..\\etc\\passwd",
        "/etc/passwd%00.txt",
        str(ROOT / "pyproject.toml"),
        str(ROOT / "chatbot" / "settings.py"),
        str(ROOT / "corpus" / "sources.toml"),
        str(manifest),
        "file:///etc/passwd",
    ]


ROUTES = [
    "/gradio_api/file={}",
    "/file={}",
    "/gradio_api/file/{}",
    "/gradio_api/static/{}",
    "/static/{}",
    "/assets/{}",
    "/gradio_api/proxy={}",
    "/passage?source={}&start=0&end=10",
]


@pytest.mark.parametrize("route", ROUTES)
def test_no_file_outside_the_corpus_is_served(
    address: tuple[str, int], pipeline: Pipeline, route: str
) -> None:
    for target in targets(pipeline):
        status, body = raw_get(address, route.format(target.replace(" ", "%20")))
        for name, secret in secrets(pipeline).items():
            assert secret not in body, f"{route.format(target)} served {name} (status {status})"
        assert status != 200 or not body.strip() or "<html" in body[:500].lower() or "{" in body[:5]


def test_the_passage_view_serves_only_indexed_documents(address: tuple[str, int], pipeline: Pipeline) -> None:
    name = next(iter(pipeline.index.documents))
    assert raw_get(address, f"/passage?source={name}&start=0&end=10")[0] == 200
    for source in (f"./{name}", f"corpus/{name}", f"{ROOT}/corpus/{name}", f"x/../{name}", f"{name}%00"):
        assert raw_get(address, f"/passage?source={source}&start=0&end=10")[0] == 404


def test_the_server_binds_to_loopback_by_default(address: tuple[str, int]) -> None:
    from chatbot.cli import parser, settings_from

    assert Settings().host == "127.0.0.1"
    assert settings_from(parser().parse_args(["serve"])).host == "127.0.0.1"
    listening = [
        c.laddr
        for c in psutil.Process().net_connections(kind="tcp")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == address[1]
    ]
    assert listening and {a.ip for a in listening} == {"127.0.0.1"}


# -- nothing on disk is unpickled ---------------------------------------------------------------

RISKY = re.compile(
    r"^\s*(?:import|from)\s+(?:pickle|cPickle|dill|joblib|shelve|marshal)\b"
    r"|\b(?:pickle|dill|joblib|marshal)\.loads?\("
    r"|allow_pickle\s*=\s*True|allow_dangerous_deserialization|torch\.load\(|yaml\.load\(|(?<![.\w])(?:eval|exec)\(",
    re.MULTILINE,
)


def test_the_package_source_never_unpickles() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
        for path in sorted((ROOT / "chatbot").rglob("*.py"))
        for m in RISKY.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    loads = [
        path.name
        for path in (ROOT / "chatbot").rglob("*.py")
        for call in re.findall(r"np\.load\([^)]*\)", path.read_text(encoding="utf-8"))
        if "allow_pickle=False" not in call
    ]
    assert loads == []


def test_the_index_holds_no_pickle(pipeline: Pipeline) -> None:
    files = [p for p in pipeline.index.root.rglob("*") if p.is_file()]
    assert files
    assert not [p.name for p in files if p.suffix in (".pkl", ".pickle", ".joblib", ".pt", ".bin")]
    assert not [
        p.name for p in files if p.read_bytes()[:2] in (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")
    ]
    for npy in (p for p in files if p.suffix == ".npy"):
        np.load(npy, allow_pickle=False)  # raises on an object array


def test_the_index_loads_with_unpickling_forbidden(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("something tried to unpickle")

    real_load = np.load

    def strict_load(*args: object, **kwargs: object) -> object:
        assert not kwargs.get("allow_pickle"), "np.load with allow_pickle"
        return real_load(*args, **{**kwargs, "allow_pickle": False})  # type: ignore[arg-type]

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, forbidden)
    monkeypatch.setattr(np, "load", strict_load)
    index = load(pipeline.settings, pipeline.embedder.dim)
    assert len(index.passages) == index.manifest.passages > 0


def test_the_model_weights_are_not_pickles() -> None:
    from chatbot.store.embeddings import model_path

    folder = model_path(Settings().model)
    assert list(folder.rglob("*.safetensors"))
    assert not [p.name for p in folder.rglob("*") if p.suffix in (".bin", ".pt", ".pth", ".pkl", ".ckpt")]


# -- upload limits ------------------------------------------------------------------------------


def test_check_upload_enforces_the_upload_size_limit() -> None:
    """The web upload (the lead's upload UI) calls ``check_upload`` with ``max_upload_mb``."""
    limit = Settings().max_upload_mb * 1_000_000
    with pytest.raises(Rejected, match="over the"):
        check_upload("big.txt", b"a" * (limit + 1), limit)
    accepted = check_upload("small.txt", b"The ferry sailed at dawn, on time.\n", limit)
    assert accepted.name == "small.txt" and accepted.kind == "text"
    with pytest.raises(Rejected, match="over the 0.0 MB limit"):
        check_upload("one-byte-too-many.txt", b"ab", 1)


def test_the_server_refuses_an_upload_over_the_limit(address: tuple[str, int], pipeline: Pipeline) -> None:
    """Gradio's upload route (where the web upload's files arrive) enforces ``max_upload_mb``."""
    import requests

    url = f"http://{address[0]}:{address[1]}/gradio_api/upload"
    over = (pipeline.settings.max_upload_mb + 2) * 1_048_576
    big = requests.post(url, files={"files": ("big.txt", b"a" * over, "text/plain")}, timeout=120)
    assert big.status_code == 413, (big.status_code, big.text[:200])
    small = requests.post(
        url, files={"files": ("small.txt", b"The ferry sailed.\n", "text/plain")}, timeout=60
    )
    assert small.status_code == 200  # the route works: the refusal above is the limit
