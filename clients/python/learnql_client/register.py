from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import UserErrorFields, ViewerFields


class Register(BaseModel):
    sign_up: "RegisterSignUp" = Field(alias="signUp")


class RegisterSignUp(BaseModel):
    token: Optional[str]
    user: Optional["RegisterSignUpUser"]
    errors: list["RegisterSignUpErrors"]


RegisterSignUpUser = ViewerFields
RegisterSignUpErrors = UserErrorFields
Register.model_rebuild()
RegisterSignUp.model_rebuild()
