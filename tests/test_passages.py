"""Splitting: exact offsets for every sentence and passage, and sensible boundaries in news copy."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from chatbot.grounding.claims import terms
from chatbot.ingest.documents import Document, Page, SourceMeta, load_corpus
from chatbot.ingest.furniture import content_spans
from chatbot.ingest.passages import document_passages, split_sentences
from chatbot.text.normalise import fold, tokens, unwrap, words
from tests.conftest import CORPUS

DOCS, _ = load_corpus(CORPUS)


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_offsets_round_trip_for_every_passage_and_sentence(doc) -> None:
    source = (CORPUS / doc.name).read_bytes().decode("utf-8")
    passages = document_passages(doc, 700)
    assert passages
    for p in passages:
        assert p.text == source[p.start : p.end]
        for s in p.sentences:
            assert p.start <= s.start < s.end <= p.end
            assert source[s.start : s.end] == source[s.start : s.end].strip()


def test_one_line_article_splits_into_sentences_and_headings() -> None:
    doc = next(d for d in DOCS if d.name.startswith("trendkia"))
    text = doc.pages[0].text
    assert text.count("\n") == 0 and len(text) > 7000
    sentences = split_sentences(doc.pages[0], doc.title)
    bodies = [text[s.start : s.end] for s in sentences]
    assert len(sentences) > 50
    assert max(len(b) for b in bodies) < 600
    headings = {b for b, s in zip(bodies, sentences, strict=True) if not s.citable}
    assert {
        "One message stood out",
        "Washington's hard line",
        "The open-weight dilemma",
        doc.title,
    } <= headings
    assert (
        "Yet the Beijing gathering reinforced a different logic: both countries stand to lose if AI is built too fast and too carelessly."
        in bodies
    )
    assert "It was organized by the Beijing Academy of Artificial Intelligence." in bodies
    passages = document_passages(doc, 700)
    assert 8 <= len(passages) <= 20
    assert all(len(p.text) <= 700 for p in passages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It rose in 2013. The U.S. firm agreed.", ["It rose in 2013.", "The U.S. firm agreed."]),
        ("GLM 5.2 and Kimi K2.6 shipped. Both are open.", ["GLM 5.2 and Kimi K2.6 shipped.", "Both are open."]),
        ("Talks remain unfinalized as of May 8. No statement exists.", ["Talks remain unfinalized as of May 8.", "No statement exists."]),
        ('"AI is global," said Casper. He paused.', ['"AI is global," said Casper.', "He paused."]),
        ("Dr. Lin spoke first. Then Mr. Yun replied.", ["Dr. Lin spoke first.", "Then Mr. Yun replied."]),
        # A sentence opening with a capital outside ASCII starts a sentence as "The" does.
        ("The board met. Østergaard chaired it. Łukasz Nowak spoke. Élysée aides left.",
         ["The board met.", "Østergaard chaired it.", "Łukasz Nowak spoke.", "Élysée aides left."]),
        # An abbreviation opening a paragraph (a transcript's "MR." label) ends no sentence either.
        ("Thank you.\n\nMR. YUN: We agree. So do they.", ["Thank you.", "MR. YUN: We agree.", "So do they."]),
        ("Risks ahead: • For users: expect checks. • For teams: audit code.",
         ["Risks ahead:", "For users: expect checks.", "For teams: audit code."]),
        ("  • First bullet point without a stop\n  • Second bullet point, also open",
         ["First bullet point without a stop", "Second bullet point, also open"]),
        # A list set with leader dots, one entry a line, however long: the dots end nothing.
        ("STAFF PRESENT\n  Tomás Ó Briain ....................... General Counsel to the Water Board\n"
         "  Deirdre Fennelly ..................... Clerk of the Board\n",
         ["STAFF PRESENT", "Tomás Ó Briain ....................... General Counsel to the Water Board",
          "Deirdre Fennelly ..................... Clerk of the Board"]),
        ("He paused.... Then he left.", ["He paused....", "Then he left."]),  # an ellipsis is no leader
        # Fields one a line (a Markdown page's front matter, a record's header) are entries, however short the
        # text's lines run.
        ("---\ntitle: Ferry crews vote to strike\nauthor: Siobhán Ní Bhriain\ndate: 2026-03-14\n---\n\n"
         "Crews on the island ferry have voted to strike for 48 hours from 2 April, their union said.\n",
         ["---", "title: Ferry crews vote to strike", "author: Siobhán Ní Bhriain", "date: 2026-03-14", "---",
          "Crews on the island ferry have voted to strike for 48 hours from 2 April, their union said."]),
        # A web page's or paper's reference marks after a stop end the sentence and belong to neither.
        ("It protects 40,000 homes.[1] In 2004 it won. It was big.[12][13] Then more. See [2] here.",
         ["It protects 40,000 homes.", "In 2004 it won.", "It was big.", "Then more.", "See [2] here."]),
        # So does a PDF's footnote number glued to a word's stop; a decimal's point is no stop.
        ("It stays above the target of 85 million litres.1 We replaced 74 km. See section 4.1 The rules.",
         ["It stays above the target of 85 million litres.", "We replaced 74 km.", "See section 4.1 The rules."]),
        ("“They were heard.”2 He left.", ["“They were heard.”", "He left."]),
        # A caption's label opening its line is part of the caption; "Table 2." ending a sentence is not.
        ("See Table 2. It lists the results.\nFigure 3b. A map of the bay at low water.",
         ["See Table 2.", "It lists the results.", "Figure 3b. A map of the bay at low water."]),
    ],
)  # fmt: skip
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    page = Page(None, text, content_spans(text))
    assert [text[s.start : s.end] for s in split_sentences(page)] == expected


@pytest.mark.parametrize(
    ("text", "citable"),
    [
        ("Present:\n  Deirdre Fennelly ........ Clerk\n", [False, True]),
        # Minutes' fields that list people are facts; a heading with a colon is not
        ("Present: Cllr Margaret Oduya (Chair), Cllr Tomasz Wiśniewski, Cllr Elin Haugen\n"
         "In attendance: Sarah Blackwood (Clerk), PCSO Daniel Kerr, 6 members of the public\n"
         "Chapter 3: The Fall of Rome\n", [True, True, False]),
        # a speaker's turn with commas is a sentence: a question is never cited
        ("CHAIR OKONKWO: Madam Clerk, before we open public comment, would you summarise the submissions?\n",
         [False]),
        # a question set in Markdown bold or italics asks all the same, however long
        ("**Q: Can visiting yachts stay overnight on the pontoon if they arrive after the harbour office has "
         "closed?**\n\nYes, if they pay at the machine.\n", [False, True]),
        ("*Why did you choose larch for the planks and oak for the frames, when your grandfather used pine?*\n\n"
         "Larch bends without cracking.\n", [False, True]),
        # A table: its header and rule give context; each data row, however long, is one citable fact.
        ("| Region | Customers in the third quarter of the year | Change |\n|---|---:|---|\n"
         "| North | 310,000 | +2% |\n| South, including the islands and the coastal towns | 455,000 | -1% |\n",
         [False, False, True, True]),
        ("Region | Customers | Change\n--- | --- | ---\nNorth | 310,000 | +2%\n", [False, False, True]),
        # A record's fields, in Markdown bold or not, are facts however short; a lone heading with a colon is not.
        ("**Status:** Final\n**Severity:** SEV-1\n**Owner**: Payments Platform\n", [True, True, True]),
        ("Part two: the delta\n\nThe river floods in May.\n", [False, True]),
        ("Chapter One: The Source\nChapter Two: The Delta\nPart III: The Sea\n", [False, False, False]),
        # A letter's signatories, each with their institution, are facts.
        ("Signed,\n\nDr. Imani Okoro, University of Hallsport\nProf. Lars Eriksen, Nordic Ocean Institute\n",
         [False, True, True]),
        # A three-word sentence states a fact; a photo credit or a page's rights notice does not.
        ("She was 81.\n\nPhoto: Getty Images.\n", [True, False]),
        ("Turnout fell sharply.\n\n© 2025 Grid Weekly. All rights reserved.\n", [True, False, False]),
        # A sentence whose stop is followed by a reference mark is a sentence, not a heading.
        ("The barrier protects about 40,000 homes.[1]\n", [True]),
        # A contract's numbered clauses, each ended by a semicolon, are one fact each, however long the line.
        ("The Tenant agrees:\n5.1 to keep the Property clean and in good condition;\n5.2 not to keep any pets "
         "at the Property without the Landlord's written consent, which will not be unreasonably withheld;\n"
         "5.3 not to smoke inside the Property;\n", [False, True, True, True]),
        # A hex dump's ASCII column is no table.
        ("00000000 4d 49 4d 45 |MIME-Magic..[50:|\n", [False]),
        # A line of short facts between dots is a fact; a title between dots is not.
        ("# Lentil Soup\n\nServes 4 · Prep 15 minutes · Cook 40 minutes\n", [False, True]),
        ("Home · News · Local Politics\n", [False]),
        # A list item that gives a quantity of a thing is a fact; a list of words is not.
        ("## Ingredients\n\n- 200 g red lentils, rinsed\n- 1 tin (400 g) chopped tomatoes\n- Salt and pepper\n",
         [False, True, True, False]),
        ("In the box:\n- 12 V power adapter\n- Quick-start guide\n", [False, True, False]),
        ("## Requirements\n\n- Python 3.10 or newer\n- Version 2 Release Notes\n", [False, True, False]),
    ],
)  # fmt: skip
def test_a_list_or_table_row_is_citable_as_the_fact_it_lists(text: str, citable: list[bool]) -> None:
    page = Page(None, text, content_spans(text))
    sentences = split_sentences(page)
    assert [s.citable for s in sentences] == citable
    assert all("\n" not in text[s.start : s.end] for s in sentences[1:])  # one row, one sentence


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # An email or a letter signed with a name over a role: one fact, who is what.
        ("Thanks,\nIngrid\n\nIngrid Halvorsen\nHead of Operations, Nordvik Ferries\n",
         [("Thanks,", False), ("Ingrid", False), ("Ingrid Halvorsen\nHead of Operations, Nordvik Ferries", True)]),
        ("Matteo Bianchi\nChief Engineer\n", [("Matteo Bianchi\nChief Engineer", True)]),
        # no role under the name, or a byline: two lines
        ("Matteo Bianchi\nNordvik Ferries\n", [("Matteo Bianchi", False), ("Nordvik Ferries", False)]),
        ("By Jane Doe\nSenior Editor\n", [("By Jane Doe", False), ("Senior Editor", False)]),
    ],
)  # fmt: skip
def test_a_signature_gives_the_signers_role(text: str, sentences: list[tuple[str, bool]]) -> None:
    page = Page(None, text, content_spans(text))
    assert [(text[s.start : s.end], s.citable) for s in split_sentences(page)] == sentences


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("It recommends:\n  • Dredge the channel. It is silting up.\n  • Publish the readings.\nThe end.",
         [False, True, False, True, False]),
        ("Risks ahead: • For users: expect checks. • For teams: audit code.", [False, True, True]),
        ("Steps:\n1. Unplug it.\n2) Wait a minute.\n", [False, True, True]),
        # A Word-made PDF's bullets come out as the Symbol font's private-use glyph, or as "●".
        ("Measures:\n\uf0b7 Dredge the channel.\n\uf0b7 Publish the readings.\n", [False, True, True]),
        ("Risks: ● Crews may quit. ● Ships may fail.", [False, True, True]),
        ("A paragraph with no list. Another sentence.", [False, False]),
    ],
)  # fmt: skip
def test_a_sentence_knows_when_it_opens_a_list_item(text: str, items: list[bool]) -> None:
    page = Page(None, text, content_spans(text))
    assert [s.item for s in split_sentences(page)] == items


def test_a_bracketed_url_leaves_no_bracket_behind() -> None:
    text = "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>\nEveryone may copy it.\n"
    page = Page(None, text, content_spans(text))
    assert text[split_sentences(page)[0].start : split_sentences(page)[0].end].endswith("Inc.")


def test_a_title_page_of_names_is_kept_and_later_lone_headings_are_not() -> None:
    """Headings alone make no passage, except on the first page: a title page's authors and date are what
    "who wrote it?" is answered from."""
    title = "Libtasn1\nFabio Fiorina\nSimon Josefsson\n"
    body = "The library parses ASN.1 definitions quickly.\nContents\nIndex\n"
    pages = [Page(n, text, content_spans(text)) for n, text in ((1, title), (2, body))]
    doc = Document(Path("manual.pdf"), "manual.pdf", "0" * 64, SourceMeta(), pages)
    kept = [p.text for p in document_passages(doc, 700)]
    assert kept[0] == title.rstrip("\n") and len(kept) == 2 and "Contents" not in kept[1]


NARROW_COLUMN = (
    "He added that the consortium had\n"
    "offered to fund a compensation scheme worth\n"
    "€3.8 million over five years for boats whose\n"
    "catches fall after the works, an offer the cooper-\n"
    "ative has so far declined.\n"
    "What the tags show\n"
    "Independent evidence is thin. Marine ecologist\n"
    "Nguyễn Thị Lan of the University of Hallsey has\n"
    "spent three seasons tagging young cod.\n"
)


def test_a_narrow_pdf_column_flows_into_whole_sentences() -> None:
    """Lines of a two-column PDF are short (about 45 characters): a line that stops mid-sentence continues,
    a hyphenated line end always continues, and a short line without a full stop is a heading."""
    page = Page(1, NARROW_COLUMN, content_spans(NARROW_COLUMN))
    sentences = [(NARROW_COLUMN[s.start : s.end], s.citable) for s in split_sentences(page)]
    assert sentences[0][0].startswith("He added") and sentences[0][0].endswith("so far declined.")
    assert ("What the tags show", False) in sentences
    assert [s for s, _ in sentences][-2:] == [
        "Independent evidence is thin.",
        "Marine ecologist\nNguyễn Thị Lan of the University of Hallsey has\nspent three seasons tagging young cod.",
    ]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("an offer the cooper-\native has declined", "an offer the cooperative has declined"),
        ("the Marseille-based lawyer", "the Marseille-based lawyer"),
        ("a soft\nline   break", "a soft line break"),
        ("the 1950–\n1953 survey", "the 1950– 1953 survey"),
        ("once in a one-in-a-\nhundred-year flood", "once in a one-in-a-hundred-year flood"),
    ],
)
def test_unwrap_joins_line_end_hyphens_for_matching_and_display(text: str, plain: str) -> None:
    assert unwrap(text) == plain


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        (
            "not yet confirmed in writing.2 If",
            ["yet", "confirmed", "writing", "2"],
        ),  # a footnote mark is no part of a word
        ("ASN.1 in libtasn1 3.7", ["asn.1", "libtasn1", "3.7"]),
        # "many" only asks for the amount: "so many needs" must not match "How many books …?"
        ("How many books does the library have?", ["book", "library"]),
        ("How much did so many donors give?", ["many", "donor", "give"]),
    ],
)
def test_search_terms_keep_dotted_names_and_drop_footnote_marks(text: str, terms: list[str]) -> None:
    assert tokens(text) == terms


@pytest.mark.parametrize(
    ("text", "folded", "split"),
    [
        ("Hervé Lemaître", "herve lemaitre", ["herve", "lemaitre"]),
        (unicodedata.normalize("NFD", "José Muñoz"), "jose munoz", ["jose", "munoz"]),  # a PDF's accents
        ("Ọláolúwa Adébáyọ̀", "olaoluwa adebayo", ["olaoluwa", "adebayo"]),  # a dot below and a grave on one o
    ],
)
def test_accents_fold_away_composed_or_not(text: str, folded: str, split: list[str]) -> None:
    assert fold(text) == folded
    assert words(text) == split


@pytest.mark.parametrize("read", [tokens, terms])
def test_a_caller_may_change_the_terms_it_was_given(read: Callable[[str], list[str]]) -> None:
    """Terms are cached per text (the composer reads the same sentences for every question): what one caller
    does to its list must not reach the next."""
    first = read("Casper warned about a Chernobyl moment.")
    assert {"casper", "warned", "chernobyl", "moment"} <= set(first)
    kept = list(first)
    first.clear()
    assert read("Casper warned about a Chernobyl moment.") == kept
