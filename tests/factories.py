"""Builders for test data, written straight to the database (the services are tested on their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts import auth
from domain.models import (
    Class,
    ClassCourse,
    ClassMember,
    Course,
    Job,
    JobKind,
    JobStatus,
    Lesson,
    Option,
    Problem,
    ProblemKind,
    ReviewCard,
    ReviewLog,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from domain.reviews.fitting import LoggedReview
from domain.settings import Settings

_serial = count(1)


async def make_user(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    *,
    role: Role = Role.LEARNER,
    timezone: str = "UTC",
    email: str | None = None,
) -> User:
    number = next(_serial)
    registration = auth.Registration(email or f"user{number}@example.org", "password-123", f"User {number}", timezone)
    user = await auth.create_user(session, settings, registration, role=role, now=now)
    await session.flush()
    return user


@dataclass
class CourseFixture:
    course: Course
    lessons: list[Lesson] = field(default_factory=list)
    problems: dict[int, list[Problem]] = field(default_factory=dict)  # lesson id -> problems
    options: dict[int, list[Option]] = field(default_factory=dict)  # problem id -> options


async def make_course(
    session: AsyncSession,
    now: datetime,
    *,
    owner: User | None = None,
    lessons: int = 1,
    kinds: tuple[ProblemKind, ...] = (
        ProblemKind.SINGLE_CHOICE,
        ProblemKind.MULTIPLE_CHOICE,
        ProblemKind.NUMERIC,
        ProblemKind.SHORT_TEXT,
        ProblemKind.FREE_TEXT,
    ),
    options_per_problem: int = 4,
    published: bool = True,
) -> CourseFixture:
    """A course whose lessons each hold one problem of every kind in `kinds` (difficulty 2)."""
    number = next(_serial)
    course = Course(
        slug=f"course-{number}",
        title=f"Course {number}",
        owner_id=owner.id if owner else None,
        created_at=now,
    )
    session.add(course)
    await session.flush()
    built = CourseFixture(course)
    for position in range(lessons):
        lesson = Lesson(
            course_id=course.id,
            title=f"Lesson {position + 1}",
            position=position,
            published=published,
            created_at=now,
        )  # type: ignore[arg-type]
        session.add(lesson)
        await session.flush()
        built.lessons.append(lesson)
        problems = [_problem(lesson, kind, index, now) for index, kind in enumerate(kinds)]
        session.add_all(problems)
        await session.flush()
        built.problems[lesson.id] = problems  # type: ignore[index]
        for problem in problems:
            if problem.kind in {
                ProblemKind.SINGLE_CHOICE.value,
                ProblemKind.MULTIPLE_CHOICE.value,
            }:
                correct = {0} if problem.kind == ProblemKind.SINGLE_CHOICE.value else {0, 1}
                options = [
                    Option(
                        problem_id=problem.id,
                        text=f"option {i}",
                        correct=i in correct,
                        position=i,
                    )  # type: ignore[arg-type]
                    for i in range(options_per_problem)
                ]
                session.add_all(options)
                built.options[problem.id] = options  # type: ignore[index]
    await session.flush()
    return built


async def make_lesson(
    session: AsyncSession, now: datetime, *, owner: User | None = None, published: bool = False
) -> int:
    """The id of an empty lesson in a course of its own (unpublished, as an author starts one): where
    the import and authoring tests put their problems."""
    lesson_id = (await make_course(session, now, owner=owner, kinds=(), published=published)).lessons[0].id
    assert lesson_id is not None
    return lesson_id


def _problem(lesson: Lesson, kind: ProblemKind, position: int, now: datetime) -> Problem:
    problem = Problem(
        lesson_id=lesson.id,  # type: ignore[arg-type]
        kind=kind.value,
        prompt=f"{kind.value} question",
        explanation=f"why {kind.value}",
        difficulty=2,
        position=position,
        created_at=now,
    )
    if kind == ProblemKind.NUMERIC:
        problem.numeric_answer, problem.tolerance = 42.0, 0.5
    if kind == ProblemKind.SHORT_TEXT:
        problem.accepted_answers = ["DataLoader", "data loader"]
    if kind == ProblemKind.FREE_TEXT:
        problem.reference_answer = "Batching collects keys and loads them in one query."
        problem.rubric = ["batch", "query"]
    return problem


async def make_review_card(
    session: AsyncSession,
    user: User,
    problem: Problem,
    now: datetime,
    *,
    state: str = "NEW",
    due: datetime | None = None,
    stability: float | None = None,
    difficulty: float | None = None,
    last_review: datetime | None = None,
    step: int | None = None,
) -> ReviewCard:
    """A review card in any state (NEW by default: due at `now`, never reviewed)."""
    card = ReviewCard(
        user_id=user.id,  # type: ignore[arg-type]
        problem_id=problem.id,  # type: ignore[arg-type]
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=due or now,
        last_review=last_review,
        created_at=now,
    )
    session.add(card)
    await session.flush()
    return card


async def make_class(
    session: AsyncSession,
    instructor: User,
    now: datetime,
    *,
    courses: tuple[Course, ...] = (),
    students: tuple[User, ...] = (),
    name: str = "Class",
) -> Class:
    """A class of `instructor` tied to `courses`, with `students` as members (classes/grades feature)."""
    number = next(_serial)
    class_ = Class(name=f"{name} {number}", instructor_id=instructor.id, join_code=f"CODE{number:04d}", created_at=now)  # type: ignore[arg-type]
    session.add(class_)
    await session.flush()
    session.add_all([ClassCourse(class_id=class_.id, course_id=course.id) for course in courses])  # type: ignore[arg-type]
    session.add_all([ClassMember(class_id=class_.id, user_id=student.id, joined_at=now) for student in students])  # type: ignore[arg-type]
    await session.flush()
    return class_


async def give_xp(
    session: AsyncSession,
    user: User,
    amount: int,
    now: datetime,
    *,
    course: Course | None = None,
    ref: str | None = None,
) -> int:
    """Award `amount` XP to `user` at `now` the way the services do (real-time feature); commit to publish."""
    from domain.infra.locks import lock_user
    from domain.learning.rewards import award_xp

    assert user.id is not None
    locked = await lock_user(session, user.id)
    reference = ref or f"test:{next(_serial)}"
    course_id = course.id if course is not None else None
    gained = await award_xp(session, locked, [("test", reference, amount)], now, course_id=course_id)
    await session.flush()  # the next lock_user re-reads the row
    user.xp = locked.xp
    return gained


async def make_submission(
    session: AsyncSession,
    user: User,
    at: datetime,
    *,
    lesson: Lesson | None = None,
    problem: Problem | None = None,
    status: SubmissionStatus = SubmissionStatus.GRADED,
) -> Submission:
    """A submission row of `user` made at `at`, to a lesson or a single problem, without answers
    (history feature: the lists read submissions, not their grading)."""
    submission = Submission(
        user_id=user.id,  # type: ignore[arg-type]
        lesson_id=lesson.id if lesson is not None else None,
        problem_id=problem.id if problem is not None else None,
        idempotency_key=f"key-{next(_serial)}",
        request_hash="-",
        status=status.value,
        score=1.0 if status == SubmissionStatus.GRADED else None,
        max_score=1.0,
        created_at=at,
        graded_at=at if status == SubmissionStatus.GRADED else None,
    )
    session.add(submission)
    await session.flush()
    return submission


async def make_review_log(session: AsyncSession, card: ReviewCard, at: datetime, *, rating: int = 3) -> ReviewLog:
    """A logged review of `card` at `at` (history feature), as scheduling writes it: GOOD by default."""
    log = ReviewLog(
        card_id=card.id,  # type: ignore[arg-type]
        user_id=card.user_id,
        rating=rating,
        reviewed_at=at,
        state_before="NEW",
        state_after="LEARNING",
        stability_after=1.0,
        difficulty_after=5.0,
        due_after=at,
    )
    session.add(log)
    await session.flush()
    return log


async def make_review_history(
    session: AsyncSession, user: User, problems: list[Problem], reviews: list[LoggedReview], now: datetime
) -> dict[int, ReviewCard]:
    """A learner's review log as `reviews` says (simulated card i is a card on problems[i]), in bulk;
    the cards stay NEW (the optimizer reads the log only). Returns the cards by simulated card id."""
    cards = {
        card_id: await make_review_card(session, user, problems[card_id], now)
        for card_id in sorted({review.card_id for review in reviews})
    }
    rows = [
        {
            "card_id": cards[review.card_id].id,
            "user_id": user.id,
            "rating": review.rating,
            "reviewed_at": review.reviewed_at,
            "state_before": "REVIEW",
            "state_after": "REVIEW",
            "stability_after": 1.0,
            "difficulty_after": 5.0,
            "due_after": review.reviewed_at,
        }
        for review in reviews
    ]
    await session.execute(insert(ReviewLog), rows)
    return cards


async def make_job(
    session: AsyncSession,
    user: User,
    at: datetime,
    *,
    lesson: Lesson | None = None,
    kind: JobKind = JobKind.GENERATION,
    status: JobStatus = JobStatus.QUEUED,
) -> Job:
    """A job started by `user` at `at` for `lesson` (history feature), as if requested and left as `status`."""
    number = next(_serial)
    job = Job(
        kind=kind.value,
        status=status.value,
        input_hash=f"{number:064d}",
        params={"count": 3} if kind == JobKind.GENERATION else {"submissionIds": []},
        lesson_id=lesson.id if lesson is not None else None,
        created_by=user.id,  # type: ignore[arg-type]
        created_at=at,
        updated_at=at,
    )
    session.add(job)
    await session.flush()
    return job
