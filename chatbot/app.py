"""The Gradio web chat. It only calls the core (``Pipeline``); the core never imports it.

Each reply shows the answer with its ``[n]`` markers and, under it, the numbered sources:
title, outlet, where the span is, and the verbatim quote, so a journalist can check and
quote without leaving the page. An ``/answer`` API endpoint returns the same JSON as
``chatbot ask --json`` for programs.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from chatbot.answer import Answer
from chatbot.pipeline import Pipeline

EXAMPLES = [
    "Who said AI doesn't need a Chernobyl moment?",
    "Who leads the US side of the AI talks?",
    "Which Chinese open-weight models are mentioned?",
    "What is the proposed AI hotline modelled on?",
    "What did Emmanuel Macron say about the summit?",
]

CSS = """
.refusal { border-left: 4px solid #d97706; padding: .4em .8em; background: #fffbeb; color: #78350f; }
.sources { font-size: .92em; margin-top: .6em; }
.sources blockquote { margin: .2em 0 .6em 0; }
"""


def render(answer: Answer, documents: dict[str, Any] | None = None) -> str:
    """Markdown for one reply: the answer, then its numbered, quoted sources."""
    documents = documents or {}
    body = html.escape(answer.answer).replace("\n", "<br>")
    head = f'<div class="refusal">{body}</div>' if not answer.answerable else body
    if not answer.citations:
        return head
    label = "Sources" if answer.answerable else "Closest passages"
    items = []
    for c in answer.citations:
        name = c.source.rsplit("/", 1)[-1]
        doc = documents.get(name)
        credit = ", ".join(
            x for x in (getattr(doc, "outlet", ""), getattr(doc, "author", ""), getattr(doc, "date", "")) if x
        )
        where = f"{c.source}, characters {c.start}–{c.end}" + (f", page {c.page}" if c.page else "")
        items.append(
            f"<p><b>[{c.n}]</b> <i>{html.escape(c.title)}</i>{' — ' + html.escape(credit) if credit else ''}"
            f"<br><small>{html.escape(where)}</small></p><blockquote>{html.escape(c.quote)}</blockquote>"
        )
    return f'{head}<div class="sources"><b>{label}</b>{"".join(items)}</div>'


def build_app(pipeline: Pipeline) -> gr.Blocks:
    documents = pipeline.index.documents

    def respond(message: str, history: list[dict[str, Any]]) -> str:
        try:
            return render(pipeline.ask(message), documents)
        except Exception as exc:  # the user gets a readable message; the log gets the trace
            import logging

            logging.getLogger(__name__).exception("answering failed")
            return f'<div class="refusal">Sorry, something went wrong while answering: {html.escape(str(exc))}</div>'

    def answer_json(question: str) -> dict[str, object]:
        """The ``chatbot ask --json`` object for one question."""
        return pipeline.ask(question).contract()

    with gr.Blocks(title="News corpus Q&A") as demo:
        gr.Markdown(
            "## Ask the corpus\nAnswers quote the sources verbatim, and every claim carries a numbered citation. "
            f"Corpus: {len(documents)} documents, {pipeline.index.manifest.passages} passages."
        )
        gr.ChatInterface(
            respond,
            chatbot=gr.Chatbot(height=560, label="Chat", sanitize_html=True),
            examples=EXAMPLES,
            api_name="ask",
            concurrency_limit=4,
        )
        gr.api(answer_json, api_name="answer")
    return demo


def serve(pipeline: Pipeline, host: str, port: int, block: bool = True) -> gr.Blocks:
    demo = build_app(pipeline)
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(server_name=host, server_port=port, css=CSS, prevent_thread_lock=not block, show_error=False)
    return demo
