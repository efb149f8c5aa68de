"""Pix Orga's campaign dashboards (docs/domain/pix-orga.md §3, §4): « Activité » (cards, the
participants over time, the statuses, the participants list), « Résultats » (average,
distribution over 10 buckets, stages, badges, the results list), « Analyse » (topics to work
on, mastery per competence), a participant's page and the CSV export.

Everything comes from analytics as the signed-in member (it checks their membership and that
the campaign belongs to the organisation) and the campaign service for the name and code.
Analytics holds only sent results: a student's unsent results never reach these pages.
The charts are drawn by `static/charts.js` from JSON in each canvas' `data-values` (no inline
script: the CSP forbids it, and htmx drops every `<script>` of a swapped page, a JSON block too);
each has a table alternative.
"""

from __future__ import annotations

import asyncio
import math
import re
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from web.entrypoints.rendering import render
from web.entrypoints.routes.orga_common import Orga, OrgaContext

router = APIRouter(include_in_schema=False)

STATUSES = {
    "STARTED": "En cours",
    "TO_SHARE": "En attente d'envoi",
    "SHARED": "Résultats reçus",
}
STATUS_BADGES = {"STARTED": "fr-badge--info", "TO_SHARE": "fr-badge--warning", "SHARED": ""}
SORTS = {
    "pertinence": ("average_score", False),
    "-pertinence": ("average_score", True),
    "sujet": ("practical_title", False),
    "-sujet": ("practical_title", True),
    "competence": ("competence", False),
    "-competence": ("competence", True),
}
PARTICIPANTS_PAGE = 25
RESULTS_PAGE = 50
RELAYED_HEADERS = ("content-type", "content-disposition", "content-encoding")


DASHBOARD = re.compile(r"^/orga/[^/]+/campagnes/[^/]+/(activite|resultats|analyse|participants/)")


class CampaignNotFound(HTTPException):
    def __init__(self) -> None:
        super().__init__(404, "Cette campagne n'existe pas dans cette organisation.")


def _base(orga: OrgaContext, campaign_id: str) -> str:
    return f"/orga/{orga.id}/campagnes/{quote(campaign_id)}"


def _analytics(orga: OrgaContext, campaign_id: str) -> str:
    return f"/organisations/{quote(orga.id)}/campaigns/{quote(campaign_id)}"


async def _campaign(orga: OrgaContext, campaign_id: str) -> dict[str, Any]:
    campaign: dict[str, Any] = await orga.user.get("campaign", f"/campaigns/{quote(campaign_id)}")
    if str(campaign.get("organisation_id")) != orga.id:
        raise CampaignNotFound
    return campaign


def date_fr(value: Any) -> str:
    """`2026-12-02…` → `02/12/2026` (the day as analytics gives it)."""
    text = str(value or "")
    if len(text) < 10:
        return text
    return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"


def percent(rate: float | None) -> str:
    """A mastery rate (0–1) as « 42 % »."""
    return "" if rate is None else f"{round(rate * 100)} %"


def _clean(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _pages(total: int, size: int) -> int:
    return max(1, math.ceil(total / size))


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "", [])}
    return urlencode(kept, doseq=True)


def _page(orga: OrgaContext, campaign: dict[str, Any], tab: str, **context: Any) -> dict[str, Any]:
    return orga.page(
        campaign=campaign,
        base=_base(orga, campaign["campaign_id"]),
        tab=tab,
        statuses=STATUSES,
        status_badges=STATUS_BADGES,
        date_fr=date_fr,
        percent=percent,
        **context,
    )


# « Activité »


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/activite")
async def activity(
    request: Request,
    orga: Orga,
    campaign_id: str,
    statut: str = "",
    classe: str = "",
    groupe: str = "",
    recherche: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    path = _analytics(orga, campaign_id)
    params: dict[str, Any] = {"page": page, "size": PARTICIPANTS_PAGE}
    if statut in STATUSES:
        params["status"] = statut
    if classe.strip():
        params["divisions"] = _clean([classe])
    if groupe.strip():
        params["groups"] = _clean([groupe])
    if recherche.strip():
        params["search"] = recherche.strip()
    campaign, counts, listed = await asyncio.gather(
        _campaign(orga, campaign_id),
        orga.user.get("analytics", f"{path}/activity"),
        orga.user.get("analytics", f"{path}/participants", params=params),
    )
    by_status = {s["status"]: s for s in counts["statuses"]}
    filters = {"statut": statut, "classe": classe, "groupe": groupe, "recherche": recherche}
    chart = {
        "timeline": {
            "unit": counts["unit"],
            "series": [
                {"label": "Total des participants", "points": counts["started"]},
                {
                    "label": "Résultats reçus"
                    if campaign["type"] == "ASSESSMENT"
                    else "Profils reçus",
                    "points": counts["shared_series"],
                },
            ],
        },
        "statuses": [
            {"label": f"{s['label']} ({s['count']})", "count": s["count"], "status": s["status"]}
            for s in counts["statuses"]
        ],
    }
    days = sorted({p["day"] for p in counts["started"] + counts["shared_series"]})
    started = {p["day"]: p["count"] for p in counts["started"]}
    shared = {p["day"]: p["count"] for p in counts["shared_series"]}
    return render(
        request,
        "orga/dashboards/activity.html",
        _page(
            orga,
            campaign,
            "activite",
            title=f"Activité — {campaign['name']}",
            counts=counts,
            by_status=by_status,
            chart=chart,
            days=[(d, started.get(d, ""), shared.get(d, "")) for d in days],
            listed=listed,
            pages=_pages(listed["total"], PARTICIPANTS_PAGE),
            filters=filters,
            query=lambda **changes: _query(filters, **changes),
        ),
    )


# « Résultats »


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/resultats")
async def results(
    request: Request,
    orga: Orga,
    campaign_id: str,
    recherche: str = Query("", max_length=200),
    classe: str = "",
    groupe: str = "",
    badges: list[str] = Query([], max_length=20),
    paliers: list[int] = Query([], max_length=20),
    certifiable: str = "",
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    path = _analytics(orga, campaign_id)
    params: dict[str, Any] = {"page": page, "size": RESULTS_PAGE}
    if recherche.strip():
        params["search"] = recherche.strip()
    if classe.strip():
        params["divisions"] = _clean([classe])
    if groupe.strip():
        params["groups"] = _clean([groupe])
    if _clean(badges):
        params["badges"] = _clean(badges)
    if paliers:
        params["stages"] = paliers
    if certifiable in ("oui", "non"):
        params["certifiable"] = certifiable == "oui"
    campaign, summary, rows = await asyncio.gather(
        _campaign(orga, campaign_id),
        orga.user.get("analytics", f"{path}/results"),
        orga.user.get("analytics", f"{path}/results/participants", params=params),
    )
    filters = {
        "recherche": recherche,
        "classe": classe,
        "groupe": groupe,
        "badges": _clean(badges),
        "paliers": paliers,
        "certifiable": certifiable,
    }
    badge_titles = {b["key"]: b["title"] for b in summary.get("badges", [])}
    chart = {
        "distribution": {
            "labels": [b["label"] for b in summary.get("distribution", [])],
            "counts": [b["count"] for b in summary.get("distribution", [])],
        }
    }
    return render(
        request,
        "orga/dashboards/results.html",
        _page(
            orga,
            campaign,
            "resultats",
            title=f"Résultats — {campaign['name']}",
            summary=summary,
            rows=rows,
            badge_titles=badge_titles,
            chart=chart,
            pages=_pages(rows["total"], RESULTS_PAGE),
            filters=filters,
            query=lambda **changes: _query(filters, **changes),
        ),
    )


# « Analyse »


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/analyse")
async def analysis(
    request: Request, orga: Orga, campaign_id: str, tri: str = "pertinence"
) -> Response:
    campaign, found = await asyncio.gather(
        _campaign(orga, campaign_id),
        orga.user.get("analytics", f"{_analytics(orga, campaign_id)}/analysis"),
    )
    tri = tri if tri in SORTS else "pertinence"
    field, reverse = SORTS[tri]
    topics = sorted(
        found["topics"],
        key=lambda t: t[field] if field != "practical_title" else str(t[field]).lower(),
        reverse=reverse,
    )
    return render(
        request,
        "orga/dashboards/analysis.html",
        _page(
            orga,
            campaign,
            "analyse",
            title=f"Analyse — {campaign['name']}",
            analysis=found,
            topics=topics,
            tri=tri,
            sort_url=lambda key: f"{_base(orga, campaign_id)}/analyse?tri={quote(key)}",
        ),
    )


# A participant's page


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/participants/{participation_id}")
async def participant(
    request: Request, orga: Orga, campaign_id: str, participation_id: str
) -> Response:
    path = f"{_analytics(orga, campaign_id)}/participations/{quote(participation_id)}"
    campaign, found, summary = await asyncio.gather(
        _campaign(orga, campaign_id),
        orga.user.get("analytics", path),
        orga.user.get("analytics", f"{_analytics(orga, campaign_id)}/results"),
    )
    name = f"{found['first_name']} {found['last_name']}"
    return render(
        request,
        "orga/dashboards/participant.html",
        _page(
            orga,
            campaign,
            "participant",
            title=f"{name} — {campaign['name']}",
            p=found,
            badge_titles={b["key"]: b["title"] for b in summary.get("badges", [])},
        ),
    )


# The CSV export


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/export.csv")
async def export_csv(orga: Orga, campaign_id: str) -> Response:
    """Analytics' export relayed as it streams (its Content-Type and Content-Disposition)."""
    api = orga.user.api
    upstream = await api.stream(
        "analytics", f"{_analytics(orga, campaign_id)}/export.csv", token=await orga.user.token()
    )
    headers = {k: v for k, v in upstream.headers.items() if k.lower() in RELAYED_HEADERS}
    headers["Cache-Control"] = "no-store"

    async def relay() -> Any:
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        finally:
            await upstream.aclose()

    return StreamingResponse(relay(), status_code=upstream.status_code, headers=headers)
