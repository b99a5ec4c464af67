"""The load test, small: a few concurrent chat sessions against a live ``chatbot serve`` subprocess.

``benchmarks/load.py`` runs the full version (50 sessions × 10 questions) and reports latency and
memory; here only correctness under concurrency is asserted: zero errors, loopback only. No timings.
"""

from __future__ import annotations

from benchmarks.load import load_test
from chatbot.pipeline import Pipeline
from chatbot.settings import Settings


def test_concurrent_sessions_get_answers_without_errors(
    pipeline: Pipeline, corpus_settings: Settings
) -> None:
    # The session fixture built the index; the server (default host) loads it instead of rebuilding.
    result = load_test(sessions=5, per_session=3, server_args=["--index", str(corpus_settings.index_dir)])
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] == 15
    assert result["server_bound_to"] == ["127.0.0.1"]
