"""Platform administration over HTTP (platform-admin role) and operational counters."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse

from identity.application.admin import erase_user
from identity.entrypoints.routes.deps import ContextDep
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import ApiError

router = APIRouter(tags=["admin"])


@router.delete("/admin/users/{user_id}", status_code=204, summary="Effacer une personne")
async def erase(user_id: str, principal: CurrentPrincipal, ctx: ContextDep) -> Response:
    if not principal.is_platform_admin:
        raise ApiError(403, "FORBIDDEN", "Réservé aux administrateurs de la plateforme.")
    await erase_user(ctx, user_id)
    return Response(status_code=204)


@router.get("/metrics", tags=["ops"], summary="Compteurs (format Prometheus)")
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
