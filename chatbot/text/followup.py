"""Follow-up questions made standalone before retrieval ("what did he say about the Cold War?").

Retrieval sees one question at a time, so a pronoun must be replaced by what it refers to. The
rule: a personal pronoun refers to the person the previous question asked about, or, failing
that, the first known person the previous answer names. "Known" means a speaker in the index's
attribution records, so "China" or "Beijing" never stand in for "he". "It" in a question about a
document's date or author ("When was it published?") is the document a previous question named
("the TechFastForward article"). Within one compound question, "it" in a later part is what the part before
asks about ("What is a labyrinth spillway, and how does it let more water through?"). Across turns, "it" may
be what an earlier question asked about or what its answer was about, so that reading (``thing_named``) is
tried only when the question as put finds no answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from chatbot.answer import History
from chatbot.text.lexicon import EXPLETIVE_HEADS, INTERROGATIVES, PUBLICATIONS, UPPER, alternation
from chatbot.text.nlp import parse
from chatbot.text.questions import analyse, document_fact

_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.IGNORECASE)
_POSSESSIVE = {"his", "her", "hers"}
_NAME = re.compile(rf"\b{UPPER}[\w’'.-]*[a-z](?:\s+{UPPER}[\w’'.-]*[a-z])*")
_IT = re.compile(r"\bit\b", re.IGNORECASE)
_IT_WORD = re.compile(r"\bits?\b", re.IGNORECASE)
_GOES_ON = frozenset({"that", "to", "whether", "if"})
# A document a question names: "the TechFastForward article", "Kelly's piece", "this report".
_DOCUMENT = re.compile(
    rf"\b(?:the|this|that|{UPPER}[\w.&-]*['’]s)\s+(?:{UPPER}[\w.&’'-]*\s+)*(?i:{alternation(PUBLICATIONS)})\b"
)


def condense(question: str, history: History, people: Collection[str]) -> str:
    """The question with its pronouns replaced by the person or document they refer to, if one is known."""
    if not history:
        return question
    question = _document_named(question, history)
    if not _PRONOUN.search(question):
        return question
    person = referent(history, people)
    if person is None:
        return question
    return _PRONOUN.sub(lambda m: _replace(m.group(0), person), question)


def referent(history: History, people: Collection[str]) -> str | None:
    """The person a pronoun in the next question most likely means, from the latest exchange back."""
    for question, answer in reversed(history):
        info = analyse(question)
        for name in [info.speaker, info.role_of, *info.names]:
            if name and (full := _known(name, people)):
                return full
        for m in _NAME.finditer(answer):
            if full := _known(m.group(0), people):
                return full
    return None


def _document_named(question: str, history: History) -> str:
    """ "When was it published?" after "What does the TechFastForward article say …?": "it" read as the
    document the latest question that named one named."""
    if not _IT.search(question) or document_fact(_IT.sub("the document", question)) is None:
        return question
    for earlier, _answer in reversed(history):
        if m := _DOCUMENT.search(earlier):
            return _IT.sub(lambda _: m.group(0), question)
    return question


def thing_named(question: str, history: History) -> str:
    """ "What can it do?" after "What is the latest release from Z.ai?": "it" read as the thing the latest
    question that asks about one asks about (its first common noun phrase, ``topic``; never a person, a name
    or a document, whose "it" ``condense`` reads). Across turns "it" may as well mean what the last answer was
    about ("What would it signal …?" after "what is the most important signal?" means the communique the answer
    names), so the pipeline asks this reading only when the question as put finds no answer. The question
    unchanged when "it" is empty ("Why does it matter that …?") or stands for nothing asked before."""
    if not _IT_WORD.search(question) or _empty_it(question):
        return question
    things = (topic(earlier, common=True) for earlier, _answer in reversed(history[-2:]))
    thing = next((t for t in things if t and not _DOCUMENT.search(t)), None)
    if thing is None:
        return question
    return _IT_WORD.sub(lambda m: f"{thing}’s" if m.group(0).lower() == "its" else thing, question)


def _empty_it(question: str) -> bool:
    """ "It" standing for the clause that follows ("Why does it matter that …?", "How long did it take to …?")."""
    doc = parse(question)
    return any(
        t.lower_ == "it"
        and t.head.lemma_ in EXPLETIVE_HEADS
        and any(w.lower_ in _GOES_ON for w in doc[t.i :])
        for t in doc
    )


def within_question(part: str, before: str) -> str:
    """A later part of one compound question with "it" read as what the part before asks about: one speaker
    asks both in one breath, so the thing is far surer than across the turns of a conversation. An empty "it",
    the subject of a clause that goes on ("Why does it matter that …?", "How long did it take to …?"), stays."""
    thing = topic(before) if _IT.search(part) else None
    if thing is None or _empty_it(part):
        return part
    return _IT.sub(thing, part)


def topic(question: str, common: bool = False) -> str | None:
    """What a question asks about: its first noun phrase that is not the wh-phrase, a pronoun or a person
    ("a labyrinth spillway" in "What is a labyrinth spillway?", "the Skell flood" in "On what date did the
    Skell flood that led to the scheme happen?"); ``common``: only a common noun's phrase, no name's."""
    for chunk in parse(question).noun_chunks:
        root = chunk.root
        if (
            root.pos_ == "PRON"
            or root.ent_type_ == "PERSON"
            or any(t.lower_ in INTERROGATIVES for t in chunk)
            or (common and (root.pos_ != "NOUN" or bool(root.ent_type_)))
        ):
            continue
        return chunk.text
    return None


def _known(name: str, people: Collection[str]) -> str | None:
    """The full name of a known person that ``name`` is, or ends with ("Casper" → "Stephen Casper")."""
    name = name.strip()
    for person in people:
        if person == name or person.endswith(" " + name) or (" " in name and name.endswith(person)):
            return person
    return None


def _replace(pronoun: str, person: str) -> str:
    return f"{person}’s" if pronoun.lower() in _POSSESSIVE and pronoun.lower() != "her" else person
