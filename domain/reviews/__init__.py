"""Spaced repetition with FSRS: cards, queue, preferences, statistics."""
