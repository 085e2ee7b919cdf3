from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import LessonFields


class Lessons(BaseModel):
    lessons: "LessonsLessons"


class LessonsLessons(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "LessonsLessonsPageInfo" = Field(alias="pageInfo")
    edges: list["LessonsLessonsEdges"]


class LessonsLessonsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class LessonsLessonsEdges(BaseModel):
    node: "LessonsLessonsEdgesNode"


LessonsLessonsEdgesNode = LessonFields
Lessons.model_rebuild()
LessonsLessons.model_rebuild()
LessonsLessonsEdges.model_rebuild()
