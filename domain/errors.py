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


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"


class InvalidErrors(DomainError):
    """Several input problems found at once, each with its own field path."""

    code = "INVALID"

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)
