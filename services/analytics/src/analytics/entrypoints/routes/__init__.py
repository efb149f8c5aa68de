"""Analytics' routers, one module per resource; `ROUTERS` is what the app mounts (none yet:
dashboards, analyses and CSV exports come with their issues)."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
