"""Account recovery for students leaving school (ENT or username account → e-mail + password)."""

from __future__ import annotations

from fastapi import APIRouter

from identity.application.recovery import confirm_recovery, request_recovery
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import RecoveryConfirm, RecoveryRequest

router = APIRouter(tags=["recovery"])


@router.post("/account-recovery", status_code=202, summary="Demander la récupération du compte")
async def ask(body: RecoveryRequest, ctx: ContextDep) -> dict[str, str]:
    await request_recovery(
        ctx,
        first_name=body.first_name,
        last_name=body.last_name,
        birth_date=body.birth_date,
        email=body.email,
        username=body.username,
    )
    return {"message": "Un e-mail vous a été envoyé pour terminer la récupération de votre compte."}


@router.post("/account-recovery/confirm", summary="Choisir son mot de passe et terminer")
async def confirm(body: RecoveryConfirm, ctx: ContextDep) -> dict[str, str]:
    user_id = await confirm_recovery(ctx, token=body.token, password=body.password)
    return {"user_id": user_id, "message": "Votre compte a bien été récupéré."}
