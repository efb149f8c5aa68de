"""API errors are structured `{code, message, field}` (messages in French, shown by the UI)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from orga_shared.eventstore.store import ConcurrencyError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, **extra}


_STATUS_CODES = {
    400: ("bad_request", "Requête invalide."),
    401: ("unauthenticated", "Authentification requise."),
    403: ("forbidden", "Vous n'avez pas accès à cette ressource."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée."),
    409: ("conflict", "Conflit avec l'état actuel de la ressource."),
    413: ("payload_too_large", "Le fichier envoyé est trop volumineux."),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        return JSONResponse(
            error_body(
                "invalid_input",
                f"Donnée invalide : {first.get('msg', 'valeur incorrecte')}.",
                ".".join(loc) or None,
                errors=[
                    {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e["msg"]}
                    for e in errors
                ],
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_CODES.get(exc.status_code, ("error", "Erreur."))
        if isinstance(exc.detail, str) and exc.detail and exc.status_code not in _STATUS_CODES:
            message = exc.detail
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(ConcurrencyError)
    async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
        return JSONResponse(
            error_body(
                "concurrent_modification",
                "La ressource a été modifiée en même temps par quelqu'un d'autre ; réessayez.",
            ),
            status_code=409,
        )
