from typing import Optional

from .base_model import BaseModel
from .fragments import LessonFields


class Lesson(BaseModel):
    lesson: Optional["LessonLesson"]


LessonLesson = LessonFields
Lesson.model_rebuild()
