"""The password policy: the shipped list of common passwords and the patterns attackers try first."""

from __future__ import annotations

import pytest

from domain.accounts.passwords import CODE, check_password, common_passwords


def test_the_shipped_list_holds_the_10000_most_common_passwords_the_length_rule_lets_through() -> None:
    listed = common_passwords()

    assert len(listed) == 10_000
    assert {"password", "12345678", "iloveyou", "trustno1", "1qaz2wsx"} <= listed
    assert min(len(password) for password in listed) >= 8


@pytest.mark.parametrize(
    "password",
    ["password", "PassWord", "iloveyou", "sunshine", "qwertyuiop", "aaaaaaaaaa", "abababab", "lmnopqrstu", "hgfedcba"],
)
def test_common_and_patterned_passwords_are_refused(password: str) -> None:
    refused = check_password(password)

    assert refused is not None
    assert refused.code == CODE
    assert refused.field == ["password"]


@pytest.mark.parametrize("password", ["ada.lovelace@example.org", "ADA.LOVELACE", "Countess Ada"])
def test_the_account_s_own_email_or_name_is_refused(password: str) -> None:
    refused = check_password(password, email="ada.lovelace@example.org", display_name="Countess Ada")

    assert refused is not None
    assert "your email or name" in refused.message


@pytest.mark.parametrize("password", ["correct horse", "learnql-demo", "tulip river cobalt", "Zq8#mW2!pL"])
def test_other_passwords_pass(password: str) -> None:
    assert check_password(password, email="ada@example.org", display_name="Ada") is None
