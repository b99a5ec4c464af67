"""Who speaks in a transcript: the turns of a hearing, interview or debate record, from their speaker labels.

A transcript names its speaker once, in a label at the start of the turn ("MR. HERVÉ LEMAÎTRE (Chief
Engineer): Thank you, Madam Chair."), and every paragraph after it is that speaker's until the next label.
News grammar (quotation marks, "said") finds none of it, so a student asking who told the board something
would get no speaker at all. This reads the convention every court, parliament and council reporter uses:
an upper-case name at the start of a line, an optional role in brackets, a colon. Short labels later in the
record ("MR. LEMAÎTRE:") are the same person as the fullest label they match. A recording's transcript (a
podcast's, a video call's) writes names in ordinary case and stamps each turn with its time instead
("[00:01:06] Dr. Joaquín Ortega: …"); its introduction says who the speakers are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from chatbot.text.lexicon import (
    FIELD_LABELS,
    FIRST_PERSON_SINGULAR,
    HONORIFICS,
    INTERVIEWER_ROLES,
    NAME_PARTICLES,
    SECOND_PERSON,
    TITLES,
    VISITING_VERBS,
    alternation,
    is_person_name,
)
from chatbot.text.nlp import PERSON_LABELS, entity_label, parse, person_roles
from chatbot.text.sentences import is_question

# A label opens a line: up to six words without digits, colons or brackets, an optional "(role)", a colon.
_LABEL_RE = re.compile(
    r"^(?P<name>[^\W\d_][^\s:()\[\]\d]*(?:[ \t]+[^\s:()\[\]\d]+){0,5}?)"
    r"(?:[ \t]*\((?P<role>[^()\n]{1,80})\))?:[ \t]+(?=\S)",
    re.MULTILINE,
)
# A recording's transcript (a podcast's, a video call's) stamps each turn with its time, before or after the
# speaker's name as written ("[00:01:06] Dr. Joaquín Ortega: …", "Mairead Quinlan (00:00:05): …", "00:47
# Lan: …"), or sets the name and time on a line of their own with the speech below ("Mairead Quinlan  0:05").
# The time marks the line as a turn, so the name need not be in capitals; a single name ("Lan") is enough.
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIMED_LABEL_RE = re.compile(
    rf"^[ \t]*(?:[\[(]?(?P<before>{_TIME})[\])]?[ \t]+)?"
    r"(?P<name>[^\W\d_][^\s:()\[\]\d]*(?:[ \t]+[^\s:()\[\]\d]+){0,4}?)"
    rf"(?:[ \t]*[\[(]?(?P<after>{_TIME})[\])]?)?"
    r"(?:[ \t]*\((?P<role>[^()\n]{1,80})\))?"
    r"(?:[ \t]*:[ \t]+(?=\S)|[ \t]*\n(?=[ \t]*\S))",
    re.MULTILINE,
)
_PARAGRAPH_RE = re.compile(r"\S(?:.*\S)?(?:\n(?![ \t]*\n)[ \t]*\S(?:.*\S)?)*")  # lines up to a blank line
_STAGE_RE = re.compile(r"^[\[(][^\])]*[\])]$")  # "[laughter]", "(Recess)"
# An interview's "Q:" and "A:" (or "Question:", "Answer:") at the start of a line.
_QA_RE = re.compile(r"^(?P<label>Q|A|Question|Answer)[ \t]*[:.][ \t]+(?=\S)", re.MULTILINE)
_ASKER_LABELS = frozenset(
    {"Q", "Question", "QUESTION"}
)  # in a hearing or a briefing, a question from the floor
MIN_LABELS = 3  # a document with fewer labelled turns is not read as a transcript
# ... nor one where fewer than two speakers are marked as people by an honorific, a title or a role in brackets
# (a reporter's convention; other labels of the record then count too, "SMITH:" beside "MR. JONES:").


@dataclass(frozen=True)
class Turn:
    """One paragraph a speaker said: ``text[start:end]`` of the page, the label's words left out."""

    speaker: str  # the name as a reader writes it ("Hervé Lemaître"), not as the label shouts it
    role: str  # the role the label gives ("Chief Engineer", "Chair"), "" if none
    start: int
    end: int
    label: str  # the label as written, without its colon


@dataclass(frozen=True)
class _Label:
    start: int  # where the label starts
    body: int  # where the speech starts
    name: list[str]  # the name's words, titles and honorifics taken off
    role: str
    text: str
    marked: bool  # an honorific, a title or a bracketed role: a person speaks ("MR. YUN", "CHAIR OKONKWO")
    stamped: bool = False  # a recording's label, with the time of the turn
    asker: bool = False  # "Q:", "Q (Henrik Dahl, Kallmora Evening Post):": a question from the floor


def page_turns(text: str) -> list[Turn]:
    """The turns of a one-page text, or none when it is not a transcript."""
    return document_turns([text])[0]


def asks(sentence: str) -> bool:
    """The sentence opens the asker's turn of an interview or a briefing ("Q: Critics say …", "Q (Henrik Dahl,
    Kallmora Evening Post): …"): whatever it says, it is not the interviewee's."""
    m = _LABEL_RE.match(sentence)
    return m is not None and m.group("name") in _ASKER_LABELS


def spoken_part(sentence: str) -> str:
    """The sentence without the speaker label that opens its turn: "MS. OKAFOR: I did not say it." → "I did not
    say it.". The label is no part of the grammar; a parser reads "OKAFOR" as the root and the speech as
    hanging off it."""
    m = _LABEL_RE.match(sentence)
    if m and m.group("name").isupper():  # not "The key is this: …"
        return sentence[m.end() :]
    timed = _TIMED_LABEL_RE.match(sentence)
    return sentence[timed.end() :] if timed and _timed(timed) else sentence


def document_turns(
    pages: list[str], full_name: Callable[[str], str | None] | None = None
) -> list[list[Turn]]:
    """The turns of each page of a document, or none when it is not a transcript. The whole document (its
    labels read once) is where a label's name is looked up in ordinary case and where short labels find
    their full form. ``full_name``: the one full name the document gives a surname ("MS. SADYKOVA:" is
    "Aigerim Sadykova" of the list of speakers), where the labels give none."""
    whole = "\n\n".join(pages)
    every = _labels(whole)
    recording = _recording(every)  # else "10:30 Keynote Address: …" is an agenda's line, not a turn

    def kept(labels: list[_Label]) -> list[_Label]:
        return labels if recording else [label for label in labels if not label.stamped]

    every = kept(every)
    people = [label for label in every if not label.asker]
    full = _full_names(people)
    speakers = {" ".join(full.get(" ".join(label.name), label.name)) for label in people}
    marked = {" ".join(full.get(" ".join(label.name), label.name)) for label in people if label.marked}
    if len(people) < MIN_LABELS or len(speakers) < 2 or len(marked) < 2:
        return _interview_turns(pages, whole)  # a manual's "INTEGER:" and "BOOLEAN:" are field names

    def written(name: list[str]) -> str:
        shown = _as_written(name, whole)
        return (full_name(shown) if full_name and len(name) == 1 else None) or shown

    roles = _roles(people, full)
    intro = whole[: every[0].start]
    names = {" ".join(n): n for n in (full.get(" ".join(label.name), label.name) for label in people)}
    for key, name in names.items():
        roles[key] = roles.get(key) or _introduced_role(intro, written(name))
    return [
        _turns(text, kept(_labels(text)) if len(pages) > 1 else every, written, full, roles) for text in pages
    ]


def _turns(
    text: str,
    labels: list[_Label],
    written: Callable[[list[str]], str],
    full: dict[str, list[str]],
    roles: dict[str, str],
) -> list[Turn]:
    out: list[Turn] = []
    for i, label in enumerate(labels):
        following = labels[i + 1] if i + 1 < len(labels) else None
        end = following.start if following else len(text)
        if label.asker:  # a question from the floor ends the turn before it; it is its asker's, if named
            speaker, role = " ".join(label.name), label.role
        else:
            name = full.get(" ".join(label.name), label.name)
            speaker, role = written(name), label.role or roles.get(" ".join(name), "")
        if speaker:
            out += [Turn(speaker, role, a, b, label.text) for a, b in _paragraphs(text, label.body, end)]
    return out


def _labels(text: str) -> list[_Label]:
    timed = [m for m in _TIMED_LABEL_RE.finditer(text) if _timed(m)]
    starts = {m.start() for m in timed}
    found = []
    for m in sorted([*timed, *_LABEL_RE.finditer(text)], key=lambda m: (m.start(), m.re is _LABEL_RE)):
        raw = m.group("name")
        stamped = m.re is _TIMED_LABEL_RE
        if not stamped and m.start() in starts:
            continue  # read with its time already
        if not stamped and raw in _ASKER_LABELS:
            found.append(_asker(m, text))
            continue
        if not (raw.isupper() or stamped) or sum(ch.isalpha() for ch in raw) < 2:
            continue  # "Date:", "Note:" in ordinary case, or "Q:": not a named speaker
        words = raw.split()
        if all(w.lower().strip(".") in FIELD_LABELS for w in words):
            continue
        titles = _leading_titles(words)
        name = words[len(titles) :]
        if not name:
            continue
        role = m.group("role") or " ".join(
            w.title() for w in titles if w.lower().strip(".") not in HONORIFICS
        )
        label = text[m.start() : m.end()].strip().removesuffix(":")
        marked = bool(titles or m.group("role") or stamped)  # a stamped turn is a recording's: people speak
        found.append(
            _Label(m.start(), m.end(), [w.upper() for w in name], role.strip(), label, marked, stamped)
        )
    return found


def _asker(m: re.Match[str], text: str) -> _Label:
    """A question's label in a briefing or a hearing ("Q:", "Q (Henrik Dahl, Kallmora Evening Post):"): it ends
    the turn before it, so the question is never the last speaker's words. The bracket may name who asks, and
    for whom; the name is kept as written."""
    bracket = (m.group("role") or "").split(",", 1)
    person = bracket[0].strip() if is_person_name(bracket[0].strip()) else ""
    role = bracket[1].strip() if person and len(bracket) > 1 else ""
    label = text[m.start() : m.end()].strip().removesuffix(":")
    return _Label(m.start(), m.end(), person.split(), role, label, marked=False, asker=True)


def _recording(labels: list[_Label]) -> bool:
    """Stamped labels make a recording's transcript when at least two speakers take two stamped turns each:
    a schedule's times head items that do not come back."""
    turns = Counter(" ".join(label.name) for label in labels if label.stamped)
    return sum(n >= 2 for n in turns.values()) >= 2


def _timed(m: re.Match[str]) -> bool:
    """A stamped label names a speaker: it has a time, its words are capitalised as a name is and are no field
    label ("Duration 45:00"), and a name on a line of its own has its time after it."""
    words = m.group("name").split()
    own_line = not m.group().rstrip(" \t").endswith(":") and m.group().endswith("\n")
    return (
        bool(m.group("before") or m.group("after"))
        and (m.group("after") is not None or not own_line)
        and all(w[:1].isupper() or w in NAME_PARTICLES for w in words)
        and not all(w.lower().strip(".") in FIELD_LABELS for w in words)
    )


def _leading_titles(words: list[str]) -> list[str]:
    """ "CHAIR", "VICE-CHAIR", "MR.", "DIRECTOR" before the name."""
    titles = []
    for w in words[:-1]:
        parts = [p for p in re.split(r"[-‐]", w.lower().strip(".")) if p]
        if parts and all(p in TITLES or p in HONORIFICS or p == "vice" for p in parts):
            titles.append(w)
        else:
            break
    return titles


def _full_names(labels: list[_Label]) -> dict[str, list[str]]:
    """Each label name → the longest label name holding all its words, when exactly one does."""
    names = {" ".join(label.name): label.name for label in labels}
    out = {}
    for key, name in names.items():
        longer = [n for n in names.values() if len(n) > len(name) and set(name) <= set(n)]
        if len({" ".join(n) for n in longer}) == 1:
            out[key] = longer[0]
    return out


def _roles(labels: list[_Label], full: dict[str, list[str]]) -> dict[str, str]:
    """A speaker's role from any of their labels, the first that gives one ("(Chief Engineer)")."""
    roles: dict[str, str] = {}
    for label in labels:
        key = " ".join(full.get(" ".join(label.name), label.name))
        if label.role and key not in roles:
            roles[key] = label.role
    return roles


def _introduced_role(intro: str, speaker: str) -> str:
    """A speaker's role as the record's introduction gives it, where no label does: in brackets after the name
    ("Guests: Nguyễn Thị Lan (chair, Southside Traders' Association)"; spaCy may not know the name), else as
    the grammar gives it ("Host: Mairead Quinlan", "marine biologist Joaquín Ortega"). "" when it gives none."""
    bracketed = re.search(rf"(?<!\w){re.escape(speaker)}[ \t]*\(([^()\n\d]{{1,80}})\)", intro)
    if bracketed:
        return " ".join(bracketed.group(1).split())
    found = [r.role for r in person_roles(intro) if r.person == speaker]
    return found[0] if found else ""


def _as_written(name: list[str], text: str) -> str:
    """The name as the record writes it in ordinary case ("Hervé Lemaître" in the list of those present),
    else each word capitalised."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name) + r"(?!\w)"
    for m in re.finditer(pattern, text, re.IGNORECASE):
        if not m.group().isupper() and all(w[:1].isupper() for w in m.group().split()):
            return " ".join(m.group().split())
    return " ".join(w.capitalize() for w in name)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The speech paragraphs between ``start`` and ``end``: stage directions are no one's words, and an
    upper-case heading ("PUBLIC COMMENT") ends the turn."""
    out = []
    for m in _PARAGRAPH_RE.finditer(text, start, end):
        chunk = m.group()
        if _STAGE_RE.match(chunk):
            continue
        if chunk.isupper() and "\n" not in chunk:
            break
        out.append((m.start(), m.end()))
    return out


def _interview_turns(pages: list[str], whole: str) -> list[list[Turn]]:
    """The turns of an interview set as "Q:" and "A:": the answers are the interviewee's words, the questions
    the interviewer's. Neither label names anyone, so the names come from the introduction before the first
    question, where an interview says who spoke to whom ("The city's mayor, Aino Virtanen, spoke to our
    reporter Marcus Oyelaran"): the one person named there in no reporter's role answers; the one in such a
    role asks. With no such person, or more than one, no one is credited: a guess is a misattribution."""
    labels = list(_QA_RE.finditer(whole))
    if not labels:
        return _unlabelled_interview_turns(pages, whole)
    answers = sum(m.group("label")[0] == "A" for m in labels)
    if answers < 2 or len(labels) - answers < 2:
        return [[] for _ in pages]
    guests, hosts = _interview_people(whole[: labels[0].start()])
    if len(guests) != 1:
        return [[] for _ in pages]
    speakers = {"A": guests[0], "Q": hosts[0] if len(hosts) == 1 else None}
    out = []
    for number, text in enumerate(pages, start=1):
        found = list(_QA_RE.finditer(text))
        turns = []
        for i, m in enumerate(found):
            who = speakers[m.group("label")[0]]
            if who is None:
                continue
            closing = i + 1 == len(found) and number == len(pages)  # the story goes on after the last answer
            paragraphs = _paragraphs(text, m.end(), found[i + 1].start() if i + 1 < len(found) else len(text))
            for start, stop in paragraphs[:1] if closing else paragraphs:
                turns.append(Turn(who[0], who[1], start, stop, m.group("label")))
        out.append(turns)
    return out


def _unlabelled_interview_turns(pages: list[str], whole: str) -> list[list[Turn]]:
    """The answers of an interview set as a magazine sets one, each question a paragraph of its own and no label
    ("Have you thought about raising your prices?" / "No. A violin from me costs …"). It is read as one only
    when it is plainly one: ``MIN_LABELS`` questions or more, each answered before the next, put to "you", and
    answered in the first person singular (an FAQ answers for a body, "we", or for no one), with one person
    the introduction is about (``_interviewee``). Else no one is credited."""
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH_RE.finditer(whole)]
    asked = [i for i, (a, b) in enumerate(paragraphs) if _asking(whole[a:b])]
    if len(asked) < MIN_LABELS or any(b - a < 2 for a, b in zip(asked, asked[1:], strict=False)):
        return [[] for _ in pages]
    replies = [paragraphs[a + 1 : b] for a, b in zip(asked, [*asked[1:], asked[-1] + 2], strict=True)]
    spoken = [" ".join(whole[a:b] for a, b in reply) for reply in replies]
    put_to_you = sum(bool(_YOU_RE.search(whole[slice(*paragraphs[i])])) for i in asked)
    first_person = sum(bool(_FIRST_PERSON_RE.search(text)) for text in spoken)
    if put_to_you * 2 < len(asked) or first_person * 3 < len(spoken) * 2:
        return [[] for _ in pages]
    guest = _interviewee(whole[: paragraphs[asked[0]][0]])
    if guest is None:
        return [[] for _ in pages]
    name, role = guest
    out: list[list[Turn]] = [[] for _ in pages]
    offset = 0
    for number, text in enumerate(pages):
        for a, b in (span for reply in replies for span in reply):
            if offset <= a and b <= offset + len(text):
                out[number].append(Turn(name, role, a - offset, b - offset, ""))
        offset += len(text) + 2  # the pages joined by a blank line, as ``document_turns`` joins them
    return out


def _interviewee(intro: str) -> tuple[str, str] | None:
    """The one person an unlabelled interview's introduction makes the subject of what it tells ("Ioana
    Mărculescu has been making violins …"), in no reporter's role and not the one who visits or interviews
    ("Priya Raghunathan visited her workshop", ``lexicon.VISITING_VERBS``); a name in any other place ("the
    village of Vârfu Lupului", which the small model tags a person) is no one's. None unless exactly one."""
    guests, _ = _interview_people(intro)
    told = {
        ent.text: ent.root.head.lemma_.lower()
        for paragraph in _PARAGRAPH_RE.finditer(intro)
        for ent in parse(paragraph.group()).ents
        if ent.root.dep_ in ("nsubj", "nsubjpass")
    }
    found = [(n, r) for n, r in guests if n in told and told[n] not in VISITING_VERBS]
    return found[0] if len(found) == 1 else None


def _asking(paragraph: str) -> bool:
    """A paragraph that is an interviewer's question: short, ending on a question mark (``is_question``: before
    any closing bracket), not a quotation."""
    return is_question(paragraph) and len(paragraph.split()) <= 60 and paragraph[:1] not in "\"“‘'"


_YOU_RE = re.compile(rf"\b(?:{alternation(SECOND_PERSON)})\b", re.IGNORECASE)
_FIRST_PERSON_RE = re.compile(rf"\b(?:{alternation(FIRST_PERSON_SINGULAR)})\b")  # "I" as written, never "i"


def _interview_people(intro: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The people an interview's introduction names in full, with their roles: those in none of a reporter's
    roles (who answers), and those in one (who asks). A byline's name is the writer's, not the guest's."""
    paragraphs = [m.group() for m in _PARAGRAPH_RE.finditer(intro)]  # a headline is parsed on its own
    roles: dict[str, str] = {}
    for r in (r for paragraph in paragraphs for r in person_roles(paragraph)):
        roles.setdefault(r.person, r.role)
    guests: list[tuple[str, str]] = []
    hosts: list[tuple[str, str]] = []
    for ent in (e for paragraph in paragraphs for e in parse(paragraph).ents):
        name = ent.text
        if entity_label(ent) not in PERSON_LABELS or not is_person_name(name):
            continue
        role = roles.get(name, "")
        if name in {n for n, _ in guests + hosts} or re.search(rf"^By\s+{re.escape(name)}", intro, re.M):
            continue
        asks = any(w.strip(".,").lower() in INTERVIEWER_ROLES for w in role.split())
        (hosts if asks else guests).append((name, role))
    return guests, hosts
