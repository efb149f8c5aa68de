"""Account creation: with e-mail and password, or a student account with a generated username."""

from __future__ import annotations

from fastapi import APIRouter

from identity.application.accounts import register_with_email, register_with_username
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import (
    AccountCreated,
    RegisterEmail,
    RegisterStudent,
    StudentAccountCreated,
)
from orga_shared.http.errors import error_responses

router = APIRouter(tags=["accounts"])


@router.post(
    "/users",
    status_code=201,
    summary="Créer un compte avec e-mail et mot de passe",
    responses=error_responses(400, 409, 415, 422),
)
async def register(body: RegisterEmail, ctx: ContextDep) -> AccountCreated:
    user_id = await register_with_email(ctx, **body.model_dump())
    return AccountCreated(id=user_id)


@router.post(
    "/users/student-accounts",
    status_code=201,
    summary="Créer un compte élève sans e-mail (identifiant généré)",
    responses=error_responses(400, 409, 415, 422, 503),
)
async def register_student(body: RegisterStudent, ctx: ContextDep) -> StudentAccountCreated:
    user_id, username = await register_with_username(ctx, **body.model_dump())
    return StudentAccountCreated(id=user_id, username=username)
