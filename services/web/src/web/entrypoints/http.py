"""HTTP entrypoint of the web UI. It owns no data: pages are rendered from the services' APIs,
so it is not built on the kernel's app factory (no runtime, no database, no broker)."""

from fastapi import FastAPI

from orga_shared.http.app import use_error_body_for_validation
from orga_shared.http.correlation import CorrelationMiddleware
from orga_shared.http.errors import install_error_handlers
from orga_shared.observability import configure_logging
from web.bootstrap import Lifecycle
from web.config import Settings
from web.entrypoints.routes import ROUTERS


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    lifecycle = Lifecycle.build(settings)
    app = FastAPI(title="Orga web", version="0.1.0")
    app.state.settings = settings
    app.state.context = lifecycle.context
    app.add_middleware(CorrelationMiddleware)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    use_error_body_for_validation(app)
    return app
