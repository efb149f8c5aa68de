"""Learners: imports (SIECLE, SUP CSV), list with filters, reconciliation, erasure."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from organisation.application import imports, learners
from organisation.domain.sup import COLUMNS
from organisation.entrypoints.routes.deps import Ctx, CurrentActor
from organisation.entrypoints.routes.uploads import read_upload

router = APIRouter(tags=["learners"])
PREFIX = "/organisations/{organisation_id}/learners"


class Reconciliation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(min_length=1, max_length=255)
    last_name: str = Field(min_length=1, max_length=255)
    birthdate: date
    student_number: str | None = Field(None, max_length=255)


@router.post(f"{PREFIX}/import-siecle", summary="Importer un export SIECLE (XML ou zip)")
async def import_siecle(
    organisation_id: str, request: Request, ctx: Ctx, actor: CurrentActor
) -> dict[str, Any]:
    data = await read_upload(request, ctx.settings.max_siecle_upload_bytes)
    return await imports.import_siecle(ctx, organisation_id, actor, data)


@router.post(f"{PREFIX}/import-csv", summary="Importer des étudiants (CSV SUP)")
async def import_csv(
    organisation_id: str,
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    mode: Literal["ADD", "REPLACE"] = Query("ADD"),
) -> dict[str, Any]:
    data = await read_upload(request, ctx.settings.max_csv_upload_bytes)
    return await imports.import_sup(ctx, organisation_id, actor, data, mode)


@router.get(f"{PREFIX}/import-template.csv", summary="Télécharger le modèle (SUP)")
async def template(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> Response:
    await learners.check_member(ctx, organisation_id, actor)
    header = ";".join(c.header for c in COLUMNS) + "\n"
    return Response(
        header.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="modele-import.csv"'},
    )


@router.get(PREFIX, summary="Élèves / étudiants, filtrés et paginés")
async def list_learners(
    organisation_id: str,
    ctx: Ctx,
    actor: CurrentActor,
    search: str | None = Query(None, max_length=255),
    division: list[str] = Query([]),
    group: list[str] = Query([]),
    certificability: list[str] = Query([]),
    page: int = Query(1, ge=1),
    size: int = Query(25),
) -> dict[str, Any]:
    return await learners.list_learners(
        ctx,
        organisation_id,
        actor,
        search=search,
        divisions=division,
        groups=group,
        certificability=certificability,
        page=page,
        size=size,
    )


@router.post(f"{PREFIX}/reconcile", summary="Rattacher mon compte à un élève importé")
async def reconcile(
    organisation_id: str, body: Reconciliation, ctx: Ctx, actor: CurrentActor
) -> dict[str, Any]:
    return await learners.reconcile(
        ctx,
        organisation_id,
        str(actor.user_id),
        first_name=body.first_name,
        last_name=body.last_name,
        birthdate=body.birthdate,
        student_number=body.student_number,
    )


@router.post(f"{PREFIX}/reconcile-auto", summary="Rattachement automatique par INE (SCO)")
async def reconcile_auto(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return await learners.reconcile_automatically(ctx, organisation_id, str(actor.user_id))


@router.get(f"{PREFIX}/me", summary="L'élève auquel mon compte est rattaché ici")
async def me(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return await learners.my_learner(ctx, organisation_id, str(actor.user_id))


@router.delete(
    "/learners/{learner_id}/personal-data",
    status_code=204,
    summary="Effacer les données personnelles d'un élève (plateforme)",
)
async def erase(learner_id: str, ctx: Ctx, actor: CurrentActor) -> Response:
    await learners.erase_learner(ctx, learner_id, actor)
    return Response(status_code=204)
