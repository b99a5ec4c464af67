"""The quote checker: is this quotation in the corpus, word for word, and is it the right person's?

A reporter pasting a quote wants one of five answers: it is there verbatim (``exact``); it is
there with a few words changed (``close``, with a word diff); it is there but someone else said
it (``misattributed``); it is made of real fragments that the corpus never puts together
(``stitched``); or it is not there (``not_found``).

Matching works on normalised text (case, whitespace and curly-versus-straight quotes ignored)
but every answer points back to exact offsets in the original page text. The corpus index is a
word-position table, so a query costs one pass over the candidate positions, not a scan of all
alignments; the edit-distance alignment only runs on small windows around shared word pairs.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from chatbot.grounding.attribution import Attribution, speakers_match
from chatbot.ingest.documents import Document, Page
from chatbot.text.normalise import fold_with_offsets, fold_word, word_spans

# Word for word; within a few word edits; right words, wrong speaker; pieces from several places; nowhere.
Verdict = Literal["exact", "close", "misattributed", "stitched", "not_found"]


@dataclass(frozen=True)
class QuoteVerdict:
    verdict: Verdict
    text: str  # the input
    speaker: str | None  # the speaker the user gave
    actual_speaker: str | None
    source: str | None  # file name of the best match
    start: int | None
    end: int | None
    page: int | None
    matched: str | None  # the verbatim corpus text matched
    diff: list[tuple[str, str]] = field(default_factory=list)  # ("=", w) / ("-", corpus w) / ("+", user w)
    fragments: list[dict[str, object]] = field(default_factory=list)  # stitched: text, source, start, end
    explanation: str = ""


MAX_EDITS = 3  # a "close" quote differs by at most this many word edits
MIN_FRAGMENT = 4  # words in a stitched fragment: shorter runs are common phrases, not evidence
SEARCH_WINDOWS = 12  # candidate regions aligned per query

_EDGE_RE = re.compile(r"^[\s\"“”'‘’«»]+|[\s\"“”'‘’«»]+$")


# --- the corpus index -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class _PageIndex:
    doc: Document
    page: Page
    norm: str  # the normalised page text, for verbatim search
    offsets: tuple[int, ...]  # normalised index → offset in page.text
    words: tuple[_Word, ...]


@dataclass(frozen=True)
class _Hit:
    """A span of words in one page: words [first, last) of ``pages[page]``."""

    page: int
    first: int
    last: int


class _CorpusIndex:
    """Normalised page texts and a word-position table, built once per corpus."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.pages: list[_PageIndex] = []
        self.positions: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc in docs:
            for page in doc.pages:
                norm, offsets = fold_with_offsets(page.text)
                words = tuple(_Word(fold_word(m.group()), m.start(), m.end()) for m in word_spans(page.text))
                p = len(self.pages)
                self.pages.append(_PageIndex(doc, page, norm, offsets, words))
                for i, w in enumerate(words):
                    self.positions[w.norm].append((p, i))

    def span(self, hit: _Hit) -> tuple[int, int]:
        words = self.pages[hit.page].words
        return words[hit.first].start, words[hit.last - 1].end

    def text(self, hit: _Hit) -> str:
        start, end = self.span(hit)
        return self.pages[hit.page].page.text[start:end]


_CACHE: OrderedDict[tuple[tuple[str, str, int], ...], _CorpusIndex] = OrderedDict()


def _index(docs: Sequence[Document]) -> _CorpusIndex:
    """The index for a corpus, reused while the same documents are checked against (a small LRU)."""
    key = tuple((d.name, d.sha256, id(d)) for d in docs)
    if key not in _CACHE:
        _CACHE[key] = _CorpusIndex(docs)
        while len(_CACHE) > 4:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def _query_words(text: str) -> list[str]:
    return [m.group() for m in word_spans(text)]


# --- finding the words ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Occurrence:
    page: int
    start: int
    end: int


def _verbatim(index: _CorpusIndex, query: str) -> list[_Occurrence]:
    """Every verbatim occurrence (normalised), starting and ending on word boundaries."""
    needle, _ = fold_with_offsets(query)
    out: list[_Occurrence] = []
    if not needle:
        return out
    for p, page in enumerate(index.pages):
        at = page.norm.find(needle)
        while at >= 0:
            start, end = page.offsets[at], page.offsets[at + len(needle) - 1] + 1
            if _on_word_boundaries(page.page.text, start, end):
                out.append(_Occurrence(p, start, end))
            at = page.norm.find(needle, at + 1)
    return out


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    inner_left, inner_right = text[start].isalnum(), text[end - 1].isalnum()
    left_ok = start == 0 or not (inner_left and text[start - 1].isalnum())
    right_ok = end == len(text) or not (inner_right and text[end].isalnum())
    return left_ok and right_ok


@dataclass(frozen=True)
class _Alignment:
    hit: _Hit
    edits: int
    ops: tuple[tuple[str, int, int], ...]  # (op, query word index, corpus word index); -1 where absent


def _candidate_windows(index: _CorpusIndex, words: Sequence[str]) -> list[_Hit]:
    """Regions where the query's word pairs line up on the same diagonal: where an alignment can be close."""
    votes: dict[tuple[int, int], int] = defaultdict(int)
    for i in range(len(words) - 1):
        for p, j in index.positions.get(words[i], ()):
            page_words = index.pages[p].words
            if j + 1 < len(page_words) and page_words[j + 1].norm == words[i + 1]:
                votes[(p, j - i)] += 1
    clusters: list[tuple[int, int, int, int]] = []  # votes, page, low diagonal, high diagonal
    for (p, d), v in sorted(votes.items()):
        if clusters and clusters[-1][1] == p and d - clusters[-1][3] <= MAX_EDITS + 1:
            c = clusters[-1]
            clusters[-1] = (c[0] + v, p, c[2], d)
        else:
            clusters.append((v, p, d, d))
    clusters.sort(key=lambda c: -c[0])
    n = len(words)
    out = []
    for _, p, low, high in clusters[:SEARCH_WINDOWS]:
        size = len(index.pages[p].words)
        out.append(_Hit(p, max(0, low - MAX_EDITS), min(size, high + n + MAX_EDITS)))
    return out


def _align(query: Sequence[str], window: Sequence[str]) -> tuple[int, int, int, list[tuple[str, int, int]]]:
    """Word-level edit distance of the query against its best-matching stretch of the window.

    Semi-global: the corpus stretch may start and end anywhere in the window for free.
    Returns (edits, first corpus word, end corpus word, ops).
    """
    n, m = len(query), len(window)
    rows = [[0] * (m + 1)]
    for i in range(1, n + 1):
        prev, cur = rows[-1], [i] + [0] * m
        for j in range(1, m + 1):
            cur[j] = min(prev[j - 1] + (query[i - 1] != window[j - 1]), prev[j] + 1, cur[j - 1] + 1)
        rows.append(cur)
    end = min(range(m + 1), key=lambda j: (rows[n][j], -j))
    ops: list[tuple[str, int, int]] = []
    i, j = n, end
    while i > 0:
        if j > 0 and rows[i][j] == rows[i - 1][j - 1] + (query[i - 1] != window[j - 1]):
            same = query[i - 1] == window[j - 1]
            ops += [("=", i - 1, j - 1)] if same else [("+", i - 1, -1), ("-", -1, j - 1)]
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + 1:
            ops.append(("+", i - 1, -1))
            i -= 1
        else:
            ops.append(("-", -1, j - 1))
            j -= 1
    ops.reverse()
    return rows[n][end], j, end, ops


def _best_alignment(index: _CorpusIndex, words: Sequence[str]) -> _Alignment | None:
    best: _Alignment | None = None
    for window in _candidate_windows(index, words):
        page_words = index.pages[window.page].words[window.first : window.last]
        edits, first, last, ops = _align(words, [w.norm for w in page_words])
        if first >= last:
            continue
        hit = _Hit(window.page, window.first + first, window.first + last)
        shifted = tuple((op, q, c + window.first if c >= 0 else -1) for op, q, c in ops)
        if best is None or edits < best.edits:
            best = _Alignment(hit, edits, shifted)
    return best


def _is_close(alignment: _Alignment, n: int) -> bool:
    """A few edits, and enough shared words that the match is not a common phrase with a swapped word."""
    same = sum(1 for op, _, _ in alignment.ops if op == "=")
    return alignment.edits <= min(MAX_EDITS, max(1, n // 3)) and same >= max(4, (3 * n + 4) // 5)


def _longest_runs(index: _CorpusIndex, words: Sequence[str]) -> list[_Hit | None]:
    """For each query word, the longest verbatim corpus run starting there (None if the word is absent)."""
    runs: list[_Hit | None] = []
    for i, w in enumerate(words):
        best: _Hit | None = None
        for p, j in index.positions.get(w, ()):
            page_words = index.pages[p].words
            k = 1
            while i + k < len(words) and j + k < len(page_words) and page_words[j + k].norm == words[i + k]:
                k += 1
            if best is None or k > best.last - best.first:
                best = _Hit(p, j, j + k)
        runs.append(best)
    return runs


def _stitch(index: _CorpusIndex, words: Sequence[str]) -> list[_Hit] | None:
    """The fewest verbatim fragments (of MIN_FRAGMENT+ words) that make up the query, or None."""
    runs = _longest_runs(index, words)
    n = len(words)
    best: list[tuple[int, int, int]] = [(0, 0, 0)] * (n + 1)  # (uncovered, fragments, step) from i
    for i in range(n - 1, -1, -1):
        options = [(best[i + 1][0] + 1, best[i + 1][1], 1)]
        run = runs[i]
        length = run.last - run.first if run else 0
        options += [(best[i + k][0], best[i + k][1] + 1, -k) for k in range(MIN_FRAGMENT, length + 1)]
        best[i] = min(options)
    fragments: list[_Hit] = []
    i = 0
    while i < n:
        step = best[i][2]
        if step < 0:
            run = runs[i]
            assert run is not None
            fragments.append(_Hit(run.page, run.first, run.first - step))
        i += abs(step)
    uncovered = best[0][0]
    if len(fragments) < 2 or uncovered > n // 10:
        return None
    return fragments


# --- whose words ----------------------------------------------------------------------------------------


def _overlapping(
    attributions: Sequence[Attribution], doc: Document, page: Page, start: int, end: int
) -> list[Attribution]:
    """Attributions covering a span, the most overlapping first."""
    hits = [
        a
        for a in attributions
        if a.source == doc.name and a.page == page.number and min(a.end, end) - max(a.start, start) > 0
    ]
    return sorted(hits, key=lambda a: -(min(a.end, end) - max(a.start, start)))


def _speaker_ok(given: str, attribution: Attribution) -> bool:
    """The given name is the speaker, a shorter form of it, or the institution in the speaker's role."""
    if speakers_match(given, attribution.speaker):
        return True
    role_words = set(re.findall(r"\w+", attribution.role.lower()))
    given_words = set(re.findall(r"\w+", given.lower())) - {"the"}
    return len(given_words) >= 2 and given_words <= role_words


@dataclass(frozen=True)
class _Located:
    page: _PageIndex
    start: int
    end: int
    attributions: tuple[Attribution, ...]

    @property
    def actual(self) -> str | None:
        """Whose words these are: the attribution's speaker, else the article's author (or unknown)."""
        if self.attributions:
            return self.attributions[0].speaker
        return self.page.doc.meta.author or None

    def speaker_ok(self, given: str) -> bool:
        if self.attributions:
            return any(_speaker_ok(given, a) for a in self.attributions)
        author = self.page.doc.meta.author
        return bool(author) and speakers_match(given, author)


def _locate(
    index: _CorpusIndex, attributions: Sequence[Attribution], page: int, start: int, end: int
) -> _Located:
    p = index.pages[page]
    return _Located(p, start, end, tuple(_overlapping(attributions, p.doc, p.page, start, end)))


def _prefer(candidates: Sequence[_Located], speaker: str | None) -> _Located:
    """Of several occurrences: one by the given speaker, else an attributed one, else the first."""
    if speaker:
        for c in candidates:
            if c.attributions and c.speaker_ok(speaker):
                return c
    return next((c for c in candidates if c.attributions), candidates[0])


# --- verdicts -------------------------------------------------------------------------------------------


def check_quote(
    text: str, speaker: str | None, docs: Sequence[Document], attributions: Sequence[Attribution]
) -> QuoteVerdict:
    """Check a quotation (and optionally its speaker) against the corpus."""
    index = _index(docs)
    query = _EDGE_RE.sub("", text)
    speaker = speaker.strip() if speaker and speaker.strip() else None
    occurrences = _verbatim(index, query) if query else []
    if occurrences:
        located = [_locate(index, attributions, o.page, o.start, o.end) for o in occurrences]
        return _found_verdict(text, speaker, _prefer(located, speaker), [], 0)
    words = [fold_word(w) for w in _query_words(query)]
    if not words:
        return _not_found(text, speaker)
    alignment = _best_alignment(index, words) if len(words) >= 2 else None
    if alignment is not None and _is_close(alignment, len(words)):
        start, end = index.span(alignment.hit)
        located_one = _locate(index, attributions, alignment.hit.page, start, end)
        diff = _diff(index, alignment, _query_words(query))
        return _found_verdict(text, speaker, located_one, diff, alignment.edits)
    fragments = _stitch(index, words)
    if fragments is not None:
        return _stitched(text, speaker, index, attributions, fragments)
    return _not_found(text, speaker)


def _diff(index: _CorpusIndex, alignment: _Alignment, user_words: Sequence[str]) -> list[tuple[str, str]]:
    page = index.pages[alignment.hit.page]
    out = []
    for op, q, c in alignment.ops:
        if op == "+":
            out.append(("+", user_words[q]))
        else:
            w = page.words[c]
            out.append((op, page.page.text[w.start : w.end]))
    return out


def _found_verdict(
    text: str, speaker: str | None, loc: _Located, diff: list[tuple[str, str]], edits: int
) -> QuoteVerdict:
    """exact, close or misattributed, once the words have been found (verbatim or nearly)."""
    source = loc.page.doc.name
    actual = loc.actual
    whose = f"attributed to {actual}" if loc.attributions else "in the article's own voice"
    verdict: Verdict
    if speaker and not loc.speaker_ok(speaker):
        verdict = "misattributed"
        if loc.attributions:
            why = f"The words are in {source}, but the corpus attributes them to {actual}, not {speaker}"
        else:
            by = f" (by {actual})" if actual else ""
            why = f"The words are in {source}{by} as the article's own text, not attributed to {speaker}"
        if edits:
            why += f", and the wording differs by {edits} word edit{'s' if edits > 1 else ''}"
    elif edits:
        verdict, why = "close", f"Close to {source} ({whose}) but not verbatim: {_describe(diff)}"
    else:
        punctuation = " (punctuation aside)" if diff else ""
        verdict, why = "exact", f"Verbatim{punctuation} in {source}, {whose}"
    return QuoteVerdict(
        verdict=verdict,
        text=text,
        speaker=speaker,
        actual_speaker=actual,
        source=source,
        start=loc.start,
        end=loc.end,
        page=loc.page.page.number,
        matched=loc.page.page.text[loc.start : loc.end],
        diff=diff if edits else [],
        explanation=why + ".",
    )


def _describe(diff: Sequence[tuple[str, str]]) -> str:
    removed = [w for op, w in diff if op == "-"]
    added = [w for op, w in diff if op == "+"]
    parts = []
    if removed:
        parts.append("the corpus has " + ", ".join(f"'{w}'" for w in removed))
    if added:
        parts.append("the quote has " + ", ".join(f"'{w}'" for w in added))
    return " where ".join(parts) if removed and added else parts[0] if parts else "punctuation differs"


def _stitched(
    text: str,
    speaker: str | None,
    index: _CorpusIndex,
    attributions: Sequence[Attribution],
    fragments: Sequence[_Hit],
) -> QuoteVerdict:
    records: list[dict[str, object]] = []
    speakers: set[str | None] = set()
    sources = set()
    for hit in fragments:
        start, end = index.span(hit)
        loc = _locate(index, attributions, hit.page, start, end)
        page = index.pages[hit.page]
        records.append(
            {
                "text": page.page.text[start:end],
                "source": page.doc.name,
                "start": start,
                "end": end,
                "page": page.page.number,
            }
        )
        speakers.add(loc.attributions[0].speaker if loc.attributions else None)
        sources.add(page.doc.name)
    actual = next(iter(speakers)) if len(speakers) == 1 else None
    source = next(iter(sources)) if len(sources) == 1 else None
    where = source or f"{len(sources)} different articles"
    why = f"Stitched: {len(fragments)} real fragments from {where} that the corpus never puts together."
    return QuoteVerdict("stitched", text, speaker, actual, source, None, None, None, None, [], records, why)


def _not_found(text: str, speaker: str | None) -> QuoteVerdict:
    why = "Not found: no passage in the corpus matches these words, verbatim or with a few words changed."
    return QuoteVerdict("not_found", text, speaker, None, None, None, None, None, None, [], [], why)
