"""SSO endpoint: the school IdP posts its signed assertion (form field or JSON `assertion`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from identity.application.sso import login_with_assertion
from identity.domain.errors import AssertionRejected
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import SsoTokens
from identity.entrypoints.routes.sessions import tokens
from orga_shared.http.errors import error_responses

router = APIRouter(tags=["sso"])

MAX_ASSERTION = 16_384
_ASSERTION = {
    "type": "object",
    "required": ["assertion"],
    "properties": {
        "assertion": {
            "type": "string",
            "maxLength": MAX_ASSERTION,
            "description": "JWT signé par le fournisseur d'identité (GAR / ENT)",
        }
    },
}
# Read by hand (an IdP posts a form, a script JSON), so declared here for the OpenAPI document.
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": _ASSERTION},
            "application/json": {"schema": _ASSERTION},
        },
    }
}


async def _assertion(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    value: Any = None
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("assertion")
    else:
        try:
            body = await request.json()
        except ValueError:
            body = None
        value = body.get("assertion") if isinstance(body, dict) else None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ASSERTION:
        raise AssertionRejected("L'assertion d'identité est manquante.", field="assertion")
    return value.strip()


@router.post(
    "/sso/assertion",
    summary="Connexion via l'ENT (GAR) : assertion signée du fournisseur d'identité",
    response_model=SsoTokens,
    responses={
        201: {"model": SsoTokens, "description": "Première connexion : le compte est créé."},
        **error_responses(401, 404),
    },
    openapi_extra=_BODY,
)
async def sso_assertion(request: Request, ctx: ContextDep) -> JSONResponse:
    result = await login_with_assertion(ctx, await _assertion(request))
    body = SsoTokens(**tokens(result.tokens).model_dump(), created=result.created)
    return JSONResponse(body.model_dump(), status_code=201 if result.created else 200)
