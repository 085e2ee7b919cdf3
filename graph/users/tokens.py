"""TokenMutation: logout, logoutEverywhere and changePassword."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.accounts import auth, tokens
from domain.errors import DomainError
from graph.context import Context
from graph.errors import UserError
from graph.input_limits import text
from graph.users.resolvers import AuthPayload
from graph.users.types import User


@strawberry.input
class ChangePasswordInput:
    current_password: str = text(auth.MAX_PASSWORD)
    new_password: str = text(auth.MAX_PASSWORD, f"At least {auth.MIN_PASSWORD} characters, not a common password.")


@strawberry.type
class LogoutPayload:
    user: User | None = strawberry.field(default=None, description="The account whose token(s) ended.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TokenMutation:
    @strawberry.mutation(description="End the token this request carries; the account's other tokens stay valid.")
    async def logout(self, info: Info[Context, Any]) -> LogoutPayload:
        context = info.context
        viewer = await context.require_viewer()
        claims = context.token
        assert claims is not None
        await context.run(tokens.revoke, claims, context.now())
        return LogoutPayload(user=User.from_model(viewer))

    @strawberry.mutation(description="End every token of the account, this one included (all devices log out).")
    async def logout_everywhere(self, info: Info[Context, Any]) -> LogoutPayload:
        context = info.context
        viewer = await context.require_viewer()
        await context.run(tokens.end_all, viewer)
        return LogoutPayload(user=User.from_model(viewer))

    @strawberry.mutation(
        description="Change the password (the current one is required). Every token issued before ends, "
        "this one included; the payload carries a new token. Wrong current passwords count as failed logins."
    )
    async def change_password(self, info: Info[Context, Any], input: ChangePasswordInput) -> AuthPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            user = await context.run(
                auth.change_password,
                context.settings,
                context.limiter,
                viewer,
                input.current_password,
                input.new_password,
                context.client,
            )
        except DomainError as error:
            return AuthPayload(errors=UserError.from_domain(error))
        return AuthPayload(token=tokens.issue_token(context.settings, user, context.now()), user=User.from_model(user))
