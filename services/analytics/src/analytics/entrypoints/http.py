"""HTTP entrypoint of the analytics service (an app factory for uvicorn)."""

from fastapi import FastAPI

from analytics.bootstrap import Lifecycle
from analytics.config import Settings
from analytics.entrypoints.routes import ROUTERS
from orga_shared.http.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = Lifecycle.build(settings)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga analytics",
        description="Tableaux de bord, analyses et exports CSV (lecture seule)",
        routers=ROUTERS,
        on_startup=[lifecycle.on_startup],
        on_shutdown=[lifecycle.on_shutdown],
    )
    app.state.context = lifecycle.context
    app.state.lifecycle = lifecycle
    app.state.membership_directory = lifecycle.directory
    return app
