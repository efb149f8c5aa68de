"""HTTP entrypoint of the identity service (an app factory for uvicorn)."""

from __future__ import annotations

from fastapi import FastAPI

from identity.bootstrap import Lifecycle
from identity.config import Settings
from identity.entrypoints.errors import install
from identity.entrypoints.routes import (
    accounts,
    admin,
    idp_simulator,
    me,
    operator,
    password_reset,
    recovery,
    sessions,
    sso,
)
from identity.entrypoints.routes.deps import LocalVerifier
from orga_shared.http.app import create_app as create_service_app
from orga_shared.mail import Mailer


def create_app(settings: Settings | None = None, *, mailer: Mailer | None = None) -> FastAPI:
    settings = settings or Settings()
    lifecycle = Lifecycle.build(settings, mailer=mailer)
    routers = [
        accounts.router,
        sessions.router,
        me.router,
        sso.router,
        recovery.router,
        password_reset.router,
        admin.router,
        operator.router,
    ]
    if lifecycle.idp_simulator is not None:  # development only; not in the OpenAPI document
        routers.append(idp_simulator.router)
    app = create_service_app(
        settings,
        lifecycle.runtime,
        title="Orga identity",
        description="Comptes, connexion, SSO et jetons",
        routers=routers,
        on_startup=[lifecycle.on_startup],
        on_shutdown=[lifecycle.on_shutdown],
    )
    app.state.context = lifecycle.context
    app.state.idp_simulator = lifecycle.idp_simulator
    app.state.verifier = LocalVerifier(
        lifecycle.context.signer.jwks(), issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    install(app)
    return app
