"""SSO endpoint: the school IdP posts its signed assertion (form field or JSON `assertion`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from identity.application.sso import login_with_assertion
from identity.domain.errors import AssertionRejected
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.sessions import tokens

router = APIRouter(tags=["sso"])


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
    if not isinstance(value, str) or not value.strip() or len(value) > 16_384:
        raise AssertionRejected("L'assertion d'identité est manquante.", field="assertion")
    return value.strip()


@router.post(
    "/sso/assertion",
    summary="Connexion via l'ENT (GAR) : assertion signée du fournisseur d'identité",
)
async def sso_assertion(request: Request, ctx: ContextDep) -> JSONResponse:
    result = await login_with_assertion(ctx, await _assertion(request))
    body = tokens(result.tokens).model_dump() | {"created": result.created}
    return JSONResponse(body, status_code=201 if result.created else 200)
