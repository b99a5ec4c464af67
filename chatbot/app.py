"""The Gradio web chat. It only calls the core (``Pipeline``, ``library``); the core never imports it.

Three tabs: the chat, where each reply shows its numbered sources (title, credit, the verbatim
quote and a link to the span inside its document); the who-said-what table; and the quote
checker. ``/passage`` shows a document with a cited span highlighted: it serves only files the
index knows. ``/answer``, ``/quotes`` and ``/check_quote`` are API endpoints for programs.
"""

from __future__ import annotations

import html
import logging
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

import gradio as gr
from fastapi.responses import HTMLResponse

from chatbot.answer import Answer
from chatbot.index import DocumentInfo
from chatbot.library import UnknownSource, quote_rows, source_text, verify_quote
from chatbot.pipeline import Pipeline

log = logging.getLogger(__name__)

EXAMPLES = [
    "Who said AI doesn't need a Chernobyl moment?",
    "Who leads the US side of the AI talks?",
    "Which Chinese open-weight models are mentioned?",
    "Why did Lin Yun say that AI doesn't need a Chernobyl moment?",
    "What did Emmanuel Macron say about the summit?",
]

CSS = """
.refusal { border-left: 4px solid #d97706; padding: .4em .8em; background: #fffbeb; color: #78350f; }
.sources { font-size: .92em; margin-top: .6em; }
.sources blockquote { margin: .2em 0 .6em 0; }
"""

VERDICT_COLOURS = {"exact": "#047857", "close": "#b45309", "misattributed": "#b91c1c", "stitched": "#7c3aed"}


def passage_link(source: str, start: int, end: int, page: int | None) -> str:
    query = {"source": source, "start": start, "end": end} | ({"page": page} if page else {})
    return "/passage?" + urlencode(query)


def credit(doc: DocumentInfo | None) -> str:
    return ", ".join(x for x in (doc.outlet, doc.author, doc.date) if x) if doc else ""


def render(answer: Answer, documents: dict[str, DocumentInfo] | None = None) -> str:
    """HTML for one reply: the answer, then its numbered, quoted, linked sources."""
    documents = documents or {}
    body = html.escape(answer.answer).replace("\n", "<br>")
    head = f'<div class="refusal">{body}</div>' if not answer.answerable else body
    if not answer.citations:
        return head
    label = "Sources" if answer.answerable else "Closest passages"
    items = []
    for c in answer.citations:
        name = c.source.rsplit("/", 1)[-1]
        by = credit(documents.get(name))
        where = f"{c.source}, characters {c.start}–{c.end}" + (f", page {c.page}" if c.page else "")
        link = passage_link(name, c.start, c.end, c.page)
        items.append(
            f"<p><b>[{c.n}]</b> <i>{html.escape(c.title)}</i>{' — ' + html.escape(by) if by else ''}"
            f'<br><small>{html.escape(where)} · <a href="{link}" target="_blank">open in source</a></small></p>'
            f"<blockquote>{html.escape(c.quote)}</blockquote>"
        )
    return f'{head}<div class="sources"><b>{label}</b>{"".join(items)}</div>'


def render_verdict(v: Any) -> str:
    colour = VERDICT_COLOURS.get(v.verdict, "#b91c1c")
    parts = [
        f'<p><b style="color:{colour}">{v.verdict.replace("_", " ").upper()}</b> — {html.escape(v.explanation)}</p>'
    ]
    if v.matched:
        link = passage_link(v.source, v.start, v.end, v.page)
        parts.append(
            f"<blockquote>{html.escape(v.matched)}</blockquote><p><small>{html.escape(v.source)}, "
            f"characters {v.start}–{v.end} · said by {html.escape(v.actual_speaker or 'the article itself')} · "
            f'<a href="{link}" target="_blank">open in source</a></small></p>'
        )
    if v.verdict == "close" and v.diff:
        marks = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
        words = " ".join(marks[op].format(html.escape(w)) for op, w in v.diff)
        parts.append(
            f"<p>Differences: {words}<br><small>struck out: in the corpus; underlined: added</small></p>"
        )
    for f in v.fragments:
        link = passage_link(str(f["source"]), int(f["start"]), int(f["end"]), f.get("page"))
        parts.append(
            f'<p>fragment: “{html.escape(str(f["text"]))}” <a href="{link}" target="_blank">open</a></p>'
        )
    return "".join(parts)


QUOTE_COLUMNS = ["Speaker", "Role", "Kind", "Statement", "Source"]


def quote_table(pipeline: Pipeline, needle: str = "") -> list[list[str]]:
    """Rows of the who-said-what table, filtered by a word in the speaker, role or statement."""
    needle = needle.strip().lower()
    rows = []
    for r in quote_rows(pipeline.index):
        if needle and needle not in f"{r.speaker} {r.role} {r.text}".lower():
            continue
        link = passage_link(r.source, r.start, r.end, r.page)
        rows.append([r.speaker, r.role, r.kind.replace("_", " "), r.text, f"[{r.source}]({link})"])
    return rows


def passage_page(pipeline: Pipeline, source: str, start: int, end: int, page: int | None) -> HTMLResponse:
    """The whole document with the cited span highlighted and scrolled into view."""
    try:
        text = source_text(pipeline.index, source, page)
    except UnknownSource as exc:
        return HTMLResponse(f"<p>{html.escape(str(exc))}</p>", status_code=404)
    if not 0 <= start < end <= len(text):
        return HTMLResponse("<p>Those offsets are outside the document.</p>", status_code=400)
    doc = pipeline.index.documents[source]
    body = (
        html.escape(text[:start])
        + f'<mark id="hit">{html.escape(text[start:end])}</mark>'
        + html.escape(text[end:])
    )
    meta = " · ".join(x for x in (credit(doc), source + (f", page {page}" if page else "")) if x)
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>{html.escape(doc.title)}</title>"
        "<style>body{font:16px/1.6 Georgia,serif;max-width:760px;margin:2em auto;padding:0 1em}"
        "pre{white-space:pre-wrap;font:inherit}mark{background:#fde68a}</style>"
        f"<h1>{html.escape(doc.title)}</h1><p><small>{html.escape(meta)}</small></p><pre>{body}</pre>"
        "<script>document.getElementById('hit').scrollIntoView({block:'center'})</script>"
    )


def build_app(pipeline: Pipeline) -> gr.Blocks:
    documents = pipeline.index.documents

    def respond(message: str, history: list[dict[str, Any]]) -> str:
        try:
            return render(pipeline.ask(message), documents)
        except Exception as exc:  # the user gets a readable message; the log gets the trace
            log.exception("answering failed")
            return f'<div class="refusal">Sorry, something went wrong while answering: {html.escape(str(exc))}</div>'

    def answer_json(question: str) -> dict[str, object]:
        """The ``chatbot ask --json`` object for one question."""
        return pipeline.ask(question).contract()

    def check(text: str, speaker: str) -> str:
        if not text.strip():
            return "<p>Paste a quotation, a paraphrase or a claim to check.</p>"
        return render_verdict(verify_quote(pipeline.index, text, speaker or None))

    def check_json(text: str, speaker: str) -> dict[str, object]:
        return asdict(verify_quote(pipeline.index, text, speaker or None))

    def quotes_json(speaker: str) -> list[dict[str, object]]:
        return [r.__dict__ for r in quote_rows(pipeline.index, speaker or None)]

    with gr.Blocks(title="News corpus Q&A") as demo:
        gr.Markdown(
            "## Ask the corpus\nAnswers quote the sources verbatim; every claim carries a numbered citation. "
            f"Corpus: {len(documents)} documents, {pipeline.index.manifest.passages} passages."
        )
        with gr.Tab("Ask"):
            gr.ChatInterface(
                respond,
                chatbot=gr.Chatbot(height=560, label="Chat", sanitize_html=True),
                examples=EXAMPLES,
                api_name="ask",
                concurrency_limit=4,
            )
        with gr.Tab("Who said what"):
            needle = gr.Textbox(label="Filter", placeholder="a speaker, a role or a word of the statement")
            table = gr.Dataframe(
                value=quote_table(pipeline),
                headers=QUOTE_COLUMNS,
                datatype=["str", "str", "str", "str", "markdown"],
                interactive=False,
                wrap=True,
                column_widths=["14%", "16%", "9%", "45%", "16%"],
            )
            needle.change(lambda n: quote_table(pipeline, n), needle, table, api_visibility="private")
        with gr.Tab("Check a quote"):
            quote = gr.Textbox(label="Quotation, paraphrase or claim", lines=3)
            speaker = gr.Textbox(label="Attributed to (optional)")
            button = gr.Button("Check", variant="primary")
            verdict = gr.HTML()
            button.click(check, [quote, speaker], verdict, api_name="check_quote")
        gr.api(answer_json, api_name="answer")
        gr.api(check_json, api_name="check_quote_json")
        gr.api(quotes_json, api_name="quotes")
    return demo


def serve(pipeline: Pipeline, host: str, port: int, block: bool = True) -> gr.Blocks:
    demo = build_app(pipeline)
    demo.queue(default_concurrency_limit=4, max_size=64)
    app, _, _ = demo.launch(
        server_name=host,
        server_port=port,
        css=CSS,
        prevent_thread_lock=True,
        show_error=False,
        quiet=not block,
    )

    def passage(source: str, start: int, end: int, page: int | None = None) -> HTMLResponse:
        return passage_page(pipeline, source, start, end, page)

    app.add_api_route("/passage", passage, methods=["GET"])
    if block:
        demo.block_thread()
    return demo
