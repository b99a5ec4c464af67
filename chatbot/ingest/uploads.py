"""The user's own documents: accepted through ``intake``, stored apart from the shipped corpus.

Uploads go to ``settings.uploads_dir`` only, under a safe name that never overwrites a file:
the shipped corpus cannot be touched from the web. A file whose content is already indexed
is refused as a duplicate. After an upload or a removal the caller refreshes the pipeline,
which re-embeds only the new text (see ``embedcache``).

With the shared PostgreSQL store an upload is stored in the database instead (as a pending document,
indexed by the refresh), so every server sharing the store sees it; no file is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chatbot.ingest.intake import Rejected, check_upload, duplicate_of, read_limited
from chatbot.settings import Settings
from chatbot.store.prepare import corpus_state
from chatbot.store.protocol import UPLOADS


@dataclass(frozen=True)
class Stored:
    name: str  # the indexed name: "uploads/<file>"
    path: Path
    kind: str
    pages: int


def folder(settings: Settings) -> Path:
    if settings.uploads_dir is None:
        raise Rejected("uploads are switched off in this configuration")
    return settings.uploads_dir


def add(settings: Settings, source: Path, name: str | None = None) -> Stored:
    """Validate a file (size first, then type by content) and store it in the uploads folder."""
    limit = settings.max_upload_mb * 1_000_000
    accepted = check_upload(name or source.name, read_limited(source, limit), limit)
    if settings.store_url is not None:
        from chatbot.store.postgres.writer import add_upload

        stored = add_upload(settings, accepted)
        return Stored(stored, folder(settings) / stored.removeprefix(UPLOADS), accepted.kind, accepted.pages)
    same = duplicate_of(accepted.sha256, corpus_state(settings))
    if same:
        raise Rejected(f"this document is already in the corpus, as {same}")
    target_dir = folder(settings)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = _free_name(target_dir, accepted.name)
    tmp = target_dir / f".{target.name}.{os.getpid()}.part"
    tmp.write_bytes(accepted.data)
    os.replace(tmp, target)
    return Stored(UPLOADS + target.name, target, accepted.kind, accepted.pages)


def remove(settings: Settings, name: str) -> None:
    """Delete an uploaded document; shipped corpus documents cannot be removed from here."""
    if settings.store_url is not None:
        from chatbot.store.postgres.writer import remove_upload

        remove_upload(settings, name)
        return
    base = folder(settings).resolve()
    if not name.startswith(UPLOADS):
        raise Rejected(f"{name} is part of the shipped corpus; only uploads can be removed")
    path = (base / name.removeprefix(UPLOADS)).resolve()
    if path.parent != base or not path.is_file():
        raise Rejected(f"{name} is not an uploaded document")
    path.unlink()


def listing(settings: Settings) -> list[str]:
    if settings.store_url is not None:
        from chatbot.store.postgres.writer import uploads

        return uploads(settings)
    return sorted(n for n in corpus_state(settings) if n.startswith(UPLOADS))


def _free_name(target_dir: Path, name: str) -> Path:
    """``name``, or ``stem (2).ext`` and so on: an upload never replaces another file."""
    path = target_dir / name
    n = 2
    while path.exists():
        path = target_dir / f"{Path(name).stem} ({n}){Path(name).suffix}"
        n += 1
    return path
