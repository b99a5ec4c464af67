"""Grounding tests for a mini corpus (a lighthouse history and a harbour notice): the pattern to copy for
your own documents. Each test asks the real pipeline one question and asserts how it must be answered.

    .venv/bin/python -m pytest examples/grounding/test_grounding.py
"""

from chatbot.testing import Corpus, ask, assert_cites, assert_grounded, assert_refused


def test_a_date_is_answered_from_the_history_page(corpus: Corpus) -> None:
    reply = ask(corpus, "When was the oil lamp at Karrow Point replaced?")
    assert_grounded(reply, facts=["1998"])  # answered, quotes verbatim, the fact present, claims supported
    assert_cites(reply, "lighthouse-history.md", quote="replaced by an electric lamp")


def test_a_fact_may_have_alternatives(corpus: Corpus) -> None:
    reply = ask(corpus, "How much will the pier repairs cost?")
    assert_grounded(reply, facts=[["2.3 million euros", "€2.3 million"]])
    assert_cites(reply, "harbour-notice.txt")


def test_a_follow_up_knows_who_he_is(corpus: Corpus) -> None:
    first = ask(corpus, "Who said the work on the north pier would take about six weeks?")
    assert_grounded(first, facts=["Tomas Reyes"])
    follow_up = ask(corpus, "What did he say about the repairs?", history=[first])
    assert_grounded(follow_up, facts=["six weeks"])


def test_a_person_the_corpus_never_mentions_is_refused(corpus: Corpus) -> None:
    assert_refused(ask(corpus, "What did Margaret Oduya say about the pier?"))
