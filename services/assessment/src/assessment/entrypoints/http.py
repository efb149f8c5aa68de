"""HTTP entrypoint of the assessment service (an app factory for uvicorn)."""

from fastapi import FastAPI

from assessment.bootstrap import Lifecycle
from assessment.config import Settings
from assessment.entrypoints.routes import ROUTERS
from orga_shared.http.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = Lifecycle.build(settings)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga assessment",
        description="Contenu, participations, test adaptatif et résultats",
        routers=ROUTERS,
    )
    app.state.context = lifecycle.context
    return app
