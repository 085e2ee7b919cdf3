"""The access rules (domain/policies.py) as a matrix of viewers and rows, without a database or HTTP.

Each test asks one rule for every kind of viewer and compares who passes with the set expected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from domain import policies
from domain.models import (
    Class,
    Course,
    Job,
    JobKind,
    Lesson,
    Problem,
    ProblemKind,
    ProblemStatus,
    ReviewCard,
    Role,
    Submission,
    TutorThread,
    User,
)

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def _user(user_id: int, role: Role) -> User:
    return User(
        id=user_id,
        email=f"u{user_id}@example.org",
        display_name=f"User {user_id}",
        password_hash="-",
        role=role.value,
        created_at=NOW,
    )


LEARNER = _user(1, Role.LEARNER)  # the student of every record below
OTHER_LEARNER = _user(2, Role.LEARNER)
OWNER = _user(3, Role.INSTRUCTOR)  # owns the course and teaches the class below
OTHER_INSTRUCTOR = _user(4, Role.INSTRUCTOR)
ADMIN = _user(5, Role.ADMIN)

VIEWERS: dict[str, User | None] = {
    "anonymous": None,
    "learner": LEARNER,
    "other learner": OTHER_LEARNER,
    "owner": OWNER,
    "other instructor": OTHER_INSTRUCTOR,
    "admin": ADMIN,
}
STAFF = {"owner", "other instructor", "admin"}
EVERYONE = set(VIEWERS)

COURSE = Course(id=10, slug="algebra", title="Algebra", owner_id=OWNER.id, created_at=NOW)


def _lesson(published: bool) -> Lesson:
    return Lesson(id=20, course_id=10, title="Fractions", published=published, created_at=NOW)


def _problem(status: ProblemStatus) -> Problem:
    return Problem(id=30, lesson_id=20, kind=ProblemKind.NUMERIC.value, status=status.value, prompt="1/2 + 1/4?")


def _job(created_by: User, lesson_id: int | None = None) -> Job:
    assert created_by.id is not None
    return Job(
        id=40,
        kind=JobKind.GENERATION.value,
        input_hash="h",
        lesson_id=lesson_id,
        created_by=created_by.id,
        created_at=NOW,
        updated_at=NOW,
    )


CLASS = Class(id=50, name="7b", instructor_id=OWNER.id, join_code="ABCDEFGH", created_at=NOW)


def passing(rule: Callable[[User | None], bool]) -> set[str]:
    """The viewers the rule lets through."""
    return {name for name, viewer in VIEWERS.items() if rule(viewer)}


# -- roles ---------------------------------------------------------------------------------------


def test_staff_are_instructors_and_admins() -> None:
    assert passing(policies.is_staff) == STAFF
    assert passing(policies.is_admin) == {"admin"}
    assert passing(policies.is_instructor) == {"owner", "other instructor"}


def test_owning_needs_a_viewer_and_the_same_id() -> None:
    assert policies.is_owner(1, 1)
    assert not policies.is_owner(1, 2)
    assert not policies.is_owner(None, None)
    assert not policies.is_owner(None, 1)


# -- lessons and problems ------------------------------------------------------------------------


@pytest.mark.parametrize(("published", "expected"), [(True, EVERYONE), (False, STAFF)])
def test_draft_lessons_are_for_staff_and_published_ones_for_everyone(published: bool, expected: set[str]) -> None:
    lesson = _lesson(published)

    assert passing(lambda viewer: policies.can_view_lesson(viewer, lesson)) == expected


def test_only_staff_see_drafts_in_listings() -> None:
    assert passing(policies.can_see_drafts) == STAFF


@pytest.mark.parametrize(
    ("lesson_published", "status", "expected"),
    [
        (True, ProblemStatus.PUBLISHED, EVERYONE),
        (True, ProblemStatus.DRAFT, STAFF),
        (False, ProblemStatus.PUBLISHED, STAFF),
        (False, ProblemStatus.DRAFT, STAFF),
    ],
)
def test_a_problem_is_visible_when_it_and_its_lesson_are_published_or_to_staff(
    lesson_published: bool, status: ProblemStatus, expected: set[str]
) -> None:
    lesson, problem = _lesson(lesson_published), _problem(status)

    assert passing(lambda viewer: policies.can_view_problem(viewer, problem, lesson)) == expected


@pytest.mark.parametrize(
    ("lesson_published", "status", "expected"),
    [
        (True, ProblemStatus.PUBLISHED, EVERYONE),
        (True, ProblemStatus.DRAFT, set()),
        (False, ProblemStatus.PUBLISHED, STAFF),
        (False, ProblemStatus.DRAFT, set()),
    ],
)
def test_draft_problems_are_answered_by_nobody_not_even_staff(
    lesson_published: bool, status: ProblemStatus, expected: set[str]
) -> None:
    lesson, problem = _lesson(lesson_published), _problem(status)

    assert passing(lambda viewer: policies.can_answer_problem(viewer, problem, lesson)) == expected


@pytest.mark.parametrize(
    ("answered", "expected"),
    [(False, STAFF), (True, STAFF | {"learner", "other learner"})],
)
def test_answer_keys_show_to_staff_always_and_to_learners_after_answering(answered: bool, expected: set[str]) -> None:
    assert passing(lambda viewer: policies.can_see_answer_key(viewer, answered=answered)) == expected


# -- authoring -----------------------------------------------------------------------------------


def test_only_instructors_and_admins_author_content() -> None:
    assert passing(policies.can_author_content) == STAFF


def test_an_instructor_changes_only_their_own_course_and_an_admin_any() -> None:
    others = Course(id=11, slug="geometry", title="Geometry", owner_id=OTHER_INSTRUCTOR.id, created_at=NOW)
    ownerless = Course(id=12, slug="demo", title="Demo", owner_id=None, created_at=NOW)

    assert passing(lambda viewer: policies.can_author_course(viewer, COURSE)) == {"owner", "admin"}
    assert passing(lambda viewer: policies.can_author_course(viewer, others)) == {"other instructor", "admin"}
    assert passing(lambda viewer: policies.can_author_course(viewer, ownerless)) == {"admin"}


def test_a_learner_never_authors_a_course_even_one_recorded_as_theirs() -> None:
    theirs = Course(id=13, slug="mine", title="Mine", owner_id=LEARNER.id, created_at=NOW)

    assert not policies.can_author_course(LEARNER, theirs)


def test_only_admins_rename_or_move_topics() -> None:
    assert passing(policies.can_edit_topic) == {"admin"}


# -- own records ---------------------------------------------------------------------------------


def test_submissions_review_cards_and_emails_are_for_their_owner_only() -> None:
    submission = Submission(id=60, user_id=LEARNER.id, idempotency_key="k", request_hash="h", created_at=NOW)
    card = ReviewCard(id=70, user_id=LEARNER.id, problem_id=30, due=NOW)

    def by_id(rule: Callable[[int | None], bool]) -> set[str]:
        return {name for name, viewer in VIEWERS.items() if rule(viewer.id if viewer is not None else None)}

    assert by_id(lambda viewer_id: policies.can_view_submission(viewer_id, submission)) == {"learner"}
    assert by_id(lambda viewer_id: policies.can_view_review_card(viewer_id, card)) == {"learner"}
    assert by_id(lambda viewer_id: policies.can_see_email(viewer_id, LEARNER)) == {"learner"}


# -- jobs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started_by", "expected"),
    [(LEARNER, {"learner", "admin"}), (OWNER, {"owner", "admin"}), (ADMIN, {"admin"})],
)
def test_a_job_is_seen_by_whoever_started_it_and_by_admins(started_by: User, expected: set[str]) -> None:
    job = _job(started_by)

    assert passing(lambda viewer: policies.can_view_job(viewer, job)) == expected


@pytest.mark.parametrize(
    ("started_by", "expected"),
    [(LEARNER, {"learner", "owner", "admin"}), (OTHER_INSTRUCTOR, {"other instructor", "owner", "admin"})],
)
def test_the_author_of_the_course_also_sees_the_jobs_of_its_lessons(started_by: User, expected: set[str]) -> None:
    job = _job(started_by, lesson_id=20)

    assert passing(lambda viewer: policies.can_view_job(viewer, job, course=COURSE)) == expected
    # without the course looked up, never more than with it
    assert passing(lambda viewer: policies.can_view_job(viewer, job)) <= expected


def test_a_course_means_nothing_for_a_job_without_a_lesson() -> None:
    job = _job(LEARNER)

    assert passing(lambda viewer: policies.can_view_job(viewer, job, course=COURSE)) == {"learner", "admin"}


def test_learning_history_lists_are_for_their_owner_only() -> None:
    assert passing(lambda viewer: policies.can_view_learning_history(viewer.id if viewer else None, 1)) == {"learner"}


# -- classes and analytics -----------------------------------------------------------------------


def test_only_instructors_and_admins_create_classes() -> None:
    assert passing(policies.can_create_class) == STAFF


def test_a_class_is_managed_by_its_instructor_and_admins() -> None:
    assert passing(lambda viewer: policies.can_manage_class(viewer, CLASS)) == {"owner", "admin"}


def test_a_classs_alerts_are_for_its_instructor_and_admins_never_for_learners() -> None:
    assert passing(lambda viewer: policies.can_manage_alerts(viewer, CLASS)) == {"owner", "admin"}


def test_a_former_instructor_no_longer_manages_the_class_they_taught() -> None:
    demoted = _user(6, Role.LEARNER)
    their_class = Class(id=51, name="8a", instructor_id=demoted.id, join_code="HGFEDCBA", created_at=NOW)

    assert not policies.can_manage_class(demoted, their_class)
    assert policies.can_view_class(demoted, their_class, is_member=False) is False


@pytest.mark.parametrize(
    ("members", "expected"),
    [({"learner"}, {"learner", "owner", "admin"}), (set(), {"owner", "admin"})],
)
def test_a_class_is_seen_by_its_students_its_instructor_and_admins(members: set[str], expected: set[str]) -> None:
    seen = {
        name for name, viewer in VIEWERS.items() if policies.can_view_class(viewer, CLASS, is_member=name in members)
    }

    assert seen == expected


def test_anyone_logged_in_joins_a_class_but_its_own_instructor() -> None:
    assert passing(lambda viewer: policies.can_join_class(viewer, CLASS)) == EVERYONE - {"anonymous", "owner"}


@pytest.mark.parametrize(
    ("in_viewer_class", "expected"),
    [(True, {"learner", "owner", "other instructor", "admin"}), (False, {"learner", "admin"})],
)
def test_a_students_record_is_for_them_their_instructors_and_admins(in_viewer_class: bool, expected: set[str]) -> None:
    # in_viewer_class is the lookup "is the learner in a class this viewer teaches", made per viewer
    seen = passing(lambda viewer: policies.can_view_student(viewer, 1, in_viewer_class=in_viewer_class))

    assert seen == expected


# -- the AI tutor --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [(ProblemStatus.PUBLISHED, EVERYONE - {"anonymous"}), (ProblemStatus.DRAFT, STAFF)],
)
def test_the_tutor_is_asked_about_visible_problems_by_someone_logged_in(
    status: ProblemStatus, expected: set[str]
) -> None:
    lesson, problem = _lesson(True), _problem(status)

    assert passing(lambda viewer: policies.can_ask_tutor(viewer, problem, lesson)) == expected


def test_a_tutor_thread_is_seen_by_its_owner_only() -> None:
    thread = TutorThread(id=60, user_id=LEARNER.id, problem_id=30, course_id=10, created_at=NOW, updated_at=NOW)

    assert passing(lambda viewer: policies.can_view_tutor_thread(viewer, thread)) == {"learner"}


def test_what_the_tutor_cost_in_a_course_is_read_by_its_owner_and_admins() -> None:
    assert passing(lambda viewer: policies.can_view_tutor_usage(viewer, COURSE)) == {"owner", "admin"}
