"""Operator endpoints: counters for monitoring, behind the operator token (ADR 0012).

Anonymous callers, and users holding an ordinary access token, never read them: they need
`Authorization: Bearer <ORGA_IDENTITY_OPERATOR_TOKEN>` (401 without it or with another), and
without that setting they are off for everyone (403). `/health` and `/ready` stay public.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from identity.config import Settings
from identity.entrypoints.routes.deps import ContextDep
from orga_shared.http.errors import ApiError, error_responses

operator_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="OperatorToken",
    description="Jeton d'opérateur (ORGA_IDENTITY_OPERATOR_TOKEN), pas un jeton d'accès.",
)


async def require_operator(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(operator_scheme)],
) -> None:
    settings: Settings = request.app.state.settings
    if credentials is None:
        raise ApiError(401, "OPERATOR_TOKEN_REQUIRED", "Jeton d'opérateur requis.")
    if settings.operator_token is None:
        raise ApiError(
            403,
            "OPERATOR_ENDPOINTS_DISABLED",
            "Points d'accès opérateur désactivés sur ce service.",
        )
    expected = settings.operator_token.get_secret_value().encode()
    if not hmac.compare_digest(credentials.credentials.encode(), expected):
        raise ApiError(401, "OPERATOR_TOKEN_REQUIRED", "Jeton d'opérateur requis.")


def _json_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`error_responses`, spelled as JSON content: the route's own responses are plain text."""
    ref = {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
    return {
        status: {"description": doc["description"], "content": {"application/json": ref}}
        for status, doc in error_responses(*statuses).items()
    }


router = APIRouter(tags=["ops"], dependencies=[Depends(require_operator)])


@router.get(
    "/metrics",
    summary="Compteurs (format Prometheus), pour l'opérateur",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **_json_errors(401, 403),
    },
)
async def metrics(ctx: ContextDep) -> PlainTextResponse:
    c = ctx.passwords.counters
    lines = [
        "# TYPE identity_password_hashes_total counter",
        f"identity_password_hashes_total {c.hashes}",
        "# TYPE identity_password_verifications_total counter",
        f"identity_password_verifications_total {c.verifications}",
        "# TYPE identity_login_refused_locked_total counter",
        f"identity_login_refused_locked_total {ctx.stats.refused_locked}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n")
