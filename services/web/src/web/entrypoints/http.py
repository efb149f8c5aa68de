"""HTTP entrypoint of the web UI. It owns no data: pages are rendered from the services' APIs."""

import asyncio
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from orga_shared.http.correlation import CorrelationMiddleware
from orga_shared.http.errors import install_error_handlers
from orga_shared.observability import configure_logging
from web.config import Settings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


async def _probe(client: httpx.AsyncClient, url: str) -> str:
    try:
        response = await client.get(f"{url}/health")
        return "ok" if response.status_code == 200 else f"error: HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        return f"error: {type(exc).__name__}"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    app = FastAPI(title="Orga web", version="0.1.0")
    app.state.settings = settings
    app.add_middleware(CorrelationMiddleware)
    install_error_handlers(app)

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/ready", tags=["ops"], summary="Readiness: the services the UI calls answer")
    async def ready() -> JSONResponse:
        upstreams = settings.upstreams()
        async with httpx.AsyncClient(timeout=2.0) as client:
            results = await asyncio.gather(*(_probe(client, u) for u in upstreams.values()))
        checks = dict(zip(upstreams, results, strict=True))
        ok = checks["identity"] == "ok"
        return JSONResponse({"ok": ok, "checks": checks}, status_code=200 if ok else 503)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "home.html", {"title": "Orga"})

    return app
