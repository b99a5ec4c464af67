"""Answers from the real model and index, in both stores (files and PostgreSQL): verbatim citations, leads,
refusals, and the LangChain retriever."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.answer import Answer
from chatbot.backends.decisions import (
    QUESTION_FEATURES,
    Candidate,
    Question,
    annotations_of,
    asking_heading,
    question_features,
)
from chatbot.backends.extractive import (
    NOT_SAID,
    REFUSAL,
    ExtractiveBackend,
    completed,
    continued,
    reasoned,
    with_setting,
)
from chatbot.backends.front_matter import naming_words
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings
from chatbot.store.protocol import Store
from tests.conftest import assert_verbatim

ANSWERED = [
    ("Who said AI doesn't need a Chernobyl moment?", "Casper", "trendkia"),
    ("Who leads the US side of the AI talks?", "Bessant", "tff"),
    ("When is the Trump-Xi summit in Beijing?", "May 14", "tff"),
    ("How many parameters does DeepSeek V4-Flash activate per token?", "13 billion", "tff"),
    ("Who organized the Beijing AI conference?", "Beijing Academy of Artificial Intelligence", "trendkia"),
    (
        "Which Chinese foreign ministry spokesperson confirmed the new round of dialogue?",
        "Guo Jiakun",
        "kelly",
    ),
    ("What is the biggest obstacle to deeper cooperation?", "broader technology rivalry", "analysis"),
]

REFUSED = [
    "What did Emmanuel Macron say about the summit?",
    "What is the capital of France?",
    "How many goals did Real Madrid score last season?",
]


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("Who designed the Brannock ferry terminal?", "Brannock"),
        ("Who founded Anthropik?", "Anthropik"),  # a misspelt name: the reason says what to put right
        ("Did Kenji Kelly meet Ambassador Vantorre?", "Ambassador Vantorre"),  # only the name it lacks
    ],
)
def test_a_question_about_names_the_corpus_never_uses_is_refused_saying_so(
    any_pipeline: Pipeline, question: str, unknown: str
) -> None:
    answer = any_pipeline.ask(question)
    assert not answer.answerable
    assert f"never mentions “{unknown}”" in answer.answer, answer.answer


@pytest.mark.parametrize(("question", "fact", "source"), ANSWERED)
def test_answers_quote_the_evidence(any_pipeline: Pipeline, question: str, fact: str, source: str) -> None:
    answer = any_pipeline.ask(question)
    assert answer.answerable, answer.answer
    assert fact.lower() in answer.answer.lower()
    assert answer.citations and Path(answer.citations[0].source).name.startswith(source)
    assert_verbatim(answer)


def test_who_question_leads_with_the_name(any_pipeline: Pipeline) -> None:
    first = any_pipeline.ask("Who leads the US side of the AI talks?").answer.splitlines()[0]
    assert "Bessant" in first and first.rstrip(".").endswith("[1]")


@pytest.mark.parametrize("question", REFUSED)
def test_refuses_what_the_corpus_does_not_say(any_pipeline: Pipeline, question: str) -> None:
    answer = any_pipeline.ask(question)
    assert not answer.answerable
    assert answer.answer.startswith(REFUSAL)
    assert answer.citations, "a refusal still shows the closest passages"
    assert_verbatim(answer)


@pytest.mark.parametrize("question", ["", "   ", "\x00\x07"])
def test_empty_questions_get_a_prompt_not_a_crash(any_pipeline: Pipeline, question: str) -> None:
    answer = any_pipeline.ask(question)
    assert not answer.answerable and "type a question" in answer.answer


def test_long_questions_are_cut_with_notice(any_pipeline: Pipeline) -> None:
    answer = any_pipeline.ask("Who said AI doesn't need a Chernobyl moment? " * 200)
    assert "cut to its first" in answer.answer


def test_retriever_is_a_langchain_retriever(any_pipeline: Pipeline) -> None:
    from langchain_core.retrievers import BaseRetriever

    assert isinstance(any_pipeline.state.retriever, BaseRetriever)
    docs = any_pipeline.state.retriever.invoke("Huawei Ascend chips")
    assert len(docs) == any_pipeline.settings.k
    top = docs[0]
    assert "Huawei" in top.page_content
    assert {"source", "start", "end", "page", "score"} <= set(top.metadata)


def test_pdf_answers_cite_their_page(mini_corpus: Path, tmp_path: Path) -> None:
    pipe = Pipeline(Settings(corpus_dir=mini_corpus, index_dir=tmp_path / "index"))
    answer = pipe.ask("What did the auditor find about the dredging contract?")
    assert answer.answerable
    cited = answer.citations[0]
    assert (Path(cited.source).name, cited.page) == ("harbour-report.pdf", 2)
    from pypdf import PdfReader

    page_text = PdfReader(cited.source).pages[cited.page - 1].extract_text()
    assert page_text[cited.start : cited.end] == cited.quote


@pytest.mark.parametrize(
    ("question", "wrong", "real"),
    [
        ("Why did Lin Yun say that AI doesn't need a Chernobyl moment?", "Lin Yun", "Stephen Casper"),
        (
            "Why does Andrew Barto expect attackers to hold the upper hand in the near term?",
            "Andrew Barto",
            "Lin Yun",
        ),
    ],
)
def test_misattributions_are_corrected_naming_the_real_speaker(
    any_pipeline: Pipeline, question: str, wrong: str, real: str
) -> None:
    answer = any_pipeline.ask(question)
    assert answer.answerable
    first, second = answer.answer.splitlines()[:2]
    assert first == f"The corpus does not report {wrong} saying this."
    assert second.startswith(f"{real} said it [1]")
    assert real in " ".join(c.quote for c in answer.citations)  # the name itself is cited, not asserted
    assert_verbatim(answer)


def test_what_someone_said_is_answered_from_their_own_statements(any_pipeline: Pipeline) -> None:
    answer = any_pipeline.ask("What did Lin Yun say about open models?")
    assert answer.answerable
    assert "certify that open models" in answer.citations[0].quote
    assert_verbatim(answer)


def test_a_sentence_the_model_is_near_sure_of_is_quoted_beside_a_surer_one(any_pipeline: Pipeline) -> None:
    # Lin Yun's introduction is the best match and near certain; the sentence that answers is near certain
    # too, and by odds alone the first shut it out (``Settings.keep_probability``)
    answer = any_pipeline.ask("According to Lin Yun, what is the key to sharing on AI security?")
    assert answer.answerable
    assert any("reduce systemic risk" in c.quote for c in answer.citations)
    assert_verbatim(answer)


@pytest.mark.parametrize(
    "question",
    [
        "What did Whitfield Diffie say about cryptography and AI?",
        "What remarks did Whitfield Diffie make about cryptography and AI?",  # a speech noun, a light verb
        "Which study did Whitfield Diffie cite on cryptography?",
    ],
)
def test_a_known_person_with_no_statements_is_not_quoted(any_pipeline: Pipeline, question: str) -> None:
    answer = any_pipeline.ask(question)
    assert not answer.answerable
    assert "attributes no statement to Whitfield Diffie" in answer.answer


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Who is Guo Jiakun?", "Chinese Foreign Ministry spokesperson"),
        ("What is Lin Yun's role?", "a professor at Shanghai Jia Tong University"),
    ],
)
def test_role_questions_give_the_role_the_text_gives(
    any_pipeline: Pipeline, question: str, role: str
) -> None:
    answer = any_pipeline.ask(question)
    assert answer.answerable and role in answer.answer.splitlines()[0]
    assert role in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("When was the TechFastForward article published?", "Friday, May 8, 2026 [1]"),  # its dateline
        ("Who wrote the TechFastForward article?", "TFF Editorial [1]"),  # its byline
        ("Who wrote the TrendKia piece on the Beijing AI conference?", None),  # it names no author
        ("Who wrote the analysis?", None),  # the one document whose name calls it an analysis
    ],
)
def test_a_document_is_dated_and_credited_by_its_own_front_matter(
    any_pipeline: Pipeline, question: str, lead: str | None
) -> None:
    assert_front_matter(any_pipeline.ask(question), lead)


def assert_front_matter(answer: Answer, lead: str | None) -> None:
    """The fact leads, cited verbatim; with no lead expected, the document is said not to name its author, and
    its own first sentences are shown, not other documents' best matches."""
    if lead is None:
        assert not answer.answerable and "does not say who wrote it" in answer.answer
        assert answer.citations and len({c.source for c in answer.citations}) == 1
    else:
        assert answer.answer.splitlines()[0] == lead
        assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("Summarise the TrendKia article.", "corpus/trendkia-inside-beijings-ai-summit.txt"),
        (
            "What is the main point of the Kenji Kelly piece?",
            "corpus/kelly-inside-the-us-china-ai-crisis.txt",
        ),
        (
            "Give me an overview of the analysis.",
            "corpus/analysis-beijing-summit-competitive-coexistence.txt",
        ),
    ],
)
def test_a_summary_of_a_named_document_quotes_its_central_sentences_in_order(
    any_pipeline: Pipeline, question: str, document: str
) -> None:
    answer = any_pipeline.ask(question)
    assert answer.answerable and len(answer.citations) >= 3
    assert {c.source for c in answer.citations} == {document}
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)  # read as the document runs
    assert_verbatim(answer)


def test_a_summary_of_what_a_document_says_on_a_topic_quotes_the_topic(any_pipeline: Pipeline) -> None:
    answer = any_pipeline.ask("Summarise what Kenji Kelly says about the Geneva talks.")
    assert "Geneva" in answer.citations[0].quote


MINUTES = """Harbour Board minutes

Thursday, 14 March 2024

The board met at noon to discuss the dredging of the channel. The 1987 report on the dredging, written
by the harbour engineer, warned that the channel would silt up within ten years. Members voted to
commission a new survey before the summer.
"""


@pytest.mark.parametrize(
    ("question", "first_line"),
    [
        ("When was this document written?", "14 March 2024 [1]."),  # the one document: its dateline
        ("Who wrote this document?", None),  # no byline: the document does not say
    ],
)
def test_a_one_document_corpus_answers_this_document(
    tmp_path: Path, question: str, first_line: str | None
) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "minutes.txt").write_text(MINUTES, encoding="utf-8")
    pipe = Pipeline(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index"))
    assert_front_matter(pipe.ask(question), first_line)
    # "The report on the dredging" is a report the minutes tell of, not the minutes themselves.
    assert "does not say" not in pipe.ask("Who wrote the report on the dredging?").answer
    summary = pipe.ask("Summarise this document.")  # its body, whole and in order: it is that short
    assert summary.citations[0].quote == "The board met at noon to discuss the dredging of the channel."
    assert (
        " ".join(summary.citations[-1].quote.split())
        == "Members voted to commission a new survey before the summer."
    )


SPEC = """Shared Widget Registry

This is version 0.4 of the Shared Widget Registry specification, last updated 2 October 2018.

Programs register their widgets in one common directory, so that every desktop finds every widget.
"""


def test_a_document_named_by_its_title_answers_from_its_own_front_matter(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "minutes.txt").write_text(MINUTES, encoding="utf-8")
    (corpus / "spec.txt").write_text(SPEC, encoding="utf-8")
    meta = '[sources."spec.txt"]\ntitle = "Shared Widget Registry (version 0.4)"\ndate = "2018-10-02"\n'
    (corpus / "sources.toml").write_text(meta, encoding="utf-8")
    pipe = Pipeline(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    question = "When was the Shared Widget Registry specification published?"
    assert_front_matter(pipe.ask(question), "2 October 2018 [1].")  # the day, which the metadata dates it by
    assert_front_matter(pipe.ask("Who wrote the Shared Widget Registry specification?"), None)


DAM_HEARING = """Kestrel Ridge Dam: public hearing

A resident, Ingrid Holm, said the dam could fail in the next big storm. "That is not what I said," the chief
engineer, Hervé Lemaître, told the hearing. "The dam is not in imminent danger, and the outlet works will be
repaired by 2029."
"""
FLOOD_SCHEME = """Lowther Bridge flood scheme published

Brennmoor County Council has published its flood-defence scheme for the River Skell. "We are designing for the
river of 2080, not the river of 1980," said Siobhán Ní Bhriain, the council's chief engineer, at the launch in
the town hall.
"""


@pytest.fixture(scope="module")
def two_engineers(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """Two documents, each with its own chief engineer: a role that names no one corpus-wide."""
    root = tmp_path_factory.mktemp("engineers")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "dam-hearing.txt").write_text(DAM_HEARING, encoding="utf-8")
    (corpus / "flood-scheme.txt").write_text(FLOOD_SCHEME, encoding="utf-8")
    return Pipeline(Settings(corpus_dir=corpus, index_dir=root / "index"))


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # the role ends before what the sentence goes on to say of the saying ("at the launch …")
        ("Who is Brennmoor County Council's chief engineer?", "Siobhán Ní Bhriain [1]."),
        ("Who is the council's chief engineer?", "Siobhán Ní Bhriain [1]."),
        ("Who is the chief engineer?", None),  # two documents, two chief engineers: neither is guessed
    ],
)
def test_a_role_asked_of_a_body_is_held_in_the_document_that_names_it(
    two_engineers: Pipeline, question: str, lead: str | None
) -> None:
    answer = two_engineers.ask(question)
    first = answer.answer.splitlines()[0]
    if lead:
        assert first == lead, answer.answer
    else:
        assert not first.startswith(("Siobhán", "Hervé")), answer.answer
    assert_verbatim(answer)


def test_a_role_several_documents_give_speaks_in_the_document_the_question_is_about(
    two_engineers: Pipeline,
) -> None:
    """ "The chief engineer" of a question about the river is the council's; of one about the dam, the
    hearing's, who says he never said it would fail."""
    river = two_engineers.ask("Did the chief engineer say they were designing for the river of 2080?")
    assert river.answer.splitlines()[0] == "Yes [1].", river.answer
    dam = two_engineers.ask("Did the chief engineer say the dam could fail in the next big storm?")
    assert not dam.answer.startswith("Yes"), dam.answer
    works = two_engineers.ask("What did the chief engineer say about repairing the dam's outlet works?")
    assert "repaired by 2029" in works.answer and "2080" not in works.answer, works.answer


def test_the_words_a_document_goes_by_keep_their_reading_order() -> None:
    """They are read as text beside a reply (a hedge counts only before the words it hedges), so their order must
    not change with Python's hash seed, as a set's does."""
    words = naming_words("weir-hearing-2026.txt", "Proposed Replacement of the Ostby Weir: an op-ed")
    assert words[:6] == ("proposed", "replacement", "of", "the", "ostby", "weir")
    assert words[6:] == ("an", "op-ed", "op", "ed", "hearing", "2026", "txt")


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: Ferry crews vote to strike\nauthor: Siobhán Ní Bhriain\ndate: 2026-03-14\n---\n",  # YAML
        "Ferry crews vote to strike\n\nAuthor: Siobhán Ní Bhriain\n",
        "Ferry crews vote to strike\n\nWritten by Siobhán Ní Bhriain\n",
    ],
    ids=["front-matter", "author-field", "written-by"],
)
def test_a_byline_may_be_a_field_of_the_front_matter(tmp_path: Path, front: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    story = "\nCrews on the island ferry have voted to strike for 48 hours from 2 April, their union said.\n"
    (corpus / "ferry-strike.md").write_text(front + story, encoding="utf-8")
    pipe = Pipeline(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert_front_matter(pipe.ask("Who wrote the ferry strike article?"), "Siobhán Ní Bhriain [1].")


def test_a_document_whose_file_name_says_report_is_the_report(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "annual-report.txt").write_text(
        "Harbour Trust figures\n\nPublished 3 May 2024.\n\nThe trust moved 1.2 million tonnes of cargo.\n",
        encoding="utf-8",
    )
    (corpus / "spec.txt").write_text(SPEC, encoding="utf-8")
    meta = '[sources."annual-report.txt"]\ntitle = "Harbour Trust figures, 2023"\n'  # no "report" in it
    (corpus / "sources.toml").write_text(meta, encoding="utf-8")
    pipe = Pipeline(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert_front_matter(pipe.ask("When was the report published?"), "3 May 2024 [1].")


def test_who_said_leads_with_the_full_name_and_cites_where_it_is_given(any_pipeline: Pipeline) -> None:
    answer = any_pipeline.ask("Who said AI doesn't need a Chernobyl moment?")
    lead = answer.answer.splitlines()[0]
    assert lead.startswith("Stephen Casper [1]")
    assert any("Stephen Casper" in c.quote for c in answer.citations)
    assert_verbatim(answer)


def test_compound_questions_answer_each_part(any_pipeline: Pipeline) -> None:
    answer = any_pipeline.ask(
        "Who led the US side of the pre-summit AI talks, and which Chinese official later confirmed "
        "that a new round of AI dialogue had been agreed?"
    )
    assert answer.answerable
    assert "Bessant" in answer.answer and "Guo Jiakun" in answer.answer
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert_verbatim(answer)


@pytest.mark.parametrize("question", ["Who is he?", "What is it?", "?"])
def test_questions_without_content_words_are_refused_not_crashed(
    any_pipeline: Pipeline, question: str
) -> None:
    assert not any_pipeline.ask(question).answerable


def test_a_question_naming_two_sources_quotes_both(any_pipeline: Pipeline) -> None:
    answer = any_pipeline.ask(
        "How do TechFastForward and Kenji Kelly differ on whether a hotline can handle AI-driven military incidents?"
    )
    cited = {Path(c.source).name.split("-")[0] for c in answer.citations}
    assert {"tff", "kelly"} <= cited
    assert_verbatim(answer)


def test_a_negated_sentence_is_quoted_with_the_sentence_that_completes_it(any_pipeline: Pipeline) -> None:
    index = any_pipeline.index
    out = completed([candidate(index, "The United States does not want")], index)
    assert [c.text.split(" because")[0] for c in out] == [
        "The United States does not want AI crisis-control talks",
        "It wants them",
    ]
    plain = candidate(index, "The Chinese wanted to talk")
    assert completed([plain], index) == [plain]  # no negation: nothing added


def fixture_pipeline(name: str, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A pipeline over ``tests/fixtures/<name>``, its index in a fresh temporary folder."""
    corpus = Path(__file__).parent / "fixtures" / name
    return Pipeline(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp(name) / "index"))


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A Markdown report and an HTML interview, with no source metadata: each titled and dated by itself."""
    return fixture_pipeline("grid", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        (
            "When was the quarterly report published?",
            "14 October 2025 [1].",
        ),  # its own line, not its title's "Q3"
        ("Who wrote the interview?", "Tomasz Nowak [1]."),
        ("Who is the chief executive of Nordvale?", "Ingrid Haugland [1]."),  # a title of two words
        # "she said": the record credits the words to Amara Chukwu, named in full in the sentence before
        ("Did Amara Chukwu say that batteries buy you hours?", "Yes [1]."),
        # Another's words: the misattribution is named, not only denied.
        ("Did Ingrid Haugland say that batteries buy you hours?", "No [1]. Amara Chukwu said it."),
        ("Did Haugland say batteries buy you hours?", "No [1]. Amara Chukwu said it."),  # a short claim
        ("Did Tomasz Nowak say we lost forty thousand customers?", "No [1]. Amara Chukwu said it."),
        ("Did Amara Chukwu say batteries buy you hours, not weeks?", "Yes [1]."),  # a contrast, not a denial
    ],
)
def test_a_corpus_without_metadata_answers_from_its_own_text(
    grid: Pipeline, question: str, lead: str
) -> None:
    answer = grid.ask(question)
    assert answer.answer.splitlines()[0] == lead
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "first", "quoted"),
    [
        # The interview's author wrote it, but the words are the interviewee's: named, never repeated as his.
        (
            "Why did Tomasz Nowak say that batteries buy you hours?",
            "The corpus does not report Tomasz Nowak saying this.",
            "Batteries buy you hours",
        ),
        # Her words are about the grid, none about the dividend: the question about it is not answered with them.
        (
            "What did Amara Chukwu say about the dividend?",
            "The corpus does not answer this question. (The corpus does not report Amara Chukwu saying anything"
            " about “the dividend”.)",
            "",
        ),
        (
            "What did Amara Chukwu say about batteries?",
            '"Batteries buy you hours, not weeks," she said. [1]',
            "",
        ),
    ],
)
def test_words_asked_of_someone_are_theirs_and_on_the_topic(
    grid: Pipeline, question: str, first: str, quoted: str
) -> None:
    answer = grid.ask(question)
    assert answer.answer.splitlines()[0] == first
    assert quoted in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """Three short pieces, one with an author in its metadata (R. Byrne), another quoting a ferry captain."""
    return fixture_pipeline("mini", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # R. Byrne wrote the lighthouse story; the ferry captain said it, in another document.
        (
            "Why did R. Byrne say that bookings had already passed 5,000 seats?",
            "The corpus does not report R. Byrne saying this.",
        ),
        (
            "What did R. Byrne say about the ferry bookings?",
            "The corpus does not answer this question. (The corpus does not report R. Byrne saying anything about"
            " “the ferry bookings”.)",
        ),
    ],
)
def test_an_author_is_not_credited_with_words_from_another_document(
    mini: Pipeline, question: str, first: str
) -> None:
    answer = mini.ask(question)
    assert answer.answer.splitlines()[0] == first
    assert "Captain Sorcha Nolan said bookings" in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def turbines(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """Two spec notes alike but for the model code, its designer and its year."""
    return fixture_pipeline("turbines", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "source", "fact"),
    [
        ("Who designed the KX4410 turbine?", "kx4410.txt", "Ilse Marten"),  # was answered from kx4420.txt
        ("Who designed the KX4420 turbine?", "kx4420.txt", "Jonas Brekke"),
        ("When was the KX4410 turbine designed?", "kx4410.txt", "2001"),
    ],
)
def test_a_question_naming_one_of_two_alike_things_is_answered_about_that_one(
    turbines: Pipeline, question: str, source: str, fact: str
) -> None:
    answer = turbines.ask(question)
    assert answer.answerable and fact in answer.answer.splitlines()[0], answer.answer
    assert {c.document for c in answer.citations} == {source}
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A short port news story: a cost, counts, Estonian names, quotes that run over two sentences."""
    return fixture_pipeline("harbour", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        # A cost is the sum of money, not the count of passengers in the sentence the embedding prefers.
        ("How much will the cruise terminal expansion cost?", None, "€48 million expansion"),
        # The quote goes on after the sentence that names the speaker; the speaker's "expect" is what "would"
        # reports.
        (
            "Did Valdo Kalm say passenger numbers would pass one million by 2028?",
            "Yes [1].",
            "pass one million by 2028",
        ),
        # spaCy reads "Tiit Riisalo" as a place; his title makes him a person, and the port's chief executive
        # is someone else.
        ("Is Tiit Riisalo the port's chief executive?", "No [1].", "Tiit Riisalo, head of"),
        ("Who is Tiit Riisalo?", None, "head of the Estonian Travel and Tourism Association"),
    ],
)
def test_a_story_the_project_never_saw_is_answered_as_written(
    harbour: Pipeline, question: str, lead: str | None, quoted: str
) -> None:
    answer = harbour.ask(question)
    assert answer.answerable, answer.answer
    if lead:
        assert answer.answer.splitlines()[0] == lead
    assert quoted in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def ruling(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A court story: Dutch names with particles and an apostrophe, a byline, a spokeswoman, a dateline."""
    return fixture_pipeline("ruling", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        # spaCy finds no person in "By Ines de la Cruz | 12 February 2027": the byline's name is read by its shape.
        ("Who wrote the article?", "Ines de la Cruz [1].", "By Ines de la Cruz"),
        ("Who is Maarten van der Berg?", "Maarten van der Berg: Judge [1].", "Judge Maarten van der Berg"),
        # "She" is Sanne O'Neill (her name's apostrophe once made her an organisation, and "she" the judge).
        ("Did Sanne O'Neill say how much the delay would cost?", "No [1].", "She did not say how much"),
        # Deciding whether to appeal is saying neither; her name and "said" do not make up for "appeal".
        ("Did Sanne O'Neill say the authority would appeal?", "The corpus does not say.", None),
        # A spokeswoman for the authority speaks for it: no "No" for another speaker.
        ("Did the port authority say it would appeal?", "The corpus does not say.", None),
        # "Was … welcomed": the passive's act is "welcome", which the council's warning does not state.
        ("Was the ruling welcomed by the Dutch Shipping Council?", "The corpus does not say.", None),
        ("Were the fishermen represented by Pieter Hoekstra?", "Yes [1].", "represented by Pieter Hoekstra"),
        ("Did Hoekstra say the ruling was a victory against the port?", "No [1].", "not a victory against"),
    ],
)
def test_who_said_what_holds_for_names_of_other_languages(
    ruling: Pipeline, question: str, lead: str, quoted: str | None
) -> None:
    answer = ruling.ask(question)
    assert answer.answer.splitlines()[0].startswith(lead), answer.answer
    if quoted:
        assert quoted in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def interview(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A mayor's interview in questions and answers, with irregular verbs ("went bankrupt", "took longer")."""
    return fixture_pipeline("interview", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # "go" and "went" share no stem: the sentence's parse gives "went" the lemma of the question's act.
        ("Did the contractor go bankrupt?", "Yes [1]."),
        ("Did the tunnel take longer than planned?", "Yes [1]."),
        ("When was the interview published?", "9 April 2027 [1]."),
    ],
)
def test_an_irregular_verb_states_the_act_it_inflects(interview: Pipeline, question: str, lead: str) -> None:
    answer = interview.ask(question)
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "answerable", "said"),
    [
        # The question states words the mayor said: the answer corrects who said them.
        (
            "Why did Marcus Oyelaran say that the tunnel under the river took eleven months longer than planned?",
            True,
            "Aino Virtanen said it",
        ),
        # It asks what the reporter said: there is nothing of his to quote, and the mayor's words are not his.
        ("What did Marcus Oyelaran say about the tunnel under the river?", False, "Aino Virtanen's"),
    ],
)
def test_words_credited_to_someone_else_are_never_given_as_the_askeds(
    interview: Pipeline, question: str, answerable: bool, said: str
) -> None:
    answer = interview.ask(question)
    assert answer.answerable is answerable and said in answer.answer, answer.answer
    assert "does not report Marcus Oyelaran saying this" in answer.answer
    assert "eleven months longer" in answer.citations[0].quote
    assert_verbatim(answer)


def test_what_someone_thinks_is_answered_from_what_they_said(interview: Pipeline) -> None:
    """ "What does X think of Y?" asks for X's own words; a sum word it is about ("the congestion charge") asks
    for no sum."""
    answer = interview.ask("What does Aino Virtanen think of the congestion charge?")
    assert answer.answerable and "had not decided whether to support it" in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.mark.parametrize(
    "question",
    ["When will passengers be able to ride the tram?", "What will the tram extension cost in the end?"],
)
def test_an_answer_quotes_nothing_of_the_interviewers_next_turn(interview: Pipeline, question: str) -> None:
    """The sentences after a quoted reply go on up to the next question: "Q: Critics say the money should have
    gone to buses." is the interviewer's, not the mayor's."""
    answer = interview.ask(question)
    assert answer.answerable, answer.answer
    assert not any(c.quote.startswith("Q:") for c in answer.citations), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # "A:" names no one; the introduction names the mayor, and the reporter who asks
        ("Who said the tram will carry 40,000 people a day?", "Aino Virtanen"),
        ("Did Marcus Oyelaran say the council approved a budget of 310 million euros?", "No"),
        ("Did Virtanen say the latest estimate is 365 million?", "Yes"),
    ],
)
def test_an_interviews_answers_are_credited_to_the_interviewee(
    interview: Pipeline, question: str, lead: str
) -> None:
    answer = interview.ask(question)
    assert answer.answer.startswith(lead), answer.answer
    assert_verbatim(answer)


def test_the_interviewee_is_not_who_they_speak_of(interview: Pipeline) -> None:
    """ "My deputy, Jonas Berglund, who renegotiated the contract" is the mayor's sentence, but the mayor is not
    who renegotiated it: a first-person word that is not the subject does not make the speaker the answer."""
    answer = interview.ask("Who renegotiated the signalling contract?")
    assert "Virtanen" not in answer.answer.splitlines()[0], answer.answer
    assert "Jonas Berglund" in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        # the answer leans on the question asked just before it ("… Why is it late?" / "Two things." / …)
        ("Why is the tram extension late?", "The tunnel under the river took eleven months longer"),
        ("How much longer did the tunnel take than planned?", "eleven months longer than planned"),
    ],
)
def test_an_interviews_answer_follows_the_question_asked(
    interview: Pipeline, question: str, quoted: str
) -> None:
    answer = interview.ask(question)
    assert answer.answerable and any(quoted in c.quote for c in answer.citations), answer.answer
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def newsdesk(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A company's results story ("£18 million", "290p", "6.1p per share") and a study's ("8.15am to 9.30am")."""
    return fixture_pipeline("newsdesk", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        # spaCy tags "290p" an organisation: read as pence, it is the sum a target price asks for
        ("What target price did Mei-Ling Chua set?", "290p"),
        # "where" about a workplace is answered by an institution ("the University of Bergen")
        ("Where does Ingrid Halvorsen work?", "University of Bergen"),
    ],
)
def test_a_short_sum_or_an_institution_answers_its_question(
    newsdesk: Pipeline, question: str, quoted: str
) -> None:
    answer = newsdesk.ask(question)
    assert answer.answerable and quoted in answer.citations[0].quote, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # Two files with no source metadata, each titled by its file name: the words before "article" or
        # "story" name the one whose file name holds them all.
        ("Who wrote the sleep study article?", "Oskar Lindahl [1]."),
        ("When was the Brightwater results story published?", "12 November 2026 [1]."),
        ("Who wrote the Brightwater story?", "Helena Marsh [1]."),
    ],
)
def test_a_document_is_named_by_the_words_of_its_file_name(
    newsdesk: Pipeline, question: str, lead: str
) -> None:
    answer = newsdesk.ask(question)
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # "no measurable effect on reading" denies every change to reading, whatever the verb asked with
        ("Did the later start improve reading?", "No [1]."),
        ("Did the later start raise reading scores?", "No [1]."),
        # … and nothing about mathematics, which its passage also names
        ("Did the later start improve mathematics scores?", None),
    ],
)
def test_no_effect_on_a_thing_denies_any_change_to_it(
    newsdesk: Pipeline, question: str, lead: str | None
) -> None:
    answer = newsdesk.ask(question)
    first = answer.answer.splitlines()[0]
    if lead is None:
        assert not first.startswith("No"), answer.answer
        return
    assert first == lead, answer.answer
    assert "no measurable effect on reading" in answer.citations[0].quote
    assert_verbatim(answer)


def test_what_a_document_is_about_is_its_overview(newsdesk: Pipeline) -> None:
    """ "What is the X story about?" names one document by the words of its file name: its central sentences,
    in its order, from it alone."""
    answer = newsdesk.ask("What is the Brightwater story about?")
    assert {c.document for c in answer.citations} == {"brightwater-results.txt"}, answer.answer
    assert "lowered its full-year profit forecast" in answer.citations[0].quote
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)
    assert_verbatim(answer)


def test_a_byline_that_says_where_it_was_written_names_its_writer(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """spaCy reads "Siobhán Doyle" in "By Siobhán Doyle at Carrow Park" as an organisation: the byline's name is
    read by its shape, up to the place it was written at."""
    answer = fixture_pipeline("match", tmp_path_factory).ask("Who wrote the match report?")
    assert answer.answer.splitlines()[0] == "Siobhán Doyle [1].", answer.answer
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A news agency's story: a dateline, speakers with ages and affiliations, reporting clauses after what was
    said, and the agency's credit line at the end."""
    return fixture_pipeline("wire", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        # the credit line names who reported it, not who edited it
        (
            "Who wrote the story?",
            "Gwenaëlle Fauré [1].",
            "(Reporting by Gwenaëlle Fauré; Editing by Nicholas Marr)",
        ),
        # "Kjell Ingvaldsen, 67, told": the age is no name, so his words are his and "He added" too
        ("What did Ingvaldsen tell Nordpress?", "", 'the seabed was "not an empty desert"'),
        # "He added" is quoted, with the sentence that names him
        (
            "Who said fishing communities depended on cod and herring?",
            "Kjell Ingvaldsen [1]",
            "He added that",
        ),
        ("Who said the sulphide deposits were poorly mapped?", "Ingrid Ødegaard [1].", "poorly mapped"),
    ],
)
def test_a_wire_story_credits_its_speakers_and_its_reporter(
    wire: Pipeline, question: str, lead: str, quoted: str
) -> None:
    answer = wire.ask(question)
    assert answer.answerable and answer.answer.startswith(lead), answer.answer
    assert any(quoted in c.quote for c in answer.citations), answer.answer
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def faq(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A library's page of frequently asked questions, each answered in the lines below it."""
    return fixture_pipeline("faq", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        # spaCy tags no entity in "in the Old Market Hall on Kingsway": the place rule gives "where" its answer
        ("Where can I borrow books while the library is closed?", "", "in the Old Market Hall on Kingsway"),
        # "nobody will lose their job" denies the act with no "not"
        ("Will any library staff lose their jobs?", "No [1].", "nobody will lose their job"),
        # the page's own "No." to the same question: its answer alone never mentions bringing a dog in
        (
            "Can I bring my dog to the temporary branch?",
            "No [1].",
            "Only assistance dogs are allowed inside.",
        ),
    ],
)
def test_an_faq_answers_from_the_lines_below_its_questions(
    faq: Pipeline, question: str, lead: str, quoted: str
) -> None:
    answer = faq.ask(question)
    assert answer.answerable and answer.answer.startswith(lead), answer.answer
    assert any(quoted in c.quote for c in answer.citations), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("corpus", "question", "quoted"),
    [
        # the page's own first question: its reply shares no word with it but "library"
        ("faq", "Why is the library closing?", ["The roof leaks and the heating system dates from 1968."]),
        # what the question adds ("the tram extension") is what the interview is about
        (
            "interview",
            "What will the tram extension cost in the end?",
            ["A: The council approved a budget of 310 million euros.", "The latest estimate is 365 million."],
        ),
        ("faq", "What happens to my parking permit?", []),  # "reservations" asked there, not permits
        ("faq", "Why is the museum closing?", []),  # what it adds is named nowhere in the page
        ("faq", "Why is the library closing early tonight?", []),
    ],
)
def test_a_question_the_document_asks_itself_is_answered_by_its_reply(
    corpus: str, question: str, quoted: list[str], request: pytest.FixtureRequest
) -> None:
    """An FAQ or an interview asks its own questions; the reply to the same question answers it, up to the next
    question or speaker, however few of the question's words it repeats."""
    answer = request.getfixturevalue(corpus).ask(question)
    if not quoted:
        assert not answer.answerable, answer.answer
        return
    assert answer.answerable, answer.answer
    assert [c.quote for c in answer.citations[: len(quoted)]] == quoted, answer.answer
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def replies(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A Markdown page of questions ("**Q: …?**" / "A: Yes. …") and a committee's public questions, each answered
    by the harbour master's labelled turn."""
    return fixture_pipeline("replies", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        (
            "Can visiting yachts stay overnight on the pontoon?",
            "Yes [1].",
            "Visitors may stay for up to three",
        ),
        ("Is there fuel at the marina?", "No [1].", "The nearest fuel berth is at Portmore"),
        (
            "Will the slipway close while the dredging is done?",
            "No [1].",
            "The slipway stays open throughout",
        ),
        # "them" is the charges only in the question the answer replies to
        ("Has the committee approved the new mooring charges?", "Yes [1].", "The committee approved them"),
        ("Has the committee approved the new parking charges?", None, ""),  # asked of mooring, not parking
        # "Yes, but …" answers its own question, quoted with its condition, and nothing more
        ("Are dogs allowed on the pontoons?", "Yes [1].", "Yes, but they must be kept on a lead"),
        ("Are dogs allowed on the pontoons without a lead?", None, ""),
        # "Yes, but on the east pontoon only" limits the yes to another kind than the one asked about: "No".
        ("Can berth holders live aboard on the west pontoon?", "No [1].", "on the east pontoon only"),
        ("Can berth holders live aboard on the east pontoon?", None, ""),  # "no more than two" denies nothing
    ],
)
def test_a_labelled_reply_answers_its_own_question(
    replies: Pipeline, question: str, lead: str | None, quoted: str
) -> None:
    answer = replies.ask(question)
    if lead is None:
        assert not answer.answer.startswith(("Yes", "No")), answer.answer
        return
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert quoted in answer.citations[0].quote
    assert_verbatim(answer)


def test_the_corpus_own_reply_answers_however_the_models_score_it(
    replies: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A yes/no question the document asks and answers itself is answerable, as a wh-question is: the models
    weigh the reply's wording ("Visitors may stay for up to three nights"), which need not repeat the question's."""
    monkeypatch.setattr(ExtractiveBackend, "threshold", property(lambda self: 0.99))
    answer = replies.ask("Can visiting yachts stay overnight on the pontoon?")
    assert answer.answer.splitlines()[0] == "Yes [1].", answer.answer
    assert not replies.ask("Are dogs allowed on the pontoons without a lead?").answerable


@pytest.mark.parametrize(
    "question",
    [
        "Can I park at the temporary branch in the morning?",  # "Yes, but only after 5pm" is no plain yes
        "Can I bring my cat into the temporary branch?",  # the page's question is about a dog
    ],
)
def test_an_faqs_reply_answers_only_its_own_question(faq: Pipeline, question: str) -> None:
    answer = faq.ask(question)
    assert not answer.answer.startswith(("Yes", "No")), answer.answer


@pytest.mark.parametrize(
    ("question", "row", "lead"),
    [
        ("How many customers are in the South region?", "South", "South, Customers: 455,000 [2]."),
        ("How many customers does the North have?", "North", "North, Customers: 310,000 [2]."),
        # The row's words are few; its column heads ("Change") are what it leans on for the question's words.
        ("What was the change in the South region?", "South", "South, Change: -1% [2]."),
    ],
)
def test_a_table_row_is_quoted_under_its_header(grid: Pipeline, question: str, row: str, lead: str) -> None:
    answer = grid.ask(question)
    assert answer.answerable, answer.answer
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("| Region | Customers")  # what the cells are
    assert quotes[1].startswith(f"| {row} ")
    assert not any(q.startswith("| ") for q in quotes[2:])  # the next row is another record, not quoted
    assert answer.answer.splitlines()[0] == lead  # the cell its row and column name
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def encyclopedia(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """An HTML biography: inline markup, entities, a reference mark and a table."""
    return fixture_pipeline("encyclopedia", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "quote", "lead"),
    [
        # An HTML table reads as a Markdown one; the Party column's cell the question names picks the row.
        ("How many votes did the Green Party get in 2010?", "| 2010 | Green Party | 47,950 | 31.0% |",
         "2010, Votes: 47,950 [2]."),
        ("Which firm did Varga work for?", "From 1988 to 2005 Varga worked for the consulting firm Brandt & Holm, "
         "where she led the design team for the barrier.", None),
        ("How many homes does the barrier protect?",
         "The barrier, completed in 2003, protects about 40,000 homes from storm surges.", "about 40,000 homes [1]."),
    ],
)  # fmt: skip
def test_an_html_page_is_answered_from_whole_sentences(
    encyclopedia: Pipeline, question: str, quote: str, lead: str | None
) -> None:
    answer = encyclopedia.ask(question)
    assert answer.answerable, answer.answer
    assert quote in [c.quote for c in answer.citations]
    if lead:
        assert answer.answer.splitlines()[0] == lead
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # The sentence names only the year it compares with; the report's title says which year it is about.
        ("What were Nordvale's fuel costs in 2025?", True),
        ("What were Nordvale's fuel costs in 2021?", False),
    ],
)
def test_a_reports_title_dates_its_sentences(grid: Pipeline, question: str, answered: bool) -> None:
    answer = grid.ask(question)
    assert answer.answerable is answered, answer.answer
    assert "€118 million" in answer.citations[0].quote
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """One short report whose setting ("in Vienna") is stated once, sentences before what happened there."""
    return fixture_pipeline("talks", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # The sentence that answers leaves the setting ("at the Vienna talks") to the passage: still "Yes".
        (
            "Did the downstream delegation at the Vienna talks demand more water from the Karsa dam?",
            "Yes [1].",
        ),
        # A setting the text never gives is not lent by the passage.
        ("Did the downstream delegation at the Geneva talks demand more water from the Karsa dam?", None),
        # A quote that denies the claim leaves the lake's name to the sentence before it: still "No".
        ("Is Lake Karsa's dam a concrete one?", "No [1]."),
    ],
)
def test_a_yes_no_claim_may_take_its_setting_from_the_passage(
    talks: Pipeline, question: str, lead: str | None
) -> None:
    answer = talks.ask(question)
    if lead is None:
        assert not answer.answerable and answer.answer.startswith("The corpus does not say.")
    else:
        assert answer.answer.startswith(lead) and "dam" in answer.citations[0].quote
        assert_verbatim(answer)


@pytest.fixture(scope="module")
def licence(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A licence titled with its name and version, whose clauses call it "this Licence"."""
    return fixture_pipeline("licence", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        # The title names the licence the clause calls "this Licence", under the short name it goes by.
        (
            "Can HODLv2 data be combined with data under the Open Map Licence into a single database?",
            "this Licence",
        ),
        # Another version, or another licence, is not what the title names.
        ("Can HODLv3 data be combined with data under the Open Map Licence into a single database?", None),
        (
            "Can Kestrel Data Licence data be combined with data under the Open Map Licence in one database?",
            None,
        ),
        # "Can I …?" asks what is allowed, which "You may …" states: not a hedge that falls short of the claim.
        ("Can I copy Harbourview data for any purpose?", "You may copy"),
        ("Can I sell Harbourview data?", None),  # what the licence does not allow is not said
    ],
)
def test_a_licence_answers_yes_no_questions_about_itself(
    licence: Pipeline, question: str, quoted: str | None
) -> None:
    answer = licence.ask(question)
    if quoted is None:
        assert answer.answer.startswith("The corpus does not say.")
    else:
        assert answer.answer.startswith("Yes [1].") and quoted in answer.citations[0].quote
        assert_verbatim(answer)


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A short local report naming three people, each with a role (a title, an apposition, a reversed one), and
    a denial, a half-granted grant, a plan credited to no one and the same kind of event in two years."""
    return fixture_pipeline("council", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        ("Is Björn Halldórsson a marine biologist at the University of Akureyri?", "Yes", ["Björn"]),
        ("Was Halldorsson a marine biologist?", "Yes", ["Björn"]),
        # The role asked is another person's: "No", quoting the role the text gives each of them.
        ("Was Ingrid Solberg a marine biologist at the University of Akureyri?", "No", ["Mayor", "Björn"]),
        ("Is Tomás Ferreira the mayor of Vesturvík?", "No", ["Tomás", "Mayor"]),
        # A trade is not one person's: a biologist may also be a planning officer, so the corpus does not say.
        ("Was Tomás Ferreira a biologist?", None, []),
        # The sentence that covers the claim denies it, in its main clause or in a coordinated one.
        ("Does the permit cover dredging inside the spawning grounds?", "No", ["does not cover"]),
        ("Has the regional harbour grant been signed?", "No", ["not yet signed"]),
        # A sentence with the claim's people and setting but not its act backs nothing.
        ("Will the harbour master dredge the channel before it reopens?", None, []),
        # Words credited to no one are not someone else's: the corpus does not say who said them.
        ("Did Ingrid Solberg say the harbour master will spend a month surveying the channel?", None, []),
    ],
)
def test_a_yes_no_question_is_answered_from_what_the_text_says(
    council: Pipeline, question: str, lead: str | None, quoted: list[str]
) -> None:
    answer = council.ask(question)
    if lead is None:
        assert not answer.answer.startswith(("Yes", "No"))
        return
    assert answer.answer.startswith(f"{lead} [1].")
    cited = [c.quote for c in answer.citations[: len(quoted)]]
    assert len(cited) == len(quoted) and all(word in quote for quote, word in zip(cited, quoted, strict=True))
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How many cruise ships did the harbour welcome in 2023?", "41 cruise ships"),
        # The same event at another time is not an answer, however close its words.
        ("How many cruise ships did the harbour welcome in 2021?", None),
    ],
)
def test_a_sentence_about_another_time_does_not_answer(
    council: Pipeline, question: str, answer: str | None
) -> None:
    reply = council.ask(question)
    if answer is None:
        assert not reply.answerable and "another time, not 2021" in reply.answer
        assert "in 2023" in reply.citations[0].quote  # the closest passage is still shown
    else:
        assert reply.answerable and answer in reply.answer
    assert_verbatim(reply)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # The quote holds no place; the sentence before it names the city, once, for what follows.
        ("In which city did the downstream side walk out after an hour?", "Talks on the fishing quota"),
        # A quote that already holds a place keeps its lead.
        ("In which city was the first round held?", "The first round"),
        # An untyped question gets no setting added.
        ("Why did the downstream side walk out after an hour?", "When the two delegations met there"),
    ],
)
def test_a_typed_question_quotes_the_setting_stated_just_before(
    talks: Pipeline, question: str, first: str
) -> None:

    index = talks.index
    numbers = [n for name in index.documents for n in index.document_sentences(name)]
    best = next(
        n
        for n in numbers
        if index.sentence_text(n).startswith(
            "When the two delegations" if "walk" in question else "The first"
        )
    )
    passage, sentence = index.sentence(best)
    out = with_setting(
        Question.read(question, index), [Candidate(passage, sentence, best, 0.5, 0.5, 0.5)], index
    )
    assert out[0].text.startswith(first)


@pytest.fixture(scope="module")
def hearing(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A short verbatim record: speakers named once, in the labels that open their turns."""
    return fixture_pipeline("hearing", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("Who said the dredging contract would be paid from the harbour reserve?", "Amara Okafor"),
        ("Who said the spoil would go to the licensed site off Rødholm?", "Tomasz Wójcik"),
    ],
)
def test_who_said_it_in_a_transcript_is_the_speaker_of_the_turn(
    hearing: Pipeline, question: str, speaker: str
) -> None:
    answer = hearing.ask(question)
    assert answer.answerable and answer.answer.startswith(f"{speaker} [1]")
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def acronyms(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A report that defines its abbreviations at first use."""
    return fixture_pipeline("acronyms", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quote"),
    [
        ("What does WRWA stand for?", "“WRWA” stands for “Western Rivers Water Authority” [1].",
         "The Western Rivers Water Authority (WRWA) tested 4,812 samples from 63 bathing sites in 2025."),
        ("What is the full name of the DfE?", "“DfE” stands for “Department for Environment” [1].",
         "The Department for Environment (DfE) contributed a further £5 million through its Clean Coasts Fund."),
    ],
)  # fmt: skip
def test_an_abbreviation_is_spelt_out_where_the_text_defines_it(
    acronyms: Pipeline, question: str, lead: str, quote: str
) -> None:
    """Every sentence that uses "WRWA" matches the question alike; the one that defines it answers."""
    answer = acronyms.ask(question)
    assert answer.answer.splitlines()[0] == lead
    assert [c.quote for c in answer.citations] == [quote]
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def podcast(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A podcast's transcript: each turn stamped with its time, names in ordinary case."""
    return fixture_pipeline("podcast", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead", "quote"),
    [
        ("Who asked the council to move the outfall?", "Joaquín Ortega [1]",
         "I've asked the council to move the outfall at least 400 metres further out."),
        ("Who said the traders support moving the pipe?", "Nguyễn Thị Lan [1]",
         "[00:01:41] Nguyễn Thị Lan: To be fair, the traders support moving the pipe."),
        ("What did Lan say about the roof?", "[00:00:21] Nguyễn Thị Lan: Because the roof is failing. [1]",
         "[00:00:21] Nguyễn Thị Lan: Because the roof is failing."),  # said, in her stamped turn
        # the introduction gives the speakers' roles, cited there
        ("Who is Joaquín Ortega?", "Joaquín Ortega: marine biologist, University of Galway [1].",
         "Guests: Nguyễn Thị Lan (chair, Southside Traders' Association) and Dr. Joaquín Ortega (marine "
         "biologist, University of Galway)."),
        ("Who is the host?", "Mairead Quinlan [1].", "Host: Mairead Quinlan."),
    ],
)  # fmt: skip
def test_a_recordings_turns_say_who_said_it(podcast: Pipeline, question: str, lead: str, quote: str) -> None:
    answer = podcast.ask(question)
    assert answer.answerable and answer.answer.startswith(lead), answer.answer
    assert quote in [c.quote for c in answer.citations]
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # The record credits these words to the harbour master, in his turn, by a label naming him in part.
        ("Did Tomasz Wójcik say the north basin has silted up faster than planned?", "Yes"),
        ("Did the harbour master say the spoil would go to the licensed site off Rødholm?", "Yes"),
        ("Did Amara Okafor say the spoil would go to the licensed site off Rødholm?", "No"),
        ("Did Ingrid Solberg say the north basin has silted up faster than planned?", "No"),
    ],
)
def test_did_x_say_it_is_settled_by_whom_the_record_credits(
    hearing: Pipeline, question: str, lead: str
) -> None:
    answer = hearing.ask(question)
    assert answer.answer.startswith(f"{lead} [1].")
    assert "Tomasz Wójcik" in answer.citations[1].quote  # the words' speaker, named in full beside them
    assert_verbatim(answer)


def test_the_speaker_answers_who_only_when_the_words_are_about_the_speaker(hearing: Pipeline) -> None:
    """The chair says who did the 2019 dredging; she did not do it. "Who said …?" is hers."""
    did = hearing.ask("Who carried out the 2019 dredging?")
    assert "Fjordline Marine" in did.citations[0].quote and "Solberg" not in did.answer.splitlines()[0]
    said = hearing.ask("Who said the 2019 dredging was carried out by Fjordline Marine?")
    assert said.answer.startswith("Ingrid Solberg [1]")


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Who is the harbour master?", "Tomasz Wójcik [1]."),
        ("Who's the Board's finance officer?", "Amara Okafor [1]."),
    ],
)
def test_who_holds_a_role_is_the_one_person_the_record_gives_it(
    hearing: Pipeline, question: str, lead: str
) -> None:
    answer = hearing.ask(question)
    assert answer.answer.splitlines()[0] == lead
    assert lead.split(" [")[0].split()[-1].upper() in answer.citations[0].quote  # where the record names them
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Did Amara Okafor say the dredging would be paid from the harbour reserve?", "Yes"),
        # She denies the words the chair credits to her: her denial, of any verb of speech, outweighs his report.
        ("Did Amara Okafor warn that the dredging would empty the reserve?", "No"),
        ("Did Ms. Okafor say the dredging will empty the harbour reserve by the summer?", "No"),
        # Named by the role the record gives her: still her words, and still her denial.
        ("Did the finance officer say the dredging would be paid from the harbour reserve?", "Yes"),
        ("Did the finance officer warn that the dredging would empty the reserve?", "No"),
    ],
)
def test_a_speaker_who_denies_the_words_is_answered_no(hearing: Pipeline, question: str, lead: str) -> None:
    answer = hearing.ask(question)
    assert answer.answer.startswith(f"{lead} [1]"), answer.answer
    assert_verbatim(answer)


def test_the_speakers_denial_outweighs_a_report_of_the_words_whatever_their_order(hearing: Pipeline) -> None:
    """The chair credits Ms. Okafor with words she then denies: even when the chair's sentence ranks first,
    "Did she say it?" is answered "No" from her denial, so the misattribution is not repeated."""

    index = hearing.index
    report, denial = candidate(index, "As Ms. Okafor said earlier"), candidate(index, "I did not say")
    question = Question.read("Did Ms. Okafor say the dredging will empty the harbour reserve?", index)
    backend = ExtractiveBackend(hearing.settings)
    assert backend.yes_no(question, [report, denial], index) == ("No", [denial])
    # Her denial counts even when only the report was chosen to quote, if it ranks among the closest.
    assert backend.yes_no(question, [report], index, [report, denial]) == ("No", [denial])


def candidate(index: Store, words: str) -> Candidate:
    """The indexed sentence holding ``words``, as the composer would hold it."""
    numbers = [n for name in index.documents for n in index.document_sentences(name)]
    number = next(n for n in numbers if words in index.sentence_text(n))
    passage, sentence = index.sentence(number)
    [annotation] = annotations_of(index, [number])
    return Candidate(passage, sentence, number, 0.5, 0.5, 0.5, annotation=annotation)


@pytest.mark.parametrize(
    ("quoted", "then"),
    [
        # "They" goes on about the same thing.
        ("are fundamentally analog.", "They cannot keep pace with algorithmic escalation."),
        # A short claim is argued by the next sentence, whatever it opens with.
        (
            "Furthermore, verification is a technical impossibility.",
            "Unlike nuclear non-proliferation treaties",
        ),
        # A long sentence carries its own matter: the next one, not referring back, starts something new.
        ("The nightmare scenario inside the Pentagon", None),
    ],
)
def test_a_quote_takes_the_next_sentence_when_that_one_refers_back_or_argues_it(
    pipeline: Pipeline, quoted: str, then: str | None
) -> None:
    first = candidate(pipeline.index, quoted)
    quotes = [c.text for c in continued([first], pipeline.index)]
    assert quotes == [first.text] + ([candidate(pipeline.index, then).text] if then else [])


@pytest.mark.parametrize(
    ("question", "then"),
    [
        # The reason follows the sentence that says what is asked about, not the one naming the dialogue.
        ("Why does Kelly consider the UN's Global Dialogue structurally irrelevant?", "A committee of 193"),
        # The best quote already holds the rarest word: it is followed anyway, nothing moves.
        ("Why did the United Nations appoint co-chairs?", None),
    ],
)
def test_a_why_question_quotes_what_follows_the_sentence_that_states_what_it_asks(
    pipeline: Pipeline, question: str, then: str | None
) -> None:
    index = pipeline.index
    q = Question.read(question, index)
    lead, claim = candidate(index, "appointing co-chairs"), candidate(index, "structurally irrelevant")
    quotes = [c.text for c in reasoned(q, [lead, claim], index, 1)]
    assert quotes == [lead.text, claim.text] + ([candidate(index, then).text] if then else [])


def test_a_why_question_quotes_the_reason_before_a_conclusion_that_closes_its_passage(
    pipeline: Pipeline,
) -> None:
    index = pipeline.index
    q = Question.read("Why is the US strategic logic shifting toward risk management?", index)
    conclusion = candidate(index, "the strategic logic shifts from pure competition")
    quotes = [c.text for c in reasoned(q, [conclusion], index, 2)]
    assert quotes == [candidate(index, "may be compressing to 6-9 months").text, conclusion.text]


@pytest.mark.parametrize(
    ("question", "broader"),
    [
        ("Why is checking compliance with an AI deal practically impossible, according to Kelly?", True),
        ("Why can't a crisis hotline keep up with AI-driven military incidents?", True),
        ("Who leads the US side of the AI talks?", False),
    ],
)
def test_an_explanation_quotes_more_of_the_passage_than_a_fact(
    pipeline: Pipeline, corpus_settings: Settings, question: str, broader: bool
) -> None:
    narrow = Pipeline(corpus_settings.model_copy(update={"explain_sentences": 1}))
    wide, one = pipeline.ask(question), narrow.ask(question)
    assert wide.answerable and one.answerable
    assert (len(wide.citations) > len(one.citations)) is broader
    assert_verbatim(wide)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A short report whose recommendations are a bulleted list of five unrelated measures, and a note that
    runs its list of two risks into one line."""
    return fixture_pipeline("review", tmp_path_factory)


MEASURES = [
    "Dredge the northern",
    "Replace the ferry",
    "Move the fish",
    "Fit shore power",
    "Publish water-quality",
]


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("What measures does the harbour review recommend?", True),
        ("According to the review, which steps should the port of Kelby take?", True),
        ("What does the review recommend for the ferry timetable?", False),  # one thing asked: one item
        ("When will the council debate the review?", False),
    ],
)
def test_a_question_for_several_things_quotes_the_list_whole(
    review: Pipeline, question: str, whole: bool
) -> None:
    answer = review.ask(question)
    _assert_list_quoted(answer, "It recommends five measures:", MEASURES, whole)


def test_a_list_run_into_one_line_is_quoted_whole_too(review: Pipeline) -> None:
    answer = review.ask("What risks does the ferry operator name for the winter?")
    _assert_list_quoted(answer, "It names two risks for the season:", ["Crews may", "The older vessel"], True)


def _assert_list_quoted(answer: Answer, lead: str, starts: list[str], whole: bool) -> None:
    quotes = [c.quote for c in answer.citations]
    found = [next((i for i, q in enumerate(quotes) if q.startswith(s)), -1) for s in starts]
    if whole:
        assert -1 not in found and found == sorted(found)  # every item, in the list's order
        assert quotes[found[0] - 1] == lead  # under the line that introduces them
    else:
        assert -1 in found
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How have relations between America and China on AI been described?", 0.0),  # America: the US
        ("How have relations between Britain and China on AI been described?", 1 / 3),  # no British side
    ],
)
def test_a_name_counts_as_found_under_another_name_for_the_same_actor(
    pipeline: Pipeline, question: str, missing: float
) -> None:
    index = pipeline.index
    best = candidate(index, "US-China AI relations over the past three years")
    features = question_features(Question.read(question, index), [best], [0.9], index)
    assert features[QUESTION_FEATURES.index("names_missing_top")] == pytest.approx(missing)


@pytest.mark.parametrize(
    ("question", "bio"),
    [
        ("What reforms does Kenji Kelly recommend for the AI dialogue?", False),  # his argument, not his bio
        ("What is Kenji Kelly known for?", True),  # a question about the person himself
    ],
)
def test_an_author_cited_as_the_source_is_quoted_for_the_work_not_the_biography(
    pipeline: Pipeline, question: str, bio: bool
) -> None:
    answer = pipeline.ask(question)
    assert answer.answerable
    assert any("has built a reputation" in c.quote for c in answer.citations) is bio
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "source"),
    [
        # By author, and by what the question calls the one document that is an analysis.
        (
            "Why does AI safety keep leading back to chips, according to Kelly?",
            "kelly-inside-the-us-china-ai-crisis.txt",
        ),
        (
            "Why does AI safety keep leading back to chips, per the analysis?",
            "analysis-beijing-summit-competitive-coexistence.txt",
        ),
    ],
)
def test_a_question_that_names_its_source_is_quoted_from_it(
    pipeline: Pipeline, question: str, source: str
) -> None:
    answer = pipeline.ask(question)
    assert answer.answerable and answer.citations
    assert {Path(c.source).name for c in answer.citations} == {source}
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def rivals(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """Two ports compared: one sentence names both, then a paragraph on each."""
    return fixture_pipeline("rivals", tmp_path_factory)


def test_a_comparison_quotes_what_is_said_of_each_side(rivals: Pipeline) -> None:
    """The sentence naming both sides only sets the contrast up, and the closest quotes are all about
    Rotterdam: Hamburg's own sentence is quoted too."""
    answer = rivals.ask("How do Rotterdam's and Hamburg's worries about hydrogen differ?")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "Rotterdam's port authority worries most about supply" in quotes, answer.answer
    assert "Hamburg is chiefly concerned about cost" in quotes, answer.answer
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def press(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A rail company's press release: an order, its maker, a chief executive's quote and a passengers' group's."""
    return fixture_pipeline("press", tmp_path_factory)


def test_a_speaker_answers_who_only_for_what_they_say_they_do(press: Pipeline) -> None:
    """ "What we need is a train every half hour" has a first-person subject, but not of making trains: its
    speaker is no answer to "Who makes the new trains?"."""
    answer = press.ask("Who makes the new trains?")
    assert "Hegge" not in answer.answer.splitlines()[0], answer.answer


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("Who is the chief financial officer of Halden Rail?", False),  # no one is called a financial officer
        ("Who is the mayor of Drammen?", False),
        ("Who is Halden Rail's marketing executive?", False),  # an executive, but nothing about marketing
        # the role the corpus gives as "Halden Rail's chief executive", and its holder named first
        ("Who is the chief executive of Halden Rail?", True),
        ("Who is the chief executive?", True),
    ],
)
def test_a_role_the_corpus_never_mentions_has_no_holder(
    press: Pipeline, question: str, answered: bool
) -> None:
    answer = press.ask(question)
    assert answer.answerable is answered, answer.answer
    if answered:
        assert answer.answer.startswith("Kari-Anne Solberg [1]."), answer.answer
    else:
        assert "never mentions" in answer.answer


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A club's sale: its chair quoted, a former chair of the supporters quoted, a council leader who is named
    but never speaks, and the council's deputy leader."""
    return fixture_pipeline("club", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # the role the grammar gives her ("The council leader, Helen Morvah, …"), asked with the verb it comes from
        ("Who leads the council?", "Helen Morvah [1]."),
        ("Who chairs the club?", "Ruth Adebayo [1]."),
        ("Who is the deputy leader of the council?", "Colin Tregear [1]."),
        # "still" asks of now, and "who chaired … until last spring" says the role has ended
        ("Is Gareth Pryce still the chair of the supporters' club?", "No [1]."),
        ("Is Ruth Adebayo still the chair of the club?", "Yes [1]."),
    ],
)
def test_who_holds_a_role_is_read_from_the_grammar(club: Pipeline, question: str, lead: str) -> None:
    answer = club.ask(question)
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        ("What did council chair Ruth Adebayo say about the sale?", True),  # she chairs the club
        ("What did club chair Ruth Adebayo say about the sale?", False),
    ],
)
def test_a_role_the_question_gives_a_speaker_wrongly_is_caught(
    club: Pipeline, question: str, wrong: bool
) -> None:
    """A student's misattribution of a role is named, not repeated: her words are not quoted under it."""
    answer = club.ask(question)
    assert answer.answerable is not wrong, answer.answer
    assert ("calls Ruth Adebayo the club's chair, not the council chair" in answer.answer) is wrong, (
        answer.answer
    )
    assert_verbatim(answer)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A Markdown post-incident review whose record fields are set in bold ("**Authors:** …", "**Severity:**
    SEV-1"), an obituary with Vietnamese and German names, its byline naming the writer and her role, a paper
    whose authors are listed under its title with their affiliations' marks, a product recall notice that
    opens with a record ("Company: …", "Hazard: …") and asks its own questions, a mayor's speech titled
    "Remarks by …", an open letter closed by its signatories' rows, a committee's minutes listing who holds
    which role in brackets, an email thread with its headers and signatures, a chronology in Markdown, a
    tenancy agreement of numbered clauses, a router's quick start guide, a medicine's package leaflet, a county
    court's judgment with Turkish, Vietnamese and Norwegian names, a recipe, a review of two e-bikes, a heat pump's
    data sheet, and a trial's structured abstract."""
    return fixture_pipeline("records", tmp_path_factory)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Who wrote the post-incident review?", "Mariana Kovačević and Tomás Ibáñez [1]."),
        # "the review" is named, not "the authors of the review"
        ("Who are the authors of the review?", "Mariana Kovačević and Tomás Ibáñez [1]."),
        ("Who wrote the obituary?", "Élodie Marchand [1]."),  # not her role, "Obituaries Editor"
        ("Who wrote the paper?", "Hannah Okafor, Luis Ferreira-Santos and Mei-Ling Zhou [1]."),
        ("Who delivered the speech?", "Ana Ruiz [1]."),  # "Remarks by Mayor Ana Ruiz at the opening of …"
        ("Who sent the email?", "Ingrid Halvorsen [1]."),  # "From: Ingrid Halvorsen <ingrid.halvorsen@…>"
        (
            "Who signed the letter?",
            "Imani Okoro, Lars Eriksen, Yuki Tanabe and Rafael Quintero [1] [2] [3] [4].",
        ),
    ],
)
def test_a_byline_in_markdown_or_with_a_role_names_the_writers(
    records: Pipeline, question: str, lead: str
) -> None:
    assert_front_matter(records.ask(question), lead)


@pytest.mark.parametrize(
    "question",
    [
        "When was the paper published?",  # "Between 2010 and 2022, 64 districts …" dates what it studied
        "When was the obituary published?",  # "Born in 1944 in Huế" is no dateline
    ],
)
def test_a_date_in_the_opening_prose_does_not_date_the_document(records: Pipeline, question: str) -> None:
    answer = records.ask(question)
    assert not answer.answerable and "does not say when it was written" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("What is the severity of the incident?", "**Severity:** SEV-1"),
        ("Which company issued the recall?", "Company: Brennholt Kitchenware GmbH"),
        ("What is the hazard?", "Hazard: Fire and burn risk"),
        # "who" asks for the doer of an act, whose field the record names after it
        ("Who makes the Aerolux HP-9?", "Manufacturer: Brennvik Climate Systems AB, Gothenburg, Sweden"),
    ],
)
def test_a_field_that_names_what_is_asked_answers_alone(records: Pipeline, question: str, field: str) -> None:
    """A record's field is quoted first, and the next field, another fact, is not quoted with it."""
    answer = records.ask(question)
    assert answer.answerable and answer.citations[0].quote == field, answer.answer
    assert len(answer.citations) == 1 or not answer.citations[1].quote.startswith(("Product:", "**Status")), (
        answer.answer
    )
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("How old was Nguyễn Thị Lan when she died?", "She was 81."),  # a three-word sentence, an age
        ("What was the cause of death?", "the cause was heart failure"),
        # an effect on rates asks for no number: the finding that there was none answers it
        ("What was the effect on graduation rates?", "no significant effect on"),
        # a recipe's facts: a line of them between dots, and an ingredient list's item
        ("How long does the soup take to cook?", "Cook 40 minutes"),
        ("How much red lentils do I need?", "200 g red lentils, rinsed"),
    ],
)
def test_a_short_fact_is_quoted_near_the_top(records: Pipeline, question: str, quoted: str) -> None:
    answer = records.ask(question)
    assert answer.answerable and any(quoted in c.quote for c in answer.citations[:2]), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # "stop" negates what they stop, "using", not the verb coordinated with it
        ("Should customers unplug the kettle?", "Yes [1]."),
        ("Should customers keep using the kettle?", "No [1]."),
        ("Do customers need to unplug the kettle?", "Yes [1]."),  # a need frames the act it governs
        ("Do customers need a receipt?", "No [1]."),  # "A receipt is not required.": one act, two verbs
        # "Avoid drinking alcohol while taking Dolvaxin": avoiding denies what is avoided
        ("Can I drink alcohol while taking Dolvaxin?", "No [1]."),
        ("Did the holiday pay claim succeed?", "No [1]."),  # "The claim for holiday pay fails."
        # "Only the Veloria comes with a rear rack and mudguards": the Tarn does not; of a helmet it says nothing
        ("Does the Tarn come with mudguards?", "No [1]."),
        ("Does the Tarn come with a helmet?", NOT_SAID),
        # the closest sentence asks ("We tested whether …"); the verdict is a later one's ("… modestly improved …")
        ("Did the breakfast programme improve attendance?", "Yes [1]."),
    ],
)
def test_a_negating_verb_denies_what_it_governs_alone(records: Pipeline, question: str, lead: str) -> None:
    answer = records.ask(question)
    assert answer.answer.splitlines()[0].startswith(lead), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # she never speaks: the review's authors' line gives her team in brackets
        ("Who is Mariana Kovačević?", "Mariana Kovačević: Site Reliability [1]."),
        ("Who is Lars Eriksen?", "Lars Eriksen: Nordic Ocean Institute [1]."),  # a signatory's row
        # an email's signature, the name over the role
        ("Who is Ingrid Halvorsen?", "Ingrid Halvorsen: Head of Operations, Nordvik Ferries [1]."),
        # the grammar gives the role ("its operations manager, Mr Søren Ødegaard"); "Mr" is no role
        ("Who is Søren Ødegaard?", "Søren Ødegaard: its operations manager [1]."),
        # asked without its accents, the name is given as written; the courtesy marks it a person's name
        ("Who is Oguz Celik?", "Oğuz Çelik: The Claimant [1]."),
    ],
)
def test_a_role_a_list_gives_answers_who_someone_is(records: Pipeline, question: str, lead: str) -> None:
    answer = records.ask(question)
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Who is the clerk?", "Ruth Penhaligon [1]."),  # "In attendance: Ruth Penhaligon (Clerk), …"
        (
            "Who is the chief engineer?",
            "Matteo Bianchi [1].",
        ),  # an email signed "Matteo Bianchi / Chief Engineer"
        ("Who is the treasurer?", "Grzegorz Nowak [1]."),  # his title "Mr" dropped
        ("Who chaired the meeting?", "Halima Osei [1]."),  # "Mrs Halima Osei (Chair)"
        ("Who is the vice chair?", None),  # a role the minutes give no one
        ("Who was the treasurer in 1998?", None),  # today's list cannot say
        ("Who is the chief engineer of Nordvik Ferries?", "Matteo Bianchi [1]."),  # his email names the firm
        ("Who is Brennmoor County Council's chief engineer?", None),  # no document names the council
    ],
)
def test_a_list_names_who_holds_a_role(records: Pipeline, question: str, lead: str | None) -> None:
    answer = records.ask(question)
    first = answer.answer.splitlines()[0]
    if lead:
        assert first == lead, answer.answer
    else:
        assert not first.startswith(("Halima", "Grzegorz", "Matteo")), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("What is the maximum flow temperature?", "Maximum flow temperature: 65 °C [2]."),
        (
            "What is the lowest outdoor temperature it works at?",
            "Lowest operating outdoor temperature: −25 °C [2].",
        ),
    ],
)
def test_a_data_sheets_row_gives_its_value(records: Pipeline, question: str, lead: str) -> None:
    # "| Maximum flow temperature | 65 °C |" under "| Parameter | Value |": a key and its value, whatever the heads
    answer = records.ask(question)
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert_verbatim(answer)


def test_a_count_is_found_past_a_sentence_that_only_says_many(records: Pipeline) -> None:
    # "How many" asks for an amount; "so many needs" shares the word and not the answer
    answer = records.ask("How many books does the library have?")
    assert answer.answerable and "90,000 books" in answer.citations[0].quote, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("When was the speech delivered?", "3 May 2026 [1]."),
        ("When was the email sent?", "3 June 2025 [1]."),  # "Date: Tuesday, 3 June 2025, 08:14"
        # "This agreement is made on 14 August 2025 between:"
        ("When was the agreement made?", "14 August 2025 [1]."),
        ("Who signed the agreement?", "O. Adeyemi and K. Zielińska [1] [2]."),  # "Signed by the Landlord: …"
    ],
)
def test_a_record_is_dated_and_signed_by_its_own_lines(records: Pipeline, question: str, lead: str) -> None:
    answer = records.ask(question)
    assert answer.answer.splitlines()[0] == lead, answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("heading", "asks"),
    [
        ("## What's in the box", True),
        ("How to reset the router", True),
        ("Why it matters", True),
        ("## Setting up", False),
        ("What we found.", False),  # a sentence, not a heading
    ],
)
def test_a_heading_may_ask_without_its_question_mark(heading: str, asks: bool) -> None:
    assert asking_heading(heading) is asks


def test_a_heading_that_asks_is_answered_by_the_text_under_it(records: Pipeline) -> None:
    # "## How to reset the router" over "To restore the factory settings, hold the reset button …", where "A
    # reset erases your network name …" shares more words with the question
    answer = records.ask("How do I reset the router?")
    assert answer.answerable and answer.citations[0].quote.startswith("To restore the factory settings"), (
        answer.answer
    )
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead", "quoted"),
    [
        ("Can the tenant smoke inside the flat?", "No [1].", "5.3 not to smoke inside the Property;"),
        # "Do not cover the router or place it in a cupboard": the negation covers both verbs
        ("Can I put the router in a cupboard?", "No [1].", "Do not cover the router or place it"),
        (
            "Can I put the router on a shelf?",
            "The corpus does not say.",
            "Do not cover the router or place it",
        ),
    ],
)
def test_a_clause_or_a_rule_answers_alone(records: Pipeline, question: str, lead: str, quoted: str) -> None:
    answer = records.ask(question)
    assert answer.citations[0].quote.startswith(quoted), answer.answer
    assert answer.answer.startswith(lead), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # "tickets … will be refunded in full": the noun after a light verb is the act, which the text writes
        # as a verb
        ("Will passengers get a refund?", "Yes [1]."),
        ("Will passengers get a discount?", None),
    ],
)
def test_a_light_verb_s_noun_is_the_act_asked(records: Pipeline, question: str, lead: str | None) -> None:
    answer = records.ask(question)
    first = answer.answer.splitlines()[0]
    assert first == lead if lead else not first.startswith("Yes"), answer.answer
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("When was the dam built?", "**1957–1961** — The dam is built"),  # a span of years is a date
        ("How long does fitting take?", "fitting takes about a day"),  # "about a day" is a stretch of time
        ("How long will the MV Solvik be out of service?", "until at least Friday 6 June"),  # the day it ends
        ("How much will the new injector cost?", None),  # "one engine" is no sum of money
        ("Where is the default password?", "printed on the same label"),  # a place with no name
    ],
)
def test_a_typed_question_is_answered_by_a_span_of_its_kind(
    records: Pipeline, question: str, quoted: str | None
) -> None:
    answer = records.ask(question)
    if quoted:
        assert answer.answerable and quoted in answer.citations[0].quote, answer.answer
    else:
        assert not answer.answerable, answer.answer
    assert_verbatim(answer)
