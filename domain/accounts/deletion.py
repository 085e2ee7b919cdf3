"""Deleting one's own account and everything that is theirs.

The viewer proves they know their password (a wrong one counts as a failed login, so the login
throttle limits guessing with a stolen token). Then the user row is deleted and the foreign keys do
the rest (migration 0014): their submissions, answers, XP, progress, grades, review cards and logs,
settings, class memberships, tutor threads, game seats and answers, jobs and ended tokens go with
it; what others rely on stays with its author cleared: the courses they own (`owner_id` null,
admins still edit them), the grades they recorded for students, the games they hosted (the course's
staff still see the report). Every token of the account ends: no account, no viewer.

Refused (DELETION_BLOCKED) while the account is the only holder of something that cannot be left
without one: the last active admin, a class with students or grades (its students would lose their
teacher and their class analytics), an open game (its players are waiting for the host). Classes
without students go with the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox, policies
from domain.accounts.auth import check_current_password
from domain.analytics.invalidation import mark_dirty
from domain.errors import Conflict
from domain.games.models import OPEN_STATES
from domain.infra.limiter import Limiter
from domain.infra.locks import lock_user
from domain.models import Class, ClassCourse, ClassMember, Game, Grade, Role, User
from domain.settings import Settings


@dataclass(frozen=True)
class DeletedAccount:
    user_id: int
    classes_left: list[int]  # classes the user was a student of: their analytics changed


def _blocked(message: str) -> Conflict:
    return Conflict(message, code="DELETION_BLOCKED")


async def blockers(session: AsyncSession, user: User) -> list[Conflict]:
    """Why this account cannot be deleted now; empty when it can."""
    assert user.id is not None
    found: list[Conflict] = []
    if policies.is_admin(user):
        others = select(func.count()).where(
            col(User.role) == Role.ADMIN.value, col(User.id) != user.id, col(User.deactivated_at).is_(None)
        )
        if (await session.execute(others)).scalar_one() == 0:
            found.append(_blocked("You are the only admin: make someone else an admin first."))
    busy_class = exists().where(
        col(Class.instructor_id) == user.id,
        or_(
            exists().where(col(ClassMember.class_id) == col(Class.id)),
            exists().where(col(Grade.class_id) == col(Class.id)),
        ),
    )
    if (await session.execute(select(busy_class))).scalar_one():
        found.append(_blocked("You teach a class with students or grades: hand it over or remove them first."))
    open_game = exists().where(
        col(Game.host_id) == user.id, col(Game.state).in_([state.value for state in OPEN_STATES])
    )
    if (await session.execute(select(open_game))).scalar_one():
        found.append(_blocked("You host a game that is still open: end it first."))
    return found


async def delete_account(
    session: AsyncSession, settings: Settings, limiter: Limiter, viewer: User, password: str, client: str | None
) -> DeletedAccount:
    """Delete the viewer's account and data; see the module docstring for what goes and what stays."""
    user_id = viewer.id
    assert user_id is not None
    await check_current_password(settings, limiter, viewer, password, client, ["password"])
    user = await lock_user(session, user_id)  # no submission of theirs commits halfway through
    if found := await blockers(session, user):
        raise found[0]
    memberships = select(col(ClassMember.class_id)).where(col(ClassMember.user_id) == user_id)
    classes_left = sorted((await session.execute(memberships)).scalars())
    taught = select(col(Class.id)).where(col(Class.instructor_id) == user_id)
    await session.execute(delete(ClassCourse).where(col(ClassCourse.class_id).in_(taught)))
    await session.execute(delete(User).where(col(User.id) == user_id))
    mark_dirty(session, classes=classes_left, students=[user_id])
    outbox.record(session, outbox.Forgotten(frozenset({user_id})))  # off the Redis leaderboards after commit
    session.expunge(user)
    return DeletedAccount(user_id, classes_left)
