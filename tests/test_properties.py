"""Property tests (Hypothesis) over the two doors strangers use: the question path and the ingest path.

Questions: ``clean_question`` and ``Pipeline.ask`` take any text without raising, and every citation
they return is a verbatim span. Files: ``load_document`` and ``intake.check_upload`` take any bytes
under any name and either accept them (with offsets that round-trip) or raise their documented
error (``UnreadableFile`` / ``Rejected``); nothing else escapes. Example counts are kept small so the
file runs in well under a minute on a laptop.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.answer import Answer
from chatbot.ingest.documents import SUFFIXES, UnreadableFile, load_document
from chatbot.ingest.intake import KINDS, MAX_NAME_BYTES, Accepted, Rejected, check_upload, safe_name
from chatbot.ingest.passages import document_passages, sentence_text
from chatbot.pipeline import MAX_QUESTION_CHARS, Pipeline, clean_question
from tests.conftest import CORPUS, PDF_PAGES, write_pdf

# No example database on disk: runs stay independent and leave nothing in the working tree.
settings.register_profile("chatbot", database=None)
settings.load_profile("chatbot")

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=400)  # surrogates included
CORPUS_WORDS = sorted(
    set(re.findall(r"[A-Za-z]{4,}", (CORPUS / "kelly-inside-the-us-china-ai-crisis.txt").read_text()))
)
CORPUS_LIKE = st.lists(st.sampled_from(CORPUS_WORDS), min_size=1, max_size=12).map(" ".join)
QUESTIONS = st.one_of(ANY_TEXT, CORPUS_LIKE, CORPUS_LIKE.map(lambda q: f"Who said {q}?"))


@given(ANY_TEXT | st.text(max_size=5000))
@settings(max_examples=300, deadline=None)
def test_clean_question_never_raises(text: str) -> None:
    cleaned, notice = clean_question(text)
    assert len(cleaned) <= MAX_QUESTION_CHARS
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e]", cleaned)
    assert bool(notice) == (
        len(cleaned) == MAX_QUESTION_CHARS and len(" ".join(text.split())) > MAX_QUESTION_CHARS
    )
    if not notice:
        assert clean_question(cleaned) == (cleaned, "")  # idempotent


@given(QUESTIONS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_ask_never_raises_and_cites_verbatim(pipeline: Pipeline, question: str) -> None:
    answer = pipeline.ask(question)
    assert isinstance(answer, Answer) and answer.answer.strip()
    numbers = {c.n for c in answer.citations}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} <= numbers | _markers_in(question)
    for c in answer.citations:
        assert _text(c.source)[c.start : c.end] == c.quote


def _markers_in(question: str) -> set[int]:
    """A marker the user typed may be echoed back in a notice; it is not a citation."""
    return {int(n) for n in re.findall(r"\[(\d+)\]", question)}


@cache
def _text(source: str) -> str:
    return Path(source).read_bytes().decode("utf-8")


# -- the ingest path ----------------------------------------------------------------------------


@cache
def _pdf() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_pdf(Path(tmp) / "p.pdf", PDF_PAGES).read_bytes()


def _mutated_pdf(edits: list[tuple[float, int]], cut: float) -> bytes:
    data = bytearray(_pdf())
    for where, byte in edits:
        data[int(where * (len(data) - 1))] = byte
    return bytes(data[: max(1, int(cut * len(data)))])


PDF_MUTANTS = st.builds(
    _mutated_pdf,
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=12),
    st.sampled_from([1.0, 1.0, 0.98, 0.6]),
)
TEXTISH = st.text(max_size=600).map(lambda t: t.encode("utf-8"))
HTMLISH = st.lists(
    st.sampled_from(
        ["<p>", "</p>", "<script>x</script>", "&amp;", "Harbour ships sailed.", " ", "\n", "<!-- c -->"]
    )
).map(lambda parts: "".join(parts).encode())
ANY_BYTES = st.one_of(st.binary(max_size=2048), TEXTISH, HTMLISH, PDF_MUTANTS)


@given(data=ANY_BYTES, suffix=st.sampled_from(SUFFIXES))
@settings(max_examples=120, deadline=None)
def test_load_document_accepts_or_explains(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            doc = load_document(path, path.name)
        except UnreadableFile as exc:
            assert str(exc).strip()
            return
    for page in doc.pages:
        assert all(0 <= s < e <= len(page.text) for s, e in page.content)
    pages = {p.number: p.text for p in doc.pages}
    for passage in document_passages(doc, 700):
        assert pages[passage.page][passage.start : passage.end] == passage.text  # offsets round-trip
        for s in passage.sentences:
            assert sentence_text(passage, s) == pages[passage.page][s.start : s.end]


NAMES = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        ["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a\x00b.txt", "\u202etxt.exe", ".."]
    ),
    st.lists(
        st.sampled_from(["..", "/", "\\", ".", "a", "é", "\u200b", "\u202e", "%2e", "ｆ", "．", "txt"])
    ).map("".join),
)


def assert_safe(name: str, kind: str) -> None:
    assert name and name == name.strip()
    assert not set(name) & {"/", "\\", "\x00", ":"}
    assert not name.startswith(".") and ".." not in name.split(".")[0:1]
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not [ch for ch in name if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")]
    assert unicodedata.normalize("NFKC", name) == name
    assert Path(name).suffix in KINDS[kind] and Path(name).name == name


@given(name=NAMES, kind=st.sampled_from(sorted(KINDS)))
@settings(max_examples=400, deadline=None)
def test_safe_name_is_always_a_plain_name(name: str, kind: str) -> None:
    assert_safe(safe_name(name, kind), kind)


@given(name=NAMES, data=ANY_BYTES)
@settings(max_examples=120, deadline=None)
def test_check_upload_accepts_or_rejects(name: str, data: bytes) -> None:
    try:
        accepted = check_upload(name, data, max_bytes=1_000_000)
    except Rejected as exc:
        assert exc.reason.strip()
        return
    assert isinstance(accepted, Accepted) and accepted.pages >= 1
    assert_safe(accepted.name, accepted.kind)
    if accepted.kind != "pdf":
        accepted.data.decode("utf-8")  # stored as UTF-8, whatever it arrived as
