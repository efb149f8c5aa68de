"""Domain and use-case errors as `{code, message, field}` with their HTTP status.

The routes document the statuses their use cases can raise (`error_responses`); this table is
where each error gets its status.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from identity.application import errors as app
from identity.domain import errors as dom
from orga_shared.http.errors import error_body

STATUS: list[tuple[type[dom.DomainError], int]] = [
    (dom.InvalidInput, 422),
    (app.AccountLocked, 429),
    (app.InvalidCredentials, 401),
    (app.InvalidRefreshToken, 401),
    (dom.AssertionRejected, 401),
    (app.EmailTaken, 409),
    (dom.AlreadyRegistered, 409),
    (dom.NotRecoverable, 409),
    (dom.UserNotFound, 404),
    (dom.UserIsErased, 404),
    (app.RecoveryAccountNotFound, 404),
    (app.InvalidRecoveryToken, 404),
    (app.ResetLinkInvalid, 404),
    (app.MailUnavailable, 503),
    (app.UsernameUnavailable, 503),
]


def status_of(exc: dom.DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def install(app_: FastAPI) -> None:
    @app_.exception_handler(dom.DomainError)
    async def _domain(_: Request, exc: dom.DomainError) -> JSONResponse:
        headers = {}
        if isinstance(exc, app.AccountLocked):
            headers["Retry-After"] = str(exc.retry_after)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.field),
            status_code=status_of(exc),
            headers=headers,
        )
