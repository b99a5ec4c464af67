"""The index on disk: manifest, no pickle, rebuild on change, and a failed build leaves the old one serving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chatbot.settings import Settings
from chatbot.store.embeddings import Embedder
from chatbot.store.index import build, current_build, load, open_index, read_manifest, staleness


def test_build_writes_manifest_and_no_pickle(mini_settings: Settings, embedder: Embedder) -> None:
    folder = build(mini_settings, embedder)
    manifest = read_manifest(folder)
    assert (manifest.model, manifest.dim) == ("all-MiniLM-L6-v2", 384)
    assert set(manifest.files) == {
        "ferry.html",
        "harbour-report.pdf",
        "lighthouse.txt",
        "orchard.md",
        "sources.toml",
    }
    assert manifest.passages > 0 and manifest.built_at
    assert current_build(mini_settings.index_dir) == folder
    names = [p.name for p in folder.rglob("*")]
    assert not [n for n in names if n.endswith((".pkl", ".pickle"))]
    for npy in folder.rglob("*.npy"):
        assert not npy.read_bytes()[:200].count(b"'descr': '|O'")  # no object arrays
    index = load(mini_settings)
    assert len(index.passages) == manifest.passages == index.passage_vectors.ntotal
    assert staleness(mini_settings) is None


def test_rebuilds_when_the_corpus_changes(mini_settings: Settings, embedder: Embedder) -> None:
    first = open_index(mini_settings, embedder)
    (mini_settings.corpus_dir / "bridge.txt").write_text(
        "The Tamar footbridge reopened after the storm damage was repaired.\n"
    )
    assert "bridge.txt" in (staleness(mini_settings) or "")
    second = open_index(mini_settings, embedder)
    assert second.root != first.root
    assert any("Tamar footbridge" in p.text for p in second.passages)
    (mini_settings.corpus_dir / "orchard.md").unlink()
    assert "orchard.md" in (staleness(mini_settings) or "")
    third = open_index(mini_settings, embedder)
    assert not any(p.source == "orchard.md" for p in third.passages)
    assert not first.root.exists()  # older builds are pruned


def test_model_or_format_change_makes_the_index_stale(mini_settings: Settings, embedder: Embedder) -> None:
    build(mini_settings, embedder)
    other = mini_settings.model_copy(update={"model": "/models/other"})
    assert "model" in (staleness(other) or "")
    assert "passage size" in (staleness(mini_settings.model_copy(update={"passage_chars": 300})) or "")


def test_a_failed_build_leaves_the_previous_index_in_service(
    mini_settings: Settings, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = build(mini_settings, embedder)
    (mini_settings.corpus_dir / "extra.txt").write_text(
        "A brand new document about canal locks and their keepers.\n"
    )

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr("bm25s.BM25.save", crash)  # the disk fails while the BM25 files are written
    with pytest.raises(RuntimeError):
        build(mini_settings, embedder)
    assert current_build(mini_settings.index_dir) == good
    assert [p.name for p in (mini_settings.index_dir / "builds").iterdir()] == [
        good.name
    ]  # no half-written build
    assert len(load(mini_settings).passages) == read_manifest(good).passages


def test_a_damaged_index_is_detected_and_rebuilt(mini_settings: Settings, embedder: Embedder) -> None:
    folder = build(mini_settings, embedder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["passages"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Exception, match="inconsistent index"):
        load(mini_settings)
    assert len(open_index(mini_settings, embedder).passages) == manifest["passages"] - 1


def test_index_works_from_another_corpus_copy(
    mini_settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(mini_settings.corpus_dir, moved)
    index = open_index(mini_settings.model_copy(update={"corpus_dir": moved}), embedder)
    assert index.corpus_dir == moved


def test_top_n_by_partition_equals_the_head_of_a_full_sort() -> None:
    """Lexical top-n is an ``argpartition`` (O(N)), not a full sort; same ids, same order, positives only."""
    import numpy as np

    from chatbot.store.lexical import top

    rng = np.random.default_rng(3)
    for size, n in ((1000, 30), (50, 50), (7, 30), (0, 5)):
        scores = np.round(rng.random(size), 2) * (rng.random(size) > 0.3)  # ties and zeros
        expected = [int(i) for i in np.lexsort((np.arange(size), -scores))[:n] if scores[i] > 0]
        assert top(scores, n) == expected
