"""The Gradio web chat. It only calls the core (``Pipeline``, ``library``, ``uploads``); the core never imports it.

Four tabs: the chat, the who-said-what table, the quote checker and the library (with uploads).
In the chat every ``[n]`` is a link: a click opens the source panel beside the chat with the cited
span highlighted in its paragraph (``/passage?view=panel``); without JavaScript the same link opens
the whole document. ``/passage`` serves only documents the index knows. ``/answer``, ``/quotes``,
``/check_quote_json`` and ``/upload`` are API endpoints for programs.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gradio as gr
from fastapi.responses import HTMLResponse

from chatbot.answer import Answer, Citation
from chatbot.backends import LABELS, available
from chatbot.ingest import uploads
from chatbot.ingest.intake import Rejected
from chatbot.library import UnknownSource, quote_rows, source_text, verify_quote
from chatbot.pipeline import Pipeline
from chatbot.store.protocol import UPLOADS, DocumentInfo

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
.verified { font-size: .85em; color: #047857; }
.standalone { font-size: .85em; color: #6b7280; margin-bottom: .3em; }
.via { font-size: .75em; color: #6b7280; text-transform: uppercase; letter-spacing: .04em; }
.flagged { background: #fee2e2; }
.sources { font-size: .92em; margin-top: .6em; }
.sources blockquote { margin: .2em 0 .6em 0; }
a.cite { font-weight: 600; text-decoration: none; cursor: pointer; }
#source-panel { border: 1px solid #e5e7eb; border-radius: 8px; padding: .8em; min-height: 200px; }
#source-panel mark { background: #fde68a; padding: 0 .1em; }
#source-panel .context { font: 15px/1.6 Georgia, serif; white-space: pre-wrap; }
"""

# A click on a citation fills the source panel instead of leaving the page.
HEAD = """<script>
document.addEventListener('click', async (event) => {
  const link = event.target.closest && event.target.closest('a.cite');
  if (!link) return;
  event.preventDefault();
  const panel = document.getElementById('source-panel');
  if (!panel) { window.open(link.href, '_blank'); return; }
  const url = new URL(link.href, window.location.href);
  url.searchParams.set('view', 'panel');
  const reply = await fetch(url);
  panel.innerHTML = await reply.text();
  const mark = panel.querySelector('mark');
  if (mark) mark.scrollIntoView({block: 'center', behavior: 'smooth'});
}, true);
</script>"""

PANEL_HINT = '<p class="hint">Click a citation such as <b>[1]</b> to see the quoted passage here.</p>'
VERDICT_COLOURS = {"exact": "#047857", "close": "#b45309", "misattributed": "#b91c1c", "stitched": "#7c3aed"}
QUOTE_COLUMNS = ["Speaker", "Role", "Kind", "Statement", "Source"]
LIBRARY_COLUMNS = ["Document", "Title", "Outlet", "Author", "Date", "Pages", "Origin"]


# -- rendering --------------------------------------------------------------------------------


def passage_link(source: str, start: int, end: int, page: int | None) -> str:
    query = {"source": source, "start": start, "end": end} | ({"page": page} if page else {})
    return "/passage?" + urlencode(query)


def credit(doc: DocumentInfo | None) -> str:
    return ", ".join(x for x in (doc.outlet, doc.author, doc.date) if x) if doc else ""


def _cite_link(c: Citation, label: str) -> str:
    href = passage_link(c.document, c.start, c.end, c.page)
    return f'<a class="cite" data-n="{c.n}" href="{html.escape(href)}" target="_blank">{label}</a>'


def literal(text: str) -> str:
    """User or corpus text shown as it is: HTML-escaped inside a block element, so the chat's Markdown
    renderer leaves it alone ("**x**" and "[1](y)" stay characters, not formatting or links)."""
    return f'<div class="literal">{html.escape(text)}</div>'


def render(answer: Answer, documents: dict[str, DocumentInfo] | None = None) -> str:
    """HTML for one reply: the answer with clickable [n] markers, then its numbered, quoted sources."""
    documents = documents or {}
    by_n = {c.n: c for c in answer.citations}
    body = html.escape(answer.answer).replace("\n", "<br>")
    body = re.sub(
        r"\[(\d+)\]", lambda m: _cite_link(by_n[int(m[1])], m[0]) if int(m[1]) in by_n else m[0], body
    )
    head = f'<div class="{"answer" if answer.answerable else "answer refusal"}">{body}</div>'
    if answer.standalone:  # a follow-up: show how it was read, so a wrong reading is visible
        head = f'<div class="standalone">Read as: “{html.escape(answer.standalone)}”</div>{head}'
    if answer.verified:
        head += f'<div class="verified">✓ {html.escape(answer.verified)}</div>'
    # Which backend wrote it: a generative backend quotes typed facts, and falls back to quotes.
    if answer.backend_used:
        by = " + ".join(LABELS.get(name, name) for name in answer.backend_used.split("+"))
        head = f'<div class="via">Answered by {html.escape(by)}</div>{head}'
    if not answer.citations:
        return head
    label = "Sources" if answer.answerable else "Closest passages"
    items = []
    for c in answer.citations:
        by = credit(documents.get(c.document))
        where = f"{c.source}, characters {c.start}–{c.end}" + (f", page {c.page}" if c.page else "")
        items.append(
            f"<p>{_cite_link(c, f'[{c.n}]')} <i>{html.escape(c.title)}</i>{' — ' + html.escape(by) if by else ''}"
            f"<br><small>{html.escape(where)}</small></p><blockquote>{html.escape(c.quote)}</blockquote>"
        )
    return f'{head}<div class="sources"><b>{label}</b>{"".join(items)}</div>'


def markdown(answer: Answer, documents: dict[str, DocumentInfo]) -> str:
    """An answer with its numbered references, ready to paste into a story draft or notes."""
    lines = [f"**Q:** {answer.question}", "", answer.answer]
    if answer.citations:
        lines += ["", "References:" if answer.answerable else "Closest passages:"]
    for c in answer.citations:
        by = credit(documents.get(c.document))
        page = f", p. {c.page}" if c.page else ""
        lines.append(
            f"{c.n}. *{c.title}*{' — ' + by if by else ''} ({c.source}{page}, chars {c.start}–{c.end}): “{c.quote}”"
        )
    return "\n".join(lines)


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


def library_table(pipeline: Pipeline) -> list[list[object]]:
    return [
        [
            d.name,
            d.title,
            d.outlet,
            d.author,
            d.date,
            d.pages,
            "upload" if d.name.startswith(UPLOADS) else "corpus",
        ]
        for d in pipeline.index.manifest.documents
    ]


def passage_page(pipeline: Pipeline, source: str, start: int, end: int, page: int | None,
                 view: str = "document") -> HTMLResponse:  # fmt: skip
    """The cited span highlighted: in its paragraph for the side panel, or in the whole document."""
    try:
        text = source_text(pipeline.index, source, page)
    except UnknownSource as exc:
        return HTMLResponse(f"<p>{html.escape(str(exc))}</p>", status_code=404)
    if not 0 <= start < end <= len(text):
        return HTMLResponse("<p>Those offsets are outside the document.</p>", status_code=400)
    doc = pipeline.index.documents[source]
    meta = " · ".join(x for x in (credit(doc), source + (f", page {page}" if page else "")) if x)
    if view == "panel":
        lo, hi = paragraph(text, start, end)
        context = (
            ("… " if text[:lo].strip() else "")
            + html.escape(text[lo:start])
            + f'<mark id="hit">{html.escape(text[start:end])}</mark>'
            + html.escape(text[end:hi])
            + (" …" if text[hi:].strip() else "")
        )
        full = passage_link(source, start, end, page)
        return HTMLResponse(
            f'<div class="panel"><h3>{html.escape(doc.title)}</h3>'
            f"<p><small>{html.escape(meta)} · characters {start}–{end}</small></p>"
            f'<div class="context">{context}</div>'
            f'<p><a href="{html.escape(full)}" target="_blank">Open the full document ↗</a></p></div>'
        )
    body = (
        html.escape(text[:start])
        + f'<mark id="hit">{html.escape(text[start:end])}</mark>'
        + html.escape(text[end:])
    )
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>{html.escape(doc.title)}</title>"
        "<style>body{font:16px/1.6 Georgia,serif;max-width:760px;margin:2em auto;padding:0 1em}"
        "pre{white-space:pre-wrap;font:inherit}mark{background:#fde68a}</style>"
        f"<h1>{html.escape(doc.title)}</h1><p><small>{html.escape(meta)}</small></p><pre>{body}</pre>"
        "<script>document.getElementById('hit').scrollIntoView({block:'center'})</script>"
    )


def paragraph(text: str, start: int, end: int, reach: int = 600) -> tuple[int, int]:
    """The paragraph around a span (blank-line or newline bounded), at most ``reach`` characters each side."""
    lo = max(text.rfind("\n", 0, start) + 1, start - reach)
    hi_nl = text.find("\n", end)
    hi = min(len(text) if hi_nl < 0 else hi_nl, end + reach)
    if lo > 0 and text[lo - 1] != "\n":  # cut at a sentence or word start, never mid-word
        lo = next((i for i in range(lo, start) if text[i - 1] in ".!?" and text[i] == " "), lo)
        lo = text.find(" ", lo, start) + 1 or lo
    if hi < len(text) and text[hi] != "\n":
        hi = max(text.rfind(" ", end, hi), end)
    return lo, hi


# -- the app ----------------------------------------------------------------------------------


def _history(turns: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(t["question"], t["answer"]) for t in turns]


def _messages(turns: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for t in turns:
        out += [
            {"role": "user", "content": literal(t["question"])},
            {"role": "assistant", "content": t["html"]},
        ]
    return out


def gradio_progress(bar: gr.Progress) -> Callable[[str, int], Callable[[int], None]]:
    """Our progress protocol (a stage with a total, then ticks) on a Gradio progress bar."""

    def stage(label: str, total: int) -> Callable[[int], None]:
        done = [0]
        bar((0, max(total, 1)), desc=label)

        def tick(n: int) -> None:
            done[0] += n
            bar((done[0], max(total, 1)), desc=label)

        return tick

    return stage


def build_app(pipeline: Pipeline) -> gr.Blocks:
    def documents() -> dict[str, DocumentInfo]:
        return pipeline.index.documents

    backends = available(pipeline.settings)

    def respond(message: str, turns: list[dict[str, str]] | None, backend: str) -> Iterator[tuple[Any, ...]]:
        turns = list(turns or [])
        question = literal(message)
        messages = _messages(turns) + [
            {"role": "user", "content": question},
            {"role": "assistant", "content": "…"},
        ]
        yield messages, turns, "", gr.update()
        answer = None
        try:
            for answer in pipeline.stream(message, _history(turns), backend or None):
                messages[-1]["content"] = render(answer, documents())
                yield messages, turns, "", gr.update()
        except Exception as exc:  # the user gets a readable message; the log gets the trace
            log.exception("answering failed")
            messages[-1]["content"] = (
                f'<div class="refusal">Sorry, something went wrong while answering: {html.escape(str(exc))}</div>'
            )
            yield messages, turns, "", gr.update()
            return
        if answer is not None:
            turns.append({"question": message, "answer": answer.answer, "html": messages[-1]["content"],
                          "markdown": markdown(answer, documents())})  # fmt: skip
        yield messages, turns, "", turns[-1]["markdown"] if turns else ""

    def answer_json(question: str, backend: str = "") -> dict[str, object]:
        """The ``chatbot ask --json`` object for one question."""
        return pipeline.ask(question, backend=backend or None).contract()

    def check(text: str, speaker: str) -> str:
        if not text.strip():
            return "<p>Paste a quotation, a paraphrase or a claim to check.</p>"
        return render_verdict(verify_quote(pipeline.index, text, speaker or None))

    def check_json(text: str, speaker: str) -> dict[str, object]:
        return asdict(verify_quote(pipeline.index, text, speaker or None))

    def quotes_json(speaker: str) -> list[dict[str, object]]:
        return [r.__dict__ for r in quote_rows(pipeline.index, speaker or None)]

    def upload(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008 (Gradio injects it)
        """Validate and store each file, then index the new text; one bad file never stops the others."""
        lines = []
        stored = 0
        for f in files or []:
            name = Path(f).name
            try:
                kept = uploads.add(pipeline.settings, Path(f))
                lines.append(f"✓ **{name}** stored as `{kept.name}` ({kept.kind}, {kept.pages} page(s))")
                stored += 1
            except Rejected as exc:
                lines.append(f"✗ **{name}**: {exc}")
        if stored:
            try:
                pipeline.refresh(gradio_progress(progress))
            except Exception as exc:  # the files are kept; the next refresh picks them up
                log.exception("indexing uploads failed")
                lines.append(
                    f"✗ Indexing failed ({exc}); the files are kept and will be indexed on the next start."
                )
                return "\n\n".join(lines), library_table(pipeline), _removable()
            lines.append(
                f"Indexed: the corpus now has {len(documents())} documents, {pipeline.index.manifest.passages} passages."
            )
        return "\n\n".join(lines) or "Choose files to upload.", library_table(pipeline), _removable()

    def remove(name: str | None) -> tuple[str, Any, Any]:
        if not name:
            return "Choose an uploaded document to remove.", library_table(pipeline), _removable()
        try:
            uploads.remove(pipeline.settings, name)
            pipeline.refresh()
            message = f"Removed **{name}**; it is no longer indexed."
        except Rejected as exc:
            message = f"✗ {exc}"
        return message, library_table(pipeline), _removable()

    def _removable() -> Any:
        names = [n for n in documents() if n.startswith(UPLOADS)]
        return gr.update(choices=names, value=None)

    def restore(turns: list[dict[str, str]] | None) -> tuple[Any, ...]:
        return _messages(list(turns or [])), (turns or [])[-1]["markdown"] if turns else ""

    with gr.Blocks(title="News corpus Q&A") as demo:
        turns = gr.BrowserState([], storage_key="news-qa-chat")
        gr.Markdown(
            "## Ask the corpus\nAnswers quote the sources verbatim; every claim carries a numbered citation. "
            "Click a citation to see the passage."
        )
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(height=520, label="Chat", elem_id="chat", sanitize_html=True)
                    with gr.Row():
                        box = gr.Textbox(
                            placeholder="Ask about the corpus, e.g. who said what, when, how many…",
                            show_label=False, scale=5, elem_id="question", autofocus=True,
                        )  # fmt: skip
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="send")
                    with gr.Row():
                        backend = gr.Dropdown(
                            [(LABELS[b], b) for b in backends], value=pipeline.settings.backend
                            if pipeline.settings.backend in backends else backends[0],
                            label="Answer with", scale=2, elem_id="backend",
                        )  # fmt: skip
                        copy = gr.Button("Copy as Markdown", scale=1, elem_id="copy")
                        clear = gr.Button("Clear chat", scale=1, elem_id="clear")
                    gr.Examples(EXAMPLES, inputs=box, label="Try")
                    with gr.Accordion("Last answer as Markdown", open=False):
                        md = gr.Textbox(show_label=False, lines=6, elem_id="markdown", interactive=False)
                with gr.Column(scale=2):
                    gr.Markdown("### Source")
                    gr.HTML(PANEL_HINT, elem_id="source-panel")
            outputs = [chat, turns, box, md]
            box.submit(respond, [box, turns, backend], outputs, api_visibility="private")
            send.click(respond, [box, turns, backend], outputs, api_visibility="private")
            clear.click(lambda: ([], [], ""), None, [chat, turns, md], api_visibility="private")
            copy.click(
                None, md, None, js="(text) => { navigator.clipboard && navigator.clipboard.writeText(text); }"
            )
        with gr.Tab("Who said what"):
            needle = gr.Textbox(label="Filter", placeholder="a speaker, a role or a word of the statement")
            table = gr.Dataframe(
                value=lambda: quote_table(pipeline),
                headers=QUOTE_COLUMNS,
                datatype=["str", "str", "str", "str", "markdown"],
                interactive=False,
                wrap=True,
                column_widths=["14%", "16%", "9%", "45%", "16%"],
                elem_id="quotes",
            )
            needle.change(lambda n: quote_table(pipeline, n), needle, table, api_visibility="private")
        with gr.Tab("Check a quote"):
            quote = gr.Textbox(label="Quotation, paraphrase or claim", lines=3)
            speaker = gr.Textbox(label="Attributed to (optional)")
            button = gr.Button("Check", variant="primary")
            verdict = gr.HTML()
            button.click(check, [quote, speaker], verdict, api_name="check_quote")
        with gr.Tab("Library"):
            docs = gr.Dataframe(value=lambda: library_table(pipeline), headers=LIBRARY_COLUMNS,
                                interactive=False, wrap=True, elem_id="library")  # fmt: skip
            limit = pipeline.settings.max_upload_mb
            files = gr.File(
                label=f"Add documents: .pdf, .txt, .md or .html, up to {limit} MB each",
                file_count="multiple", file_types=[".pdf", ".txt", ".md", ".html", ".htm"], elem_id="upload",
            )  # fmt: skip
            status = gr.Markdown(elem_id="upload-status")
            with gr.Row():
                gone = gr.Dropdown([], label="Uploaded document", scale=3, elem_id="remove-choice")
                drop = gr.Button("Remove", scale=1, elem_id="remove")
            files.upload(upload, files, [status, docs, gone], api_name="upload")
            drop.click(remove, gone, [status, docs, gone], api_name="remove_upload")
            demo.load(_removable, None, gone, api_visibility="private")
        demo.load(restore, turns, [chat, md], api_visibility="private")
        gr.api(answer_json, api_name="answer")
        gr.api(check_json, api_name="check_quote_json")
        gr.api(quotes_json, api_name="quotes")
    return demo


def serve(pipeline: Pipeline, host: str, port: int, block: bool = True) -> gr.Blocks:
    demo = build_app(pipeline)
    demo.queue(default_concurrency_limit=4, max_size=64)
    limit = f"{pipeline.settings.max_upload_mb}mb"
    app, _, _ = demo.launch(
        server_name=host,
        server_port=port,
        css=CSS,
        head=HEAD,
        prevent_thread_lock=True,
        show_error=False,
        quiet=not block,
        max_file_size=limit,
    )

    def passage(
        source: str, start: int, end: int, page: int | None = None, view: str = "document"
    ) -> HTMLResponse:
        return passage_page(pipeline, source, start, end, page, view)

    app.add_api_route("/passage", passage, methods=["GET"])
    if block:
        demo.block_thread()
    return demo
