"""HTTP entrypoint of the analytics service (an app factory for uvicorn)."""

from fastapi import FastAPI

from analytics.bootstrap import build_runtime
from analytics.config import Settings
from orga_shared.http.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = build_runtime(settings)
    return create_service_app(
        settings,
        runtime,
        title="Orga analytics",
        description="Tableaux de bord, analyses et exports CSV (lecture seule)",
    )
