"""The live class view (« Suivi en direct »): where each participant of one campaign is, now.

One index-served read of the campaign's participation documents (`by_campaign`, the packed
details left out) and their people by `_id $in`, on every poll: answers move no counter, so the
rosters' cache (keyed by the counters' offsets) would not see them. Only progress is shown:
status, answers, progression and the time of the last answer — never a result not yet sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from analytics.adapters.dashboards import Dashboards
from orga_shared.names import fold

Doc = dict[str, Any]
LIVE_FIELDS = {
    "user_id": 1,
    "learner_id": 1,
    "stream": 1,
    "status": 1,
    "created_at": 1,
    "improved": 1,
    "deleted": 1,
    "completed": 1,
    "answer_count": 1,
    "progression": 1,
    "last_answer_at": 1,
}


def stuck_minutes(p: Doc, now: datetime, after_minutes: int) -> int | None:
    """Whole minutes since the last answer (or the start) of a participation in progress, when
    that is at least `after_minutes`; `None` otherwise."""
    if p.get("status") != "STARTED":
        return None
    since = p.get("last_answer_at") or p.get("created_at")
    if since is None:
        return None
    minutes = int((now - since).total_seconds() // 60)
    return max(minutes, 0) if minutes >= after_minutes else None


async def live(dash: Dashboards, campaign: Doc, *, stuck_after_minutes: int, now: datetime) -> Doc:
    found = dash.gen.col("participations").find({"campaign_id": campaign["_id"]}, LIVE_FIELDS)
    current = [p async for p in found if not p.get("deleted") and not p.get("improved")]
    people = await dash.people.of(current) if current else {}
    rows = []
    for p in current:
        who = people[p["_id"]]
        rows.append(
            {
                "participation_id": p["_id"],
                "first_name": who["first_name"],
                "last_name": who["last_name"],
                "status": p["status"],
                "answer_count": int(p.get("answer_count") or 0),
                "progression": 1.0 if p.get("completed") else float(p.get("progression") or 0.0),
                "started_at": p["created_at"],
                "last_answer_at": p.get("last_answer_at"),
                "stuck_minutes": stuck_minutes(p, now, stuck_after_minutes),
                "_sort": (who["sort"], fold(who["first_name"]), p["_id"]),
            }
        )
    rows.sort(key=lambda r: r.pop("_sort"))
    return {
        "items": rows,
        "total": len(rows),
        "started": sum(r["status"] == "STARTED" for r in rows),
        "stuck": sum(r["stuck_minutes"] is not None for r in rows),
        "stuck_after_minutes": stuck_after_minutes,
        "at": now,
    }
