"""The eval-set formats as JSON Schema (``evals/schema/*.json``), and validation with errors a person can fix.

An evaluator bringing a set of their own meets this first, so every error names the file, the line (for
JSONL; for a JSON file the line of the nearest record id, and the JSON path), the field, and what was
expected, in words. All errors of a file are reported at once (up to ``MAX_ERRORS``), never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from chatbot.evaluation.sets import EvalSetError

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "evals" / "schema"
Kind = Literal["item", "conversation", "squad", "coqa", "thresholds"]
MAX_ERRORS = 20
_TYPE_WORDS = {
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "integer": "a whole number",
    "number": "a number",
}


class SchemaError(EvalSetError):
    """A set (or thresholds file) that does not match its schema; one line per problem, each with its place."""


def schema_path(kind: Kind) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


@cache
def validator(kind: Kind) -> Draft202012Validator:
    """A validator for one format; the schemas refer to each other by ``urn:chatbot:eval:*`` ids."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads(schema_path(kind).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


def check_rows(path: Path, rows: Sequence[dict[str, Any] | None], kind: Kind) -> None:
    """Validate a JSONL file's rows (``None`` for a blank line); raise one ``SchemaError`` listing them all."""
    check = validator(kind)
    problems = []
    for n, row in enumerate(rows, start=1):
        if row is None:
            continue
        problems += [f"{path}:{n}: {describe(e)}" for e in _sorted(check.iter_errors(row))]
    _raise(problems)


def check_document(path: Path, data: Any, kind: Kind, text: str | None = None) -> None:
    """Validate a whole JSON (or TOML) document; each error gives the line of the nearest record id, if any."""
    problems = []
    for error in _sorted(validator(kind).iter_errors(data)):
        line = _line_of(error, data, text) if text else None
        where = f"{path}:{line}" if line else str(path)
        problems.append(f"{where}: at {_pointer(error.absolute_path) or 'the top'}: {describe(error)}")
    _raise(problems)


def describe(error: ValidationError) -> str:
    """One error in words: where in the record, and what was expected."""
    where = _pointer(error.absolute_path)
    holder = error.validator_value if error.validator == "not" else error.schema
    nested = len(error.absolute_schema_path) > 1  # the root schema's description is no hint
    why = holder.get("description") if isinstance(holder, dict) and nested else None
    hint = f" ({why})" if why and error.validator in ("required", "minItems", "maxItems", "not") else ""
    owner = f"{where} " if where else "the item "
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{owner}lacks the field '{missing}'{hint}"
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        return f"{owner}has unknown field(s) {', '.join(map(repr, extra))}; known fields: {', '.join(known)}"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
        return f"{where or 'the line'} must be {words}, not {_show(error.instance)}"
    if error.validator in ("minItems", "maxItems"):
        return f"{where} must {'not be empty' if error.validator == 'minItems' else 'be empty'}{hint}"
    if error.validator == "minLength":
        return f"{where} must not be empty"
    if error.validator == "enum":
        return f"{where} must be one of {', '.join(map(repr, error.validator_value))}, not {_show(error.instance)}"
    if error.validator == "not":
        return f"{owner.strip()}: {why or error.message}"
    return f"{where or 'the line'}: {error.message}"


def _sorted(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Errors in document order (by the path of the value at fault)."""
    return sorted(errors, key=lambda e: [f"{p:09d}" if isinstance(p, int) else p for p in e.absolute_path])


def _pointer(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _line_of(error: ValidationError, data: Any, text: str) -> int | None:
    """The line of the innermost record (an object with an ``id``) on the error's path, found by its id."""
    node, found = data, None
    for part in error.absolute_path:
        if isinstance(node, dict) and "id" in node:
            found = node["id"]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, dict) and "id" in node:
        found = node["id"]
    if found is None:
        return None
    at = text.find(json.dumps(found))
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _raise(problems: list[str]) -> None:
    if not problems:
        return
    shown = problems[:MAX_ERRORS]
    if len(problems) > MAX_ERRORS:
        shown.append(f"… and {len(problems) - MAX_ERRORS} more")
    raise SchemaError("\n".join(shown))
