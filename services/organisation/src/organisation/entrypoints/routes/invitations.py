"""The invitee's side: read an invitation from its link, accept it with or without an account."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from orga_shared.http.errors import ApiError, error_responses
from organisation.application import invitations as uc
from organisation.entrypoints.routes.deps import Ctx, MaybeActor
from organisation.entrypoints.routes.models import AcceptedInvitation, InvitationView

router = APIRouter(prefix="/invitations", tags=["invitations"])


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(min_length=1, max_length=255)
    last_name: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024)


class Acceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    account: NewAccount | None = None


@router.get(
    "/{invitation_id}",
    summary="Lire une invitation (lien reçu par e-mail)",
    responses=error_responses(404, 409, 410, 422),
)
async def read(invitation_id: str, ctx: Ctx, code: str = Query(max_length=64)) -> InvitationView:
    return InvitationView.model_validate(await uc.read_invitation(ctx, invitation_id, code))


@router.post(
    "/{invitation_id}/accept",
    summary="Accepter une invitation",
    # identity's refusals of a new account (weak password, e-mail taken) pass through
    responses=error_responses(401, 404, 409, 410, 415, 422, 429, 502, 503),
)
async def accept(
    invitation_id: str, body: Acceptance, ctx: Ctx, actor: MaybeActor
) -> AcceptedInvitation:
    """Logged in: the current account joins. Otherwise `account` creates one with identity."""
    if actor is not None and actor.user_id:
        accepted = await uc.accept_invitation(ctx, invitation_id, body.code, actor.user_id)
        return AcceptedInvitation.model_validate(accepted)
    if body.account is None:
        raise ApiError(
            401,
            "UNAUTHENTICATED",
            "Connectez-vous ou créez un compte pour accepter l'invitation.",
        )
    accepted = await uc.accept_with_new_account(
        ctx,
        invitation_id,
        body.code,
        first_name=body.account.first_name,
        last_name=body.account.last_name,
        password=body.account.password,
    )
    return AcceptedInvitation.model_validate(accepted)
