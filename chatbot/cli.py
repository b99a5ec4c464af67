"""The ``chatbot`` command: build, ask, chat, eval, serve.

Heavy libraries (torch, faiss, gradio) are imported inside the commands, so ``--help``
is instant. Human output goes through rich; ``--json`` output is one object per line on
stdout, and every progress message goes to stderr so pipes stay clean.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chatbot.errors import ChatbotError, CorpusError
from chatbot.settings import Settings, load_settings

if TYPE_CHECKING:
    from chatbot.answer import Answer, History
    from chatbot.backends.decisions import Models
    from chatbot.pipeline import Pipeline
    from chatbot.store.prepare import Progress
    from chatbot.store.protocol import Store

out = Console()
err = Console(stderr=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an error the user can act on is printed as one plain line, with exit status 2."""
    args = parser().parse_args(argv)
    try:
        result: int = args.run(args, settings_from(args))
        return result
    except ChatbotError as exc:
        err.print(Text(f"chatbot: {exc}", style="red"), soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        return 130


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    common.add_argument("--index", type=Path, help="index folder (default: index/)")
    common.add_argument("--model", help="embedding model: a packaged name or a folder")
    common.add_argument(
        "--store",
        metavar="URL",
        help="a shared PostgreSQL store (postgresql://…) instead of the index folder; or CHATBOT_STORE_URL",
    )

    p = argparse.ArgumentParser(
        prog="chatbot", description="Grounded answers, with verbatim citations, over a corpus."
    )
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    b = sub.add_parser("build", parents=[common], help="build (or refresh) the index")
    b.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    b.set_defaults(run=cmd_build)

    a = sub.add_parser("ask", parents=[common], help="answer questions, with cited sources")
    a.add_argument("questions", nargs="*", metavar="QUESTION")
    a.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    a.add_argument("--backend", help="answer backend (default: extractive)")
    a.add_argument(
        "--history",
        type=Path,
        metavar="FILE",
        help="a JSON conversation: answer its last question with the earlier turns as history (or, with "
        "QUESTIONs, ask them as follow-ups to it)",
    )
    a.set_defaults(run=cmd_ask)

    t = sub.add_parser("chat", parents=[common], help="a chat in the terminal, with follow-ups")
    t.add_argument("--backend", help="answer backend (default: extractive)")
    t.set_defaults(run=cmd_chat)

    e = sub.add_parser(
        "eval",
        parents=[common],
        help="run the grounding evaluation and gate on its thresholds",
        description="Exit status: 0 every gated metric at its floor or better; 1 a metric below its floor; "
        "2 a usage or data error (malformed set, missing report, unknown backend).",
    )
    e.add_argument(
        "--backend",
        dest="backends",
        action="append",
        metavar="NAME",
        help="answer backend to evaluate (default: extractive); repeat to compare backends side by side",
    )
    e.add_argument(
        "--set",
        type=Path,
        action="append",
        help="an eval set: a set folder, a JSONL file of questions or conversations (over --corpus), a SQuAD 2.0 or CoQA JSON file; repeatable "
        "(default: every set in evals/suite.toml)",
    )
    e.add_argument(
        "--thresholds", type=Path, default=Path("evals/thresholds.toml"), help="gate thresholds (TOML)"
    )
    e.add_argument("--k", type=int, default=5, help="retrieval depth for recall@k and MRR")
    e.add_argument("--limit", type=int, help="only the first N questions")
    e.add_argument(
        "--split",
        choices=["dev", "test", "all"],
        default="all",
        help="only one half of each set (default: both)",
    )
    e.add_argument("--json", action="store_true", help="print the full report as JSON on stdout")
    e.add_argument(
        "--out", type=Path, default=Path("evals/reports"), help="folder for the HTML and JSON reports"
    )
    e.add_argument("--no-gate", action="store_true", help="report only; exit 0 even below thresholds")
    e.add_argument(
        "--junit",
        type=Path,
        metavar="FILE",
        help="also write JUnit XML (a case per question and per gated metric)",
    )
    e.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD",
        help="compare with an earlier run: a report JSON, or a folder of them (an earlier --out)",
    )
    mode = e.add_mutually_exclusive_group()
    mode.add_argument(
        "--compare",
        type=Path,
        nargs=2,
        metavar=("OLD.json", "NEW.json"),
        help="compare two stored reports (changes and flipped questions); runs nothing",
    )
    mode.add_argument(
        "--init",
        type=Path,
        metavar="DIR",
        help="write a starter set and thresholds for --corpus (or DIR/corpus)",
    )
    e.set_defaults(run=cmd_eval)

    t = sub.add_parser(
        "train", parents=[common], help="train the answer decisions on the dev halves of the eval suite"
    )
    t.add_argument(
        "--out", type=Path, help="where to write the models (default: the package's decisions.json)"
    )
    t.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the stored models differ from a fresh fit (a change needs a retrain)",
    )
    t.set_defaults(run=cmd_train)

    q = sub.add_parser("quotes", parents=[common], help="the who-said-what table")
    q.add_argument("--speaker", help="only this speaker (a surname is enough)")
    q.add_argument("--json", action="store_true", help="one JSON object per row")
    q.set_defaults(run=cmd_quotes)

    c = sub.add_parser("check-quote", parents=[common], help="check a quotation, paraphrase or claim")
    c.add_argument("text", metavar="TEXT")
    c.add_argument("--speaker", help="who the quote is attributed to")
    c.add_argument("--json", action="store_true", help="the verdict as one JSON object")
    c.set_defaults(run=cmd_check_quote)

    s = sub.add_parser("serve", parents=[common], help="start the web chat")
    s.add_argument("--host", help="interface to bind (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, help="port (default: 7860)")
    s.add_argument("--backend", help="answer backend (default: extractive)")
    s.set_defaults(run=cmd_serve)

    d = sub.add_parser("db", parents=[common], help="a local PostgreSQL for development; the store's tables")
    d.add_argument("action", choices=["start", "stop", "url", "migrate"],
                   help="start/stop/url: the local server in --data; migrate: create or upgrade the store's tables")  # fmt: skip
    d.add_argument(
        "--data", type=Path, default=Path(".pgdata"), help="the local server's folder (default: .pgdata/)"
    )
    d.add_argument(
        "--reset", action="store_true", help="migrate: drop the store's tables first (uploads too)"
    )
    d.set_defaults(run=cmd_db)
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(
        corpus_dir=args.corpus,
        index_dir=args.index,
        model=args.model,
        backend=getattr(args, "backend", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        store_url=args.store,
    )


@contextmanager
def progress_bars() -> Iterator[Progress]:
    """Rich progress bars on stderr, one per stage of a long job; nothing is drawn until a stage starts."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bars

    bars = Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
    )

    def stage(label: str, total: int) -> Callable[[int], None]:
        bars.start()
        task = bars.add_task(label, total=total)
        return lambda n: bars.advance(task, n)

    try:
        yield stage
    finally:
        if bars.live.is_started:
            bars.stop()


def open_pipeline(settings: Settings) -> Pipeline:
    from chatbot.pipeline import Pipeline

    check_corpus(settings)
    with progress_bars() as stage:
        return Pipeline(settings, progress=stage, notify=lambda m: err.print(Text(m, style="yellow")))


def check_corpus(settings: Settings) -> None:
    if not settings.corpus_dir.is_dir():
        raise CorpusError(f"there is no corpus folder at {settings.corpus_dir}; pass --corpus DIR")


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.store import stores
    from chatbot.store.embeddings import Embedder

    check_corpus(settings)
    embedder = Embedder.for_settings(settings)
    shared = stores.shared(settings)
    reason = "--force" if args.force else stores.staleness(settings, embedder.dim if shared else None)
    if reason is None:
        err.print(Text(f"Index in {stores.location(settings)} is up to date."))
    else:
        err.print(Text(f"Building the index ({reason})."))
        with progress_bars() as stage:
            stores.build(settings, embedder, stage, force=args.force)
    store = stores.load_store(settings)
    manifest = store.manifest
    table = Table(title=f"Index {stores.location(settings, store)}", title_justify="left")
    for col in ("document", "title", "passages"):
        table.add_column(col, overflow="fold")
    per_doc = store.passages_per_document()
    for d in manifest.documents:
        table.add_row(Text(d.name), Text(d.title), str(per_doc.get(d.name, 0)))
    out.print(table)
    out.print(
        Text(
            f"{manifest.passages} passages, {manifest.sentences} sentences, model {manifest.model} "
            f"({manifest.dim}-d), built in {manifest.build_seconds:.1f} s at {manifest.built_at}."
        )
    )
    for e in manifest.errors:
        err.print(Text.assemble(("skipped ", "red"), f"{e['file']}: {e['reason']}"))
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Each question in turn; with ``--history`` the file's conversation comes first, and each answer
    joins the history of the next question."""
    from chatbot.chat import HistoryError, read_history

    history: list[tuple[str, str]] = []
    questions = list(args.questions)
    if args.history:
        history, last = read_history(args.history)
        if last is not None and questions:
            raise HistoryError(
                f"{args.history} ends with an unanswered question; give no QUESTION, or answer it there"
            )
        questions = questions or ([last] if last else [])
    if not questions:
        raise HistoryError("nothing to ask: give a QUESTION, or --history FILE ending with a question")
    pipeline = open_pipeline(settings)
    for question in questions:
        if args.json:
            answer = pipeline.ask(question, tuple(history) if args.history else ())
            sys.stdout.write(json.dumps(answer.contract(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            answer = streamed(pipeline, question, tuple(history) if args.history else ())
            print_answer(answer)
        history.append((question, answer.answer))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.chat import ChatSession, repl

    pipeline = open_pipeline(settings)
    session = ChatSession(lambda question, history: streamed(pipeline, question, history), out)
    banner = f"Chatting over {settings.corpus_dir} (backend {pipeline.backend.name}). Ask a question."
    return repl(session, banner)


def streamed(pipeline: Pipeline, question: str, history: History = ()) -> Answer:
    """The final answer; a generated draft is shown live meanwhile (on a terminal), then replaced."""
    from rich.live import Live
    from rich.text import Text

    answer = None
    with Live(Text(""), console=out, transient=True, refresh_per_second=8) as live:
        for answer in pipeline.stream(question, history):
            live.update(Text(answer.answer + " …", style="dim"))
    assert answer is not None
    return answer


def print_answer(answer: Answer) -> None:
    """The answer, then one entry per source: title, where to find the span, and the quote."""
    style = "bold" if answer.answerable else "bold yellow"
    out.rule(Text(answer.question, style=style))
    out.print(Text(answer.answer))
    if answer.citations:
        out.print("\n[bold]Sources[/]" if answer.answerable else "\n[bold]Closest passages[/]")
    for c in answer.citations:
        where = f"{c.source}, characters {c.start}–{c.end}" + (f", page {c.page}" if c.page else "")
        out.print(Text.assemble(" ", (f"[{c.n}]", "bold"), " ", c.title))
        out.print(Text(f"     {where}", style="dim"), soft_wrap=True)
    checked = f" · {answer.verified}" if answer.verified else ""
    out.print(Text(f"{answer.timings.get('total_ms', 0):.0f} ms{checked}", style="dim"))


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """The evaluation (see ``chatbot.evaluation.command`` for what it writes and its exit status)."""
    from chatbot.evaluation.command import Consoles, EvalOptions, run_eval

    options = EvalOptions(
        sets=args.set or [],
        backends=args.backends or [],
        corpus=args.corpus,
        index=args.index,
        thresholds=args.thresholds,
        k=args.k,
        limit=args.limit,
        split=args.split,
        out=args.out,
        json=args.json,
        gate=not args.no_gate,
        junit=args.junit,
        baseline=args.baseline,
        compare=args.compare or [],
        init=args.init,
    )
    return run_eval(options, settings, Consoles(out, err, progress_bars))


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.backends.decisions import MODELS, load_models
    from chatbot.evaluation.sets import load_suite
    from chatbot.evaluation.train import collect, describe, train
    from chatbot.store.embeddings import Embedder

    # Single questions only: a conversation's turns mean something only with their history.
    sets = [s for s in load_suite(training=True) if s.kind != "conversations"]
    root = args.index or Path(".cache/eval-index")
    with progress_bars() as stage:
        examples = collect(settings, sets, root, Embedder.for_settings(settings), stage)
    models = train(examples, settings)
    path = args.out or MODELS
    if args.check:
        return _check_models(path, models)
    models.save(path)
    load_models.cache_clear()
    for name, part in describe(models).items():
        table = Table(title=f"{name} model (threshold {part['threshold']})", title_justify="left")
        table.add_column("feature")
        table.add_column("weight", justify="right")
        for feature, weight in part["weights"]:
            table.add_row(feature, f"{weight:+.3f}")
        out.print(table)
        rows = ", ".join(f"{b['mean_p']:.2f}→{b['rate']:.2f} (n={b['n']})" for b in part["calibration"])
        out.print(Text(f"calibration on dev (mean predicted → observed): {rows}", style="dim"))
    table = Table(
        title=f"dev refusals at the threshold {models.answerable.threshold} (the composer's, every reason)",
        title_justify="left",
    )
    for column in ("set", "false refusals", "refusal recall"):
        table.add_column(column, justify="left" if column == "set" else "right")
    for name, rates in models.trained["dev_refusals"].items():
        table.add_row(name, *(f"{v:.3f}" if v is not None else "–" for v in rates.values()))
    out.print(table)
    out.print(
        Text(f"Trained on {models.trained['on']}: {models.trained['questions']} questions; wrote {path}")
    )
    return 0


def _check_models(path: Path, fresh: Models) -> int:
    """``chatbot train --check``: 0 when the stored models are what training gives now, else 1 with the
    differences."""
    from chatbot.backends.decisions import load_models
    from chatbot.evaluation.train import differences

    stored = load_models(path)
    found = differences(stored, fresh) if stored else [f"{path} is missing or fitted on other features"]
    if not found:
        out.print(Text(f"{path} is what training on the dev halves gives now."))
        return 0
    for line in found:
        err.print(Text(line))
    err.print(Text(f"{path} is stale: run `chatbot train` and commit it with the eval figures it moves."))
    return 1


def fresh_index(settings: Settings) -> Store:
    """The index without loading the embedding model when it is already fresh (rebuilt otherwise)."""
    from chatbot.store import stores

    check_corpus(settings)
    if stores.shared(settings):
        return stores.load_store(settings) if _has_generation(settings) else open_pipeline(settings).index
    return (
        stores.load_store(settings) if stores.staleness(settings) is None else open_pipeline(settings).index
    )


def _has_generation(settings: Settings) -> bool:
    from chatbot.store.postgres.reader import open_view

    try:
        return open_view(settings) is not None
    except ChatbotError:
        return False


def cmd_quotes(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.library import quote_rows

    rows = quote_rows(fresh_index(settings), args.speaker)
    if args.json:
        for row in rows:
            sys.stdout.write(json.dumps(row.__dict__, ensure_ascii=False) + "\n")
        return 0
    table = Table(title=f"Who said what ({len(rows)} statements)", title_justify="left", show_lines=True)
    for col, width in (("speaker", 22), ("role", 24), ("kind", 13), ("statement", 60), ("source", 30)):
        table.add_column(col, max_width=width, overflow="fold")
    for r in rows:
        where = f"{r.source}:{r.start}–{r.end}" + (f" p. {r.page}" if r.page else "")
        table.add_row(*(Text(cell) for cell in (r.speaker, r.role, r.kind.replace("_", " "), r.text, where)))
    out.print(table)
    if not rows:
        err.print(Text(f"No statement is attributed to {args.speaker!r}."))
    return 0


VERDICT_STYLE = {
    "exact": "green",
    "close": "yellow",
    "misattributed": "red",
    "stitched": "magenta",
    "not_found": "red",
}


def cmd_check_quote(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from chatbot.library import verify_quote

    v = verify_quote(fresh_index(settings), args.text, args.speaker)
    if args.json:
        sys.stdout.write(json.dumps(asdict(v), ensure_ascii=False) + "\n")
        return 0
    verdict = (v.verdict.replace("_", " ").upper(), f"bold {VERDICT_STYLE.get(v.verdict, 'white')}")
    out.print(Text.assemble(verdict, "  ", v.explanation))
    if v.matched:
        where = f"{v.source}:{v.start}–{v.end}" + (f" p. {v.page}" if v.page else "")
        out.print(Text.assemble((where, "dim"), f"  said by: {v.actual_speaker or 'the article itself'}"))
        out.print(Text(f"“{v.matched}”"))
    if v.verdict == "close" and v.diff:
        marks = {"=": "", "-": "red strike", "+": "green underline"}
        words = [part for op, w in v.diff for part in ((w, marks[op]), " ")]
        out.print(Text.assemble("Differences: ", *words))
        out.print(
            "[dim](struck out: the corpus has it, the quote lacks it; underlined: added by the quote)[/]"
        )
    for f in v.fragments:
        out.print(
            Text.assemble(f" fragment: “{f['text']}”  ", (f"{f['source']}:{f['start']}–{f['end']}", "dim"))
        )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.app import serve
    from chatbot.store import stores

    pipeline = open_pipeline(settings)
    if stores.shared(settings) and settings.uploads_dir is not None:
        # Uploads through any replica embed with the full model: load it before serving, so that the first
        # upload does not stall the questions in flight while torch is imported.
        pipeline.embedder.model  # noqa: B018
    serve(pipeline, settings.host, settings.port)
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """The local development server (start/stop/url; the URL on the last line) and the store's tables (migrate)."""
    from chatbot.store.postgres import server

    if args.action == "start":
        err.print(Text(f"PostgreSQL with pgvector runs in {args.data} (a Unix socket there, no TCP port)."))
        print(server.start(args.data))
    elif args.action == "url":
        print(server.url(args.data))
    elif args.action == "stop":
        stopped = server.stop(args.data)
        err.print(
            Text(
                f"Stopped the PostgreSQL in {args.data}." if stopped else f"No PostgreSQL ran in {args.data}."
            )
        )
    else:
        from chatbot.store.embeddings import Embedder
        from chatbot.store.postgres.connect import database
        from chatbot.store.postgres.schema import migrate

        dim = Embedder.for_settings(settings).dim
        err.print(Text(migrate(database(settings), settings, dim, reset=args.reset)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
