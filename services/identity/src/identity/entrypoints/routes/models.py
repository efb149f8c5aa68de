"""Request and response bodies of the identity API (snake_case JSON).

Request fields carry the domain's rules as JSON Schema (`pattern`, lengths), so a client
generated from the OpenAPI document sends what the service accepts; the domain still checks
them and answers its own French messages (`WEAK_PASSWORD`, `INVALID_INPUT`, with `field`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from identity.domain import passwords, person


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=1024)


def _rule(pattern: str, max_length: int, min_length: int = 0, **extra: Any) -> Any:
    """Documented in the schema, checked by the domain (not by pydantic, whose generic message
    would replace the rule's own). An optional field's `None` default is not documented: the
    field is simply left out."""

    def document(schema: dict[str, Any]) -> None:
        schema.update(pattern=pattern, maxLength=max_length)
        if min_length:
            schema["minLength"] = min_length
        if schema.get("default", ...) is None:
            del schema["default"]

    return Field(json_schema_extra=document, **extra)


def Name(**extra: Any) -> Any:
    return _rule(person.NAME_PATTERN, person.MAX_NAME_LENGTH, examples=["Camille"], **extra)


def Email(**extra: Any) -> Any:
    return _rule(
        person.EMAIL_PATTERN, person.MAX_EMAIL_LENGTH, examples=["camille@exemple.fr"], **extra
    )


def Password() -> Any:
    return _rule(
        passwords.PASSWORD_PATTERN,
        passwords.MAX_LENGTH,
        passwords.MIN_LENGTH,
        description="8 caractères au moins, dont une majuscule, une minuscule et un chiffre.",
        examples=["Secret123"],
    )


def BirthDate(**extra: Any) -> Any:
    return _rule(
        person.BIRTH_DATE_PATTERN,
        person.MAX_BIRTH_DATE_LENGTH,
        description="AAAA-MM-JJ ou JJ/MM/AAAA, dans le passé.",
        examples=["2011-03-07"],
        **extra,
    )


class RegisterEmail(Body):
    first_name: str = Name()
    last_name: str = Name()
    email: str = Email()
    password: str = Password()


class RegisterStudent(Body):
    first_name: str = Name()
    last_name: str = Name()
    birth_date: str = BirthDate()
    password: str = Password()


class Login(Body):
    login: str = Field(description="adresse e-mail ou identifiant")
    password: str


class RefreshRequest(Body):
    refresh_token: str


class ProfilePatch(Body):
    """Only the fields sent change; `birth_date: null` removes it."""

    first_name: str | SkipJsonSchema[None] = Name(default=None)
    last_name: str | SkipJsonSchema[None] = Name(default=None)
    birth_date: str | None = BirthDate(default=None)


class RecoveryRequest(Body):
    first_name: str = Name()
    last_name: str = Name()
    birth_date: str = BirthDate()
    email: str = Email()
    username: str | None = None


class RecoveryConfirm(Body):
    token: str
    password: str = Password()


class PasswordResetRequest(Body):
    email: str = Email()


class PasswordResetConfirm(Body):
    token: str
    password: str = Password()


class AccountCreated(BaseModel):
    id: str


class StudentAccountCreated(AccountCreated):
    username: str = Field(examples=["jeaneric.delafontaine0703"])


class Tokens(BaseModel):
    user_id: str
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str


class SsoTokens(Tokens):
    created: bool = Field(description="vrai quand cette connexion a créé le compte")


class Me(BaseModel):
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    username: str | None
    birth_date: str | None
    login_methods: list[str]
    identity_providers: list[str]
    has_password: bool
    roles: list[str]
    pix_orga_terms_of_service_accepted: bool


class TermsAccepted(BaseModel):
    pix_orga_terms_of_service_accepted: bool
    recorded_now: bool = Field(description="faux quand l'acceptation était déjà enregistrée")


class Message(BaseModel):
    message: str


class Recovered(Message):
    user_id: str


class ResetLink(BaseModel):
    email: str = Field(description="l'adresse du compte dont le mot de passe sera changé")


class Jwk(BaseModel):
    model_config = ConfigDict(extra="allow")
    kty: str
    kid: str
    crv: str | None = None
    x: str | None = None
    use: str | None = None
    alg: str | None = None


class Jwks(BaseModel):
    keys: list[Jwk]
