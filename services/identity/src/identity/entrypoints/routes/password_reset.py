"""Password reset ("mot de passe oublié"): ask for a link by e-mail, check it, set a password."""

from __future__ import annotations

from fastapi import APIRouter

from identity.application.password_reset import (
    check_reset_link,
    request_password_reset,
    reset_password,
)
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import (
    Message,
    PasswordResetConfirm,
    PasswordResetRequest,
    ResetLink,
)
from orga_shared.http.errors import error_responses

router = APIRouter(tags=["password-reset"])

# The link is checked at `/password-reset-demands/{token}` (the real API's name), not under
# `/password-reset/`: there `{token}` would also match `/password-reset/confirm`.

SENT = (
    "Si un compte Pix est associé à cette adresse e-mail, vous allez recevoir un e-mail "
    "contenant un lien pour réinitialiser votre mot de passe."
)


@router.post(
    "/password-reset",
    status_code=202,
    summary="Mot de passe oublié : recevoir un lien par e-mail",
    description="La réponse est la même que l'adresse ait un compte ou non.",
    responses=error_responses(400, 415, 422),
)
async def ask(body: PasswordResetRequest, ctx: ContextDep) -> Message:
    await request_password_reset(ctx, email=body.email)
    return Message(message=SENT)


@router.get(
    "/password-reset-demands/{token}",
    summary="Vérifier un lien de réinitialisation",
    responses=error_responses(404),
)
async def check(token: str, ctx: ContextDep) -> ResetLink:
    return ResetLink(email=await check_reset_link(ctx, token))


@router.post(
    "/password-reset/confirm",
    summary="Choisir un nouveau mot de passe",
    responses=error_responses(400, 404, 409, 415, 422),
)
async def confirm(body: PasswordResetConfirm, ctx: ContextDep) -> Message:
    await reset_password(ctx, token=body.token, password=body.password)
    return Message(
        message=(
            "Votre mot de passe a été modifié. Vous pouvez maintenant vous connecter "
            "avec votre nouveau mot de passe."
        )
    )
