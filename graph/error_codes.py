"""UserErrorCode: every machine code a domain error carries, as an enum a typed client can switch on.

The domain raises codes as strings (domain/errors.py and `code=` where an error is made);
tests/graph/test_error_codes.py reads the source for every one of them and fails when one is missing
here. A new code is a new value (a dangerous change, not a breaking one: clients may need a default
branch); removing one breaks clients and goes through docs/api/changelog.md.
"""

from __future__ import annotations

import logging
from enum import Enum

import strawberry

log = logging.getLogger("learnql.errors")


@strawberry.enum(
    name="UserErrorCode",
    description="Why a mutation refused its input (`UserError.code`). Clients should keep a default "
    "branch: new codes may be added.",
)
class UserErrorCode(Enum):
    # general
    INVALID = strawberry.enum_value("INVALID", description="The value is not acceptable; `message` says why.")
    REQUIRED = strawberry.enum_value("REQUIRED", description="A value is missing or empty.")
    WRONG_TYPE = strawberry.enum_value("WRONG_TYPE", description="An imported value has the wrong JSON type.")
    TOO_LONG = strawberry.enum_value("TOO_LONG", description="A text is longer than its limit.")
    OUT_OF_RANGE = strawberry.enum_value("OUT_OF_RANGE", description="A number is outside its allowed range.")
    NOT_SUPPORTED = strawberry.enum_value("NOT_SUPPORTED", description="A valid option this operation cannot do.")
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="No such object, or not one the viewer may see (the two look the same)."
    )
    CONFLICT = strawberry.enum_value("CONFLICT", description="The change clashes with the stored state.")
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED", description="Not logged in (normally a GraphQL error with this extensions.code)."
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN", description="Not allowed (normally a GraphQL error with this extensions.code)."
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED", description="The idempotency key was used before with a different request."
    )
    # reviews
    NOT_ENOUGH_REVIEWS = strawberry.enum_value(
        "NOT_ENOUGH_REVIEWS", description="Too few reviews to fit personal FSRS parameters (optimizeReviewParameters)."
    )
    # accounts
    EMAIL_TAKEN = strawberry.enum_value("EMAIL_TAKEN", description="An account with this email exists.")
    INVALID_CREDENTIALS = strawberry.enum_value(
        "INVALID_CREDENTIALS", description="The email and password do not match an account."
    )
    # answers
    MISSING_ANSWER = strawberry.enum_value(
        "MISSING_ANSWER", description="A problem's answer is missing, empty or of the wrong form for its kind."
    )
    # authoring and import
    SLUG_TAKEN = strawberry.enum_value("SLUG_TAKEN", description="Another course has this slug.")
    TOPIC_EXISTS = strawberry.enum_value("TOPIC_EXISTS", description="A topic with this path exists.")
    EXTERNAL_ID_TAKEN = strawberry.enum_value("EXTERNAL_ID_TAKEN", description="Another problem has this external id.")
    NOT_ALLOWED = strawberry.enum_value(
        "NOT_ALLOWED", description="A field this kind of problem does not take (e.g. options of a NUMERIC one)."
    )
    OPTION_COUNT = strawberry.enum_value("OPTION_COUNT", description="Too few or too many options.")
    CORRECT_OPTION_COUNT = strawberry.enum_value(
        "CORRECT_OPTION_COUNT", description="Not one correct option (single choice) or none (multiple choice)."
    )
    DUPLICATE_OPTION = strawberry.enum_value("DUPLICATE_OPTION", description="The same option text twice.")
    NOT_FINITE = strawberry.enum_value("NOT_FINITE", description="A number is infinite or not a number.")
    CYCLE = strawberry.enum_value("CYCLE", description="A topic cannot move below itself.")
    UNKNOWN_FIELD = strawberry.enum_value("UNKNOWN_FIELD", description="An imported item has a field the format lacks.")
    UNKNOWN_TYPE = strawberry.enum_value("UNKNOWN_TYPE", description="An imported item has an unknown `type`.")
    ANSWER_NOT_AN_OPTION = strawberry.enum_value(
        "ANSWER_NOT_AN_OPTION", description="An imported item's answer is not one of its options."
    )
    TOO_MANY_ITEMS = strawberry.enum_value("TOO_MANY_ITEMS", description="More items than one call takes.")
    DUPLICATE_ID = strawberry.enum_value("DUPLICATE_ID", description="The same external id twice in one import.")
    # limits and accounts (second round)
    LOGIN_THROTTLED = strawberry.enum_value(
        "LOGIN_THROTTLED", description="Too many failed logins for this account or address; see `retryAfter`."
    )
    RATE_LIMITED = strawberry.enum_value("RATE_LIMITED", description="A rate limit refused the request; retry later.")
    ACCOUNT_DEACTIVATED = strawberry.enum_value("ACCOUNT_DEACTIVATED", description="The account is deactivated.")
    DELETION_BLOCKED = strawberry.enum_value(
        "DELETION_BLOCKED",
        description="The account cannot be deleted yet: it is the last admin, teaches a class with students or "
        "grades, or hosts an open game (`message` says which).",
    )
    PASSWORD_TOO_COMMON = strawberry.enum_value(
        "PASSWORD_TOO_COMMON",
        description="The new password is among the first an attacker tries: a common one, a run or sequence, "
        "or the account's own email or name.",
    )
    # hostile input (normally GraphQL errors with this extensions.code, refused before execution)
    INVALID_CHARACTER = strawberry.enum_value(
        "INVALID_CHARACTER", description="A text holds a NUL character or an unpaired surrogate."
    )
    TOO_DEEP = strawberry.enum_value("TOO_DEEP", description="A JSON value is nested deeper than its limit.")
    # live games
    GAME_NOT_FOUND = strawberry.enum_value("GAME_NOT_FOUND", description="No open game has this PIN or id.")
    GAME_FULL = strawberry.enum_value("GAME_FULL", description="The game has as many players as it takes.")
    NICKNAME_TAKEN = strawberry.enum_value(
        "NICKNAME_TAKEN", description="Another player of the game has this nickname."
    )
    QUESTION_NOT_OPEN = strawberry.enum_value(
        "QUESTION_NOT_OPEN", description="The question answered is not the open one."
    )
    TOO_LATE = strawberry.enum_value("TOO_LATE", description="The answer came after the question's deadline.")
    ALREADY_ANSWERED = strawberry.enum_value(
        "ALREADY_ANSWERED", description="The player answered this question already, differently."
    )
    WRONG_GAME_STATE = strawberry.enum_value(
        "WRONG_GAME_STATE", description="The game is not in a state that allows this host action."
    )
    PIN_EXHAUSTED = strawberry.enum_value("PIN_EXHAUSTED", description="No free PIN was found; try again.")
    # grades
    DUPLICATE = strawberry.enum_value("DUPLICATE", description="The same external id twice in one call.")
    # documents for AI generation
    NOT_A_PDF = strawberry.enum_value("NOT_A_PDF", description="The uploaded document is not a PDF.")
    TOO_LARGE = strawberry.enum_value("TOO_LARGE", description="The upload is larger than the configured limit.")
    INVALID_PDF = strawberry.enum_value("INVALID_PDF", description="The PDF cannot be read.")
    ENCRYPTED_PDF = strawberry.enum_value("ENCRYPTED_PDF", description="The PDF is encrypted.")
    TOO_MANY_PAGES = strawberry.enum_value("TOO_MANY_PAGES", description="The PDF has more pages than allowed.")
    NO_TEXT = strawberry.enum_value("NO_TEXT", description="The document has no text layer to read.")

    @classmethod
    def of(cls, code: str) -> UserErrorCode:
        """The enum value of a domain code; INVALID (and an error in the log) for one missing here, so a
        payload still answers while the test that guards this enum catches the omission."""
        try:
            return cls(code)
        except ValueError:
            log.error("domain error code %r is missing from UserErrorCode", code)
            return cls.INVALID
