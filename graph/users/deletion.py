"""AccountMutation: deleteAccount, a user deleting their own account and data."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.accounts import auth, deletion
from domain.errors import DomainError
from domain.infra import metrics
from graph import ids
from graph.context import Context
from graph.errors import UserError
from graph.input_limits import text


@strawberry.input
class DeleteAccountInput:
    password: str = text(auth.MAX_PASSWORD, "The account's current password.")


@strawberry.type
class DeleteAccountPayload:
    deleted_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The global ID of the deleted account; null when nothing was deleted."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Delete the viewer's account and their data, for good; every token of the account ends. "
        "Needs the current password (wrong ones count as failed logins: INVALID_CREDENTIALS, then "
        "LOGIN_THROTTLED). Courses they own and grades they recorded stay, without their author; games they "
        "hosted stay for their players. DELETION_BLOCKED while they are the last admin, teach a class with "
        "students or grades, or host an open game. Export the data first: GET /exports/me.json."
    )
    async def delete_account(self, info: Info[Context, Any], input: DeleteAccountInput) -> DeleteAccountPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            deleted = await context.run(
                deletion.delete_account, context.settings, context.limiter, viewer, input.password, context.client
            )
        except DomainError as error:
            return DeleteAccountPayload(errors=UserError.from_domain(error))
        metrics.ACCOUNT_DELETIONS.inc()
        return DeleteAccountPayload(deleted_user_id=ids.encode("User", deleted.user_id))
