"""HTTP entrypoint of the campaign service (an app factory for uvicorn)."""

from __future__ import annotations

from fastapi import FastAPI

from campaign.bootstrap import Lifecycle
from campaign.config import Settings
from campaign.entrypoints.routes import ROUTERS
from campaign.entrypoints.routes.deps import install_refusals
from orga_shared.http.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = Lifecycle.build(settings)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga campaign",
        description="Campagnes, codes et parcours (profils cibles)",
        routers=ROUTERS,
        on_startup=[lifecycle.on_startup],
    )
    app.state.context = lifecycle.context
    app.state.membership_directory = lifecycle.directory.directory
    install_refusals(app)
    return app
