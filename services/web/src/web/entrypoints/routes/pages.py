"""The server-rendered pages (French HTML), documented as `text/html`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[2] / "templates"))

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="Accueil")
async def home(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "home.html", {"title": "Orga"})
