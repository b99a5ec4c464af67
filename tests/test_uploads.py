"""Uploads: validated, stored apart from the shipped corpus, indexed incrementally, removable."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.ingest import uploads
from chatbot.ingest.intake import Rejected
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.store.embedcache import EmbeddingCache
from chatbot.store.index import UPLOADS
from chatbot.text.normalise import unwrap


def note(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_upload_is_stored_beside_the_index_never_in_the_corpus(
    mini_settings: Settings, tmp_path: Path
) -> None:
    before = sorted(p.name for p in mini_settings.corpus_dir.iterdir())
    kept = uploads.add(mini_settings, note(tmp_path, "memo.txt", "The tide gauge was moved in 2019.\n"))
    assert kept.name == "uploads/memo.txt" and kept.path == tmp_path / "uploads" / "memo.txt"
    assert sorted(p.name for p in mini_settings.corpus_dir.iterdir()) == before
    assert uploads.listing(mini_settings) == ["uploads/memo.txt"]


@pytest.mark.parametrize(
    "hostile", ["../../corpus/memo.txt", "/etc/memo.txt", "me\x00mo.txt", "..\\memo.txt"]
)
def test_hostile_names_are_stored_under_a_safe_name_in_the_uploads_folder(
    mini_settings: Settings, tmp_path: Path, hostile: str
) -> None:
    kept = uploads.add(
        mini_settings, note(tmp_path, "x.txt", "The tide gauge was moved in 2019.\n"), name=hostile
    )
    assert kept.path.parent == tmp_path / "uploads" and "/" not in kept.name.removeprefix(UPLOADS)


def test_a_second_file_of_the_same_name_never_replaces_the_first(
    mini_settings: Settings, tmp_path: Path
) -> None:
    first = uploads.add(mini_settings, note(tmp_path, "memo.txt", "The tide gauge was moved in 2019.\n"))
    (tmp_path / "b").mkdir()
    second = uploads.add(mini_settings, note(tmp_path / "b", "memo.txt", "The pier was rebuilt in 2021.\n"))
    assert first.path.read_text().startswith("The tide") and second.name == "uploads/memo (2).txt"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("copy.txt", None, "already in the corpus"),  # same bytes as a shipped document
        ("big.txt", b"word " * 300_000, "MB"),  # over the 1 MB limit of these mini_settings
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    mini_settings: Settings, tmp_path: Path, name: str, data: bytes | None, reason: str
) -> None:
    source = tmp_path / name
    source.write_bytes(
        data if data is not None else next(mini_settings.corpus_dir.glob("*.txt")).read_bytes()
    )
    with pytest.raises(Rejected, match=reason):
        uploads.add(mini_settings, source)
    assert not (tmp_path / "uploads" / name).exists()


def test_refresh_embeds_only_the_new_document_and_removal_unindexes_it(
    mini_settings: Settings, tmp_path: Path
) -> None:
    pipe = Pipeline(mini_settings)
    passages = pipe.index.manifest.passages
    memo = note(
        tmp_path, "memo.txt", "The harbour master, Ines Calloway, said the tide gauge was moved in 2019.\n"
    )
    kept = uploads.add(mini_settings, memo)
    embedded: list[str] = []
    real_embed = pipe.embedder.embed
    pipe.embedder.embed = lambda texts, progress=None: embedded.extend(texts) or real_embed(texts, progress)  # type: ignore[method-assign]
    pipe.refresh()
    new = [p for p in pipe.index.passages if p.source == kept.name]
    assert len(new) == 1 and embedded == [
        f"{new[0].title}\n{unwrap(new[0].text)}",
        unwrap(new[0].text),
    ]  # its passage, its sentence, as a reader sees them (lines unwrapped)
    cache = EmbeddingCache(mini_settings.index_dir / "embed-cache", mini_settings.model)
    assert cache.misses([f"{p.title}\n{unwrap(p.text)}" for p in pipe.index.passages]) == 0
    assert pipe.index.manifest.passages == passages + 1
    answer = pipe.ask("When was the tide gauge moved?")
    assert "2019" in answer.answer and answer.citations[0].document == kept.name
    uploads.remove(mini_settings, kept.name)
    pipe.refresh()
    assert pipe.index.manifest.passages == passages and kept.name not in pipe.index.documents
