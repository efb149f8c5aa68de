"""Account recovery for students leaving school (ENT or username account → e-mail + password)."""

from __future__ import annotations

from fastapi import APIRouter

from identity.application.recovery import confirm_recovery, request_recovery
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import Message, Recovered, RecoveryConfirm, RecoveryRequest
from orga_shared.http.errors import error_responses

router = APIRouter(tags=["recovery"])


@router.post(
    "/account-recovery",
    status_code=202,
    summary="Demander la récupération du compte",
    responses=error_responses(400, 404, 409, 415, 422, 503),
)
async def ask(body: RecoveryRequest, ctx: ContextDep) -> Message:
    await request_recovery(ctx, **body.model_dump())
    return Message(
        message="Un e-mail vous a été envoyé pour terminer la récupération de votre compte."
    )


@router.post(
    "/account-recovery/confirm",
    summary="Choisir son mot de passe et terminer",
    responses=error_responses(400, 404, 409, 415, 422),
)
async def confirm(body: RecoveryConfirm, ctx: ContextDep) -> Recovered:
    user_id = await confirm_recovery(ctx, token=body.token, password=body.password)
    return Recovered(user_id=user_id, message="Votre compte a bien été récupéré.")
