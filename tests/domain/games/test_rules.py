"""Rules of live games without a database: scoring, settings, nicknames, PINs, XP."""

from __future__ import annotations

import pytest

from domain.errors import Invalid, InvalidErrors
from domain.games.rules import GameSettings, check_settings, new_pin, normalize_nickname, question_points, xp_for_game


def test_an_instant_correct_answer_earns_the_full_points() -> None:
    assert question_points(1000, correct=True, elapsed_ms=0, limit_ms=20_000, speed_bonus=True) == 1000


def test_a_correct_answer_at_the_buzzer_earns_half_the_points() -> None:
    assert question_points(1000, correct=True, elapsed_ms=20_000, limit_ms=20_000, speed_bonus=True) == 500


def test_points_fall_linearly_with_the_elapsed_time() -> None:
    # 1000 x (1 - 5/20/2) = 875; 1000 x (1 - 7.3/20/2) = 817.5 -> 818 (half up)
    assert question_points(1000, correct=True, elapsed_ms=5_000, limit_ms=20_000, speed_bonus=True) == 875
    assert question_points(1000, correct=True, elapsed_ms=7_300, limit_ms=20_000, speed_bonus=True) == 818


def test_an_exact_half_point_rounds_up_where_floats_would_fall_short() -> None:
    # 1000 x (1 - 10/10000/2) = 999.5 exactly; in floats 1000 x 0.9995 is 999.4999... (found by bench.games)
    assert question_points(1000, correct=True, elapsed_ms=10, limit_ms=10_000, speed_bonus=True) == 1000
    assert question_points(1000, correct=True, elapsed_ms=7_330, limit_ms=10_000, speed_bonus=True) == 634
    assert question_points(1000, correct=True, elapsed_ms=7_310, limit_ms=10_000, speed_bonus=True) == 635


def test_elapsed_time_is_clamped_to_the_limit() -> None:
    assert question_points(1000, correct=True, elapsed_ms=99_000, limit_ms=20_000, speed_bonus=True) == 500
    assert question_points(1000, correct=True, elapsed_ms=-5, limit_ms=20_000, speed_bonus=True) == 1000


def test_without_the_speed_bonus_a_correct_answer_earns_the_full_points() -> None:
    assert question_points(1000, correct=True, elapsed_ms=19_000, limit_ms=20_000, speed_bonus=False) == 1000


def test_a_wrong_answer_earns_nothing() -> None:
    assert question_points(1000, correct=False, elapsed_ms=0, limit_ms=20_000, speed_bonus=True) == 0


def test_settings_out_of_range_are_all_reported_with_their_fields() -> None:
    with pytest.raises(InvalidErrors) as raised:
        check_settings(GameSettings(seconds_per_question=4, points_per_question=-1, max_players=0))

    assert [error.field for error in raised.value.errors] == [
        ["secondsPerQuestion"],
        ["pointsPerQuestion"],
        ["maxPlayers"],
    ]


def test_settings_at_the_limits_are_accepted() -> None:
    assert check_settings(GameSettings(seconds_per_question=5)).seconds_per_question == 5
    assert check_settings(GameSettings(seconds_per_question=240)).seconds_per_question == 240


def test_nicknames_are_trimmed_and_compared_without_case() -> None:
    assert normalize_nickname("  Ana   Lopez ") == ("Ana Lopez", "ana lopez")
    assert normalize_nickname("ANA LOPEZ")[1] == normalize_nickname("ana lopez")[1]


@pytest.mark.parametrize("nickname", ["", "   ", "x" * 25, "bad\x00name"])
def test_empty_long_or_control_character_nicknames_are_refused(nickname: str) -> None:
    with pytest.raises(Invalid) as raised:
        normalize_nickname(nickname)

    assert raised.value.field == ["nickname"]


def test_pins_have_six_or_seven_digits_and_no_leading_zero() -> None:
    pins = [new_pin() for _ in range(200)] + [new_pin(7) for _ in range(50)]

    assert all(pin.isdigit() and pin[0] != "0" for pin in pins)
    assert {len(pin) for pin in pins} == {6, 7}


def test_xp_counts_correct_answers_and_nothing_for_not_playing() -> None:
    assert xp_for_game(correct_answers=3, answered=4) == 20
    assert xp_for_game(correct_answers=0, answered=0) == 0
