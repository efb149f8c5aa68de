"""Campaign CSV exports (docs/domain/pix-orga.md §4), per organisation, streamed.

Same authorisation as the dashboards: the caller is a member of the organisation in the path and
the campaign belongs to it. The header line leaves as soon as the campaign and the organisation
are read; the rows follow (`adapters/csv_export.py`). `content-encoding: identity` as the
reference sends it, so nothing in between buffers the stream to compress it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from analytics.adapters.csv_export import CsvExport
from analytics.domain.csv_format import content_disposition, file_name
from analytics.entrypoints.routes.deps import Boards, Campaign
from orga_shared.clock import utcnow
from orga_shared.http.errors import error_responses

router = APIRouter(prefix="/organisations/{organisation_id}", tags=["exports"])
CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Le fichier CSV (séparateur `;`, UTF-8 avec BOM)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/campaigns/{campaign_id}/export.csv",
    summary="Export CSV of a campaign's results (assessment) or profiles (profiles collection)",
    response_class=StreamingResponse,
    responses={**CSV, **error_responses(401, 403, 404, 503)},
)
async def export_csv(campaign: Campaign, dash: Boards) -> StreamingResponse:
    export = CsvExport(dash.gen, dash.people, dash.release)
    name = file_name(campaign["name"], campaign["_id"], utcnow())
    return StreamingResponse(
        export.lines(campaign),
        media_type="text/csv;charset=utf-8",
        headers={"content-disposition": content_disposition(name), "content-encoding": "identity"},
    )
