"""Does the corpus give this person this role? "Was Stephen Casper a professor at Shanghai Jiao Tong
University?" is answered from the roles the evidence gives the people it names (``text.nlp.person_roles``):

- "Yes" when a sentence gives the person the role asked (the same head noun, most of its qualifying words);
- "No" when the evidence gives the person other roles and gives the role asked, a role of one place or body
  ("a professor at …", not just "a professor"), to someone else: the question then moves a role from one
  person to another, the misattribution a student checking who said what must see caught ("a professor at
  Shanghai Jiao Tong University" is Lin Yun; Casper is "a computer scientist at MIT");
- "the corpus does not say" when the role asked is someone else's trade ("a biologist"): the person may be
  one too, but the evidence does not say so, whatever words the sentences share;
- nothing otherwise (the other checks decide): a question about something else than a role the text gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chatbot.grounding.attribution import speakers_match
from chatbot.grounding.claims import stem
from chatbot.text.lexicon import HONORIFICS, TITLES, is_person_name
from chatbot.text.nlp import Role, person_roles
from chatbot.text.normalise import fold, fold_word, unwrap
from chatbot.text.questions import RoleClaim, ended, name_words, role_words
from chatbot.text.sentences import ends_a_sentence, signature

QUALIFIERS_MET = 2 / 3  # share of the asked role's qualifying words the written role must have


@dataclass(frozen=True)
class RoleVerdict:
    holds: bool | None  # None: the corpus does not say (the person's roles are others; the role is someone's)
    own: int  # the sentence that gives the person a role (the role asked when it holds)
    other: int | None = None  # the sentence that gives the role asked to someone else


def role_verdict(claim: RoleClaim, sentences: Sequence[str]) -> RoleVerdict | None:
    """The verdict the sentences settle, citing them by position; None when they do not settle it."""
    own: list[tuple[int, Role]] = []
    others: list[tuple[int, Role]] = []
    asked = set(name_words(claim.person))
    wanted = [fold_word(w) for w in asked] + [stem(claim.head)]
    for i, text in enumerate(sentences):
        folded = fold(text)
        if not any(w in folded for w in wanted):
            continue  # names neither the person nor the role: no parse needed
        for role in person_roles(text):
            named = set(name_words(role.person))
            if named & asked:
                own.append((i, role))
            elif named:
                others.append((i, role))
    held = next((i for i, r in own if _matches(claim, r)), None)
    if held is not None:
        over = claim.present and all(ended(r.role) for _, r in own if _matches(claim, r))
        return RoleVerdict(not over, held)  # "Is Kiely still the chair?" — "who chaired it until November"
    given = next((i for i, r in others if _matches(claim, r)), None)
    if not own or given is None or any(stem(r.head) == stem(claim.head) for _, r in own):
        return None
    return RoleVerdict(False if claim.of_a_body else None, own[0][0], given)


def _matches(claim: RoleClaim, role: Role) -> bool:
    if stem(role.head) != stem(claim.head):
        return False
    if not claim.qualifiers:
        return True
    written = {stem(w) for w in role_words(role.role)}
    return sum(stem(w) in written for w in claim.qualifiers) / len(claim.qualifiers) >= QUALIFIERS_MET


def misassigned(asked: str, speaker: str, holders: Mapping[str, str], own: Iterable[str]) -> str:
    """Why a role the question gives its speaker ("What did transport commissioner Ó Briain say …?") is not
    theirs, in words for the reader; "" when it may be. The corpus gives the role to someone else
    (``holders``: role → its one holder), or every role it gives the speaker with that title (``own``) is of
    another body: "league chair" for the trust's chair. Only a role with no word in common counts, so
    "supporters' trust chair" is the trust's chair."""
    role = fold(asked).lower().strip()
    holder = holders.get(role)
    if holder and not speakers_match(holder, speaker):
        return f"the corpus calls {holder}, not {speaker}, the {asked}"
    head = stem(role.split()[-1]) if role else ""
    qualifiers = {stem(w) for w in role_words(role)} - {head}
    titled = [(r, written) for r in own if head in (written := {stem(w) for w in role_words(r)})]
    if qualifiers and titled and not any(qualifiers & written for _, written in titled):
        return f"the corpus calls {speaker} the {unwrap(titled[0][0])}, not the {asked}"
    return ""


def listed_role(sentence: str, name: str) -> str:
    """The role a list gives a person: in brackets after the name ("Sarah Blackwood (Clerk)", "Mariana
    Kovačević (Site Reliability)"), under it in a signature, or after a comma in a row of people that opens
    with the name ("Prof. Lars Eriksen, Nordic Ocean Institute"); the name matched with its accents folded; ""
    when none does. A bracket with a number, or in small letters ("(pictured)", "(2019)"), gives none. The
    sentence comes as written, its line breaks kept: a signature's break is its shape."""
    wanted = fold(name).lower()
    if signed := signature(sentence) or signed_off(sentence):  # "Ingrid Halvorsen" / "Head of Operations, …"
        signer, role = signed
        return role if fold(signer).lower().endswith(wanted) else ""
    sentence = unwrap(sentence)
    head, comma, rest = sentence.partition(",")
    opens = fold(head).lower().rstrip(" .").endswith(wanted) and len(head.split()) <= len(wanted.split()) + 1
    if comma and opens and not ends_a_sentence(sentence):  # the name, and a title before it at most
        return rest.strip()
    for m in _BRACKET_RE.finditer(sentence):
        role = m.group(1).strip()
        before = fold(sentence[: m.start()]).lower().rstrip()
        if not before.endswith(wanted) or any(ch.isdigit() for ch in role) or len(role.split()) > 5:
            continue
        long_words = [w for w in role.split() if len(w) > 3]
        if all(w[0].isupper() for w in long_words) or any(w.lower() in TITLES for w in role.split()):
            return role
    return ""


def signed_off(sentence: str) -> tuple[str, str] | None:
    """(name, role) of the dash that signs off a foreword, a letter or a statement after its last sentence
    ("… during the ban. — Dr Aisling Ní Mhurchú, Chair"), its courtesy dropped; None where none does. As in a
    signature (``sentences.signature``), the role holds a title word."""
    m = _SIGN_OFF_RE.search(unwrap(sentence))
    if m is None:
        return None
    name = [w for w in m["name"].split() if w.lower().rstrip(".") not in HONORIFICS]
    role = m["role"].strip()
    titled = any(w.lower().strip(".") in TITLES for w in role.split(",")[0].split())
    return (" ".join(name), role) if name and titled and is_person_name(" ".join(name)) else None


def written_name(sentence: str, name: str) -> str:
    """The name as the sentence writes it, its accents kept ("Oguz Celik" asked, "Oğuz Çelik" written); the name
    as given where the sentence does not hold it."""
    wanted = [fold(w).lower() for w in name.split()]
    found = list(re.finditer(r"[^\W\d_][\w’'-]*", sentence))
    for i in range(len(found) - len(wanted) + 1):
        window = found[i : i + len(wanted)]
        if [fold(m.group()).lower() for m in window] == wanted:
            return sentence[window[0].start() : window[-1].end()]
    return name


def stated_role(sentence: str, name: str) -> str:
    """The role a sentence's grammar gives a person it names ("its operations manager, Mr Søren Ødegaard";
    "forklift driver Oğuz Çelik"; ``person_roles``), the name matched with its accents folded; "" when none
    does. A list's roles come first (``listed_role``): spaCy reads a list of names poorly."""
    wanted = fold(name).lower()
    return next(
        (r.role for r in person_roles(unwrap(sentence)) if fold(r.person).lower().endswith(wanted)), ""
    )


def listed_holder(sentence: str, role: str) -> str:
    """Who a list gives a role, the reverse of ``listed_role``: the name before the bracket that holds exactly
    that role ("Sarah Blackwood (Clerk)" for "clerk"), its title ("Cllr", "Dr.") dropped, or the name a
    signature sets over it; "" when none does. Exactly: "(Vice Chair)" is no answer to "Who is the chair?"."""
    wanted = [stem(w) for w in fold(role).lower().split()]
    if signed := signature(sentence) or signed_off(sentence):  # "Matteo Bianchi" over "Chief Engineer"
        signer, title = signed
        held = [stem(w) for w in fold(title.split(",")[0]).lower().split()]
        return signer if held == wanted else ""
    sentence = unwrap(sentence)
    for m in _BRACKET_RE.finditer(sentence):
        if [stem(w) for w in fold(m.group(1)).lower().split()] != wanted:
            continue
        name = _untitled(re.split(r"[,:;()]", sentence[: m.start()])[-1].strip()).split()
        if 1 <= len(name) <= 5 and all(w[:1].isupper() for w in name):
            return " ".join(name)
    return ""


def stated_holder(sentence: str, role: str, question: str) -> str:
    """Who the sentence's grammar gives the role (``person_roles``: "The council leader, Margit Halvorsen, …"),
    the reverse of ``stated_role``; "" when no one holds it there. Exactly the role the question asks about:
    every other word of the written role is one the question uses ("council" for "Who leads the city council?"),
    so "the deputy leader" or "the leader of the opposition" is no answer, nor a role that has ended."""
    wanted = [stem(w) for w in fold(role).lower().split()]
    if not any(w in fold(sentence).lower() for w in wanted):
        return ""  # no parse where the role's words are not there
    allowed = {stem(w) for w in role_words(question)} | set(wanted)
    for found in person_roles(unwrap(sentence)):
        written = [stem(w) for w in role_words(found.role)]
        exact = stem(found.head) == wanted[-1] and set(wanted) <= set(written) <= allowed
        if exact and not ended(found.role):
            return _untitled(found.person)
    return ""


def _untitled(name: str) -> str:
    """A name without the titles before it: "Councillor Rahel Tesfaye" → "Rahel Tesfaye"; "" for titles alone."""
    words = name.split()
    while words and words[0].lower().strip(".") in TITLES | HONORIFICS:
        words = words[1:]
    return " ".join(words)


_BRACKET_RE = re.compile(r"\(([^()\n]{2,60})\)")
_SIGN_OFF_RE = re.compile(
    r"[.!?…][\"”’]?\s+[—―–]\s*(?P<name>(?:[^\W\d_][\w.'’-]*\s+){1,5}[^\W\d_][\w'’-]*),\s*(?P<role>[^\W\d_][^\n]{1,80}?)\s*$"
)
