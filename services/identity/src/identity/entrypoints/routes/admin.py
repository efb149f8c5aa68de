"""Platform administration over HTTP (the platform-admin role)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from identity.application.admin import erase_user
from identity.entrypoints.routes.deps import ContextDep
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import ApiError, error_responses

router = APIRouter(tags=["admin"])


@router.delete(
    "/admin/users/{user_id}",
    status_code=204,
    summary="Effacer une personne",
    responses=error_responses(401, 403, 404),
)
async def erase(user_id: str, principal: CurrentPrincipal, ctx: ContextDep) -> Response:
    if not principal.is_platform_admin:
        raise ApiError(403, "FORBIDDEN", "Réservé aux administrateurs de la plateforme.")
    await erase_user(ctx, user_id)
    return Response(status_code=204)
