"""HTTP entrypoint of the web UI. It owns no data: pages are rendered from the services' APIs,
so it is not built on the kernel's app factory (no runtime, no database, no broker).

Pages are server-rendered French HTML (Jinja2, the State design system, htmx for partial
updates; docs/adr/0019-web-service.md). The session is a signed HttpOnly cookie; every form
carries a CSRF token; every response a strict Content-Security-Policy.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from orga_shared.http.correlation import CorrelationMiddleware
from orga_shared.http.errors import STATUS_ERRORS, allowed_methods
from orga_shared.observability import configure_logging
from web.adapters.api import ApiRefusal
from web.application.session import LoginRequired
from web.bootstrap import Lifecycle
from web.config import Settings
from web.entrypoints.rendering import PACKAGE, login_url, redirect, render
from web.entrypoints.routes import ROUTERS
from web.entrypoints.routes.deps import CsrfRefused
from web.entrypoints.routes.orga_common import NotMember, TermsNotAccepted
from web.entrypoints.security import SecurityHeaders

log = structlog.get_logger()

NODE_MODULES = PACKAGE.parents[1] / "node_modules"
VENDOR = {
    "dsfr": "@gouvfr/dsfr/dist",
    "htmx": "htmx.org/dist",
    "chartjs": "chart.js/dist",
}
SESSION_COOKIE = "orga_session"


def vendor_dirs(root: Path = NODE_MODULES) -> dict[str, Path]:
    dirs = {name: root / sub for name, sub in VENDOR.items()}
    missing = [str(d) for d in dirs.values() if not d.is_dir()]
    if missing:
        raise RuntimeError(
            f"front-end packages missing ({', '.join(missing)}): run `make web-assets`"
        )
    return dirs


def _secret(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    log.warning("web.secret_key_unset", consequence="sessions end when this process restarts")
    return secrets.token_urlsafe(48)


def _is_api(request: Request) -> bool:
    return request.url.path in ("/health", "/ready") or request.url.path.startswith("/api/")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    lifecycle = Lifecycle.build(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await lifecycle.stop()

    app = FastAPI(title="Orga web", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.context = lifecycle.context
    app.add_middleware(
        SessionMiddleware,
        secret_key=_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(CorrelationMiddleware)
    assets = Path(settings.assets_dir) if settings.assets_dir else NODE_MODULES
    for name, directory in vendor_dirs(assets).items():
        app.mount(f"/static/vendor/{name}", StaticFiles(directory=directory), name=name)
    app.mount("/static/app", StaticFiles(directory=PACKAGE / "static"), name="app")
    for router in ROUTERS:
        app.include_router(router)
    _install_handlers(app)
    return app


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/accueil"
        if request.url.query and request.method == "GET":
            target = f"{target}?{request.url.query}"
        url = login_url(target, closed=exc.revoked)
        response = redirect(url)
        if request.headers.get("HX-Request"):
            response.headers["HX-Redirect"] = url
        return response

    @app.exception_handler(TermsNotAccepted)
    async def _terms(request: Request, _: TermsNotAccepted) -> Response:
        response = redirect("/orga/cgu")
        if request.headers.get("HX-Request"):
            response.headers["HX-Redirect"] = "/orga/cgu"
        return response

    @app.exception_handler(ApiRefusal)
    async def _refused(request: Request, exc: ApiRefusal) -> Response:
        if _is_api(request):
            body = {"code": exc.code, "message": exc.message, "field": exc.field}
            return JSONResponse(body, status_code=exc.status)
        status = exc.status if exc.status in (403, 404, 409, 503) else 400
        return render(request, "error.html", {"title": "Erreur", "error": exc}, status=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        if _is_api(request):
            code, text = STATUS_ERRORS.get(exc.status_code, ("ERROR", str(exc.detail)))
            return JSONResponse(
                {"code": code, "message": text, "field": None},
                status_code=exc.status_code,
                headers=headers,
            )
        messages = {
            404: "Cette page n'existe pas.",
            403: "Vous n'avez pas accès à cette page.",
            405: "Cette action n'est pas possible ici.",
        }
        message = messages.get(exc.status_code, "Une erreur est survenue.")
        if isinstance(exc, CsrfRefused | NotMember):
            message = str(exc.detail)
        error = ApiRefusal(exc.status_code, f"HTTP_{exc.status_code}", message)
        page = render(request, "error.html", {"title": "Erreur", "error": error}, exc.status_code)
        page.headers.update(headers)
        return page

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        error = ApiRefusal(400, "INVALID_FORM", "Le formulaire envoyé est incomplet ou invalide.")
        return render(request, "error.html", {"title": "Erreur", "error": error}, status=400)
