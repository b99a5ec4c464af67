"""Who did what to whom: a question's verb against the same verb in the sentence that would answer it.

"When did King Harold II conquer England?" shares every word with "In 1066, Duke William II of Normandy
conquered England killing King Harold II", and "Who betrayed the Normans?" with "Dyrrachium was betrayed to
the Normans by the Venetian merchants". Word overlap, embeddings and the answer type all call these answered;
only the verb's arguments show that the sentence gives the role to someone else. Such swaps are among the
commonest ways a plausible question goes unanswered (SQuAD 2.0's "entity swap"), and the way a student's
misattribution looks.

The sentence is parsed (spaCy reads declarative text well); the question is not, because the small model
misreads questions ("conquer" as a noun). Its arguments come from word order instead: the words between the
auxiliary and the verb are its subject ("did *King Harold II* conquer"), the noun phrase after the verb its
object, and a preposition after the verb opens a place or time ("fled *from* Italy" is not "fled *to*
Italy"). Precision first: any doubt (a pronoun, no shared verb, a head noun the sentence lacks) says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from chatbot.grounding.claims import stem
from chatbot.text.lexicon import (
    ADVERBIAL_INTERROGATIVES,
    COMPOUND_PREPOSITIONS,
    INTERROGATIVES,
    OPPOSITE_PREPOSITIONS,
    PASSIVE_AUX,
    PRO_FORM_NOUNS,
    QUESTION_AUXILIARIES,
    RELATION_NOUNS,
    RELATIVES,
    alternation,
)
from chatbot.text.nlp import PERSON_LABELS, is_date, parse
from chatbot.text.normalise import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from chatbot.text.nlp import Annotation

    Arguments = tuple[list[Token], list[Token]]  # a verb's (logical subject, logical object) words

# A sentence's verb as (lemma, lower-case word): parsed now, or stored in the index.
VerbForm = tuple[str, str]

_AUXILIARIES = frozenset(QUESTION_AUXILIARIES)
_NOT_IN_PHRASE = frozenset({"ADP", "PUNCT", "SCONJ", "CCONJ", "VERB", "AUX", "PART"})
_DATE_OR_NUMBER_LABELS = frozenset({"DATE", "TIME", "CARDINAL"})
_OBJECT_WH = frozenset({"who", "whom", "what", "which"})


# The reason given when the sentence gives the question's act to another alone ("Only the Veloria comes with
# mudguards" for "Does the Tarn come with mudguards?"): "only" denies it of everyone else.
ALONE = "roles: the passage says only"
# The reason given when the sentence names another subject for the question's verb: "Did Brekke say …?" against
# '"…," said Dr Þórsdóttir'.
_OTHER_SUBJECT = "roles: the passage gives '{verb}' the subject {name!r}"


def other_subject_of(reason: str) -> str:
    """The question's verb a reason says the sentence gives another subject ("say"); "" for any other reason."""
    m = re.match(r"roles: the passage gives '([^']+)' the subject ", reason)
    return m.group(1) if m else ""


def swapped_arguments(question: str, sentence: str, annotation: Annotation | None = None) -> list[str]:
    """Why ``sentence`` gives the question's verb another subject or object than the question does, or turns
    its place or time around; empty when it does not, or when that cannot be told. The sentence's
    ``annotation`` from the index, when given, spares parsing a sentence that shares no verb with the question
    (most of them: a parse is a fifth of answering)."""
    if through := named_through_another(question, sentence) or relative_missing(question, sentence):
        return [through]
    q = parse(question)
    wh = next((t.lower_ for t in q[:2] if t.lower_ in INTERROGATIVES), None)
    aux = _auxiliary(q, wh)
    if wh is None and aux != 0:
        return []  # not a question: a wh-word opens it, or an auxiliary ("Did Harold conquer England?")
    if annotation is not None and annotation.verbs is not None:
        stored = [(v.label, v.text(sentence).lower()) for v in annotation.verbs]
        if _question_verb(q, stored, aux) is None:
            return []
    s = parse(sentence)
    verbs = [v for v in s if v.pos_ == "VERB"]
    found = _question_verb(q, [(v.lemma_, v.lower_) for v in verbs], aux)
    if found is None:
        return []
    verb_at, positions = found
    same = [verbs[i] for i in positions]
    args = [_arguments(v) for v in same]  # each shared verb's (subject, object), read once
    subject, obj = _question_arguments(q, verb_at, aux)
    known = {_key(t.text) for t in s}
    intransitive = not obj and (wh is None or wh in ADVERBIAL_INTERROGATIVES)
    out = []
    for role, phrase in (("subject", subject), ("object", obj)):
        wanted = _content(phrase) & known
        heads = [t for t in phrase if t.pos_ in ("NOUN", "PROPN")]
        if role == "subject" and not wanted and (other_name := _named_instead(phrase, args)):
            out.append(_OTHER_SUBJECT.format(verb=q[verb_at].text, name=other_name))
            continue
        if not wanted or not heads or _key(heads[-1].text) not in known:
            continue  # the sentence does not name the question's argument: nothing to compare
        mine, other = (0, 1) if role == "subject" else (1, 0)
        fills = [f for a in args if (f := a[mine]) and _is_argument(f)]
        crossed = [] if fills or intransitive else _crossed(args, wanted, mine, other)
        if crossed:
            flipped = "object" if role == "subject" else "subject"
            out.append(
                f"roles: the passage makes {_shown(crossed[0])!r} the {flipped} of '{q[verb_at].text}'"
            )
        elif _others(fills, wanted) and not _told_transitively(
            args, wanted, role == "subject" and intransitive
        ):
            given = " / ".join(_shown(f) for f in fills)
            alone = [f for f in fills if f[0].lower_ == "only"]  # "Only the Veloria comes with …"
            if role == "subject" and alone:
                out.append(f"{ALONE} {_shown(alone[0][1:])!r} {q[verb_at].text}")
            else:
                out.append(f"roles: the passage gives '{q[verb_at].text}' the {role} {given!r}")
    phrases = _prepositional_phrases(q, verb_at)
    return out + _turned_around(phrases, same) + _moved(phrases, same, args, known) + _modifier_moved(q, s)


def _named_instead(phrase: list[Token], args: list[Arguments]) -> str:
    """The question's subject is a person the sentence does not name at all, and the sentence's verb has
    another person as its subject: the act is someone else's ("When did Richard II flee to Normandy?" against
    "Ethelred fled to Normandy in 1013"). A pronoun or a description may stand for the question's person, and
    a group or a place for its members ("William's army" for "the Normans"), so only people count; "" when
    there is no such subject."""
    if not _person(phrase):
        return ""
    return next((_shown(f) for f, _ in args if f and _person(f)), "")


def _person(words: list[Token]) -> bool:
    """A phrase whose head is a person's name: tagged so, or a proper noun the small model tags as nothing
    ("Ethelred"); a group, an organisation or a place ("the Normans", "Normandy") is not."""
    inside = {t.i for t in words}
    heads = [t for t in words if t.head.i not in inside or t.head.i == t.i]
    return any(t.ent_type_ in PERSON_LABELS or (t.pos_ == "PROPN" and not t.ent_type_) for t in heads)


def _modifier_moved(q: Doc, s: Doc) -> list[str]:
    """The question's adjective on another noun of the sentence, and the question's noun with an adjective of
    its own: "Who was famed for their Christian spirit?" against "famed for their martial spirit and … their
    Christian piety". Every word is there; only the pairing is SQuAD 2.0's swap. A participle ("the resulting
    incident") describes rather than classifies, so only a plain adjective counts as the noun's own."""
    out = []
    for m in (t for t in q if t.dep_ == "amod" and t.head.pos_ in ("NOUN", "PROPN")):
        nouns = [n for n in s if n.pos_ in ("NOUN", "PROPN") and _key(n.text) == _key(m.head.text)]
        adjectives = [a for a in s if _key(a.text) == _key(m.text) and a.dep_ == "amod"]
        if not nouns or not adjectives or any(_modifies(a, n) for a in adjectives for n in nouns):
            continue
        own = [c for n in nouns for c in n.children if c.dep_ == "amod" and c.tag_ == "JJ"]
        if own and not any(a.head.lower_ in PRO_FORM_NOUNS for a in adjectives):
            said = f"'{own[0].text} {own[0].head.text}' and '{adjectives[0].text} {adjectives[0].head.text}'"
            out.append(f"roles: the passage says {said}, not '{m.text} {m.head.text}'")
    return out[:1]


def _modifies(adjective: Token, noun: Token) -> bool:
    """The adjective on the noun, directly or coordinated with one that is ("Christian and martial spirit")."""
    while adjective.dep_ == "conj" and adjective.head.i != adjective.i:
        adjective = adjective.head
    return adjective.head.i == noun.i


def _others(fills: list[list[Token]], wanted: set[str]) -> bool:
    """The sentence fills the role, and with none that holds most of the question's argument."""
    return bool(fills) and max(len(wanted & _content(f)) for f in fills) * 2 < len(wanted)


def _told_transitively(args: list[Arguments], wanted: set[str], intransitive_subject: bool) -> bool:
    """ "When did the reform begin?" against "the dukes began the reform": the same event, told transitively,
    puts the question's subject in the object."""
    return intransitive_subject and any(wanted & _content(obj) for _, obj in args)


def _crossed(args: list[Arguments], wanted: set[str], mine: int, other: int) -> list[list[Token]]:
    """The question's argument in the other role: "Who did the Normans encourage …?" against "Norman
    mercenaries were encouraged …" makes the question's subject the one acted on. A pronoun may stand for the
    question's argument ("He married Maria Lind" for "Who did Lind marry?"), so only a verb with no argument of
    the question's role at all counts."""
    return [
        core
        for a in args
        if not a[mine] and (f := a[other]) and _is_argument(f) and wanted <= _content(core := _core(f))
    ]


def _turned_around(phrases: list[tuple[str, list[Token]]], same: list[Token]) -> list[str]:
    """The question's place or time after the verb, given by the sentence with the opposite preposition
    ("Who fled from southern Italy?" against "monks fled to southern Italy")."""
    out = []
    for prep, phrase in phrases:
        wanted = _content(phrase)
        opposite = OPPOSITE_PREPOSITIONS.get(prep, frozenset())
        for v in same:
            for said, c in _prepositions(v):
                if said not in opposite:
                    continue
                found = [w for g in c.children if g.dep_ == "pobj" for w in g.subtree]
                if len(wanted & _content(found)) * 2 >= len(wanted) > 0:
                    out.append(f"roles: the passage says '{said} {_shown(found)}', not '{prep}'")
    return out


def _prepositions(verb: Token) -> list[tuple[str, Token]]:
    """The verb's prepositions, each as the word it means (``lexicon.COMPOUND_PREPOSITIONS``: "*Subsequent to*
    the Conquest, the Marches came …" is "after"), with the token that governs its noun phrase."""
    out = []
    for c in verb.children:
        if c.dep_ == "prep":
            out.append((_preposition(c), c))
        elif c.lower_ in COMPOUND_PREPOSITIONS:
            out += [(_preposition(g), g) for g in c.children if g.dep_ == "prep"]
    return out


def _preposition(t: Token) -> str:
    """ "to" after "prior" is "before"; any other preposition is itself."""
    before = t.doc[t.i - 1].lower_ if t.i > 0 else ""
    return COMPOUND_PREPOSITIONS.get(before, t.lower_) if t.lower_ == "to" else t.lower_


def _moved(
    phrases: list[tuple[str, list[Token]]], same: list[Token], args: list[Arguments], known: set[str]
) -> list[str]:
    """The question's place after the verb, given by the sentence as another one with the same preposition:
    another name where the question's is nowhere in the sentence ("Who drove the Byzantines out of Europe?"
    against "… drove the Byzantines out of southern Italy"), or the question's own phrase made the verb's
    subject or object ("What was absorbed into the Anglo-Norman language?" against "The Anglo-Norman language
    was absorbed into the Anglo-Saxon language"). SQuAD 2.0's swapped place, and a misattributed one."""
    out = []
    for prep, phrase in phrases:
        wanted = _content(phrase)
        named = any(t.pos_ == "PROPN" for t in phrase) and not wanted & known
        held = bool(wanted) and any(wanted <= _content(part) for a in args for part in a)
        if not wanted or not (named or held):
            continue
        for found in _objects_of(same, prep):
            have = _content(found)
            if named and _is_argument(found) and not have & wanted:
                out.append(f"roles: the passage says '{prep} {_shown(found)}', not '{prep} {_shown(phrase)}'")
            elif held and have and not wanted <= have:
                out.append(
                    f"roles: the passage puts '{_shown(phrase)}' elsewhere and says '{prep} {_shown(found)}'"
                )
    return out[:1]


def _objects_of(verbs: list[Token], prep: str) -> list[list[Token]]:
    """The noun phrases the verbs govern through ``prep``, directly, after another preposition ("drove them
    *out of* Italy") or through their object ("adopted the doctrines *of* the rest of France")."""
    out = []
    heads = [*verbs, *(c for v in verbs for c in _objects(v))]
    for c in (c for h in heads for c in h.children if c.dep_ == "prep"):
        for p in (c, *(g for g in c.children if g.dep_ == "prep")):
            if _preposition(p) == prep:
                out += [list(g.subtree) for g in p.children if g.dep_ == "pobj"]
    return out


def _prepositional_phrases(q: Doc, verb_at: int) -> list[tuple[str, list[Token]]]:
    """Each preposition after the question's verb with the words of its noun phrase, by position."""
    out: list[tuple[str, list[Token]]] = []
    for t in q[verb_at + 1 :]:
        if t.pos_ == "ADP":
            out.append((_preposition(t), []))
        elif out and (t.pos_ not in _NOT_IN_PHRASE or _joins_a_word(t)):
            out[-1][1].append(t)
        elif out:
            out.append(("", []))  # the phrase ends; words after it belong to no preposition
    return [(p, words) for p, words in out if p and words]


_NAME_RE = re.compile(r"(?<!^)\b(?:[A-Z][\w'’-]*\s+)*([A-Z][\w-]*)\b(?!['’])")
_RELATION_RE = re.compile(rf"['’]s\s+(?:[a-z-]+\s+)?({alternation(RELATION_NOUNS)})\b")
_ASKED_RELATION_RE = re.compile(rf"\b(?:{alternation(RELATION_NOUNS)})\b|\w['’]s\b")


def named_through_another(question: str, sentence: str) -> str:
    """Why the sentence is about someone else: it names the person the question makes its subject only
    through a relative or an aide ("Bohemond, Robert's son, besieged Dyrrachium" for "Who did Robert lead
    against Dyrrachium?", "Malcolm married Edgar's sister" for "Who did Edgar marry?"), and the question asks
    about no such relation itself ("Who was Robert's son?"). As the question's object the person may be
    the relative's ("Who succeeded Robert Guiscard?" — "Robert Guiscard's eldest son Roger succeeded"), so
    only a subject counts. "" when it does not."""
    if _ASKED_RELATION_RE.search(fold(question)):
        return ""
    for m in _NAME_RE.finditer(question):
        before = question[: m.start()].split()
        if not before or fold(before[-1]) not in _AUXILIARIES:
            continue  # not the subject after the auxiliary ("Who did *Robert* lead …?")
        name = m.group(1)
        found = list(re.finditer(rf"\b{re.escape(name)}\b", sentence))
        relations = [r[1] for f in found if (r := _RELATION_RE.match(sentence, f.end()))]
        if found and len(relations) == len(found):
            return f"roles: the passage names {name} only through another person, {name}'s {relations[0]}"
    return ""


_RELATIVE_ASKED_RE = re.compile(rf"\b([A-Z][\w-]*)['’]s\s+(?:[a-z-]+\s+)?({alternation(RELATION_NOUNS)})\b")
_ANY_RELATION_RE = re.compile(rf"(?i)\b(?:{alternation(RELATION_NOUNS)})\b")


def relative_missing(question: str, sentence: str) -> str:
    """The other way round: the question asks about a person's relative or aide ("Where was Varga's husband
    born?") and the sentence names that person but no relation at all ("Varga was born in Pécs"): it is about
    the person, not the relative. "" when it is not so."""
    m = _RELATIVE_ASKED_RE.search(question)
    if not m or not re.search(rf"\b{re.escape(m[1])}\b", sentence):
        return ""
    if _ANY_RELATION_RE.search(sentence):
        return ""  # it speaks of a relation, perhaps the converse one ("Emma, sister of Duke Richard")
    return f"roles: the passage speaks of {m[1]}, not of {m[1]}'s {m[2].lower()}"


def _joins_a_word(t: Token) -> bool:
    """A hyphen inside a word the tokeniser split ("Anglo-Norman")."""
    return t.text in ("-", "‐", "‑") and t.i > 0 and not t.doc[t.i - 1].whitespace_ and not t.whitespace_


def _auxiliary(q: Doc, wh: str | None) -> int | None:
    """Where the auxiliary that fronts the question stands: first in a yes/no question, after the wh-phrase."""
    return next((t.i for t in q if t.lower_ in _AUXILIARIES and (t.i > 0 or wh is None)), None)


def _question_verb(q: Doc, verbs: Sequence[VerbForm], aux: int | None) -> tuple[int, list[int]] | None:
    """The question's first verb after its auxiliary ("did Harold *conquer*"), or after the wh-phrase ("Who
    *betrayed* …"), when the sentence uses it as a verb too, with the positions of the sentence's verbs that it
    is; none when a relative clause or a second wh-word comes first. A word the sentence uses as a verb counts
    even where the tagger took it for a noun."""
    for t in q[(aux + 1 if aux is not None else 1) :]:
        if t.lower_ in INTERROGATIVES or t.lower_ in RELATIVES:
            return None
        if same := _same_verbs(t, verbs):
            return t.i, same
        if t.pos_ == "VERB":
            return None
    return None


def _same_verbs(t: Token, verbs: Sequence[VerbForm]) -> list[int]:
    """The positions of the sentence's verbs that are the question's word: the same lemma or word, or for a
    long word a spelling a letter off, two from ten letters ("incorperated"): typed and crowd-written questions
    misspell, and a misspelt verb must not hide a swapped argument."""
    forms = {_key(t.lemma_), _key(t.text)}
    same = [i for i, (lemma, _) in enumerate(verbs) if _key(lemma) in forms]
    if same or len(t.text) < 7 or not t.is_alpha:
        return same
    limit = 1 if len(t.text) < 10 else 2
    return [
        i
        for i, (_, lower) in enumerate(verbs)
        if lower[:1] == t.lower_[:1] and Levenshtein.distance(lower, t.lower_) <= limit
    ]


def _question_arguments(q: Doc, verb_at: int, aux: int | None) -> tuple[list[Token], list[Token]]:
    """(subject, object) words by position. A passive ("When was the helmet made?") names its object first. In a
    question about the subject, the nouns of the wh-phrase are the subject ("Which *company* acquired …?",
    "What *Frank* led …?")."""
    if aux is not None:
        before = list(q[aux + 1 : verb_at])
        # "Who did William make *earl*?": the wh-word is the object, and what follows the verb is none.
        if aux == 1 and q[0].lower_ in _OBJECT_WH:
            return ([], before) if _passive(q, verb_at, aux) else (before, [])
    elif q[0].lower_ in INTERROGATIVES:
        before = [t for t in q[1:verb_at] if t.pos_ in ("NOUN", "PROPN")]
    else:
        before = []
    after: list[Token] = []
    for t in q[verb_at + 1 :]:
        if t.dep_ == "prt" and not after:
            continue  # a phrasal verb's particle: "carve *out* a principality"
        if t.pos_ in _NOT_IN_PHRASE or t.lower_ in INTERROGATIVES:
            break
        after.append(t)
    return ([], before) if _passive(q, verb_at, aux) else (before, after)


def _passive(q: Doc, verb_at: int, aux: int | None) -> bool:
    chain = {t.lower_ for t in q[max(0, verb_at - 2) : verb_at]}
    if aux is not None and q[aux].lower_ in PASSIVE_AUX:
        chain.add(q[aux].lower_)
    return q[verb_at].tag_ in ("VBN", "VBD") and bool(chain & PASSIVE_AUX)


def _arguments(verb: Token) -> Arguments:
    """The words of a sentence verb's logical subject and object (a passive's agent is its subject)."""
    subject: list[Token] = []
    obj: list[Token] = []
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            subject += c.subtree
        elif c in _objects(verb):
            obj += c.subtree
        elif (
            c.dep_ in ("ccomp", "oprd")
            and c.pos_ in ("NOUN", "PROPN")
            and any(g.dep_ == "nsubj" for g in c.children)
        ):  # "made *Ralph the Timid* earl of Hereford": the words before the small clause's noun
            obj += [w for w in c.subtree if w.i < c.i]
        elif c.dep_ == "agent":
            subject += [w for g in c.children if g.dep_ == "pobj" for w in g.subtree]
    if not subject and verb.dep_ == "conj":  # "… and made Ralph earl": the first verb's subject
        subject = [w for c in verb.head.children if c.dep_ == "nsubj" for w in c.subtree]
    return subject, obj


def _objects(verb: Token) -> list[Token]:
    """The verb's direct object or passive subject, the first of each: a verb takes one, and the parser's
    second object after a comma is a comma splice misread ("leads talks , the choice of Treasury … signals")."""
    first: dict[str, Token] = {}
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            first.setdefault(c.dep_, c)
    return list(first.values())


def _is_argument(words: list[Token]) -> bool:
    """A phrase that names someone or something, and is not a date or number the parser took for an object.
    A description may be the question's argument under another name ("the two countries" for "the US and
    China"), so only a name tells that the sentence speaks of someone else."""
    content = [t for t in words if t.is_alpha and not t.is_stop and t.pos_ != "PRON"]
    if not any(t.pos_ == "PROPN" for t in content):
        return False
    text = " ".join(t.text for t in words)
    return not (
        all(t.ent_type_ in _DATE_OR_NUMBER_LABELS and _numeric(t) for t in content)
        or (any(c.isdigit() for c in text) and is_date(text))
    )


def _numeric(t: Token) -> bool:
    """A date's or a number's word as such: the small model tags an unfamiliar name a number now and then
    ("at Velmarhaven" as CARDINAL), but a number is written as one, and only a date's words are names."""
    return t.ent_type_ != "CARDINAL" or t.like_num


def _core(words: list[Token]) -> list[Token]:
    """A noun phrase without what hangs on it: "a peace treaty" of "a peace treaty with the Byzantines"."""
    return next((words[:i] for i, t in enumerate(words) if t.pos_ == "ADP"), words)


def _shown(words: list[Token]) -> str:
    """A phrase as the reason quotes it: up to its first comma or clause."""
    shown: list[str] = []
    for t in words:
        if t.pos_ == "PUNCT" and shown and not _joins_a_word(t):
            break
        shown.append(t.text_with_ws)
    return "".join(shown).strip()


def _content(words: list[Token]) -> set[str]:
    return {_key(t.text) for t in words if t.is_alpha and not t.is_stop and t.pos_ != "PRON"}


def _key(word: str) -> str:
    return stem(fold(word.lower()))
