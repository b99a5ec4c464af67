"""Who said what: attributed statements extracted from news copy at index time.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from chatbot.documents import Document, Page
from chatbot.passages import split_sentences

KINDS = ("direct_quote", "paraphrase", "institutional")


@dataclass(frozen=True)
class Attribution:
    source: str  # file name relative to the corpus folder (Document.name)
    speaker: str  # canonical name or institution
    role: str  # role/affiliation as the text gives it, "" if none
    kind: str  # "direct_quote" | "paraphrase" | "institutional"
    text: str  # the exact quoted/attributed span: page_text[start:end]
    start: int
    end: int
    page: int | None
    cue: str  # the attribution verb/phrase
    article_author: str | None


# --- lexicons -------------------------------------------------------------------------------------------
# Speech and stance verbs that introduce what someone said, claimed or expects. Factive and inferential
# verbs ("recognized", "concluded", "realized") are left out on purpose: with them the writer vouches
# for the content, so it is the article's claim, not the subject's.
_VERB_FORMS = [
    "say", "says", "said", "saying", "told", "tells", "warn", "warns", "warned", "warning", "confirm",
    "confirms", "confirmed", "confirming", "argue", "argues", "argued", "arguing", "believe", "believes",
    "believed", "expect", "expects", "expected", "emphasize", "emphasizes", "emphasized", "emphasizing",
    "emphasise", "emphasises", "emphasised", "emphasising", "stressed", "stresses", "highlight", "highlighted",
    "highlighting", "describe", "describes", "described", "describing", "accuse", "accuses", "accused",
    "accusing", "compared", "compares", "liken", "likens", "likened", "cite", "cites", "cited", "citing",
    "propose", "proposes", "proposed", "proposing", "suggest", "suggests", "suggested", "suggesting",
    "claimed", "insist", "insists", "insisted", "insisting", "noted", "added", "stated", "announced",
    "announces", "predict", "predicts", "predicted", "contend", "contends", "contended", "asserted", "asserts",
    "demanded", "demanding", "urge", "urges", "urged", "urging", "ordered", "directed", "explained", "explains",
    "reported", "wrote", "writes", "admitted", "admits", "denied", "denies", "cautioned", "reiterated",
    "recommended",
]  # fmt: skip
_MULTIWORD_CUES = [
    r"pointed\s+to\s+(?:research|evidence|studies|data|findings|a\s+study|a\s+report)\s+(?:suggesting|showing|indicating)",
    r"pointed\s+out",
    r"respond(?:ed|s)?\s+by",
    r"(?:reflect|reflects|reflected|express|expresses|expressed|voice|voices|voiced)\s+concerns?(?=\s+(?:that|about|over)\b)",
    r"(?:argue|argues|argued|arguing|call|calls|called|calling)\s+(?:for|on)",
]
_CUE_RE = re.compile(
    r"(?<![\w\-‑])(?:"
    + "|".join(_MULTIWORD_CUES + sorted(_VERB_FORMS, key=len, reverse=True))
    + r")(?![\w\-‑])",
    re.IGNORECASE,
)
_ACCORDING_RE = re.compile(r"(?<![\w-])according\s+to\s+", re.IGNORECASE)
# "The stated goal is ...": a position announced by the entity the passage is about.
_STATED_RE = re.compile(
    r"(?<![\w-])(?P<det>the|its|their|his|her)\s+(?:(?:publicly|officially)\s+)?"
    r"(?:stated|declared|announced|avowed|professed)\s+"
    r"(?:goal|aim|objective|purpose|intention|mission|position|policy|ambition)\s+(?:is|was|remains)\s+",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"\w+(?:[.'’&\-‑]\w+)*|[,;:—–()“”\"!?.•]")
_QUOTE_RE = re.compile(r"“[^“”]*”|\"[^\"]*\"")
# " , " (a comma set off by spaces) is a dash in some copy; dashes end a clause.
_DASH_RE = re.compile(r"\s[,–—-]\s|—|–|;")
_OPENING_QUOTES = '“"'
_CLOSING_QUOTES = '”"'

_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_ORG_PRONOUNS = {"it", "its"}
_GROUP_PRONOUNS = {"they", "their", "them"}
_PRONOUNS = _PERSON_PRONOUNS | _ORG_PRONOUNS | _GROUP_PRONOUNS
_QUANTIFIERS = {"many", "some", "most", "others", "several", "few", "both"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "my", "your"}
_AUXILIARIES = {
    "has", "have", "had", "will", "would", "can", "could", "may", "might", "must", "should", "shall",
    "do", "does", "did", "also", "not", "never", "again", "alone", "now", "then", "still", "already",
    "repeatedly", "often", "once", "later", "first",
}  # fmt: skip
_PASSIVE = {"is", "are", "was", "were", "be", "been", "being"}
_VERB_LIKE = _AUXILIARIES - {
    "also",
    "not",
    "never",
    "again",
    "alone",
    "now",
    "then",
    "still",
    "already",
    "first",
}
# Common irregular past tenses: a subject noun phrase ends where its verb begins.
_IRREGULAR_PAST = {
    "made", "took", "gave", "went", "came", "held", "met", "sent", "left", "led", "put", "set", "kept", "began",
    "became", "brought", "built", "drew", "found", "got", "knew", "saw", "spent", "stood", "thought", "won",
    "paid", "ran", "rose", "fell", "sought", "struck", "grew", "chose", "felt", "heard", "lost", "meant",
    "sold", "spoke", "threw", "understood", "wore", "broke", "bought", "caught", "fought", "taught",
}  # fmt: skip
_CONNECTORS = {"and", "or", "but", "nor"}
_SUBORDINATORS = {
    "while",
    "whereas",
    "because",
    "as",
    "if",
    "when",
    "since",
    "so",
    "than",
    "although",
    "though",
    "yet",
}
_WH_WORDS = {"what", "whatever", "how", "why", "where", "whether"}
_RELATIVES = {"that", "which", "who", "whom"}
_PREPOSITIONS = {
    "from", "of", "in", "at", "on", "across", "between", "with", "like", "including", "for", "among", "inside",
    "within", "outside", "to", "by", "about", "over", "under", "around",
}  # fmt: skip
_INTRO_WORDS = {
    "following", "after", "before", "during", "despite", "since", "as", "when", "while", "if", "although",
    "though", "even", "over", "under", "with", "without", "by", "from", "in", "on", "at", "for", "however",
    "instead", "meanwhile", "simultaneously", "yet", "still", "also", "so", "then", "now", "today",
    "yesterday", "moreover", "furthermore", "nevertheless", "indeed", "ultimately", "overall", "last",
    "earlier", "later", "more", "most", "once", "until", "amid", "through", "thus", "therefore", "but", "and",
}  # fmt: skip
_TIME_WORDS = {
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "day",
    "days",
    "morning",
    "evening",
    "time",
}
# Nouns that make a generic noun phrase a source: people, groups and documents that can say things.
_GROUP_NOUNS = {
    "analyst", "analysts", "expert", "experts", "researcher", "researchers", "scientist", "scientists",
    "scholar", "scholars", "academics", "economist", "economists", "observer", "observers", "critic",
    "critics", "commentators", "source", "sources", "report", "reports", "study", "studies", "survey",
    "surveys", "research", "analysis", "analyses", "poll", "polls", "people", "participant", "participants",
    "person", "speaker", "speakers", "attendees", "delegates", "diplomat", "diplomats", "lawmaker", "lawmakers",
    "legislators", "leader", "leaders", "executive", "executives", "investors", "insiders", "engineers",
    "activists", "advocates", "campaigners", "residents", "witnesses", "conference", "panel",
    "specialists", "professionals", "historians", "veterans", "supporters", "opponents", "proponents",
}  # fmt: skip
_INSTITUTION_NOUNS = {
    "government", "governments", "ministry", "ministries", "administration", "department", "agency",
    "agencies", "authority", "authorities", "regulator", "regulators", "company", "companies", "firm",
    "firms", "media", "dispatches", "statement", "statements", "delegation", "delegations", "assessment",
    "assessments", "military", "police", "court", "courts", "council", "commission", "committee",
    "spokesperson", "spokesman", "spokeswoman", "office", "embassy", "parliament", "congress", "officials",
    "official", "intelligence", "prosecutors", "cabinet", "lab", "labs", "union", "unions", "bank", "banks",
}  # fmt: skip
_SPOKES_ROLES = ("spokesperson", "spokesman", "spokeswoman", "press secretary")
_ORG_WORDS = {
    "house", "ministry", "department", "agency", "office", "council", "commission", "committee", "nations",
    "union", "group", "inc", "corp", "corporation", "company", "co", "technologies", "technology", "systems",
    "labs", "lab", "laboratory", "institute", "university", "academy", "association", "bank", "fund", "party",
    "government", "administration", "times", "news", "post", "journal", "review", "foundation", "center",
    "centre", "organization", "organisation", "authority", "board", "bureau", "service", "services",
    "reserve", "court", "congress", "senate", "parliament", "force", "army", "navy", "states", "kingdom",
    "republic", "media", "network", "partners", "holdings", "motors", "ai", "security", "federation",
}  # fmt: skip
_TITLES = {
    "secretary", "minister", "president", "professor", "prof", "dr", "senator", "spokesperson", "spokesman",
    "spokeswoman", "chairman", "chairwoman", "chair", "ceo", "director", "chief", "general", "governor",
    "ambassador", "premier", "mayor", "judge", "commissioner", "representative", "rep", "sen", "mr", "mrs",
    "ms", "officer", "founder", "editor", "analyst", "economist", "scientist", "researcher", "envoy",
    "captain", "treasurer", "manager", "lawyer", "attorney", "head", "coach", "principal", "inspector",
    "sergeant", "colonel", "lieutenant", "admiral", "bishop", "chancellor", "deputy", "adviser", "advisor",
    "owner", "doctor", "teacher", "leader", "organiser", "organizer", "curator", "councillor", "councilor",
}  # fmt: skip
_SOURCE_NOUNS = _GROUP_NOUNS | _INSTITUTION_NOUNS | _TITLES
_NAME_LINKS = {"of", "for", "and", "de", "van", "von", "&", "del", "da", "la", "al"}


# --- tokens and sentences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"

    @property
    def is_cap(self) -> bool:
        return self.is_word and (self.text[0].isupper() or self.text[0].isdigit())


@dataclass(frozen=True)
class _Sentence:
    text: str  # the whole page text: offsets are page offsets
    start: int
    end: int
    toks: tuple[_Tok, ...]
    quotes: tuple[tuple[int, int], ...]  # outer spans of quotations, marks included

    def index_at(self, offset: int) -> int:
        """Index of the first token that starts at or after ``offset`` (len(toks) if none)."""
        return next((k for k, t in enumerate(self.toks) if t.start >= offset), len(self.toks))

    def in_quote(self, start: int, end: int) -> bool:
        return any(qs < start and end < qe for qs, qe in self.quotes)

    def quote_ending_at(self, offset: int) -> tuple[int, int] | None:
        """A quotation whose closing mark ends exactly at ``offset``, whitespace aside."""
        for qs, qe in self.quotes:
            if qe <= offset and not self.text[qe:offset].strip():
                return qs, qe
        return None


def _page_quotes(text: str) -> list[tuple[int, int]]:
    """Quotations paired line by line, so a quote may run over several sentences but never pairs
    a stray mark with one in another paragraph."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        out += [(pos + m.start(), pos + m.end()) for m in _QUOTE_RE.finditer(line)]
        pos += len(line) + 1
    return out


def _make_sentence(text: str, start: int, end: int, quotes: Sequence[tuple[int, int]]) -> _Sentence:
    toks = tuple(_Tok(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, start, end))
    inside = tuple(q for q in quotes if q[0] < end and q[1] > start)
    return _Sentence(text, start, end, toks, inside)


# --- speakers as written --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Raw:
    """A speaker as the sentence writes it, before pronouns and surnames are resolved."""

    text: str
    pos: int  # page offset of the mention, for resolving pronouns to what came before
    form: str  # "name" | "generic" | "pronoun"
    role: str = ""


@dataclass(frozen=True)
class _Frame:
    """One attribution in a sentence: who, the cue, and where the attributed words are."""

    speaker: _Raw
    cue: str
    frame_start: int  # where the attribution apparatus begins; ends the previous frame's content
    content_start: int
    content_end: int | None = None  # fixed end; None means "to the end of the clause"
    quoted: bool = False
    min_words: int = 2
    extra_quotes: tuple[tuple[int, int], ...] = ()


def _words(toks: Sequence[_Tok]) -> str:
    return " ".join(t.text for t in toks)


def _span_text(text: str, toks: Sequence[_Tok]) -> str:
    return text[toks[0].start : toks[-1].end] if toks else ""


def _strip_determiner(toks: Sequence[_Tok]) -> list[_Tok]:
    toks = list(toks)
    while toks and toks[0].low in {"the", "a", "an"}:
        toks = toks[1:]
    return toks


def _name_run(toks: Sequence[_Tok]) -> int:
    """Index where the trailing run of capitalised words (a name) starts; len(toks) if there is none."""
    i = len(toks)
    while i > 0:
        t = toks[i - 1]
        if t.is_cap or (t.low in _NAME_LINKS and i < len(toks) and i >= 2 and toks[i - 2].is_cap):
            i -= 1
        else:
            break
    while i < len(toks) and toks[i].low in _NAME_LINKS:
        i += 1
    return i


def _role_prefix(toks: Sequence[_Tok]) -> str:
    """The role words before a name ("MIT computer scientist"): the tail free of function words."""
    k = len(toks)
    while (
        k > 0 and toks[k - 1].is_word and toks[k - 1].low not in _PREPOSITIONS | _DETERMINERS | _INTRO_WORDS
    ):
        k -= 1
    return _words(toks[k:])


def _speaker_np(text: str, toks: Sequence[_Tok], role: str = "") -> _Raw | None:
    """A noun phrase that can be a speaker: a pronoun, a (role +) name, or a generic source."""
    toks = _strip_determiner(toks)
    if not toks or len(toks) > 14 or not all(t.is_word for t in toks):
        return None
    pos = toks[0].start
    if len(toks) == 1 and toks[0].low in _PRONOUNS:
        return _Raw(toks[0].low, pos, "pronoun", role)
    run = _name_run(toks)
    head_is_common = run == 0 and len(toks) == 1 and toks[0].low in _SOURCE_NOUNS
    k = run
    while k > 0 and toks[k - 1].low in _DETERMINERS:
        k -= 1
    follows_preposition = k > 0 and toks[k - 1].low in _PREPOSITIONS
    if len(toks) == 1 and (
        toks[0].low in _INTRO_WORDS or (toks[0].low.endswith("ly") and len(toks[0].low) > 6)
    ):
        return None  # "Simultaneously", "However": a sentence-initial adverb, not a name
    if run < len(toks) and not head_is_common and not follows_preposition and not toks[-1].low.endswith("'s"):
        name = list(toks[run:])
        title_at = max((k for k, t in enumerate(name[:-1]) if t.low.rstrip(".") in _TITLES), default=-1)
        prefix = list(toks[:run]) + name[: title_at + 1]
        name = name[title_at + 1 :]
        return _Raw(_words(name), name[0].start, "name", role or _role_prefix(prefix))
    return _generic_np(text, toks, role)


def _generic_np(text: str, toks: Sequence[_Tok], role: str) -> _Raw | None:
    head_end = next((k for k, t in enumerate(toks) if k and t.low in _PREPOSITIONS), len(toks))
    head = toks[:head_end]
    if any(t.low in _VERB_LIKE | _PASSIVE | _RELATIVES for t in toks):
        return None
    if not any(t.low in _SOURCE_NOUNS for t in head) or len(head) > 7:
        return None
    return _Raw(_span_text(text, toks), toks[0].start, "generic", role)


def _is_verb_like(tok: _Tok) -> bool:
    low = tok.low
    return (
        low in _VERB_LIKE
        or low in _PASSIVE
        or (not tok.is_cap and (low.endswith("ly") and len(low) > 4))
        or (not tok.is_cap and low.endswith("ed") and len(low) >= 4 and not low.endswith("eed"))
        or (not tok.is_cap and low in _IRREGULAR_PAST)
        or (not tok.is_cap and _CUE_RE.fullmatch(low) is not None)
    )


def _skip_intro(toks: Sequence[_Tok], i: int, hi: int) -> int:
    """Skip introductory phrases that end in a comma ("However,", "On May 7, 2026,", "This week alone,")."""
    while i < hi:
        comma = next((k for k in range(i, hi) if toks[k].text == ","), None)
        if comma is None or comma == i:
            return i
        chunk = toks[i:comma]
        first = chunk[0].low
        intro = (
            first in _INTRO_WORDS
            or (first.endswith("ly") and len(chunk) <= 3)
            or all(t.text.isdigit() for t in chunk)
            or any(t.low in _TIME_WORDS for t in chunk)
        )
        if not intro:
            return i
        i = comma + 1
    return i


def _clause_subject(sent: _Sentence, lo: int, hi: int) -> _Raw | None:
    """The subject of the clause starting at token ``lo``: the words before its first verb."""
    i = _skip_intro(sent.toks, lo, hi)
    j = i
    while (
        j < hi
        and sent.toks[j].is_word
        and not _is_verb_like(sent.toks[j])
        and sent.toks[j].low not in _RELATIVES
    ):
        j += 1
    if j == i or j >= hi:
        return None
    return _speaker_np(sent.text, sent.toks[i:j])


def _clause_start(sent: _Sentence, before: int) -> int:
    """Token index where the clause containing token ``before`` starts (after ':' ';' or a dash)."""
    k = before
    while k > 0 and sent.toks[k - 1].text not in {":", ";", "—", "–"}:
        k -= 1
    return k


# --- frames ---------------------------------------------------------------------------------------------


def _backward_np(sent: _Sentence, end: int) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase that ends just before token index ``end``.

    It stops at punctuation, conjunctions and relative pronouns, except that "and" may join
    capitalised names inside a prepositional phrase ("dispatches from Beijing and Washington").
    """
    toks = sent.toks
    k = end
    while k > 0:
        t = toks[k - 1]
        if not t.is_word or t.low in _RELATIVES:
            break
        if t.low in _WH_WORDS:
            return end, end  # "What the minister said was unclear": a free relative, not an attribution
        if t.low in _CONNECTORS | _SUBORDINATORS:
            joined = (
                t.low == "and"
                and k < end
                and toks[k].is_cap
                and k >= 2
                and toks[k - 2].is_cap
                and any(x.low in _PREPOSITIONS for x in toks[max(0, k - 5) : k - 1])
            )
            if not joined:
                break
        k -= 1
    return k, end


def _skip_back_adverbs(sent: _Sentence, i: int) -> tuple[int, bool]:
    """Step back over adverbs and auxiliaries before a verb; report a passive ("was described")."""
    while i >= 0:
        t = sent.toks[i]
        if t.low in _PASSIVE:
            return i, True
        if t.low in _AUXILIARIES or (t.is_word and not t.is_cap and t.low.endswith("ly") and len(t.low) > 4):
            i -= 1
            continue
        break
    return i, False


_PARTICIPLE_PREPOSITIONS = {"in", "by", "at", "on", "for", "from", "as", "with", "during", "under", "to"}


def _reduced_passive(sent: _Sentence, m: re.Match[str]) -> bool:
    """ "The study cited in the report", "the figures quoted by the agency": a participle, not a speech act."""
    word = m.group()
    if " " in word or not word.lower().endswith("ed"):
        return False
    nxt = sent.index_at(m.end())
    return nxt < len(sent.toks) and sent.toks[nxt].low in _PARTICIPLE_PREPOSITIONS


def _cue_text(m: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", m.group())


def _frames_for_cue(sent: _Sentence, m: re.Match[str], frames: list[_Frame]) -> _Frame | None:
    """Work out who a cue attributes to, from what stands before it."""
    toks = sent.toks
    cue_i = sent.index_at(m.start())
    before = cue_i - 1
    if before >= 0 and toks[before].low in _DETERMINERS:
        return None  # "the proposed dialogue": an adjective, not a verb
    b, passive = _skip_back_adverbs(sent, before)
    if passive or _reduced_passive(sent, m):
        return None
    frame_start = toks[b + 1].start if b + 1 < len(toks) else m.start()
    cue = _cue_text(m)
    after = _content_start(sent, m.end())

    quote = _quote_before(sent, b, cue_i, m)
    if quote is not None:
        return quote
    if b >= 0 and toks[b].text in {",", "—", "–"} and m.group().split()[0].lower().endswith("ing"):
        return _inherited(sent, cue, frames, b, frame_start, after, participle=True)
    if b < 0:
        return None
    prev = toks[b]
    if prev.low in _CONNECTORS or prev.low == "to":
        return _inherited(sent, cue, frames, b, frame_start, after)
    if prev.low in {"who", "that", "which"}:
        return _relative_subject(sent, cue, frames, b, prev, frame_start, after)
    if prev.text == ",":
        return _apposed(sent, cue, b, after)
    lo, hi = _backward_np(sent, b + 1)
    if lo == hi:
        return None
    np_toks = toks[lo:hi]
    if lo >= 2 and toks[lo - 1].low in {"that", "which"} and _is_object_relative(sent, m):
        return _object_relative(sent, cue, lo, np_toks, m)
    if len(np_toks) == 1 and np_toks[0].low in _QUANTIFIERS:
        return None  # "many believe": resolved by _quantifier_subject
    raw = _speaker_np(sent.text, np_toks)
    if raw is None:
        return None
    if lo >= 2 and toks[lo - 1].low == "which" and toks[lo - 2].text == ",":
        closing = next((t.start for t in toks[cue_i + 1 :] if t.text == ","), sent.end)
        return _Frame(raw, cue, np_toks[0].start, after, closing)  # ", which critics described as X,"
    return _with_content(sent, raw, cue, np_toks[0].start, after, lo)


def _with_content(
    sent: _Sentence, raw: _Raw, cue: str, frame_start: int, after: int, np_lo: int
) -> _Frame | None:
    """Content follows the cue; when nothing does ("..., Yun argued."), it is the clause before."""
    if sent.text[after : sent.end].strip(" .!?\"”'’") == "":
        if np_lo >= 2 and sent.toks[np_lo - 1].text == ",":
            start = sent.toks[_clause_start(sent, np_lo - 1)].start
            return _Frame(raw, cue, frame_start, start, sent.toks[np_lo - 1].start)
        return None
    return _Frame(raw, cue, frame_start, after)


def _quantifier_subject(sent: _Sentence, cue_i: int) -> _Raw | None:
    """ "..., and many believe": the quantifier stands for the subject of the clause before."""
    np_lo, _ = _backward_np(sent, cue_i)
    if np_lo == 0 or sent.toks[np_lo - 1].low not in _CONNECTORS:
        return None
    start = _clause_start(sent, np_lo - 1)
    raw = _clause_subject(sent, start, np_lo)
    return raw if raw is not None and raw.form != "pronoun" else None


def _inherited(
    sent: _Sentence,
    cue: str,
    frames: list[_Frame],
    b: int,
    frame_start: int,
    after: int,
    participle: bool = False,
) -> _Frame | None:
    """A coordinated, infinitive or participial cue: the speaker is that of the clause it hangs on."""
    speaker = frames[-1].speaker if frames else _clause_subject(sent, 0, b)
    if speaker is None or (speaker.form == "pronoun" and not frames):
        return None
    start = sent.toks[b].start if sent.toks[b].low in _CONNECTORS else frame_start
    return _Frame(speaker, cue, start, after, min_words=3 if participle else 2)


def _relative_subject(
    sent: _Sentence, cue: str, frames: list[_Frame], b: int, prev: _Tok, frame_start: int, after: int
) -> _Frame | None:
    """ "campaigns that highlight ...", "a scientist who said ...": the clause's subject speaks."""
    speaker = frames[-1].speaker if frames else _clause_subject(sent, 0, b)
    if speaker is None or (speaker.form == "pronoun" and prev.low != "who"):
        return None
    role = _copular_role(sent, b) if prev.low == "who" else ""
    if role and not speaker.role:
        speaker = replace(speaker, role=role)
    return _Frame(speaker, cue, frame_start, after)


def _copular_role(sent: _Sentence, who: int) -> str:
    """ "He is a computer scientist at MIT who said ...": the role between the copula and "who"."""
    for k in range(who - 1, -1, -1):
        if sent.toks[k].low in {"is", "was"}:
            return _span_text(sent.text, sent.toks[k + 1 : who])
    return ""


def _apposed(sent: _Sentence, cue: str, comma: int, after: int) -> _Frame | None:
    """ "Lin Yun, a professor at ..., expects": a speaker, an apposition in commas, then the cue."""
    toks = sent.toks
    opening = next((k for k in range(comma - 1, -1, -1) if toks[k].text == ","), None)
    if opening is None or opening == comma - 1:
        return None
    appos = toks[opening + 1 : comma]
    if not _is_apposition(appos):
        return None
    lo, hi = _backward_np(sent, opening)
    if lo == hi:
        return None
    member = _named_member(sent, appos)
    if member is not None:
        return _Frame(member, cue, toks[lo].start, after)
    role = (
        _span_text(sent.text, appos) if appos[0].low in {"a", "an", "the", "who", "whose"} | _TITLES else ""
    )
    raw = _speaker_np(sent.text, toks[lo:hi], role)
    named = _speaker_np(sent.text, appos, _span_text(sent.text, _strip_determiner(toks[lo:hi])))
    if named is not None and named.form == "name" and all(t.is_cap for t in appos):
        raw = named  # "The mayor, Jane Porter, said": the name speaks, the phrase before is her role
    if raw is None:
        return None
    return _Frame(raw, cue, toks[lo].start, after)


def _is_apposition(toks: Sequence[_Tok]) -> bool:
    """A parenthetical between commas has no finite verb of its own outside a relative clause."""
    for t in toks:
        if t.low in _RELATIVES or t.low == "whose":
            return True
        if _is_verb_like(t) and t.low not in {"also"}:
            return False
    return True


def _named_member(sent: _Sentence, appos: Sequence[_Tok]) -> _Raw | None:
    """ "Participants, including MIT computer scientist Stephen Casper, ...": the named member speaks."""
    if appos[0].low != "including":
        return None
    raw = _speaker_np(sent.text, appos[1:])
    return raw if raw is not None and raw.form == "name" and " " in raw.text else None


_APPOSITION_AFTER_RE = re.compile(r"\s*(?:\s,|,|—|–)\s*(?=(?:a|an|the)\s)")


def _is_object_relative(sent: _Sentence, m: re.Match[str]) -> bool:
    """ "the concept that diplomats proposed , a ..." or "... proposed would ...": the cue has no content of
    its own, unlike the complement clause in "clear that analysts said X"."""
    nxt = sent.index_at(m.end())
    return bool(_APPOSITION_AFTER_RE.match(sent.text, m.end(), sent.end)) or (
        nxt < len(sent.toks) and _is_verb_like(sent.toks[nxt])
    )


def _object_relative(
    sent: _Sentence, cue: str, lo: int, np_toks: Sequence[_Tok], m: re.Match[str]
) -> _Frame | None:
    """ "The "AI hotline" concept that some diplomats have proposed , a dedicated channel ..., would ...".

    The attributed words are the quoted term in the antecedent and an apposition right after the cue.
    """
    raw = _speaker_np(sent.text, np_toks)
    if raw is None:
        return None
    antecedent_start = sent.toks[_clause_start(sent, lo - 1)].start
    quotes = [q for q in sent.quotes if antecedent_start <= q[0] and q[1] <= sent.toks[lo - 1].start]
    appos = _APPOSITION_AFTER_RE.match(sent.text, m.end(), sent.end)
    if appos is None and not quotes:
        return None
    start = appos.end() if appos else m.end()
    return _Frame(raw, cue, np_toks[0].start, start, None if appos else start, extra_quotes=tuple(quotes))


def _quote_before(sent: _Sentence, b: int, cue_i: int, m: re.Match[str]) -> _Frame | None:
    """'"...," said Stephen Casper, a ...' and '"...," Casper said.': the quotation is the content."""
    toks = sent.toks
    cue = _cue_text(m)
    quote = sent.quote_ending_at(m.start())
    if quote is not None:  # said + speaker after the verb
        j = cue_i + 1
        while j < len(toks) and toks[j].is_word and not _is_verb_like(toks[j]):
            j += 1
        if j == cue_i + 1:
            return None
        role = ""
        if j < len(toks) and toks[j].text == ",":
            role = sent.text[toks[j].end : sent.end].strip().rstrip(".").strip()
        raw = _speaker_np(sent.text, toks[cue_i + 1 : j], role)
        return None if raw is None else _quote_frame(raw, cue, quote)
    lo, hi = _backward_np(sent, b + 1)
    if lo == hi:
        return None
    quote = sent.quote_ending_at(toks[lo].start)
    if quote is None:
        return None
    raw = _speaker_np(sent.text, toks[lo:hi])
    return None if raw is None else _quote_frame(raw, cue, quote)


def _quote_frame(raw: _Raw, cue: str, quote: tuple[int, int]) -> _Frame:
    return _Frame(raw, cue, quote[0], quote[0] + 1, quote[1] - 1, quoted=True, min_words=1)


def _according_frames(sent: _Sentence) -> list[_Frame]:
    """ "X, according to S" and "According to S, X"."""
    frames = []
    for m in _ACCORDING_RE.finditer(sent.text, sent.start, sent.end):
        if sent.in_quote(m.start(), m.end()):
            continue
        i = sent.index_at(m.end())
        j = i
        while j < len(sent.toks) and sent.toks[j].is_word and sent.toks[j].low not in _CONNECTORS:
            j += 1
        np_toks = _strip_determiner(sent.toks[i:j])
        raw = _speaker_np(sent.text, np_toks)
        if raw is None and np_toks and len(np_toks) <= 8 and not any(_is_verb_like(t) for t in np_toks):
            raw = _Raw(
                _span_text(sent.text, np_toks), np_toks[0].start, "generic"
            )  # any source: "port records"
        named, j = _appositive_name(sent, j, sent.toks[i:j])
        raw = named or raw
        if raw is None or j == i:
            continue
        cue = "according to"
        k = sent.index_at(m.start())
        if k > 0 and sent.toks[k - 1].text == ",":
            start = sent.toks[_clause_start(sent, k - 1)].start
            frames.append(_Frame(raw, cue, sent.toks[k - 1].start, start, sent.toks[k - 1].start))
        elif j < len(sent.toks) and sent.toks[j].text == ",":
            frames.append(_Frame(raw, cue, m.start(), sent.toks[j].end))
    return frames


def _appositive_name(sent: _Sentence, j: int, role: Sequence[_Tok]) -> tuple[_Raw | None, int]:
    """ "according to the treasurer, Idris Bello": a name right after a role, closing the phrase."""
    if not role or j >= len(sent.toks) or sent.toks[j].text != ",":
        return None, j
    k = j + 1
    while k < len(sent.toks) and sent.toks[k].is_cap:
        k += 1
    closes = k == len(sent.toks) or not sent.toks[k].is_word
    if k - j - 1 < 2 or not closes:
        return None, j
    raw = _speaker_np(sent.text, sent.toks[j + 1 : k], _span_text(sent.text, _strip_determiner(role)))
    return (raw, k) if raw is not None and raw.form == "name" else (None, j)


def _stated_frames(sent: _Sentence, previous_subject: _Raw | None) -> list[_Frame]:
    """ "The stated goal is X": X is the position of the entity the passage is about."""
    frames = []
    for m in _STATED_RE.finditer(sent.text, sent.start, sent.end):
        det = m.group("det").lower()
        if det == "the":
            speaker = previous_subject
        else:
            speaker = _Raw(
                {"its": "it", "their": "they", "his": "he", "her": "she"}[det], m.start(), "pronoun"
            )
        if speaker is not None:
            cue = re.sub(r"\s+", " ", m.group()).strip()
            frames.append(_Frame(speaker, cue, m.start(), m.end()))
    return frames


def _content_start(sent: _Sentence, pos: int) -> int:
    """Skip the complementiser, punctuation and adjuncts after a cue.

    "said that", "argued, ", "said in a statement that", "told reporters on Monday that".
    """
    m = _LEAD_RE.match(sent.text, pos, sent.end)
    pos = m.end() if m else pos
    adjunct = _ADJUNCT_RE.match(sent.text, pos, sent.end)
    return adjunct.end() if adjunct else pos


_LEAD_RE = re.compile(r"(?:\s|[,:]\s*)*(?:that\s+)?", re.IGNORECASE)
# A short prepositional adjunct or an addressee before "that": "in a statement", "reporters on Monday".
_ADJUNCT_RE = re.compile(
    r"(?:(?:in|on|at|during|via|through|to|after|before|with)\s|(?:reporters|journalists|the\s+press|lawmakers|"
    r"parliament|congress|an?\s+\w+\s+interview)\b)[^,.;:\"“”]{0,60}?\s+that\s+",
    re.IGNORECASE,
)


def _clause_end(sent: _Sentence, start: int, limit: int) -> int:
    m = _DASH_RE.search(sent.text, start, limit)
    return m.start() if m else limit


_TRIM_END_RE = re.compile(
    r"(?:[\s.,;:!?]|\s(?:and|but|or|while|whereas|because|as|although|though|so|yet|when|if|since)$)+$"
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace, closing punctuation and a dangling conjunction; exact offsets are kept."""
    while start < end and text[start] in " \t\n\r,;:":
        start += 1
    while True:
        m = _TRIM_END_RE.search(text, start, end)
        if not m or m.start() == end:
            break
        end = m.start()
    return start, end


def _unbalanced_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") != text.count("”")


def _sentence_frames(sent: _Sentence, previous_subject: _Raw | None) -> list[_Frame]:
    frames: list[_Frame] = []
    for m in _CUE_RE.finditer(sent.text, sent.start, sent.end):
        if sent.in_quote(m.start(), m.end()):
            continue
        cue_i = sent.index_at(m.start())
        frame = _frames_for_cue(sent, m, frames)
        if frame is None:
            raw = _quantifier_subject(sent, cue_i)
            if raw is not None:
                np_lo, _ = _backward_np(sent, cue_i)
                frame = _Frame(raw, _cue_text(m), sent.toks[np_lo - 1].start, _content_start(sent, m.end()))
        if frame is not None:
            frames.append(frame)
    frames += _according_frames(sent) + _stated_frames(sent, previous_subject)
    frames.sort(key=lambda f: f.frame_start)
    return frames


def _spans(sent: _Sentence, frames: list[_Frame]) -> list[tuple[_Frame, int, int]]:
    """The attributed span of every frame: a fixed span, or up to the next frame or the clause's end.

    Content that is one whole quotation ('Silva said: "We need nurses."') becomes a direct quote.
    """
    out = []
    for k, f in enumerate(frames):
        if f.content_end is not None:
            start, end = f.content_start, f.content_end
        else:
            later = [g.frame_start for g in frames[k + 1 :] if g.frame_start >= f.content_start]
            start, end = f.content_start, _clause_end(sent, f.content_start, min([*later, sent.end]))
        start, end = _trim(sent.text, start, end)
        if start >= end or len(sent.text[start:end].split()) < f.min_words:
            continue
        quotation = None if f.quoted else _quotation(sent, start, end)
        if quotation is not None:
            f = replace(f, quoted=True)
            start, end = quotation
        elif not f.quoted and _unbalanced_quote(sent.text[start:end]):
            continue
        if start < end:
            out.append((f, start, end))
    return out


def _quotation(sent: _Sentence, start: int, end: int) -> tuple[int, int] | None:
    """The words inside the marks when a span is exactly one quotation."""
    closing = next((qe for qs, qe in sent.quotes if qs == start), None)
    if closing is None or closing < end:
        return None
    return _trim(sent.text, start + 1, closing - 1)


# --- documents ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """An attributed span before its speaker is resolved."""

    page_index: int
    speaker: _Raw
    kind_hint: str  # "direct_quote" or "" (decided after resolution)
    start: int
    end: int
    cue: str


def _scare_quotes(
    sent: _Sentence, f: _Frame, quotes: Iterable[tuple[int, int]], page_index: int
) -> list[_Found]:
    """Quoted words inside a paraphrase are the speaker's own words, unless they name someone else's thing."""
    out = []
    for qs, qe in quotes:
        before = sent.text[max(sent.start, qs - 12) : qs].split()
        if before and (
            before[-1].lower() in {"its", "their", "his", "her", "our"} or before[-1].endswith(("'s", "’s"))
        ):
            continue  # 'its "small yard, high fence" strategy' names the other side's term
        s, e = _trim(sent.text, qs + 1, qe - 1)
        if s < e:
            out.append(_Found(page_index, f.speaker, "direct_quote", s, e, f.cue))
    return out


def _is_quote_sentence(sent: _Sentence) -> bool:
    body = sent.text[sent.start : sent.end].strip()
    return bool(body) and body[0] in _OPENING_QUOTES and any(q == (sent.start, sent.end) for q in sent.quotes)


def _page_found(page: Page, page_index: int, title: str) -> list[_Found]:
    found: list[_Found] = []
    previous_subject: _Raw | None = None
    last_quote: _Found | None = None
    quotes = _page_quotes(page.text)
    for s in split_sentences(page, title):
        sent = _make_sentence(page.text, s.start, s.end, quotes)
        body = page.text[s.start : s.end].rstrip("\"”’') ")
        if body.endswith("?") or not sent.toks:
            continue
        frames = _sentence_frames(sent, previous_subject)
        items: list[_Found] = []
        for f, start, end in _spans(sent, frames):
            items.append(_Found(page_index, f.speaker, "direct_quote" if f.quoted else "", start, end, f.cue))
            if not f.quoted:
                inside = [q for q in sent.quotes if start <= q[0] and q[1] <= end]
                items += _scare_quotes(sent, f, inside, page_index)
        for f in frames:
            items += _scare_quotes(sent, f, f.extra_quotes, page_index)
        if not frames and _is_quote_sentence(sent) and last_quote is not None:
            start, end = _trim(page.text, sent.start + 1, sent.end - 1)
            items.append(replace(last_quote, start=start, end=end))
        last_quote = (
            next((i for i in reversed(items) if i.kind_hint == "direct_quote"), None) if items else None
        )
        found += items
        previous_subject = _clause_subject(sent, 0, len(sent.toks)) or previous_subject
    return found


# --- resolution -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entity:
    name: str
    kind: str  # "person" | "org" | "group"


def _is_person_name(name: str) -> bool:
    parts = name.split()
    return (
        2 <= len(parts) <= 4
        and all(p[0].isupper() and p.isalpha() and not p.isupper() for p in parts)
        and not any(p.lower() in _ORG_WORDS for p in parts)
    )


def _person_role(role: str) -> bool:
    """ "who chairs ...", "an epidemiologist at ...", "Senator": the role of a person, not an institution."""
    words = role.lower().split()
    return bool(words) and (words[0] in {"who", "whose"} or any(w.rstrip(".,") in _TITLES for w in words))


def _entities(found: Sequence[_Found]) -> list[_Entity]:
    persons = {
        f.speaker.text
        for f in found
        if f.speaker.form == "name"
        and (_is_person_name(f.speaker.text) or (" " not in f.speaker.text and _person_role(f.speaker.role)))
    }
    entities = [_Entity(p, "person") for p in sorted(persons)]
    for f in found:
        if f.speaker.form == "name" and _person_for(f.speaker.text, persons) is None:
            entities.append(_Entity(f.speaker.text, "org"))
        elif f.speaker.form == "generic":
            kind = "org" if _institutional_generic(f.speaker.text) else "group"
            entities.append(_Entity(_canonical_generic(f.speaker.text), kind))
    return list(dict.fromkeys(entities))


def _person_for(name: str, persons: Iterable[str]) -> str | None:
    """The full name a surname or partial name refers to ("Casper" → "Stephen Casper")."""
    if name in persons:
        return name
    parts = set(name.split())
    matches = [p for p in persons if parts <= set(p.split())]
    return matches[0] if len(matches) == 1 else None


def _institutional_generic(text: str) -> bool:
    words = [w.lower() for w in re.findall(r"\w+", text)]
    head_end = next((k for k, w in enumerate(words) if k and w in _PREPOSITIONS), len(words))
    return any(w in _INSTITUTION_NOUNS for w in words[:head_end])


def _canonical_generic(text: str) -> str:
    """ "The conference" and "Analysts" at a sentence start name the same groups as mid-sentence."""
    text = re.sub(r"^(?:the|The)\s+", "", re.sub(r"\s+", " ", text))
    first = text.split(" ", 1)[0]
    if first.lower() in _SOURCE_NOUNS | _QUANTIFIERS and not first.isupper():
        text = text[0].lower() + text[1:]
    return text


def _mentions(pages: Sequence[Page], entities: Sequence[_Entity]) -> list[tuple[int, int, _Entity]]:
    """Every place an entity is named, in reading order, for resolving "he", "it" and surnames."""
    out = []
    for entity in entities:
        forms = {entity.name}
        if entity.kind == "person":
            forms |= {p for p in entity.name.split() if len(p) >= 3}
        flags = re.IGNORECASE if entity.kind == "group" else 0
        pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?![\w-])",
            flags,
        )
        for i, page in enumerate(pages):
            out += [(i, m.start(), entity) for m in pattern.finditer(page.text)]
    return sorted(out, key=lambda x: (x[0], x[1]))


def _resolve_pronoun(
    raw: _Raw, page_index: int, mentions: Sequence[tuple[int, int, _Entity]]
) -> _Entity | None:
    kinds = (
        {"person"}
        if raw.text in _PERSON_PRONOUNS
        else {"org"}
        if raw.text in _ORG_PRONOUNS
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
    raw: _Raw, page_index: int, entities: Sequence[_Entity], mentions: Sequence[tuple[int, int, _Entity]]
) -> _Entity | None:
    if raw.form == "pronoun":
        return _resolve_pronoun(raw, page_index, mentions)
    if raw.form == "generic":
        kind = "org" if _institutional_generic(raw.text) else "group"
        return _Entity(_canonical_generic(raw.text), kind)
    persons = [e.name for e in entities if e.kind == "person"]
    person = _person_for(raw.text, persons)
    return _Entity(person, "person") if person else _Entity(raw.text, "org")


def _kind(hint: str, entity: _Entity, role: str) -> str:
    if hint:
        return hint
    if entity.kind == "org" or any(r in role.lower() for r in _SPOKES_ROLES):
        return "institutional"
    return "paraphrase"


def extract(doc: Document) -> list[Attribution]:
    """Every attributed statement and quotation in a document, with its canonical speaker."""
    found: list[_Found] = []
    for i, page in enumerate(doc.pages):
        found += _page_found(page, i, doc.title)
    entities = _entities(found)
    mentions = _mentions(doc.pages, entities)
    author = doc.meta.author or None
    out: list[Attribution] = []
    seen: set[tuple[str, int | None, int, int]] = set()
    for f in found:
        entity = _resolve(f.speaker, f.page_index, entities, mentions)
        if entity is None:
            continue
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
    return sorted(out, key=lambda a: (a.page or 0, a.start, a.end))


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


# --- evaluation -----------------------------------------------------------------------------------------

_NORM_WORD_RE = re.compile(r"\w+(?:['’\-‑]\w+)*")


def normalise_words(text: str) -> list[str]:
    """Lower-cased words with curly apostrophes straightened: the unit of span comparison."""
    return [w.replace("’", "'").replace("‑", "-") for w in _NORM_WORD_RE.findall(text.lower())]


def speakers_match(a: str, b: str) -> bool:
    """Same speaker, case-insensitively; a surname or a shorter form of the same name counts."""
    wa, wb = (set(normalise_words(x)) - {"the"} for x in (a, b))
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def spans_match(a: str, b: str) -> bool:
    """Substantial overlap: one span contains the other, or word Jaccard >= 0.5."""
    wa, wb = normalise_words(a), normalise_words(b)
    if not wa or not wb:
        return False
    ja, jb = " ".join(wa), " ".join(wb)
    if f" {ja} " in f" {jb} " or f" {jb} " in f" {ja} ":
        return True
    sa, sb = set(wa), set(wb)
    return len(sa & sb) / len(sa | sb) >= 0.5


def _same_source(gold_source: str, name: str) -> bool:
    gold = PurePosixPath(gold_source)
    return gold.as_posix() == name or gold.as_posix().endswith("/" + name) or gold.name == name


def _matches(a: Attribution, row: Mapping[str, Any]) -> bool:
    return (
        _same_source(str(row["source"]), a.source)
        and speakers_match(str(row["speaker"]), a.speaker)
        and spans_match(str(row["text"]), a.text)
    )


def match_gold(extracted: Sequence[Attribution], gold_rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Precision, recall and F1 of extracted attributions against hand-labelled rows.

    A gold row is found when some extraction from the same file has a matching speaker and an
    overlapping span; an extraction is correct when it matches some gold row.
    """
    found = [row for row in gold_rows if any(_matches(a, row) for a in extracted)]
    correct = [a for a in extracted if any(_matches(a, row) for row in gold_rows)]
    precision = len(correct) / len(extracted) if extracted else 0.0
    recall = len(found) / len(gold_rows) if gold_rows else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "missed": [row["id"] for row in gold_rows if row not in found],
        "spurious": [a for a in extracted if a not in correct],
    }
