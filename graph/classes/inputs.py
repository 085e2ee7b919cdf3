"""Inputs of the class mutations and of recordGrades."""

from __future__ import annotations

from datetime import date as Date

import strawberry

from domain.classes import grades, membership
from domain.errors import NotFound
from graph import ids
from graph.input_limits import text

MAX_JOIN_CODE_INPUT = 64  # codes have 8 characters; room for the spaces and dashes people type


@strawberry.input
class ClassCreateInput:
    name: str = text(membership.MAX_NAME_LENGTH)
    course_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Courses the class follows: grades in their lessons count for the class (none: every lesson).",
    )

    def to_domain(self) -> membership.ClassDraft:
        return membership.ClassDraft(self.name, ids.decode_many(self.course_ids, "Course", ["courseIds"]))


@strawberry.input
class JoinClassInput:
    join_code: str = text(MAX_JOIN_CODE_INPUT, "Case-insensitive; spaces and dashes are ignored.")


@strawberry.input(description="One external grade.")
class GradeRowInput:
    student_id: strawberry.ID = strawberry.field(description="A student of the class.")
    subject: str = text(grades.MAX_TEXT, "Subject or assessment name, e.g. `Midterm`.")
    score: float = strawberry.field(description="0 <= score <= maxScore.")
    max_score: float = strawberry.field(description="Greater than 0.")
    external_id: str = text(
        grades.MAX_TEXT, "Your id of this grade, unique within the class: sending it again updates the grade."
    )
    date: Date | None = strawberry.field(default=None, description="When it was graded; today (UTC) if left out.")

    def to_domain(self) -> grades.GradeRow:
        try:
            student_id: int | None = ids.decode(self.student_id, "User", ["studentId"])
        except NotFound:
            student_id = None  # reported with the row's other problems
        return grades.GradeRow(student_id, self.subject, self.score, self.max_score, self.external_id, self.date)


@strawberry.input
class RecordGradesInput:
    class_id: strawberry.ID
    rows: list[GradeRowInput] = strawberry.field(description="At most 5000 rows per call.")

    def to_domain(self) -> tuple[int, list[grades.GradeRow]]:
        return ids.decode(self.class_id, "Class", ["classId"]), [row.to_domain() for row in self.rows]
