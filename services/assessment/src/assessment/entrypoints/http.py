"""HTTP entrypoint of the assessment service (an app factory for uvicorn)."""

from fastapi import FastAPI

from assessment.bootstrap import build_runtime
from assessment.config import Settings
from assessment.entrypoints.content_routes import router as content_router
from orga_shared.http.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = build_runtime(settings)
    return create_service_app(
        settings,
        runtime,
        title="Orga assessment",
        description="Contenu, participations, test adaptatif et résultats",
        routers=[content_router],
    )
