"""Written to fail, to show what a grounding failure reads like: the corpus says the tower is 24 metres
tall, and this test expects 30. Run it on its own to see the message:

    .venv/bin/python -m pytest examples/grounding/test_written_to_fail.py

    E   chatbot.testing.GroundingFailure: “How tall is the Karrow Point tower?” is not grounded:
    E     - the answer lacks the fact “30 metres”
    E
    E   Answer (extractive):
    E     The tower is 24 metres tall and is painted white with a single red band. [1]
    E   …
"""

from chatbot.testing import Corpus, ask, assert_grounded


def test_the_tower_is_thirty_metres_tall(corpus: Corpus) -> None:
    assert_grounded(ask(corpus, "How tall is the Karrow Point tower?"), facts=["30 metres"])
