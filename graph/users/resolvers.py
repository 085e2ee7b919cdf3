"""UserQuery / UserMutation: viewer, register, login (logout and password changes: graph/users/tokens.py)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.accounts import auth
from domain.errors import DomainError
from graph.context import Context
from graph.errors import UserError
from graph.input_limits import text
from graph.users.types import User


@strawberry.input
class RegisterInput:
    email: str = text(auth.MAX_EMAIL)
    password: str = text(auth.MAX_PASSWORD, f"At least {auth.MIN_PASSWORD} characters, not a common password.")
    display_name: str = text(auth.MAX_DISPLAY_NAME)
    timezone: str = text(auth.MAX_TIMEZONE, "IANA time zone; streak days are its local days.", default="UTC")


@strawberry.input
class LoginInput:
    email: str = text(auth.MAX_EMAIL)
    password: str = text(auth.MAX_PASSWORD)


@strawberry.type
class AuthPayload:
    token: str | None = None
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UserQuery:
    @strawberry.field(description="The logged-in user; null when anonymous.")
    async def viewer(self, info: Info[Context, Any]) -> User | None:
        user = await info.context.viewer()
        return User.from_model(user) if user is not None else None


@strawberry.type
class UserMutation:
    @strawberry.mutation(
        description="Sign up as a learner and receive a bearer token. Limited per client address "
        "(RATE_LIMITED, HTTP 429 with Retry-After, past the limit)."
    )
    async def register(self, info: Info[Context, Any], input: RegisterInput) -> AuthPayload:
        context = info.context
        registration = auth.Registration(input.email, input.password, input.display_name, input.timezone)
        try:
            user = await context.run(
                auth.register, context.settings, context.limiter, registration, context.now(), context.client
            )
        except DomainError as error:
            return AuthPayload(errors=UserError.from_domain(error))
        return AuthPayload(
            token=auth.issue_token(context.settings, user, context.now()),
            user=User.from_model(user),
        )

    @strawberry.mutation(
        description="Exchange email and password for a bearer token. After too many failed logins for "
        "the account or from the client's address, answers LOGIN_THROTTLED with `retryAfter` seconds."
    )
    async def login(self, info: Info[Context, Any], input: LoginInput) -> AuthPayload:
        context = info.context
        try:
            user = await context.run(
                auth.login, context.settings, context.limiter, input.email, input.password, context.client
            )
        except DomainError as error:
            return AuthPayload(errors=UserError.from_domain(error))
        return AuthPayload(
            token=auth.issue_token(context.settings, user, context.now()),
            user=User.from_model(user),
        )
