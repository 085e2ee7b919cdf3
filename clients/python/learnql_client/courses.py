from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class Courses(BaseModel):
    courses: "CoursesCourses"


class CoursesCourses(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "CoursesCoursesPageInfo" = Field(alias="pageInfo")
    edges: list["CoursesCoursesEdges"]


class CoursesCoursesPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class CoursesCoursesEdges(BaseModel):
    node: "CoursesCoursesEdgesNode"


class CoursesCoursesEdgesNode(BaseModel):
    id: str
    title: str
    description: str


Courses.model_rebuild()
CoursesCourses.model_rebuild()
CoursesCoursesEdges.model_rebuild()
