from typing import Optional

from .base_model import BaseModel
from .fragments import ViewerFields


class Viewer(BaseModel):
    viewer: Optional["ViewerViewer"]


ViewerViewer = ViewerFields
Viewer.model_rebuild()
