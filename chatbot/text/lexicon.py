"""The one lexicon: every word list the product's language rules read, in one place.

Why one module: a rule that must hold on text nobody tuned it for is only as good as its word
lists, and a list kept in three modules drifts (the speech verbs once existed three times, with
three different memberships). Every list here is general English, keyed to no corpus.
"""

from __future__ import annotations

import re

# Capital and small letters of every alphabet, as regex classes: "[A-Z]" would lose Ásgeirsson, Østergaard
# and Łukasz.
UPPER = "[" + "".join(ch for ch in map(chr, range(0x2000)) if ch.isupper()) + "]"
LOWER = "[" + "".join(ch for ch in map(chr, range(0x2000)) if ch.islower()) + "]"


def _list(words: str) -> list[str]:
    return words.split()


def _set(words: str) -> frozenset[str]:
    return frozenset(_list(words))


# Lower-case particles inside personal names ("Maarten van der Berg", "Ines de la Cruz", "Ahmed bin Saleh"):
# part of the name between capitalised words, never a name on their own.
NAME_PARTICLES = _set("de van von der den ter ten du des del della da di dos das la le al bin ibn zu")
# Joined to the name by a hyphen, in small letters: "Yousef al-Haddad", "Omar el-Sayed".
HYPHENED_PARTICLES = _set("al el ad ar as ash at az")
# Combining accents (a character class's body): part of the word they sit on, "Adébáyọ̀" written decomposed.
COMBINING_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A role asked of the present ("Is she still the chair?") and one the text says has ended ("until November").
NOW_WORDS = _set("still now currently presently")
ENDED_ROLE_WORDS = _set("former formerly onetime erstwhile previously until till retired")
# Saying verbs that may name the one spoken to before what was said: "told local radio that …".
ADDRESSED_CUES = _set(
    "tell tells told telling warn warns warned warning assure assures assured remind reminds reminded "
    "inform informs informed advise advises advised"
)
# A capitalised word, and a name: capitalised words in a row ("Rúnar Ásgeirsson", "O'Neill", "St. Louis",
# "Adébáyọ̀" with its accents decomposed), particles between them.
CAPITALISED = rf"{UPPER}[\w{COMBINING_MARKS}’'.-]*"
NAME = rf"{CAPITALISED}(?:\s+(?:(?:{'|'.join(sorted(NAME_PARTICLES))})\s+)*{CAPITALISED})*"


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
# A publication with front matter of its own (a byline, a dateline): "Who wrote the report?", "When was
# the TechFastForward article published?".
PUBLICATIONS = _set(
    "article report analysis piece story essay column editorial op-ed document spec specification manual "
    "guide handbook paper transcript digest newsletter bulletin book post memo licence license interview "
    "profile review obituary obit feature blog briefing whitepaper factsheet release letter speech remarks "
    "email e-mail message agreement contract lease"
)
# The document itself, of any genre a user brings ("according to the spec", "the manual says"), as a
# claim's framing. "Report", "analysis", "post", "interview", "profile", "review", "feature", "briefing",
# "release", "letter", "speech", "remarks", "message" and an agreement's names carry content there ("a report
# of shots fired", "the post of treasurer", "a review of the rates", "the release of the hostages", "the
# regulator's letter", "the agreement with Brayford"); a text, a passage or a study is framing too, though
# rarely a publication a question asks the date of.
DOCUMENT_NOUNS = (
    PUBLICATIONS
    - _set(
        "report analysis post interview profile review feature briefing release letter speech remarks message "
        "agreement contract lease"
    )
) | _set("text passage study record standard minutes")
# The article's own voice: "the article argues" attributes nothing to a third party.
ARTICLE_WORDS = (
    DOCUMENT_NOUNS
    | PUBLICATIONS
    | _set("author writer articles pieces stories essays columns documents reports analyses authors")
)
# Claim-framing words that carry no content to look for in the passage.
FRAMING_WORDS = DOCUMENT_NOUNS | _set(
    "author writer says said say argues argue argued according notes noted claims claimed writes wrote"
)
CONTRACTION_STUBS = _set("isn won don doesn aren didn wasn weren hasn haven hadn couldn wouldn")
ARTICLES = _set("the a an")
DETERMINERS = ARTICLES | _set("its their his her our whose this that these those")
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

# Unit symbols written straight after a number ("over 700K", "a 4GB card", "12km"): sizes, lengths, weights,
# power and frequency. Case matters ("m" is metres, "M" is not a unit here).
UNIT_SYMBOLS = _list("K KB kB MB GB TB PB km kg cm mm ms kW MW GW Hz kHz MHz GHz mph kph")
# Units that measure a stretch of time ("380 years", "six months"), as TIME_UNITS names them.
DURATION_UNITS = _set("second minute hour day week month quarter year decade century")
# Units and parts of time: a claim may not turn "hours" into "days" or "evening" into "morning". "second" alone is
# as often an ordinal ("the second round"), so only its plural counts.
TIME_UNITS = {
    **{w: w for w in (DURATION_UNITS - {"second"}) | {"millisecond"}},
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
# "How deep …?", "How far …?": a how-question over a measure asks for a number.
MEASURE_ADJECTIVES = _set("many much long big large deep far high tall wide heavy fast thick")
# … those that ask for a physical measure alone ("How deep …?"); "how high", "how big" may ask a price or a loss.
PHYSICAL_MEASURES = _set("deep far tall wide heavy thick")
# … those that, after "how", only ask for an amount: "many" in "How many books …?" is no search term, or "so many
# needs" would match it as well as "90,000 books".
AMOUNT_ASKING = _set("many much")
# "What is the budget / the numeric value / the depth …?": head nouns of a question that asks for a quantity.
QUANTITY_NOUNS = _set(
    """percentage amount sum price cost figure rate rates score scores budget revenue salary turnover
    valuation value numeric numerical size length depth height width weight distance population capacity
    temperature speed ratio proportion share fraction"""
)
# "What is the population of Bergen?": quantity nouns that count things, which a share ("3.2 per cent") never is.
COUNT_NOUNS = _set("population populations headcount")
# Words that ask for a share or a rate: "How many per cent …?", "What is the population growth rate?".
SHARE_WORDS = _set("percent cent percentage share shares proportion fraction rate rates ratio")
# "How much did it cost / did they pay …?": a number question whose most direct answer is a sum of money.
MONEY_WORDS = _set(
    """cost costs costing pay pays paid price priced spend spends spent worth charge charged fee fees fund
    funded funding budget salary salaries earn earned owe owed loan raise raised invest invested investment
    sell sold buy bought revenue turnover valuation"""
)
# Currencies, for a number spaCy tags a bare CARDINAL or QUANTITY ("2.3 million euros", "NOK 12 million",
# "48 million kroner"): written beside one of these, it is a sum of money.
CURRENCY_WORDS = _set(
    """dollar dollars euro euros pound pounds sterling yen yuan renminbi rupee rupees rouble roubles ruble
    rubles franc francs krone kroner krona kronor zloty zlotys zlote forint forints koruna korunas lira lire
    peso pesos reais rand shekel shekels dinar dinars dirham dirhams riyal riyals rial rials baht
    ringgit rupiah naira cedi cedis shilling shillings lei leu lev leva hryvnia hryvnias tenge lari
    cents pence penny"""  # not "cent": "1 per cent" is a share
)
CURRENCY_CODES = _set(
    """USD EUR GBP JPY CNY RMB CHF CAD AUD NZD HKD SGD SEK NOK DKK ISK PLN CZK HUF RON BGN RUB UAH TRY ILS INR
    PKR BDT LKR IDR MYR THB VND PHP KRW TWD BRL MXN ARS CLP COP PEN ZAR NGN KES EGP MAD AED SAR QAR KWD"""
)
CURRENCY_SYMBOLS = "$€£¥₹₽₩₪₺₦₫฿₴₸₱"
# "What did the repairs cost?", "What did Dr. Nguyễn say the buttress would cost?": a what-question that ends
# on one of these verbs has "what" for its object, a sum of money.
SUM_VERBS = _set(
    "cost costs pay pays paid spend spends spent charge charges charged earn earns earned owe owes owed"
)
# The English ordinal suffix, as a regex group: "1st", "22nd", "3rd", "11th".
ORDINAL_SUFFIX = "(?:st|nd|rd|th)"
MONTHS = _set("january february march april may june july august september october november december")
MONTH_ABBREVIATIONS = _set("jan feb mar apr jun jul aug sep sept oct nov dec")
WEEKDAYS = _set("monday tuesday wednesday thursday friday saturday sunday")
# Words that make a phrase with a number in it a date or a time ("day 5", "5 years ago", "the fiscal year 24").
DATE_CUES = _set(
    "ago today yesterday tomorrow tonight early late mid since fiscal fy q1 q2 q3 q4 h1 h2 am pm noon midnight"
)

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


# A subject that denies its verb by itself: "nobody will lose their job", "none of them left".
NEGATIVE_SUBJECTS = _set("nobody nothing none neither noone")
# "There was no measurable effect on reading" denies that anything changed reading, whatever the verb a
# question asks with: the verbs of change and the nouns that name a change.
CHANGE_VERBS = _set(
    "affect alter boost change cut decrease harm help hurt improve increase influence lift lower raise reduce "
    "worsen benefit"
)
EFFECT_NOUNS = _set("effect impact difference change improvement influence benefit")
# Verbs whose gerund they govern is what they deny: "Avoid drinking alcohol while taking it" answers "Can I
# drink alcohol while taking it?" with no, as "refrain from smoking" and "stop using the kettle" do.
AVOIDANCE_VERBS = _set("avoid refrain stop cease quit prohibit forbid")
# Verbs that name one act, so a sentence that denies one denies the others: "A receipt is not required."
# answers "Do customers need a receipt?" with no.
SAME_ACTS = [
    _set(group)
    for group in (
        "need require",
        "get receive obtain",
        "buy purchase",
        "begin start commence",
        "end finish conclude",
        "allow permit let",
        "help assist aid",
        "show display",
        "build construct",
        "tell inform notify",
        "put place",
    )
]
EFFECT_PREPOSITIONS = _set("on in to for")  # what the change would be to: "no effect on reading"
NEGATION_CUES = _set(
    "not no never neither nor none without cannot nothing nobody nowhere lack lacks lacked lacking "
    "deny denies denied refuse refused refuses impossible impossibility unable unlikely stop stopped "
    "abandon fail fails failed hardly barely scarcely rarely seldom avoid avoids avoided avoiding refrain "
    "refrains refrained prohibit prohibits forbid forbids"
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
# "no more than six hens" sets a limit, it negates nothing: read as "at most" / "at least".
LIMIT_PHRASES = {
    **dict.fromkeys(_list("more greater higher longer later bigger larger"), "at most"),
    **dict.fromkeys(_list("fewer less lower shorter earlier smaller"), "at least"),
}
# Auxiliaries that ask whether a thing is possible or allowed ("Can I keep hens?", "Could the rates rise?"): the
# statement such a question asks about is hedged ("I may keep hens"), as "you may …" answers it.
POSSIBILITY_MODALS = _set("can could may might")
HEDGE_CUES = _set(
    "may might could possibly potentially perhaps likely probably reportedly allegedly alleged "
    "considering consider considers evaluating evaluate weighing weigh exploring explore proposed "
    "propose proposes proposal suggest suggests suggested suggesting hypothetical hypothetically if "
    "whether concept expect expects expected plan plans planned aim aims hope hopes seek seeks seeking "
    "intend intends intending would"
)
# Words that leave what follows undecided ("decide within a month whether to appeal"): it is asserted neither
# way. Each is a hedge cue too.
OPEN_CUES = _set("whether")
# Words asserting an outcome as settled: a claim may use them only if the passage does too.
CERTAINTY_WORDS = _set(
    "will agreed agree agrees signed confirmed confirm confirms proven proved prove proves certainly "
    "inevitably inevitable definitely guaranteed guarantee binding permanently always ratified"
)
UNIVERSALS = _set("all every everyone everybody everything entire always")
# Universals that say the same of a set: "every file" restates "all files".
SAME_UNIVERSAL = _set("all every each")
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
PREPOSITIONS = _set("of from on in at for with by to about over under into between among across")
# Prepositions that put a thing somewhere: a proper noun after one is a place ("in the Old Market Hall").
PLACE_PREPOSITIONS = _set(
    "in at on near inside outside beside behind opposite along across around within under beneath below above"
)
# Prepositions that turn a place or time around: "fled from Italy" is not "fled to Italy", "after the conquest"
# not "before the conquest".
_OPPOSITE_PREPOSITION_PAIRS = (("from", "to"), ("from", "into"), ("before", "after"), ("above", "below"))
OPPOSITE_PREPOSITIONS = {
    p: frozenset(b for x, y in _OPPOSITE_PREPOSITION_PAIRS for a, b in ((x, y), (y, x)) if a == p)
    for pair in _OPPOSITE_PREPOSITION_PAIRS
    for p in pair
}
# Two-word prepositions of time read as the one they mean: "subsequent to the Conquest" is "after" it.
COMPOUND_PREPOSITIONS = {"prior": "before", "previous": "before", "subsequent": "after"}  # each before "to"
PHRASE_STOPS = _set("that which who whom whose whether because while although though if when and but or")
# Verbs whose object carries the meaning ("have talks", "make a deal", "take part"): not an act of their own.
LIGHT_VERBS = _set("be have do get make take give")
# Words of permission, ability or obligation that frame the act they govern: "Am I allowed to charge for copies?"
# asks about charging, which the text says as "you may charge" or "the freedom to charge"; "allowed" is rarely
# written. "Do customers need to unplug it?" asks about unplugging ("Customers should … unplug it.").
PERMISSION_FRAMES = _set("allow permit let enable able unable free entitle need require have ought")
PASSIVE_AUX = _set("was were been being be is are")
# People named through another: "Bohemond, Robert's son" is not Robert, "Edgar's sister Margaret" not Edgar.
RELATION_NOUNS = _set(
    """son sons daughter daughters child children father mother parents brother brothers sister sisters wife
    husband widow widower nephew nephews niece nieces uncle aunt cousin cousins grandson granddaughter
    grandfather grandmother heir heirs successor predecessor stepson stepdaughter stepfather stepmother
    half-brother half-sister fiance fiancee bride deputy aide aides assistant adviser advisor spokesman
    spokeswoman spokesperson lawyer"""
)

# Opposites, matched by stem: a claim that says "rose" where its source says "declined".
ANTONYM_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (pair.partition("/")[0], pair.partition("/")[2])
    for pair in _list("""high/low higher/lower increase/decrease increase/cut increase/reduce raise/cut
    raise/lower rise/fall rise/fell rose/fall rise/decline rose/fell rose/declined rose/dropped grew/shrank gain/loss
    win/lose won/lost strong/weak stronger/weaker large/small larger/smaller largest/smallest
    small/largest large/smallest big/small bigger/smaller biggest/smallest small/biggest
    easy/difficult easier/harder possible/impossible success/failure succeed/fail succeeded/failed pass/fail accept/reject
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

STOPWORDS = _set(
    """a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its may might more most not of on or our she should so such than that the their them then there these they this those to was we were what when where which who whom why will with would you your"""
)


# --- speech and stance -------------------------------------------------------------------------------
# Verbs that introduce what someone said, claimed or expects. Factive and inferential verbs ("recognized",
# "concluded", "realized") are left out on purpose: with them the writer vouches for the content, so it is
# the writer's claim, not the subject's.
SPEECH_VERBS = _set(
    """say says said saying tell tells told warn warns warned warning confirm confirms confirmed confirming
    argue argues argued arguing believe believes believed expect expects expected emphasize emphasizes
    emphasized emphasizing emphasise emphasises emphasised emphasising stressed stresses highlight
    highlighted highlighting describe describes described describing accuse accuses accused accusing
    compare compared compares liken likens likened cite cites cited citing propose proposes proposed
    proposing suggest suggests suggested suggesting claim claims claimed insist insists insisted insisting
    noted add adds added state states stated announce announces announced predict predicts predicted
    contend contends contended asserted asserts demanded demanding urge urges urged urging ordered directed
    explained explains reported wrote writes admitted admits denied denies cautioned reiterated recommended
    acknowledged point points pointed respond responds responded"""
)
# Forms that are as often nouns or other senses ("the claims", "the United States", "two points", "tell
# apart"): a question may use them as speech verbs, but alone in running text they attribute nothing.
SPEECH_NOUN_LIKE = _set(
    "claim claims state states point points pointed compare respond responds responded tell add announce"
)
# Verbs a question uses for what someone said ("What concerns did X raise?", "What did X ask?") that in
# running text as often mean something else ("raised rates", "asked for a loan"): questions only.
QUESTION_SPEECH_VERBS = _set("raise raises raised ask asks asked think thinks thought feel feels felt")
# What someone said, as a question names it with a light verb ("What remarks did X make?", "What warning did X
# give?", "What statement did X issue?"): the question asks for X's words as "What did X say?" does.
SPEECH_NOUNS = _set(
    """remark remarks comment comments statement statements speech speeches warning warnings argument arguments
    claim claims point points promise promises pledge pledges assurance assurances message messages testimony
    answer answers reply replies response responses objection objections prediction predictions"""
)
LIGHT_SPEECH_VERBS = _set(
    "make made give gave given offer offered deliver delivered issue issued voice voiced"
)
# Speech verbs that attribute on their own in running text.
ATTRIBUTING_VERBS = SPEECH_VERBS - SPEECH_NOUN_LIKE
# Multi-word cues that attribute a statement (regular expressions).
SPEECH_PHRASES = [
    r"pointed\s+to\s+(?:research|evidence|studies|data|findings|a\s+study|a\s+report)\s+(?:suggesting|showing|indicating)",
    r"pointed\s+out",
    r"respond(?:ed|s)?\s+by",
    r"(?:reflect|reflects|reflected|express|expresses|expressed|voice|voices|voiced)\s+concerns?(?=\s+(?:that|about|over)\b)",
    r"(?:argue|argues|argued|arguing|call|calls|called|calling)\s+(?:for|on)",
]

# --- noun phrases and clauses (the attribution grammar) -------------------------------------------
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
# "Halvorsen himself argued …": the reflexive stresses the name and is no part of it.
REFLEXIVES = _set("himself herself themselves itself myself ourselves yourself yourselves")
# a speaker is the actor of their words only as the subject: "I moved", not "my deputy moved"
FIRST_PERSON_SUBJECTS = _set("i we")
# Acts a speaker performs by speaking in the first person: "we will move sampling to weekly" is a promise, so its
# speaker is who promised.
COMMITMENT_VERBS = _set("promise pledge vow commit undertake guarantee assure")
ORG_PRONOUNS = {"it", "its"}
GROUP_PRONOUNS = {"they", "their", "them"}
SPEAKER_PRONOUNS = PERSON_PRONOUNS | ORG_PRONOUNS | GROUP_PRONOUNS
QUANTIFIERS = {"many", "some", "most", "others", "several", "few", "both"}
NP_DETERMINERS = {
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "our",
    "this",
    "these",
    "those",
    "my",
    "your",
}
AUXILIARIES = {
    "has", "have", "had", "will", "would", "can", "could", "may", "might", "must", "should", "shall",
    "do", "does", "did", "also", "not", "never", "again", "alone", "now", "then", "still", "already",
    "repeatedly", "often", "once", "later", "first",
}  # fmt: skip
PASSIVE = {"is", "are", "was", "were", "be", "been", "being"}
# The verbs a yes/no question opens with ("Was X …?", "Didn't he …?").
QUESTION_AUXILIARIES = [
    "is",
    "are",
    "was",
    "were",
    "am",
    "do",
    "does",
    "did",
    "has",
    "have",
    "had",
    "can",
    "could",
    "will",
    "would",
    "should",
    "shall",
    "may",
    "might",
    "must",
]
VERB_LIKE = AUXILIARIES - {
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
IRREGULAR_PAST = {
    "made", "took", "gave", "went", "came", "held", "met", "sent", "left", "led", "put", "set", "kept", "began",
    "became", "brought", "built", "drew", "found", "got", "knew", "saw", "spent", "stood", "thought", "won",
    "paid", "ran", "rose", "fell", "sought", "struck", "grew", "chose", "felt", "heard", "lost", "meant",
    "sold", "spoke", "threw", "understood", "wore", "broke", "bought", "caught", "fought", "taught",
}  # fmt: skip
CONNECTORS = {"and", "or", "but", "nor"}
SUBORDINATORS = {
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
WH_WORDS = {"what", "whatever", "how", "why", "where", "whether"}
# Asking about a document itself (its date, its author) rather than what it reports: "When was the
# TechFastForward article published?", "Who wrote the report?" (the document is one of PUBLICATIONS).
PUBLICATION_VERBS = _set("published written released issued dated posted delivered sent made signed")
AUTHORSHIP_WORDS = _set(
    "wrote write written authored author authors writer byline signed delivered sent sender"
)
# "When was the GPL first published?", "When was version 0.20 of the spec published?" may ask about another
# edition than the one at hand, whose front matter dates only itself.
FIRST_EDITION = _set("first originally initially original")
EDITION_QUALIFIERS = FIRST_EDITION | _set("earlier previously version edition revision")
# A date a document gives its latest edition: "last updated 2 October 2018" answers no "first published".
LATEST_EDITION = _set("updated revised amended latest")
RELATIVES = {"that", "which", "who", "whom"}
NP_PREPOSITIONS = {
    "from", "of", "in", "at", "on", "across", "between", "with", "like", "including", "for", "among", "inside",
    "within", "outside", "to", "by", "about", "over", "under", "around",
}  # fmt: skip
INTRO_WORDS = {
    "following", "after", "before", "during", "despite", "since", "as", "when", "while", "if", "although",
    "though", "even", "over", "under", "with", "without", "by", "from", "in", "on", "at", "for", "however",
    "instead", "meanwhile", "simultaneously", "yet", "still", "also", "so", "then", "now", "today",
    "yesterday", "moreover", "furthermore", "nevertheless", "indeed", "ultimately", "overall", "last",
    "earlier", "later", "more", "most", "once", "until", "amid", "through", "thus", "therefore", "but", "and",
}  # fmt: skip
TIME_WORDS = {
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "day",
    "days",
    "morning",
    "afternoon",
    "evening",
    "night",
    "tonight",
    "today",
    "yesterday",
    "time",
}
# Nouns that make a generic noun phrase a source: people, groups and documents that can say things.
GROUP_NOUNS = {
    "analyst", "analysts", "expert", "experts", "researcher", "researchers", "scientist", "scientists",
    "scholar", "scholars", "academics", "economist", "economists", "observer", "observers", "critic",
    "critics", "commentators", "source", "sources", "report", "reports", "study", "studies", "survey",
    "surveys", "research", "analysis", "analyses", "poll", "polls", "people", "participant", "participants",
    "person", "speaker", "speakers", "attendees", "delegates", "diplomat", "diplomats", "lawmaker", "lawmakers",
    "legislators", "leader", "leaders", "executive", "executives", "investors", "insiders", "engineers",
    "activists", "advocates", "campaigners", "residents", "witnesses", "conference", "panel",
    "specialists", "professionals", "historians", "veterans", "supporters", "opponents", "proponents",
}  # fmt: skip
INSTITUTION_NOUNS = {
    "government", "governments", "ministry", "ministries", "administration", "department", "agency",
    "agencies", "authority", "authorities", "regulator", "regulators", "company", "companies", "firm",
    "firms", "media", "dispatches", "statement", "statements", "delegation", "delegations", "assessment",
    "assessments", "military", "police", "court", "courts", "council", "commission", "committee",
    "spokesperson", "spokesman", "spokeswoman", "office", "embassy", "parliament", "congress", "officials",
    "official", "intelligence", "prosecutors", "cabinet", "lab", "labs", "union", "unions", "bank", "banks",
}  # fmt: skip
# A page's boilerplate that states nothing about its subject, set as a short sentence of its own.
BOILERPLATE = frozenset({"all rights reserved"})
# "Which company / shipping company / radio station …?": the nouns that ask for an organisation's name.
ORG_TARGETS = _set(
    "company companies organization organizations organisation organisations firm firms institution institutions "
    "publication publications outlet outlets newspaper newspapers station stations channel channels broadcaster "
    "broadcasters club clubs bank banks agency agencies"
)
SPOKES_ROLES = ("spokesperson", "spokesman", "spokeswoman", "press secretary")
ORG_WORDS = {
    "house", "ministry", "department", "agency", "office", "council", "commission", "committee", "nations",
    "union", "group", "inc", "corp", "corporation", "company", "co", "technologies", "technology", "systems",
    "labs", "lab", "laboratory", "institute", "university", "academy", "association", "bank", "fund", "party",
    "government", "administration", "times", "news", "post", "journal", "review", "foundation", "center",
    "centre", "organization", "organisation", "authority", "board", "bureau", "service", "services",
    "reserve", "court", "congress", "senate", "parliament", "force", "army", "navy", "states", "kingdom",
    "republic", "media", "network", "partners", "holdings", "motors", "ai", "security", "federation",
    "trust", "club", "society", "league", "cooperative", "co-operative", "consortium", "alliance", "coalition",
    "observatory", "hospital", "college", "school", "museum", "library", "gazette", "herald", "chronicle",
    "tribune", "radio", "coastguard", "police", "airlines", "railways", "logistics",
}  # fmt: skip
TITLES = {
    "secretary", "minister", "president", "professor", "prof", "dr", "senator", "spokesperson", "spokesman",
    "spokeswoman", "chairman", "chairwoman", "chair", "ceo", "director", "chief", "general", "governor",
    "ambassador", "premier", "mayor", "judge", "commissioner", "representative", "rep", "sen", "mr", "mrs",
    "ms", "officer", "founder", "editor", "analyst", "economist", "scientist", "researcher", "envoy",
    "captain", "treasurer", "manager", "lawyer", "attorney", "head", "coach", "principal", "inspector",
    "sergeant", "colonel", "lieutenant", "admiral", "bishop", "chancellor", "deputy", "adviser", "advisor",
    "owner", "doctor", "teacher", "leader", "organiser", "organizer", "curator", "councillor", "councilor",
    "executive", "commander", "marshal", "superintendent", "dean", "rector", "provost", "sheriff", "detective",
    "constable", "pastor", "rabbi", "imam", "cardinal", "archbishop", "king", "queen", "prince", "princess",
    "duke", "duchess", "emperor", "empress", "pope", "chairperson", "president-elect", "secretary-general",
    "author", "co-author", "coauthor", "master", "harbourmaster", "harbormaster", "headmaster", "headmistress",
    "postmaster", "engineer", "historian", "physician", "surgeon", "lecturer", "consultant", "strategist",
    "diplomat", "official", "prosecutor", "negotiator", "lawmaker", "legislator", "activist", "campaigner",
    "chef", "cllr", "sgt", "capt", "supt", "insp", "pcso", "clerk", "registrar", "auditor", "solicitor", "librarian", "coordinator", "administrator", "warden",
}  # fmt: skip
# A title held in second place or shared is one title: "Vice-Chair Søren Halvorsen", "co-chair", "vice-president".
TITLES |= {f"{rank}-{title}" for rank in ("vice", "co", "deputy") for title in TITLES if "-" not in title}


def is_person_name(name: str) -> bool:
    """Whether a run of words has the shape of a person's full name: two to four capitalised words ("Sanne
    O'Neill", "Jean-Pierre Roux", "Tiit Riisalo"), particles only between them ("Maarten van der Berg"), no
    word in capitals only ("NASA Ames") and no word of an organisation's name ("Tourism Association"). One
    check, read by the attribution of speech and by the relabelling of names spaCy mistakes for places."""
    parts = name.split()
    named = [p for p in parts if p not in NAME_PARTICLES]
    return (
        2 <= len(named) <= 4
        and len(parts) - len(named) <= 3
        and parts[0] in named
        and parts[-1] in named
        and all(_NAME_WORD_RE.fullmatch(p) and not _capitals_only(p) for p in named)
        and not any(p.lower() in ORG_WORDS for p in parts)
    )


_HYPHENED = rf"(?:{'|'.join(sorted(HYPHENED_PARTICLES))})-"
_NAME_WORD_RE = re.compile(rf"(?:{_HYPHENED})?{UPPER}[\w{COMBINING_MARKS}]*(?:['’-][\w{COMBINING_MARKS}]+)*")
_HYPHENED_NAME_RE = re.compile(rf"{_HYPHENED}{UPPER}")


def hyphened_name(word: str) -> bool:
    """ "al-Haddad": a name word, though it opens in small letters."""
    return _HYPHENED_NAME_RE.match(word) is not None


def _capitals_only(word: str) -> bool:
    """ "NASA", not the Irish "Ó" of "Siobhán Ó Briain" (a letter with an accent is no initialism)."""
    return word.isupper() and not (len(word) == 1 and not word.isascii())


# Roles of the one who asks in an interview: "our reporter Marcus Oyelaran" asks, the mayor answers.
INTERVIEWER_ROLES = _set(
    "reporter reporters correspondent journalist editor interviewer host presenter anchor writer columnist"
)
# Verbs whose subject, in an interview's introduction, is the one who asks: "Priya Raghunathan visited her
# workshop", "Sam Ortiz interviewed her"; talking and meeting go both ways, so they say nothing.
VISITING_VERBS = _set("visit interview")
# An interview's answers speak in the first person singular ("I", as written; "I'm" holds it); its questions are
# put to "you".
FIRST_PERSON_SINGULAR = _set("I me my mine myself")
SECOND_PERSON = _set("you your yours yourself")
# The field a record names the doer of an act by: "Who makes the HP-9?" asks for its "Manufacturer:", "Who
# published the guide?" for its "Publisher:". Each line: the act's forms, then the field names.
AGENT_FIELDS: dict[str, tuple[str, ...]] = {
    form: tuple(fields.split())
    for line in (
        "make makes made: manufacturer maker",
        "manufacture manufactures manufactured: manufacturer",
        "produce produces produced: producer manufacturer",
        "publish publishes published: publisher",
        "write writes wrote: author writer",
        "design designs designed: designer architect",
        "build builds built: builder contractor",
        "develop develops developed: developer",
        "own owns owned: owner",
        "fund funds funded: funder sponsor",
        "sponsor sponsors sponsored: sponsor",
        "organise organises organised organize organizes organized: organiser organizer",
        "run runs ran operate operates operated: operator",
        "distribute distributes distributed: distributor",
        "supply supplies supplied: supplier",
    )
    for forms, fields in [line.split(":")]
    for form in forms.split()
}
# Labels a number follows to name a figure, a table or a part, not to count ("Figure 2", "Fig. 3b", "Table 4").
LABEL_NOUNS = _list("Figure Fig. Table Plate Chart Map Exhibit")
# Honorifics: part of how a transcript label names a speaker, never their role.
HONORIFICS = _set("mr mrs ms mx dr prof sir dame hon rev")
# Nouns that stand for a noun already said ("the old menu … the new one"): an adjective on them is on that noun.
PRO_FORM_NOUNS = _set("one ones")
# Upper-case words that open a line with a colon without naming a speaker ("NOTE: …", "WARNING: …").
FIELD_LABELS = _set(
    """note notes warning caution important summary abstract subject date time re from to cc bcc source
    sources title update editor editors correction disclaimer tip example step q a question answer"""
)
SOURCE_NOUNS = GROUP_NOUNS | INSTITUTION_NOUNS | TITLES
# "Where does she work?": a where-question about one of these acts asks for an institution ("at the University of
# Bergen") before a place.
WORKPLACE_VERBS = _set(
    """work works worked working study studies studied studying teach teaches taught teaching lecture lectures
    lectured employed research researches researched"""
)
# Nouns for a person by role or kind: "Which expert says …?" and "Which board director …?" ask for a name.
PERSON_NOUNS = TITLES | _set(
    """person expert experts analysts researchers scientists scholar scholars economists observer observers
    critic critics official officials speaker speakers diplomat diplomats lawmaker lawmakers engineer engineers
    witness witnesses resident residents member members councillors directors officers executives
    people persons employee employees worker workers staff student students soldier soldiers troops voter voters
    passenger passengers visitor visitors customer customers patient patients victim victims donor donors
    citizen citizens inhabitant inhabitants delegate delegates attendee attendees man men woman women"""
)
NAME_LINKS = {"of", "for", "and", "&"} | NAME_PARTICLES


# --- questions ---------------------------------------------------------------------------------------
# Words that open or frame a question: never part of a name it relies on.
# Verbs (as lemmas) whose subject "it" may be empty, standing for a clause that follows: "it matters that …",
# "is it true that …", "it took years to …".
EXPLETIVE_HEADS = _set("be matter seem appear take remain")
# The words a wh-question opens with; the adverbial ones ask when, where, why or how, not for an argument.
INTERROGATIVES = _set("who whom whose what when where which why how")
ADVERBIAL_INTERROGATIVES = _set("when where why how")
QUESTION_WORDS = INTERROGATIVES | _set(
    """did does do is are was were can could should would
    will according name list tell give explain describe summarize summarise compare besides apart beyond
    in on at for from by to of as with under after before during since between among
    if once whenever unless while"""
)
# Words that ask what a whole piece says rather than what it says of a topic: "Summarise the article", "What
# is the main point of the Kelly piece?", "Give me an overview of the report".
GIST_WORDS = _set(
    """summarise summarize summary summaries overview outline gist main key overall central point points
    argument arguments message idea ideas takeaway takeaways thesis conclusion conclusions say says said
    tell give me us about describe"""
)
# Plural nouns for groups of people: a description of people answers "who attended?".
PEOPLE_NOUNS = _list(
    """diplomats researchers analysts officials scientists strategists experts engineers policymakers
    governments companies firms labs participants speakers"""
)
# Counting words a number may be written as ("dozens of", "two"), for spotting counts in text.
COUNT_WORDS = _list("one two three four five six seven eight nine ten eleven twelve dozens dozen hundreds")
COUNT_WORDS += _list("hundred thousands thousand millions million")

# --- sentences -----------------------------------------------------------------------------------------
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = _set(
    """mr. mrs. ms. dr. prof. sr. jr. st. vs. etc. inc. ltd. co. corp. gen. sen. rep. gov. no. fig. approx.
    dept. jan. feb. mar. apr. aug. sept. sep. oct. nov. dec. c. ca. cf. vol. pp. p. ed. eds. est. al."""
)
# Words that begin the sentence after a heading glued on without punctuation ("The open-weight
# dilemma Perhaps the thorniest question ...").
GLUE_STARTERS = _list(
    "Above At So Yet Since Perhaps Over One They What Why How When While Even But Questions"
)


def alternation(words: set[str] | frozenset[str] | list[str]) -> str:
    """A regular-expression alternation of words, longest first, so "said" wins over "sa"."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
