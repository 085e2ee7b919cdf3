"""Player tokens: a JWT that lets a guest (or a reconnecting player) act as one player of one game.

Signed like the account tokens (HS256, iss, aud, exp), with `sub` = "player:<id>" and `game` = the
game's id. An account token's `sub` is a bare number, so neither kind passes for the other:
`decode_token` refuses player tokens and `decode_player_token` refuses account tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from domain.accounts.tokens import ALGORITHMS
from domain.errors import Unauthenticated
from domain.settings import Settings

PREFIX = "player:"
TTL = timedelta(hours=12)


@dataclass(frozen=True)
class PlayerClaims:
    player_id: int
    game_id: int


def issue_player_token(settings: Settings, player_id: int, game_id: int, now: datetime) -> str:
    claims = {
        "sub": f"{PREFIX}{player_id}",
        "game": game_id,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + TTL).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHMS[0])


def is_player_token(token: str) -> bool:
    """Whether `token` claims to be a player token (unverified: routing only, `decode_player_token` checks)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    subject = claims.get("sub")
    return isinstance(subject, str) and subject.startswith(PREFIX)


def decode_player_token(settings: Settings, token: str, now: datetime) -> PlayerClaims:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iss", "aud", "sub"], "verify_exp": False},
        )
    except jwt.PyJWTError as error:
        raise Unauthenticated("The player token is invalid.") from error
    expiry, subject, game = claims.get("exp"), claims.get("sub"), claims.get("game")
    if not isinstance(expiry, int | float) or expiry <= now.timestamp():
        raise Unauthenticated("The player token has expired; join the game again.")
    if not isinstance(subject, str) or not subject.startswith(PREFIX) or not subject[len(PREFIX) :].isdigit():
        raise Unauthenticated("The player token is invalid.")
    if not isinstance(game, int):
        raise Unauthenticated("The player token is invalid.")
    return PlayerClaims(int(subject[len(PREFIX) :]), game)
