"""Request and response bodies of the identity API (snake_case JSON)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=1024)


class RegisterEmail(Body):
    first_name: str
    last_name: str
    email: str
    password: str


class RegisterStudent(Body):
    first_name: str
    last_name: str
    birth_date: str = Field(description="AAAA-MM-JJ ou JJ/MM/AAAA")
    password: str


class Login(Body):
    login: str = Field(description="adresse e-mail ou identifiant")
    password: str


class RefreshRequest(Body):
    refresh_token: str


class ProfilePatch(Body):
    first_name: str | None = None
    last_name: str | None = None
    birth_date: str | None = None


class RecoveryRequest(Body):
    first_name: str
    last_name: str
    birth_date: str
    email: str
    username: str | None = None


class RecoveryConfirm(Body):
    token: str
    password: str


class Tokens(BaseModel):
    user_id: str
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str
