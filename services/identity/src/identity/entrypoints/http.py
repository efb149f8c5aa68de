"""HTTP entrypoint of the identity service (an app factory for uvicorn)."""

from fastapi import FastAPI
from orga_shared.http.app import create_app as create_service_app

from identity.bootstrap import build_runtime
from identity.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = build_runtime(settings)
    return create_service_app(
        settings, runtime, title="Orga identity", description="Comptes, connexion, SSO et jetons"
    )
