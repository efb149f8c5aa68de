"""Jinja2 templates (French, the State design system) and what every page receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from web.application.session import AUTH, csrf_token
from web.entrypoints.text import markdown_html

PACKAGE = Path(__file__).resolve().parents[1]
FORM_ERRORS = (409, 422)
TEMPLATES = Jinja2Templates(directory=str(PACKAGE / "templates"))
TEMPLATES.env.globals["markdown"] = lambda text: Markup(markdown_html(text or ""))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    auth = request.session.get(AUTH)
    page = {
        "signed_in": isinstance(auth, dict),
        "first_name": auth.get("name", "") if isinstance(auth, dict) else "",
        "csrf": csrf_token(request),
        "path": request.url.path,
        "settings": request.app.state.settings,
        **(context or {}),
    }
    if status in FORM_ERRORS and request.headers.get("HX-Request"):
        status = 200  # swapped in by htmx: the error is on the page (a 4xx is logged as a failure)
    return TEMPLATES.TemplateResponse(request, template, page, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """303 after a form (Post/Redirect/Get); htmx follows it and swaps the page it lands on."""
    return RedirectResponse(url, status_code=303)


SESSION_CLOSED = "session-fermee"
"""`motif` of the login page when the session was closed elsewhere (TOKEN_REVOKED)."""


def login_url(next_path: str, *, closed: bool = False) -> str:
    url = f"/connexion?suite={quote(next_path, safe='/')}"
    return f"{url}&motif={SESSION_CLOSED}" if closed else url


def safe_next(value: str | None, default: str = "/accueil") -> str:
    """Only a path of this site (no scheme, no `//host`): no open redirect after login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default
