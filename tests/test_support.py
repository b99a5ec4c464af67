"""The heuristic support checker: hand-written cases of each kind of drift, and a regression gate
on the held-out (even-numbered) half of evals/support_pairs.jsonl."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.evaluation.checks import load_pairs, measure, split
from chatbot.grounding.arguments import swapped_arguments
from chatbot.grounding.support import Support, SupportChecker
from chatbot.grounding.support import features as support_features
from chatbot.store.embeddings import Embedder
from chatbot.text.nlp import annotate

PAIRS = Path(__file__).resolve().parent.parent / "evals" / "support_pairs.jsonl"

# Measured on the test split with the default threshold; the gate allows 0.03 of slack.
MEASURED_TEST_PRECISION = 0.87
MEASURED_TEST_RECALL = 0.90

APPLE = "Apple Inc. said revenue for the quarter rose to $94 billion, beating analysts' estimates."
SENATE = "The Senate passed the bill by a vote of 60 to 38."
JAPAN = "Japan's consumer prices rose 3.2 percent in April from a year earlier."
PROFIT = "The company said it does not expect to return to profit this year because of weak demand."
BUDGET = (
    "Finance Minister Anna Berg said the deficit would shrink next year. "
    "Opposition leader Tom Hale said the cuts would hurt pensioners."
)
FLOOD = "Rescuers evacuated more than 300 people from the flooded town of Valencia."
STRIKE = "Air traffic controllers warned the strike could disrupt flights across Europe next week."


@pytest.fixture(scope="module")
def checker(embedder: Embedder) -> SupportChecker:
    return SupportChecker(embedder)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        pytest.param("Apple reported quarterly revenue of $94 billion.", APPLE, id="paraphrase"),
        pytest.param("The bill was passed by the Senate with 60 votes.", SENATE, id="reordered"),
        pytest.param("Berg said the deficit would shrink next year.", BUDGET, id="right-speaker"),
        pytest.param(  # the last word of a family-name-first name is the given name
            "Xi Jinping said the talks would continue.",
            "President Xi Jinping arrived in Hanoi on Monday. Xi said the talks would continue.",
            id="family-name-first-speaker",
        ),
        pytest.param(
            "The company does not expect to return to profit this year.", PROFIT, id="kept-negation"
        ),
        pytest.param("Germany's exports fell in March.", "German exports declined in March.", id="alias"),
        pytest.param(
            "Salerno was a centre of ivorywork in the 1100s.",
            "Salerno was a centre of ivorywork in the 12th century.",
            id="hundreds-as-century",
        ),
        pytest.param(
            "The siege of the city took place in 1097.",
            "The siege of the city took place in the 1090s.",
            id="year-in-decade",
        ),
        pytest.param(
            "Every registered file is also a plain text file.",
            "All registered files are also plain text files.",
            id="every-for-all",
        ),
        pytest.param(
            "The lighthouse was automated in 1986.",
            "The lighthouse was automated in 1986, and its last keeper moved to the mainland.",
            id="a-year-before-a-comma",
        ),
        pytest.param(
            "The articles suggest the deficit will shrink next year.",
            "The deficit will shrink next year.",
            id="the-documents-own-voice",
        ),
        pytest.param(
            "The ECB raised interest rates in July.",
            "The European Central Bank raised interest rates in July.",
            id="an-acronym-spelled-out",
        ),
        pytest.param(
            "GPLv3 code may be combined with other code.",
            "Under the GNU General Public License, version 3, code may be combined with other code.",
            id="a-versioned-acronym-spelled-out",
        ),
        pytest.param(  # "no more than" sets a limit: it negates nothing
            "Each berth holder may keep two dinghies on the rack.",
            "Each berth holder may keep no more than two dinghies on the rack.",
            id="a-limit-is-no-negation",
        ),
    ],
)
def test_a_faithful_claim_is_supported(checker: SupportChecker, claim: str, passage: str) -> None:
    verdict = checker.check(claim, passage)
    assert verdict.supported, verdict.reasons
    assert verdict.score >= checker.threshold


@pytest.mark.parametrize(
    ("claim", "passage", "reason"),
    [
        pytest.param(
            "The Senate passed the bill by a vote of 62 to 38.", SENATE, "number 62", id="changed-number"
        ),
        pytest.param(
            "Japan's consumer prices rose 3.2 percent in May.", JAPAN, "date May", id="changed-date"
        ),
        pytest.param("The company expects to return to profit this year.", PROFIT, "negation", id="negation"),
        pytest.param(
            "Hale said the deficit would shrink next year.", BUDGET, "speaker", id="swapped-speaker"
        ),
        pytest.param(  # one shared given name is not the same person
            "Tom Berg said the cuts would hurt pensioners.",
            "Tom Hale said the cuts would hurt pensioners.",
            "speaker",
            id="same-given-name-another-person",
        ),
        pytest.param(  # an absence, not a contradiction: a yes/no answer says the corpus does not say
            "Hale said the deficit would shrink next year.",
            "The deficit will shrink next year.",
            "uncredited",
            id="credited-to-no-one",
        ),
        pytest.param(
            "Rescuers evacuated more than 300 people from the flooded town of Seville.",
            FLOOD,
            "entity Seville",
            id="different-entity",
        ),
        pytest.param("The strike will disrupt flights across Europe.", STRIKE, "overclaim", id="overclaim"),
        pytest.param(
            "The Fed cut interest rates.", "The Fed raised interest rates.", "antonym", id="opposite"
        ),
        pytest.param(  # an adjective against its opposite's superlative
            "Irrigation softened the losses on small farms.",
            "Irrigation softened the losses only on the largest farms.",
            "antonym",
            id="opposite-superlative",
        ),
        pytest.param(
            "Salerno was a centre of ivorywork in the 1100s.",
            "Salerno was a centre of ivorywork in the 11th century.",
            "date the 1100s",
            id="another-century",
        ),
        pytest.param(
            "The settlement dates to 9000 BP.",
            "The settlement dates to 7000 BC.",
            "date 9000 BP",
            id="era-marked",
        ),
        pytest.param(
            "File names are matched case-sensitively.",
            "File names are matched case-insensitively.",
            "negation",
            id="negative-prefix-in-a-compound",
        ),
        pytest.param(  # the word's own negative form decides, not a relative of it elsewhere in the sentence
            "Glob patterns are matched case-sensitively by default.",
            "Applications MUST match globs case-insensitively, except when the case-sensitive attribute is set.",
            "negation",
            id="negative-prefix-beside-a-plain-relative",
        ),
        pytest.param(  # a name of letters beyond ASCII and Latin-1 is still a name, and whole
            "The helmet was lent to a museum in Łódź.",
            "The helmet was lent to a museum in Kraków.",
            "entity Łódź",
            id="names-in-any-script",
        ),
    ],
)
def test_a_drifted_claim_is_vetoed_with_a_reason(
    checker: SupportChecker, claim: str, passage: str, reason: str
) -> None:
    verdict = checker.check(claim, passage)
    assert not verdict.supported
    assert any(r.startswith(reason) for r in verdict.reasons), verdict.reasons
    assert verdict.score < checker.threshold


@pytest.mark.parametrize(
    ("claim", "numbers_vetoed"),
    [
        ("libtasn1 does not support C-style comments.", []),  # a name with digits, not a number
        ("The H200 chip is banned.", []),
        ("The 19th-century hall held 300 people.", ["number 300"]),
        # "The two" refers to a pair the text has named; "two" alone is a count the passage must state.
        ("The ban and the hall are the two concerns.", []),
        ("The hall held two banned chips.", ["number two"]),
    ],
)
def test_only_numbers_of_their_own_are_checked_against_the_passage(
    claim: str, numbers_vetoed: list[str]
) -> None:
    passage = "C-style comments are not supported; the chip is banned; the hall dates from the 19th century."
    vetoes = support_features(claim, passage, 0.5).vetoes
    assert [v.removesuffix(" not in passage") for v in vetoes if v.startswith("number")] == numbers_vetoed


@pytest.mark.parametrize(
    ("question", "sentence", "reason"),
    [
        # The sentence names the question's subject, but gives the verb another one.
        (
            "When did Anna Berg found the company?",
            "In 1998, Tomas Lind founded the company with a loan from Anna Berg.",
            "the subject 'Tomas Lind'",
        ),
        (
            "Who acquired Nordwind?",
            "In 2004 Nordwind acquired Baltic Freight for 30 million euros.",
            "the object 'Baltic Freight'",
        ),
        # A passive sentence: its agent is the subject, its grammatical subject the object.
        ("Who betrayed Veria?", "Castria was betrayed to Veria by its own garrison.", "the object 'Castria'"),
        # The question's subject is the one the sentence acts on.
        ("Who did Lind hire?", "Lind was hired in 2004.", "makes 'Lind' the object"),
        ("Who hired Lind?", "Lind was hired in 2004.", None),
        # A yes/no question names both: the act done by another is no "Yes".
        (
            "Did Anna Berg found the company?",
            "In 1998, Tomas Lind founded the company with Berg's loan.",
            "the subject 'Tomas Lind'",
        ),
        ("Did Tomas Lind found the company?", "In 1998, Tomas Lind founded the company.", None),
        # A place or time turned around by the preposition.
        ("Who fled from Veria?", "In 1090 the monks of Castria fled to Veria.", "'to Veria', not 'from'"),
        (
            "Who signed the pact after the election?",
            "Hale signed the pact before the election.",
            "'before the election'",
        ),
        # The wh-phrase's noun is the subject asked about.
        (
            "What Dane led the Norman army?",
            "A Norman named Oursel led an army of Danes into Syria.",
            "the subject 'A Norman named Oursel'",
        ),
        (
            "Which Norman led an army of Danes?",
            "A Norman named Oursel led an army of Danes into Syria.",
            None,
        ),
        # A small clause's subject is the verb's object; with a wh-object, the words after the verb are not.
        (
            "Who made Thomas Becket earl of Kent?",
            "The king appointed Thomas Becket chancellor and made Odo the Younger earl of Kent.",
            "the object 'Odo the Younger'",
        ),
        (
            "Who did the king make earl of Kent?",
            "The king appointed Thomas Becket chancellor and made Odo the Younger earl of Kent.",
            None,
        ),
        # A two-word preposition of time reads as the one it means.
        (
            "Where did Nordwind move its offices after the merger?",
            "Prior to the merger, Nordwind moved its offices to Riga.",
            "'before the merger', not 'after'",
        ),
        (
            "Where did Nordwind move its offices before the merger?",
            "Prior to the merger, Nordwind moved its offices to Riga.",
            None,
        ),
        # The same preposition with another place, the question's named nowhere in the sentence.
        (
            "Who drove the Vandals out of Gaul?",
            "In 410 Count Ostra drove the Vandals out of Hispania.",
            "'of Hispania', not 'of Gaul'",
        ),
        (
            "Who drove the Vandals out of Hispania?",
            "Count Ostra drove the Vandals out of southern Hispania.",
            None,
        ),
        # A phrasal verb's particle is no end of its object: the question is transitive, not told transitively.
        (
            "Where did Tomas Lind set up an office?",
            "Long before Anna Berg set up a Lind office in Riga, the firm traded.",
            "the subject 'Anna Berg'",
        ),
        # A misspelt verb is still the sentence's verb.
        (
            "Who renavated the chapel in Bergen?",
            "In Oslo, the Lind family renovated the chapel in 1990.",
            "'in Oslo'",
        ),
        (
            "Who renavated the chapel in Oslo?",
            "In Oslo, the Lind family renovated the chapel in 1990.",
            None,
        ),
        # The question's place made the verb's subject, with another place after the preposition.
        (
            "What was merged into the Nordwind group?",
            "The Nordwind group was merged into Baltic Freight in 2004.",
            "puts 'the Nordwind group' elsewhere",
        ),
        # … or the preposition hangs on the verb's object.
        (
            "Who adopted the laws of the Danes?",
            "The Danes later adopted the laws of the Saxon kings.",
            "puts 'the Danes' elsewhere",
        ),
        (
            "What was merged into Baltic Freight?",
            "The Nordwind group was merged into Baltic Freight in 2004.",
            None,
        ),
        # The question's named subject nowhere in the sentence, whose verb has a named subject of its own.
        (
            "When did Halvard Berg flee to Bergen?",
            "Because of the war, Eirik Lund fled to Bergen in 1013, when the Danes forced him out.",
            "the subject 'Eirik Lund'",
        ),
        ("When did Halvard Berg flee to Bergen?", "Because of the war, he fled to Bergen in 1013.", None),
        ("When did Halvard Berg flee to Bergen?", "Berg fled to Bergen in 1013.", None),
        ("When did the Normans invade England?", "William's army invaded England in 1066.", None),  # a group
        # The question's adjective on another noun, and its noun with an adjective of its own.
        (
            "Who was known for their naval skill?",
            "The Frisians were known for their commercial skill and later for their naval courage.",
            "'commercial skill' and 'naval courage', not 'naval skill'",
        ),
        ("Who was known for their naval skill?", "The Frisians were known for their naval skill.", None),
        (
            "Why does the new menu have fewer dishes?",
            "The old menu had 31 dishes; the new one has fourteen.",
            None,
        ),  # "one" stands for the menu
        (
            "Why can't hotlines cope with military incidents?",
            "Two military AI systems interact, and the resulting incident escalates before anyone can act.",
            None,
        ),  # a participle describes; it is no other kind of incident
        # A comma splice the parser reads as a second object: its "of" phrase is not the verb's.
        (
            "Who leads the US side of the talks?",
            "US Treasury Secretary Bessant leads talks , the choice of Treasury rather than Defense or State as"
            " lead signals the primary US framing is economic and technical risk management",
            None,
        ),
        # The same roles, or nothing to compare: no reason.
        ("When did Tomas Lind found the company?", "In 1998, Tomas Lind founded the company.", None),
        (
            "When was Baltic Freight acquired?",
            "In 2004 Nordwind acquired Baltic Freight.",
            None,
        ),  # a passive question
        (
            "When did the Lisbon talks begin?",
            "Portugal began the Lisbon talks in March.",
            None,
        ),  # told transitively
        # A description may be the question's argument under another name.
        (
            "Why must Norway and Chile cooperate?",
            "The two countries must cooperate, Norway's minister said.",
            None,
        ),
        ("When was the Torva bridge built?", "Engineers built the Torva bridge in 1932.", None),
        (
            "Who did Lind marry?",
            "He married Maria Lind in 1990.",
            None,
        ),  # the question's subject is not named
        # The question's subject named only through a relative or an aide: the sentence is about someone else.
        (
            "Who did Halvard lead against Tromsø in 1107?",
            "In 1107 Eirik, Halvard's son, led the fleet against Tromsø.",
            "Halvard's son",
        ),
        ("Who did Ingrid marry?", "The bishop married Ingrid's sister Sigrid in 1150.", "Ingrid's sister"),
        ("Who was Halvard's son?", "Eirik, Halvard's son, led the fleet.", None),  # the relation is asked
        # An unfamiliar place the small model tags a number is still a place.
        (
            "Who built the harbour walls at Halberg?",
            "Work began under the engineer Lucia Brandt, who had built harbour walls at Velmarhaven.",
            "at Velmarhaven",
        ),
        # "Only" gives the act to another alone.
        (
            "Does the Tarn come with mudguards?",
            "Only the Veloria comes with mudguards; on the Tarn they cost £120 extra.",
            "only 'the Veloria' come",
        ),
        (
            "Who succeeded Halvard Berg?",
            "Halvard Berg's eldest son Eirik succeeded him.",
            None,
        ),  # the question's object: its relative may be the answer
        # The other way round: a relative asked about, the person alone in the sentence.
        ("Where was Ingrid's husband born?", "Ingrid was born in Pécs in 1961.", "not of Ingrid's husband"),
        (
            "Who was Emma's brother?",
            "The marriage of Emma, sister of Duke Richard, tied the two houses.",
            None,
        ),  # the converse relation
    ],
)
def test_a_role_given_to_someone_else_is_told(question: str, sentence: str, reason: str | None) -> None:
    reasons = swapped_arguments(question, sentence)
    assert [reason in r for r in reasons] == ([True] if reason else [])
    # The index's annotation of the sentence (its verbs) spares a parse, never changes the reading.
    assert swapped_arguments(question, sentence, annotate([sentence])[0]) == reasons


def test_a_sentence_sharing_no_verb_with_the_question_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    import chatbot.grounding.arguments as arguments

    sentence = "The chapel in Bergen has stood on the hill since 1990."
    note = annotate([sentence])[0]
    parsed: list[str] = []
    real = arguments.parse
    monkeypatch.setattr(arguments, "parse", lambda text: parsed.append(text) or real(text))
    assert swapped_arguments("Who renovated the chapel in Bergen?", sentence, note) == []
    assert parsed == ["Who renovated the chapel in Bergen?"]


@pytest.mark.parametrize(
    ("claim", "passage", "hedged"),
    [
        # "would" is a hypothetical or a reported future, as hedged as "expect": either side may say it.
        ("Washington eased its embargoes on chips.", "Washington would ease its embargoes on chips.", True),
        (
            "Kalm said passenger numbers would pass one million by 2028.",
            "We expect passenger numbers to pass one million by 2028, Kalm said.",
            False,
        ),
        # A word that only says whose: the decision is welcomed plainly, the council's part is what is expected.
        (
            "The traders' association welcomed the council's decision.",
            "The traders' association said it welcomes the decision, but expects the council to keep its word.",
            False,
        ),
        (
            "A Chinese model reached parity.",
            "The prediction: if a Chinese model reaches parity, sanctions will follow.",
            True,
        ),
    ],
)
def test_would_hedges_what_it_governs(claim: str, passage: str, hedged: bool) -> None:
    vetoes = support_features(claim, passage, 0.8).vetoes
    assert any(v.startswith("overclaim: passage hedges") for v in vetoes) == hedged, vetoes


@pytest.mark.parametrize(
    ("claim", "undecided"),
    [
        # Deciding whether to appeal states neither an appeal nor its absence; asking whether is no claim.
        ("The authority said it would appeal.", True),
        ("The authority would decide whether to appeal.", False),
        ("The authority would decide within a month.", False),
    ],
)
def test_what_a_passage_leaves_open_is_not_stated(claim: str, undecided: bool) -> None:
    passage = "She said the authority would decide within a month whether to appeal."
    vetoes = support_features(claim, passage, 0.8).vetoes
    assert any(v.startswith("overclaim: passage leaves open") for v in vetoes) == undecided, vetoes


@pytest.mark.parametrize(
    ("claim", "hedged"),
    [
        # A function's name is one word: its parts, in another name inside a condition, are not the claim's words.
        ("The ider parameters of asn1_der_decoding_startEnd can be omitted.", False),
        ("The element is decoded using asn1_der_decoding().", True),
    ],
)
def test_an_identifier_is_one_word(claim: str, hedged: bool) -> None:
    passage = (
        "The ider parameters can be omitted if the element is already decoded using asn1_der_decoding()."
    )
    vetoes = support_features(claim, passage, 0.8).vetoes
    assert any(v.startswith("overclaim: passage hedges") for v in vetoes) == hedged, vetoes


@pytest.mark.parametrize(
    ("claim", "coverage"),
    [
        # A hyphenated name the passage writes another way is one word missing, not three ("v4-flash", "v4", "flash").
        ("The V4-Flash breakthrough was achieved on Huawei chips.", 4 / 5),
        # Its parts, written apart, still cover it.
        ("US-China talks began on Huawei chips.", 1.0),
    ],
)
def test_a_hyphenated_word_counts_once_in_coverage(claim: str, coverage: float) -> None:
    passage = "This breakthrough was achieved on Huawei chips, as talks between the US and China began."
    assert support_features(claim, passage).coverage == pytest.approx(coverage)


def test_check_many_agrees_with_check(checker: SupportChecker) -> None:
    pairs = [("Apple reported quarterly revenue of $94 billion.", APPLE), ("Hale said it.", BUDGET)]
    many = checker.check_many(pairs)
    assert many == [checker.check(c, p) for c, p in pairs]
    assert all(isinstance(v, Support) and 0.0 <= v.score <= 1.0 and v.reasons for v in many)


def test_without_an_embedder_the_rules_still_apply() -> None:
    lexical = SupportChecker(embedder=None)
    assert lexical.check("The Senate passed the bill by a vote of 60 to 38.", SENATE).supported
    vetoed = lexical.check("The Senate passed the bill by a vote of 62 to 38.", SENATE)
    assert not vetoed.supported and "number 62 not in passage" in vetoed.reasons


def test_split_is_fixed_odd_for_dev_even_for_test() -> None:
    pairs = load_pairs(PAIRS)
    dev, test = split(pairs)
    assert len(dev) + len(test) == len(pairs)
    assert {p["id"] for p in dev}.isdisjoint(p["id"] for p in test)
    assert all(int(p["id"][1:]) % 2 == 1 for p in dev)
    assert split(pairs) == (dev, test)


def test_held_out_precision_does_not_regress(checker: SupportChecker) -> None:
    _, test = split(load_pairs(PAIRS))
    metrics = measure(checker, test)
    assert set(metrics) == {"n", "accuracy", "precision", "recall", "f1", "per_kind", "threshold"}
    assert metrics["n"] == len(test)
    assert metrics["precision"] >= max(0.80, MEASURED_TEST_PRECISION - 0.03), metrics
    assert metrics["recall"] >= max(0.75, MEASURED_TEST_RECALL - 0.10), metrics  # no "reject everything"
