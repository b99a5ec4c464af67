"""A heuristic support checker: does this passage back this claim?

Why it exists: a generated answer counts as grounded only when each claim is backed by the text it
cites, and no NLI or cross-encoder model is reachable on this offline machine. So the checker is
built from what is here:

- the packaged sentence embedder, for topical closeness (best cosine of the claim against any one
  sentence of the passage);
- lexical coverage: the share of the claim's content terms (``chatbot.index.tokens``) found in the
  passage, allowing inflections, aliases ("Washington" / "US") and acronyms. Terms are weighted
  equally: claim and passage are a sentence or two, and a name or number that matters is covered
  by a veto rather than by a weight;
- hard vetoes for the ways a fluent claim typically drifts from its source: a number, date or
  name the passage does not contain; flipped polarity; an opposite ("rose" for "declined"); a
  hedge turned into a certainty ("may" → "will", "some" → "all", "proposed" → "agreed"); a
  statement attributed to a different speaker; a role given to a different actor; or swapped
  arguments around a directed verb ("costs outweigh gains" for "gains outweigh costs").

What it is not: an entailment model. It does not parse, resolve coreference or reason, so a claim
that reuses the passage's words in a new relation can pass, and a true paraphrase that names a
date, a title or an organisation differently ("the Fed" / "the Federal Reserve") is vetoed. The
vetoes are precision-first, because the checker decides whether a generated claim counts as
grounded. The rules are general English; nothing is keyed to the evaluation pairs. The threshold
was calibrated on the odd-numbered half of ``evals/support_pairs.jsonl`` only (see ``split``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from chatbot.embeddings import Embedder
from chatbot.index import STOPWORDS, tokens


def _list(words: str) -> list[str]:
    return words.split()


def _set(words: str) -> frozenset[str]:
    return frozenset(_list(words))


# ---------------------------------------------------------------------------------------------
# Word lists: general English, not tuned to any corpus.
# ---------------------------------------------------------------------------------------------

# Function words that open sentences; never names, and not content for coverage.
OPENERS = _set(
    """although though despite after before following according while whereas since even however
    meanwhile instead unlike like over under during within without amid among as once today
    yesterday also still yet thus therefore moreover furthermore both either neither each every all
    some many most several few one another other such here these those there because about across
    against along around behind beyond except near per through toward towards until unless upon via
    whether whatever whoever last next first second third finally overall indeed perhaps nonetheless
    nevertheless besides only just in on at of by for from with to into onto if when where why how
    what who which the a an and or but nor not no so it its they their he she his her we our you
    your i my this that any very much"""
)
# The article's own voice: "the article argues" attributes nothing to a third party.
ARTICLE_WORDS = _set(
    "article author report piece story analysis essay column writer editorial text passage op-ed"
)
# Claim-framing words that carry no content to look for in the passage.
FRAMING_WORDS = _set(
    "article author piece story essay column writer editorial text passage says said say argues "
    "argue argued according notes noted claims claimed writes wrote"
)
CONTRACTION_STUBS = _set("isn won don doesn aren didn wasn weren hasn haven hadn couldn wouldn")
DETERMINERS = _set("the a an its their his her our whose this that these those")
PRONOUNS = _set("he she they it we i you who which that this these those one")

NUMBER_WORDS = {
    **{w: str(i) for i, w in enumerate(_list("two three four five six seven eight nine ten"), start=2)},
    **{w: str(i) for i, w in enumerate(_list("eleven twelve thirteen fourteen fifteen"), start=11)},
    **{w: str(i) for i, w in enumerate(_list("sixteen seventeen eighteen nineteen twenty"), start=16)},
    **{
        w: str(10 * i) for i, w in enumerate(_list("thirty forty fifty sixty seventy eighty ninety"), start=3)
    },
    "dozen": "12",
    "hundred": "e2",
    "hundreds": "e2",
    "thousand": "e3",
    "thousands": "e3",
    "million": "e6",
    "millions": "e6",
    "billion": "e9",
    "billions": "e9",
    "trillion": "e12",
    "trillions": "e12",
    **{w: f"{i}th" for i, w in enumerate(_list("fourth fifth sixth seventh eighth ninth tenth"), start=4)},
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "half": "0.5",
    "twice": "x2",
    "double": "x2",
    "triple": "x3",
}
# Words that state a count only on the passage's side ("both countries" backs "the two countries").
PASSAGE_ONLY_NUMBERS = {"both": "2", "pair": "2", "couple": "2"}

# Units and parts of time: a claim may not turn "hours" into "days" or "evening" into "morning".
TIME_UNITS = {
    **{w: w for w in _list("millisecond minute hour day week month quarter year decade century")},
    **{
        w: w
        for w in _list("morning afternoon evening night midnight noon weekend spring summer autumn winter")
    },
    "seconds": "second",
    "hourly": "hour",
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "centuries": "century",
    "overnight": "night",
}
MONTHS = _set("january february march april may june july august september october november december")
WEEKDAYS = _set("monday tuesday wednesday thursday friday saturday sunday")

# Names for the same actor: country, demonym, capital as metonym, common abbreviations.
ALIASES: tuple[frozenset[str], ...] = tuple(
    _set(group)
    for group in (
        "us usa america american americans washington unitedstates",
        "china chinese beijing prc",
        "russia russian russians moscow kremlin",
        "uk britain british london unitedkingdom",
        "japan japanese tokyo",
        "korea korean koreans seoul",
        "india indian indians delhi",
        "france french paris",
        "germany german germans berlin",
        "taiwan taiwanese taipei",
        "israel israeli israelis",
        "iran iranian iranians tehran",
        "ukraine ukrainian ukrainians kyiv kiev",
        "europe european europeans eu brussels",
        "west western westerners",
        "soviet soviets ussr",
        "un unitednations",
        "ireland irish dublin",
        "spain spanish madrid",
        "italy italian italians rome",
        "canada canadian canadians ottawa",
        "mexico mexican mexicans",
        "brazil brazilian brazilians",
        "australia australian australians canberra",
        "poland polish warsaw",
        "netherlands dutch amsterdam",
        "turkey turkish ankara",
        "egypt egyptian egyptians cairo",
        "saudi saudis riyadh",
        "pakistan pakistani pakistanis islamabad",
        "afghanistan afghan afghans kabul",
        "syria syrian syrians damascus",
        "iraq iraqi iraqis baghdad",
        "greece greek greeks athens",
        "sweden swedish swedes stockholm",
        "norway norwegian norwegians oslo",
        "switzerland swiss bern",
        "vietnam vietnamese hanoi",
        "indonesia indonesian indonesians jakarta",
        "philippines filipino filipinos manila",
        "nigeria nigerian nigerians abuja",
        "palestine palestinian palestinians",
        "scotland scottish scots edinburgh",
    )
)

# Verbs that attribute a statement; noun-like forms ("claims", "reports", "states") are left out.
REPORT_VERBS = _list(
    "said says say argued argues argue warned warns warn told claimed stated noted added adds confirmed "
    "confirms confirm announced announces insisted insists wrote writes described describes accused "
    "accuses suggested suggests suggest believes believe expects expect predicted predicts reported "
    "acknowledged admitted denied denies"
)

NEGATION_CUES = _set(
    "not no never neither nor none without cannot nothing nobody nowhere lack lacks lacked lacking "
    "deny denies denied refuse refused refuses impossible impossibility unable unlikely stop stopped "
    "abandon fail fails failed hardly barely scarcely rarely seldom"
)
NEGATION_PHRASES = (
    "rather than",
    "instead of",
    "no longer",
    "far from",
    "as opposed to",
    "declined to",
    "declines to",
)
HEDGE_CUES = _set(
    "may might could possibly potentially perhaps likely probably reportedly allegedly alleged "
    "considering consider considers evaluating evaluate weighing weigh exploring explore proposed "
    "propose proposes proposal suggest suggests suggested suggesting hypothetical hypothetically if "
    "whether concept expect expects expected plan plans planned aim aims hope hopes seek seeks seeking "
    "intend intends intending"
)
# Words asserting an outcome as settled: a claim may use them only if the passage does too.
CERTAINTY_WORDS = _set(
    "will agreed agree agrees signed confirmed confirm confirms proven proved prove proves certainly "
    "inevitably inevitable definitely guaranteed guarantee binding permanently always ratified"
)
UNIVERSALS = _set("all every everyone everybody everything entire always")
LIMITERS = _set("some many most several few almost nearly partly partially")
QUALIFIERS = _set("almost nearly not virtually")
COMPARATIVES = _set("more less fewer")
# Verbs whose subject and object cannot trade places without changing the claim.
RELATION_VERBS = _set(
    "outweigh outweighs outweighed exceed exceeds exceeded surpass surpasses surpassed beat beats "
    "defeat defeats defeated overtake overtakes overtook outpace outpaces outpaced outnumber "
    "outnumbers outnumbered outperform outperforms outperformed replace replaces replaced precede "
    "precedes preceded accuse accuses accused blame blames blamed sue sues sued attack attacks attacked "
    "acquire acquires acquired invade invades invaded fund funds funded hire hires hired"
)
_PREPOSITIONS = _set("of from on in at for with by to about over under into between among across")
_PHRASE_STOPS = _set("that which who whom whose whether because while although though if when and but or")
_PASSIVE_AUX = _set("was were been being be is are")

# Opposites, matched by stem: a claim that says "rose" where its source says "declined".
ANTONYM_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (pair.partition("/")[0], pair.partition("/")[2])
    for pair in _list("""high/low higher/lower increase/decrease increase/cut increase/reduce raise/cut
    raise/lower rise/fall rise/decline rose/fell rose/declined rose/dropped grew/shrank gain/loss
    win/lose won/lost strong/weak stronger/weaker large/small larger/smaller largest/smallest
    easy/difficult easier/harder possible/impossible success/failure succeeded/failed accept/reject
    approve/reject approve/veto support/oppose allow/ban allow/prohibit legal/illegal before/after
    early/late earlier/later ahead/behind agree/disagree positive/negative optimistic/pessimistic
    cheap/expensive majority/minority include/exclude strengthen/weaken expand/shrink above/below
    best/worst inside/outside domestic/foreign public/private offensive/defensive attacker/defender
    true/false lift/impose open/close opened/closed acquit/convict guilty/innocent victory/defeat
    surplus/deficit profit/loss boost/cut hire/fire export/import buy/sell bought/sold
    morning/evening faster/slower better/worse improve/worsen improved/worsened accelerate/slow
    safe/dangerous safer/riskier benefit/harm confirm/deny confirmed/denied accept/refuse
    permit/forbid join/leave joined/left enter/exit begin/end minimum/maximum rich/poor new/old
    long/short longer/shorter narrow/broad narrow/wide deep/shallow present/absent legal/illegal
    formal/informal official/unofficial peace/war ally/enemy friend/enemy praise/criticise
    praised/criticised praised/criticized resign/appoint hike/cut surge/plunge surged/plunged
    rally/slump grow/shrink growth/contraction expansion/contraction tighten/loosen tighter/looser
    fast/slow faster/slowly quickly/slowly quicker/slower more/less more/fewer increasingly/decreasingly
    cooperate/compete cooperation/competition cooperative/competitive ally/rival partner/rival
    trust/distrust trust/mistrust optimism/pessimism confidence/doubt admit/deny undermine/strengthen
    ease/tighten relax/tighten allow/restrict allow/block major/minor sweeping/limited broad/limited
    increase/drop increase/fall increase/decline grow/decline growth/decline""")
)

# ---------------------------------------------------------------------------------------------
# Regexes.
# ---------------------------------------------------------------------------------------------

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREV_END_RE = re.compile(
    r"(?:\b(?:[A-Za-z]\.){2,}|\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|No|vs)\.)$"
)
_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.'’\-][A-Za-z0-9]+)*\.?")
_CAP_RE = re.compile(r"(?<![\w'’.\-])([A-Z][A-Za-z0-9]*(?:[.'’\-&][A-Za-z0-9]+)*\.?)")
_NUMBER_RE = re.compile(r"(?<![\d.])\d+(?:[.,]\d+)*(?:st|nd|rd|th)?")
_THOUSANDS_RE = re.compile(r",(?=\d{3}\b)")
_YEAR_RE = re.compile(r"1[5-9]\d\d|20\d\d")
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_ACRONYM_RE = re.compile(r"^(?:[a-z]\.){2,}[a-z]?\.?$")
_PLURAL_ACRONYM_RE = re.compile(r"[A-Z]{2,}s")
_NAME_GAP_RE = re.compile(r"\s+(?:of\s+)?")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")
_COMMON_SHAPE_RE = re.compile(
    r"(?:tion|sion|ment|ness|ity|ism|ance|ence|ing|ings|ers|ors|ists|ies|ics|ure|ive|ogy|ship|ed|ly|"
    r"ful|less|able|ible|ous|(?<![siu'’])s)$"
)
_MAY_MONTH_RE = re.compile(
    r"\b(?:in|of|since|until|by|from|early|late|mid|next|last|this|through|during)\s+May\b|\bMay\s+\d"
)
_BOUNDARY_RE = re.compile(
    r",(?!\d{3})|[;:()\[\]—–]|\s-\s|\b(?:but|while|whereas|yet|although|though)\b", re.I
)
_CLAUSE_RE = re.compile(r",(?!\d{3})|[;:]|\b(?:while|whereas|but)\b", re.I)
_QUOTE_RE = re.compile(r"[\"“][^\"”]*[\"”]")
_REPORT_RE = re.compile(
    r"\b(?:" + "|".join(REPORT_VERBS) + r")\b|\baccording to\b|\bpointed (?:to|out)\b|\bfound(?= that)", re.I
)
_PREVENT_FROM_RE = re.compile(
    r"\b(keep|keeps|kept|keeping|prevent|prevents|prevented|preventing|bar|bars|barred|block|blocks|"
    r"blocked|ban|bans|banned|stop|stops|stopped)\b([^,;.]{0,60}?)\bfrom\b",
    re.I,
)
_NEGATION_PHRASE_RE = re.compile(r"\b(?:" + "|".join(NEGATION_PHRASES) + r")\b", re.I)
_CONTRAST_RE = re.compile(r"\brather than\b|\binstead of\b|\bnot\b[^,;.]{1,60}\bbut\b", re.I)
_LITTLE_RE = re.compile(r"(?<![Aa] )\blittle\b")  # "little evidence" negates, "a little" does not
_NEG_PREFIX_RE = re.compile(r"\b(?:un|in|im|il|ir|dis|non-?)([a-z]{4,})\b", re.I)
_PUNCTUATION_RE = re.compile(r",(?!\d{3})|[;:()\[\]—–]|\s-\s")
_DOTTED_RE = re.compile(r"[a-z](?:\.[a-z])+")
_NAME_JOINER_RE = re.compile(r"[-&]")
_NUMERIC_RE = re.compile(r"[\d.]+")
_PHRASE_END_RE = re.compile(r"[,.;:]")
_SUBJECT_START_RE = re.compile(r"[,.;:\"“”]|\bthat\b")
_INVERTED_RE = re.compile(r"[,\"”]\s*$")
_BY_RE = re.compile(r"\s*by\b")
_MONTH_DAY_RE = re.compile(r"\b(?:" + "|".join(sorted(MONTHS)) + r")\s+(\d+(?:st|nd|rd|th)?)", re.I)
_AT_ALL_RE = re.compile(r"\bat (all|every)\b", re.I)
_NON_DIGIT_RE = re.compile(r"\D")
_REFERS_BACK_RE = re.compile(r"\W*(?:he|she|they|it|his|her|their|its|this|these|that|those)\b", re.I)

_SCOPE_WINDOW = 12  # words a negation or hedge governs when no clause boundary comes first

# ---------------------------------------------------------------------------------------------
# Words, terms and sentences.
# ---------------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; abbreviations such as "U.S." do not end a sentence."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        if _ABBREV_END_RE.search(text[start : m.start()].rstrip('"”’)')):
            continue
        out.append(text[start : m.start()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def terms(text: str) -> list[str]:
    """Content terms (``chatbot.index.tokens``) cleaned of dots and apostrophes: "u.s" → "us"."""
    out = []
    for t in tokens(text):
        t = t.replace("'", "").replace("’", "")
        if _DOTTED_RE.fullmatch(t):
            t = t.replace(".", "")
        if t and t not in STOPWORDS and t not in OPENERS and t not in CONTRACTION_STUBS:
            out.append(t)
    return out


@lru_cache(maxsize=65536)
def stem(term: str) -> str:
    """A light suffix strip, enough to match "concerned"/"concerns" and "agreed"/"agree"."""
    for suffix in ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s", "e"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            base = term[: -len(suffix)]
            if suffix.startswith(("ing", "ed")) and base[-1] == base[-2] and base[-1] not in "lsz":
                return base[:-1]  # "cutting" → "cut", "planned" → "plan"
            return base
    return term


@lru_cache(maxsize=65536)
def same_word(a: str, b: str) -> bool:
    """Two terms name the same thing: equal stems, or a long shared prefix (worried / worries)."""
    if a == b:
        return True
    sa, sb = stem(a), stem(b)
    if sa == sb:
        return True
    if any(c.isdigit() for c in a + b):
        return False
    n = min(len(sa), len(sb))
    return n >= 5 and len(_common_prefix(sa, sb)) >= 0.8 * n


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def _contains(vocab: Iterable[str], term: str) -> bool:
    return any(same_word(term, v) for v in vocab)


def _opposites() -> dict[str, tuple[str, ...]]:
    """Stem → its opposites, from ANTONYM_PAIRS in both directions."""
    out: dict[str, tuple[str, ...]] = {}
    for a, b in ANTONYM_PAIRS:
        out[stem(a)] = (*out.get(stem(a), ()), b)
        out[stem(b)] = (*out.get(stem(b), ()), a)
    return out


_OPPOSITES = _opposites()
_RELATION_STEMS = frozenset(stem(w) for w in RELATION_VERBS)


def _words(text: str) -> list[str]:
    """Lower-cased words in order, for cue scanning."""
    return [w.rstrip(".").lower() for w in _WORD_RE.findall(text)]


def best_sentence(claim_terms: Sequence[str], passage: str) -> str:
    """The passage sentence sharing the most of the claim's terms: the one the claim restates."""
    best, best_hits = passage, -1
    for sentence in split_sentences(passage):
        vocab = set(terms(sentence))
        hits = sum(1 for t in claim_terms if _contains(vocab, t))
        if hits > best_hits:
            best, best_hits = sentence, hits
    return best


# ---------------------------------------------------------------------------------------------
# Numbers, dates and names.
# ---------------------------------------------------------------------------------------------


def numbers(text: str, *, passage: bool = False) -> dict[str, str]:
    """Numbers as normalised keys → as written: "2,000" → "2000", "three" → "3", "19th"."""
    out: dict[str, str] = {}
    for m in _NUMBER_RE.finditer(text):
        raw = m.group(0)
        out[_THOUSANDS_RE.sub("", raw).rstrip(",.")] = raw
    words = {**NUMBER_WORDS, **(PASSAGE_ONLY_NUMBERS if passage else {})}
    for w in _words(text):
        for part in w.split("-"):
            if part in words:
                out.setdefault(words[part], part)
    return out


def time_units(text: str) -> dict[str, str]:
    """Units of time named in the text ("90-day" → day), normalised → as written."""
    out: dict[str, str] = {}
    for w in _words(text):
        for part in w.split("-"):
            base = part[:-1] if part.endswith("s") and part[:-1] in TIME_UNITS else part
            if base in TIME_UNITS:
                out.setdefault(TIME_UNITS[base], part)
    return out


def months(text: str) -> set[str]:
    """Month names; "May" only where it is a month ("in May", "May 14"), not the modal verb."""
    found = {w for w in _words(text) if w in MONTHS and w != "may"}
    if _MAY_MONTH_RE.search(text):
        found.add("may")
    return found


def _entity_key(word: str) -> str:
    w = _POSSESSIVE_RE.sub("", word.rstrip(".")).lower()
    if _ACRONYM_RE.match(w + "."):
        w = w.replace(".", "")
    return w


def entities(text: str) -> list[str]:
    """Names in the text: runs of capitalised words ("European Central Bank", "Moonshot's Kimi").

    A capitalised word that only opens a sentence counts unless it is a function word or is shaped
    like a common noun ("Inflation", "Analysts", "Limited"): there is no dictionary offline, and a
    missed name costs less than vetoing a true claim.
    """
    runs: list[list[str]] = []
    last_end = -1
    for m in _CAP_RE.finditer(text):
        word = m.group(1)
        key = _entity_key(word)
        if not key or key.isdigit() or key in OPENERS or key in STOPWORDS:
            last_end = -1
            continue
        if (
            word == "May"
            and not _MAY_MONTH_RE.match(text, max(0, m.start() - 10))
            and "may" not in months(text)
        ):
            continue  # the modal verb at the start of a sentence
        joined = runs and last_end >= 0 and _NAME_GAP_RE.fullmatch(text[last_end : m.start()])
        previous = runs[-1][-1] if runs else ""
        if joined and not (previous.endswith(".") and not _ACRONYM_RE.match(previous.lower())):
            runs[-1].append(word)
        elif _SENTENCE_START_RE.search(text[: m.start()]) and _looks_common(word):
            last_end = -1
            continue
        else:
            runs.append([word])
        last_end = m.end()
    return [" ".join(run) for run in runs]


def _looks_common(word: str) -> bool:
    """A sentence-initial word shaped like a common noun or adjective rather than a name."""
    key = _entity_key(word)
    if any(key in group for group in ALIASES) or not word[1:].islower():
        return False
    return bool(_COMMON_SHAPE_RE.search(key))


def _entity_parts(name: str) -> list[str]:
    """Lower-cased name parts without numbers or possessives: "Moonshot's Kimi K2.6" → moonshot, kimi, k2.6."""
    keys = [_entity_key(w) for w in name.split() if w.lower() != "of"]
    parts = [p for k in keys for p in _NAME_JOINER_RE.split(k) if p and not _NUMERIC_RE.fullmatch(p)]
    return [p.replace(".", "") if _DOTTED_RE.search(p) else p for p in parts]


def name_vocabulary(text: str) -> set[str]:
    """Every word of the text as a name key, plus acronyms of word runs and alias groups.

    "The United States" yields "us" and "unitedstates", "artificial intelligence" yields "ai",
    "graphics processing units" yields "gpu"; "Washington" brings in the rest of its alias group.
    """
    vocab: set[str] = set()
    words = _WORD_RE.findall(text)
    for w in words:
        vocab.update(_entity_parts(w))
        vocab.add(_entity_key(w))
    for i in range(len(words)):
        run: list[str] = []
        for w in words[i : i + 6]:
            if w.lower() in ("of", "and", "for") and run:
                continue
            if w.lower() in STOPWORDS or w.lower() in OPENERS or not w[0].isalpha():
                break
            run.append(w)
            if len(run) >= 2:
                vocab.add("".join(x[0] for x in run).lower())
                vocab.add("".join(_entity_key(x) for x in run))
    for group in ALIASES:
        if vocab & group:
            vocab |= group
    return vocab


def _acronyms(text: str) -> set[str]:
    return {w.lower() for w in _WORD_RE.findall(text) if len(w) >= 2 and w.isupper() and w.isalpha()}


# ---------------------------------------------------------------------------------------------
# Polarity and hedging: which terms sit inside a negation or a hedge.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scopes:
    """The content terms of one text, split by what governs them."""

    negated: frozenset[str]
    hedged: frozenset[str]
    plain: frozenset[str]
    has_hedge: bool
    has_negation: bool

    @property
    def positive(self) -> frozenset[str]:
        return self.plain | self.hedged


def scopes(text: str) -> Scopes:
    """Mark each content term as negated, hedged or plain, clause by clause.

    A cue governs the words after it up to a clause boundary (a comma, a dash, "but") or twelve
    words, so "not X but Y" leaves Y plain; "keep X from Y" negates Y.
    """
    negated: set[str] = set()
    hedged: set[str] = set()
    plain: set[str] = set()
    has_hedge = has_negation = False
    may_is_month = "may" in months(text)
    text = _PREVENT_FROM_RE.sub(r"\1\2 not ", text)
    text = text.replace("n’t", " not").replace("n't", " not").replace("cannot", "can not")
    text = _NEGATION_PHRASE_RE.sub(" not ", text)
    text = _LITTLE_RE.sub(" not ", text)
    for clause in _BOUNDARY_RE.split(text):
        neg_left = hedge_left = 0
        for raw in _WORD_RE.findall(clause):
            w = raw.rstrip(".").lower()
            if w in NEGATION_CUES:
                neg_left, has_negation = _SCOPE_WINDOW, True
                continue
            if w in HEDGE_CUES and not (raw == "May" and may_is_month):
                hedge_left, has_hedge = _SCOPE_WINDOW, True
                continue
            target = negated if neg_left else hedged if hedge_left else plain
            target.update(terms(raw))
            neg_left, hedge_left = max(0, neg_left - 1), max(0, hedge_left - 1)
    return Scopes(frozenset(negated), frozenset(hedged), frozenset(plain), has_hedge, has_negation)


# ---------------------------------------------------------------------------------------------
# Speakers.
# ---------------------------------------------------------------------------------------------


def _attributions(text: str) -> list[re.Match[str]]:
    """Reporting verbs used as verbs: "the stated goal" and "the UN's stated aim" are not attributions."""
    out = []
    for m in _REPORT_RE.finditer(text):
        previous = _words(text[: m.start()])[-1:]
        if previous and (previous[0] in DETERMINERS or previous[0].endswith(("'s", "’s"))):
            continue
        out.append(m)
    return out


def claim_speaker(text: str) -> list[str]:
    """Who the claim says said it ("Guo Jiakun confirmed", "according to analysts"), or [] if no one.

    The article's own voice ("the article argues") and pronouns count as no one.
    """
    bare = _QUOTE_RE.sub(" ", text)
    for m in _attributions(bare):
        if m.group(0).lower().startswith("according to"):
            words = _words(_PHRASE_END_RE.split(bare[m.end() :], maxsplit=1)[0])[:5]
        else:
            before = _SUBJECT_START_RE.split(bare[: m.start()])[-1]
            words = [w for w in _words(before)[-5:] if w not in ("has", "have", "had", "also", "publicly")]
        words = [w for w in words if w not in ("the", "a", "an")]
        if not words or words[-1] in PRONOUNS or set(words) & ARTICLE_WORDS:
            return []
        return words
    return []


def speaker_zones(text: str) -> list[str]:
    """Text around each attribution in the passage: where its speakers are named.

    The words before the verb, the sentence's subject ("Lin Yun, a professor at ..., expects"), and
    for inverted quotes ('..." said Casper'), passives ("accused by X") or "according to X", the
    words after.
    """
    zones = []
    for sentence in split_sentences(text):
        bare = _QUOTE_RE.sub(" , ", sentence)
        for m in _attributions(bare):
            before, after = bare[: m.start()], bare[m.end() :]
            subject = _PUNCTUATION_RE.split(before, maxsplit=1)[0]
            zone = _WORD_RE.findall(before)[-6:] + _WORD_RE.findall(subject)[:5]
            inverted = _INVERTED_RE.search(before) or _BY_RE.match(after)  # '..." said X', 'accused by X'
            if m.group(0).lower().startswith("according to") or inverted:
                zone += _WORD_RE.findall(after)[:5]
            zones.append(" ".join(zone))
    return zones


def _names_speaker(sentence: str) -> bool:
    """Whether some attribution in the sentence names its speaker rather than "he said"."""
    bare = _QUOTE_RE.sub(" , ", sentence)
    for m in _attributions(bare):
        before, after = _words(bare[: m.start()])[-1:], _words(bare[m.end() :])[:1]
        inverted = m.group(0).lower().startswith("according to") or not before
        subject = after if inverted else before
        if subject and subject[0] not in PRONOUNS:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Vetoes. Each returns short reasons; any reason means "not supported".
# ---------------------------------------------------------------------------------------------


def number_vetoes(claim: str, passage: str) -> list[str]:
    """Every number, date, month and unit of time in the claim must be in the passage."""
    out = []
    have = numbers(passage, passage=True)
    for key, raw in numbers(claim).items():
        if key not in have:
            is_date = ("," not in raw and _YEAR_RE.fullmatch(key)) or _after_month(claim, raw)
            out.append(f"{'date' if is_date else 'number'} {raw} not in passage")
    passage_units = time_units(passage)
    out += [
        f"date: '{raw}' not in passage"
        for unit, raw in time_units(claim).items()
        if unit not in passage_units
    ]
    out += [f"date {m.title()} not in passage" for m in sorted(months(claim) - months(passage))]
    return out


def _after_month(text: str, raw: str) -> bool:
    return any(m.group(1) == raw for m in _MONTH_DAY_RE.finditer(text))


def entity_vetoes(claim: str, passage: str) -> tuple[list[str], set[str]]:
    """Every name in the claim must be in the passage, allowing aliases and acronyms.

    Returns the reasons and the claim's name parts that the passage does name (for coverage).
    """
    vocab = name_vocabulary(passage)
    acronyms = _acronyms(passage)
    out: list[str] = []
    found: set[str] = set()
    for name in dict.fromkeys(entities(claim)):
        words = [w for w in name.split() if w.lower() != "of"]
        if len(words) > 1 and "".join(w[0] for w in words).lower() in acronyms:
            found.update(_entity_parts(name))  # "European Central Bank" for "ECB"
            continue
        for word in words:
            parts = _entity_parts(word)
            if not parts or parts[0] in MONTHS or parts[0] in WEEKDAYS:
                continue  # dates are number_vetoes' business
            key = "".join(parts)
            plural_acronym = bool(_PLURAL_ACRONYM_RE.fullmatch(word)) and key[:-1] in vocab  # "GPUs"
            if key in vocab or plural_acronym or all(_contains(vocab, p) for p in parts):
                found.update(parts)
            else:
                out.append(f"entity {word} not in passage")
    return out, found


def speaker_vetoes(claim: str, passage: str, aligned: str) -> list[str]:
    """The claim's speaker must be the one the passage credits with what the claim restates.

    That is a speaker named around the sentence the claim restates, or that sentence's subject ("A
    spokesman declined to comment" backs "the spokesman said ..."); a quote or "he said" sentence
    takes its speaker from the sentences before it. A speaker credited elsewhere in the passage
    with something else does not count.
    """
    speaker = claim_speaker(claim)
    if not speaker:
        return []
    zones = local_speakers(split_sentences(passage) or [passage], aligned)
    vocab = set().union(*(name_vocabulary(z) for z in zones))
    if _contains(vocab, speaker[-1]):
        return []
    names = [n for z in zones[1:] for n in entities(z)]
    who = ", ".join(dict.fromkeys(names)) if names else "no one"
    return [f"speaker: claim says {' '.join(speaker)}, passage says {who}"]


def local_speakers(sentences: Sequence[str], aligned: str) -> list[str]:
    """The aligned sentence's subject, then the speaker zones that cover it.

    Walks back over sentences that continue a quote or open with a pronoun, and over "he said"
    attributions, until a sentence names its speaker (at most three back).
    """
    i = sentences.index(aligned) if aligned in sentences else 0
    zones = [" ".join(_WORD_RE.findall(sentences[i])[:6])]
    for j in range(i, max(-1, i - 4), -1):
        found = speaker_zones(sentences[j])
        zones += found
        if j < i:
            zones.append(" ".join(_WORD_RE.findall(sentences[j])[:6]))
        if _names_speaker(sentences[j]) or not (found or _refers_back(sentences[j])):
            break
    return zones


def polarity_vetoes(claim: str, aligned: str) -> list[str]:
    """A term plain in one text and negated in the other, in the sentence the claim restates.

    Only when one side is negated and the other is not, or terms flip both ways ("NVIDIA rather
    than Huawei" for "Huawei rather than NVIDIA"): a negation elsewhere in the sentence ("that
    neither wants to impose") is not a flip.
    """
    c = scopes(_unprefix(claim, terms(aligned)))
    p = scopes(_unprefix(aligned, terms(claim)))
    denied = {t for t in c.positive - c.negated if _contains(p.negated, t) and not _contains(p.positive, t)}
    asserted = {t for t in c.negated - c.positive if _contains(p.positive, t) and not _contains(p.negated, t)}
    flipped = denied | asserted
    if not flipped:
        return []
    both_contrast = bool(_CONTRAST_RE.search(claim) and _CONTRAST_RE.search(aligned))
    swapped = bool(denied and asserted)  # "did not A but did B" for "did A but not B"
    if c.has_negation != p.has_negation or swapped or (both_contrast and len(flipped) >= 2):
        return ["negation: polarity differs on " + ", ".join(sorted(flipped)[:4])]
    return []


def _unprefix(text: str, other: Sequence[str]) -> str:
    """Spell "unchanged" as "not changed" when the other text says "change": the same polarity test applies."""

    def replace(m: re.Match[str]) -> str:
        word, rest = m.group(0).lower(), m.group(1).lower()
        if _contains(other, rest) and not _contains(other, word):
            return f"not {rest}"
        return m.group(0)

    return _NEG_PREFIX_RE.sub(replace, text)


def antonym_vetoes(claim: str, passage: str, aligned: str) -> list[str]:
    """The claim says "high" where the sentence it restates says "low" (and never "high").

    "More"/"less" are left alone when both sides compare with "than": "worries more about A than
    B" restates "is less concerned with B than A".
    """
    passage_words, aligned_words = set(_words(passage)), set(_words(aligned))
    comparing = "than" in _words(claim) and "than" in aligned_words
    out = []
    for w in dict.fromkeys(_words(claim)):
        if comparing and w in COMPARATIVES:
            continue
        opposites = [o for o in _OPPOSITES.get(stem(w), ()) if not (comparing and o in COMPARATIVES)]
        if opposites and not _contains(passage_words, w):
            out += [
                f"antonym: claim says {w}, passage says {o}" for o in opposites if _contains(aligned_words, o)
            ]
    return out


def overclaim_vetoes(claim: str, passage: str, aligned: str) -> list[str]:
    """Certainty the passage does not state: "will" for "may", "all" for "some", "signed" for "proposed"."""
    out = []
    claim_words, passage_words = _words(claim), _words(passage)
    for w in dict.fromkeys(claim_words):
        if w in CERTAINTY_WORDS and not _contains(passage_words, w):
            out.append(f"overclaim: '{w}' not in passage")
    idioms = {m.group(1).lower() for m in _AT_ALL_RE.finditer(claim)}  # "at all" is not "all"
    universal = [w for w in claim_words if w in UNIVERSALS and w not in idioms]
    if universal and not set(claim_words) & LIMITERS:
        w = universal[0]
        qualified = any(
            pw == w and i and passage_words[i - 1] in QUALIFIERS for i, pw in enumerate(passage_words)
        )
        if w not in passage_words or qualified or set(_words(aligned)) & LIMITERS:
            out.append(f"overclaim: '{w}' where the passage is limited")
    c, p = scopes(claim), scopes(aligned)
    if not c.has_hedge:
        lost = sorted(t for t in c.plain if _contains(p.hedged, t) and not _contains(p.plain, t))
        if len(lost) >= 1:
            out.append("overclaim: passage hedges " + ", ".join(lost[:4]))
    return out


def binding_vetoes(claim: str, passage: str) -> list[str]:
    """Swapped roles: a clause naming X is best matched by a passage sentence about Y, not X.

    "The Americans wanted silicon, the Chinese wanted code" against "The Americans wanted code.
    The Chinese wanted silicon." has every word in place; only the pairing is wrong. A sentence
    opening with a pronoun or a quote also counts as being about the previous sentence's names.
    """
    sentences = split_sentences(passage)
    if len(sentences) < 2:
        return []
    names = [
        name_vocabulary(" ".join(sentences[i - 1 : i + 1]) if i and _refers_back(s) else s)
        for i, s in enumerate(sentences)
    ]
    vocabs = [set(terms(s)) for s in sentences]
    speaker = set(claim_speaker(claim))
    out = []
    for clause in _CLAUSE_RE.split(claim):
        actors = [a for e in entities(clause) for a in _entity_parts(e) if a not in speaker]
        content = [t for t in terms(clause) if t not in FRAMING_WORDS and not _contains(actors, t)]
        if not actors or len(content) < 2:
            continue
        cover = [sum(_contains(v, t) for t in content) / len(content) for v in vocabs]
        best = max(range(len(sentences)), key=lambda i: cover[i])
        with_actor = [i for i, n in enumerate(names) if all(_contains(n, a) for a in actors)]
        if with_actor and best not in with_actor and cover[best] - max(cover[i] for i in with_actor) >= 0.3:
            out.append(f"roles: '{clause.strip()}' matches a passage sentence about someone else")
    return out


def relation_vetoes(claim: str, aligned: str) -> list[str]:
    """Swapped arguments around a directed verb: "costs outweigh gains" for "gains outweigh costs".

    The head of the phrase just before the verb and of the phrase just after it must not trade
    places. Passives ("was beaten by") are skipped: they swap the order without swapping roles.
    """
    out = []
    for verb in dict.fromkeys(w for w in _words(claim) if stem(w) in _RELATION_STEMS):
        mine, theirs = _arguments(claim, verb), _arguments(aligned, verb)
        if not mine or not theirs:
            continue
        (c_left, c_right), (p_left, p_right) = mine, theirs
        if c_left & p_right and c_right & p_left and not c_left & p_left and not c_right & p_right:
            out.append(f"roles: '{verb}' has its arguments swapped")
    return out


def _arguments(text: str, verb: str) -> tuple[set[str], set[str]] | None:
    """Head terms of the phrases right before and right after the first form of ``verb`` in the text."""
    clause = next(
        (c for c in _PUNCTUATION_RE.split(text) if any(stem(w) == stem(verb) for w in _words(c))), ""
    )
    words = _words(clause)
    at = next((i for i, w in enumerate(words) if stem(w) == stem(verb)), None)
    if at is None or (at and words[at - 1] in _PASSIVE_AUX) or words[at + 1 : at + 2] == ["by"]:
        return None
    left: list[str] = []
    for w in reversed(words[:at]):
        if w in _PHRASE_STOPS:
            break
        left.insert(0, w)
    right: list[str] = []
    for w in words[at + 1 :]:
        if w in _PHRASE_STOPS and right:
            break
        right.append(w)
    left_head = _head(left)
    right_head = _head(right)
    return (left_head, right_head) if left_head and right_head else None


def _head(phrase: Sequence[str]) -> set[str]:
    """Content stems of a noun phrase up to its first preposition ("exposure from ..." → exposure)."""
    head: list[str] = []
    for w in phrase:
        if w in _PREPOSITIONS and head:
            break
        head += terms(w)
    return {stem(t) for t in head}


def _refers_back(sentence: str) -> bool:
    return sentence.lstrip().startswith(('"', "“")) or bool(_REFERS_BACK_RE.match(sentence))


# ---------------------------------------------------------------------------------------------
# The checker.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Support:
    """The verdict on one (claim, passage) pair."""

    score: float  # 0..1, higher = more likely supported
    supported: bool  # score >= threshold and no hard veto
    reasons: list[str]  # short human-readable reasons


@dataclass(frozen=True)
class Features:
    """What a verdict is made of; kept apart so calibration can reuse it without re-embedding."""

    coverage: float
    cosine: float | None
    missing: tuple[str, ...]
    vetoes: tuple[str, ...]


# Calibrated on the dev half of evals/support_pairs.jsonl (odd ids) only; see measure().
DEFAULT_THRESHOLD = 0.68
COSINE_WEIGHT = 0.5  # score = 0.5 · best cosine + 0.5 · term coverage
VETO_FACTOR = 0.3  # a vetoed pair keeps a score, scaled well below any threshold worth using


def features(claim: str, passage: str, cosine: float | None = None) -> Features:
    """Coverage of the claim's terms in the passage, and every veto that applies."""
    claim_terms = [t for t in dict.fromkeys(terms(claim)) if t not in FRAMING_WORDS]
    passage_terms = set(terms(passage))
    name_reasons, named = entity_vetoes(claim, passage)
    names = name_vocabulary(passage)
    missing = tuple(t for t in claim_terms if not (_contains(passage_terms, t) or t in names or t in named))
    coverage = 1 - len(missing) / len(claim_terms) if claim_terms else 0.0
    aligned = best_sentence(claim_terms, passage)
    vetoes = [
        *number_vetoes(claim, passage),
        *name_reasons,
        *speaker_vetoes(claim, passage, aligned),
        *polarity_vetoes(claim, aligned),
        *antonym_vetoes(claim, passage, aligned),
        *overclaim_vetoes(claim, passage, aligned),
        *binding_vetoes(claim, passage),
        *relation_vetoes(claim, aligned),
    ]
    return Features(coverage, cosine, missing, tuple(dict.fromkeys(vetoes)))


class SupportChecker:
    """Heuristic support: embedding closeness plus term coverage, with hard vetoes for drift.

    With ``embedder=None`` the score is the term coverage alone (lexical and rule features only);
    the default threshold was calibrated with the embedder.
    """

    def __init__(self, embedder: Embedder | None = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def check(self, claim: str, passage: str) -> Support:
        """Does ``passage`` support ``claim``? A claim the passage contains word for word always does."""
        return self.check_many([(claim, passage)])[0]

    def check_many(self, pairs: Sequence[tuple[str, str]]) -> list[Support]:
        """Check many pairs with one embedding call over every distinct claim, passage and sentence."""
        cosines = self.cosines(pairs) if self.embedder else [None] * len(pairs)
        return [
            VERBATIM if _verbatim(c, p) else self.verdict(features(c, p, cos))
            for (c, p), cos in zip(pairs, cosines, strict=True)
        ]

    def verdict(self, f: Features) -> Support:
        raw = f.coverage if f.cosine is None else COSINE_WEIGHT * f.cosine + (1 - COSINE_WEIGHT) * f.coverage
        raw = min(1.0, max(0.0, raw))
        score = raw * VETO_FACTOR if f.vetoes else raw
        reasons = list(f.vetoes)
        if f.missing:
            reasons.append("terms not in passage: " + ", ".join(f.missing[:6]))
        cosine = "" if f.cosine is None else f", cosine {f.cosine:.2f}"
        reasons.append(f"coverage {f.coverage:.2f}{cosine}")
        return Support(round(score, 4), score >= self.threshold and not f.vetoes, reasons)

    def cosines(self, pairs: Sequence[tuple[str, str]]) -> list[float | None]:
        """Best cosine between each claim and any one sentence of its passage.

        Sentences rather than the whole passage: a claim usually restates one sentence, and short
        texts embed faster. Texts are embedded once each, sorted by length to keep batches tight.
        """
        if self.embedder is None:
            return [None] * len(pairs)
        units: dict[str, list[str]] = {}
        for claim, passage in pairs:
            units[passage] = split_sentences(passage) or [passage]
            units.setdefault(claim, [claim])
        texts = sorted({t for group in units.values() for t in group}, key=lambda t: (len(t), t))
        vectors = self.embedder.embed(texts)
        row = {t: i for i, t in enumerate(texts)}
        out: list[float | None] = []
        for claim, passage in pairs:
            sims = vectors[[row[t] for t in units[passage]]] @ vectors[row[claim]]
            out.append(float(np.max(sims)))
        return out


# ---------------------------------------------------------------------------------------------
# Evaluation on labelled pairs.
# ---------------------------------------------------------------------------------------------


def load_pairs(path: Path) -> list[dict]:
    """Read labelled pairs: one JSON object per line (``evals/support_pairs.jsonl``)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split(pairs: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """Dev (odd-numbered ids: calibration) and test (even: reporting), fixed so nothing leaks."""
    dev = [p for p in pairs if _id_number(p["id"]) % 2 == 1]
    test = [p for p in pairs if _id_number(p["id"]) % 2 == 0]
    return dev, test


def _id_number(pair_id: str) -> int:
    digits = _NON_DIGIT_RE.sub("", str(pair_id))
    return int(digits) if digits else 0


def measure(checker: SupportChecker, pairs: list[dict]) -> dict:
    """Accuracy, and precision / recall / F1 for the positive class "supported"; accuracy per kind."""
    verdicts = checker.check_many([(p["claim"], p["passage"]) for p in pairs])
    gold = [bool(p["supported"]) for p in pairs]
    said = [v.supported for v in verdicts]
    tp = sum(g and s for g, s in zip(gold, said, strict=True))
    fp = sum(s and not g for g, s in zip(gold, said, strict=True))
    fn = sum(g and not s for g, s in zip(gold, said, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({p["kind"] for p in pairs}):
        hits = [g == s for p, g, s in zip(pairs, gold, said, strict=True) if p["kind"] == kind]
        per_kind[kind] = {"n": len(hits), "accuracy": round(sum(hits) / len(hits), 4)}
    return {
        "n": len(pairs),
        "accuracy": round(sum(g == s for g, s in zip(gold, said, strict=True)) / len(pairs), 4)
        if pairs
        else 0.0,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "per_kind": per_kind,
        "threshold": checker.threshold,
    }


VERBATIM = Support(1.0, True, ["the claim is in the passage word for word"])


def _flat_text(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("\u2011", "-")
    return " ".join(text.lower().split()).strip(" .,;:")


def _verbatim(claim: str, passage: str) -> bool:
    """A quoted claim or an answer fragment cut from the passage (an extractive answer's lead)."""
    flat = _flat_text(claim)
    return bool(re.search(r"\w", flat)) and flat in _flat_text(passage)
