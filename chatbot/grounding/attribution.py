"""Who said what: attributed statements extracted from news copy (and transcripts' turns) at index time.

A journalist checking a quote needs to know not only that words occur in the corpus but whose
words they are. Articles signal that with a small grammar: quotation marks, a lexicon of speech
verbs ("said", "warned", "accused ... of"), "according to", role appositions ("Lin Yun, a
professor at ..."), and later references ("he said", "Yun argued") that point back to a named
speaker. This module applies that grammar sentence by sentence with regular expressions; it
knows nothing about any particular corpus.

Every record keeps exact offsets: ``text == page.text[start:end]``, like a citation.
The extraction runs in two passes per document: the first finds attribution frames with the
speaker as written ("he", "Casper", "Lin Yun"); the second resolves pronouns and surnames to the
canonical named speaker, using the most recent compatible mention before the reference.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, cast

from chatbot.grounding.phrases import (
    OPENING_QUOTES,
    PARAGRAPH_BREAK_RE,
    Frame,
    RawSpeaker,
    TokenSentence,
    clause_start,
    clause_subject,
    make_sentence,
    page_quotes,
)
from chatbot.grounding.speech import frame_spans, sentence_frames, trim_span
from chatbot.grounding.turns import document_turns
from chatbot.ingest.documents import Document, Page
from chatbot.ingest.passages import split_sentences
from chatbot.text.lexicon import (
    CONNECTORS,
    DETERMINERS,
    HONORIFICS,
    INSTITUTION_NOUNS,
    NAME_LINKS,
    NAME_PARTICLES,
    NP_PREPOSITIONS,
    ORG_PRONOUNS,
    ORG_WORDS,
    PERSON_PRONOUNS,
    QUANTIFIERS,
    QUESTION_WORDS,
    SOURCE_NOUNS,
    SPOKES_ROLES,
    STOPWORDS,
    TITLES,
    is_person_name,
)
from chatbot.text.normalise import fold, without_article, words
from chatbot.text.questions import owner_and_title
from chatbot.text.sentences import Sentence

NOT_FIRST_NAMES = TITLES | HONORIFICS | STOPWORDS | QUESTION_WORDS | ORG_WORDS

# A direct quotation, a reported paraphrase, or a position stated by an institution.
Kind = Literal["direct_quote", "paraphrase", "institutional"]
KINDS: tuple[Kind, ...] = ("direct_quote", "paraphrase", "institutional")


@dataclass(frozen=True)
class Attribution:
    source: str  # file name relative to the corpus folder (Document.name)
    speaker: str  # canonical name or institution
    role: str  # role/affiliation as the text gives it, "" if none
    kind: Kind
    text: str  # the exact quoted/attributed span: page_text[start:end]
    start: int
    end: int
    page: int | None
    cue: str  # the attribution verb/phrase
    article_author: str | None


# --- documents ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """An attributed span before its speaker is resolved."""

    page_index: int
    speaker: RawSpeaker
    kind_hint: str  # "direct_quote" or "" (decided after resolution)
    start: int
    end: int
    cue: str


def _scare_quotes(
    sent: TokenSentence, f: Frame, quotes: Iterable[tuple[int, int]], page_index: int
) -> list[_Found]:
    """Quoted words inside a paraphrase are the speaker's own words, unless they name someone else's thing."""
    out = []
    for qs, qe in quotes:
        before = sent.text[max(sent.start, qs - 12) : qs].split()
        if before and (
            before[-1].lower() in {"its", "their", "his", "her", "our"} or before[-1].endswith(("'s", "’s"))
        ):
            continue  # 'its "small yard, high fence" strategy' names the other side's term
        s, e = trim_span(sent.text, qs + 1, qe - 1)
        if s < e:
            out.append(_Found(page_index, f.speaker, "direct_quote", s, e, f.cue))
    return out


def _is_quote_sentence(sent: TokenSentence) -> bool:
    body = sent.text[sent.start : sent.end].strip()
    return bool(body) and body[0] in OPENING_QUOTES and any(q == (sent.start, sent.end) for q in sent.quotes)


def _running_quote(sent: TokenSentence, after: int) -> tuple[int, int] | None:
    """A quotation of several sentences that this one opens, in the paragraph of the quotation before it (which
    ends at ``after``), and that ends a statement of its own ('… a business plan. We want it in writing.”'):
    more of the same speaker's words, '“…,” MacAskill said. “But gratitude is not a business plan. We want …”'.
    One that ends on a comma is credited where it closes ('“…. We want it,” Kiely said')."""
    body = sent.text[sent.start : sent.end]
    opening = sent.start + len(body) - len(body.lstrip())
    for qs, qe in sent.quotes:
        runs_on = qs == opening and qe > sent.end
        if runs_on and sent.text[qe - 2 : qe - 1] in (".", "!", "?") and _same_saying(sent.text, after, qs):
            return qs, qe
    return None


def _same_saying(text: str, after: int, at: int) -> bool:
    """Nothing but the close of the quotation before lies between: the same paragraph, or the next one when
    the quotation before ran to its paragraph's end (a quotation over paragraphs)."""
    between = text[after:at]
    return not PARAGRAPH_BREAK_RE.search(between) or _CLOSING_ONLY_RE.fullmatch(between) is not None


_CLOSING_ONLY_RE = re.compile(r"[\s.!?,;:”\"’]*")


# A pull quote's or epigraph's credit line: "— Ingrid Þórsdóttir, chair of the cooperative".
_CREDIT_RE = re.compile(r"\s*[—―–]\s*(?P<name>[^,\n]+?)\s*(?:,\s*(?P<role>.+?))?\s*", re.DOTALL)


def _credited_quote(page: Page, line: Sentence, quote: Sentence | None, page_index: int) -> _Found | None:
    """A quotation standing alone, credited on the next line by a dash and a name (a pull quote, an
    epigraph, a block quote in a report): said by that person, in that role."""
    if quote is None:
        return None
    m = _CREDIT_RE.fullmatch(page.text, quote.end, line.end)  # the dash may be taken for a list's bullet
    name = personal_name(m["name"]) if m else None
    if m is None or name is None:
        return None
    speaker = RawSpeaker(name, m.start("name"), "name", _credit_role(m["role"] or ""))
    start, end = trim_span(page.text, quote.start + 1, quote.end - 1)
    return _Found(page_index, speaker, "direct_quote", start, end, "—")


def _credit_role(role: str) -> str:
    """A credit line's role ends with its line ("— Jürgen Hoßfeld, farmer, Haddon Carr" over a PDF column's
    next heading) unless the line breaks inside the phrase: after a word that needs the next ("chair of the" /
    "Vesturvík Fishers' Cooperative"), a comma or a hyphen, or before a word in small letters or the rest of a
    name ("… Fishers’" / "Cooperative")."""
    lines = role.split("\n")
    kept = lines[0]
    for line in lines[1:]:
        words = kept.split()
        open_ended = not words or words[-1].lower() in NP_PREPOSITIONS | DETERMINERS | CONNECTORS | {"&"}
        rest_of_name = all(w[:1].isupper() or w in NAME_LINKS for w in line.split())
        if not (
            open_ended or kept.rstrip().endswith((",", "-")) or not line.strip()[:1].isupper() or rest_of_name
        ):
            break
        kept = f"{kept}\n{line}"
    return kept.strip()


def _page_found(page: Page, page_index: int, title: str) -> list[_Found]:
    found: list[_Found] = []
    previous_subject: RawSpeaker | None = None
    last_quote: _Found | None = None
    uncredited: Sentence | None = None  # the sentence before, when it is a quotation nobody is credited with
    quotes = page_quotes(page.text)
    for s in split_sentences(page, title):
        sent = make_sentence(page.text, s.start, s.end, quotes)
        credit = _credited_quote(page, s, uncredited, page_index)
        if credit is not None:
            found = [f for f in found if (f.start, f.end) != (credit.start, credit.end)] + [credit]
            last_quote, uncredited = credit, None
            continue
        uncredited = None
        body = page.text[s.start : s.end].rstrip("\"”’') ")
        if body.endswith("?") or not sent.toks:
            continue
        frames = [_with_antecedent(sent, f) for f in sentence_frames(sent, previous_subject)]
        items: list[_Found] = []
        for f, start, end in frame_spans(sent, frames):
            items.append(_Found(page_index, f.speaker, "direct_quote" if f.quoted else "", start, end, f.cue))
            if not f.quoted:
                inside = [q for q in sent.quotes if start <= q[0] and q[1] <= end]
                items += _scare_quotes(sent, f, inside, page_index)
        for f in frames:
            items += _scare_quotes(sent, f, f.extra_quotes, page_index)
        if not frames and _is_quote_sentence(sent):
            uncredited = s  # the quotation goes on in the last speaker's words, unless a credit line follows
            if last_quote is not None:
                start, end = trim_span(page.text, sent.start + 1, sent.end - 1)
                items.append(replace(last_quote, start=start, end=end))
        elif not frames and last_quote is not None and (running := _running_quote(sent, last_quote.end)):
            start, end = trim_span(page.text, running[0] + 1, running[1] - 1)
            items.append(replace(last_quote, start=start, end=end))
        within = last_quote is not None and s.start < last_quote.end  # a quotation's later sentence
        last_quote = (
            next((i for i in reversed(items) if i.kind_hint == "direct_quote"), None)
            if items
            else (last_quote if within else None)
        )
        found += items
        previous_subject = clause_subject(sent, 0, len(sent.toks)) or previous_subject
    return found


def _with_antecedent(sent: TokenSentence, frame: Frame) -> Frame:
    """A pronoun speaker whose antecedent is the subject of an earlier clause of the same sentence ("The
    harbour office has not costed it; it said figures would follow"): that subject, when it fits the pronoun
    (a name for "he" or "she"; a name or an institution for "it")."""
    raw = frame.speaker
    if raw.form != "pronoun" or raw.text not in PERSON_PRONOUNS | ORG_PRONOUNS:
        return frame
    k = sent.index_at(raw.pos)
    start = clause_start(sent, k)
    if start == 0:
        return frame  # no earlier clause in this sentence: resolved across the document as before
    subject = clause_subject(sent, 0, start)
    if subject is None or subject.form == "pronoun":
        return frame
    fits = subject.form == "name" or (
        raw.text in ORG_PRONOUNS and subject.form == "generic" and _institutional_generic(subject.text)
    )
    return replace(frame, speaker=replace(subject, role=raw.role or subject.role)) if fits else frame


# --- resolution -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entity:
    name: str
    kind: str  # "person" | "org" | "group"


def _person_role(role: str) -> bool:
    """ "who chairs ...", "an epidemiologist at ...", "Senator": the role of a person, not an institution."""
    words = role.lower().split()
    return bool(words) and (words[0] in {"who", "whose"} or any(w.rstrip(".,") in TITLES for w in words))


def _entities(found: Sequence[_Found], pages: Sequence[Page]) -> list[_Entity]:
    named = {
        f.speaker.text
        for f in found
        if f.speaker.form == "name"
        and (is_person_name(f.speaker.text) or (" " not in f.speaker.text and _person_role(f.speaker.role)))
    }
    named |= {
        full
        for f in found
        if f.speaker.form == "name" and _person_for(f.speaker.text, named - {f.speaker.text}) is None
        for full in [_introduced(f.speaker.text, pages)]
        if full
    }  # "Kowalczyk said": the document introduced "Zoë Kowalczyk" without quoting her there
    named |= _introduced_persons(pages)
    persons = {p for p in named if _person_for(p, named - {p}) is None}  # "Ní Bhriain" is Siobhán Ní Bhriain
    entities = [_Entity(p, "person") for p in sorted(persons)]
    for f in found:
        if f.speaker.form == "name" and _person_for(f.speaker.text, persons) is None:
            entities.append(_Entity(f.speaker.text, "org"))
        elif f.speaker.form == "generic":
            kind = "org" if _institutional_generic(f.speaker.text) else "group"
            entities.append(_Entity(_canonical_generic(f.speaker.text), kind))
    return list(dict.fromkeys(entities))


_HONORIFIC_RE = re.compile(rf"\b(?i:{'|'.join(sorted(HONORIFICS))})\.?[ \t]+")
# What follows a person's name when a text introduces them: ", who …", or an age ("Guðrún Hafsteinsdóttir, 82, …").
_INTRODUCING_RE = re.compile(r",[ \t\n]+who\b|,[ \t]*\d{1,3},")


def _introduced_persons(pages: Sequence[Page]) -> set[str]:
    """People the document names without quoting them, for "he" and "she" to point back to: a name after
    an honorific ("a Mr. Albrecht Vogel"), before ", who" ("For Małgorzata Wójcik, who chairs …") or before
    an age ("Guðrún Hafsteinsdóttir, 82, …")."""
    out = set()
    for page in pages:
        text = page.text
        lines = [(m.end(), text.find("\n", m.end())) for m in _HONORIFIC_RE.finditer(text)]
        runs = [_capitalised(text[a : b if b >= 0 else None].split()) for a, b in lines]
        runs += [
            _capitalised(text[text.rfind("\n", 0, m.start()) + 1 : m.start()].split()[::-1])[::-1]
            for m in _INTRODUCING_RE.finditer(text)
        ]  # on the honorific's or the comma's own line: a list of names or a heading runs on otherwise
        out |= {name for run in runs if (name := personal_name(" ".join(run)))}
    return out


def _capitalised(words: list[str], most: int = 6) -> list[str]:
    """The leading run of capitalised words (particles between them: "van der"), punctuation trimmed, up to
    the first that ends a phrase."""
    run = []
    for w in words[:most]:
        core = w.strip(',.;:()[]"“”‘’')
        if not core[:1].isupper() and core not in NAME_PARTICLES:
            break
        run.append(core)
        if w[-1] in ',;:)]"”' or (w.endswith(".") and len(core) > 1):
            break  # "Vogel," or "Vogel." ends the name; an initial ("J.") does not
    while run and run[-1] in NAME_PARTICLES:
        run.pop()
    return run


def _introduced(surname: str, pages: Sequence[Page]) -> str | None:
    """The one full personal name the document writes with ``surname`` ("the work of Zoë Kowalczyk, senior
    hydrologist"; family name first, "Nguyễn Thị Lan of the University"), if any: a speaker named by surname
    alone was usually introduced so. The name may wrap onto the next line, never across a paragraph (a
    heading above it is no first name)."""
    if " " in surname or not surname[:1].isupper():
        return None
    name = re.escape(surname)
    patterns = [
        *(rf"(?<![\w-])(?:{_WORD}{_GAP}){{{n}}}{name}(?![\w-])" for n in (1, 2)),
        rf"(?<![\w-]){name}(?:{_GAP}{_WORD}){{1,2}}(?=\s*(?:,|\(|of\b|who\b))",
    ]
    found = {
        (person, "\n" in m.group(0))
        for pattern in patterns
        for page in pages
        for m in re.finditer(pattern, page.text)
        if (person := personal_name(m.group(0)))
    }
    # Names written on one line outrank one wrapped across lines ("Harbour Master / Amara Okafor": a table).
    full = {person for person, wrapped in found if not wrapped} or {person for person, _ in found}
    longest = max(full, key=len, default=None)  # "José María Olazábal", of which "María Olazábal" is part
    return longest if longest and all(longest.endswith(f) or longest.startswith(f) for f in full) else None


_WORD = r"[^\W\d_][\w’'-]*"
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"


def personal_name(text: str) -> str | None:
    """A run of capitalised words as a person's full name, titles and sentence openers taken off the front
    ("Professor Zoë Kowalczyk" → "Zoë Kowalczyk"; "Then Kowalczyk" → none)."""
    parts = text.split()
    while parts and parts[0].lower().rstrip(".") in NOT_FIRST_NAMES:
        parts.pop(0)
    while parts and parts[-1].lower().rstrip(".") in NOT_FIRST_NAMES:
        parts.pop()  # "Ngata The …": the next sentence's first word
    name = " ".join(parts)
    return name if len(parts) >= 2 and is_person_name(name) else None


def _person_for(name: str, persons: Iterable[str]) -> str | None:
    """The full name a surname or partial name refers to ("Casper" → "Stephen Casper")."""
    if name in persons:
        return name
    parts = set(name.lower().split())  # "Van der Linde" opening a sentence is Pieter van der Linde
    matches = [p for p in persons if parts < set(p.lower().split())]
    return matches[0] if len(matches) == 1 else None


def _institutional_generic(text: str) -> bool:
    words = [w.lower() for w in re.findall(r"\w+", text)]
    head_end = next((k for k, w in enumerate(words) if k and w in NP_PREPOSITIONS), len(words))
    return any(w in INSTITUTION_NOUNS for w in words[:head_end])


def _canonical_generic(text: str) -> str:
    """ "The conference" and "Analysts" at a sentence start name the same groups as mid-sentence."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^[\d*†‡]+ (?=[A-Z])", "", text)  # a footnote's mark: "2 The harbour office"
    text = re.sub(r"^(?:the|The)\s+", "", text)
    first = text.split(" ", 1)[0]
    if first.lower() in SOURCE_NOUNS | QUANTIFIERS and not first.isupper():
        text = text[0].lower() + text[1:]
    return text


def _mentions(pages: Sequence[Page], entities: Sequence[_Entity]) -> list[tuple[int, int, _Entity]]:
    """Every place an entity is named, in reading order, for resolving "he", "it" and surnames. A part of a
    name that two people share ("Anna Kowalczyk" and "Piotr Kowalczyk") names neither on its own; one in
    small letters ("al-Haddad") is capitalised at a sentence's start."""
    out = []
    parts = Counter(p for e in entities if e.kind == "person" for p in set(e.name.split()))
    for entity in entities:
        forms = {entity.name}
        if entity.kind == "person":
            forms |= {
                p for p in entity.name.split() if len(p) >= 3 and p not in NAME_PARTICLES and parts[p] == 1
            }
            forms |= {f[0].upper() + f[1:] for f in forms}  # "al-Haddad" opens a sentence as "Al-Haddad"
        flags = re.IGNORECASE if entity.kind == "group" else 0
        pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?![\w-])",
            flags,
        )
        for i, page in enumerate(pages):
            out += [(i, m.start(), entity) for m in pattern.finditer(page.text)]
    return sorted(out, key=lambda x: (x[0], x[1]))


def _resolve_pronoun(
    raw: RawSpeaker, page_index: int, mentions: Sequence[tuple[int, int, _Entity]]
) -> _Entity | None:
    kinds = (
        {"person"}
        if raw.text in PERSON_PRONOUNS
        else {"org"}
        if raw.text in ORG_PRONOUNS
        else {"group", "org"}
    )
    best = None
    for i, pos, entity in mentions:
        if (i, pos) >= (page_index, raw.pos):
            break
        if entity.kind in kinds:
            best = entity
    return best


def _resolve(
    raw: RawSpeaker,
    page_index: int,
    entities: Sequence[_Entity],
    mentions: Sequence[tuple[int, int, _Entity]],
) -> _Entity | None:
    if raw.form == "pronoun":
        return _resolve_pronoun(raw, page_index, mentions)
    if raw.form == "generic":
        kind = "org" if _institutional_generic(raw.text) else "group"
        return _Entity(_canonical_generic(raw.text), kind)
    persons = [e.name for e in entities if e.kind == "person"]
    person = _person_for(raw.text, persons)
    return _Entity(person, "person") if person else _Entity(raw.text, "org")


def _kind(hint: str, entity: _Entity, role: str) -> Kind:
    if hint:
        return cast(Kind, hint)  # a frame's hint is always one of KINDS
    if entity.kind == "org" or is_spokes_role(role):
        return "institutional"
    return "paraphrase"


def is_spokes_role(role: str) -> bool:
    """A role of speaking for an institution ("a spokeswoman for the port authority"): such a person's words
    are the institution's."""
    return any(r in role.lower() for r in SPOKES_ROLES)


def extract(doc: Document) -> list[Attribution]:
    """Every attributed statement and quotation in a document, with its canonical speaker."""
    found: list[_Found] = []
    for i, page in enumerate(doc.pages):
        found += _page_found(page, i, doc.title)
    entities = _entities(found, doc.pages)
    mentions = _mentions(doc.pages, entities)
    author = doc.meta.author or None
    out: list[Attribution] = []
    seen: set[tuple[str, int | None, int, int]] = set()
    for f in found:
        entity = _resolve(f.speaker, f.page_index, entities, mentions)
        if entity is None or not any(ch.isalpha() for ch in entity.name):
            continue  # "The museum, which welcomed 310,000 visitors, expects …": a number speaks for no one
        page = doc.pages[f.page_index]
        key = (entity.name, page.number, f.start, f.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Attribution(
                source=doc.name,
                speaker=entity.name,
                role=f.speaker.role,
                kind=_kind(f.kind_hint, entity, f.speaker.role),
                text=page.text[f.start : f.end],
                start=f.start,
                end=f.end,
                page=page.number,
                cue=f.cue,
                article_author=author,
            )
        )
    return sorted(out + _turns(doc), key=lambda a: (a.page or 0, a.start, a.end))


def _turns(doc: Document) -> list[Attribution]:
    """A transcript's turns: each paragraph is its labelled speaker's own words, verbatim."""
    per_page = document_turns(
        [page.text for page in doc.pages], lambda surname: _introduced(surname, doc.pages)
    )
    return [
        Attribution(
            source=doc.name,
            speaker=t.speaker,
            role=t.role,
            kind="direct_quote",
            text=page.text[t.start : t.end],
            start=t.start,
            end=t.end,
            page=page.number,
            cue=t.label,
            article_author=doc.meta.author or None,
        )
        for page, turns in zip(doc.pages, per_page, strict=True)
        for t in turns
    ]


def extract_corpus(docs: Sequence[Document]) -> list[Attribution]:
    return [a for doc in docs for a in extract(doc)]


# --- storage --------------------------------------------------------------------------------------------


def to_records(items: Iterable[Attribution]) -> list[dict[str, Any]]:
    """Plain dicts for JSONL beside the index (no pickle)."""
    return [asdict(a) for a in items]


def from_records(records: Iterable[Mapping[str, Any]]) -> list[Attribution]:
    fields = Attribution.__dataclass_fields__
    out = []
    for r in records:
        missing = set(fields) - set(r)
        if missing:
            raise ValueError(f"attribution record lacks {sorted(missing)}")
        out.append(Attribution(**{k: r[k] for k in fields}))
    return out


def people_by_role(attributions: Iterable[Attribution]) -> dict[str, str]:
    """Each role the corpus gives to exactly one person (folded, without its article) → that person's fullest
    name: how a question that names a speaker by role ("did the chief engineer say …?") finds the speaker. A
    role two people hold ("Director") names neither; a body's role ("Halden Rail's chief executive") counts
    without the body too, when one person holds it so."""
    holders: dict[str, list[str]] = {}
    for a in attributions:
        if a.role and a.kind != "institutional":
            for role in role_names(a.role):
                holders.setdefault(role, []).append(a.speaker)
    return {role: person for role, names in holders.items() if role and (person := _one_person(names))}


def roles_by_document(attributions: Iterable[Attribution]) -> dict[str, dict[str, str]]:
    """``people_by_role`` within each document: in a corpus of many, several documents have their own "chief
    engineer", a role that names no one corpus-wide but one person in each."""
    grouped: dict[str, list[Attribution]] = {}
    for a in attributions:
        grouped.setdefault(a.source, []).append(a)
    return {source: roles for source, group in grouped.items() if (roles := people_by_role(group))}


def role_names(role: str) -> set[str]:
    """How a role may be asked for, folded and without its article: "Halden Rail's chief executive" is also
    "the chief executive"."""
    folded = without_article(fold(role))
    return {folded, owner_and_title(folded)[1]}


def fullest(name: str, names: Iterable[str]) -> str:
    """The fullest form of ``name`` among ``names`` ("Okafor" → "Amara Okafor"), when every longer form
    names the same person; else ``name`` (two Okafors leave "Okafor" as it is)."""
    return _one_person([name, *(n for n in names if speakers_match(n, name))]) or name


def _one_person(names: Sequence[str]) -> str | None:
    """The fullest of these names, when they all name one person."""
    longest = max(names, key=len)
    return longest if all(speakers_match(n, longest) for n in names) else None


def speaker_words(name: str) -> frozenset[str]:
    """A speaker's folded words without "the", an honorific or a title ("Dr. Nguyễn" is a short form of Nguyễn
    Thị Lan, "Councillor Wiśniewski" of Łukasz Wiśniewski): ``speakers_match`` compares these sets, and so does
    the SQL store. A speaker named by a title alone ("the chair") keeps it."""
    found = frozenset(words(name)) - {"the"} - HONORIFICS
    return found - TITLES or found


def speakers_match(a: str, b: str) -> bool:
    """Same speaker, case-insensitively; a surname or a shorter form of the same name counts."""
    wa, wb = speaker_words(a), speaker_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)
