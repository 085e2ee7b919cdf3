"""Classes: instructors create them (tied to courses), learners join with a code; who may see what.

Access rule (domain/policies.py `can_manage_class`): a class and everything about it (students,
grades, analytics) belongs to its instructor and to admins. A class that does not exist and one that
is not yours are answered the same way (Forbidden), so guessing IDs reveals nothing.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from domain import policies
from domain.analytics.invalidation import mark_dirty
from domain.content import catalog
from domain.errors import Forbidden, Invalid, InvalidErrors, NotFound, Unauthenticated
from domain.infra.database import dialect_insert
from domain.models import Class, ClassCourse, ClassMember, Course, User

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
JOIN_CODE_LENGTH = 8
MAX_NAME_LENGTH = 200
MAX_COURSES = 50
_CODE_ATTEMPTS = 8

NOT_YOURS = "This class does not exist or is not yours."


@dataclass(frozen=True)
class ClassDraft:
    name: str
    course_ids: tuple[int, ...] = ()


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(code: str) -> str:
    """Codes are case-insensitive and may be typed with spaces or dashes (`abcd-efgh`)."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def _check_draft(draft: ClassDraft) -> str:
    name = draft.name.strip()
    errors = []
    if not name:
        errors.append(Invalid("A class needs a name.", field=["name"]))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(Invalid(f"The name is longer than {MAX_NAME_LENGTH} characters.", field=["name"]))
    if len(draft.course_ids) > MAX_COURSES:
        errors.append(Invalid(f"A class may be tied to at most {MAX_COURSES} courses.", field=["courseIds"]))
    if errors:
        raise errors[0] if len(errors) == 1 else InvalidErrors(errors)
    return name


async def create_class(session: AsyncSession, viewer: User, draft: ClassDraft, now: datetime) -> Class:
    """A new class owned by the viewer (an instructor or admin), with a fresh unique join code."""
    if not policies.can_create_class(viewer):
        raise Forbidden("Only instructors create classes.")
    name = _check_draft(draft)
    courses = await catalog.rows_by_id(session, Course, draft.course_ids)
    missing = [
        NotFound("No such course.", field=["courseIds", str(index)])
        for index, course_id in enumerate(draft.course_ids)
        if course_id not in courses
    ]
    if missing:
        raise missing[0] if len(missing) == 1 else InvalidErrors(missing)
    class_id = None
    for _ in range(_CODE_ATTEMPTS):  # 32^8 codes: a collision is rare, and the unique constraint decides
        claim = (
            dialect_insert(session)(Class)
            .values(name=name, instructor_id=viewer.id, join_code=new_join_code(), created_at=now)
            .on_conflict_do_nothing(index_elements=["join_code"])
            .returning(col(Class.id))
        )
        class_id = (await session.execute(claim)).scalar_one_or_none()
        if class_id is not None:
            break
    if class_id is None:
        raise RuntimeError("could not find a free join code")
    if courses:
        rows = [{"class_id": class_id, "course_id": course_id} for course_id in sorted(courses)]
        await session.execute(dialect_insert(session)(ClassCourse).values(rows).on_conflict_do_nothing())
    return (await catalog.rows_by_id(session, Class, [class_id]))[class_id]


async def join_class(session: AsyncSession, viewer: User, join_code: str, now: datetime) -> Class:
    """Join the class with this code; joining again changes nothing."""
    code = normalize_join_code(join_code)
    query = select(Class).where(col(Class.join_code) == code)
    class_ = (await session.execute(query)).scalar_one_or_none() if code else None
    if class_ is None:
        raise NotFound("No class has this join code.", field=["joinCode"])
    if not policies.can_join_class(viewer, class_):
        raise Invalid("You teach this class; instructors do not join their own classes.", field=["joinCode"])
    statement = (
        dialect_insert(session)(ClassMember)
        .values(class_id=class_.id, user_id=viewer.id, joined_at=now)
        .on_conflict_do_nothing(index_elements=["class_id", "user_id"])
        .returning(col(ClassMember.user_id))
    )
    if (await session.execute(statement)).scalar_one_or_none() is not None:
        assert class_.id is not None
        mark_dirty(session, classes=[class_.id])  # the class has one more student
    return class_


async def check_class_access(session: AsyncSession, viewer_id: int, class_id: int) -> None:
    """Only those who may manage the class pass; Forbidden alike for foreign and unknown classes."""
    query = (
        select(User, Class)
        .select_from(User)
        .outerjoin(Class, col(Class.id) == class_id)
        .where(col(User.id) == viewer_id)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise Unauthenticated("The account of this token no longer exists.")
    viewer, class_ = row
    if class_ is None or not policies.can_manage_class(viewer, class_):
        raise Forbidden(NOT_YOURS)


async def check_student_access(session: AsyncSession, viewer_id: int, user_id: int) -> None:
    """Your own record; or, for instructors, a student of one of your classes; admins see everyone.

    Forbidden alike for unknown users and users who are not your students."""
    if policies.is_owner(viewer_id, user_id):
        return  # one's own record needs no lookup
    student = aliased(User)
    found = select(literal(1)).where(col(student.id) == user_id).exists()
    in_viewer_class = exists().where(
        col(ClassMember.user_id) == user_id,
        col(ClassMember.class_id) == col(Class.id),
        col(Class.instructor_id) == viewer_id,
    )
    row = (await session.execute(select(User, found, in_viewer_class).where(col(User.id) == viewer_id))).one_or_none()
    if row is None:
        raise Unauthenticated("The account of this token no longer exists.")
    viewer, exists_, taught = row
    if not (exists_ and policies.can_view_student(viewer, user_id, in_viewer_class=bool(taught))):
        raise Forbidden("This student does not exist or is not in one of your classes.")


async def viewer_classes(session: AsyncSession, viewer_id: int) -> list[Class]:
    """Classes the viewer teaches, then those they joined; newest first within each."""
    taught = select(Class).where(col(Class.instructor_id) == viewer_id).order_by(col(Class.id).desc())
    joined = (
        select(Class)
        .join(ClassMember, col(ClassMember.class_id) == col(Class.id))
        .where(col(ClassMember.user_id) == viewer_id)
        .order_by(col(Class.id).desc())
    )
    rows = list((await session.execute(taught)).scalars())
    return rows + list((await session.execute(joined)).scalars())


async def member_ids(session: AsyncSession, class_id: int) -> set[int]:
    query = select(col(ClassMember.user_id)).where(col(ClassMember.class_id) == class_id)
    return set((await session.execute(query)).scalars())


async def classes_of_users(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, set[int]]:
    """The classes each of these users belongs to."""
    query = select(col(ClassMember.user_id), col(ClassMember.class_id)).where(
        col(ClassMember.user_id).in_(set(user_ids))
    )
    grouped: dict[int, set[int]] = defaultdict(set)
    for user_id, class_id in await session.execute(query):
        grouped[user_id].add(class_id)
    return grouped


async def member_visibility(session: AsyncSession, viewer_id: int, class_ids: Sequence[int]) -> set[int]:
    """Which of these classes the viewer belongs to as a student."""
    query = select(col(ClassMember.class_id)).where(
        col(ClassMember.user_id) == viewer_id, col(ClassMember.class_id).in_(set(class_ids))
    )
    return set((await session.execute(query)).scalars())


async def course_ids_by_class(session: AsyncSession, class_ids: Sequence[int]) -> dict[int, list[int]]:
    query = (
        select(col(ClassCourse.class_id), col(ClassCourse.course_id))
        .where(col(ClassCourse.class_id).in_(set(class_ids)))
        .order_by(col(ClassCourse.course_id))
    )
    grouped: dict[int, list[int]] = defaultdict(list)
    for class_id, course_id in await session.execute(query):
        grouped[class_id].append(course_id)
    return grouped


async def student_counts(session: AsyncSession, class_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(col(ClassMember.class_id), func.count())
        .where(col(ClassMember.class_id).in_(set(class_ids)))
        .group_by(col(ClassMember.class_id))
    )
    counts = dict.fromkeys(class_ids, 0)
    counts.update({class_id: int(count) for class_id, count in await session.execute(query)})
    return counts


@dataclass(frozen=True)
class StudentPageKey:
    """A page of one class's students ordered by user id, after a user id."""

    class_id: int
    first: int
    after: int | None


async def student_pages(session: AsyncSession, keys: Sequence[StudentPageKey]) -> dict[StudentPageKey, list[User]]:
    """Pages of students for many classes in one statement per distinct cursor (ROW_NUMBER per class)."""
    groups: dict[int | None, list[StudentPageKey]] = defaultdict(list)
    for key in keys:
        groups[key.after].append(key)
    pages: dict[StudentPageKey, list[User]] = {}
    for after, group in groups.items():
        ranked = (
            select(
                col(ClassMember.class_id).label("class_id"),
                col(ClassMember.user_id).label("user_id"),
                func.row_number()
                .over(partition_by=col(ClassMember.class_id), order_by=col(ClassMember.user_id))
                .label("rank"),
            )
            .where(col(ClassMember.class_id).in_({key.class_id for key in group}))
            .where(col(ClassMember.user_id) > (after if after is not None else 0))
            .subquery()
        )
        limit = max(key.first for key in group) + 1
        query = (
            select(ranked.c.class_id, User)
            .join(User, col(User.id) == ranked.c.user_id)
            .where(ranked.c.rank <= limit)
            .order_by(ranked.c.class_id, ranked.c.rank)
        )
        by_class: dict[int, list[User]] = defaultdict(list)
        for class_id, user in await session.execute(query):
            by_class[class_id].append(user)
        for key in group:
            pages[key] = by_class[key.class_id][: key.first + 1]
    return pages
