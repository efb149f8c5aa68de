"""HTTP entrypoint of the assessment service (an app factory for uvicorn)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assessment.bootstrap import Lifecycle
from assessment.config import Settings
from assessment.domain.participant import Refused
from assessment.entrypoints.routes import ROUTERS
from orga_shared.http.app import create_app as create_service_app
from orga_shared.http.errors import error_body


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = Lifecycle.build(settings)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga assessment",
        description="Contenu, participations, test adaptatif et résultats",
        routers=ROUTERS,
        on_startup=[lifecycle.on_startup],
        on_shutdown=[lifecycle.on_shutdown],
    )
    app.state.context = lifecycle.context
    app.state.lifecycle = lifecycle
    app.state.membership_directory = lifecycle.directory

    @app.exception_handler(Refused)
    async def _refused(_: Request, exc: Refused) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=exc.status)

    return app
