"""Login, refresh, logout, and the public keys (JWKS) every service verifies tokens with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from identity.application.login import login_with_password
from identity.application.sessions import (
    TokenPair,
    close_all_sessions,
    close_session,
    refresh_session,
)
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import Jwks, Login, RefreshRequest, Tokens
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import error_responses

router = APIRouter(tags=["sessions"])


def tokens(pair: TokenPair) -> Tokens:
    return Tokens(
        user_id=pair.user_id,
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
    )


def _locked() -> dict[int | str, dict[str, Any]]:
    responses = error_responses(400, 401, 415, 422, 429)
    responses[429]["headers"] = {
        "Retry-After": {"description": "secondes avant de réessayer", "schema": {"type": "integer"}}
    }
    return responses


@router.post(
    "/auth/token",
    summary="Se connecter (e-mail ou identifiant, mot de passe)",
    responses=_locked(),
)
async def login(body: Login, ctx: ContextDep) -> Tokens:
    return tokens(await login_with_password(ctx, body.login, body.password))


@router.post(
    "/auth/refresh",
    summary="Prolonger la session (le jeton est renouvelé)",
    responses=error_responses(400, 401, 415, 422),
)
async def refresh(body: RefreshRequest, ctx: ContextDep) -> Tokens:
    return tokens(await refresh_session(ctx, body.refresh_token))


@router.post(
    "/auth/logout",
    status_code=204,
    summary="Se déconnecter",
    responses=error_responses(400, 415, 422),
)
async def logout(body: RefreshRequest, ctx: ContextDep) -> Response:
    await close_session(ctx, body.refresh_token)
    return Response(status_code=204)


@router.post(
    "/auth/logout-everywhere",
    status_code=204,
    summary="Se déconnecter de tous les appareils",
    responses=error_responses(401),
)
async def logout_everywhere(principal: CurrentPrincipal, ctx: ContextDep) -> Response:
    await close_all_sessions(ctx, principal.user_id)
    return Response(status_code=204)


@router.get("/.well-known/jwks.json", tags=["keys"], summary="Clés publiques de signature")
async def jwks(ctx: ContextDep, response: Response) -> Jwks:
    response.headers["Cache-Control"] = "public, max-age=300"
    return Jwks.model_validate(ctx.signer.jwks())
