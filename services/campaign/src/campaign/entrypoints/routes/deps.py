"""Dependencies of the routers: the use-case context, and refusals as API errors."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from campaign.application.context import Context
from campaign.domain.rules import CampaignRejected
from orga_shared.http.errors import error_body


async def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


Ctx = Annotated[Context, Depends(get_context)]


def install_refusals(app: FastAPI) -> None:
    """A refused command answers its status, its first problem, and every problem in `errors`."""

    @app.exception_handler(CampaignRejected)
    async def _refused(_: Request, exc: CampaignRejected) -> JSONResponse:
        first = exc.problems[0]
        return JSONResponse(
            error_body(
                first.code,
                first.message,
                first.field,
                errors=[
                    {"code": p.code, "field": p.field, "message": p.message} for p in exc.problems
                ],
            ),
            status_code=exc.status,
        )
