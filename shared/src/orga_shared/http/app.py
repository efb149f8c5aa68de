"""FastAPI app factory: correlation ids, structured errors, /health, /ready, AsyncAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from orga_shared.config import ServiceSettings
from orga_shared.http.auth import JwksVerifier
from orga_shared.http.correlation import CorrelationMiddleware
from orga_shared.http.deadline import DatabaseDeadline
from orga_shared.http.errors import ErrorBody, install_error_handlers
from orga_shared.messaging.asyncapi import asyncapi_document
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
    app.add_middleware(DatabaseDeadline, seconds=settings.request_database_timeout_seconds)
    app.add_middleware(CorrelationMiddleware)
    install_error_handlers(app)

    @app.get(
        "/health",
        tags=["ops"],
        summary="Liveness: consumers make progress",
        response_model=Liveness,
        responses={503: {"model": Liveness, "description": "Un consommateur est bloqué."}},
    )
    async def health() -> JSONResponse:
        state = runtime.live()
        return JSONResponse(state, status_code=200 if state["ok"] else 503)

    @app.get(
        "/ready",
        tags=["ops"],
        summary="Readiness: database and broker answer",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Base ou broker injoignable."}},
    )
    async def ready() -> JSONResponse:
        checks = await runtime.ready()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"ok": ok, "checks": checks}, status_code=200 if ok else 503)

    @app.get(
        "/asyncapi.json",
        tags=["ops"],
        summary="AsyncAPI description of the consumers and the publication, with payloads",
    )
    async def asyncapi() -> dict[str, Any]:
        data = asyncapi_document(runtime, title=f"{title} events", description=description)
        data.setdefault("x-orga-publishes", runtime.store.topic if runtime.store else None)
        return data

    for router in routers:
        app.include_router(router)
    use_error_body_for_validation(app)
    return app


class Liveness(BaseModel):
    model_config = ConfigDict(extra="allow")
    ok: bool


class Readiness(BaseModel):
    ok: bool
    checks: dict[str, str]


def use_error_body_for_validation(app: FastAPI) -> None:
    """FastAPI documents its own 422 body; ours is `ErrorBody` (orga_shared.http.errors)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in error_schema.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components["ErrorBody"] = error_schema
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                response = operation.get("responses", {}).get("422")
                if response is not None:
                    response["description"] = "Donnée invalide (INVALID_INPUT, INVALID_JSON)."
                    response["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                    }
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
