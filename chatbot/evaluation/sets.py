"""Eval sets: questions with verbatim gold spans and required facts, each set with its own corpus.

A set is one of:
- a folder holding ``questions.jsonl`` and ``corpus/`` (the generality sets under ``evals/sets/``);
- a JSONL file of questions over a corpus folder given beside it (the shipped set, ``evals/questions.jsonl``);
- a SQuAD 2.0 JSON file: its articles become the corpus (written once under ``.cache/squad/``) and its
  questions the items, so an evaluator can bring a standard set as it is;
- conversations (``chatbot.evaluation.conversations``): a JSONL file of multi-turn conversations, a folder
  holding ``conversations.jsonl``, or a CoQA JSON file.
- in ``evals/suite.toml``, a union of other sets (``union = [...]``): their questions asked of one corpus
  holding all their documents (``union_set``).

Every file is checked against its JSON Schema (``evals/schema/``) first, so a malformed set is reported as
line-numbered errors, never a traceback.

Every set has a fixed dev/test split (``split_items``): rules, weights and thresholds are fitted on dev,
and reports and the gate quote test. The rule is stratified by category and keyed on the item id alone,
so adding or reordering items never moves an existing item to the other half.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from chatbot.errors import ChatbotError
from chatbot.ingest.documents import load_document

EVALS = Path("evals")
QUESTIONS = EVALS / "questions.jsonl"
THRESHOLDS = EVALS / "thresholds.toml"
SUITE = EVALS / "suite.toml"
SQUAD_CACHE = Path(".cache") / "squad"
UNION_CACHE = Path(".cache") / "union"

CATEGORIES = (
    "single_fact",
    "paraphrase",
    "who_said",
    "multi_doc",
    "name",
    "date",
    "number",
    "yes_no",
    "explanation",
    "false_premise",
    "misattribution",
    "unanswerable",
)
Split = Literal["dev", "test"]
# How an item's facts are matched: "facts" folds case and typography; "squad" also drops punctuation and
# the articles a/an/the, as SQuAD's own scorer does.
Scoring = Literal["facts", "squad"]


class EvalSetError(ChatbotError):
    """An eval set that cannot be used as given; the message names the file and line."""


@dataclass
class GoldSpan:
    source: str  # corpus-relative file name
    quote: str
    start: int
    end: int
    page: int | None = None


@dataclass
class Item:
    id: str
    question: str
    category: str
    answerable: bool
    gold: list[GoldSpan]
    facts: list[list[str]]
    split: Split = "test"
    scoring: Scoring = "facts"


@dataclass
class EvalSet:
    name: str
    corpus_dir: Path
    items: list[Item] = field(default_factory=list)
    source: Path | None = None  # the file or folder it was read from
    kind: Literal["questions", "conversations"] = "questions"  # conversations: turns asked with history

    def half(self, split: Split) -> list[Item]:
        return [i for i in self.items if i.split == split]


def split_items(items: list[Item]) -> list[Item]:
    """Assign each item to dev or test: within each category, items ordered by the SHA-256 of their id
    alternate dev, test, dev, test… (so each half holds half of every category, the odd one to dev)."""
    by_category: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    for group in by_category.values():
        group.sort(key=lambda i: hashlib.sha256(i.id.encode("utf-8")).hexdigest())
        for n, item in enumerate(group):
            item.split = "dev" if n % 2 == 0 else "test"
    return items


def load_set(path: Path, corpus_dir: Path | None = None, name: str | None = None) -> EvalSet:
    """Any set: a set folder, a JSONL file (over ``corpus_dir``, default ``corpus/``), or a SQuAD 2.0 file."""
    from chatbot.evaluation import conversations

    if not path.exists():
        raise EvalSetError(f"there is no eval set at {path}")
    if path.is_dir():
        if not (path / "questions.jsonl").exists() and (path / "conversations.jsonl").exists():
            return conversations.load_conversations(
                path / "conversations.jsonl", corpus_dir, name or path.name
            )
        questions, corpus = path / "questions.jsonl", corpus_dir or path / "corpus"
        if not questions.exists():
            raise EvalSetError(f"the set folder {path} holds no questions.jsonl (nor conversations.jsonl)")
        return EvalSet(name or path.name, corpus, load_items(questions, corpus), path)
    if path.suffix == ".json":
        data = read_json(path)
        if conversations.is_coqa(data):
            return conversations.coqa_set(path, data, name)
        return squad_set(path, name, data=data)
    if conversations.is_conversations(path):
        return conversations.load_conversations(path, corpus_dir, name or path.stem)
    corpus = corpus_dir or Path("corpus")
    return EvalSet(name or path.stem, corpus, load_items(path, corpus), path)


def read_json(path: Path) -> Any:
    """A JSON file, or an ``EvalSetError`` naming the line where it stops being JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EvalSetError(f"{path}:{exc.lineno}: not JSON ({exc.msg}, column {exc.colno})") from None
    except UnicodeDecodeError:
        raise EvalSetError(f"{path} is not UTF-8 text") from None


def suite(path: Path = SUITE, training: bool = False) -> list[tuple[str, Path]]:
    """The sets ``chatbot eval`` runs by default that are read from a path: name → path, in the order
    ``evals/suite.toml`` lists them. With ``training``, those ``chatbot train`` fits on: a set marked
    ``train = false`` is held out whole, both halves unseen by the learned decisions, as the outside sets are."""
    return [(name, Path(spec["path"])) for name, spec in _suite_specs(path, training) if "path" in spec]


def load_suite(path: Path = SUITE, training: bool = False, corpus_dir: Path | None = None) -> list[EvalSet]:
    """Every set of the suite, loaded, in its order (``training`` as for ``suite``; ``corpus_dir`` as for
    ``load_set``): those read from a path, and those made of other sets' questions over all their documents at
    once (``union = [...]``, ``union_set``). A union may take a set that training holds out."""
    every = _suite_specs(path)
    paths = {name: Path(spec["path"]) for name, spec in every if "path" in spec}
    loaded: dict[str, EvalSet] = {}

    def named(name: str) -> EvalSet:
        if name not in paths:
            raise EvalSetError(f"{path}: a union names {name!r}, which is no set read from a path")
        if name not in loaded:
            loaded[name] = load_set(paths[name], corpus_dir, name)
        return loaded[name]

    return [
        named(name) if "path" in spec else union_set(name, [named(part) for part in spec["union"]])
        for name, spec in every
        if _trained_on(spec) or not training
    ]


def _suite_specs(path: Path, training: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """The suite's sets, name → spec, each a path or a union; with ``training``, only those fitted on."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    specs = [(name, spec) for name, spec in data.get("sets", {}).items() if _trained_on(spec) or not training]
    for name, spec in specs:
        if ("path" in spec) == ("union" in spec):
            raise EvalSetError(f"{path}: the set {name!r} needs either a path or a union of other sets")
    return specs


def _trained_on(spec: dict[str, Any]) -> bool:
    return bool(spec.get("train", True))


def union_set(name: str, parts: list[EvalSet], cache: Path = UNION_CACHE) -> EvalSet:
    """Several sets' questions asked of one corpus holding all their documents: a newsroom's archive, not one
    article. A role, a name or a topic that one document makes plain is then shared with others ("the chief
    engineer" of a dam hearing and of a flood scheme), which a set with its own small corpus never tests. Each
    item keeps its own set's half; the corpus is written once under ``.cache/union/``."""
    files: dict[str, bytes] = {}
    sources = []
    ids: set[str] = set()
    for part in parts:
        if part.kind != "questions":
            raise EvalSetError(f"the union {name!r} takes sets of single questions, not {part.name!r}")
        for f in sorted(part.corpus_dir.iterdir()):
            if f.name == "sources.toml":
                sources.append(f.read_text(encoding="utf-8"))
            elif f.is_file():
                data = f.read_bytes()
                if files.setdefault(f.name, data) != data:
                    raise EvalSetError(f"two sets of the union {name!r} hold different files named {f.name}")
        own = {i.id for i in part.items}
        if clash := ids & own:
            raise EvalSetError(f"the union {name!r} holds the item id {sorted(clash)[0]!r} twice")
        ids |= own
    digest = hashlib.sha256(b"".join(n.encode() + b"\0" + files[n] for n in sorted(files))).hexdigest()[:16]
    corpus = cache / digest / "corpus"
    for file_name, data in files.items():
        write_once(corpus / file_name, data)
    if sources:
        write_once(corpus / "sources.toml", "\n\n".join(sources))
    items = [item for part in parts for item in part.items]
    return EvalSet(name, corpus, items, None)


def load_items(path: Path, corpus_dir: Path) -> list[Item]:
    """Read a JSONL set, check it against ``evals/schema/item.schema.json``, and locate each gold quote in
    its file (a PDF page's text for a PDF); a quote that is not verbatim is an error naming the line."""
    from chatbot.evaluation.schema import check_rows

    rows = jsonl_rows(path)
    check_rows(path, rows, "item")
    items = []
    for n, row in enumerate(rows, start=1):
        if row is None:
            continue
        try:
            gold = [locate(g, corpus_dir) for g in row.get("gold", [])]
            item = Item(
                str(row["id"]),
                str(row["question"]),
                str(row["category"]),
                bool(row["answerable"]),
                gold,
                [list(map(str, fact)) for fact in row.get("facts", [])],
                scoring=row.get("scoring", "facts"),
            )
        except KeyError as exc:
            raise EvalSetError(f"{path}:{n}: the item lacks the field {exc}") from None
        except ValueError as exc:
            raise EvalSetError(f"{path}:{n}: {exc}") from None
        items.append(item)
    return split_items(items)


def jsonl_rows(path: Path) -> list[dict[str, Any] | None]:
    """Each line's JSON value (``None`` for a blank line), or an ``EvalSetError`` naming the first bad line."""
    rows: list[dict[str, Any] | None] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise EvalSetError(f"{path} is not UTF-8 text") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            rows.append(None)
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{path}:{n}: not a JSON object ({exc.msg})") from None
    return rows


def locate(gold: dict[str, Any], corpus_dir: Path) -> GoldSpan:
    """A gold quote's span in its file; ``ValueError`` when the file lacks it (or is missing)."""
    name = str(gold["source"]).removeprefix("corpus/")
    page = gold.get("page")
    if not (corpus_dir / name).is_file():
        raise ValueError(f"a gold source is not in the corpus folder {corpus_dir}: {name}")
    text = page_text(corpus_dir / name, page)
    start = text.find(gold["quote"])
    if start < 0:
        where = f"{name} page {page}" if page else name
        raise ValueError(f"a gold quote is not verbatim in {where}: {gold['quote'][:60]!r}")
    return GoldSpan(name, gold["quote"], start, start + len(gold["quote"]), page)


def page_text(path: Path, page: int | None = None) -> str:
    """The text offsets index into: the file as loaded for the index (a PDF page's extracted text)."""
    pages = _pages(path.resolve(), path.stat().st_mtime_ns)
    if page is None:
        return pages[0]
    if not 1 <= page <= len(pages):
        raise ValueError(f"{path.name} has no page {page}")
    return pages[page - 1]


@lru_cache(maxsize=32)
def _pages(path: Path, mtime: int) -> tuple[str, ...]:
    return tuple(p.text for p in load_document(path, path.name, max_bytes=1 << 30).pages)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- SQuAD 2.0 ------------------------------------------------------------------------------------------


def squad_set(path: Path, name: str | None = None, cache: Path = SQUAD_CACHE, data: Any = None) -> EvalSet:
    """A SQuAD 2.0 file as an eval set: one corpus document per article, one item per question.

    Each answerable question's one fact is the set of its answer texts, scored as SQuAD scores; its gold
    spans are the answers located in the written article. Unanswerable questions (``is_impossible``) must
    be refused.
    """
    from chatbot.evaluation.schema import check_document

    data = read_json(path) if data is None else data
    check_document(path, data, "squad", path.read_text(encoding="utf-8"))
    articles = data["data"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    corpus = cache / digest / "corpus"
    items: list[Item] = []
    for article in articles:
        file_name, text, offsets = _article(article)
        write_once(corpus / file_name, text)
        for p, paragraph in enumerate(article["paragraphs"]):
            for qa in paragraph["qas"]:
                items.append(_squad_item(qa, file_name, offsets[p], text))
    return EvalSet(name or path.stem, corpus, split_items(items), path)


def _article(article: dict[str, Any]) -> tuple[str, str, list[int]]:
    """The article as one text (title, then paragraphs separated by blank lines) and each paragraph's offset."""
    title = str(article.get("title", "article")).replace("_", " ")
    text, offsets = title + "\n\n", []
    for paragraph in article["paragraphs"]:
        offsets.append(len(text))
        text += paragraph["context"].strip("\n") + "\n\n"
    slug = re.sub(r"[^\w.-]+", "-", title).strip("-").lower() or "article"
    return f"{slug}.txt", text, offsets


def _squad_item(qa: dict[str, Any], file_name: str, offset: int, text: str) -> Item:
    answers = [a for a in qa.get("answers", []) if a.get("text")]
    impossible = bool(qa.get("is_impossible", not answers))
    gold = []
    for a in answers[:1] if not impossible else []:
        start = offset + int(a["answer_start"])
        if text[start : start + len(a["text"])] != a["text"]:  # a misplaced answer_start: find the text
            start = text.find(a["text"], offset)
        gold.append(GoldSpan(file_name, a["text"], start, start + len(a["text"])))
    facts = [] if impossible else [list(dict.fromkeys(a["text"] for a in answers))]
    category = "unanswerable" if impossible else "single_fact"
    return Item(str(qa["id"]), str(qa["question"]), category, not impossible, gold, facts, scoring="squad")


def write_once(path: Path, content: str | bytes) -> None:
    """Write ``content`` unless the file already holds it (so an index built on it stays fresh)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
