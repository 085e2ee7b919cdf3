from typing import Optional

from .base_model import BaseModel
from .fragments import UserErrorFields, ViewerFields


class Login(BaseModel):
    login: "LoginLogin"


class LoginLogin(BaseModel):
    token: Optional[str]
    user: Optional["LoginLoginUser"]
    errors: list["LoginLoginErrors"]


LoginLoginUser = ViewerFields
LoginLoginErrors = UserErrorFields
Login.model_rebuild()
LoginLogin.model_rebuild()
