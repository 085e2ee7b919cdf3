"""Grading rules, without a database."""

from __future__ import annotations

import math

import pytest

from domain.learning.scoring import (
    grade_multiple_choice,
    grade_numeric,
    grade_short_text,
    grade_single_choice,
    normalize_text,
)


def test_single_choice_needs_exactly_the_correct_option() -> None:
    assert grade_single_choice([3], [3]).correct
    assert not grade_single_choice([3, 4], [3]).correct
    assert grade_single_choice([4], [3]).score == 0.0


def test_multiple_choice_gives_partial_credit_floored_at_zero() -> None:
    assert grade_multiple_choice([1, 2], [1, 2]).score == 1.0
    assert grade_multiple_choice([1], [1, 2]) == grade_multiple_choice([2], [1, 2])
    assert grade_multiple_choice([1], [1, 2]).score == 0.5
    assert not grade_multiple_choice([1], [1, 2]).correct
    assert grade_multiple_choice([1, 3, 4], [1, 2]).score == 0.0


@pytest.mark.parametrize(
    ("value", "correct"), [(42.0, True), (42.5, True), (41.49, False), (math.nan, False), (math.inf, False)]
)
def test_numeric_answers_match_within_tolerance(value: float, correct: bool) -> None:
    assert grade_numeric(value, 42.0, 0.5).correct is correct


def test_short_text_is_normalized_before_matching() -> None:
    assert normalize_text("  Data\tLOADER. ") == "data loader"
    assert grade_short_text("dataloader", ["DataLoader"]).correct
    assert grade_short_text("ＤａｔａＬｏａｄｅｒ", ["DataLoader"]).correct  # full-width letters
    assert not grade_short_text("", [""]).correct
    assert not grade_short_text("loader", ["DataLoader"]).correct
