"""Question analysis and short answers: what a question asks for, whom it names, which source it points at,
and which span of a sentence answers it (spaCy's entities, with the hand rules for what it misses)."""

from __future__ import annotations

import pytest

from chatbot.backends.decisions import source_references
from chatbot.store.protocol import DocumentInfo, credits
from chatbot.text.acronyms import asked_short_form, definitions
from chatbot.text.answers import find_answer
from chatbot.text.nlp import (
    annotate,
    another_time,
    asks_for_list,
    asserts_act,
    copular_predicate,
    denied_act,
    denied_clause,
    denied_effect,
    disowned,
    eras,
    is_date,
    main_verb,
    numbers,
    parse,
    parse_ahead,
    person_roles,
    reported_content,
    reports_speech,
)
from chatbot.text.questions import (
    acted_role,
    analyse,
    another_edition,
    asked_role,
    asks_for_words,
    asks_of_now,
    document_fact,
    ended,
    holder_by_role,
    name_words,
    named,
    question_names,
    role_claim,
    role_owner,
    speaker_by_role,
    speech_topic,
    yes_no_statement,
)


@pytest.mark.parametrize(
    ("sentence", "act", "unchanged"),
    [
        ("There was no measurable effect on reading.", "improve", "reading"),
        ("The new timetable did not have any effect on attendance.", "raise", "attendance"),
        ("The ban had no impact on sales in the north.", "reduce", "sales in the north"),
        ("The scheme had a large effect on reading.", "improve", ""),  # an effect, not none
        ("There was no measurable effect on reading.", "say", ""),  # no verb of change asked
    ],
)
def test_no_effect_on_a_thing_denies_any_change_to_it(sentence: str, act: str, unchanged: str) -> None:
    assert denied_effect(sentence, act) == unchanged


def test_a_question_parsed_ahead_is_parsed_once() -> None:
    """The chain starts the question's parse while it searches; the composer then reads that same parse."""
    question = "Who opened the second deep-water berth at Kestrel Bay?"
    parse_ahead(question)
    doc = parse(question)
    assert doc.text == question and parse(question) is doc
    assert [t.lemma_ for t in doc if t.dep_ == "ROOT"] == ["open"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When is the Trump-Xi summit?", "date"),
        ("On what dates was the conference held?", "date"),
        ("In what year was the Paris Agreement adopted?", "date"),
        ("In which month did Rahel Tesfaye take over the committee?", "date"),  # "which" after a preposition
        ("In what century was the abbey built?", "date"),
        ("During which decade did the mill close?", "date"),
        ("How many parameters does DeepSeek V4-Flash activate?", "number"),
        ("Exactly how many companies stopped releasing open models?", "number"),
        ("What is Project Maven's annual budget?", "number"),
        ("What tariff rates did the US and China agree on?", "number"),
        ("Who headed the Chinese delegation?", "name"),
        ("What is the name of the South Korean telecom giant?", "name"),
        ("Who made up the Chinese delegation?", "people"),
        ("Why is verification a technical impossibility?", None),
        ("How deep is the shipping lane through the sound?", "number"),
        ("How far is the quarry from the town?", "number"),
        ("What is the numeric value of ASN1_MAX_NAME_SIZE?", "number"),
        ("What did the report say about the budget?", None),
        ("What did the repairs cost?", "number"),  # "what" is the object of a verb of paying: a sum
        ("What costs did the council cut?", None),
        ("What did she earn a reputation for?", None),  # what she earned it for is no sum
        ("What time did the schools start after the change?", "date"),
        ("At what time does the polling station close?", "date"),
        ("How old was she when she died?", "number"),  # an age
        ("What was the unemployment rate?", "number"),
        ("What share of the members voted for the strike?", "number"),  # a share, as "what proportion" is
        ("What fraction of homes lost power?", "number"),
        ("What was the effect on graduation rates?", None),  # an effect, on rates: no number is asked
    ],
)
def test_answer_type(question: str, kind: str | None) -> None:
    assert analyse(question).answer_type == kind


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("Where does Ingrid Halvorsen work?", "institution"),  # an employer, before a place
        ("Where did she study law?", "institution"),
        ("Where did Oursel lead the Franks?", "where"),
        ("How old was the king?", "age"),
        ("At what age did he retire?", "age"),
        ("How deep is the reservoir?", "measure"),  # metres, never dollars or per cent
        ("Which countries are supported?", "country"),  # a plural asks for what its singular does
        ("What companies make the chips?", "company"),
        # An organisation's noun after a word that says which kind is what is asked for, not that word.
        ("Which shipping company bought the club?", "company"),
        ("Which radio station reported the move?", "station"),
        ("Which newspaper reported the move?", "newspaper"),  # a paper, though "-er" and "reported"
        ("What does the licence allow?", "does"),  # an auxiliary, no noun
    ],
)
def test_the_target_of_a_question(question: str, target: str) -> None:
    assert analyse(question).target == target


def test_a_measure_is_never_a_sum_of_money_or_a_share() -> None:
    from chatbot.text.answers import tiers

    labels = set().union(*tiers(analyse("How deep is the reservoir at its deepest point?")))
    assert "QUANTITY" in labels and not labels & {"MONEY", "PERCENT"}


def test_a_sum_word_the_question_is_about_asks_for_no_sum() -> None:
    assert analyse("What does the mayor think of the congestion charge?").answer_type is None
    assert analyse("What did the council say about the parking charge?").answer_type is None
    assert analyse("What will the ferry charge per passenger?").target == "money"


@pytest.mark.parametrize(
    ("question", "money"),
    [
        ("How much did the new ferry terminal cost?", True),
        ("What is Project Maven's annual budget?", True),
        ("How many ships did they buy?", False),
        ("What did Dr. Nguyễn say the filter buttress would cost?", True),
        ("How much water does the reservoir hold?", False),
        ("What will the tram cost per passenger?", True),  # a rate or a time after the verb
        ("What does the licence cost a year?", True),
    ],
)
def test_a_question_about_cost_asks_for_money_first(question: str, money: bool) -> None:
    """ "How much did it cost?" is answered by a sum of money before a share, and never by a measure ("140
    kilometres")."""
    from chatbot.text.answers import tiers

    info = analyse(question)
    assert info.answer_type == "number" and (info.target == "money") is money
    assert ("QUANTITY" not in set().union(*tiers(info))) is money  # "140 kilometres" is no cost


@pytest.mark.parametrize(
    ("sentence", "written"),
    [
        # spaCy tags these bare CARDINAL or QUANTITY: written with their currency, they are sums of money.
        ("The project will cost 2.3 million euros over five years.", "2.3 million euros"),
        ("The deal was valued at NOK 12 million.", "NOK 12 million"),
        ("The council paid 48 million kroner for the land.", "48 million kroner"),
        ("The fine was 5,000 zloty.", "5,000 zloty"),
        ("Tickets cost £12 each.", "£12"),  # spaCy's MONEY leaves the symbol out
        ("The port approved a €48 million expansion of its terminal.", "€48 million"),
    ],
)
def test_a_number_written_with_its_currency_is_a_sum_of_money(sentence: str, written: str) -> None:
    from chatbot.text.answers import typed_spans

    found = typed_spans(analyse("How much will it cost?"), sentence, annotate([sentence])[0])
    assert [(s.text, s.label, s.tier) for s in found][:1] == [(written, "MONEY", 0)]


_ORDER = "It signed a contract worth NOK 2.1 billion for 24 battery-electric trains."
_MODEL = "It has a 284-billion parameter architecture that activates only 13 billion parameters per token."


@pytest.mark.parametrize(
    ("question", "sentence", "counts"),
    [
        # spaCy tags "2.1 billion" a bare CARDINAL: after its currency code it is a sum, which counts no trains
        ("How many trains did the company order?", _ORDER, ["24 battery-electric trains"]),
        ("How many kroner is the contract worth?", _ORDER, ["2.1 billion"]),
        # spaCy tags both of these MONEY; with no currency written, they count parameters
        (
            "How many parameters does the model have?",
            _MODEL,
            ["284-billion parameter architecture", "only 13 billion parameters"],
        ),
    ],
)
def test_a_sum_of_money_counts_nothing_but_money(question: str, sentence: str, counts: list[str]) -> None:
    from chatbot.text.answers import typed_spans

    found = typed_spans(analyse(question), sentence, annotate([sentence])[0])
    assert [s.text for s in found] == counts


_PORT = "Port Director Michael Hansen met Sarah Olsen on Monday."


@pytest.mark.parametrize(
    ("question", "sentence", "spans"),
    [
        # a span of years spaCy tags a number is a date; a range that counts workers is not
        ("When was the dam built?", "1957–1961 — The dam is built by Brayford & Lunn.", ["1957–1961"]),
        ("When did the war end?", "The war of 1914-18 ended in a truce.", ["1914-18"]),
        ("When did they come?", "Between 1200–1500 workers came.", []),
        # "a day" is a stretch of time; "once a day" is a rate
        ("How long does fitting take?", "The supplier says fitting takes about a day.", ["about a day"]),
        ("How long does it take?", "The pump runs once a day.", []),
        (
            "How long will the road be closed?",
            "The road is closed until March.",
            ["March"],
        ),  # the day it ends
        # a number that counts a thing is no sum of money
        ("How much will the injector cost?", "It is not safe to sail on one engine.", []),
        # a name after a title the question gives someone else is that someone, not the answer; the title
        # asked about is the answer's own
        (
            "Who is Norland's counterpart to the Port Director?",
            "Port Director Michael Hansen met Norland's deputy minister, Sarah Olsen, on Monday.",
            ["Sarah Olsen"],
        ),
        ("Who did the Port Director meet?", _PORT, ["Sarah Olsen"]),
        # after a comma the name is the apposition: the holder of what the phrase before it names
        (
            "Who chairs the transport committee?",
            "The chair of the transport committee, Rahel Tesfaye, replied that the study was done.",
            ["Rahel Tesfaye"],
        ),
        ("Who is the port director?", _PORT, ["Michael Hansen", "Sarah Olsen"]),
        (
            "Who became Port Director in 2019?",
            "Port Director Michael Hansen took office in 2019.",
            ["Michael Hansen"],
        ),
    ],
)
def test_a_span_of_the_kind_asked_is_read_as_written(question: str, sentence: str, spans: list[str]) -> None:
    from chatbot.text.answers import typed_spans

    found = typed_spans(analyse(question), sentence, annotate([sentence])[0])
    assert [s.text for s in found if s.tier == 0] == spans


@pytest.mark.parametrize(
    ("sentence", "spans"),
    [
        # a place no name gives answers "where", after the places that have a name
        ("The default password is printed on the same label.", [("on the same label", 1)]),
        ("The Normans settled in Normandy in the 10th century.", [("Normandy", 0)]),  # not a time
        # a file's path or a web address is where a thing is kept
        (
            "The tool reads `~/.config/tidewatch/config.toml` if it exists.",
            [("~/.config/tidewatch/config.toml", 1)],
        ),
        (
            "The shared files are installed under /usr/share/mime/packages.",
            [("under /usr/share/mime/packages", 1)],
        ),
    ],
)
def test_a_phrase_of_place_answers_where(sentence: str, spans: list[tuple[str, int]]) -> None:
    from chatbot.text.answers import typed_spans

    found = typed_spans(analyse("Where is it?"), sentence, annotate([sentence])[0])
    assert [(s.text, s.tier) for s in found] == spans


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Who is the mayor of Vesturvík?", ("mayor", "mayor")),
        ("Who is the chief financial officer of Halden Rail?", ("chief financial officer", "officer")),
        ("Who is the museum's curator of antiquities?", ("curator", "curator")),
        ("Who is the CEO of Halden Rail?", None),  # an abbreviation may be spelt out in the text
        ("Who won the race?", None),
        ("Who is Stephen Casper?", None),
    ],
)
def test_a_question_for_the_holder_of_a_role_names_the_role(
    question: str, role: tuple[str, str] | None
) -> None:
    assert asked_role(question) == role


@pytest.mark.parametrize(
    "sentence",
    [
        "Last year the terminal handled 870,000 cruise passengers, down from 1.1 million in 2019.",
        "The team of 5 won gold.",
        "A flood is one with a 1 per cent chance of being exceeded.",  # spaCy tags "1 per cent" MONEY
    ],
)
def test_a_bare_count_answers_a_cost_only_after_a_sum_of_money(sentence: str) -> None:
    """ "How much did the expansion cost?" over "870,000 passengers" and "€48 million": the count is no cost."""
    from chatbot.text.answers import typed_spans

    found = typed_spans(analyse("How much will it cost?"), sentence, annotate([sentence])[0])
    assert found and all(s.tier > 0 and s.label in ("CARDINAL", "PERCENT") for s in found)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What did Amara say about the cello?", True),
        ("What concerns did Ingrid raise about the traffic?", True),
        ("Why did Lin Yun say that AI doesn't need a Chernobyl moment?", False),  # the words are stated
        ("What is the main point?", False),
    ],
)
def test_a_question_may_ask_for_what_was_said(question: str, asks: bool) -> None:
    assert asks_for_words(question) is asks


@pytest.mark.parametrize(
    ("question", "spans"),
    [
        ("How much does she charge for a cello?", []),  # "nine of them" counts some of the instruments
        ("How many cellos has she made?", ["nine"]),
    ],
)
def test_a_number_that_counts_some_of_a_whole_is_a_count(question: str, spans: list[str]) -> None:
    from chatbot.text.answers import typed_spans

    sentence = "She has finished 143 instruments, nine of them cellos, and has a waiting list."
    found = typed_spans(analyse(question), sentence, annotate([sentence])[0])
    assert [s.text for s in found if s.text != "143"] == spans


@pytest.mark.parametrize(
    ("sentence", "name", "label"),
    [
        # spaCy's small model reads these names as a place and a body; the title beside each says a person.
        (
            "Tiit Riisalo, head of the Estonian Travel and Tourism Association, said so.",
            "Tiit Riisalo",
            "PERSON",
        ),
        ("Mari-Liis Tamm, a spokeswoman for the ministry, declined to comment.", "Mari-Liis Tamm", "PERSON"),
        (
            "Aoife Ní Bhriain, a lecturer in law, said so.",
            "Aoife Ní Bhriain",
            "PERSON",
        ),  # a particle, a trade
        ("Priit Pärn, an engineer at the port, said so.", "Priit Pärn", "PERSON"),
        ("Beijing, the capital of China, hosted the talks.", "Beijing", "GPE"),  # one word: a place
        (
            "Tourism Association, the owner of the site, said so.",
            "Tourism Association",
            "ORG",
        ),  # a body's word
    ],
)
def test_a_name_with_a_persons_title_beside_it_is_a_person(sentence: str, name: str, label: str) -> None:
    found = {e.text(sentence): e.label for e in annotate([sentence])[0].ents}
    assert found[name] == label
    assert bool(person_roles(sentence)) is (label == "PERSON")


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("Who warned about a Chernobyl moment?", True),
        ("Who asked the board to delay the vote?", True),
        ('Who called AI "a global technology"?', True),
        ("Who has been asked to lead the independent review?", False),
        ("Who was told to leave the meeting?", False),
        ("Who chaired the review in 2019?", False),
    ],
)
def test_a_who_question_about_speech_asks_for_the_speaker(question: str, speaker: bool) -> None:
    """The speaker answers "Who warned …?"; "Who has been asked to lead …?" asks for whom the request was made
    of, who then acts: a verb of speech in the passive with an infinitive after it."""
    assert analyse(question).asks_speaker is speaker


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("Who warned about a Chernobyl moment?", True),
        ("Which expert says floods now come every thirty years?", True),
        ("Which board director missed the hearing?", True),
        ("Which city hosted the first talks?", False),
        ("What company built the model?", False),
        ("Which of the two sides is stronger?", False),
        # One who does something and speaks is a person, whatever the noun; a body or a paper is not.
        ("Which market trader said the move would cost her customers?", True),
        ("Which volcanologist warned that the eruption could last months?", True),
        ("Which company warned about costs?", False),
        ("Which local bank lent the money?", False),
    ],
)
def test_a_person_question_asks_for_a_name(question: str, person: bool) -> None:
    """ "Which expert …?" asks for a person's name as "who" does: the speaker the index knows answers it."""
    info = analyse(question)
    assert info.asks_person is person
    assert (info.answer_type == "name") is (person or any(w in question for w in ("city", "company", "bank")))


@pytest.mark.parametrize(
    ("question", "speaker", "role_of"),
    [
        ("What did Lin Yun say about open models?", "Lin Yun", None),
        ("Why did Whitfield Diffie describe AI as a global technology?", "Whitfield Diffie", None),
        ("Why does Andrew Barto expect attackers to win?", "Andrew Barto", None),
        ("What is the key to sharing, according to Lin Yun?", "Lin Yun", None),
        ("Who is Guo Jiakun?", None, "Guo Jiakun"),
        ("What is Scott Bessant's role?", None, "Scott Bessant"),
        # A person described is a person introduced; a thing described is not.
        ("How does the AI-news digest describe Stephen Casper?", None, "Stephen Casper"),
        ("How is Maria López described?", None, "Maria López"),
        ("How does Anna Berg describe the new bridge?", "Anna Berg", None),
        ("How does Kelly describe China?", "Kelly", None),
        ("What did the analysts expect?", None, None),
        ("What concerns did Ingrid Bjørnstad raise about the road?", "Ingrid Bjørnstad", None),
        ("What did Director Finch ask the board?", "Director Finch", None),
        ("What did sous-chef Dariusz Wróbel say about the menu?", "Dariusz Wróbel", None),  # a small title
        ("What did league chair Eilidh MacAskill say about it?", "Eilidh MacAskill", None),  # whose title
        ("What did patient Ilse Verhoeven say about the wait?", "Ilse Verhoeven", None),  # a kind of person
        # Accents written decomposed (a combining grave after the dot below) are part of the name.
        ("What did manager Ọláolúwa Adébáyo\u0323\u0300 say?", "Ọláolúwa Adébáyo\u0323\u0300", None),
        ("What did critics of Anna Berg say?", None, None),  # critics speak, not Anna Berg
        ("What reason did the chair give?", None, None),
        # Words asked for with a light verb, and a "which" question about what someone cited.
        ("What remarks did Maria López make about the budget?", "Maria López", None),
        ("What warning did Anna Berg give the council?", "Anna Berg", None),
        ("Which specific study did Anna Berg cite on pensions?", "Anna Berg", None),
        ("What decision did Anna Berg make?", None, None),
        ("What year did Anna Berg visit Oslo?", None, None),
        # What someone thinks or feels is asked of what they said.
        ("What does Anna Berg think of the new bridge?", "Anna Berg", None),
        ("How did Maria López feel about the vote?", "Maria López", None),
    ],
)
def test_speaker_and_role_questions(question: str, speaker: str | None, role_of: str | None) -> None:
    info = analyse(question)
    assert (info.speaker, info.role_of) == (speaker, role_of)


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("What did league chair Eilidh MacAskill say about it?", "league chair"),
        ("Why did supporters' trust chair Eilidh MacAskill say that?", "supporters' trust chair"),
        ("What did Eilidh MacAskill say about it?", ""),
    ],
)
def test_a_question_may_give_its_speaker_a_role(question: str, role: str) -> None:
    assert analyse(question).speaker_role == role


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Besides chips, what else do export controls target?", []),
        ("What did Xi Jinping say at the summit?", ["Xi Jinping"]),
        ('Who called it "industrial-scale" theft?', ["industrial-scale"]),
        ("How many nations sit on the UN committee in Kelly's view?", ["UN", "Kelly's"]),
        # A capitalised condition word and the pronoun "I" open a clause, not a name.
        ("If I stop using the GPL, when does my licence end?", ["GPL"]),
        ("Once Elena Ruiz resigned, who chaired the board?", ["Elena Ruiz"]),
        # Names of any alphabet, not only those that open with A to Z.
        ("What did Rúnar Ásgeirsson tell Łukasz Nowak?", ["Rúnar Ásgeirsson", "Łukasz Nowak"]),
        ("Does Østergaard quote Ὅμηρος?", ["Østergaard", "Ὅμηρος"]),
    ],
)
def test_question_names(question: str, names: list[str]) -> None:
    assert question_names(question) == names


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Kelly's", ["kelly"]),
        ("AI-driven", ["ai"]),
        ("Cold War-era", ["cold", "war"]),
        ("Nvidia H100", ["nvidia", "h100"]),
    ],
)
def test_name_words(name: str, words: list[str]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("question", "text", "answer"),
    [
        (
            "How many parameters does V4-Flash activate per token?",
            "a 284-billion parameter architecture that activates only 13 billion parameters per token",
            "only 13 billion parameters",
        ),
        ("How many nations?", "A committee of 193 nations cannot govern it.", "193 nations"),
        # A nationality before the noun it describes names no one; a nationality as the noun does.
        (
            "What is the name of the lab's model?",
            "The lab, a leading Chinese security company, built it.",
            None,
        ),
        ("Who conquered England in 1066?", "In 1066 the Normans conquered England.", "Normans"),
        ("Who conquered England in 1066?", "In 1066 the Norman army conquered England.", "Norman"),
        # A list's item numbers are not quantities; a number closing a parenthesis is.
        ("How many members joined?", "The board grew (by 12) last year.", "12"),
        (
            "What minimum font size is required?",
            "A feature that (1) shows a notice and (2) warns the user.",
            None,
        ),
        (
            "How many steps?",
            "It protects you in two steps: (1) assert copyright, and (2) offer a licence.",
            "two steps",
        ),
        # A figure's or a table's number is a label, not a quantity.
        ("How deep is the lane?", "Figure 2. Sketch of the Kvarnsund showing the existing lane.", None),
        ("How many ships passed?", "Table 3. In 2020, 300 ships passed the light.", "300 ships"),
        # A number that counts something else does not answer "how many acres"; people go by many names.
        ("How many acres do the farms cover?", "We are forty-six farms below the dam.", None),
        ("How many acres do the farms cover?", "The farms cover 3,400 acres below the dam.", "3,400 acres"),
        (
            "How many people gave?",
            "Gifts came from more than eleven thousand donors.",
            "more than eleven thousand",
        ),
        ("How many employees does the firm have?", "The firm has 5,000 staff in Oslo.", "5,000"),
        (
            "How much revenue did Anthropic lose?",
            "its models, Mythos and Fable 5, over national security",
            None,
        ),
        ("When will it be announced?", "It will be announced by August 2026.", "August 2026"),
        (
            "When did the Siege of Antioch take place?",
            "The Normans fought at the Siege of Antioch in 1097.",
            "1097",
        ),
        (
            "When did the sound form?",
            "The sound formed some ~8,000 years ago, geologists say.",
            "~8,000 years ago",
        ),
        ("When was the hearth in use?", "Charcoal dates the hearth to 9000 BP.", "9000 BP"),
        # A stretch of time answers "how long" as a number, though spaCy tags it a date.
        (
            "How long did the republic hold the island?",
            "The island stayed under the republic's rule for the following 380 years.",
            "380 years",
        ),
        ("How long did the king rule?", "He ruled for thirty years, until 1320.", "thirty years"),
        (
            "How much longer did the tunnel take than planned?",
            "The tunnel took eleven months longer than planned.",
            "eleven months",
        ),
        # An age, which spaCy tags as a date, answers "how old" and "at what age"; a year of birth does not.
        ("How old was she when she died?", "She was 81.", "81"),
        ("At what age did he retire?", "Kjell Ingvaldsen, 67, retired in 2019.", "67"),
        ("How old is the bridge?", "The bridge, 130 years old, is closed.", "130 years old"),
        (
            "After how many days is the licence reinstated?",
            "It is reinstated if you stop within 60 days of the notice.",
            "60 days",
        ),
        ("When was the wall built?", "The first wall was raised c. 400 BC by the islanders.", "c. 400 BC"),
        (
            "When did fishing families settle there?",
            "Families settled in the early 11th century.",
            "the early 11th century",
        ),
        (
            "Who leads the talks?",
            "The talks are led by US Treasury Secretary Scott Bessant.",
            "Scott Bessant",
        ),
        (
            "Who warned about it?",
            '"It is a big step," said Sam Fiorani, vice president at AutoForecast.',
            "Sam Fiorani",
        ),
        (
            "Where is the archive kept?",
            "The sheets are kept at the archive in Vesturvík, Iceland.",
            "Vesturvík",
        ),
    ],
)
def test_find_answer_cuts_the_span_that_answers(question: str, text: str, answer: str | None) -> None:
    kind = analyse(question).answer_type
    assert kind is not None
    assert find_answer(kind, question, text) == answer


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("How many Huawei Ascend chips were used to train the model?", "chips"),
        ("On what date did the river flood, and how many homes in Lowther Bridge were flooded?", "homes"),
        (
            "How many crossings a day are there in winter?",
            "crossings",
        ),  # "a day" is a rate, not what is counted
        ("How many crossings this winter are planned?", "crossings"),
        ("How many people died?", ""),  # no auxiliary: the verb is not told from the noun
        ("How much did it cost?", ""),
    ],
)
def test_the_noun_a_question_counts(question: str, counts: str) -> None:
    assert analyse(question).counts == counts


@pytest.mark.parametrize(
    ("question", "text", "answer"),
    [
        # spaCy tags "3.2 per cent" MONEY: a share counts nothing
        ("What is the population of Bergen?", "The glacier lost 3.2 per cent of its volume.", None),
        ("How many people live in Bergen?", "The glacier lost 3.2 per cent of its volume.", None),
        ("What was the number of deaths?", "Deaths fell by 12 per cent to 4,100.", "4,100"),
        (
            "How much volume did the glacier lose?",
            "The glacier lost 3.2 per cent of its volume.",
            "3.2 per cent",
        ),
        (
            "What is the population growth rate?",
            "The population grew by 1.4 per cent a year.",
            "1.4 per cent",
        ),
    ],
)
def test_a_share_answers_no_count(question: str, text: str, answer: str | None) -> None:
    assert find_answer("number", question, text) == answer


def test_the_library_misses_era_dates_and_the_hand_rule_catches_them() -> None:
    """spaCy's small English model reads "9000 BP" as a CARDINAL and "c. 400 BC" as a CARDINAL plus an ORG
    ("BC"); the era rule in chatbot.text.nlp makes both one DATE. This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    raw = spacy.load(MODEL)("Charcoal dates the hearth to 9000 BP, and the wall to c. 400 BC.")
    assert ("9000", "CARDINAL") in [(e.text, e.label_) for e in raw.ents]
    text = "Charcoal dates the hearth to 9000 BP, and the wall to c. 400 BC."
    (a,) = annotate([text])
    assert {text[s.start : s.end] for s in a.ents if s.label == "DATE"} >= {"9000 BP", "c. 400 BC"}


def test_the_library_misses_a_number_with_its_unit_glued_on_and_the_hand_rule_catches_it() -> None:
    """spaCy's small English model tags nothing in "over 700K" or "a 4GB card", so "How big is the package?" had
    no number to answer with; the unit rule makes each a QUANTITY. A name with digits ("H200") stays as it was.
    This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = "The base package alone is already over 700K, and the H200 needs a 4GB card."
    assert not {"700K", "4GB"} & {e.text for e in spacy.load(MODEL)(text).ents}
    (a,) = annotate([text])
    assert {text[s.start : s.end] for s in a.ents if s.label == "QUANTITY"} == {"700K", "4GB"}


def test_the_library_misses_a_name_from_another_language_after_a_courtesy_and_the_rule_catches_it() -> None:
    """spaCy's small English model tags nothing in "Mr Oğuz Çelik", so "Who is Oğuz Çelik?" found no role for
    him; a name after a courtesy is a person's, and the apposition gives his role. This test fails if either
    side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = (
        "The Claimant, Mr Oğuz Çelik, worked for the Defendant as a forklift driver at its Parkeston depot."
    )
    assert "PERSON" not in {e.label_ for e in spacy.load(MODEL)(text).ents}
    (a,) = annotate([text])
    assert [text[s.start : s.end] for s in a.ents if s.label == "PERSON"] == ["Oğuz Çelik"]
    assert [(r.person, r.role) for r in person_roles(text)] == [("Oğuz Çelik", "The Claimant")]


def test_the_library_misses_a_temperature_or_a_sound_level_and_the_hand_rule_catches_it() -> None:
    """spaCy's small English model tags nothing in "65 °C" or "−25 °C" on a data sheet's row, so "What is the
    maximum flow temperature?" was refused for want of a number; the degree rule makes each a QUANTITY, its
    sign kept. This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = "| Maximum flow temperature | 65 °C |\n| Lowest operating outdoor temperature | −25 °C |"
    assert not {"65 °C", "−25 °C"} & {e.text for e in spacy.load(MODEL)(text).ents}
    (a,) = annotate([text])
    assert {text[s.start : s.end] for s in a.ents if s.label == "QUANTITY"} == {"65 °C", "−25 °C"}


def test_the_library_misses_a_named_place_after_a_preposition_and_the_parse_rule_catches_it() -> None:
    """spaCy's small English model tags nothing in "in the Old Market Hall on Kingsway", so "Where can I borrow
    books?" had no place to answer with; a proper noun after a preposition of place, read from the parse, is a
    facility. A name spaCy tags keeps its label. This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = "A temporary branch will open in the Old Market Hall on Kingsway, as in Geneva, from 1 April 2027."
    assert {e.text for e in spacy.load(MODEL)(text).ents} == {"Geneva", "1 April 2027"}
    (a,) = annotate([text])
    found = {text[s.start : s.end]: s.label for s in a.ents}
    assert found == {"Old Market Hall": "FAC", "Kingsway": "FAC", "Geneva": "GPE", "1 April 2027": "DATE"}


@pytest.mark.parametrize(
    ("sentence", "speakers"),
    [
        ("Kelly said the talks failed.", ["Kelly"]),
        ('"No," Kelly responded.', ["Kelly"]),
        ("Casper pointed out that attackers would win.", ["Casper"]),
        ('"We will win," the minister added.', ["the minister"]),
        ("The minister added that talks would continue.", ["The minister"]),
        # a verb of speech in another sense: no one speaks (the telescope answered "Who founded …?")
        ("Its brass telescope still points at the northern sky every clear night.", []),
        ("The engineer added a sensor to the turbine.", []),
        ("The company responded to the crisis by cutting prices.", []),
    ],
)
def test_a_speaker_is_the_subject_of_a_verb_that_reports_speech(sentence: str, speakers: list[str]) -> None:
    (a,) = annotate([sentence])
    assert [sentence[s.start : s.end] for s in a.speakers] == speakers
    assert reports_speech(sentence) == bool(speakers)


def test_the_library_tags_a_name_with_a_number_as_a_date_and_the_hand_rule_drops_it() -> None:
    """spaCy's small English model reads "Fable 5" (a model's name) as a DATE, so a sentence without any date
    answered "On what date …?". This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = (
        "The US directed Anthropic to block foreign nationals from its models, Mythos and Fable 5, last May."
    )
    assert ("Fable 5", "DATE") in [(e.text, e.label_) for e in spacy.load(MODEL)(text).ents]
    (a,) = annotate([text])
    assert {text[s.start : s.end] for s in a.ents if s.label == "DATE"} == {"last May"}
    assert find_answer(
        "date", "On what date did the US order Anthropic to block foreign nationals?", text
    ) == ("last May")


@pytest.mark.parametrize(
    ("phrase", "dated"),
    [
        ("Fable 5", False),
        ("Windows 11", False),
        ("GPT-4", False),
        ("May 5", True),
        ("1097", True),
        ("the 1990s", True),
        ("day 3", True),
        ("5 years ago", True),
        ("2-3 weeks", True),
        ("the 5th", True),
        ("Q3 2025", True),
        ("mid-2024", True),
        ("5 and 6", True),
        ("Easter", True),
        ("last spring", True),
    ],
)
def test_a_date_has_a_year_an_ordinal_a_bare_number_or_a_word_of_time(phrase: str, dated: bool) -> None:
    assert is_date(phrase) is dated


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("thirteen million dollars", {"13000000"}),
        ("forty-two boats", {"42"}),
        ("2,000 people", {"2000"}),
        ("savings of £18m a year", {"18000000"}),
        ("a $2.5bn deal", {"2500000000"}),
        ("2.5bn people", {"2500000000"}),
        ("a dividend of 6.1p", {"6.1"}),
    ],
)
def test_numbers_written_as_words_or_digits(text: str, found: set[str]) -> None:
    assert numbers(text) >= found


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("a dividend of 6.1p per share", {"6.1"}),  # not "6": a number is read whole or not at all
        ("the 31m mast and the H200", set()),  # with no currency symbol, "31m" may be metres or a code
    ],
)
def test_a_number_glued_to_letters_is_read_whole_or_not_at_all(text: str, stated: set[str]) -> None:
    assert numbers(text) == stated


def test_the_library_misses_a_time_of_day_with_a_dot_and_the_hand_rule_catches_it() -> None:
    """spaCy's small English model tags "9.30am" (the British style) a CARDINAL, so "What time did the schools
    start?" had no time of day to answer with. This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = "Schools moved their start time from 8.15am to 9.30am."
    assert ("9.30am", "TIME") not in {(e.text, e.label_) for e in spacy.load(MODEL)(text).ents}
    (a,) = annotate([text])
    assert {text[s.start : s.end] for s in a.ents if s.label == "TIME"} == {"8.15am", "9.30am"}


def test_the_library_misses_short_sums_and_the_hand_rule_catches_them() -> None:
    """spaCy's small English model cuts "£18m" to "18" and tags "290p" an organisation, so "What target price did
    the analyst set?" found no sum of money to answer with. This test fails if either side changes."""
    import spacy

    from chatbot.text.nlp import MODEL

    text = "She cut her target price to 290p, and savings will reach £18m a year."
    ents = {(e.text, e.label_) for e in spacy.load(MODEL)(text).ents}
    assert ("290p", "MONEY") not in ents and ("£18m", "MONEY") not in ents
    (a,) = annotate([text])
    assert {text[s.start : s.end] for s in a.ents if s.label == "MONEY"} == {"290p", "£18m"}


@pytest.mark.parametrize(
    ("question", "yes_no", "claim"),
    [
        ("Was Andrew Barto a Turing Award winner?", True, "Andrew Barto a Turing Award winner"),
        ("Did he receive death threats?", True, "he receive death threats"),
        ("According to Kelly, is the hotline enough?", True, "the hotline enough"),
        (  # a fronted setting is part of what is asked, a source is not
            "Since version 3.7, can the length argument be omitted?",
            True,
            "the length argument may be omitted Since version 3.7",
        ),
        ("After the flood, did the mill reopen?", True, "the mill reopen After the flood"),
        # A question of what is possible or allowed asks about a hedged statement.
        ("Can I keep hens on a half plot?", True, "I may keep hens on a half plot"),
        ("Could the new rates take effect at once?", True, "the new rates may take effect at once"),
        ("Can tenants living nearby use the hall?", True, "tenants living nearby may use the hall"),
        ("Could the talks have collapsed?", True, "the talks may have collapsed"),
        ("Can't I keep hens?", True, "not I keep hens"),
        (  # so is a condition
            "If people only use my program over a network and never get a copy, does that count as conveying it?",
            True,
            "that count as conveying it If people only use my program over a network and never get a copy",
        ),
        ("When the vote fails, does the mayor decide?", True, "the mayor decide When the vote fails"),
        (  # what follows the question says how to answer it
            "Did the ferry run on time? Answer from both reports.",
            True,
            "the ferry run on time",
        ),
        ("When was the mill built, and did it survive the flood?", False, None),  # "when" asks here
        ("Who is Guo Jiakun?", False, None),
        ("Do you know who won?", False, None),
    ],
)
def test_yes_no_questions(question: str, yes_no: bool, claim: str | None) -> None:
    assert analyse(question).yes_no is yes_no
    if claim:
        assert yes_no_statement(question) == claim


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Who led the talks, and which official confirmed the new round?",
            ["Who led the talks?", "Which official confirmed the new round?"],
        ),
        ("What is X; how does it work?", ["What is X?", "How does it work?"]),
        ("Who said it and why?", ["Who said it and why?"]),
        (  # bare question words share the rest of the question
            "How, and why, must cache files be written?",
            ["How must cache files be written?", "Why must cache files be written?"],
        ),
        (
            "When, where, and why did the dam fail?",
            ["When did the dam fail?", "Where did the dam fail?", "Why did the dam fail?"],
        ),
        (
            "Which models from Meta and from Nvidia are mentioned?",
            ["Which models from Meta and from Nvidia are mentioned?"],
        ),
        (  # a later part that leaves out what the part before says asks of it
            "Did the council approve the budget, and why?",
            ["Did the council approve the budget?", "Why did the council approve the budget?"],
        ),
        ("Who approved the budget, and why?", ["Who approved the budget?", "Why?"]),  # of whom: not said
        (
            "How many written submissions were received, and how many backed Option A?",
            ["How many written submissions were received?", "How many written submissions backed Option A?"],
        ),
        (
            "How much money was raised, and how much was spent?",
            ["How much money was raised?", "How much money was spent?"],
        ),
        (
            "How many ships sank, and how many people drowned?",
            ["How many ships sank?", "How many people drowned?"],
        ),
        (
            "How many ships sank, and how many of them were found?",
            ["How many ships sank?", "How many of them were found?"],
        ),
    ],
)
def test_split_compound(question: str, parts: list[str]) -> None:
    from chatbot.text.questions import split_compound

    assert split_compound(question) == parts


@pytest.mark.parametrize(
    ("text", "span", "years"),
    [
        ("in the early 11th century", "the early 11th century", (1000, 1099)),
        ("during the 1050s", "the 1050s", (1050, 1059)),
        ("a centre of ivorywork in the 1100s", "the 1100s", (1100, 1199)),
        ("the siege of Antioch in 1097.", "1097", (1097, 1097)),
        ("the wall, c. 400 BC", "400 BC", (-400, -400)),
        ("charcoal from 9000 BP", "9000 BP", (-7050, -7050)),
        ("the 5th century BC", "the 5th century BC", (-499, -400)),
        ("automated in 1986, and its keeper left", "1986", (1986, 1986)),  # a comma after the year
        ("In 1066, Duke William conquered England.", "1066", (1066, 1066)),
    ],
)
def test_a_date_of_any_era_covers_its_years(text: str, span: str, years: tuple[int, int]) -> None:
    """What the number veto compares: "the 1100s" and "the 12th century" cover the same years."""
    found = {(text[e.start : e.end], (e.first, e.last)) for e in eras(text)}
    assert (span, years) in found


@pytest.mark.parametrize(
    ("question", "sentence", "another"),
    [
        (
            "How many visitors does the museum expect in 2024?",
            "It welcomed 310,000 visitors in 2023.",
            "2024",
        ),
        (
            "Who rebuilt the abbey in the 1100s?",
            "The abbey was rebuilt in the 10th century by monks.",
            "the 1100s",
        ),
        ("How many homes flooded in 2022?", "On 27 December 2022 the river put 412 homes under water.", ""),
        ("Who rebuilt the abbey in 1150?", "The abbey was rebuilt in the 12th century.", ""),  # within it
        ("What changed between 1000 and 1300?", "In 1204 the city fell.", ""),  # a range: not one time
        ("How many homes flooded?", "In 1872 the river put 40 homes under water.", ""),  # no time asked
    ],
)
def test_a_sentence_about_another_time_does_not_answer(question: str, sentence: str, another: str) -> None:
    assert another_time(question, sentence) == another


def test_a_count_is_not_a_year() -> None:
    assert eras("1,500 troops in 193 nations", plain_years=False) == []
    assert eras("homes in 250,000 towns and 1,984 villages") == []


@pytest.mark.parametrize(
    ("question", "person", "head", "of_a_body"),
    [
        ("Is Liao Min China's Foreign Ministry spokesperson?", "Liao Min", "spokesperson", True),
        ("Was Casper a professor at Shanghai Jiao Tong University?", "Stephen Casper", "professor", True),
        ("Was Tomás Ferreira a marine biologist?", "Tomás Ferreira", "biologist", False),
        (
            "Is Tiit Riisalo the port's chief executive?",
            "Tiit Riisalo",
            "executive",
            True,
        ),  # one definite body
        ("Was Tomás Ferreira the head of the committee?", "Tomás Ferreira", "head", True),
        (
            "According to the report, is Ingrid Solberg the mayor of Vesturvík?",
            "Ingrid Solberg",
            "mayor",
            True,
        ),
        ("Was Casper at the conference?", None, None, None),  # no role: the words after the name open on "at"
        ("Did Casper speak at the conference?", None, None, None),
        ("Is Rollo a Viking?", None, None, None),  # not a name the evidence gives
    ],
)
def test_a_role_question_names_a_known_person_and_the_role_asked(
    question: str, person: str | None, head: str | None, of_a_body: bool | None
) -> None:
    claim = role_claim(
        question, ["Liao Min", "Stephen Casper", "Tomás Ferreira", "Ingrid Solberg", "Tiit Riisalo"]
    )
    found = (claim.person, claim.head, claim.of_a_body) if claim else (None, None, None)
    assert found == (person, head, of_a_body)


@pytest.mark.parametrize(
    ("question", "now", "role", "present"),
    [
        ("Is Tomás Ferreira still the head of the committee?", True, "the head of the committee", True),
        ("Is Tomás Ferreira the head of the committee?", True, "the head of the committee", True),
        ("Was Tomás Ferreira the head of the committee?", False, "the head of the committee", False),
        ("Does the ferry run now?", True, None, None),
        ("Did the ferry run in May?", False, None, None),
    ],
)
def test_a_question_may_ask_of_now_which_a_role_that_ended_is_not(
    question: str, now: bool, role: str | None, present: bool | None
) -> None:
    """ "still" and "now" ask of the present and are no part of the role; a role the text says has ended
    ("who chaired it until May", "the former head") answers only a question about the past."""
    assert asks_of_now(question) is now
    claim = role_claim(question, ["Tomás Ferreira"])
    assert ((claim.role, claim.present) if claim else (None, None)) == (role, present)
    assert ended("Tomás Ferreira, who chaired the committee until May, said …", question)
    assert ended("the former head of the committee")
    assert not ended("The shop is open until six.", "Is the shop open until six?")  # the question's own word


@pytest.mark.parametrize(
    ("question", "predicate"),
    [
        ("Is Mount Eskel's eruption an explosive one?", "an explosive one?"),
        ("Is the ferry free for children?", "free for children?"),
        ("Was Andrew Barto a Turing Award winner?", "a Turing Award winner?"),
        ("Did the ferry run on Sunday?", ""),  # a verb of its own: the act is checked, not a predicate
        ("Are dogs allowed?", ""),
    ],
)
def test_a_question_with_no_verb_but_be_asks_what_its_subject_is(question: str, predicate: str) -> None:
    """Most of these words must be in the sentence that answers "Yes": one about the eruption that never says
    "explosive" says nothing of whether it is."""
    assert copular_predicate(question) == predicate


@pytest.mark.parametrize(
    ("sentence", "denied"),
    [
        ("The MIME database does NOT store user preferences.", True),
        ("C-style comments are not supported.", True),
        ("You are not required to accept this License in order to run the Program.", True),
        ("The engineers said the reservoir was not full.", False),  # a denial in a reported clause
        ("It is not only a trade deal but a security pact.", False),
        ("Applications must match globs case-insensitively.", False),
    ],
)
def test_a_sentence_denies_what_its_main_verb_says(sentence: str, denied: bool) -> None:
    assert bool(denied_clause(sentence)) is denied


@pytest.mark.parametrize(
    ("claim", "act"),
    [
        ("the conservators polish the helmet before it goes on show", "polish"),
        ("the regional grant been signed", "sign"),
        ("a Chinese company claimed to have built the model", "claim"),
        ("Liao Min was China's primary counterpart", ""),  # a copula: the content is in the nouns
        ("the council had talks with the port", ""),  # a light verb: the content is its object
        # A permission or ability frames the act asked about: the text says "you may charge", not "allowed".
        ("I allowed to charge money for copies of the software", "charge"),
        ("the licence let me incorporate the program into other programs", "incorporate"),
        ("people still be able to launch boats at the reservoir", "launch"),
        ("the licensee permitted to sublicense the work", "sublicense"),
        # … and so does a need: "Do customers need to unplug it?" asks about unplugging.
        ("customers need to unplug the kettle", "unplug"),
        ("customers need a receipt", "need"),
        # "Was the ruling welcomed by …?" loses its "was": spaCy then reads a noun with a clause.
        ("the ruling welcomed by the Dutch Shipping Council", "welcome"),
        ("the fishermen represented by Pieter Hoekstra", "represent"),
    ],
)
def test_a_claim_asserts_the_act_of_its_main_verb(claim: str, act: str) -> None:
    assert main_verb(claim) == act


@pytest.mark.parametrize(
    ("sentence", "act", "asserted"),
    [
        ("Customers should stop using the kettle immediately and unplug it.", "unplug", True),
        ("Customers should stop using the kettle immediately and unplug it.", "use", False),  # what they stop
        ("The council did not approve the plan.", "approve", False),
        ("There was no increase in prices.", "increase", False),  # a noun, denied
        ("She refused to sign the deal.", "sign", False),
    ],
)
def test_a_sentence_asserts_a_verb_no_negation_governs(sentence: str, act: str, asserted: bool) -> None:
    assert asserts_act(sentence, act) is asserted


@pytest.mark.parametrize(
    ("claim", "said"),
    [
        ("Sanne O'Neill say the authority would appeal", "the authority would appeal"),
        ("Stephen Casper say that AI needs a Chernobyl moment", "that AI needs a Chernobyl moment"),
        ("the ruling welcomed by the council", ""),  # not a statement of speech
    ],
)
def test_what_a_claim_of_speech_says_was_said(claim: str, said: str) -> None:
    assert reported_content(claim) == said


@pytest.mark.parametrize(
    ("sentence", "act", "denial"),
    [
        # A coordinated verb denies the claim's act, with the subject it shares.
        ("The grant has been agreed in principle but not yet signed.", "sign", "The grant not yet signed"),
        ("The permit does not cover dredging.", "cover", "The permit does not cover dredging ."),
        ("The grant has been agreed in principle but not yet signed.", "agree", ""),  # the agreement stands
        (
            "If we vote on it later, it won't be in place by July.",
            "vote",
            "",
        ),  # the denial is of something else
        # What a speaker says counts; what a question asks does not.
        ("“We will not polish it,” the conservator said.", "polish", "We will not polish it"),
        ("He asked whether they would not polish it.", "polish", ""),
        # A speaker denying the words denies any verb of speech the claim uses.
        ("I didn't say the water would be unsafe.", "warn", "I did n't say the water would be unsafe ."),
        ("I didn't say the water would be unsafe.", "build", ""),
        # A negative subject denies its verb with no "not" (spaCy parses it as an ordinary subject).
        (
            "All 14 staff will move to the new branch, and nobody will lose their job.",
            "lose",
            "nobody will lose their job .",
        ),
        ("No passengers were hurt in the collision.", "hurt", "No passengers were hurt in the collision ."),
        ("None of the guests left early.", "leave", "None of the guests left early ."),
        ("Somebody will lose their job.", "lose", ""),
        # A negation covers the verbs "or" joins to its own, and a verb of the same act ("put" / "place").
        ("Do not cover the router or place it in a cupboard.", "put", "place it in a cupboard"),
        ("He did not sign the letter and left early.", "leave", ""),  # "and": the leaving is asserted
        # A verb of avoidance denies the gerund it governs.
        ("Avoid drinking alcohol while taking Dolvaxin.", "drink", "drinking alcohol while taking Dolvaxin"),
        ("You should refrain from smoking inside the Property.", "smoke", "smoking inside the Property"),
        ("Customers should stop using the kettle and unplug it.", "use", "using the kettle"),
        ("Customers should stop using the kettle and unplug it.", "unplug", ""),  # what they do instead
        ("Keep drinking water during the race.", "drink", ""),
    ],
)
def test_a_sentence_denies_the_claims_act(sentence: str, act: str, denial: str) -> None:
    assert denied_act(sentence, act) == denial


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("I didn't say the water would be unsafe.", "the water would be unsafe"),
        (
            "To be clear, I did not say the dredging would empty the reserve.",
            "the dredging would empty the reserve",
        ),
        ("The engineers said the reservoir was not full.", ""),  # a denial inside what is said, not of saying
        ("I did not build the dam.", ""),  # a denied act that is not speech
    ],
)
def test_a_speaker_disowns_the_words_they_deny_saying(sentence: str, words: str) -> None:
    assert disowned(sentence) == words


@pytest.mark.parametrize(
    ("claim", "speech"),
    [
        ("Dr. Nguyễn warn that the drawdown would make tap water unsafe to drink", True),  # a bare verb
        ("the council confirmed the grant", True),
        ("the national flood-defence grant been confirmed in writing", False),  # passive: about the grant
        ("the grant covers dredging", False),
    ],
)
def test_a_claim_reports_speech_when_someone_says_it(claim: str, speech: bool) -> None:
    assert reports_speech(claim) is speech


ROLES = {
    "finance officer": "Amara Okafor",
    "harbour master": "Tomasz Wójcik",
    "vice-chair": "Søren Halvorsen",
    "halden rail's chief executive": "Kari-Anne Solberg",
}


@pytest.mark.parametrize(
    ("question", "found"),
    [
        (
            "Did the finance officer warn that the dredging would empty the reserve?",
            ("Amara Okafor", "finance officer"),
        ),
        ("What did the Harbour Master say about the spoil?", ("Tomasz Wójcik", "harbour master")),
        ("What lesson did the Vice-Chair say he took from the coast?", ("Søren Halvorsen", "vice-chair")),
        (
            "According to the finance officer, what would the contract cost?",
            ("Amara Okafor", "finance officer"),
        ),
        ("Who is the harbour master?", None),  # no one speaks: a role question, not a speaker's words
        ("Did the finance committee say no?", None),  # a role the corpus gives no one
    ],
)
def test_a_speaker_named_by_role_is_the_one_person_with_that_role(
    question: str, found: tuple[str, str] | None
) -> None:
    assert speaker_by_role(question, ROLES) == found


@pytest.mark.parametrize(
    ("question", "read"),
    [
        (
            "Did the Finance Officer warn that the dredging would empty the reserve?",
            "Did Amara Okafor warn that the dredging would empty the reserve?",
        ),
        (
            "What did the Authority's finance officer say about the reserve?",
            "What did the Authority's Amara Okafor say about the reserve?",
        ),
    ],
)
def test_a_question_naming_a_speaker_by_role_reads_as_if_it_named_them(question: str, read: str) -> None:
    assert speaker_by_role(question, ROLES) == ("Amara Okafor", "finance officer")
    assert named(question, "finance officer", "Amara Okafor") == read


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was the TechFastForward article published?", "date"),
        ("What is the date of the report?", "date"),
        ("Who wrote the TechFastForward article?", "author"),
        ("Who is the author of the Harbour Ledger article?", "author"),
        ("When did the talks take place?", None),  # about what a document reports, not the document
        ("Who wrote the letter to the board?", None),  # a letter the document reports on
        ("Who wrote the report on the dredging?", None),
        ("Who signed the letter?", "author"),  # an open letter's signatories wrote it
        ("When was the specification first published?", None),  # another edition than the one at hand
        ("When was version 0.20 of the specification published?", None),  # another version, perhaps
        ("And when was the report published?", "date"),  # a follow-up's leading "and"
    ],
)
def test_a_question_about_a_document_itself_is_told(question: str, kind: str | None) -> None:
    assert document_fact(question) == kind


@pytest.mark.parametrize(
    ("question", "held"),
    [
        ("Who is the harbour master?", ("Tomasz Wójcik", "harbour master")),
        ("Who's the Board's finance officer?", ("Amara Okafor", "finance officer")),
        ("Who is the vice-chair of the Board?", ("Søren Halvorsen", "vice-chair")),
        # A time asks about a holder the record may not quote: the ordinary way answers it.
        ("Who was the harbour master in 1987?", None),
        ("Who was the harbour master at the time?", None),
        ("Who said the harbour master was wrong?", None),
        ("Who is the treasurer?", None),  # a role the corpus gives no one
        # a body's role, given as "Halden Rail's chief executive", asked with "of"
        (
            "Who is the chief executive of Halden Rail?",
            ("Kari-Anne Solberg", "halden rail's chief executive"),
        ),
        # the body asked by its full name holds the word the role gives it
        (
            "Who is the chief executive of the Halden Rail Company?",
            ("Kari-Anne Solberg", "halden rail's chief executive"),
        ),
        ("Who is Vestby Port's chief executive?", None),  # another body's
    ],
)
def test_a_role_holder_question_names_the_one_person_given_that_role(
    question: str, held: tuple[str, str] | None
) -> None:
    assert holder_by_role(question, ROLES) == held


@pytest.mark.parametrize(
    ("question", "owner"),
    [
        ("Who is Brennmoor County Council's chief engineer?", "brennmoor county council"),
        ("Who is the director of the Civic Museum of Aurecht?", "the civic museum of aurecht"),
        ("Who is the chief engineer?", ""),
        ("Who is Stephen Casper?", ""),
    ],
)
def test_a_role_holder_question_may_tie_the_role_to_a_body(question: str, owner: str) -> None:
    assert role_owner(question) == owner


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Who chaired the meeting?", "chair"),
        ("Who coached the team in the final?", "coach"),
        ("Who headed the delegation?", "head"),
        ("Who led the talks?", ""),  # "led" is made from no title
        ("Who leads the city council?", "leader"),  # the one who does it: a title of its own
        ("Who manages the club?", "manager"),
        ("Who coaches the team?", "coach"),
        ("Who reads the news?", ""),  # "reader" is no title
        ("Who said that?", ""),
        ("Who chaired?", ""),  # nothing chaired: no question of a role over something
    ],
)
def test_a_verb_made_from_a_title_asks_who_held_it(question: str, role: str) -> None:
    assert acted_role(question) == role


@pytest.mark.parametrize(
    ("question", "sentence", "other"),
    [
        (
            "When was the spec first published?",
            "This is version 0.21 of the spec, last updated 2 October 2018.",
            True,
        ),
        (
            "When was the GPL first published?",
            "It was first published in 1989 and last revised in 2007.",
            False,
        ),
        (
            "When was the spec published?",
            "This is version 0.21 of the spec, last updated 2 October 2018.",
            False,
        ),
    ],
)
def test_a_latest_edition_dates_no_first_publication(question: str, sentence: str, other: bool) -> None:
    assert another_edition(question, sentence) is other


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("What changes does the author propose?", True),
        ("Which steps does the report recommend?", True),  # "steps" tagged as a verb: its role decides
        ("What were the main outcomes of the summit?", True),
        ("List the measures the council approved.", True),
        ("What is the main takeaway?", False),
        ("What was the status of the talks?", False),
        ("Which cabinet department led the talks?", False),
        ("What does Kelly want in place of envoys?", False),
        ("Why does the author call the deal an illusion?", False),
    ],
)
def test_a_question_for_several_things_is_told_from_one_for_a_single_thing(
    question: str, listed: bool
) -> None:
    assert asks_for_list(question) is listed


_DOCUMENTS = [
    DocumentInfo("ledger.pdf", "", "", "The Harbour Ledger (fictional)", "Rúnar Ásgeirsson", "", "", 1),
    DocumentInfo(
        "review.pdf", "", "", "The Aurecht Review of Arts & Heritage", "Mireille Østergaard", "", "", 1
    ),
    DocumentInfo(
        "spec.pdf", "", "", "X Desktop Group / freedesktop.org (Debian package 2.2-1)", "", "", "", 1
    ),
    DocumentInfo(
        "gpl.txt", "", "", "", "Fabio Fiorina, Simon Josefsson and Nikos Mavrogiannopoulos", "", "", 1
    ),
]


class _Credits:
    def credits(self) -> list[tuple[str, frozenset[str]]]:
        return credits(_DOCUMENTS)


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("According to the Harbour Ledger, when did the ferry stop?", "ledger.pdf"),
        ("According to Ásgeirsson, when did the ferry stop?", "ledger.pdf"),
        ("What does Mireille Østergaard say about the helmet?", "review.pdf"),
        ("What did the Aurecht Review say about the helmet?", "review.pdf"),
        ("What does the X Desktop Group require?", "spec.pdf"),
        ("Does Josefsson document the parser?", "gpl.txt"),
        # One word of a longer outlet is a place, not the outlet; a version number names nothing.
        ("Who is the director of the Civic Museum of Aurecht?", None),
        ("Which ship is shown in Figure 1?", None),
        ("What does the Harbour say?", None),
    ],
)
def test_a_question_names_a_source_by_outlet_or_author(question: str, source: str | None) -> None:
    found = set(source_references(analyse(question), _Credits()).values())  # type: ignore[arg-type]
    assert found == ({source} if source else set())


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("What does WRWA stand for?", "WRWA"),
        ("What is DfE short for?", "DfE"),
        ("What is the full name of the WRWA?", "WRWA"),
        ("What do CSOs stand for?", "CSO"),
        ("What does the acronym BAAI stand for?", "BAAI"),
        ("Who founded the WRWA?", None),
        ("What does it stand for?", None),  # no abbreviation
    ],
)
def test_a_question_asking_what_an_abbreviation_stands_for(question: str, short: str | None) -> None:
    assert asked_short_form(question) == short


def test_abbreviations_are_defined_where_they_are_first_used() -> None:
    """Schwartz–Hearst: the long form's words hold the short form's letters in order, its first letter opening
    a word; either form may stand in the brackets."""
    text = (
        "The Western Rivers Water Authority (WRWA) tested samples downstream of combined sewer overflows (CSOs). "
        "The Department for Environment (DfE) paid. The WHO (World Health Organization) said. "
        "Its chief executive (CEO) left. He said (GDP) rose. The ratio (p < 0.05) held. In 3 years (2021) it fell."
    )
    assert [(d.short, d.long, text[d.start : d.end]) for d in definitions(text)] == [
        ("WRWA", "Western Rivers Water Authority", "Western Rivers Water Authority"),
        ("CSOs", "combined sewer overflows", "combined sewer overflows"),
        ("DfE", "Department for Environment", "Department for Environment"),
        ("WHO", "World Health Organization", "World Health Organization"),
    ]  # "chief executive" has no "o": the text never spells "CEO" out


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What did Guo Jiakun say about AI proliferating?", "AI proliferating"),
        ("What do state-media campaigns highlight about data centers, according to Kelly?", "data centers"),
        ("What does she think of the congestion charge?", "the congestion charge"),
        ("Why did Kelly say that the talks failed?", ""),  # words stated, no topic
    ],
)
def test_the_topic_of_someones_words(question: str, topic: str) -> None:
    assert speech_topic(question) == topic
