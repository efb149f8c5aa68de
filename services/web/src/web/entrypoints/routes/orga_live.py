"""« Suivi en direct »: the teacher watches the class take a campaign, without reloading.

`GET /orga/{org}/campagnes/{id}/direct` renders each participant's status, progress, answers
and a « Bloqué depuis N min » badge (analytics' live view: progress only, never a result not
sent). `…/direct/flux` is a server-sent events stream: it reads analytics' live view every
`POLL_SECONDS` as the teacher and sends the re-rendered table body (event `update`) and summary
(event `summary`) whenever they changed, a comment every `HEARTBEAT_SECONDS` otherwise, and
stops when the browser leaves. static/live.js opens it (`EventSource`) and swaps them in.

A stream ends by itself after `MAX_STREAM_SECONDS`, or before the access token is due for
renewal: the session cookie cannot change once the stream's headers are sent, so the browser's
automatic reconnection (`retry`) renews it on a new request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from web.adapters.api import ApiRefusal
from web.application.session import RENEW_BEFORE_SECONDS, User
from web.entrypoints.rendering import TEMPLATES, render
from web.entrypoints.routes.orga_common import Orga

router = APIRouter(include_in_schema=False)

POLL_SECONDS = 2.0
HEARTBEAT_SECONDS = 15.0
MAX_STREAM_SECONDS = 300.0
RETRY_MILLISECONDS = 2000
PARIS = ZoneInfo("Europe/Paris")
STATUSES = {
    "STARTED": ("En cours", "info"),
    "TO_SHARE": ("En attente d'envoi", "new"),
    "SHARED": ("Résultats reçus", "success"),
}
StuckAfter = Annotated[int, Query(ge=0, le=24 * 60)]


def _hour(value: str | None) -> str | None:
    if not value:
        return None
    at = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(PARIS)
    return f"{at.hour} h {at.minute:02d}"


def rows_of(view: dict[str, Any], campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """Analytics' live rows as the table shows them (labels, percentages, Paris hours)."""
    rows = []
    for item in view["items"]:
        label, kind = STATUSES[item["status"]]
        if item["status"] == "SHARED" and campaign.get("type") == "PROFILES_COLLECTION":
            label = "Profil reçu"
        rows.append(
            {
                **item,
                "name": f"{item['first_name']} {item['last_name']}".strip() or "Participant",
                "status_label": label,
                "status_kind": kind,
                "percent": round(100 * float(item["progression"])),
                "last_answer": _hour(item.get("last_answer_at")),
            }
        )
    return rows


def _partials(view: dict[str, Any], campaign: dict[str, Any]) -> dict[str, str]:
    context = {"rows": rows_of(view, campaign), "view": view, "campaign": campaign}
    return {
        name: TEMPLATES.env.get_template(f"orga/live/{name}.html").render(context)
        for name in ("rows", "summary")
    }


def sse(event: str, data: str) -> str:
    """One server-sent event; every line of `data` on its own `data:` line."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n"


async def _campaign(orga: Any, campaign_id: str) -> dict[str, Any]:
    try:
        campaign: dict[str, Any] = await orga.user.get("campaign", f"/campaigns/{campaign_id}")
    except ApiRefusal as exc:
        if exc.status in (403, 404):
            raise HTTPException(404) from exc
        raise
    if campaign.get("organisation_id") != orga.id:
        raise HTTPException(404)
    return campaign


async def _live(user: User, organisation_id: str, campaign_id: str, stuck_after: int) -> Any:
    return await user.get(
        "analytics",
        f"/organisations/{organisation_id}/campaigns/{campaign_id}/live",
        params={"stuck_after_minutes": stuck_after},
    )


def _base(organisation_id: str, campaign_id: str) -> str:
    return f"/orga/{organisation_id}/campagnes/{campaign_id}"


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/direct")
async def live_page(
    request: Request, orga: Orga, campaign_id: str, bloque_apres: StuckAfter = 5
) -> Response:
    campaign = await _campaign(orga, campaign_id)
    view = await _live(orga.user, orga.id, campaign_id, bloque_apres)
    base = _base(orga.id, campaign_id)
    stream = f"{base}/direct/flux" + (f"?bloque_apres={bloque_apres}" if bloque_apres != 5 else "")
    return render(
        request,
        "orga/live/page.html",
        orga.page(
            title=f"Suivi en direct — {campaign['name']}",
            campaign=campaign,
            campaign_url=base,
            view=view,
            rows=rows_of(view, campaign),
            stuck_after=bloque_apres,
            stream_url=stream,
        ),
    )


async def _events(
    request: Request, user: User, organisation_id: str, campaign: dict[str, Any], stuck_after: int
) -> AsyncIterator[str]:
    started = beat = time.monotonic()
    sent: dict[str, str] = {}
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    while time.monotonic() - started < MAX_STREAM_SECONDS:
        if await request.is_disconnected():
            return
        if int(user.auth.get("exp", 0)) - RENEW_BEFORE_SECONDS - POLL_SECONDS <= time.time():
            return  # the browser reconnects: that request renews the token and the cookie
        try:
            view = await _live(user, organisation_id, campaign["campaign_id"], stuck_after)
        except ApiRefusal as exc:
            if exc.status in (401, 403, 404):
                yield sse("end", exc.message)
                return
            view = None  # analytics is away for a moment: the page keeps its last table
        if view is not None:
            for name, html in _partials(view, campaign).items():
                if sent.get(name) != html:
                    yield sse("update" if name == "rows" else name, html)
                    sent[name] = html
                    beat = time.monotonic()
        if time.monotonic() - beat >= HEARTBEAT_SECONDS:
            yield ": heartbeat\n\n"
            beat = time.monotonic()
        for _ in range(int(POLL_SECONDS / 0.25)):
            await asyncio.sleep(0.25)
            if await request.is_disconnected():
                return


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/direct/flux")
async def live_stream(
    request: Request, orga: Orga, campaign_id: str, bloque_apres: StuckAfter = 5
) -> Response:
    campaign = await _campaign(orga, campaign_id)
    await orga.user.token()  # renewed now, while the session cookie can still be sent
    return StreamingResponse(
        _events(request, orga.user, orga.id, campaign, bloque_apres),
        media_type="text/event-stream",
        headers={
            "cache-control": "no-cache",
            "x-accel-buffering": "no",
            "content-encoding": "identity",
        },
    )
