"""HTTP entrypoint of the campaign service (an app factory for uvicorn)."""

from fastapi import FastAPI

from campaign.bootstrap import Lifecycle
from campaign.config import Settings
from campaign.entrypoints.routes import ROUTERS
from orga_shared.http.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = Lifecycle.build(settings)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga campaign",
        description="Campagnes et profils cibles",
        routers=ROUTERS,
    )
    app.state.context = lifecycle.context
    return app
