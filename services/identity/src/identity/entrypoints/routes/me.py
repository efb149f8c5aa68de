"""The caller's own account: profile, edits, acceptance of the Pix Orga terms of use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from identity.application.profile import get_me, update_me
from identity.application.terms import accept_orga_terms
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import ProfilePatch
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import ApiError

router = APIRouter(tags=["me"])


@router.get("/users/me", summary="Mon compte")
async def me(principal: CurrentPrincipal, ctx: ContextDep) -> dict[str, Any]:
    return await get_me(ctx, principal.user_id)


@router.patch("/users/me", summary="Modifier mon profil")
async def patch_me(
    body: ProfilePatch, principal: CurrentPrincipal, ctx: ContextDep
) -> dict[str, Any]:
    return await update_me(ctx, principal.user_id, body.model_dump(exclude_unset=True))


@router.patch(
    "/users/{user_id}/pix-orga-terms-of-service-acceptance",
    summary="Accepter les conditions d'utilisation de Pix Orga",
)
async def accept_terms(
    user_id: str, principal: CurrentPrincipal, ctx: ContextDep
) -> dict[str, Any]:
    if user_id not in ("me", principal.user_id):
        raise ApiError(403, "FORBIDDEN", "Vous ne pouvez accepter les CGU que pour vous-même.")
    recorded = await accept_orga_terms(ctx, principal.user_id)
    return {"pix_orga_terms_of_service_accepted": True, "recorded_now": recorded}
