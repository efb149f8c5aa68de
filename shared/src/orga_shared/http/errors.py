"""API errors, one model for every service: `{code, message, field}` (docs/architecture.md).

- `code` is UPPER_SNAKE and stable (clients switch on it);
- `message` is French, shown as is by the UI; no English text from pydantic or Starlette
  reaches a user, and no message repeats more than `ECHO_LIMIT` characters of what was sent;
- `field` names the offending field (`email`, `size`, `learners.3.birthdate`) whenever there is one.
A body that is not JSON is `INVALID_JSON`; a body of the wrong content type is 415.
The database out of reach (stopped, restarting, too slow for the request's deadline,
`orga_shared.http.deadline`) is 503 `DATABASE_UNAVAILABLE` with `Retry-After`: the caller may
send the same request again (docs/adr/0024-http-under-faults.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pymongo.errors import ConnectionFailure, PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from orga_shared.eventstore.store import ConcurrencyError
from orga_shared.observability import get_logger

log = get_logger(__name__)

ECHO_LIMIT = 80


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class FieldError(BaseModel):
    field: str | None = None
    message: str


class ErrorBody(BaseModel):
    """What every error answers."""

    code: str = Field(examples=["INVALID_INPUT"])
    message: str = Field(examples=["Ce champ est obligatoire."])
    field: str | None = Field(default=None, examples=["email"])
    errors: list[FieldError] | None = None


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """What a message may repeat of a user's input: at most `limit` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, **extra}


STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "Requête invalide."),
    401: ("UNAUTHENTICATED", "Authentification requise."),
    403: ("FORBIDDEN", "Vous n'avez pas accès à cette ressource."),
    404: ("NOT_FOUND", "Ressource introuvable."),
    405: ("METHOD_NOT_ALLOWED", "Méthode non autorisée."),
    406: ("NOT_ACCEPTABLE", "Format de réponse non disponible."),
    409: ("CONFLICT", "Conflit avec l'état actuel de la ressource."),
    413: ("PAYLOAD_TOO_LARGE", "Le fichier envoyé est trop volumineux."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Type de contenu non pris en charge."),
    422: ("INVALID_INPUT", "Donnée invalide."),
    429: ("TOO_MANY_REQUESTS", "Trop de tentatives ; réessayez plus tard."),
    503: ("UNAVAILABLE", "Service momentanément indisponible ; réessayez."),
}

DATABASE_UNAVAILABLE = (
    "DATABASE_UNAVAILABLE",
    "Le service est momentanément indisponible : réessayez dans quelques instants.",
)
DATABASE_RETRY_AFTER_SECONDS = 5


def is_database_outage(exc: BaseException) -> bool:
    """PyMongo saying "no answer from the database", not "a wrong request": a connection
    error (AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError, WaitQueueTimeoutError)
    or a timeout (ExecutionTimeout, WTimeoutError, a MaxTimeMSExpired failure: PyMongo marks
    each with `timeout`)."""
    return isinstance(exc, ConnectionFailure) or (
        isinstance(exc, PyMongoError) and bool(exc.timeout)
    )


def database_unavailable_response(exc: BaseException) -> JSONResponse:
    log.warning("database_unavailable", error_type=type(exc).__name__, error=str(exc)[:300])
    code, message = DATABASE_UNAVAILABLE
    return JSONResponse(
        error_body(code, message),
        status_code=503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def _french(error: dict[str, Any]) -> str:
    """pydantic's error, said in French (its `ctx` gives the bounds)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    messages = {
        "missing": "Ce champ est obligatoire.",
        "extra_forbidden": "Ce champ n'est pas attendu.",
        "string_type": "Ce champ doit être un texte.",
        "string_too_short": "Ce champ doit contenir au moins {min_length} caractère(s).",
        "string_too_long": "Ce champ ne doit pas dépasser {max_length} caractères.",
        "string_pattern_mismatch": "Ce champ n'a pas le format attendu.",
        "int_type": "Ce champ doit être un nombre entier.",
        "int_parsing": "Ce champ doit être un nombre entier.",
        "int_from_float": "Ce champ doit être un nombre entier.",
        "float_type": "Ce champ doit être un nombre.",
        "float_parsing": "Ce champ doit être un nombre.",
        "bool_type": "Ce champ doit valoir vrai ou faux.",
        "bool_parsing": "Ce champ doit valoir vrai ou faux.",
        "greater_than": "Ce champ doit être supérieur à {gt}.",
        "greater_than_equal": "Ce champ doit être au moins {ge}.",
        "less_than": "Ce champ doit être inférieur à {lt}.",
        "less_than_equal": "Ce champ doit être au plus {le}.",
        "literal_error": "Valeur non autorisée (valeurs possibles : {expected}).",
        "enum": "Valeur non autorisée (valeurs possibles : {expected}).",
        "list_type": "Ce champ doit être une liste.",
        "too_short": "Cette liste doit contenir au moins {min_length} élément(s).",
        "too_long": "Cette liste ne doit pas dépasser {max_length} éléments.",
        "dict_type": "Ce champ doit être un objet.",
        "model_type": "Ce champ doit être un objet.",
        "model_attributes_type": "Le corps de la requête doit être un objet JSON.",
        "date_type": "Ce champ doit être une date (AAAA-MM-JJ).",
        "date_parsing": "Ce champ doit être une date (AAAA-MM-JJ).",
        "date_from_datetime_parsing": "Ce champ doit être une date (AAAA-MM-JJ).",
        "datetime_type": "Ce champ doit être une date et heure.",
        "datetime_parsing": "Ce champ doit être une date et heure.",
        "uuid_type": "Ce champ doit être un identifiant.",
        "uuid_parsing": "Ce champ doit être un identifiant.",
        "value_error": "Valeur invalide.",
        "url_parsing": "Ce champ doit être une adresse web.",
    }
    template = messages.get(kind)
    if template is None:
        return "Valeur invalide."
    values = {k: echo(v) for k, v in ctx.items()}
    if "expected" in values:  # pydantic writes "'A', 'B' or 'C'"
        values["expected"] = values["expected"].replace(" or ", " ou ")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return "Valeur invalide."


def _field(error: dict[str, Any]) -> str | None:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    return ".".join(loc) or None


def _expected_media_type(request: Request) -> str | None:
    """What the matched route reads its body as: JSON, a multipart form, or nothing."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return None
    from fastapi import params

    info = route.body_field.field_info
    return "multipart/form-data" if isinstance(info, params.Form) else "application/json"


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def validation_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    expected = _expected_media_type(request)
    body_errors = [e for e in errors if tuple(e.get("loc", ()))[:1] == ("body",)]
    sent = _media_type(request)
    if body_errors and expected is not None and sent and sent != expected:
        if not (expected == "multipart/form-data" and sent == "application/x-www-form-urlencoded"):
            code, message = STATUS_ERRORS[415]
            return JSONResponse(
                error_body(code, f"{message} Envoyez « {expected} ».", None), status_code=415
            )
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(
            error_body("INVALID_JSON", "Le corps de la requête n'est pas un JSON valide."),
            status_code=422,
        )
    first = errors[0] if errors else {}
    return JSONResponse(
        error_body(
            "INVALID_INPUT",
            _french(first) if first else "Donnée invalide.",
            _field(first) if first else None,
            errors=[{"field": _field(e), "message": _french(e)} for e in errors],
        ),
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            return JSONResponse(
                error_body("INVALID_JSON", "Le corps de la requête n'est pas un JSON valide."),
                status_code=422,
            )
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        code, message = STATUS_ERRORS.get(exc.status_code, ("ERROR", "Erreur."))
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=headers)

    @app.exception_handler(PyMongoError)
    async def _database(_: Request, exc: PyMongoError) -> JSONResponse:
        if not is_database_outage(exc):
            raise exc  # a bug, not an outage: the server error (500) and its traceback
        return database_unavailable_response(exc)

    @app.exception_handler(ConcurrencyError)
    async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
        return JSONResponse(
            error_body(
                "CONCURRENT_MODIFICATION",
                "La ressource a été modifiée en même temps par quelqu'un d'autre ; réessayez.",
            ),
            status_code=409,
        )


BODY_PARSE_ERROR = "There was an error parsing the body"  # FastAPI's, for undecodable bytes


def allowed_methods(request: Request) -> list[str]:
    """Every method the OpenAPI document gives the request's path (Starlette's 405 names only
    the first route's, and FastAPI keeps an included router's routes out of `app.routes`)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if compile_path(template)[0].match(request.url.path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status it can answer, documented with `ErrorBody`."""
    return {
        status: {"model": ErrorBody, "description": STATUS_ERRORS.get(status, ("", "Erreur."))[1]}
        for status in sorted(set(statuses))
    }
