"""The caller's own account: profile, edits, acceptance of the Pix Orga terms of use."""

from __future__ import annotations

from fastapi import APIRouter

from identity.application.profile import get_me, update_me
from identity.application.terms import accept_orga_terms
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import Me, ProfilePatch, TermsAccepted
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import ApiError, error_responses

router = APIRouter(tags=["me"])


@router.get("/users/me", summary="Mon compte", responses=error_responses(401, 404))
async def me(principal: CurrentPrincipal, ctx: ContextDep) -> Me:
    return Me.model_validate(await get_me(ctx, principal.user_id))


@router.patch(
    "/users/me", summary="Modifier mon profil", responses=error_responses(400, 401, 404, 415, 422)
)
async def patch_me(body: ProfilePatch, principal: CurrentPrincipal, ctx: ContextDep) -> Me:
    changes = body.model_dump(exclude_unset=True)
    return Me.model_validate(await update_me(ctx, principal.user_id, changes))


@router.patch(
    "/users/{user_id}/pix-orga-terms-of-service-acceptance",
    summary="Accepter les conditions d'utilisation de Pix Orga",
    description="`user_id` est `me` ou l'identifiant de l'appelant.",
    responses=error_responses(401, 403, 404),
)
async def accept_terms(user_id: str, principal: CurrentPrincipal, ctx: ContextDep) -> TermsAccepted:
    if user_id not in ("me", principal.user_id):
        raise ApiError(403, "FORBIDDEN", "Vous ne pouvez accepter les CGU que pour vous-même.")
    recorded = await accept_orga_terms(ctx, principal.user_id)
    return TermsAccepted(pix_orga_terms_of_service_accepted=True, recorded_now=recorded)
