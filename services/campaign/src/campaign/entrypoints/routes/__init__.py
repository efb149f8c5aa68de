"""Campaign's routers, one module per resource; `ROUTERS` is what the app mounts (none yet:
campaigns and codes come with their issue)."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
