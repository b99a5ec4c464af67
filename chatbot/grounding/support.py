"""A heuristic support checker: does this passage back this claim?

Why it exists: a generated answer counts as grounded only when each claim is backed by the text it
cites, and no NLI or cross-encoder model is reachable on this offline machine. So the checker is
built from what is here:

- the packaged sentence embedder, for topical closeness (best cosine of the claim against any one
  sentence of the passage);
- lexical coverage: the share of the claim's content terms found in the passage, allowing
  inflections, aliases ("Washington" / "US") and acronyms (``chatbot.grounding.claims``);
- hard vetoes for the ways a fluent claim typically drifts from its source
  (``chatbot.grounding.vetoes``).

What it is not: an entailment model. It does not parse, resolve coreference or reason, so a claim
that reuses the passage's words in a new relation can pass, and a true paraphrase that names a
date, a title or an organisation differently ("the Fed" / "the Federal Reserve") is vetoed. The
vetoes are precision-first, because the checker decides whether a generated claim counts as
grounded. The threshold was calibrated on the dev half of ``evals/support_pairs.jsonl`` only
(``chatbot.evaluation.checks.split``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from chatbot.grounding.claims import best_sentence, contains, name_vocabulary, term_units, terms
from chatbot.grounding.vetoes import (
    antonym_vetoes,
    binding_vetoes,
    entity_vetoes,
    number_vetoes,
    overclaim_vetoes,
    polarity_vetoes,
    relation_vetoes,
    speaker_vetoes,
)
from chatbot.settings import Settings
from chatbot.store.embeddings import Embedder
from chatbot.text.lexicon import FRAMING_WORDS
from chatbot.text.normalise import fold
from chatbot.text.sentences import split as split_sentences


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


@lru_cache(maxsize=4096)
def features(claim: str, passage: str, cosine: float | None = None) -> Features:
    """Coverage of the claim's terms in the passage, and every veto that applies. Cached: one answer weighs the
    same (claim, sentence) pair at several steps (the yes/no reading screens the closest sentences, then reads
    them), and the parses behind the vetoes are the cost."""
    claim_terms = [t for t in dict.fromkeys(terms(claim)) if t not in FRAMING_WORDS]
    passage_terms = set(terms(passage))
    name_reasons, named = entity_vetoes(claim, passage)
    names = name_vocabulary(passage)
    units = term_units(claim_terms)
    found = {t for t in claim_terms if contains(passage_terms, t) or t in names or t in named}
    missing = tuple(
        unit[0] for unit in units if unit[0] not in found and not (len(unit) > 1 and found >= set(unit[1:]))
    )
    coverage = 1 - len(missing) / len(units) if units else 0.0
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

    def __init__(self, embedder: Embedder | None = None, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        self.embedder = embedder
        self.threshold = settings.support_threshold
        self.cosine_weight = settings.support_cosine_weight
        self.veto_factor = settings.support_veto_factor

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
        w = self.cosine_weight
        raw = f.coverage if f.cosine is None else w * f.cosine + (1 - w) * f.coverage
        raw = min(1.0, max(0.0, raw))
        score = raw * self.veto_factor if f.vetoes else raw
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


VERBATIM = Support(1.0, True, ["the claim is in the passage word for word"])


def _flat_text(text: str) -> str:
    return fold(text).strip(" .,;:")


def _verbatim(claim: str, passage: str) -> bool:
    """A quoted claim or an answer fragment cut from the passage (an extractive answer's lead)."""
    flat = _flat_text(claim)
    return bool(re.search(r"\w", flat)) and flat in _flat_text(passage)
