"""What a question asks for, read with a few general rules of English questions.

An extractive system cannot tell "answered" from "merely related" by similarity alone:
"How many people attended the conference?" retrieves the sentence about the conference.
So we read the question's expected answer type (a date, a number, a name), the names it
relies on, the speaker it asks about, and any source it names ("according to TrendKia"),
and the composer checks the evidence against each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from chatbot.text.lexicon import (
    ADVERBIAL_INTERROGATIVES,
    AGENT_FIELDS,
    AMOUNT_ASKING,
    AUTHORSHIP_WORDS,
    COMPARATIVES,
    CONNECTORS,
    COUNT_NOUNS,
    DETERMINERS,
    DURATION_UNITS,
    EDITION_QUALIFIERS,
    ENDED_ROLE_WORDS,
    FIRST_EDITION,
    LATEST_EDITION,
    LIGHT_SPEECH_VERBS,
    MEASURE_ADJECTIVES,
    MONEY_WORDS,
    NAME,
    NOW_WORDS,
    ORG_TARGETS,
    ORG_WORDS,
    PERSON_NOUNS,
    PHRASE_STOPS,
    PHYSICAL_MEASURES,
    POSSIBILITY_MODALS,
    PREPOSITIONS,
    PRONOUNS,
    PUBLICATION_VERBS,
    PUBLICATIONS,
    QUANTITY_NOUNS,
    QUESTION_AUXILIARIES,
    QUESTION_SPEECH_VERBS,
    QUESTION_WORDS,
    SHARE_WORDS,
    SPEECH_NOUNS,
    SPEECH_VERBS,
    SUM_VERBS,
    TIME_WORDS,
    TITLES,
    WORKPLACE_VERBS,
    alternation,
    is_person_name,
)
from chatbot.text.nlp import parse
from chatbot.text.normalise import fold, fold_word, tokens, words

_POSSESSIVE_RE = re.compile(r"[’']s$")  # "Kelly's" → "Kelly"

# The kinds of short answer a question can ask for: a date, a number, a name, a description of people.
AnswerType = Literal["date", "number", "name", "people"]

SPEECH = rf"(?:{alternation(SPEECH_VERBS | QUESTION_SPEECH_VERBS)})"
# A verb of speech in the passive with an infinitive after it is a request made of the subject: "Who has been
# asked to lead the review?", "Who was told to leave?" ask for whom it was said to, who then acts.
_ADDRESSED_RE = re.compile(rf"\b(?:is|are|was|were|be|been|being)\s+{SPEECH}\s+to\b")

_DATE_Q = re.compile(
    r"(when|((on|in|by|at|during|since|until) )?(what|which) (date|day|year|month|time|decade|century|week)s?"
    r"|by when)\b"
)
_NUMBER_Q = re.compile(rf"\bhow (?:{alternation(MEASURE_ADJECTIVES)})\b")
# "How old was she when she died?", "At what age did he retire?": an age, which spaCy tags DATE ("She was 81.").
_AGE_Q = re.compile(r"\bhow old\b|\bwhat age\b")
# "How deep is the lane?", "How far is the island?": a physical measure, never a sum of money or a share.
_MEASURE_Q = re.compile(rf"\bhow (?:{alternation(PHYSICAL_MEASURES)})\b")
# "How many Huawei Ascend chips were …?": the words between "how many" and the auxiliary name what is counted.
_COUNTED_RE = re.compile(rf"(?i)\bhow many ((?:[\w’'-]+ ){{1,6}}?)(?:{'|'.join(QUESTION_AUXILIARIES)})\b")
_HOW_MANY_RE = re.compile(r"(?i)\bhow many\b")
# "How long did they rule?", "After how many days …?", "How much longer did it take?": a stretch of time ("for
# the following 380 years", "eleven months longer"), which spaCy tags as a date. A length ("How much longer is
# the pier?") is no date, so reading its question so changes nothing.
_DURATION_Q = re.compile(
    rf"(?i)\bhow (?:long\b|much (?:longer|later|earlier|sooner|more time)\b"
    rf"|many (?:more |fewer )?(?:{alternation(DURATION_UNITS)})s?\b)"
)
# "What is Project Maven's annual budget?": a what-question whose head noun is a quantity, within a few words of
# "what" and before any verb or preposition of its own ("What did the report say about the budget?", "What was
# the effect on graduation rates?" ask for something else).
_QUANTITY_Q = re.compile(
    rf"^what (?:(?:is|was|are|were|will be) )?"
    rf"(?:(?!(?:{'|'.join(QUESTION_AUXILIARIES)}|{alternation(PREPOSITIONS)})\b)[\w’'-]+ ){{0,4}}?"
    rf"(?P<noun>number of|{alternation(QUANTITY_NOUNS)})\b"
)
_MONEY_Q = re.compile(rf"\b(?:{alternation(MONEY_WORDS)})\b")
# The sum word as what the question is about, not what it asks: "What does she think of the congestion charge?"
_TOPIC_SUM_Q = re.compile(
    rf"\b(?:of|about|on|over|against|with|to)\s+(?:the|a|an|this|that|its|their|his|her|our)\s+(?:[\w’'-]+\s+){{0,2}}"
    rf"(?:{alternation(SUM_VERBS)})\W*$"
)
_SUM_Q = re.compile(
    rf"^what\b.*\b(?:{alternation(SUM_VERBS)})"
    rf"(?:\s+(?:per \w+|each|apiece|overall|altogether|in (?:total|all|the end)"
    rf"|(?:a|an|every) (?:{alternation(DURATION_UNITS)})))?\W*$"  # "… cost per passenger?", "… a year?"
)


def _asks_money(question: str) -> bool:
    """ "How much did it cost?", "What was the budget?": a number question answered most directly by money
    ("How many ships did they buy?" counts ships)."""
    q = _FRAMING_RE.sub("", question.strip()).lower()
    if _asks_sum(q):
        return True
    if re.search(r"\bhow much\b", q):
        return bool(_MONEY_Q.search(q))
    m = _QUANTITY_Q.match(q)
    return bool(m and _MONEY_Q.fullmatch(m.group("noun")))


def _asks_sum(q: str) -> bool:
    """ "What does the ferry charge?", "What did it cost in the end?", for a folded question; not "What does she
    think of the congestion charge?", whose sum word is what it asks about."""
    return bool(_SUM_Q.match(q)) and not _TOPIC_SUM_Q.search(q)


# "Who made up / who were": a description of people answers it; "who headed / who said": a name is needed.
_GROUP_WHO = re.compile(r"who (made up|were|are|attended|participated|took part)\b")
# An organisation's noun may follow a word that says which kind: "Which shipping company …", "… radio station".
_ORG_Q = rf"(?:(?!(?:{'|'.join(QUESTION_AUXILIARIES)})\b)[a-z-]+ )?(?:{alternation(ORG_TARGETS)})"
_NAME_Q = re.compile(
    rf"(who|whom|which ({_ORG_Q}|person|official|researcher|scientist|study|report|university|country|city|town|"
    r"place|region|chinese researchers|researchers|countries|cities|towns|places|regions)|"
    r"(in|at|from) which (city|country|town|place|region|cities|countries|towns|places|regions)|where|"
    rf"what (?:is|was|are|were) the names?|what ({_ORG_Q}|study|countries|cities) )\b"
)
# A title or kind of person in small letters before the name is no part of it, nor a word that says whose title
# it is: "What did sous-chef Dariusz Wróbel say …?", "… league chair Eilidh MacAskill …", "… patient Ilse …".
_SMALL_TITLES = rf"(?:(?:[a-z'’]+[ -]){{0,2}}(?:{alternation(PERSON_NOUNS)}) ){{0,2}}"
_SPEAKER_Q = re.compile(
    rf"\b(?i:what|which|how|why|when)(?: [a-z]+){{0,2}} (?i:did|does|do|has|have) (?P<role>{_SMALL_TITLES})(?P<name>{NAME}) "
    rf"(?:(?:\w+ ){{0,2}}){SPEECH}\b"
    rf"|\b(?i:what|which)(?: [a-z]+)? (?i:{alternation(SPEECH_NOUNS)}) (?i:did|does|do|has|have) (?P<maker>{NAME}) "
    rf"(?i:{alternation(LIGHT_SPEECH_VERBS)})\b"
)


@dataclass
class QuestionInfo:
    text: str
    answer_type: AnswerType | None
    names: list[str] = field(
        default_factory=list
    )  # capitalised names, numbers and quoted phrases it relies on
    speaker: str | None = None  # "What did X say ...": X
    role_of: str | None = None  # "Who is X?", "What is X's role?": X
    target: str = ""  # what a name question asks for ("who", "where", "city", …), "money", "duration", "age" or "measure"
    # "What did league chair Eilidh MacAskill say …?": "league chair", the role the question gives its speaker
    speaker_role: str = ""

    @property
    def counts(self) -> str:
        """ "How many Huawei Ascend chips were used …?": the noun the question counts ("chips"), the last word
        before its verb or a preposition ("how many homes in Lowther Bridge were …"); empty when it counts
        nothing named or asks something else."""
        m = _COUNTED_RE.search(self.text)
        if not m or self.answer_type != "number":
            return ""
        phrase = []
        for word in m.group(1).lower().split():
            if word in PREPOSITIONS or word in QUESTION_AUXILIARIES or word in DETERMINERS:
                break  # a determiner opens another phrase: "how many crossings a day", "… this winter"
            phrase.append(word)
        return phrase[-1] if phrase else ""

    @property
    def asks_count(self) -> bool:
        """ "How many …?", "What is the population of …?", "What is the number of …?": a count of things, which
        a share ("3.2 per cent of its volume") never answers, unless the question asks for one."""
        if self.answer_type != "number" or set(words(self.text.lower())) & SHARE_WORDS:
            return False
        quantity = _QUANTITY_Q.search(self.text.lower())
        noun = quantity.group("noun") if quantity else ""
        return bool(_HOW_MANY_RE.search(self.text)) or noun == "number of" or noun in COUNT_NOUNS

    @property
    def asks_person(self) -> bool:
        """ "Who …?", "Which expert …?": the answer is a person's name (a speaker the index knows counts)."""
        return self.answer_type == "name" and (self.target in ("who", "whom") or self.target in PERSON_NOUNS)

    @property
    def asks_speaker(self) -> bool:
        """ "Who warned …?", "Who called AI “a global technology”?": a person asked for by what they said (a verb
        of speech, or words quoted), so whoever says the words answers it, named in the quote or not."""
        text = _ADDRESSED_RE.sub("", fold(self.text))
        return self.asks_person and bool(re.search(rf"\b{SPEECH}\b|[“\"][^”\"]{{3,}}[”\"]", text))

    @property
    def yes_no(self) -> bool:
        """A question answered "yes" or "no": it opens with an auxiliary verb ("Was X …?", "Did he …?")."""
        return bool(_YES_NO_RE.match(_FRAMING_RE.sub("", self.text)))


def analyse(question: str) -> QuestionInfo:
    q = question.strip()
    kind = answer_type(q)
    target = _target(q)
    if kind == "number" and _asks_money(q):
        target = "money"
    elif kind == "number" and _DURATION_Q.search(q):
        target = "duration"
    elif kind == "number" and _AGE_Q.search(q.lower()):
        target = "age"
    elif kind == "number" and _MEASURE_Q.search(q.lower()):
        target = "measure"
    speaker, role = _speaker(q)
    return QuestionInfo(q, kind, question_names(q), speaker, _role_of(q), target, role)


# A yes/no question opens with an auxiliary ("Was X …?", "Didn't he …?"); "Can you …" asks for something else.
_YES_NO_RE = re.compile(rf"(?i)^(?:{'|'.join(QUESTION_AUXILIARIES)})(?:n?[’']t)?\b(?!\s+you\b)")
# "Who …", "Where …", "Which city …", "In what country …", "What company …": the thing a name question asks for.
_TARGET_RE = re.compile(
    r"(?i)^(?:(?:in|at|from|to|for|by) )?(?:(?P<wh>who|whom|whose|where)\b|(?:which|what) (?P<noun>[a-z]+)"
    r"(?: (?P<head>[a-z]+))?)"
)


# "Which market trader said …?", "Which resident warned …?": a noun of one who does something (trader, driver,
# volcanologist, librarian, resident) that says something is a person, whatever the noun.
_SAYER_RE = re.compile(
    rf"(?i)^(?:which|what) (?:[a-z'-]+ ){{0,2}}(?P<agent>[a-z-]+(?:er|or|ist|ian|ant|ent)) {SPEECH}\b"
)


def _target(question: str) -> str:
    plain = _FRAMING_RE.sub("", question.strip())
    m = _TARGET_RE.match(plain)
    if not m:
        return ""
    head = (m.group("head") or "").lower()
    if head in PERSON_NOUNS:
        return head  # "Which board director …": the person noun after its modifier
    if _singular(head) in ORG_TARGETS:
        return _singular(head)  # "Which radio station …", "Which law firms …"
    sayer = _SAYER_RE.match(plain)
    if sayer and sayer["agent"].lower() not in ORG_WORDS | ORG_TARGETS | PUBLICATIONS:
        return "person"
    target = _singular((m.group("wh") or m.group("noun") or "").lower())
    if target == "where" and WORKPLACE_VERBS.intersection(words(question)):
        return "institution"  # "Where does she work?"
    return target


def _singular(noun: str) -> str:
    """ "Which countries …" asks for what "which country" does: "countries" → "country", "firms" → "firm"; an
    auxiliary ("What does …", "What was …") is left as it is."""
    if noun in QUESTION_AUXILIARIES:
        return noun
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    return (
        noun[:-1] if noun.endswith("s") and not noun.endswith(("ss", "us", "is")) and len(noun) > 3 else noun
    )


_ROLE_Q = re.compile(
    rf"^(?i:who is|who's|who was) (?P<a>{NAME})\s*\??$"
    rf"|^(?i:what (?:is|was)) (?P<b>{NAME}?)[’']s? (?:role|job|position|title|affiliation)\b"
)
# "How is Stephen Casper described?", "How does the digest describe Stephen Casper?": a person described is
# a person introduced, by the role the text gives them (a place or a body described is not: "How does Kelly
# describe China?" asks for a characterisation).
_DESCRIBED_Q = re.compile(
    rf"^(?i:how (?:is|was)) (?P<a>{NAME}) (?i:described)\s*\??$"
    rf"|^(?i:how (?:does|do|did)) [^?]{{1,60}}? (?i:describe) (?P<b>{NAME})\s*\??$"
)


# "What is the severity of the incident?", "Which company issued the recall?", "What hazard does it pose?": the
# noun a what- or which-question asks for, which a record may state as a field ("Severity: SEV-1").
_ASKED_AGENT_RE = re.compile(r"^who (?:first |originally |now |currently )?(?P<verb>[a-z]+)\b")
_ASKED_NOUN_RE = re.compile(
    r"^(?:what|which) (?:(?:is|was|are|were) )?(?:(?:the|its|their|his|her) )?(?P<noun>[a-z-]+)"
)


def asked_nouns(question: str) -> tuple[str, ...]:
    """The words a record's field may name what the question asks for by: the noun after "what" or "which"
    ("What is the severity …?"), or the act "who" asks about with its doer's fields ("Who makes the HP-9?" →
    makes, manufacturer, maker: ``lexicon.AGENT_FIELDS``); () where the question asks for none."""
    asked = unframed(question).lower()
    if (m := _ASKED_AGENT_RE.match(asked)) and (fields := AGENT_FIELDS.get(m.group("verb"), ())):
        return (m.group("verb"), *fields)
    m = _ASKED_NOUN_RE.match(asked)
    noun = m.group("noun") if m else ""
    return (
        ()
        if not noun or noun in QUESTION_AUXILIARIES or noun in DETERMINERS | PRONOUNS | PREPOSITIONS
        else (noun,)
    )


def _role_of(question: str) -> str | None:
    m = _ROLE_Q.match(question.strip())
    if m:
        return m.group("a") or m.group("b")
    m = _DESCRIBED_Q.match(question.strip())
    person = m and (m.group("a") or m.group("b"))
    return person if person and is_person_name(person) else None


# A fronted phrase before the question proper says where or when, not what, to look for: its source
# ("According to Kelly, in which city ...?") or its setting ("Since version 3.7, can ...?").
# A condition may open it too, and run longer ("If people only use my program over a network and never get a
# copy, does that count as conveying it?"); "When did …, and …?" is a question, not a condition.
_FRAMING_RE = re.compile(
    r"^(?:(?:according to|in|per|for|since|after|before|during|until|as of|under|at|on|by|following) [^,?]{1,60}"
    rf"|(?:if|once|whenever|unless|when(?! (?:{'|'.join(QUESTION_AUXILIARIES)})\b)) [^,?]{{1,150}}),\s*",
    re.IGNORECASE,
)
_SOURCE_FRAMING_RE = re.compile(r"^(?:according to|per)\b", re.IGNORECASE)


def unframed(question: str) -> str:
    """The question proper, its fronted source, setting or condition taken off."""
    return _FRAMING_RE.sub("", question.strip())


def answer_type(question: str) -> AnswerType | None:
    q = _FRAMING_RE.sub("", question.strip()).lower()
    if _YES_NO_RE.match(q):
        return None  # "Did she say how much it would cost?" is answered yes or no, not with a sum
    if _DATE_Q.match(q):
        return "date"
    if _NUMBER_Q.search(q) or _AGE_Q.search(q) or _QUANTITY_Q.match(q) or _asks_sum(q):
        return "number"
    if _GROUP_WHO.match(q):
        return "people"
    if _NAME_Q.match(q) or (q.startswith("which ") and _target(q) in PERSON_NOUNS):
        return "name"
    return None


def question_names(question: str) -> list[str]:
    """Names, numbers and quoted phrases a question relies on; its first word counts only inside a name."""
    names = [m.group(1) for m in re.finditer(r"[“\"]([^”\"]{3,80})[”\"]", question)]
    for m in re.finditer(rf"\b{NAME}|\b\d[\d,.]*\b", question):
        words = m.group(0).split()
        if m.start() == 0 and len(words) == 1:
            continue  # "Besides ...": capitalised because it starts the sentence
        words = [
            w
            for w in words
            if w.lower().removesuffix("'s").removesuffix("’s").strip(".") not in QUESTION_WORDS | PRONOUNS
        ]
        if words:
            names.append(" ".join(words))
    return [n.strip(" .,?’'") for n in names if n.strip(" .,?’'")]


_SPEECH_TOPIC_RE = re.compile(rf"(?i)\b{SPEECH} (?:about|of|on|regarding|concerning) (?P<topic>[^?,;]+)")


def speech_topic(question: str) -> str:
    """What a question asks someone's words about: "What did Guo Jiakun say about AI proliferating?" → "AI
    proliferating", up to a comma ("…, according to Kelly?"); "" when it names no topic."""
    m = _SPEECH_TOPIC_RE.search(question)
    return m.group("topic").strip() if m else ""


def speech_subject(question: str) -> str | None:
    """Who the question says spoke ("Why did Kenji Kelly say …?"), not only where to look ("According to Kelly,
    …"): an author asked about so is checked for having said it, as any speaker is."""
    m = _SPEAKER_Q.search(question)
    return (m.group("name") or m.group("maker")) if m else None


def _speaker(question: str) -> tuple[str | None, str]:
    """Whose words the question asks about, and the role it gives them ("league chair"), "" for none."""
    m = _SPEAKER_Q.search(question)
    if m:
        return m.group("name") or m.group("maker"), (m.group("role") or "").strip()
    m = re.search(rf"\b(?i:according to) (?P<name>{NAME})", question)
    return (m.group("name") if m else None), ""


def speaker_by_role(question: str, roles: Mapping[str, str]) -> tuple[str, str] | None:
    """ "Did the water quality manager warn …?", "How did the chief engineer respond …?", "According to the
    Vice-Chair, …": the person the corpus gives that role (``roles``: folded role → person; see
    ``people_by_role``) and the role's words in the question, when the role is what speaks: the subject of a
    verb of speech, or after "according to"."""
    folded = fold(question)
    for role in sorted(roles, key=len, reverse=True):
        r = re.escape(role)
        m = re.search(
            rf"(?:\bthe|'s) ({r})\b(?= (?:\w+ ){{0,2}}{SPEECH}\b)|\baccording to the ({r})\b", folded
        )
        if m:
            return roles[role], m.group(1) or m.group(2)
    return None


def owner_and_title(role: str) -> tuple[str, str]:
    """A body's role split at its possessive: "halden rail's chief executive" → ("halden rail", "chief
    executive"); ("", role) for a role that names no body."""
    owner, _, title = role.rpartition("'s ")
    return (owner, title) if owner and title else ("", role)


def holder_by_role(question: str, roles: Mapping[str, str]) -> tuple[str, str] | None:
    """ "Who is the chief engineer?", "Who's the Authority's clerk?": the one person the corpus gives that role
    (``roles`` as for ``speaker_by_role``) and the role. A time or number in the question ("Who was the chief
    engineer in 1987?", "… at the time?") may ask for another holder than the one the corpus quotes, so it asks for none."""
    folded = fold(question).strip().rstrip("?").strip()
    if not folded.startswith("who") or asks_of_a_time(folded):
        return None
    asked = _role_asked(question)
    body = set(words(_owner(asked)))
    for role in sorted(roles, key=len, reverse=True):
        # "halden rail's chief executive" is also asked for as "the chief executive of Halden Rail", and "the
        # museum's director" as "the director of the Civic Museum of Aurecht"
        owner, title = owner_and_title(role)
        if owner and asked and asked["role"] == title and set(words(owner)) <= body:
            return roles[role], role
        for way in [role, f"{title} of {owner}"] if owner else [role]:
            pattern = rf"who(?: is|'s| was) (?:the |[\w.' -]+'s )?({re.escape(way)})(?: (?:of|at|for|on) (?:the )?[\w.' -]+)?"
            if re.fullmatch(pattern, folded):
                return roles[role], role
    return None


def asks_for_words(question: str) -> bool:
    """The question asks what someone said, rather than stating it: its "what" or "which" phrase is the object
    of its verb ("What did Amara say about the cello?", "What concerns did Ingrid raise about the traffic?"),
    where "Why did Lin Yun say that AI doesn't need a Chernobyl moment?" states the words it asks about."""
    doc = parse(question)
    if not len(doc) or doc[0].lower_ not in ("what", "which"):
        return False
    phrase = doc[0].head if doc[0].dep_ == "det" else doc[0]
    return phrase.dep_ == "dobj" and phrase.head.pos_ == "VERB"


def asks_of_a_time(question: str) -> bool:
    """A year, number or time word ("in 1987", "at the time", "then"): the question may ask for another holder
    of a role than the one the corpus names now."""
    return bool(
        re.search(r"\d", question) or TIME_WORDS.intersection(re.findall(r"[a-z]+", fold(question).lower()))
    )


_ROLE_ASKED_RE = re.compile(
    r"who(?: is|'s| was) (?:the |(?P<owner>[\w.' -]+)'s )?(?P<role>(?:[\w-]+ ){0,3}?(?P<head>[\w-]+))"
    r"(?: (?:of|at|for|on|in) (?P<body>[\w.' -]+))?"
)


def asked_role(question: str) -> tuple[str, str] | None:
    """(role, its head noun) when the question asks who holds a role, "Who is the mayor of Vesturvík?" →
    ("mayor", "mayor"), "Who is the chief financial officer of Halden Rail?" → ("chief financial officer",
    "officer"); None for any other question. The head must be a title (``lexicon.TITLES``) written out: an
    abbreviation ("CEO") may be spelt in full in the text."""
    m = _role_asked(question)
    if not m or m["head"] not in TITLES or len(m["head"]) <= 3:
        return None
    return m["role"], m["head"]


def role_owner(question: str) -> str:
    """The body a question ties the role it asks about to, folded: "Who is Brennmoor County Council's chief
    engineer?" → "brennmoor county council", "Who is the clerk of the Board?" → "the board"; "" when it names
    none. Someone a document gives that role is no answer unless that document names the body too: a corpus of
    many documents has many chief engineers."""
    return _owner(_role_asked(question))


def _role_asked(question: str) -> re.Match[str] | None:
    """ "Who is (the | X's) role (of Y)?", folded, as ``_ROLE_ASKED_RE`` reads it."""
    return _ROLE_ASKED_RE.fullmatch(fold(question).strip().rstrip("?").strip())


def _owner(asked: re.Match[str] | None) -> str:
    return (asked["owner"] or asked["body"] or "") if asked else ""


_ROLE_VERB_RE = re.compile(r"who (?P<verb>[a-z]+?)(?:e?d|e?s) (?:the |a |this |that )?[\w.' -]+")


def acted_role(question: str) -> str:
    """ "Who chaired the meeting?", "Who coaches the team?", "Who leads the council?", "Who manages it?": the
    title the question's verb is made from ("chair", "coach", "leader", "manager"), when it is one
    (``lexicon.TITLES``); "" otherwise."""
    m = _ROLE_VERB_RE.fullmatch(fold(question).strip().rstrip("?").strip())
    verb = m["verb"] if m else ""
    titles = [t for t in (verb, f"{verb}er", f"{verb}or") if t in TITLES]
    return titles[0] if titles and len(verb) > 3 else ""


def named(question: str, role: str, person: str) -> str:
    """The question with "the <role>" or "<body>'s <role>" (as ``speaker_by_role`` finds either, folded) read
    as the person: "the Authority's chief engineer" becomes "the Authority's Hervé Lemaître"."""
    pattern = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", role))
    return re.sub(rf"(?i)(?:\bthe\s+|(?<=['’]s\s)){pattern}\b", person, question, count=1)


def name_words(name: str) -> list[str]:
    """The capitalised or numeric words of a name, without possessives or hyphenated tails.

    "Kelly's" → ["kelly"]; "AI-driven" → ["ai"]; "Cold War-era" → ["cold", "war"].
    """
    words = []
    for part in re.split(r"[\s\-–/]+", name):
        part = _POSSESSIVE_RE.sub("", part).strip("“”\"'’.,?")
        if part[:1].isupper() or any(ch.isdigit() for ch in part):
            words.append(part.lower())
    return words


_WH = r"who|whom|which|what|when|where|why|how"
_COMPOUND_RE = re.compile(
    rf"(?:,|;)\s+and\s+(?=(?:{_WH})\b)|;\s+(?=(?:who|which|what|when|where|why|how)\b)",
    re.IGNORECASE,
)


def split_compound(question: str) -> list[str]:
    """ "Who led X, and which official confirmed Y?" → ["Who led X?", "Which official confirmed Y?"].

    Each part is answered on its own: one retrieval for two questions finds evidence for one of them.
    """
    parts = [p.strip(" ,;?") for p in _COMPOUND_RE.split(question) if p.strip(" ,;?")]
    if len(parts) < 2:
        return [question]
    # "How, and why, must X be written?": both ask of "must X be written".
    for i in range(len(parts) - 2, -1, -1):
        bare = re.split(r"[\s,]+", parts[i])
        if all(_BARE_WH_RE.fullmatch(w) for w in bare) and (m := _WH_REST_RE.match(parts[i + 1])):
            parts[i : i + 2] = [f"{w} {m['rest']}" for w in bare] + [f"{m['wh']} {m['rest']}"]
    for i in range(1, len(parts)):
        parts[i] = _elided(parts[i], parts[i - 1])
    return [p[0].upper() + p[1:] + "?" for p in parts]


def _elided(part: str, before: str) -> str:
    """A later part that leaves out what the part before it says, written out: "Do the articles suggest X, and
    why?" asks "Why do the articles suggest X?"; "How many submissions did it receive, and how many backed
    Option A?" asks how many submissions backed it. Read alone, "Why?" and "How many backed Option A?" ask
    about nothing."""
    if part.lower() in ADVERBIAL_INTERROGATIVES and _YES_NO_RE.match(before):
        return f"{part} {before[0].lower()}{before[1:]}"
    m = _AMOUNT_RE.match(part)
    # "how many days …" names its own noun; after "how many", spaCy reads a verb as an adjective ("backed")
    if m is None or len(doc := parse(part)) < 3 or doc[2].pos_ not in ("VERB", "AUX", "ADJ"):
        return part
    if doc[2].lower_ in COMPARATIVES:
        return part  # "how many more …"
    asked = parse(before)
    at = next((t.i for t in asked[1:] if t.lower_ in AMOUNT_ASKING and t.nbor(-1).lower_ == "how"), None)
    if at is None:
        return part
    chunk = next(
        (c for c in asked.noun_chunks if c.start <= at < c.end - 1), None
    )  # "how many written submissions"
    return part if chunk is None else f"{m.group()} {asked[at + 1 : chunk.end].text}{part[m.end() :]}"


_AMOUNT_RE = re.compile(rf"(?i)how (?:{alternation(AMOUNT_ASKING)})\b")


_BARE_WH_RE = re.compile(rf"(?i){_WH}")
_WH_REST_RE = re.compile(rf"(?i)(?P<wh>{_WH})\b[\s,]*(?P<rest>\S.*)")


# What kind of answer a question needs, for the generative backends' router: a typed fact is best quoted;
# an explanation, comparison or summary is best written from several sentences.
QuestionKind = Literal["factoid", "yes_no", "explanation", "comparison", "summary", "other"]

_COMPARISON_RE = re.compile(
    r"\b(?:differ\w*|different|difference|compare[sd]?|comparing|comparison|contrast\w*|versus|vs\.?|"
    r"similar\w*|in common|unlike|agree|disagree)\b",
    re.IGNORECASE,
)
_SUMMARY_RE = re.compile(
    r"\b(?:summari[sz]e\w*|summary|overview|outline|gist|main (?:points?|argument|message|idea|takeaways?)|"
    r"key (?:points?|takeaways?|arguments?)|takeaways?|overall)\b|^(?:describe|tell me about)\b|"
    rf"^what(?: happened|(?: is| was|'s|’s) (?:the|this) (?:[\w'’-]+ ){{0,3}}?(?:{alternation(PUBLICATIONS)}) about)\b",
    re.IGNORECASE,
)
_EXPLANATION_START_RE = re.compile(
    r"^(?:why|how come|explain)\b|^how (?:do|does|did|is|are|was|were|will|would|can|could|should|might)\b",
    re.IGNORECASE,
)
_EXPLANATION_RE = re.compile(
    r"\b(?:why|reasons?|because|cause[sd]?|led to|lesson|mean(?:s|t)?|meaning|significance|signif\w+|"
    r"implications?|purpose|argue[sd]?|argument|in what way)\b",
    re.IGNORECASE,
)


# The kinds of question answered by a reason, a contrast or an account rather than a name, date or number.
EXPLAINING = frozenset({"explanation", "comparison", "summary"})


def question_kind(question: str) -> QuestionKind:
    """What kind of answer the question needs: a yes/no judgement, an explanation, a comparison, a summary,
    a typed fact (who / when / how many / which), or something else.

    Read in that order: "Did X and Y differ?" is a yes/no question, "Why did X say Y?" an explanation even
    though "X" is a name, "Who argued that ...?" a typed fact even though it mentions an argument. A framing
    clause ("According to X, ...") is not part of the question.
    """
    info = analyse(question)
    q = _FRAMING_RE.sub("", info.text).strip()
    if _YES_NO_RE.match(q):
        return "yes_no"
    if _COMPARISON_RE.search(q):
        return "comparison"
    if _SUMMARY_RE.search(q):
        return "summary"
    if _EXPLANATION_START_RE.match(q) and not _NUMBER_Q.search(q.lower()):
        return "explanation"
    if info.answer_type or info.role_of:
        return "factoid"
    if _EXPLANATION_RE.search(q):
        return "explanation"
    return "other"


DocumentFact = Literal["date", "author"]


# A publication with a complement and no name before it: "the letter to the board" is one a document tells of;
# "the TrendKia piece on the Beijing AI conference" names the document by its outlet.
_TOLD_OF_RE = re.compile(
    rf"\b(?i:the|a|an)\s+(?:[a-z][\w'’-]*\s+)?(?i:{alternation(PUBLICATIONS)})\s+"
    rf"(?i:{alternation(PREPOSITIONS - {'by'})})\b"
)


def document_fact(question: str) -> DocumentFact | None:
    """Does the question ask when a document is dated or who wrote it ("When was the TechFastForward article
    published?", "Who wrote the report?")? A document's own front matter answers that, not its story: "When
    did the talks take place?" asks about what the document reports, so it asks for neither."""
    found = words(question)
    found = found[1:] if found[:1] and found[0] in CONNECTORS else found  # "And when was it published?"
    if not PUBLICATIONS.intersection(found) or EDITION_QUALIFIERS.intersection(found):
        return None  # "the TechFastForward article": it names a document, and not another edition of it
    if _TOLD_OF_RE.search(question):
        return None  # "the letter to the board", "the report on the dredging": one the document tells of
    if found[:1] == ["when"] and PUBLICATION_VERBS.intersection(found):
        return "date"
    if "date" in found and found[:1] == ["what"]:
        return "date"  # "What is the date of the report?"
    if found[:1] in (["who"], ["whom"]) and AUTHORSHIP_WORDS.intersection(found):
        return "author"
    return None


def another_edition(question: str, sentence: str) -> bool:
    """ "When was the spec first published?" against "…, last updated 2 October 2018": the sentence dates the
    latest edition, the question the first."""
    asked, said = set(words(question)), set(words(sentence))
    return (
        bool(asked & FIRST_EDITION and asked & PUBLICATION_VERBS)
        and bool(said & LATEST_EDITION)
        and not said & FIRST_EDITION
    )


def yes_no_statement(question: str) -> str:
    """A yes/no question read as the statement it asks about, for checking against evidence: the source
    clause, the leading auxiliary and the question mark dropped ("Did X say Y?" → "X say Y"), a fronted
    setting moved to the end ("Since 3.7, can X be omitted?" → "X may be omitted since 3.7"), an instruction
    after the question left out ("… summit? Answer using both articles."). Word order is left as it is; the
    support checker reads terms, names, numbers and polarity, not syntax."""
    framing = _FRAMING_RE.match(question.strip())
    q = question.strip()[framing.end() :].strip() if framing else question.strip()
    m = _YES_NO_RE.match(q)
    if not m:
        return ""
    body = q[m.end() :].split("?")[0].strip()  # what follows the question mark says how to answer
    if framing and not _SOURCE_FRAMING_RE.match(framing.group(0)):
        body = f"{body} {framing.group(0).strip(' ,')}"  # a setting is part of the claim; a source is not
    negated = bool(re.search(r"n[’']t$", m.group(0)))
    if negated:
        return f"not {body}"
    if m.group(0).lower() not in POSSIBILITY_MODALS:
        return body
    at = _verb_at(q) - (len(q) - len(q[m.end() :].lstrip()))
    return f"{body[:at]}may {body[at:]}" if 0 < at < len(body) else body


def _verb_at(question: str) -> int:
    """Where the verb that a question's fronted modal belongs to begins, with its own auxiliaries ("Can X *be
    combined* …?", "Could the talks *have collapsed*?"): there the statement the question asks about takes
    "may" ("I may keep hens" for "Can I keep hens?"). What is asked is whether a thing is possible or allowed,
    which "you may keep hens" states and which a reading of "may" as a hedge would otherwise take for less
    than the claim. -1 when the parse attaches the modal to no verb."""
    doc = parse(question)
    verb = doc[0].head if len(doc) else None
    if verb is None or verb.i == 0 or verb.pos_ not in ("AUX", "VERB"):
        return -1
    return min([verb.idx, *(c.idx for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i > 0)])


@dataclass(frozen=True)
class RoleClaim:
    """ "Is Liao Min China's Foreign Ministry spokesperson?": the person, the role as asked, its head noun and
    the words that qualify it."""

    person: str
    role: str
    head: str
    qualifiers: frozenset[str]
    present: bool = False  # "Is X …?", "… still …?": asked of now, which a role held until last year is not

    @property
    def of_a_body(self) -> bool:
        """A role of one named place or body ("a professor at Shanghai Jiao Tong University", "China's Foreign
        Ministry spokesperson") or of one the question makes definite ("the port's chief executive", "the head
        of the committee"), not a trade ("a computer scientist")."""
        named = any(w[:1].isupper() and fold_word(w) != self.head for w in re.findall(r"[\w’'-]+", self.role))
        return named or bool(_DEFINITE_BODY_RE.match(self.role))


_DEFINITE_BODY_RE = re.compile(r"the\s+\w+['’]s\s|the\s.*\bof\s+the\s", re.IGNORECASE)
_ROLE_CLAIM_RE = re.compile(r"^(?:is|was)\s+(?P<rest>.+?)[\s?]*$", re.IGNORECASE)


def role_claim(question: str, people: Iterable[str]) -> RoleClaim | None:
    """A yes/no question that asks whether a person holds a role, read against ``people`` (the names the evidence
    gives): the question opens with one of them, in full or by surname, and the role follows ("Was Stephen Casper
    a professor at Shanghai Jiao Tong University?")."""
    m = _ROLE_CLAIM_RE.match(_FRAMING_RE.sub("", question.strip()))
    if not m:
        return None
    rest = m["rest"]
    said = [(w.end(), fold_word(_POSSESSIVE_RE.sub("", w.group()))) for w in re.finditer(r"[^\s,]+", rest)]
    present = asks_of_now(m.group(0))
    for person in sorted(people, key=len, reverse=True):
        full = [fold_word(w) for w in person.split()]
        for name in (full, full[-1:]):
            if [w for _, w in said[: len(name)]] == name and len(said) > len(name):
                return _role(person, rest[said[len(name) - 1][0] :].strip(" ,"), present)
    return None


def _role(person: str, role: str, present: bool) -> RoleClaim | None:
    """The head noun is the last word before a preposition or a clause ("a professor at …" → professor); a
    word of time ("still the chair", "now") is no part of the role (``asks_of_now`` reads it)."""
    ws = [fold_word(w) for w in re.findall(r"[\w’'-]+", role) if fold_word(w) not in NOW_WORDS]
    role = " ".join(w for w in role.split() if fold_word(w) not in NOW_WORDS)
    cut = next((i for i, w in enumerate(ws) if w in PREPOSITIONS or w in PHRASE_STOPS), len(ws))
    head = _POSSESSIVE_RE.sub("", ws[cut - 1]) if cut else ""
    if not head or head in QUESTION_WORDS:
        return None
    return RoleClaim(person, role, head, role_words(role) - {head, *tokens(head)}, present)


def ended(text: str, asked: str = "") -> bool:
    """Does the text say a role or a state has ended ("the former chair", "who chaired the trust until last
    November", "ex-minister"), in words the question ``asked`` does not use itself ("open until six")?"""
    own = set(words(asked))
    return any((w in ENDED_ROLE_WORDS or w.startswith("ex-")) and w not in own for w in words(text))


def asks_of_now(question: str) -> bool:
    """A yes/no question about the present: "Is Kiely still the chair?", "Does the ferry run now?"."""
    found = words(question)
    return found[:1] in (["is"], ["are"], ["does"], ["do"]) or asks_if_still(question)


def asks_if_still(question: str) -> bool:
    """The question asks outright whether something holds now ("still", "currently"): a text that says it has
    ended answers it "No"."""
    return bool(NOW_WORDS.intersection(words(question)))


def role_words(role: str) -> frozenset[str]:
    """The content words of a role, for comparing one as asked with one as written."""
    return (
        frozenset(tokens(" ".join(_POSSESSIVE_RE.sub("", w) for w in role.split())))
        - PREPOSITIONS
        - PHRASE_STOPS
    )
