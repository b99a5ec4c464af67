"""The grammar of reported speech, sentence by sentence: who is said to have said what.

News copy signals attribution with a small grammar: quotation marks, speech verbs ("said", "warned",
"accused ... of"), "according to", role appositions ("Lin Yun, a professor at ..."), and later references
("he said", "Yun argued"). This module finds those frames in one sentence, with the speaker as written;
``chatbot.grounding.attribution`` resolves pronouns and surnames across a document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chatbot.grounding.phrases import (
    CUE_RE,
    Frame,
    RawSpeaker,
    Token,
    TokenSentence,
    clause_start,
    clause_subject,
    is_verb_like,
    span_text,
    speaker_np,
    strip_determiner,
)
from chatbot.text.lexicon import (
    ADDRESSED_CUES,
    ARTICLES,
    AUXILIARIES,
    CONNECTORS,
    LOWER,
    NAME_PARTICLES,
    NP_DETERMINERS,
    NP_PREPOSITIONS,
    PASSIVE,
    QUANTIFIERS,
    RELATIVES,
    SUBORDINATORS,
    TITLES,
    WH_WORDS,
)
from chatbot.text.nlp import parse

_ACCORDING_RE = re.compile(r"(?<![\w-])according\s+to\s+", re.IGNORECASE)
# "The stated goal is ...": a position announced by the entity the passage is about.
_STATED_RE = re.compile(
    r"(?<![\w-])(?P<det>the|its|their|his|her)\s+(?:(?:publicly|officially)\s+)?"
    r"(?:stated|declared|announced|avowed|professed)\s+"
    r"(?:goal|aim|objective|purpose|intention|mission|position|policy|ambition)\s+(?:is|was|remains)\s+",
    re.IGNORECASE,
)
# " , " (a comma set off by spaces) is a dash in some copy; dashes end a clause.
_DASH_RE = re.compile(r"\s[,–—-]\s|—|–|;")


def _backward_np(sent: TokenSentence, end: int) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase that ends just before token index ``end``.

    It stops at punctuation, conjunctions and relative pronouns, except that "and" may join
    capitalised names inside a prepositional phrase ("dispatches from Beijing and Washington").
    """
    toks = sent.toks
    k = end
    while k > 0:
        t = toks[k - 1]
        if not t.is_word or t.low in RELATIVES:
            break
        if t.low in WH_WORDS:
            return end, end  # "What the minister said was unclear": a free relative, not an attribution
        if t.low in CONNECTORS | SUBORDINATORS:
            joined = (
                t.low == "and"
                and k < end
                and toks[k].is_cap
                and k >= 2
                and toks[k - 2].is_cap
                and any(x.low in NP_PREPOSITIONS for x in toks[max(0, k - 5) : k - 1])
            )
            if not joined:
                break
        k -= 1
    return k, end


def _skip_back_adverbs(sent: TokenSentence, i: int) -> tuple[int, bool]:
    """Step back over adverbs and auxiliaries before a verb; report a passive ("was described")."""
    while i >= 0:
        t = sent.toks[i]
        if t.low in PASSIVE:
            return i, True
        if t.low in AUXILIARIES or (t.is_word and not t.is_cap and t.low.endswith("ly") and len(t.low) > 4):
            i -= 1
            continue
        break
    return i, False


_PARTICIPLE_PREPOSITIONS = {"in", "by", "at", "on", "for", "from", "as", "with", "during", "under", "to"}


def _reduced_passive(sent: TokenSentence, m: re.Match[str]) -> bool:
    """ "The study cited in the report", "the figures quoted by the agency": a participle, not a speech act."""
    word = m.group()
    if " " in word or not word.lower().endswith("ed"):
        return False
    nxt = sent.index_at(m.end())
    return nxt < len(sent.toks) and sent.toks[nxt].low in _PARTICIPLE_PREPOSITIONS


def _cue_text(m: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", m.group())


def _frames_for_cue(sent: TokenSentence, m: re.Match[str], frames: list[Frame]) -> Frame | None:
    """Work out who a cue attributes to, from what stands before it."""
    toks = sent.toks
    cue_i = sent.index_at(m.start())
    before = cue_i - 1
    if before >= 0 and toks[before].low in NP_DETERMINERS:
        return None  # "the proposed dialogue": an adjective, not a verb
    b, passive = _skip_back_adverbs(sent, before)
    if passive or _reduced_passive(sent, m):
        return None
    frame_start = toks[b + 1].start if b + 1 < len(toks) else m.start()
    cue = _cue_text(m)
    after = _content_start(sent, m.end(), cue)

    quote = _quote_before(sent, b, cue_i, m)
    if quote is not None:
        return quote
    if b >= 0 and toks[b].text in {",", "—", "–"} and m.group().split()[0].lower().endswith("ing"):
        return _inherited(sent, cue, frames, b, frame_start, after, participle=True)
    if b < 0:
        return None
    prev = toks[b]
    if prev.low in CONNECTORS or prev.low == "to":
        return _inherited(sent, cue, frames, b, frame_start, after)
    if prev.low in {"who", "that", "which"}:
        return _relative_subject(sent, cue, frames, b, prev, frame_start, after)
    if prev.text == ",":
        return _apposed(sent, cue, b, after)
    lo, hi = _relative_subject_head(sent, cue_i, b) or _backward_np(sent, b + 1)
    if lo == hi:
        return None
    np_toks = toks[lo:hi]
    if lo >= 2 and toks[lo - 1].low in {"that", "which"} and _is_object_relative(sent, m):
        return _object_relative(sent, cue, lo, np_toks, m)
    if len(np_toks) == 1 and np_toks[0].low in QUANTIFIERS:
        return None  # "many believe": resolved by _quantifier_subject
    raw = speaker_np(sent.text, np_toks)
    if raw is None:
        return None
    if lo >= 2 and toks[lo - 1].low == "which" and toks[lo - 2].text == ",":
        closing = next((t.start for t in toks[cue_i + 1 :] if t.text == ","), sent.end)
        return Frame(raw, cue, np_toks[0].start, after, closing)  # ", which critics described as X,"
    return _with_content(sent, raw, cue, np_toks[0].start, after, lo)


# Only when or where something was said, up to a comma or the sentence's end: "on Thursday,", "on Facebook."
_AFTERTHOUGHT_RE = re.compile(
    r"(?:(?:on|in|at|during|via|through|after|before|late|early|last|this|earlier|later)\b[^,;:\"“”]{0,40}?)?"
    r"\s*(?:,|[.!?\"”'’]*\s*$)",
    re.IGNORECASE,
)


def _with_content(
    sent: TokenSentence, raw: RawSpeaker, cue: str, frame_start: int, after: int, np_lo: int
) -> Frame | None:
    """Content follows the cue; when nothing does ("..., Yun argued.") or only when and where it was said ("…,
    the government said on Thursday, after …", "…, Bergstø wrote on Facebook."), it is the clause before, and
    after a reporting clause of its own ("as Dr. Nguyễn said earlier, …") what follows the comma."""
    if m := _AFTERTHOUGHT_RE.match(sent.text, after, sent.end):
        if np_lo >= 2 and sent.toks[np_lo - 1].text == ",":
            start = sent.toks[clause_start(sent, np_lo - 1)].start
            return Frame(raw, cue, frame_start, start, sent.toks[np_lo - 1].start)
        if sent.text[m.start() : m.end()].rstrip().endswith(","):
            return Frame(raw, cue, frame_start, m.end())  # "as Dr. Nguyễn said earlier, the drawdown will …"
        return None
    return Frame(raw, cue, frame_start, after)


def _quantifier_subject(sent: TokenSentence, cue_i: int) -> RawSpeaker | None:
    """ "..., and many believe": the quantifier stands for the subject of the clause before."""
    np_lo, _ = _backward_np(sent, cue_i)
    if np_lo == 0 or sent.toks[np_lo - 1].low not in CONNECTORS or sent.toks[np_lo].low not in QUANTIFIERS:
        return None  # "…, after fishing groups and environmental organisations warned": no quantifier
    start = clause_start(sent, np_lo - 1)
    raw = clause_subject(sent, start, np_lo)
    return raw if raw is not None and raw.form != "pronoun" else None


def _inherited(
    sent: TokenSentence,
    cue: str,
    frames: list[Frame],
    b: int,
    frame_start: int,
    after: int,
    participle: bool = False,
) -> Frame | None:
    """A coordinated, infinitive or participial cue: the speaker is that of the clause it hangs on."""
    speaker = frames[-1].speaker if frames else clause_subject(sent, 0, b)
    if speaker is None or (speaker.form == "pronoun" and not frames):
        return None
    start = sent.toks[b].start if sent.toks[b].low in CONNECTORS else frame_start
    return Frame(speaker, cue, start, after, min_words=3 if participle else 2)


def _relative_subject(
    sent: TokenSentence, cue: str, frames: list[Frame], b: int, prev: Token, frame_start: int, after: int
) -> Frame | None:
    """ "campaigns that highlight ...", "a scientist who said ...": the clause's subject speaks, or for "who"
    the noun it hangs on ("a court ... sided with 212 fishing operators who argued that ...")."""
    if prev.low == "who" and (focus := _cleft_focus(sent, b)) is not None:
        return Frame(focus, cue, frame_start, after)
    role = _copular_role(sent, b) if prev.low == "who" else ""
    if frames:
        speaker: RawSpeaker | None = frames[-1].speaker
    elif prev.low == "who" and not role and (antecedent := _antecedent(sent, b)) is not None:
        speaker = speaker_np(sent.text, sent.toks[antecedent[0] : antecedent[1]])
    else:
        speaker = clause_subject(sent, 0, b)
    if speaker is None or (speaker.form == "pronoun" and prev.low != "who"):
        return None
    if role and not speaker.role:
        speaker = replace(speaker, role=role)
    return Frame(speaker, cue, frame_start, after)


def _antecedent(sent: TokenSentence, who: int) -> tuple[int, int] | None:
    """Token range of the noun phrase a relative "who" hangs on, from the dependency parse (the relative
    clause's head noun and the words before it; a name's apposition gives the name); None when the parse
    does not read "who" as opening a relative clause."""
    base = sent.start
    doc = parse(sent.text[base : sent.end])
    at = sent.toks[who].start - base
    token = next((t for t in doc if t.idx == at), None)
    if token is None or token.head.dep_ != "relcl":
        return None
    noun = token.head.head
    if noun.dep_ == "appos":
        noun = noun.head
    lo, hi = _noun_range(sent, noun)
    return (lo, hi) if lo < hi <= who else None


def _relative_subject_head(sent: TokenSentence, cue_i: int, b: int) -> tuple[int, int] | None:
    """Token range of the speaker when a relative clause stands between the subject and the cue: in
    "Officials who spoke to reporters said …" the words before "said" are the clause's ("reporters"); the
    parse gives the cue's subject, "Officials", whose relative clause ends just before the cue."""
    if not any(t.low in RELATIVES for t in sent.toks[:b]):
        return None
    base = sent.start
    doc = parse(sent.text[base : sent.end])
    at = sent.toks[cue_i].start - base
    cue = next((t for t in doc if t.idx == at), None)
    subject = next((c for c in cue.children if c.dep_ == "nsubj"), None) if cue is not None else None
    if subject is None or not any(c.dep_ == "relcl" for c in subject.children):
        return None
    if sent.index_at(base + subject.right_edge.idx) != b:
        return None  # the subject does not run up to the cue
    lo, hi = _noun_range(sent, subject)
    return (lo, hi) if lo < hi <= b else None


def _noun_range(sent: TokenSentence, noun: Any) -> tuple[int, int]:
    """Token range of a parsed noun and the words before it in its phrase ("especially the people": the
    people)."""
    first = next(
        t for t in noun.doc[noun.left_edge.i : noun.i + 1] if t.pos_ not in {"ADV", "CCONJ", "PUNCT"}
    )
    return sent.index_at(sent.start + first.idx), sent.index_at(sent.start + noun.idx + len(noun))


def _cleft_focus(sent: TokenSentence, who: int) -> RawSpeaker | None:
    """ "It was Director Wiśniewska who proposed …": in a cleft sentence the name after "it was" acts, and the
    "it" is empty (not "He is a computer scientist who said …", where the words after the copula are a role)."""
    k = next((k for k in range(who - 1, 0, -1) if sent.toks[k].low in {"is", "was"}), None)
    if k is None or sent.toks[k - 1].low != "it":
        return None
    found = speaker_np(sent.text, sent.toks[k + 1 : who])
    return found if found is not None and found.form == "name" else None


def _copular_role(sent: TokenSentence, who: int) -> str:
    """ "He is a computer scientist at MIT who said ...": the role between the copula and "who"."""
    for k in range(who - 1, -1, -1):
        if sent.toks[k].low in {"is", "was"}:
            return span_text(sent.text, sent.toks[k + 1 : who])
    return ""


def _apposed(sent: TokenSentence, cue: str, comma: int, after: int) -> Frame | None:
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
    if _AGE_RE.fullmatch(span_text(sent.text, appos)):  # "Kjell Ingebrigtsen, 67, told": an age, no name
        raw = speaker_np(sent.text, toks[lo:hi])
        return Frame(raw, cue, toks[lo].start, after) if raw is not None else None
    member = _named_member(sent, appos)
    if member is not None:
        return Frame(member, cue, toks[lo].start, after)
    role = span_text(sent.text, appos) if appos[0].low in {"a", "an", "the", "who", "whose"} | TITLES else ""
    raw = speaker_np(sent.text, toks[lo:hi], role)
    named = speaker_np(sent.text, appos, span_text(sent.text, strip_determiner(toks[lo:hi])))
    if named is not None and named.form == "name" and _all_name_words(appos):
        raw = named  # "The mayor, Jane Porter, said": the name speaks, the phrase before is her role
    if raw is None:
        return None
    return Frame(raw, cue, toks[lo].start, after)


_AGE_RE = re.compile(r"\d{1,3}(?:\s+years?\s+old)?")
# Where a role after the speaker's name ends: at a comma before a word in small letters, which opens what was
# said about the saying, not the role ('said Siobhán Ní Bhriain, the council's chief engineer, at the launch in
# the town hall'; '…, a spokeswoman for the port, in a statement'). A capital goes on with the role ("director,
# Office of Rail").
_ROLE_END_RE = re.compile(rf",\s+(?={LOWER})")


def _all_name_words(toks: Sequence[Token]) -> bool:
    """Capitalised words, with particles between them ("Antonio de la Vega")."""
    return toks[0].is_cap and toks[-1].is_cap and all(t.is_cap or t.low in NAME_PARTICLES for t in toks)


def _is_apposition(toks: Sequence[Token]) -> bool:
    """A parenthetical between commas has no finite verb of its own outside a relative clause. A participle
    right after the article is an adjective of the noun to come ("a retired bus driver", "the embattled
    chair")."""
    for k, t in enumerate(toks):
        if t.low in RELATIVES or t.low == "whose":
            return True
        describes = k > 0 and toks[k - 1].low in ARTICLES and k + 1 < len(toks) and toks[k + 1].is_word
        if is_verb_like(t) and t.low not in {"also"} and not describes:
            return False
    return True


def _named_member(sent: TokenSentence, appos: Sequence[Token]) -> RawSpeaker | None:
    """ "Participants, including MIT computer scientist Stephen Casper, ...": the named member speaks."""
    if appos[0].low != "including":
        return None
    raw = speaker_np(sent.text, appos[1:])
    return raw if raw is not None and raw.form == "name" and " " in raw.text else None


_APPOSITION_AFTER_RE = re.compile(r"\s*(?:\s,|,|—|–)\s*(?=(?:a|an|the)\s)")


def _is_object_relative(sent: TokenSentence, m: re.Match[str]) -> bool:
    """ "the concept that diplomats proposed , a ..." or "... proposed would ...": the cue has no content of
    its own, unlike the complement clause in "clear that analysts said X"."""
    nxt = sent.index_at(m.end())
    return bool(_APPOSITION_AFTER_RE.match(sent.text, m.end(), sent.end)) or (
        nxt < len(sent.toks) and is_verb_like(sent.toks[nxt])
    )


def _object_relative(
    sent: TokenSentence, cue: str, lo: int, np_toks: Sequence[Token], m: re.Match[str]
) -> Frame | None:
    """ "The "AI hotline" concept that some diplomats have proposed , a dedicated channel ..., would ...".

    The attributed words are the quoted term in the antecedent and an apposition right after the cue.
    """
    raw = speaker_np(sent.text, np_toks)
    if raw is None:
        return None
    antecedent_start = sent.toks[clause_start(sent, lo - 1)].start
    quotes = [q for q in sent.quotes if antecedent_start <= q[0] and q[1] <= sent.toks[lo - 1].start]
    appos = _APPOSITION_AFTER_RE.match(sent.text, m.end(), sent.end)
    if appos is None and not quotes:
        return None
    start = appos.end() if appos else m.end()
    return Frame(raw, cue, np_toks[0].start, start, None if appos else start, extra_quotes=tuple(quotes))


def _quote_before(sent: TokenSentence, b: int, cue_i: int, m: re.Match[str]) -> Frame | None:
    """'"...," said Stephen Casper, a ...' and '"...," Casper said.': the quotation is the content."""
    toks = sent.toks
    cue = _cue_text(m)
    quote = sent.quote_ending_at(m.start())
    if quote is not None:  # said + speaker after the verb
        j = cue_i + 1
        while j < len(toks) and toks[j].is_word and not is_verb_like(toks[j]):
            j += 1
        if j == cue_i + 1:
            return None
        role = ""
        if j < len(toks) and toks[j].text == ",":
            # '"…," said Halden Rail's chief executive, Kari-Anne Solberg.': the name speaks, the phrase is her role
            named, _ = _appositive_name(sent, j, toks[cue_i + 1 : j])
            before = speaker_np(sent.text, toks[cue_i + 1 : j])
            if named is not None and (before is None or before.form != "name"):
                return _quote_frame(named, cue, quote)
            role = (
                _ROLE_END_RE.split(sent.text[toks[j].end : sent.end], maxsplit=1)[0]
                .strip()
                .rstrip(".")
                .strip()
            )
        raw = speaker_np(sent.text, toks[cue_i + 1 : j], role)
        return None if raw is None else _quote_frame(raw, cue, quote)
    lo, hi = _backward_np(sent, b + 1)
    if lo == hi:
        return None
    quote = sent.quote_ending_at(toks[lo].start)
    if quote is None:
        return None
    raw = speaker_np(sent.text, toks[lo:hi])
    return None if raw is None else _quote_frame(raw, cue, quote)


def _quote_frame(raw: RawSpeaker, cue: str, quote: tuple[int, int]) -> Frame:
    return Frame(raw, cue, quote[0], quote[0] + 1, quote[1] - 1, quoted=True, min_words=1)


def _according_frames(sent: TokenSentence) -> list[Frame]:
    """ "X, according to S" and "According to S, X"."""
    frames = []
    for m in _ACCORDING_RE.finditer(sent.text, sent.start, sent.end):
        if sent.in_quote(m.start(), m.end()):
            continue
        i = sent.index_at(m.end())
        j = i
        while j < len(sent.toks) and sent.toks[j].is_word and sent.toks[j].low not in CONNECTORS:
            j += 1
        np_toks = strip_determiner(sent.toks[i:j])
        raw = speaker_np(sent.text, np_toks)
        if raw is None and np_toks and len(np_toks) <= 8 and not any(is_verb_like(t) for t in np_toks):
            raw = RawSpeaker(
                span_text(sent.text, np_toks), np_toks[0].start, "generic"
            )  # any source: "port records"
        named, j = _appositive_name(sent, j, sent.toks[i:j])
        raw = named or raw
        if raw is None or j == i:
            continue
        cue = "according to"
        k = sent.index_at(m.start())
        if k > 0 and sent.toks[k - 1].text == ",":
            start = sent.toks[clause_start(sent, k - 1)].start
            frames.append(Frame(raw, cue, sent.toks[k - 1].start, start, sent.toks[k - 1].start))
        elif j < len(sent.toks) and sent.toks[j].text == ",":
            frames.append(Frame(raw, cue, m.start(), sent.toks[j].end))
    return frames


def _appositive_name(sent: TokenSentence, j: int, role: Sequence[Token]) -> tuple[RawSpeaker | None, int]:
    """ "according to the treasurer, Idris Bello": a name right after a role, closing the phrase."""
    if not role or j >= len(sent.toks) or sent.toks[j].text != ",":
        return None, j
    k = j + 1
    while k < len(sent.toks) and sent.toks[k].is_cap:
        k += 1
    closes = k == len(sent.toks) or not sent.toks[k].is_word
    if k - j - 1 < 2 or not closes:
        return None, j
    raw = speaker_np(sent.text, sent.toks[j + 1 : k], span_text(sent.text, strip_determiner(role)))
    return (raw, k) if raw is not None and raw.form == "name" else (None, j)


def _stated_frames(sent: TokenSentence, previous_subject: RawSpeaker | None) -> list[Frame]:
    """ "The stated goal is X": X is the position of the entity the passage is about."""
    frames = []
    for m in _STATED_RE.finditer(sent.text, sent.start, sent.end):
        det = m.group("det").lower()
        if det == "the":
            speaker = previous_subject
        else:
            speaker = RawSpeaker(
                {"its": "it", "their": "they", "his": "he", "her": "she"}[det], m.start(), "pronoun"
            )
        if speaker is not None:
            cue = re.sub(r"\s+", " ", m.group()).strip()
            frames.append(Frame(speaker, cue, m.start(), m.end()))
    return frames


def _content_start(sent: TokenSentence, pos: int, cue: str = "") -> int:
    """Skip the complementiser, punctuation and adjuncts after a cue.

    "said that", "argued, ", "said in a statement that", "told reporters on Monday that"; after a verb that
    takes the one spoken to, any short phrase naming them ("told local radio that", "warned colleagues that").
    """
    m = _LEAD_RE.match(sent.text, pos, sent.end)
    pos = m.end() if m else pos
    adjunct = _ADJUNCT_RE.match(sent.text, pos, sent.end)
    if adjunct:
        return adjunct.end()
    addressed = cue.split()[0].lower() in ADDRESSED_CUES if cue else False
    told = (
        _ADDRESSEE_RE.match(sent.text, pos, sent.end) if addressed and m and "that" not in m.group() else None
    )
    return told.end() if told else pos


_LEAD_RE = re.compile(r"(?:\s|[,:]\s*)*(?:that\s+)?", re.IGNORECASE)
_ADDRESSEE_RE = re.compile(r"(?:[\w'’-]+\s+){1,5}?that\s+", re.IGNORECASE)
# A short prepositional adjunct or an addressee before "that": "in a statement", "reporters on Monday", a named
# one ("told Reuters that", "told the BBC on Friday that").
_ADJUNCT_RE = re.compile(
    r"(?:(?:in|on|at|during|via|through|to|after|before|with)\s|(?:reporters|journalists|the\s+press|lawmakers|"
    r"parliament|congress|an?\s+\w+\s+interview)\b)[^,.;:\"“”]{0,60}?\s+that\s+"
    r"|(?:the\s+)?(?-i:[A-Z][\w.&'’-]*)(?:\s+(?-i:[A-Z][\w.&'’-]*)){0,4}"
    r"(?:\s+(?:on|in|at|last|this)\s+[^,.;:\"“”]{0,25}?)?\s+that\s+",
    re.IGNORECASE,
)


def _clause_end(sent: TokenSentence, start: int, limit: int) -> int:
    m = _DASH_RE.search(sent.text, start, limit)
    return m.start() if m else limit


_TRIM_END_RE = re.compile(
    r"(?:[\s.,;:!?]|\s(?:and|but|or|while|whereas|because|as|although|though|so|yet|when|if|since)$)+$"
)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
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


def sentence_frames(sent: TokenSentence, previous_subject: RawSpeaker | None) -> list[Frame]:
    frames: list[Frame] = []
    for m in CUE_RE.finditer(sent.text, sent.start, sent.end):
        if sent.in_quote(m.start(), m.end()):
            continue
        cue_i = sent.index_at(m.start())
        frame = _frames_for_cue(sent, m, frames)
        if frame is None:
            raw = _quantifier_subject(sent, cue_i)
            if raw is not None:
                np_lo, _ = _backward_np(sent, cue_i)
                frame = Frame(raw, _cue_text(m), sent.toks[np_lo - 1].start, _content_start(sent, m.end()))
        if frame is not None:
            frames.append(frame)
    frames += _according_frames(sent) + _stated_frames(sent, previous_subject)
    frames.sort(key=lambda f: f.frame_start)
    return frames


def frame_spans(sent: TokenSentence, frames: list[Frame]) -> list[tuple[Frame, int, int]]:
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
        start, end = trim_span(sent.text, start, end)
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


def _quotation(sent: TokenSentence, start: int, end: int) -> tuple[int, int] | None:
    """The words inside the marks when a span is exactly one quotation."""
    closing = next((qe for qs, qe in sent.quotes if qs == start), None)
    if closing is None or closing < end:
        return None
    return trim_span(sent.text, start + 1, closing - 1)
