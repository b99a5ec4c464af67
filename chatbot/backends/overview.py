"""A document's overview: the sentences that say what it is about, for "Summarise the TrendKia article".

Such a question shares almost no words with any one sentence ("summarise", "article"), so the ranking that
answers ordinary questions finds nothing close and refuses, with the document right there. A document's
central sentences are instead those closest to the mean of all its sentence vectors (centroid summarisation,
Radev et al. 2004); a question that also names a topic pulls toward it, so each sentence scores its cosine
to the centroid plus its cosine to the question. The best are taken with no near-duplicate and quoted in
document order, so the summary reads as the document runs.
"""

from __future__ import annotations

import numpy as np

from chatbot.grounding.claims import terms
from chatbot.store.protocol import Store
from chatbot.text.lexicon import GIST_WORDS, PUBLICATIONS, STOPWORDS


def about_the_whole(question: str, document: str, index: Store) -> bool:
    """The question asks what the document says as a whole, nothing narrower: each of its words asks for a
    summary ("main point", "overview"), is a genre ("the article") or names the document (its title, outlet
    or author)."""
    info = index.documents.get(document)
    naming = " ".join((info.title, info.outlet, info.author, document)) if info else document
    topic = set(terms(question)) - GIST_WORDS - PUBLICATIONS - STOPWORDS - set(terms(naming))
    return not topic


def overview(document: str, index: Store, query_vector: np.ndarray, n: int, duplicate: float) -> list[int]:
    """The numbers of the document's ``n`` most central citable sentences (closer than ``duplicate`` to none
    already taken), pulled toward the question, in document order."""
    numbers = index.document_sentences(document)
    numbers = [m for m, (_, s) in zip(numbers, index.sentences(numbers), strict=True) if s.citable]
    if not numbers:
        return []
    vectors = index.sentence_vectors_of(numbers)
    centre = vectors.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-9)
    scores = vectors @ centre + vectors @ query_vector
    taken: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if len(taken) >= n:
            break
        if all(float(vectors[i] @ vectors[j]) < duplicate for j in taken):
            taken.append(int(i))
    return [numbers[i] for i in sorted(taken)]
