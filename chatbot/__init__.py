"""Grounded question answering over a news corpus: every claim cites a verbatim span."""

__version__ = "0.1.0"
