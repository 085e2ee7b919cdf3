"""Inputs of the job mutations."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from graph.content.types import ProblemKind
from graph.input_limits import text


@strawberry.input(
    description="Problems to generate for a lesson from `sourceText` or from `document`, a PDF sent as a "
    "GraphQL multipart upload (exactly one of the two)."
)
class GenerateProblemsInput:
    lesson_id: strawberry.ID
    source_text: str | None = text("generation_max_source_chars", "The material, as plain text.", default=None)
    document: Upload | None = strawberry.field(
        default=None, description="The material as a PDF with a text layer (scanned images cannot be read)."
    )
    count: int = strawberry.field(default=10, description="How many problems, 1 to the configured maximum (100).")
    kinds: list[ProblemKind] | None = strawberry.field(
        default=None,
        description="Which kinds, taking turns: SINGLE_CHOICE, MULTIPLE_CHOICE, SHORT_TEXT, FREE_TEXT "
        "(NUMERIC cannot be generated). Left out: all four.",
    )
