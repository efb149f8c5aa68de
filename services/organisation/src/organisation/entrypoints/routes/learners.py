"""Learners: imports (SIECLE, SUP CSV), list with filters, reconciliation, erasure."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from orga_shared.http.errors import error_responses
from organisation.application import imports, learners, reconciliation
from organisation.application.learners import CERTIFICABILITY, PAGE_SIZES
from organisation.domain.sup import COLUMNS
from organisation.entrypoints.routes.deps import Ctx, CurrentActor
from organisation.entrypoints.routes.models import ImportReport, LearnerPage, LearnerSummary
from organisation.entrypoints.routes.uploads import UPLOAD_BODY, read_upload

router = APIRouter(tags=["learners"])
PREFIX = "/organisations/{organisation_id}/learners"
IMPORT_ERRORS = error_responses(401, 403, 404, 409, 413, 422)


class Reconciliation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(min_length=1, max_length=255)
    last_name: str = Field(min_length=1, max_length=255)
    birthdate: date = Field(description="AAAA-MM-JJ")
    student_number: str | None = Field(None, max_length=255)

    @field_validator("birthdate", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> object:
        """pydantic would read a number as a Unix timestamp (0 is 1970-01-01)."""
        if not isinstance(value, str | date):
            raise PydanticCustomError("date_type", "Input should be a valid date")
        return value


@router.post(
    f"{PREFIX}/import-siecle",
    summary="Importer un export SIECLE (XML ou zip)",
    openapi_extra=UPLOAD_BODY,
    responses=IMPORT_ERRORS,
)
async def import_siecle(
    organisation_id: str, request: Request, ctx: Ctx, actor: CurrentActor
) -> ImportReport:
    data = await read_upload(request, ctx.settings.max_siecle_upload_bytes)
    return ImportReport.model_validate(
        await imports.import_siecle(ctx, organisation_id, actor, data)
    )


@router.post(
    f"{PREFIX}/import-csv",
    summary="Importer des étudiants (CSV SUP)",
    openapi_extra=UPLOAD_BODY,
    responses=IMPORT_ERRORS,
)
async def import_csv(
    organisation_id: str,
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    mode: Literal["ADD", "REPLACE"] = Query("ADD"),
) -> ImportReport:
    data = await read_upload(request, ctx.settings.max_csv_upload_bytes)
    return ImportReport.model_validate(
        await imports.import_sup(ctx, organisation_id, actor, data, mode)
    )


TEMPLATE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Le modèle d'import (en-têtes seuls)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    },
    **error_responses(401, 403, 404),
}


@router.get(
    f"{PREFIX}/import-template.csv",
    summary="Télécharger le modèle (SUP)",
    response_class=Response,
    responses=TEMPLATE,
)
async def template(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> Response:
    await learners.check_member(ctx, organisation_id, actor)
    header = ";".join(c.header for c in COLUMNS) + "\n"
    return Response(
        header.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="modele-import.csv"'},
    )


@router.get(
    PREFIX,
    summary="Élèves / étudiants, filtrés et paginés",
    responses=error_responses(401, 403, 404, 422),
)
async def list_learners(
    organisation_id: str,
    ctx: Ctx,
    actor: CurrentActor,
    search: str | None = Query(None, max_length=255),
    division: list[str] = Query([]),
    group: list[str] = Query([]),
    certificability: list[str] = Query(
        [], json_schema_extra={"items": {"type": "string", "enum": list(CERTIFICABILITY)}}
    ),
    page: int = Query(1, ge=1),
    size: int = Query(25, json_schema_extra={"enum": list(PAGE_SIZES)}),
) -> LearnerPage:
    """`size` and `certificability` are checked by the use case, with their own codes."""
    listed = await learners.list_learners(
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
    return LearnerPage.model_validate(listed)


@router.post(
    f"{PREFIX}/reconcile",
    summary="Rattacher mon compte à un élève importé",
    responses=error_responses(401, 403, 404, 409, 415, 422),
)
async def reconcile(
    organisation_id: str, body: Reconciliation, ctx: Ctx, actor: CurrentActor
) -> LearnerSummary:
    linked = await reconciliation.reconcile(
        ctx,
        organisation_id,
        str(actor.user_id),
        first_name=body.first_name,
        last_name=body.last_name,
        birthdate=body.birthdate,
        student_number=body.student_number,
    )
    return LearnerSummary.model_validate(linked)


@router.post(
    f"{PREFIX}/reconcile-auto",
    summary="Rattachement automatique par INE (SCO)",
    responses=error_responses(401, 403, 404, 409),
)
async def reconcile_auto(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> LearnerSummary:
    linked = await reconciliation.reconcile_automatically(ctx, organisation_id, str(actor.user_id))
    return LearnerSummary.model_validate(linked)


@router.get(
    f"{PREFIX}/me",
    summary="L'élève auquel mon compte est rattaché ici",
    responses=error_responses(401, 404),
)
async def me(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> LearnerSummary:
    mine = await learners.my_learner(ctx, organisation_id, str(actor.user_id))
    return LearnerSummary.model_validate(mine)


@router.delete(
    "/learners/{learner_id}/personal-data",
    status_code=204,
    summary="Effacer les données personnelles d'un élève (plateforme)",
    responses=error_responses(401, 403, 404, 409),
)
async def erase(learner_id: str, ctx: Ctx, actor: CurrentActor) -> Response:
    await learners.erase_learner(ctx, learner_id, actor)
    return Response(status_code=204)
