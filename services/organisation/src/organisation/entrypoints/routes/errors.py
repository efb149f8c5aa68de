"""Domain refusals as structured API errors `{code, message, field, ...}` in French (the 405
with a complete `Allow` is the kernel's)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from orga_shared.http.errors import error_body
from organisation.domain.errors import DomainError

STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "conflict": 409, "gone": 410}
STATUS_BY_CODE = {"UNCOMPRESSED_TOO_LARGE": 413}


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        status = STATUS_BY_CODE.get(exc.code, STATUS.get(exc.kind, 422))
        return JSONResponse(
            error_body(exc.code, exc.message, exc.field, **exc.details), status_code=status
        )
