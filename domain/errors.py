"""Domain errors with machine codes; graph/errors.py maps them onto the API."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    code = "INVALID"

    def __init__(
        self,
        message: str,
        *,
        field: Sequence[str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = list(field) if field is not None else None
        if code is not None:
            self.code = code


class Invalid(DomainError):
    code = "INVALID"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class RateLimited(DomainError):
    """A whole request refused by a rate limit: HTTP 429 with Retry-After on the API."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginThrottled(DomainError):
    """Too many failed logins for an account or from an address: a UserError of the login payload."""

    code = "LOGIN_THROTTLED"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed logins; try again in {retry_after} seconds.")
        self.retry_after = retry_after


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"


class InvalidErrors(DomainError):
    """Several input problems found at once, each with its own field path."""

    code = "INVALID"

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)
