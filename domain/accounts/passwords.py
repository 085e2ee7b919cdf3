"""The password policy beside the length rule: nothing attackers try first (NIST SP 800-63B, 3.1.1.2).

Refused, with the code PASSWORD_TOO_COMMON: the 10,000 most common passwords of 8 characters or
more (common_passwords.txt, compared case-insensitively), a run of one or two characters
("aaaaaaaa", "abababab"), a straight sequence ("12345678", "hgfedcba"), and the account's own email,
the part before its @, or its display name. There are no composition rules (a digit, a symbol):
they make passwords harder to remember, not to guess.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from domain.errors import Invalid

CODE = "PASSWORD_TOO_COMMON"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("domain.accounts").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _sequential(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1})


def check_password(
    password: str, *, email: str = "", display_name: str = "", field: list[str] | None = None
) -> Invalid | None:
    """Why `password` is too easy to guess, or None; the length rule is checked elsewhere."""
    folded = password.casefold()
    if folded in common_passwords():
        reason = "is one of the most common passwords"
    elif len(set(folded)) <= 2 or _sequential(folded):
        reason = "repeats or counts characters"
    elif folded in {value.casefold() for value in (email, email.partition("@")[0], display_name) if value.strip()}:
        reason = "is your email or name"
    else:
        return None
    return Invalid(
        f"This password {reason}, so it is among the first an attacker tries; choose another, such as a few "
        "unrelated words.",
        field=field or ["password"],
        code=CODE,
    )
