"""Operator probes of the UI: liveness, and readiness over the services it calls."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from orga_shared.http.app import Readiness
from web.application.readiness import readiness
from web.entrypoints.routes.deps import AppContext

router = APIRouter(tags=["ops"])


class Alive(BaseModel):
    ok: bool


@router.get("/health", summary="Liveness: the process answers")
async def health() -> Alive:
    return Alive(ok=True)


@router.get(
    "/ready",
    summary="Readiness: the services the UI calls answer",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Identity injoignable."}},
)
async def ready(ctx: AppContext) -> JSONResponse:
    ok, checks = await readiness(ctx)
    body = Readiness(ok=ok, checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
