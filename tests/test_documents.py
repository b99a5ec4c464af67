"""Loading: every format, metadata, furniture never indexed, bad files reported and skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatbot.ingest.documents import load_corpus, load_document, own_title
from chatbot.ingest.markup import html_text
from chatbot.ingest.passages import document_passages, split_sentences
from tests.conftest import CORPUS, FIXTURES, PDF_PAGES, write_pdf

FURNITURE = [
    "Share:XLinkedIn",
    "Embed this article",
    "iframe",
    "Get daily AI signals",
    "Join 1,000+ founders",
    "Stay Ahead",
    "14 min read",
    "0 comments",
    "No discussion yet",
    "in your inbox every morning",
    "Sign up free",
    "Get Started Free",
    "unsubscribe anytime",
    "200+ sources",
    "┌",
    "│",
    "THE AI DIALOGUE DISCONNECT",
    "https://",
    "Har trend, sabse pehle",
]


@pytest.fixture(scope="module")
def corpus_passages():
    docs, errors = load_corpus(CORPUS)
    assert errors == []
    return docs, [p for d in docs for p in document_passages(d, 700)]


def test_corpus_loads_with_metadata(corpus_passages) -> None:
    docs, _ = corpus_passages
    by_name = {d.name: d for d in docs}
    assert len(docs) == 5
    tff = by_name["tff-most-important-ai-meeting-of-2026.txt"]
    assert (tff.meta.outlet, tff.meta.author, tff.meta.date) == (
        "TechFastForward",
        "TFF Editorial",
        "2026-05-08",
    )
    assert by_name["kelly-inside-the-us-china-ai-crisis.txt"].meta.author == "Kenji Kelly"
    assert by_name["digest-beijing-ai-conference-summary.txt"].meta.date == ""  # not given, not guessed


@pytest.mark.parametrize("snippet", FURNITURE)
def test_furniture_is_never_indexed(corpus_passages, snippet: str) -> None:
    _, passages = corpus_passages
    assert not [p.source for p in passages if snippet in p.text]


def test_real_content_next_to_furniture_is_kept(corpus_passages) -> None:
    _, passages = corpus_passages
    text = " ".join(p.text for p in passages)
    for kept in ("What happened", "Whitfield Diffie", "industrial-scale", "competitive coexistence"):
        assert kept in text


def test_mini_corpus_every_format(mini_corpus: Path) -> None:
    docs, errors = load_corpus(mini_corpus)
    assert errors == []
    assert sorted(d.name for d in docs) == [
        "ferry.html",
        "harbour-report.pdf",
        "lighthouse.txt",
        "orchard.md",
    ]
    passages = {d.name: document_passages(d, 700) for d in docs}
    html = " ".join(p.text for p in passages["ferry.html"])
    assert "Captain Sorcha Nolan said bookings" in html
    assert "<" not in html and "color: red" not in html and "Sign up now" not in html
    lighthouse = " ".join(p.text for p in passages["lighthouse.txt"])
    assert "Ana Ruiz" in lighthouse and "Stay Ahead" not in lighthouse and "comments" not in lighthouse


def test_an_html_page_is_cited_as_a_reader_sees_it() -> None:
    """Inline markup and entities cut no sentence; offsets index the rendition, as a PDF's index its text."""
    doc = load_document(FIXTURES / "encyclopedia" / "ingrid-varga.html", "ingrid-varga.html")
    page = doc.pages[0]
    sentences = [page.text[s.start : s.end] for s in split_sentences(page, doc.title)]
    assert (
        "Ingrid Varga (born 14 March 1961 in Pécs, Hungary) is a Hungarian-Swedish structural engineer and "
        "former politician." in sentences
    )  # <b> and <a> inside, a line break in the markup
    assert (
        "The barrier, completed in 2003, protects about 40,000 homes from storm surges." in sentences
    )  # &nbsp;
    assert any("consulting firm Brandt & Holm," in s for s in sentences)  # &amp; decoded
    assert "| 2010 | Green Party | 47,950 | 31.0% |" in sentences  # a table row, under its header and rule
    assert "Home" not in page.text and "track" not in page.text and "<" not in page.text  # nav, script, tags
    assert doc.title == "Ingrid Varga"  # the page's <h1>, read from its markup


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One <b>bold</b>\n  claim.</p><p>Two.</p>", "One bold claim.\n\nTwo.\n"),
        ("<ul><li>first</li><li>second</li></ul>", "• first\n• second\n"),
        ("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second\n"),
        ("<p>line<br>break</p><pre>  kept\n  as is</pre>", "line\nbreak\n\n  kept\n  as is\n"),
        ("<table><tr><th>A</th><th>B</th></tr><tr><td><p>1</p></td><td> 2 </td></tr></table>",
         "| A | B |\n|---|---|\n| 1 | 2 |\n"),
        ("<table><tr><td>no</td><td>header</td></tr></table>", "| no | header |\n"),
        ("<p>Tom &amp; Jerry&nbsp;&mdash; &lt;tag&gt;</p><!-- hidden -->", "Tom & Jerry — <tag>\n"),
        ("<nav>Menu</nav><p>Text.<nav>unclosed", "Text.\n\nunclosed\n"),  # broken markup loses no text
    ],
)  # fmt: skip
def test_html_rendition(markup: str, text: str) -> None:
    assert html_text(markup) == text


def test_a_document_without_metadata_is_titled_as_it_titles_itself(mini_corpus: Path) -> None:
    docs, _ = load_corpus(mini_corpus)
    titles = {d.name: d.title for d in docs}
    assert titles["ferry.html"] == "Night ferry resumes"  # its <h1>, not its file name
    assert titles["orchard.md"] == "Orchard cooperative"  # its first "# " heading
    assert titles["lighthouse.txt"] == "The Lighthouse Keepers Return"  # the metadata's, where it gives one


@pytest.mark.parametrize(
    ("text", "suffix", "title"),
    [
        ("<html><head><title>Dam vote | Valley News</title></head><body><h1>Dam vote</h1></body>", ".html", "Dam vote"),
        ("<title>Budget &amp; rates</title><p>Text.</p>", ".htm", "Budget & rates"),
        ("Some text.\n\n# The *real* title\n\n## A section\n", ".md", "The real title"),
        ("## Only a section\n\nText.", ".md", ""),
        ('---\ndate: 2026-03-14\ntitle: "Ferry crews vote to strike"\n---\n\n## Rosters\n', ".md", "Ferry crews vote to strike"),
        ("Text.\n\n---\ntitle: not front matter\n---\n", ".md", ""),  # front matter opens the file
        ("HARBOUR BOARD MINUTES\n\nText.", ".txt", ""),  # a plain text's first line is no sure title
    ],
)  # fmt: skip
def test_own_title(text: str, suffix: str, title: str) -> None:
    assert own_title(text.encode(), suffix) == title


def test_pdf_pages_are_numbered(mini_corpus: Path) -> None:
    docs, _ = load_corpus(mini_corpus)
    pdf = next(d for d in docs if d.name == "harbour-report.pdf")
    assert [p.number for p in pdf.pages] == [1, 2]
    passages = document_passages(pdf, 700)
    auditor = next(p for p in passages if "auditor" in p.text)
    assert auditor.page == 2
    assert PDF_PAGES[1][2] in pdf.pages[1].text
    assert auditor.text == pdf.pages[1].text[auditor.start : auditor.end]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n ", "empty file"),
        ("junk.txt", b"\x00\x01\x02binary\x00", "binary content"),
        ("latin1.txt", "Caf\u00e9 au lait".encode("latin-1"), "not valid UTF-8"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", "PDF"),
    ],
)
def test_unreadable_files_are_reported_and_skipped(
    mini_corpus: Path, name: str, data: bytes, reason: str
) -> None:
    (mini_corpus / name).write_bytes(data)
    docs, errors = load_corpus(mini_corpus)
    assert len(docs) == 4  # every good file still loads
    assert [e.path.name for e in errors] == [name]
    assert reason in errors[0].reason


def test_running_heads_page_numbers_and_leader_dots_are_furniture(tmp_path: Path) -> None:
    """A printed document's furniture shows only across its pages: a line that recurs at the top or bottom
    of several pages, a bare page number, a table-of-contents line with leader dots."""
    pages = [
        [
            "The Harbour Ledger — Page 1",
            "Contents",
            "Ferries . . . . . . . . . . . 2",
            "The ferry sails at dawn.",
        ],
        ["The Harbour Ledger — Page 2", "The ferry is run by Hrafney Sound Lines.", "2"],
        ["The Harbour Ledger — Page 3", "The dredging was approved by seven votes to four.", "3"],
    ]
    doc = load_document(write_pdf(tmp_path / "ledger.pdf", pages), "ledger.pdf")
    kept = " ".join(p.text[s:e] for p in doc.pages for s, e in p.content)
    assert "Harbour Ledger" not in kept and ". . . ." not in kept
    assert "The ferry is run by Hrafney Sound Lines." in kept and "seven votes to four" in kept
    assert all(not re.fullmatch(r"\s*\d\s*", p.text[s:e]) for p in doc.pages for s, e in p.content)
