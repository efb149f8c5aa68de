"""Pix Orga's « Élèves » / « Étudiants » (the imported learners, their filters and pages), the
imports (SIECLE for a school, CSV for higher education) and « Places ».

The learners list is organisation's (`/organisations/{id}/learners`); what they did comes from
analytics' learners view; the import relays the uploaded file to organisation's import route
and shows its report, every rejected line with its number, as organisation wrote them.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from web.adapters.api import ApiRefusal
from web.entrypoints.rendering import render
from web.entrypoints.routes.deps import Csrf
from web.entrypoints.routes.orga_common import Orga, OrgaContext

router = APIRouter(include_in_schema=False)

PAGE_SIZES = (10, 25, 50, 100)
CERTIFICABILITY = {
    "eligible": "Certifiable",
    "non-eligible": "Non certifiable",
    "not-available": "Non communiqué",
}
STATUSES = {"STARTED": "En cours", "TO_SHARE": "En attente d'envoi", "SHARED": "Résultats reçus"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
LOOKUP_PAGES = 20  # the learner page finds its learner in at most 20 pages of 100


def french_date(value: str | None) -> str:
    """2009-11-02 → 02/11/2009 (a birth date as the guides show it)."""
    if not value or len(value) < 10 or value[4] != "-":
        return value or ""
    return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"


def _managed(orga: OrgaContext) -> str:
    label = orga.learners_label
    if label is None:
        raise HTTPException(404, "Cette organisation n'importe pas ses élèves ou étudiants.")
    return label


def _is_sco(orga: OrgaContext) -> bool:
    return str(orga.organisation["type"]).startswith("SCO")


# The list


@router.get("/orga/{organisation_id}/participants")
async def learners_page(
    request: Request,
    orga: Orga,
    search: str = Query("", max_length=255),
    division: list[str] = Query([]),
    group: list[str] = Query([]),
    certificability: list[str] = Query([]),
    page: int = Query(1, ge=1, le=100_000),
    size: int = Query(25),
) -> Response:
    label = _managed(orga)
    size = size if size in PAGE_SIZES else 25
    wanted = [c for c in certificability if c in CERTIFICABILITY]
    params: list[tuple[str, str | int]] = [("page", page), ("size", size)]
    if search.strip():
        params.append(("search", search.strip()))
    params += [("division", d) for d in division if d]
    params += [("group", g) for g in group if g]
    params += [("certificability", c) for c in wanted]
    listed = await orga.user.get(
        "organisation", f"/organisations/{orga.id}/learners", params=params
    )
    meta = listed["meta"]
    for row in listed["data"]:
        row["birthdate_fr"] = french_date(row.get("birthdate"))
    kept = [(k, v) for k, v in params if k != "page"]
    context = orga.page(
        title=label,
        label=label,
        is_sco=_is_sco(orga),
        learners=listed["data"],
        meta=meta,
        filters=listed["filters"],
        chosen={
            "search": search,
            "division": set(division),
            "group": set(group),
            "certificability": set(wanted),
            "size": size,
        },
        certificability_labels=CERTIFICABILITY,
        sizes=PAGE_SIZES,
        query=urlencode(kept),
        filtered=bool(search.strip() or division or group or wanted),
    )
    return render(request, "orga/learners/list.html", context)


# The import (before `/{learner_id}`: « import » is not a learner)


def _import_context(orga: OrgaContext, **extra: Any) -> dict[str, Any]:
    sco = _is_sco(orga)
    return orga.page(
        title=f"Importer la liste des {_managed(orga).lower()}",
        label=_managed(orga),
        is_sco=sco,
        accept=".xml,.zip" if sco else ".csv",
        **extra,
    )


@router.get("/orga/{organisation_id}/participants/import")
async def import_page(request: Request, orga: Orga) -> Response:
    orga.require_admin()
    return render(request, "orga/learners/import.html", _import_context(orga))


@router.post("/orga/{organisation_id}/participants/import", dependencies=[Csrf])
async def import_file(request: Request, orga: Orga) -> Response:
    context = _import_context(orga)
    form = await request.form()
    upload = form.get("file")
    mode = str(form.get("mode") or "ADD")
    context["mode"] = mode
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    if not data:
        context["errors"] = {"file": "Choisissez le fichier à importer."}
        return render(request, "orga/learners/import.html", context, 422)
    if len(data) > MAX_UPLOAD_BYTES:
        context["errors"] = {"file": "Le fichier dépasse la taille maximale autorisée (20 Mo)."}
        return render(request, "orga/learners/import.html", context, 422)
    assert isinstance(upload, UploadFile)
    route, params = "import-siecle", {}
    if not context["is_sco"]:
        route, params = "import-csv", {"mode": "REPLACE" if mode == "REPLACE" else "ADD"}
    kind = upload.content_type or "application/octet-stream"
    sent = {"file": (upload.filename or "import", data, kind)}
    try:
        report = await orga.user.post(
            "organisation",
            f"/organisations/{orga.id}/learners/{route}",
            files=sent,
            params=params,
            timeout=120,
        )
    except ApiRefusal as exc:
        context["refused"] = exc
        lines = exc.detail("errors") or []
        context["line_errors"] = [e for e in lines if isinstance(e, dict)]
        if exc.field == "file" and not context["line_errors"]:
            context["errors"] = {"file": exc.message}
        status = exc.status if exc.status in (409, 413, 422) else 422
        return render(request, "orga/learners/import.html", context, status)
    context["report"] = report
    return render(request, "orga/learners/import.html", context)


@router.get("/orga/{organisation_id}/participants/modele-import.csv")
async def import_template(orga: Orga) -> Response:
    _managed(orga)
    body = await orga.user.get(
        "organisation", f"/organisations/{orga.id}/learners/import-template.csv"
    )
    return Response(
        body if isinstance(body, bytes) else str(body).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="modele-import.csv"'},
    )


# One learner


async def _find_learner(orga: OrgaContext, learner_id: str) -> dict[str, Any] | None:
    for page in range(1, LOOKUP_PAGES + 1):
        listed = await orga.user.get(
            "organisation",
            f"/organisations/{orga.id}/learners",
            params={"page": page, "size": 100},
        )
        found = next((row for row in listed["data"] if row["id"] == learner_id), None)
        if found is not None or page >= int(listed["meta"]["page_count"]):
            return found
    return None


@router.get("/orga/{organisation_id}/participants/{learner_id}")
async def learner_page(request: Request, orga: Orga, learner_id: str) -> Response:
    label = _managed(orga)
    learner, activity, campaigns, participations = await asyncio.gather(
        _find_learner(orga, learner_id),
        orga.user.get("analytics", f"/organisations/{orga.id}/learners"),
        orga.user.get("analytics", f"/organisations/{orga.id}/campaigns", params={"size": 100}),
        orga.user.get(
            "analytics", f"/organisations/{orga.id}/learners/{learner_id}/participations"
        ),
    )
    row = next((r for r in activity if r["learner_id"] == learner_id), None)
    if learner is None and row is None:
        raise HTTPException(404, "Cet élève ou étudiant n'existe pas dans cette organisation.")
    names = {c["id"]: c["name"] for c in campaigns.get("items", [])}
    who = learner or {
        "first_name": row["first_name"] if row else "",
        "last_name": row["last_name"] if row else "",
        "division": row.get("division") if row else None,
        "group": row.get("group") if row else None,
    }
    who["birthdate_fr"] = french_date(who.get("birthdate"))
    full_name = f"{who.get('first_name') or ''} {who.get('last_name') or ''}".strip()
    context = orga.page(
        title=full_name or label,
        label=label,
        is_sco=_is_sco(orga),
        learner=who,
        full_name=full_name,
        activity=row,
        participations=participations,
        campaign_name=names.get(row["last_campaign_id"]) if row else None,
        statuses=STATUSES,
        certificability_labels=CERTIFICABILITY,
    )
    return render(request, "orga/learners/learner.html", context)


# Places


@router.get("/orga/{organisation_id}/places")
async def places_page(request: Request, orga: Orga) -> Response:
    places = await orga.user.get("analytics", f"/organisations/{orga.id}/places")
    return render(request, "orga/learners/places.html", orga.page(title="Places", places=places))
