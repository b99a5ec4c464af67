"""Multi-turn eval sets: conversations whose turns are asked with the conversation so far.

A user's follow-up ("What did he say about the Cold War?") only means something after the earlier turns,
so each turn is asked with the earlier questions and the system's *own* earlier answers as history (not
the gold answers: a wrong early answer is allowed to derail the rest, as it would in a chat). Each turn is
then scored exactly like a single eval item; a turn the corpus does not answer (CoQA's "unknown") must be
refused. Two formats, both checked against their JSON Schema first:

- JSONL, one conversation a line (``evals/schema/conversation.schema.json``): ``{"id", "corpus" | "story",
  "turns": [{"question", "answerable", "facts", "gold", "category"?}]}``;
- a CoQA JSON file as it comes (``evals/schema/coqa.schema.json``): every story becomes a corpus document,
  every question a turn; the free-form answer and the additional answers are the acceptable alternatives.

The dev/test split is by conversation (turns of one conversation never straddle the halves).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.evaluation.metrics import ratio
from chatbot.evaluation.schema import check_document, check_rows
from chatbot.evaluation.scoring import ItemResult, evaluate_item
from chatbot.evaluation.sets import EvalSet, EvalSetError, GoldSpan, Item, jsonl_rows, locate, write_once

if TYPE_CHECKING:
    from chatbot.grounding.support import SupportChecker
    from chatbot.pipeline import Pipeline

STORY_CACHE = Path(".cache") / "conversations"
UNKNOWN = "unknown"


@dataclass
class Turn(Item):
    """One turn of a conversation, scored as an item; ``turn`` counts from 1."""

    conversation: str = ""
    turn: int = 1


def is_conversations(path: Path) -> bool:
    """Whether a JSONL file holds conversations (its first record has ``turns``) rather than questions."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    return False  # the question loader names the bad line
                return isinstance(first, dict) and "turns" in first
    return False


def is_coqa(data: Any) -> bool:
    """Whether a JSON document is CoQA-shaped: ``data`` entries with a ``story``."""
    entries = data.get("data") if isinstance(data, dict) else None
    return (
        bool(entries) and isinstance(entries, list) and isinstance(entries[0], dict) and "story" in entries[0]
    )


def load_conversations(path: Path, corpus_dir: Path | None = None, name: str | None = None) -> EvalSet:
    """A JSONL conversation set; gold quotes are located in the corpus (or in each conversation's story)."""
    rows = jsonl_rows(path)
    check_rows(path, rows, "conversation")
    present = [(n, row) for n, row in enumerate(rows, start=1) if row is not None]
    stories = any("story" in row for _, row in present)  # written to a cache, never into a given corpus
    corpus = corpus_dir if corpus_dir and not stories else _corpus_of(path, present)
    items: list[Item] = []
    for n, row in present:
        if "story" in row:
            write_once(corpus / _story_file(row), row["story"])
        try:
            items += _turns(row, corpus)
        except ValueError as exc:
            raise EvalSetError(f"{path}:{n}: {exc}") from None
    return EvalSet(name or path.stem, corpus, split_conversations(items), path, kind="conversations")


def _corpus_of(path: Path, rows: list[tuple[int, dict[str, Any]]]) -> Path:
    """The one corpus a file's conversations share: their ``corpus`` folder, or a folder of their stories."""
    named = {row["corpus"] for _, row in rows if "corpus" in row}
    stories = [n for n, row in rows if "story" in row]
    if named and stories:
        raise EvalSetError(f"{path}:{stories[0]}: a file mixes conversations over a corpus and over stories")
    if len(named) > 1:
        raise EvalSetError(f"{path}: its conversations name different corpora ({', '.join(sorted(named))})")
    if stories:
        return STORY_CACHE / hashlib.sha256(path.read_bytes()).hexdigest()[:16] / "corpus"
    folder = Path(named.pop()) if named else Path("corpus")
    beside = path.parent / folder
    return beside if not folder.is_absolute() and beside.is_dir() else folder


def _story_file(row: dict[str, Any]) -> str:
    slug = re.sub(r"[^\w.-]+", "-", str(row.get("title") or row["id"])).strip("-").lower() or "story"
    return f"{slug}-{hashlib.sha256(str(row['id']).encode()).hexdigest()[:6]}.txt"


def _turns(row: dict[str, Any], corpus: Path) -> list[Item]:
    out: list[Item] = []
    for t, turn in enumerate(row["turns"], start=1):
        gold = []
        for g in turn.get("gold", []):
            spec = {**g, "source": _story_file(row)} if "story" in row else g  # a story is its own source
            try:
                gold.append(locate(spec, corpus))
            except ValueError as exc:
                raise ValueError(f"turn {t}: {exc}") from None
        category = turn.get("category") or _category(t, bool(turn["answerable"]))
        out.append(
            Turn(f"{row['id']}.t{t}", turn["question"], category, bool(turn["answerable"]), gold,
                 [list(map(str, f)) for f in turn.get("facts", [])], scoring=turn.get("scoring", "facts"),
                 conversation=str(row["id"]), turn=t)
        )  # fmt: skip
    return out


def _category(turn: int, answerable: bool) -> str:
    if not answerable:
        return "unanswerable"
    return "first_turn" if turn == 1 else "follow_up"


def split_conversations(items: list[Item]) -> list[Item]:
    """Dev or test by conversation: conversations ordered by the SHA-256 of their id alternate dev, test…
    (the odd one to dev), so a conversation never moves half when others are added."""
    ids = sorted(
        {_conversation(i) for i in items}, key=lambda c: hashlib.sha256(c.encode("utf-8")).hexdigest()
    )
    half = {c: "dev" if n % 2 == 0 else "test" for n, c in enumerate(ids)}
    for item in items:
        item.split = "dev" if half[_conversation(item)] == "dev" else "test"
    return items


def _conversation(item: Item) -> str:
    return item.conversation if isinstance(item, Turn) else item.id


# --- CoQA ----------------------------------------------------------------------------------------------


def coqa_set(path: Path, data: Any, name: str | None = None, cache: Path = STORY_CACHE) -> EvalSet:
    """A CoQA file as a conversation set: one corpus document per story, one turn per question."""
    text = path.read_text(encoding="utf-8")
    check_document(path, data, "coqa", text)
    corpus = cache / hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] / "corpus"
    items: list[Item] = []
    for entry in data["data"]:
        file_name = _story_file({"id": entry["id"], "title": Path(str(entry.get("filename", ""))).stem})
        write_once(corpus / file_name, entry["story"])
        items += coqa_turns(entry, file_name)
    return EvalSet(name or path.stem, corpus, split_conversations(items), path, kind="conversations")


def coqa_turns(entry: dict[str, Any], file_name: str) -> list[Item]:
    """A CoQA story's questions as turns. "unknown" answers must be refused; an answer's rationale
    (``span_start``–``span_end``) is its gold span; facts are scored as SQuAD scores (punctuation and
    articles dropped), since CoQA answers are free-form."""
    answers = {a["turn_id"]: a for a in entry.get("answers", [])}
    extra: dict[int, list[str]] = defaultdict(list)
    for group in entry.get("additional_answers", {}).values():
        for a in group:
            extra[a["turn_id"]].append(a["input_text"])
    story = entry["story"]
    out: list[Item] = []
    for q in sorted(entry["questions"], key=lambda q: q["turn_id"]):
        a = answers.get(q["turn_id"], {"input_text": UNKNOWN})
        texts = [t.strip() for t in [a["input_text"], *extra[q["turn_id"]]]]
        known = list(dict.fromkeys(t for t in texts if t and t.lower().rstrip(".") != UNKNOWN))
        answerable = a["input_text"].strip().lower().rstrip(".") != UNKNOWN and bool(known)
        gold = [g for g in [_rationale(a, story, file_name)] if g is not None] if answerable else []
        category = "unanswerable" if not answerable else (
            "yes_no" if known[0].lower() in ("yes", "no") else _category(q["turn_id"], True))  # fmt: skip
        out.append(
            Turn(f"{entry['id']}.t{q['turn_id']}", q["input_text"], category, answerable, gold,
                 [known] if answerable else [], scoring="squad", conversation=str(entry["id"]), turn=q["turn_id"])
        )  # fmt: skip
    return out


def _rationale(answer: dict[str, Any], story: str, file_name: str) -> GoldSpan | None:
    start, end = int(answer.get("span_start", -1)), int(answer.get("span_end", -1))
    if 0 <= start < end <= len(story):
        while start < end and story[start].isspace():
            start += 1
        while end > start and story[end - 1].isspace():
            end -= 1
        return GoldSpan(file_name, story[start:end], start, end)
    span = str(answer.get("span_text", "")).strip()
    at = story.find(span) if span else -1
    return GoldSpan(file_name, span, at, at + len(span)) if at >= 0 else None


# --- running and scoring -------------------------------------------------------------------------------


def run_conversations(
    pipeline: Pipeline,
    items: list[Item],
    k: int = 5,
    checker: SupportChecker | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ItemResult]:
    """Every turn asked with its conversation so far: the earlier questions and the system's own answers."""
    history: dict[str, list[tuple[str, str]]] = defaultdict(list)
    results = []
    for item in items:
        so_far = history[_conversation(item)]
        result = evaluate_item(pipeline, item, k, checker, tuple(so_far))
        so_far.append((item.question, result.answer.answer))
        results.append(result)
        if progress:
            progress(1)
    return results


def conversation_metrics(results: list[ItemResult]) -> dict[str, float]:
    """Added for conversation sets (the per-turn metrics are the usual ones):
    ``conversations``; ``conversation_all_correct``, the share of conversations with every turn correct
    (answered right, or refused when the corpus does not answer); ``follow_up_correctness``, answerable turns
    after the first answered correctly, the turns that depend on the history."""
    turns: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        turns[_conversation(r.item)].append(r)
    follow_ups = [r for r in results if r.item.answerable and isinstance(r.item, Turn) and r.item.turn > 1]
    return {
        "conversations": len(turns),
        "conversation_all_correct": ratio(
            sum(all(r.correct for r in rs) for rs in turns.values()), len(turns)
        ),
        "follow_up_correctness": ratio(sum(r.correct for r in follow_ups), len(follow_ups)),
    }


def annotate(records: list[dict[str, Any]], results: list[ItemResult]) -> None:
    """Add each turn's conversation id and number to its report record (the drill-down groups by them)."""
    for record, r in zip(records, results, strict=True):
        if isinstance(r.item, Turn):
            record["conversation"], record["turn"] = r.item.conversation, r.item.turn
