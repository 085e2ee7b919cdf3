from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import SubmissionFields


class MySubmissions(BaseModel):
    viewer: Optional["MySubmissionsViewer"]


class MySubmissionsViewer(BaseModel):
    submissions: "MySubmissionsViewerSubmissions"


class MySubmissionsViewerSubmissions(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "MySubmissionsViewerSubmissionsPageInfo" = Field(alias="pageInfo")
    edges: list["MySubmissionsViewerSubmissionsEdges"]


class MySubmissionsViewerSubmissionsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class MySubmissionsViewerSubmissionsEdges(BaseModel):
    node: "MySubmissionsViewerSubmissionsEdgesNode"


MySubmissionsViewerSubmissionsEdgesNode = SubmissionFields
MySubmissions.model_rebuild()
MySubmissionsViewer.model_rebuild()
MySubmissionsViewerSubmissions.model_rebuild()
MySubmissionsViewerSubmissionsEdges.model_rebuild()
