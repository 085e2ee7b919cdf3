"""Classes: creating with a join code, joining, and who may see a class's students and analytics."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.classes import membership
from domain.classes.membership import ClassDraft
from domain.errors import DomainError, Forbidden, Invalid, InvalidErrors, NotFound
from domain.models import ClassCourse, ClassMember, Role
from domain.settings import Settings
from tests.effects import stale_scopes
from tests.factories import make_class, make_course, make_user


def errors_of(error: DomainError) -> list[tuple[list[str] | None, str]]:
    found = error.errors if isinstance(error, InvalidErrors) else [error]
    return [(e.field, e.code) for e in found]


def test_join_codes_use_an_unambiguous_alphabet() -> None:
    codes = {membership.new_join_code() for _ in range(200)}

    assert len(codes) == 200
    assert all(len(code) == membership.JOIN_CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("0O1I")


def test_join_codes_are_normalised_before_lookup() -> None:
    assert membership.normalize_join_code(" abcd-efgh ") == "ABCDEFGH"


async def test_instructor_creates_a_class_tied_to_courses(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    first, second = await make_course(session, now), await make_course(session, now)

    created = await membership.create_class(
        session,
        instructor,
        ClassDraft("  Algebra 1  ", (second.course.id, first.course.id)),
        now,  # type: ignore[arg-type]
    )

    assert created.name == "Algebra 1"
    assert created.instructor_id == instructor.id
    assert len(created.join_code) == membership.JOIN_CODE_LENGTH
    linked = await session.execute(select(ClassCourse.course_id).where(ClassCourse.class_id == created.id))  # type: ignore[arg-type]
    assert sorted(linked.scalars()) == sorted([first.course.id, second.course.id])


async def test_learners_cannot_create_classes(session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner = await make_user(session, settings, now)

    with pytest.raises(Forbidden):
        await membership.create_class(session, learner, ClassDraft("Mine"), now)


async def test_bad_class_input_reports_every_field(session: AsyncSession, settings: Settings, now: datetime) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)

    with pytest.raises(DomainError) as blank:
        await membership.create_class(session, instructor, ClassDraft("   "), now)
    with pytest.raises(DomainError) as unknown:
        await membership.create_class(session, instructor, ClassDraft("Ok", (999, 998)), now)

    assert errors_of(blank.value) == [(["name"], "INVALID")]
    assert errors_of(unknown.value) == [(["courseIds", "0"], "NOT_FOUND"), (["courseIds", "1"], "NOT_FOUND")]


async def test_joining_twice_keeps_one_membership_and_marks_the_class_stale_once(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    class_ = await make_class(session, instructor, now)
    await session.commit()

    joined = await membership.join_class(session, learner, class_.join_code.lower(), now)
    await session.commit()
    stale = stale_scopes(session)
    again = await membership.join_class(session, learner, class_.join_code, now)

    assert joined.id == again.id == class_.id
    assert stale == {f"class:{class_.id}"}
    count = await session.execute(select(func.count()).select_from(ClassMember))
    assert count.scalar_one() == 1


async def test_unknown_codes_and_own_classes_cannot_be_joined(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    class_ = await make_class(session, instructor, now)

    with pytest.raises(NotFound) as unknown:
        await membership.join_class(session, instructor, "NOPE-NOPE", now)
    with pytest.raises(Invalid) as own:
        await membership.join_class(session, instructor, class_.join_code, now)

    assert errors_of(unknown.value) == [(["joinCode"], "NOT_FOUND")]
    assert errors_of(own.value) == [(["joinCode"], "INVALID")]


async def test_only_the_instructor_and_admins_pass_the_class_check(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    student = await make_user(session, settings, now)
    class_ = await make_class(session, owner, now, students=(student,))
    assert class_.id is not None

    await membership.check_class_access(session, owner.id, class_.id)  # type: ignore[arg-type]
    await membership.check_class_access(session, admin.id, class_.id)  # type: ignore[arg-type]
    for viewer, class_id in [(other, class_.id), (student, class_.id), (owner, class_.id + 1000)]:
        with pytest.raises(Forbidden) as refused:
            await membership.check_class_access(session, viewer.id, class_id)  # type: ignore[arg-type]
        assert refused.value.message == membership.NOT_YOURS  # the same answer for foreign and unknown classes


async def test_instructors_see_only_their_own_students(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    student, stranger = await make_user(session, settings, now), await make_user(session, settings, now)
    await make_class(session, owner, now, students=(student,))

    await membership.check_student_access(session, student.id, student.id)  # type: ignore[arg-type]
    await membership.check_student_access(session, owner.id, student.id)  # type: ignore[arg-type]
    await membership.check_student_access(session, admin.id, stranger.id)  # type: ignore[arg-type]
    refused = [
        (other.id, student.id),
        (owner.id, stranger.id),
        (student.id, stranger.id),
        (owner.id, 987654),
        (admin.id, 987654),
    ]
    for viewer_id, user_id in refused:
        with pytest.raises(Forbidden):
            await membership.check_student_access(session, viewer_id, user_id)  # type: ignore[arg-type]


async def test_student_pages_are_batched_per_class(session: AsyncSession, settings: Settings, now: datetime) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    students = [await make_user(session, settings, now) for _ in range(5)]
    first = await make_class(session, instructor, now, students=tuple(students[:3]))
    second = await make_class(session, instructor, now, students=tuple(students[3:]))
    keys = [
        membership.StudentPageKey(first.id, 2, None),  # type: ignore[arg-type]
        membership.StudentPageKey(second.id, 2, None),  # type: ignore[arg-type]
        membership.StudentPageKey(first.id, 2, students[1].id),  # type: ignore[arg-type]
    ]

    pages = await membership.student_pages(session, keys)

    assert [u.id for u in pages[keys[0]]] == [s.id for s in students[:3]]  # first + 1 tells there is more
    assert [u.id for u in pages[keys[1]]] == [s.id for s in students[3:]]
    assert [u.id for u in pages[keys[2]]] == [students[2].id]
