"""HTTP entrypoint of the organisation service (an app factory for uvicorn)."""

from __future__ import annotations

from fastapi import FastAPI

from orga_shared.http.app import create_app as create_service_app
from orga_shared.mail import MailSettings
from organisation.bootstrap import build_lifecycle
from organisation.config import Settings
from organisation.entrypoints.routes import errors, invitations, learners, organisations, team


def create_app(settings: Settings | None = None, mail: MailSettings | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = build_lifecycle(settings, mail=mail)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga organisation",
        description="Organisations, équipes, invitations et élèves",
        routers=[organisations.router, team.router, invitations.router, learners.router],
        on_startup=[lifecycle.on_startup],
    )
    app.state.context = lifecycle.context
    app.state.membership_directory = lifecycle.directory
    errors.install(app)
    return app
