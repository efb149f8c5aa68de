"""Account creation: with e-mail and password, or a student account with a generated username."""

from __future__ import annotations

from fastapi import APIRouter

from identity.application.accounts import register_with_email, register_with_username
from identity.entrypoints.routes.deps import ContextDep
from identity.entrypoints.routes.models import RegisterEmail, RegisterStudent

router = APIRouter(tags=["accounts"])


@router.post("/users", status_code=201, summary="Créer un compte avec e-mail et mot de passe")
async def register(body: RegisterEmail, ctx: ContextDep) -> dict[str, str]:
    user_id = await register_with_email(
        ctx,
        first_name=body.first_name,
        last_name=body.last_name,
        email=body.email,
        password=body.password,
    )
    return {"id": user_id}


@router.post(
    "/users/student-accounts",
    status_code=201,
    summary="Créer un compte élève sans e-mail (identifiant généré)",
)
async def register_student(body: RegisterStudent, ctx: ContextDep) -> dict[str, str]:
    user_id, username = await register_with_username(
        ctx,
        first_name=body.first_name,
        last_name=body.last_name,
        birth_date=body.birth_date,
        password=body.password,
    )
    return {"id": user_id, "username": username}
