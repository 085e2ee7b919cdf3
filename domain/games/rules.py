"""Rules of a live game as plain functions: settings, nicknames, PINs, the scoring rule and XP.

Scoring (docs/games.md): a correct answer earns `points x (1 - elapsed / limit / 2)` with the speed
bonus on (Kahoot's rule: an instant answer earns the full points, one at the buzzer half), and the
full points with it off; a wrong answer earns 0. Elapsed time is measured by the server from the
moment the question opened, clamped to [0, limit], and the result is rounded half up to an integer.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from domain.errors import DomainError, Invalid, InvalidErrors

MIN_SECONDS, MAX_SECONDS = 5, 240
MIN_POINTS, MAX_POINTS = 0, 10_000
MIN_PLAYERS, MAX_PLAYERS = 1, 5_000
NICKNAME_MAX = 24
PIN_LENGTH = 6
LONG_PIN_LENGTH = 7  # after repeated collisions among open games
XP_PER_CORRECT = 5
XP_FOR_PLAYING = 5


@dataclass(frozen=True)
class GameSettings:
    seconds_per_question: int = 20
    points_per_question: int = 1000
    speed_bonus: bool = True
    shuffle: bool = False
    max_players: int = 500


def check_settings(settings: GameSettings) -> GameSettings:
    """The settings as given, or every problem with them at once (field paths in camelCase)."""
    errors: list[DomainError] = []
    if not MIN_SECONDS <= settings.seconds_per_question <= MAX_SECONDS:
        message = f"Seconds per question must be {MIN_SECONDS} to {MAX_SECONDS}."
        errors.append(Invalid(message, field=["secondsPerQuestion"]))
    if not MIN_POINTS <= settings.points_per_question <= MAX_POINTS:
        message = f"Points per question must be {MIN_POINTS} to {MAX_POINTS}."
        errors.append(Invalid(message, field=["pointsPerQuestion"]))
    if not MIN_PLAYERS <= settings.max_players <= MAX_PLAYERS:
        errors.append(Invalid(f"Max players must be {MIN_PLAYERS} to {MAX_PLAYERS}.", field=["maxPlayers"]))
    if errors:
        raise errors[0] if len(errors) == 1 else InvalidErrors(errors)
    return settings


def question_points(points: int, *, correct: bool, elapsed_ms: int, limit_ms: int, speed_bonus: bool) -> int:
    """The points of one answer (the module docstring states the rule)."""
    if not correct:
        return 0
    if not speed_bonus or limit_ms <= 0:
        return points
    elapsed = min(max(elapsed_ms, 0), limit_ms)
    # points x (1 - elapsed/limit/2) = points x (2 limit - elapsed) / (2 limit), rounded half up in
    # integers: in floats 1000 x 0.9995 is 999.4999... and a half would round down.
    return (points * (2 * limit_ms - elapsed) + limit_ms) // (2 * limit_ms)


def normalize_nickname(nickname: str) -> tuple[str, str]:
    """(shown, key): trimmed with inner whitespace collapsed, NFKC; the key is casefolded for uniqueness."""
    shown = " ".join(unicodedata.normalize("NFKC", nickname).split())
    if not shown:
        raise Invalid("Choose a nickname.", field=["nickname"])
    if len(shown) > NICKNAME_MAX:
        raise Invalid(f"A nickname has at most {NICKNAME_MAX} characters.", field=["nickname"], code="TOO_LONG")
    if any(unicodedata.category(ch).startswith("C") for ch in shown):
        raise Invalid("A nickname cannot hold control characters.", field=["nickname"])
    return shown, shown.casefold()[:NICKNAME_MAX]


def new_pin(length: int = PIN_LENGTH) -> str:
    """A random PIN of `length` digits with no leading zero (it is read aloud and typed on phones)."""
    return str(secrets.randbelow(9 * 10 ** (length - 1)) + 10 ** (length - 1))


def normalize_pin(pin: str) -> str:
    return "".join(ch for ch in pin if ch.isdigit())


def xp_for_game(correct_answers: int, answered: int) -> int:
    """XP a signed-in player earns for a finished game: some for taking part, more per correct answer."""
    if answered == 0:
        return 0
    return XP_FOR_PLAYING + XP_PER_CORRECT * correct_answers
