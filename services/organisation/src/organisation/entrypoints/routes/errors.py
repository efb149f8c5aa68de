"""Domain refusals as structured API errors `{code, message, field, ...}` in French, and a 405
whose `Allow` lists every method of the path: the kernel's `allowed_methods` looks for
`APIRoute`s in `app.routes`, where FastAPI 0.165 keeps an included router's routes inside an
`_IncludedRouter`, so it finds none for routes of an `APIRouter` (this handler wins: Starlette
looks up a status handler before a class handler)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from orga_shared.http.errors import STATUS_ERRORS, error_body
from organisation.domain.errors import DomainError

STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "conflict": 409, "gone": 410}
STATUS_BY_CODE = {"UNCOMPRESSED_TOO_LARGE": 413}


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document gives the paths matching `path`."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        if compile_path(template)[0].match(path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        status = STATUS_BY_CODE.get(exc.code, STATUS.get(exc.kind, 422))
        return JSONResponse(
            error_body(exc.code, exc.message, exc.field, **exc.details), status_code=status
        )

    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
        code, message = STATUS_ERRORS[405]
        allow = ", ".join(allowed_methods(app, request.url.path))
        return JSONResponse(error_body(code, message), status_code=405, headers={"Allow": allow})
