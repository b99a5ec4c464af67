"""Passages: runs of whole sentences with exact offsets into the page text; they are what retrieval ranks.

A passage never spans a furniture gap and a heading opens a new one, so a retrieved passage reads
as one piece of the article; sentences come from the one splitter in ``chatbot.text.sentences``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chatbot.ingest.documents import Document, Page
from chatbot.text.sentences import Sentence, is_question, split_segments


@dataclass
class Passage:
    source: str  # file name relative to the corpus folder
    title: str
    page: int | None
    start: int
    end: int
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    id: int = -1


def sentence_text(passage: Passage, sentence: Sentence) -> str:
    return passage.text[sentence.start - passage.start : sentence.end - passage.start]


def same_page(a: Passage, b: Passage) -> bool:
    """Two passages of one page: sentences around a quote are read only where they stand beside it."""
    return (a.source, a.page) == (b.source, b.page)


def split_sentences(page: Page, title: str = "") -> list[Sentence]:
    """All sentences of a page's content, in order; furniture gaps are never bridged."""
    return split_segments(page.text, page.content, title)


def document_passages(doc: Document, max_chars: int) -> list[Passage]:
    """Group each page's sentences into passages of at most ``max_chars`` (one long sentence may exceed it).

    A heading opens a new passage, and a passage never spans a furniture gap.
    """
    passages: list[Passage] = []
    for page in doc.pages:
        run: list[Sentence] = []
        segments = page.content

        def flush(run: list[Sentence], page: Page = page) -> None:
            # A run of headings alone is kept only on the first page: a title page's names and dates are
            # what "who wrote it?" and "when?" are answered from.
            if any(s.citable for s in run) or page is doc.pages[0]:
                start, end = run[0].start, run[-1].end
                passages.append(
                    Passage(doc.name, doc.title, page.number, start, end, page.text[start:end], run)
                )

        for sentence in split_sentences(page, doc.title):
            if run and (
                _segment(segments, run[-1].start) != _segment(segments, sentence.start)
                or (not sentence.citable and run[-1].citable and _is_heading(page.text, sentence))
                or sentence.end - run[0].start > max_chars
            ):
                flush(run)
                run = []
            run.append(sentence)
        if run:
            flush(run)
    return passages


def _is_heading(text: str, s: Sentence) -> bool:
    return not is_question(text[s.start : s.end])


def _segment(segments: list[tuple[int, int]], offset: int) -> int:
    return next(i for i, (s, e) in enumerate(segments) if s <= offset < e)
