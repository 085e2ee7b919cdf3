"""Grading rules for the kinds graded inside the mutation; plain functions, no database."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = ".,;:!?\"'`()[]{}"


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float


def normalize_text(text: str) -> str:
    """Case-, width- and whitespace-insensitive form used to compare short answers."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", folded).strip().strip(_EDGE_PUNCTUATION).strip()


def grade_single_choice(chosen: Collection[int], correct: Collection[int]) -> Grade:
    right = len(chosen) == 1 and set(chosen) == set(correct)
    return Grade(right, 1.0 if right else 0.0)


def grade_multiple_choice(chosen: Collection[int], correct: Collection[int]) -> Grade:
    """All and only the correct options; the score gives partial credit, floored at zero."""
    chosen_set, correct_set = set(chosen), set(correct)
    if chosen_set == correct_set:
        return Grade(True, 1.0)
    hits = len(chosen_set & correct_set)
    misses = len(chosen_set - correct_set)
    partial = max(0.0, (hits - misses) / len(correct_set)) if correct_set else 0.0
    return Grade(False, round(partial, 6))


def grade_numeric(value: float, expected: float, tolerance: float) -> Grade:
    right = math.isfinite(value) and abs(value - expected) <= tolerance + 1e-9 * max(1.0, abs(expected))
    return Grade(right, 1.0 if right else 0.0)


def grade_short_text(text: str, accepted: Iterable[str]) -> Grade:
    answer = normalize_text(text)
    right = bool(answer) and any(answer == normalize_text(variant) for variant in accepted)
    return Grade(right, 1.0 if right else 0.0)
