"""Who may see or change what: every access rule of learnql, as plain functions in one place.

Each rule takes the viewer (a User row, None when anonymous) and the rows it is about; a fact that
needs the database (has the viewer answered this problem, are they a member of this class) is looked
up by the caller and passed in as a plain value. Nothing here reads the database, raises or knows
about GraphQL: resolvers, subscriptions and domain services ask these functions and turn a "no" into
their own answer (null, NotFound, Forbidden).

Vocabulary: `is_...` says who someone is, `can_...` decides an action. The table in
docs/architecture/policies.md is the same rules in prose.
"""

from __future__ import annotations

from typing import Protocol

from domain.models import (
    Class,
    Course,
    Game,
    Job,
    Lesson,
    Problem,
    ProblemStatus,
    ReviewCard,
    ReviewParameters,
    Role,
    Submission,
    TutorThread,
    User,
)

# -- who the viewer is ---------------------------------------------------------------------------


def is_admin(viewer: User | None) -> bool:
    return viewer is not None and viewer.role == Role.ADMIN.value


def is_instructor(viewer: User | None) -> bool:
    return viewer is not None and viewer.role == Role.INSTRUCTOR.value


def is_staff(viewer: User | None) -> bool:
    """Instructors and admins: they author content and see drafts and answer keys."""
    return is_instructor(viewer) or is_admin(viewer)


def is_owner(viewer_id: int | None, owner_id: int | None) -> bool:
    """The row belongs to the viewer. By id: owner checks run per event in subscriptions, where loading
    the viewer's row each time would cost a query."""
    return viewer_id is not None and viewer_id == owner_id


# -- content: courses, lessons, problems, topics -------------------------------------------------


def can_see_drafts(viewer: User | None) -> bool:
    """Unpublished lessons and DRAFT problems (also the filter of every listing of them)."""
    return is_staff(viewer)


def can_view_lesson(viewer: User | None, lesson: Lesson) -> bool:
    return lesson.published or can_see_drafts(viewer)


def can_view_problem(viewer: User | None, problem: Problem, lesson: Lesson) -> bool:
    """A published problem of a visible lesson; staff see drafts too."""
    published = problem.status == ProblemStatus.PUBLISHED.value
    return can_view_lesson(viewer, lesson) and (published or can_see_drafts(viewer))


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


def can_answer_problem(viewer: User | None, problem: _HasStatus, lesson: Lesson) -> bool:
    """Only published problems are answered (and earn XP), even by staff, in a lesson the viewer sees."""
    return problem.status == ProblemStatus.PUBLISHED.value and can_view_lesson(viewer, lesson)


def can_see_answer_key(viewer: User | None, *, answered: bool) -> bool:
    """Correct options, solution and explanation: staff always, a learner once they have answered the
    problem, anonymous viewers never. Never true for `answered=False` unless it is true for True, so a
    caller may ask without the lookup first."""
    return viewer is not None and (is_staff(viewer) or answered)


def can_author_content(viewer: User | None) -> bool:
    """Create courses and topics, generate problems: instructors and admins."""
    return is_staff(viewer)


def can_author_course(viewer: User | None, course: Course) -> bool:
    """Change a course and its lessons and problems: an admin, or the instructor who owns it."""
    owns = viewer is not None and course.owner_id == viewer.id
    return is_admin(viewer) or (is_instructor(viewer) and owns)


def can_edit_topic(viewer: User | None) -> bool:
    """Rename or move a topic: admins only, since the topic tree is shared by every course."""
    return is_admin(viewer)


# -- learning records: submissions, review cards, accounts ---------------------------------------


def can_view_submission(viewer_id: int | None, submission: Submission) -> bool:
    return is_owner(viewer_id, submission.user_id)


def can_view_learning_history(viewer_id: int | None, user_id: int) -> bool:
    """A user's lists of submissions and XP events: the user themselves (each row of them also passes
    `can_view_submission`)."""
    return is_owner(viewer_id, user_id)


def can_view_all_learning_events(viewer_id: int | None, user_id: int) -> bool:
    """A user's whole learning record (User.learningEvents, sessions, time spent): the user themselves."""
    return is_owner(viewer_id, user_id)


def can_view_class_learning_events(viewer: User | None, class_: Class) -> bool:
    """The learning events of a student of `class_` about the class's courses: whoever manages the class
    (its instructor, admins). The caller looks up the student's classes; events about other courses, and
    those about no course (streaks), stay the student's own."""
    return can_manage_class(viewer, class_)


def can_view_review_card(viewer_id: int | None, card: ReviewCard) -> bool:
    """Also who may review it: a card one cannot see is not found."""
    return is_owner(viewer_id, card.user_id)


def can_view_review_parameters(viewer_id: int | None, parameters: ReviewParameters) -> bool:
    """A learner's fitted FSRS parameters and losses reach only that learner (reviewStats is the viewer's)."""
    return is_owner(viewer_id, parameters.user_id)


def can_see_email(viewer_id: int | None, user: User) -> bool:
    return is_owner(viewer_id, user.id)


# -- jobs ----------------------------------------------------------------------------------------


def can_view_job(viewer: User | None, job: Job, *, course: Course | None = None) -> bool:
    """The user who started the job, admins, and whoever authors the course of the job's lesson
    (`course`: looked up by the caller; jobs without a lesson have none). To anyone else it looks like
    a missing one. Never true without the course unless it is true with it, so a caller may ask first
    without the lookup. domain/jobs/history.py is the same rule as an SQL filter."""
    if viewer is None:
        return False
    authors = course is not None and job.lesson_id is not None and can_author_course(viewer, course)
    return is_owner(viewer.id, job.created_by) or is_admin(viewer) or authors


# -- classes and analytics -----------------------------------------------------------------------


def can_create_class(viewer: User | None) -> bool:
    return is_staff(viewer)


def can_manage_class(viewer: User | None, class_: Class) -> bool:
    """See the join code and the students, record grades, read the class's analytics: an admin, or
    the instructor who teaches it."""
    teaching = viewer is not None and class_.instructor_id == viewer.id
    return is_admin(viewer) or (is_instructor(viewer) and teaching)


def can_export_class(viewer: User | None, class_: Class) -> bool:
    """A class's gradebook and item analysis as CSV (/exports/classes/...): whoever manages it."""
    return can_manage_class(viewer, class_)


def can_view_class(viewer: User | None, class_: Class, *, is_member: bool) -> bool:
    """The class itself and its leaderboard: whoever manages it, and its students."""
    return viewer is not None and (is_member or can_manage_class(viewer, class_))


def can_join_class(viewer: User | None, class_: Class) -> bool:
    """Anyone logged in, except the class's own instructor."""
    return viewer is not None and class_.instructor_id != viewer.id


def can_view_answer_analysis(viewer: User | None, course: Course) -> bool:
    """How learners answered a problem (Problem.answerAnalysis) and regrading it (regradeProblem): the
    course's staff, that is an admin or the instructor who owns the course."""
    return can_author_course(viewer, course)


def can_view_student(viewer: User | None, student_id: int, *, in_viewer_class: bool) -> bool:
    """A learner's record (analytics): the learner, an admin, or an instructor with the learner in one
    of the classes they teach (`in_viewer_class`)."""
    if viewer is None:
        return False
    return is_owner(viewer.id, student_id) or is_admin(viewer) or (is_instructor(viewer) and in_viewer_class)


def can_manage_alerts(viewer: User | None, class_: Class) -> bool:
    """See, acknowledge and mute the alerts about a class's students and set its thresholds: whoever
    manages the class. Learners never see alerts, not even about themselves."""
    return can_manage_class(viewer, class_)


# -- live games ----------------------------------------------------------------------------------


def can_create_game(viewer: User | None, course: Course) -> bool:
    """Open a game from a lesson: the course's staff (its instructor, admins)."""
    return can_author_course(viewer, course)


def can_host_game(viewer: User | None, game: Game, course: Course) -> bool:
    """Start, advance, reveal, skip, end, kick, see live answer counts and the report: the host, and
    the course's staff."""
    return (viewer is not None and viewer.id == game.host_id) or can_author_course(viewer, course)


def can_see_game_presence(*, hosts: bool) -> bool:
    """Which players are connected right now (`connectedCount`, `GamePlayer.connected`): those who
    host the game (`can_host_game`); players see only how many are in the game."""
    return hosts


# -- the AI tutor --------------------------------------------------------------------------------


def can_ask_tutor(viewer: User | None, problem: Problem, lesson: Lesson) -> bool:
    """Ask about a problem the viewer can see: learners the published ones, staff (who author) any."""
    return viewer is not None and can_view_problem(viewer, problem, lesson)


def can_view_tutor_thread(viewer: User | None, thread: TutorThread) -> bool:
    """Read, follow, continue, stop or delete a thread: its owner only, as a conversation is private;
    to anyone else it looks like a missing one."""
    return viewer is not None and is_owner(viewer.id, thread.user_id)


def can_view_tutor_usage(viewer: User | None, course: Course) -> bool:
    """What the tutor cost in a course: an admin, or the instructor who owns the course."""
    return can_author_course(viewer, course)
