"""FastAPI app factory: correlation ids, structured errors, /health, /ready, AsyncAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from faststream.specification import AsyncAPI

from orga_shared.config import ServiceSettings
from orga_shared.http.auth import JwksVerifier
from orga_shared.http.correlation import CorrelationMiddleware
from orga_shared.http.errors import install_error_handlers
from orga_shared.observability import configure_logging
from orga_shared.runtime import ServiceRuntime

Hook = Callable[[ServiceRuntime], Awaitable[None]]


def create_app(
    settings: ServiceSettings,
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str = "",
    routers: Sequence[APIRouter] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
) -> FastAPI:
    configure_logging(settings.service_name, settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        for hook in on_startup:
            await hook(runtime)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(runtime)
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.verifier = JwksVerifier(
        settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    app.add_middleware(CorrelationMiddleware)
    install_error_handlers(app)

    @app.get("/health", tags=["ops"], summary="Liveness: consumers make progress")
    async def health() -> JSONResponse:
        state = runtime.live()
        return JSONResponse(state, status_code=200 if state["ok"] else 503)

    @app.get("/ready", tags=["ops"], summary="Readiness: database and broker answer")
    async def ready() -> JSONResponse:
        checks = await runtime.ready()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"ok": ok, "checks": checks}, status_code=200 if ok else 503)

    asyncapi_doc = AsyncAPI(
        runtime.broker, title=f"{title} events", version="0.1.0", description=description
    )

    @app.get("/asyncapi.json", tags=["ops"], summary="AsyncAPI description of the consumers")
    async def asyncapi() -> dict[str, Any]:
        data: dict[str, Any] = asyncapi_doc.to_specification().to_jsonable()
        data.setdefault("x-orga-publishes", runtime.store.topic if runtime.store else None)
        return data

    for router in routers:
        app.include_router(router)
    return app
