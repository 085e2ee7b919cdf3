"""Leaderboards: scopes, ranking rules and the SQL that computes them from the database.

The database is the source of truth. On the embedded default every board is computed here with SQL;
in production Redis sorted sets serve them (domain/infra/leaderboard_store.py) and are rebuilt from
these same queries.

Ranking: XP descending, ties broken by user id ascending (the earlier account first), so every user
has exactly one rank and a board never reorders without an XP change. Users without XP in a scope
are not on its board.

Scopes:
- ALL_TIME: the user's total XP.
- WEEKLY: XP of awards made in one ISO week (Monday 00:00 to Monday 00:00 UTC, the same for everyone).
- COURSE: XP of answers to problems of that course (`xp_events.course_id`).
- CLASS: the total XP of the class's members.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.errors import Forbidden, Invalid, NotFound, Unauthenticated
from domain.models import Class, ClassMember, Course, User, XpEvent
from domain.realtime.events import XpAwarded

NOT_YOUR_CLASS = "This class does not exist or you are not in it."
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class ScopeKind(StrEnum):
    ALL_TIME = "ALL_TIME"
    WEEKLY = "WEEKLY"
    COURSE = "COURSE"
    CLASS = "CLASS"


@dataclass(frozen=True, order=True, slots=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, moment: datetime) -> IsoWeek:
        year, week, _ = moment.astimezone(UTC).isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str, field: Sequence[str]) -> IsoWeek:
        match = _WEEK.match(text.strip())
        try:
            if match is None:
                raise ValueError(text)
            week = cls(int(match[1]), int(match[2]))
            week.start  # noqa: B018  (validates: 2026-W60 does not exist)
        except ValueError as error:
            raise Invalid(f"{text!r} is not an ISO week such as 2026-W09.", field=list(field)) from error
        return week

    @property
    def start(self) -> datetime:
        return datetime.combine(date.fromisocalendar(self.year, self.week, 1), datetime.min.time(), UTC)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def previous(self) -> IsoWeek:
        return IsoWeek.of(self.start - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True, slots=True)
class Scope:
    """A board: ALL_TIME; WEEKLY with its week (None: whichever week is current); COURSE or CLASS with an id."""

    kind: ScopeKind
    key: int | IsoWeek | None = None

    @classmethod
    def all_time(cls) -> Scope:
        return cls(ScopeKind.ALL_TIME)

    @classmethod
    def weekly(cls, week: IsoWeek | None = None) -> Scope:
        return cls(ScopeKind.WEEKLY, week)

    @classmethod
    def course(cls, course_id: int) -> Scope:
        return cls(ScopeKind.COURSE, course_id)

    @classmethod
    def of_class(cls, class_id: int) -> Scope:
        return cls(ScopeKind.CLASS, class_id)

    def resolve(self, now: datetime) -> Scope:
        """The concrete board: the current week for a WEEKLY scope without one."""
        if self.kind == ScopeKind.WEEKLY and self.key is None:
            return Scope.weekly(IsoWeek.of(now))
        return self

    @property
    def week(self) -> IsoWeek:
        assert isinstance(self.key, IsoWeek), "a resolved WEEKLY scope"
        return self.key

    @property
    def id(self) -> int:
        assert isinstance(self.key, int), "a COURSE or CLASS scope"
        return self.key


@dataclass(frozen=True, slots=True)
class Standing:
    user_id: int
    xp: int
    rank: int


@dataclass(frozen=True, slots=True)
class Board:
    scope: Scope
    entries: list[Standing]
    viewer: Standing | None
    computed_at: datetime


def rank(totals: Sequence[tuple[int, int]]) -> list[Standing]:
    """Standings of (user id, xp) pairs under the tie-break rule; users without XP are left out."""
    ordered = sorted((pair for pair in totals if pair[1] > 0), key=lambda pair: (-pair[1], pair[0]))
    return [Standing(user_id, xp, index + 1) for index, (user_id, xp) in enumerate(ordered)]


def touches(award: XpAwarded, scope: Scope, now: datetime, members: frozenset[int] | None = None) -> bool:
    """Whether `award` changes the board of `scope` (CLASS boards: given their members)."""
    match scope.kind:
        case ScopeKind.ALL_TIME:
            return True
        case ScopeKind.WEEKLY:
            return IsoWeek.of(award.at) == scope.resolve(now).week
        case ScopeKind.COURSE:
            return award.course_id == scope.key
        case ScopeKind.CLASS:
            return members is not None and award.user_id in members


# --- SQL -----------------------------------------------------------------------------------------


def _totals(scope: Scope) -> Select[Any, Any]:
    """(user_id, xp) of every user with XP in the scope."""
    match scope.kind:
        case ScopeKind.ALL_TIME:
            return select(col(User.id).label("user_id"), col(User.xp).label("xp")).where(col(User.xp) > 0)
        case ScopeKind.CLASS:
            return (
                select(col(User.id).label("user_id"), col(User.xp).label("xp"))
                .join(ClassMember, col(ClassMember.user_id) == col(User.id))
                .where(col(ClassMember.class_id) == scope.id, col(User.xp) > 0)
            )
        case ScopeKind.WEEKLY:
            week = scope.week
            where = [col(XpEvent.created_at) >= week.start, col(XpEvent.created_at) < week.end]
        case ScopeKind.COURSE:
            where = [col(XpEvent.course_id) == scope.id]
    xp = func.sum(col(XpEvent.amount))
    return (
        select(col(XpEvent.user_id).label("user_id"), xp.label("xp"))
        .where(*where)
        .group_by(col(XpEvent.user_id))
        .having(xp > 0)
    )


async def top(session: AsyncSession, scope: Scope, n: int) -> list[Standing]:
    """The first `n` standings of a resolved scope: one statement."""
    totals = _totals(scope).subquery()
    query = select(totals.c.user_id, totals.c.xp).order_by(totals.c.xp.desc(), totals.c.user_id.asc()).limit(n)
    rows = (await session.execute(query)).all()
    return [Standing(int(user_id), int(xp), index + 1) for index, (user_id, xp) in enumerate(rows)]


async def standings(session: AsyncSession, scope: Scope, user_ids: Sequence[int]) -> dict[int, Standing]:
    """The standings of some users (those with XP in the scope): one statement."""
    if not user_ids:
        return {}
    totals = _totals(scope).subquery()
    position = func.row_number().over(order_by=(totals.c.xp.desc(), totals.c.user_id.asc()))
    ranked = select(totals.c.user_id, totals.c.xp, position.label("rank")).subquery()
    query = select(ranked.c.user_id, ranked.c.xp, ranked.c.rank).where(ranked.c.user_id.in_(set(user_ids)))
    rows = (await session.execute(query)).all()
    return {int(user_id): Standing(int(user_id), int(xp), int(place)) for user_id, xp, place in rows}


async def totals(session: AsyncSession, scope: Scope) -> list[tuple[int, int]]:
    """Every (user id, xp) of a resolved scope, for rebuilding a store."""
    rows = (await session.execute(_totals(scope))).all()
    return [(int(user_id), int(xp)) for user_id, xp in rows]


async def course_totals(session: AsyncSession) -> dict[int, list[tuple[int, int]]]:
    """(user id, xp) per course, of every course with XP: one statement."""
    xp = func.sum(col(XpEvent.amount))
    query = (
        select(col(XpEvent.course_id), col(XpEvent.user_id), xp)
        .where(col(XpEvent.course_id).is_not(None))
        .group_by(col(XpEvent.course_id), col(XpEvent.user_id))
        .having(xp > 0)
    )
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for course_id, user_id, amount in (await session.execute(query)).all():
        found[int(course_id or 0)].append((int(user_id), int(amount)))
    return dict(found)


async def class_members(session: AsyncSession, class_id: int) -> frozenset[int]:
    query = select(col(ClassMember.user_id)).where(col(ClassMember.class_id) == class_id)
    return frozenset((await session.execute(query)).scalars())


async def check_scope(session: AsyncSession, scope: Scope, viewer_id: int | None) -> None:
    """Who may see a board: everyone sees ALL_TIME, WEEKLY and the board of an existing course; a CLASS
    board is for its members, its instructor and admins (Forbidden alike for unknown and foreign classes)."""
    if scope.kind == ScopeKind.COURSE:
        found = await session.execute(select(literal(1)).where(col(Course.id) == scope.id))
        if found.scalar_one_or_none() is None:
            raise NotFound("No such course.", field=["scope", "id"])
    if scope.kind != ScopeKind.CLASS:
        return
    if viewer_id is None:
        raise Unauthenticated("Log in to see a class leaderboard.")
    member = (
        select(literal(1)).where(col(ClassMember.class_id) == scope.id, col(ClassMember.user_id) == viewer_id).exists()
    )
    query = select(User, Class, member).select_from(User).outerjoin(Class, col(Class.id) == scope.id)
    row = (await session.execute(query.where(col(User.id) == viewer_id))).one_or_none()
    if row is None:
        raise Unauthenticated("The account of this token no longer exists.")
    viewer, class_, is_member = row
    if class_ is None or not policies.can_view_class(viewer, class_, is_member=bool(is_member)):
        raise Forbidden(NOT_YOUR_CLASS, field=["scope", "id"])
