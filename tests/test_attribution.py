"""Who said what: small news paragraphs, exact offsets over the real corpus, and a gate on the gold set."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from chatbot.evaluation.checks import match_gold, spans_match
from chatbot.grounding.attribution import (
    Attribution,
    extract,
    extract_corpus,
    from_records,
    people_by_role,
    speakers_match,
    to_records,
)
from chatbot.grounding.roles import listed_holder, listed_role, misassigned, stated_holder, written_name
from chatbot.grounding.turns import asks, document_turns, page_turns, spoken_part
from chatbot.ingest.documents import Document, Page, SourceMeta, load_corpus
from chatbot.ingest.furniture import content_spans
from chatbot.text.nlp import person_roles
from tests.conftest import CORPUS, ROOT

DOCS, _ = load_corpus(CORPUS)
GOLD = [
    json.loads(line) for line in (ROOT / "evals" / "attributions_gold.jsonl").read_text().splitlines() if line
]
# Measured on the shipped corpus: 48 of 49 gold rows found, 48 of 49 extractions correct. The one miss is
# a metonymy ("Beijing ... demanding" labelled as the Chinese delegation), left unhacked on purpose.
MEASURED_PRECISION = 0.979
MEASURED_RECALL = 0.979


def news(text: str, author: str = "") -> Document:
    """An in-memory one-page article, as load_corpus would build it."""
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        Path("story.txt"),
        "story.txt",
        sha,
        SourceMeta(author=author),
        [Page(None, text, content_spans(text))],
    )


def triples(doc: Document) -> set[tuple[str, str, str]]:
    return {(a.speaker, a.kind, a.text) for a in extract(doc)}


CASES = [
    pytest.param(  # a participle after the article is an adjective: the apposition is the speaker's role
        "Piotr Nowak, a retired bus driver, said he had waited for the vote.",
        {("Piotr Nowak", "paraphrase", "he had waited for the vote")},
        id="participle-in-apposition",
    ),
    pytest.param(  # two people of one surname: "she" and "he" point to the one just named, never the other
        "Anna Kowalczyk, who runs a bread stall, said she feared losing customers. “Eighteen months is long,” "
        "she said.\n\nPiotr Kowalczyk, a retired bus driver, said he had waited for years. “I’m buying the "
        "first ticket,” he said.",
        {
            ("Anna Kowalczyk", "paraphrase", "she feared losing customers"),
            ("Anna Kowalczyk", "direct_quote", "Eighteen months is long"),
            ("Piotr Kowalczyk", "paraphrase", "he had waited for years"),
            ("Piotr Kowalczyk", "direct_quote", "I’m buying the first ticket"),
        },
        id="two-of-one-surname",
    ),
    pytest.param(  # particles that open a surname, in small letters or a capital; a hyphened "al-"
        "Pieter van der Linde, who chaired the committee, voted for it. “It may climb again,” van der Linde "
        "said. Van der Linde told local radio that the budget was tight. “Nobody wanted this,” said Yousef "
        "al-Haddad, the union's general secretary. Al-Haddad said the union would strike again.",
        {
            ("Pieter van der Linde", "direct_quote", "It may climb again"),
            ("Pieter van der Linde", "paraphrase", "the budget was tight"),
            ("Yousef al-Haddad", "direct_quote", "Nobody wanted this"),
            ("Yousef al-Haddad", "paraphrase", "the union would strike again"),
        },
        id="name-particles",
    ),
    pytest.param(  # "he" after a sentence opening "Al-Haddad" is al-Haddad, not the man named before him
        "“Nobody wanted this,” said Yousef al-Haddad. The medical director, Dr Rajesh Menon, did not speak to "
        "reporters.\n\nAl-Haddad said he would go to the meeting. “We will bring our lawyers,” he said.",
        {
            ("Yousef al-Haddad", "direct_quote", "Nobody wanted this"),
            ("Yousef al-Haddad", "paraphrase", "he would go to the meeting"),
            ("Yousef al-Haddad", "direct_quote", "We will bring our lawyers"),
        },
        id="capitalised-particle-opens-a-sentence",
    ),
    pytest.param(  # "Ó" is no initialism; an age in commas introduces the person "she" points back to
        "Siobhán Ó Briain said the money was wasted. Among those who stayed was Guðrún Hafsteinsdóttir, 82, "
        "a retired teacher. “I was born here,” she told the Herald.",
        {
            ("Siobhán Ó Briain", "paraphrase", "the money was wasted"),
            ("Guðrún Hafsteinsdóttir", "direct_quote", "I was born here"),
        },
        id="irish-name-and-age",
    ),
    pytest.param(  # a quotation of several sentences goes on in the words of the one quoted before it, over a
        # paragraph break when the paragraph ends with no closing mark; one closed by a comma is credited there
        "“It kept the club alive,” Eilidh MacAskill said. “But gratitude is not a plan. We want it in writing.”\n\n"
        '"Nobody wanted this," said Yousef al-Haddad. "They wanted the wards. Nobody listened.\n\n'
        '"So this is what it costs. Two days."\n\n'
        "“It is late. We know it,” said Brendan Kiely.",
        {
            ("Eilidh MacAskill", "direct_quote", "It kept the club alive"),
            ("Eilidh MacAskill", "direct_quote", "But gratitude is not a plan. We want it in writing"),
            ("Yousef al-Haddad", "direct_quote", "Nobody wanted this"),
            ("Yousef al-Haddad", "direct_quote", "They wanted the wards. Nobody listened"),
            ("Yousef al-Haddad", "direct_quote", "So this is what it costs. Two days"),
            ("Brendan Kiely", "direct_quote", "It is late. We know it"),
        },
        id="quotation-over-sentences-and-paragraphs",
    ),
    pytest.param(  # a time's colon ends no clause; a trust is no person for "she" to point to
        "Lava broke through at 21:40 on Saturday, according to the Varnholm Observatory. The Saltmere Supporters’ "
        "Trust welcomed the sale. Nguyễn Thị Lan, 51, grew up in Saltmere. She told the Chronicle that the stand "
        "would reopen.",
        {
            ("Varnholm Observatory", "institutional", "Lava broke through at 21:40 on Saturday"),
            ("Nguyễn Thị Lan", "paraphrase", "the stand would reopen"),
        },
        id="time-and-organisation",
    ),
    pytest.param(  # an age in commas is no name; a named addressee comes before "that"
        "Its head, Kjell Ingebrigtsen, 67, told Reuters that the seabed was not empty. He added that fishing "
        "towns depended on cod.",
        {
            ("Kjell Ingebrigtsen", "paraphrase", "the seabed was not empty"),
            ("Kjell Ingebrigtsen", "paraphrase", "fishing towns depended on cod"),
        },
        id="age-apposition",
    ),
    pytest.param(  # a full name, then where the person works
        "Dr. Ingrid Ødegård of the Norwegian Institute of Marine Research said the vents were poorly mapped.",
        {("Ingrid Ødegård", "paraphrase", "the vents were poorly mapped")},
        id="name-of-institution",
    ),
    pytest.param(  # only when and where it was said follows the cue: what was said is the clause before
        "Norway has postponed the licensing round, the minister said on Thursday. The party had demanded the "
        "delay, party leader Kirsti Bergstø wrote on Facebook.",
        {
            ("minister", "paraphrase", "Norway has postponed the licensing round"),
            ("Kirsti Bergstø", "paraphrase", "The party had demanded the delay"),
        },
        id="said-on-a-day",
    ),
    pytest.param(  # a reporting clause of its own: what follows its comma was said
        "Jonas Berg chairs the board. First, as Berg said earlier, the drawdown will make the water unsafe.",
        {("Jonas Berg", "paraphrase", "the drawdown will make the water unsafe")},
        id="as-he-said-earlier",
    ),
    pytest.param(  # the subject of "warned" is two groups, and no quantifier stands for the clause before
        "Norway has postponed the round, after fishing groups and environmental organisations warned that the "
        "plan was rushed.",
        set(),
        id="no-quantifier",
    ),
    pytest.param(  # a title of two words, the second no title alone: no part of the name
        'Chief Executive Ingrid Haugland said the company "will not chase growth."',
        {
            ("Ingrid Haugland", "paraphrase", 'the company "will not chase growth."'),
            ("Ingrid Haugland", "direct_quote", "will not chase growth"),
        },
        id="two-word-title",
    ),
    pytest.param(
        '"The harbour will reopen in May," said Marta Okonkwo, chair of the harbour authority.',
        {("Marta Okonkwo", "direct_quote", "The harbour will reopen in May")},
        id="quote-then-said-name",
    ),
    pytest.param(
        'Marta Okonkwo, a civil engineer, expects traffic to double. "We are ready," she said. "The cranes arrive next week."',
        {
            ("Marta Okonkwo", "paraphrase", "traffic to double"),
            ("Marta Okonkwo", "direct_quote", "We are ready"),
            ("Marta Okonkwo", "direct_quote", "The cranes arrive next week"),
        },
        id="pronoun-and-continued-quote",
    ),
    pytest.param(
        "Port official Jonas Berg warned that storms could delay the work. Even with new cranes, Berg argued, "
        "the port needs more staff. Later, Berg said the budget was safe.",
        {
            ("Jonas Berg", "paraphrase", "storms could delay the work"),
            ("Jonas Berg", "paraphrase", "the port needs more staff"),
            ("Jonas Berg", "paraphrase", "the budget was safe"),
        },
        id="surname-resolves-to-full-name",
    ),
    pytest.param(
        "The ferry carried 4,000 passengers last year, according to the harbour authority.",
        {("harbour authority", "institutional", "The ferry carried 4,000 passengers last year")},
        id="according-to-after",
    ),
    pytest.param(
        "According to port records, the quay was built in 1904.",
        {("port records", "paraphrase", "the quay was built in 1904")},
        id="according-to-before",
    ),
    pytest.param(
        "The Ministry of Transport said it had approved the new timetable.",
        {("Ministry of Transport", "institutional", "it had approved the new timetable")},
        id="institution-said-it-had",
    ),
    pytest.param(
        "Foreign Ministry spokesperson Ana Lind confirmed that the talks would resume.",
        {("Ana Lind", "institutional", "the talks would resume")},
        id="spokesperson-speaks-for-ministry",
    ),
    pytest.param(
        'Critics accused the council of a "cover-up" over its "green harbour" plan.',
        {
            ("critics", "paraphrase", 'the council of a "cover-up" over its "green harbour" plan'),
            ("critics", "direct_quote", "cover-up"),
        },
        id="scare-quote-but-not-a-possessed-name",
    ),
    pytest.param(
        "The council approved the plan and warned that fares would rise.",
        {("council", "institutional", "fares would rise")},
        id="coordinated-verb-inherits-subject",
    ),
    pytest.param(
        "Fares will rise next year, the council said.",
        {("council", "institutional", "Fares will rise next year")},
        id="trailing-attribution",
    ),
    pytest.param(
        "The design rests on the work of\nZoë Kowalczyk, a hydrologist at the trust. “The 2022 flood\nwas not "
        "a freak,” Kowalczyk said. “On our re-\ncords, a flow that used to be rare now comes\nevery thirty years.”",
        {
            ("Zoë Kowalczyk", "direct_quote", "The 2022 flood\nwas not a freak"),
            (
                "Zoë Kowalczyk",
                "direct_quote",
                "On our re-\ncords, a flow that used to be rare now comes\nevery thirty years",
            ),
        },
        id="hard-wrapped-quotes-and-a-surname-introduced-unquoted",
    ),
    pytest.param(
        "Dana Reyes said the pier was safe. The report was signed by a Mr. Albrecht Vogel in 1987. "
        "In his report, he wrote that the drains would fail.",
        {
            ("Dana Reyes", "paraphrase", "the pier was safe"),
            ("Albrecht Vogel", "paraphrase", "the drains would fail"),
        },
        id="pronoun-to-a-person-named-after-an-honorific",
    ),
    pytest.param(
        "Dana Reyes said the pier was safe. The survey was signed by Dr Ólafur Sigurðsson. "
        "In it, he wrote that the stock had collapsed.",
        {
            ("Dana Reyes", "paraphrase", "the pier was safe"),
            ("Ólafur Sigurðsson", "paraphrase", "the stock had collapsed"),
        },
        id="honorific-before-a-name-in-any-script",
    ),
    pytest.param(
        "Dana Reyes said the works were late. For Małgorzata Wójcik, who chairs the flood group, the scheme "
        "cannot come soon enough. “Half the street stops sleeping,” she said.",
        {
            ("Dana Reyes", "paraphrase", "the works were late"),
            ("Małgorzata Wójcik", "direct_quote", "Half the street stops sleeping"),
        },
        id="pronoun-to-a-person-introduced-with-who",
    ),
    pytest.param(
        "“We are designing for the river of 2080,” said Siobhán Ní Bhriain, the chief engineer. "
        "“The walls would be higher,” Ní Bhriain added.",
        {
            ("Siobhán Ní Bhriain", "direct_quote", "We are designing for the river of 2080"),
            ("Siobhán Ní Bhriain", "direct_quote", "The walls would be higher"),
        },
        id="two-word-surname-is-the-full-name",
    ),
    pytest.param(
        "The tagging study is led by Nguyễn Thị Lan of the university. “Few young fish are coming back,” "
        "said Nguyễn.",
        {("Nguyễn Thị Lan", "direct_quote", "Few young fish are coming back")},
        id="family-name-first-introduced",
    ),
    pytest.param(
        "The museum, which welcomed 310,000 visitors in 2023, expects the new display to lift attendance.",
        set(),  # the subject behind the relative clause is missed; "310" must not stand in for it
        id="a-number-is-no-speaker",
    ),
    pytest.param(
        "Freight companies argue that larger ships will bypass the port. 2 The harbour office has not costed "
        "the plan; it said figures would follow.",
        {
            ("Freight companies", "institutional", "larger ships will bypass the port"),
            ("harbour office", "institutional", "figures would follow"),
        },
        id="it-is-the-subject-of-the-earlier-clause",
    ),
    pytest.param(
        "The Sovereign Fear\n\nBeijing said the talks would resume.",
        {("Beijing", "institutional", "the talks would resume")},
        id="a-heading-above-is-no-first-name",
    ),
    pytest.param(  # particles between the capitalised words: the name whole, not "Berg" with "Judge Maarten van der"
        "Judge Maarten van der Berg said the survey data were eleven years old.",
        {("Maarten van der Berg", "paraphrase", "the survey data were eleven years old")},
        id="a-name-with-particles",
    ),
    pytest.param(  # "O'Neill" is a name's word: "she" is O'Neill, not the judge quoted before her
        "Judge Maarten van der Berg ordered a new study. “We respect the decision,” said Sanne O'Neill, a "
        "spokeswoman for the port. She said the authority would decide within a month whether to appeal.",
        {
            ("Maarten van der Berg", "paraphrase", "a new study"),
            ("Sanne O'Neill", "direct_quote", "We respect the decision"),
            ("Sanne O'Neill", "paraphrase", "the authority would decide within a month whether to appeal"),
        },
        id="she-after-a-name-with-an-apostrophe",
    ),
    pytest.param(  # "who" hangs on the operators, not on the sentence's subject (or its dateline)
        "ROTTERDAM — A district court on Tuesday suspended the plan, siding with 212 fishing operators who "
        "argued that the port had ignored the damage.",
        set(),
        id="who-hangs-on-the-noun-before-it",
    ),
    pytest.param(  # two given names: the surname alone is the one person introduced in full
        "The research was led by José María Olazábal of the University of Córdoba. “Farmers have adapted, "
        "but not enough,” Olazábal said. He added that irrigation had helped.",
        {
            ("José María Olazábal", "direct_quote", "Farmers have adapted, but not enough"),
            ("José María Olazábal", "paraphrase", "irrigation had helped"),
        },
        id="a-surname-after-two-given-names",
    ),
    pytest.param(  # the name in apposition speaks, particles and all; a title before a name is its role
        "The union welcomed the findings. Its spokesman, Antonio de la Vega, said small farms could not pay. "
        "Co-author Wang Lei, an agronomist, said the team had expected smaller losses.",
        {
            ("Antonio de la Vega", "institutional", "small farms could not pay"),
            ("Wang Lei", "paraphrase", "the team had expected smaller losses"),
        },
        id="a-name-in-apposition-after-a-role",
    ),
    pytest.param(
        "The court sided with Pieter Hoekstra, a lawyer for the fishermen, who argued that the study was "
        "outdated.",
        {("Pieter Hoekstra", "paraphrase", "the study was outdated")},
        id="who-after-an-apposition-is-the-name",
    ),
    pytest.param(  # the words before "said" are the relative clause's; the subject before "who" speaks
        "Officials who spoke to reporters said the repairs would cost about €3 million.",
        {("officials", "institutional", "the repairs would cost about €3 million")},
        id="a-relative-clause-between-the-subject-and-the-verb",
    ),
    pytest.param(  # a cleft sentence: the name after "it was" acts, and "it" stands for no earlier speaker; a
        # title held in second place is no part of a name
        "Vice-Chair Søren Halvorsen said the minutes were wrong. It was Director Małgorzata Wiśniewska who "
        "proposed the twenty-year term.",
        {
            ("Søren Halvorsen", "paraphrase", "the minutes were wrong"),
            ("Małgorzata Wiśniewska", "paraphrase", "the twenty-year term"),
        },
        id="a-cleft-sentence-names-who-acts",
    ),
    pytest.param(  # the reflexive stresses the name: no part of it
        "Vice-Chair Søren Halvorsen chaired the session. Halvorsen himself argued for a twenty-year term.",
        {("Søren Halvorsen", "paraphrase", "a twenty-year term")},
        id="a-name-stressed-by-himself",
    ),
    pytest.param(  # after the verb, a role and then the name in apposition: the name speaks
        "\"This is the largest investment in the line's history,\" said Halden Rail's chief executive, "
        "Kari-Anne Solberg.",
        {("Kari-Anne Solberg", "direct_quote", "This is the largest investment in the line's history")},
        id="a-role-after-the-verb-then-the-name",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The cooperative says the grounds are where young cod gather.\n\n"
            "“They drew a line through the one place our boats have fished.”\n"
            "— Ingrid Þórsdóttir, chair of the Fishers’ Cooperative\n\n"
            "The harbour master disagreed.",
            {("Ingrid Þórsdóttir", "chair of the Fishers’ Cooperative")},
            id="pull-quote",
        ),
        pytest.param(
            '"We will not polish it," said Katarzyna Łęcka, the conservator.\n\n'
            '"Every scratch is part of its story."\n'
            "– Ayşe Yılmaz\n",
            {("Katarzyna Łęcka", "the conservator"), ("Ayşe Yılmaz", "")},
            id="the-credit-line-outranks-the-last-speaker",
        ),
        pytest.param(
            "“Nobody came to ask us.”\n— page 4\n",
            set(),
            id="a-dash-line-without-a-name-credits-no-one",
        ),
        pytest.param(  # a PDF column's next heading and sentence run on from the credit line: no part of it
            "The farmers disagree.\n\n“They are asking us to be the sponge for the town.”\n"
            "— Jürgen Hoßfeld, farmer, Haddon Carr\nThe farm that takes the water\n"
            "At Haddon Carr the mood is very different.\n",
            {("Jürgen Hoßfeld", "farmer, Haddon Carr")},
            id="the-credit-line-ends-with-its-line",
        ),
    ],
)
def test_a_quotation_credited_on_the_line_below_is_that_persons(
    text: str, expected: set[tuple[str, str]]
) -> None:
    """A pull quote, epigraph or block quote is credited by a dash and a name on the next line."""
    found = extract(news(text))
    assert {(a.speaker, a.role) for a in found if a.kind == "direct_quote"} == expected
    assert all(a.text.strip() and a.text == news(text).pages[0].text[a.start : a.end] for a in found)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_extracts_speaker_kind_and_span(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert triples(news(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The plan was described as ambitious by the board.",
        "Who said the harbour would close?",
        "The proposed quay will be longer than the old one.",
        "What the minister said was unclear.",
        "The study cited in the report is ten years old.",
        "Both countries recognized that the treaty had failed.",
        "I did not say the dredging would empty the reserve.",  # "I" is no name: whoever speaks the line
        "Thank you. I'll say a few words myself before we vote.",  # nor "I'll", the pronoun and its "will"
        "Residents spoke at length. But I have to say, people are frightened.",  # nor "But I"
        "The sea can't be fought. You argue with it before it arrives, not after.",  # nor "you"
    ],
)
def test_no_attribution_where_nobody_speaks(text: str) -> None:
    assert extract(news(text)) == []


def test_roles_come_from_appositions_and_titles() -> None:
    doc = news(
        "Lena Park, a professor at the maritime college, said the tides were rising. "
        "Harbour master Tom Reyes said the pier was safe. "
        "Mr Søren Ødegaard told the court that the system had failed."  # a courtesy is no role
    )
    roles = {a.speaker: a.role for a in extract(doc)}
    assert roles == {
        "Lena Park": "a professor at the maritime college",
        "Tom Reyes": "Harbour master",
        "Søren Ødegaard": "",
    }


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        # what follows the role in small letters is about the saying: where, how, when
        ("the council’s chief engineer, at the launch in the town hall.", "the council’s chief engineer"),
        ("a spokeswoman for the port, in a statement.", "a spokeswoman for the port"),
        ("director, Office of Rail Safety.", "director, Office of Rail Safety"),  # a capital goes on
        ("a computer scientist at MIT who spoke by video.", "a computer scientist at MIT who spoke by video"),
    ],
)
def test_a_role_after_the_verb_ends_where_the_saying_goes_on(sentence: str, role: str) -> None:
    doc = news(f"“We are designing for the river of 2080,” said Siobhán Ní Bhriain, {sentence}")
    assert [(a.speaker, a.role) for a in extract(doc)] == [("Siobhán Ní Bhriain", role)]


def test_article_author_is_carried_from_metadata() -> None:
    doc = news("The council said fares would rise.", author="R. Byrne")
    assert {a.article_author for a in extract(doc)} == {"R. Byrne"}


HEARING = ROOT / "tests" / "fixtures" / "hearing" / "harbour-board.txt"


def test_a_transcript_turn_is_its_labelled_speakers_words() -> None:
    """Each paragraph after "NAME (Role):" is that speaker's, up to the next label; a short label later in the
    record ("MR. WÓJCIK:") is the same person; stage directions are nobody's; a heading ends the turn."""
    text = HEARING.read_text(encoding="utf-8")
    turns = {(t.speaker, t.role, text[t.start : t.end]) for t in page_turns(text)}
    assert (
        "Tomasz Wójcik",
        "Harbour Master",
        "Below four metres the ferry can no longer berth at low tide.",
    ) in turns
    assert any(s == "Tomasz Wójcik" and said.startswith("If I may add one thing") for s, _, said in turns)
    assert {(s, r) for s, r, _ in turns} == {
        ("Ingrid Solberg", "Chair"),
        ("Tomasz Wójcik", "Harbour Master"),
        ("Amara Okafor", "Finance Officer"),
    }
    said = {t for _, _, t in turns}
    assert "[inaudible]" not in said
    assert not any("residents wrote in" in t for t in said)  # after the "PUBLIC COMMENT" heading
    quotes = {(a.speaker, a.kind, a.text) for a in extract(news(text))}
    assert {("Tomasz Wójcik", "direct_quote", t) for s, _, t in turns if s == "Tomasz Wójcik"} <= quotes


@pytest.mark.parametrize(
    "text",
    [
        "NOTE: fares change in May.\n\nWARNING: the pier is closed.\n\nSUMMARY: see above.\n\nNOTE: again.",
        "Date: 3 March\n\nPlace: Quay Street\n\nChair: Ingrid Solberg\n\nTime: 18:00",
        "The exchange was short.\n\nREYES: We are ready.\n\nPARK: So are we.",  # two labels: a quotation
        "REYES: We are ready.\n\nREYES: Still ready.\n\nREYES: Ready.",  # one voice: a list, not a hearing
        # a manual's definition list: upper-case field names, no honorific, title or role marks a person
        "INTEGER: VALUE must contain a two's complement integer.\n\nBOOLEAN: VALUE must be TRUE or FALSE."
        "\n\nOBJECT IDENTIFIER: VALUE must be a dotted string.\n\nANY: VALUE is the DER encoding.",
        # a schedule's times head items that never come back: no recording
        "09:00 Welcome Address: The mayor opens the day.\n\n10:30 Keynote Speech: Dr. Ortega on seagrass."
        "\n\n12:00 Lunch Break: In the main hall.\n\n14:00 Panel Discussion: Three guests.",
    ],
    ids=["field-labels", "ordinary-case", "two-labels", "one-speaker", "definition-list", "agenda"],
)
def test_no_turns_where_the_text_is_not_a_transcript(text: str) -> None:
    assert page_turns(text) == []


BRIEFING = (
    "Speakers: Aigerim Sadykova, Race Director; Dr. João Falcão, Medical Director\n\n"
    "MS. SADYKOVA: Good afternoon. I closed the course at 11:40.\n\n"
    "Q (Henrik Dahl, Kallmora Evening Post): Why didn't you move the start earlier?\n\n"
    "MS. SADYKOVA: The start time is fixed in our permit.\n\n"
    "Q: Are any of the runners in a serious condition?\n\n"
    "DR. FALCÃO: No. All fourteen are stable.\n\n"
    "MS. SADYKOVA: Thank you all.\n"
)


def test_a_question_from_the_floor_ends_the_turn_and_is_its_askers() -> None:
    """A briefing's "Q:" is no speaker's label of the kind "MS. SADYKOVA:" is, but it ends her turn: the question
    after it is the reporter's the bracket names, or no one's. A label's surname is the full name the list of
    speakers gives, with its role."""
    doc = news(BRIEFING)
    said = {(a.speaker, a.role, a.text) for a in extract(doc)}
    assert ("Henrik Dahl", "Kallmora Evening Post", "Why didn't you move the start earlier?") in said
    assert ("João Falcão", "Medical Director", "No. All fourteen are stable.") in said
    assert ("Aigerim Sadykova", "Race Director", "The start time is fixed in our permit.") in said
    spoken = {text for _, _, text in said}
    assert "Are any of the runners in a serious condition?" not in spoken  # nobody is named as asking it


@pytest.mark.parametrize(
    "label",
    ["[{time}] {name}: ", "{time} {name}: ", "{name} ({time}): ", "{name}  {time}\n"],
    ids=["time-first", "bare-time-first", "time-after", "own-line"],
)
def test_a_recordings_stamped_turns_are_its_speakers_words(label: str) -> None:
    """A podcast's or video call's transcript stamps each turn with its time and writes names in ordinary case;
    the time marks the line as a turn, so a single name speaks too. Its introduction says who is who."""
    turns = [
        ("00:00:05", "Mairead Quinlan", "Why now?"),
        ("00:00:21", "Lan", "Because the roof is failing."),
        ("00:00:44", "Mairead Quinlan", "How many stallholders are there?"),
        ("00:00:47", "Lan", "Thirty-one at the moment."),
    ]
    intro = "Host: Mairead Quinlan. Guest: Nguyễn Thị Lan (chair, Southside Traders' Association).\n\n"
    text = intro + "\n\n".join(label.format(time=t, name=n) + said for t, n, said in turns)
    assert [(t.speaker, text[t.start : t.end]) for t in page_turns(text)] == [(n, s) for _, n, s in turns]
    # the introduction gives the roles: in brackets after a name spaCy may not know, or by its grammar
    roles = {"Mairead Quinlan": "Host", "Lan": "chair, Southside Traders' Association"}
    assert {t.speaker: t.role for t in page_turns(text)} == roles
    assert spoken_part(label.format(time="00:00:47", name="Lan") + "Thirty-one.") == "Thirty-one."


INTERVIEW = ROOT / "tests" / "fixtures" / "interview" / "interview.txt"


def test_an_interviews_answers_are_the_interviewees_words() -> None:
    """ "Q:" and "A:" name no one: the introduction does ("The city's mayor, Aino Virtanen, spoke to our reporter
    Marcus Oyelaran"). The answers are the mayor's, the questions the reporter's, and the story told after the
    last answer is no one's turn."""
    text = INTERVIEW.read_text(encoding="utf-8")
    turns = page_turns(text)
    said = {(t.speaker, t.label, text[t.start : t.end]) for t in turns}
    assert ("Aino Virtanen", "A", "Test runs start in September. If they go well, the first passengers will "
            "travel in March 2028.") in said  # fmt: skip
    assert ("Marcus Oyelaran", "Q", "What will it cost in the end?") in said
    assert {(t.speaker, t.role) for t in turns} == {
        ("Aino Virtanen", "The city's mayor"),
        ("Marcus Oyelaran", "our reporter"),
    }
    assert not any("congestion charge" in t for _, _, t in said)
    quotes = {(a.speaker, a.text) for a in extract(news(text)) if a.kind == "direct_quote"}
    assert ("Aino Virtanen", "I understand that view, but buses are stuck in the same traffic as cars. The tram "
            "will carry 40,000 people a day.") in quotes  # fmt: skip


QA = "Q: Why is it late?\n\nA: The tunnel took longer.\n\nQ: And the cost?\n\nA: It is 365 million.\n"


def test_an_interview_on_two_pages_ends_only_after_its_last_answer() -> None:
    """A page's last answer runs to the page's end; only the document's last answer stops at its paragraph."""
    intro = "Aino Virtanen talked to us about the tram.\n\n"
    first = intro + QA + "\nThe tunnel flooded twice.\n"
    second = "Q: Anything else?\n\nA: No.\n\nThe mayor left for a council meeting.\n"
    turns = document_turns([first, second])
    assert [first[t.start : t.end] for t in turns[0]][-1] == "The tunnel flooded twice."
    assert [second[t.start : t.end] for t in turns[1]] == ["No."]


@pytest.mark.parametrize(
    ("intro", "speakers"),
    [
        pytest.param("Aino Virtanen talked to us about the tram.", {"Aino Virtanen"}, id="no-reporter-named"),
        pytest.param(
            "By Lena Hartmann\n\nAino Virtanen talked about the tram.", {"Aino Virtanen"}, id="a-byline"
        ),
        pytest.param(
            "Aino Virtanen and Pekka Lindqvist disagree about the tram.", set(), id="two-guests-credit-no-one"
        ),
        pytest.param("The mayor talked to us about the tram.", set(), id="no-one-named"),
    ],
)
def test_an_interview_credits_only_the_one_guest_its_introduction_names(
    intro: str, speakers: set[str]
) -> None:
    """A guess at who answers would be a misattribution: two people in the introduction, or none, credit no one.
    With no reporter named the questions are no one's."""
    assert {t.speaker for t in page_turns(f"{intro}\n\n{QA}")} == speakers


MAGAZINE = ROOT / "tests" / "fixtures" / "interview" / "magazine.txt"


def test_a_magazine_interview_without_labels_is_the_interviewees_words() -> None:
    """A magazine sets its questions as paragraphs of their own, with no "Q:" and "A:". The answers, in the first
    person, are the words of the one person the introduction is about; the visitor who asks, the photographer
    credited and the story told after the last answer are no one's turn."""
    text = MAGAZINE.read_text(encoding="utf-8")
    turns = page_turns(text)
    assert {t.speaker for t in turns} == {"Sunniva Krogstad"}
    said = [text[t.start : t.end] for t in turns]
    assert "Never. A fibreglass boat is quicker to make, but I would not enjoy one hour of it." in said
    assert not any(s.endswith("?") or "four-oared" in s or "Photographs" in s for s in said)
    quotes = {(a.speaker, a.text) for a in extract(news(text))}
    assert any(speaker == "Sunniva Krogstad" and "Larch bends" in said for speaker, said in quotes)
    # printed on two pages, each page's answers are found at their own offsets
    cut = text.index("Which wood")
    pages = [text[:cut].rstrip("\n"), text[cut:]]
    on_pages = [
        page[t.start : t.end] for page, turns in zip(pages, document_turns(pages), strict=True) for t in turns
    ]
    assert on_pages == said


def test_a_markdown_interview_may_set_its_questions_in_bold() -> None:
    """The same interview as a Markdown page, each question in bold: the same answers are hers."""
    text = MAGAZINE.read_text(encoding="utf-8")
    asked = [p for p in text.split("\n\n") if p.endswith("?")]
    bold = text
    for question in asked:
        bold = bold.replace(f"\n\n{question}\n\n", f"\n\n**{question}**\n\n")
    assert bold.count("?**") == len(asked) >= 3
    answers = [text[t.start : t.end] for t in page_turns(text)]
    assert [bold[t.start : t.end] for t in page_turns(bold)] == answers


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(  # an FAQ answers for a body, in no one's first person
            "Allotment Society FAQ\n\nHow do I join?\n\nFill in the form at the office.\n\n"
            "Can two people share a plot?\n\nYes, a plot can be held jointly.\n\n"
            "When are the taps turned on?\n\nOn 1 April each year.\n",
            id="faq",
        ),
        pytest.param(  # two people in the introduction: who answers would be a guess
            "Anna Berg and Pekka Lind run the bakery together.\n\nHow did you start?\n\nI baked at home.\n\n"
            "Why rye?\n\nMy mother used it.\n\nWhat next?\n\nI want a second oven.\n",
            id="two-people",
        ),
        pytest.param(  # questions a column asks itself, answered in no one's voice
            "Dag Olsen writes about money.\n\nWhy are rents rising?\n\nSupply is short.\n\n"
            "Will they fall?\n\nNot soon.\n\nWhat can be done?\n\nBuild more homes.\n",
            id="a-column",
        ),
    ],
)
def test_questions_set_as_paragraphs_are_no_interview_unless_plainly_one(text: str) -> None:
    assert page_turns(text) == []


@pytest.mark.parametrize(
    ("sentence", "asking"),
    [
        ("Q: Critics say the money should have gone to buses.", True),
        ("Q (Henrik Dahl, Kallmora Evening Post): Some runners say you waited too long.", True),
        ("Question: Is it late?", True),
        ("A: Two things.", False),
        ("MR. LEMAÎTRE: Not individually yet.", False),
        ("Quebec: a province of Canada.", False),
    ],
)
def test_an_interviewers_turn_is_told_by_its_label(sentence: str, asking: bool) -> None:
    assert asks(sentence) is asking


def test_a_transcript_page_without_labels_has_no_turns() -> None:
    """A multi-page record whose labels are all on one page: the other page has no turns (and no error)."""
    text = HEARING.read_text(encoding="utf-8")
    cover = "Kestrel Harbour Board\n\nMinutes of the public hearing, printed for the record."
    first, second = document_turns([cover, text])
    assert first == [] and {t.speaker for t in second} >= {"Ingrid Solberg", "Tomasz Wójcik"}


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_every_extracted_span_is_the_page_text_at_its_offsets(doc: Document) -> None:
    items = extract(doc)
    for a in items:
        page = next(p for p in doc.pages if p.number == a.page)
        assert a.text == page.text[a.start : a.end]
        assert a.text == a.text.strip() and a.text
        assert a.kind in {"direct_quote", "paraphrase", "institutional"}
        assert a.source == doc.name


def test_the_corpus_speakers_are_canonical_names() -> None:
    speakers = {a.speaker for a in extract_corpus(DOCS)}
    assert {"Stephen Casper", "Lin Yun", "Guo Jiakun", "White House", "360 Security Technologies"} <= speakers
    assert not speakers & {"he", "He", "Casper", "Yun", "It", "it"}


def test_records_round_trip_through_json() -> None:
    items = extract_corpus(DOCS)
    records = json.loads(json.dumps(to_records(items)))
    assert from_records(records) == items


def test_from_records_rejects_a_record_missing_fields() -> None:
    record = to_records(extract_corpus(DOCS)[:1])[0]
    del record["speaker"]
    with pytest.raises(ValueError, match="speaker"):
        from_records([record])


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Casper", "Stephen Casper", True),
        ("the White House", "White House", True),
        ("Lin Yun", "Stephen Casper", False),
        ("Dr. Nguyễn", "Nguyễn Thị Lan", True),  # an honorific is no part of the name, in any name order
        ("Ms. Okafor", "Amara Okafor", True),
        ("Dr. Nguyễn", "Dr. Okafor", False),
        ("Councillor Wiśniewski", "Łukasz Wiśniewski", True),  # nor a title
        ("the chair", "the Chair", True),  # a speaker named by a title alone keeps it
        ("Councillor Wiśniewski", "Councillor Tesfaye", False),
    ],
)
def test_speakers_match_surnames_and_articles(a: str, b: str, same: bool) -> None:
    assert speakers_match(a, b) is same


def test_a_role_names_a_speaker_only_when_one_person_holds_it() -> None:
    def said(speaker: str, role: str) -> Attribution:
        return Attribution("t.txt", speaker, role, "direct_quote", "…", 0, 1, None, "label", None)

    people = people_by_role(
        [
            said("Nguyễn Thị Lan", "Water Quality Manager"),
            said("Dr. Nguyễn", "the Water Quality Manager"),  # the same person, shorter: still one holder
            said("José Muñoz", "Director"),
            said("Małgorzata Wiśniewska", "Director"),  # two directors: "the director" names neither
            said("Hervé Lemaître", ""),
            said("Kari-Anne Solberg", "Halden Rail's chief executive"),  # also "the chief executive"
            said("Ivo Brandt", "Nordlink's finance director"),
            said(
                "Sara Holm", "Vestrail's finance director"
            ),  # two bodies' finance directors: each by its body
        ]
    )
    assert people == {
        "water quality manager": "Nguyễn Thị Lan",
        "halden rail's chief executive": "Kari-Anne Solberg",
        "chief executive": "Kari-Anne Solberg",
        "nordlink's finance director": "Ivo Brandt",
        "vestrail's finance director": "Sara Holm",
    }


def test_spans_match_on_containment_or_overlap() -> None:
    assert spans_match("safe zones", 'international "safe zones" and mutual pauses')
    assert spans_match("the budget was safe and sound", "the budget was safe")
    assert not spans_match("the budget was safe", "storms could delay the work")


def test_match_gold_counts_misses_and_spurious() -> None:
    made = Attribution(
        "a.txt", "Jonas Berg", "", "paraphrase", "the budget was safe", 0, 19, None, "said", None
    )
    wrong = Attribution(
        "a.txt", "Ana Lind", "", "paraphrase", "the budget was safe", 0, 19, None, "said", None
    )
    gold = [
        {"id": "g1", "source": "corpus/a.txt", "speaker": "Berg", "text": "the budget was safe"},
        {"id": "g2", "source": "corpus/a.txt", "speaker": "Ana Lind", "text": "storms could delay the work"},
    ]
    result = match_gold([made, wrong], gold)
    assert (result["precision"], result["recall"]) == (0.5, 0.5)
    assert result["missed"] == ["g2"] and result["spurious"] == [wrong]


def test_gold_precision_and_recall_do_not_regress() -> None:
    result = match_gold(extract_corpus(DOCS), GOLD)
    assert result["precision"] >= MEASURED_PRECISION - 0.03, result["spurious"]
    assert result["recall"] >= MEASURED_RECALL - 0.03, result["missed"]


@pytest.mark.parametrize(
    ("sentence", "roles"),
    [
        ("China's Vice Finance Minister Liao Min attended.", [("Liao Min", "China's Vice Finance Minister")]),
        (
            "Björn Halldórsson, a marine biologist at the University of Akureyri, warned that it would fail.",
            [("Björn Halldórsson", "a marine biologist at the University of Akureyri")],
        ),
        (
            '"It is early," said Sam Fiorani, vice president at AutoForecast.',
            [("Sam Fiorani", "vice president at AutoForecast")],
        ),
        (
            "The council's planning officer, Tomás Ferreira, said no.",
            [("Tomás Ferreira", "The council's planning officer")],
        ),
        ("Ingrid Solberg presented the plan on Monday.", []),
        (  # the phrase the name stands in goes on after it; the role stops at the name
            "She sat down with our food correspondent, Tobias Lindqvist, in the dining room.",
            [("Tobias Lindqvist", "our food correspondent")],
        ),
        (  # a courtesy is no role
            "The Defendant was represented by its operations manager, Mr Søren Ødegaard, who gave evidence.",
            [("Søren Ødegaard", "its operations manager")],
        ),
        ("Mr Søren Ødegaard gave evidence.", []),
    ],
)
def test_the_roles_a_sentence_gives_the_people_it_names(sentence: str, roles: list[tuple[str, str]]) -> None:
    assert [(r.person, r.role) for r in person_roles(sentence)] == roles


@pytest.mark.parametrize(
    ("sentence", "spoken"),
    [
        ("MS. OKAFOR: I did not say it.", "I did not say it."),
        ("DR. NGUYỄN THỊ LAN (Water Quality Manager): Yes, thank you.", "Yes, thank you."),
        (
            "The key is this: we did not sign it.",
            "The key is this: we did not sign it.",
        ),  # no label: not upper case
    ],
)
def test_a_sentence_parsed_for_its_grammar_loses_its_speaker_label(sentence: str, spoken: str) -> None:
    assert spoken_part(sentence) == spoken


@pytest.mark.parametrize(
    ("sentence", "name", "written"),
    [
        ("The Claimant, Mr Oğuz Çelik, worked as a driver.", "Oguz Celik", "Oğuz Çelik"),
        ("Represented by Ms Nguyễn Thị Lan of counsel.", "nguyen thi lan", "Nguyễn Thị Lan"),
        ("Nobody else was there.", "Oguz Celik", "Oguz Celik"),  # not in the sentence: as asked
    ],
)
def test_a_name_is_given_as_the_sentence_writes_it(sentence: str, name: str, written: str) -> None:
    assert written_name(sentence, name) == written


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        ("In attendance: Sarah Blackwood (Clerk), PCSO Daniel Kerr, 6 members of the public", "Sarah Blackwood", "Clerk"),
        ("Authors: Mariana Kovačević (Site Reliability), Tomás Ibáñez (Payments Platform)", "Tomas Ibanez", "Payments Platform"),
        ("Prof. Lars Eriksen, Nordic Ocean Institute", "Lars Eriksen", "Nordic Ocean Institute"),  # a row of people
        ("Jane Doe, the mayor, said the ferry would run.", "Jane Doe", ""),  # a sentence, not a row
        ("Jane Doe (pictured) said the ferry would run.", "Jane Doe", ""),  # no role in small letters
        ("Anderson and Walker (2015) found that scores rose.", "Walker", ""),  # a year is no role
        ("The clerk, Sarah Blackwood (Clerk), read the minutes.", "Daniel Kerr", ""),  # another person's
        ("Ingrid Halvorsen\nHead of Operations, Nordvik Ferries", "Ingrid Halvorsen", "Head of Operations, Nordvik Ferries"),  # a signature
        ("I thank our 312 staff. — Dr Aisling Ní Mhurchú, Chair", "Aisling Ni Mhurchu", "Chair"),  # a sign-off
        ("It rained. — John Smith, a farmer near Leeds", "John Smith", ""),  # no title: a quote's credit
    ],
)  # fmt: skip
def test_a_list_gives_a_role_in_brackets_after_a_name(sentence: str, name: str, role: str) -> None:
    assert listed_role(sentence, name) == role


@pytest.mark.parametrize(
    ("sentence", "role", "holder"),
    [
        ("In attendance: Sarah Blackwood (Clerk), PCSO Daniel Kerr, 6 members of the public", "clerk", "Sarah Blackwood"),
        ("Present: Cllr Margaret Oduya (Chair), Cllr Owen Pritchard", "chair", "Margaret Oduya"),  # title dropped
        ("Present: Mr Grzegorz Nowak (Treasurer), Ms Aoife Brennan", "treasurer", "Grzegorz Nowak"),
        ("Present: Cllr Owen Pritchard (Vice Chair)", "chair", ""),  # another role
        ("Present: Cllr Owen Pritchard (Chair)", "vice chair", ""),
        ("the report (chair) was read", "chair", ""),  # no name before the bracket
        ("Present: Cllr (Chair), Tom Hale", "chair", ""),  # a title alone is no name
        ("Matteo Bianchi\nChief Engineer", "chief engineer", "Matteo Bianchi"),  # a signature
        ("Matteo Bianchi\nChief Engineer", "engineer", ""),
        ("I thank our 312 staff. — Dr Aisling Ní Mhurchú, Chair", "chair", "Aisling Ní Mhurchú"),  # a sign-off
    ],
)  # fmt: skip
def test_a_list_names_who_holds_a_role_in_brackets(sentence: str, role: str, holder: str) -> None:
    assert listed_holder(sentence, role) == holder


@pytest.mark.parametrize(
    ("sentence", "holder"),
    [
        ("The council leader, Margit Halvorsen, voted with the majority.", "Margit Halvorsen"),
        (
            "The leader of the council, Councillor Rahel Tesfaye, spoke first.",
            "Rahel Tesfaye",
        ),  # title dropped
        ("The council's deputy leader, Colin Tregear, said it would wait.", ""),  # another role
        ("The leader of the opposition, Siân Rees, said no.", ""),  # another body
        ("The former council leader, Tom Hale, said no.", ""),  # a role that has ended
    ],
)
def test_the_grammar_names_who_holds_a_role(sentence: str, holder: str) -> None:
    assert stated_holder(sentence, "leader", "Who leads the council?") == holder


@pytest.mark.parametrize(
    ("asked", "speaker", "reason"),
    [
        ("transport commissioner", "Siobhán Ó Briain", "the corpus calls Ngozi Adeyemi, not Siobhán Ó Briain, the transport commissioner"),
        ("transport commissioner", "Adeyemi", ""),  # her surname is her
        ("league chair", "Eilidh MacAskill", "the corpus calls Eilidh MacAskill the trust’s chair, not the league chair"),
        ("supporters' trust chair", "Eilidh MacAskill", ""),  # a word in common: the same body
        ("union leader", "Yousef al-Haddad", ""),  # another title: not said to be wrong
    ],
)  # fmt: skip
def test_a_role_given_to_the_wrong_speaker_is_named(asked: str, speaker: str, reason: str) -> None:
    holders = {"transport commissioner": "Ngozi Adeyemi"}
    own = {"Eilidh MacAskill": ["trust’s chair"], "Yousef al-Haddad": ["general secretary of the union"]}
    assert misassigned(asked, speaker, holders, own.get(speaker, [])) == reason
