"""Campaign's routers, one module per resource; `ROUTERS` is what the app mounts."""

from fastapi import APIRouter

from campaign.entrypoints.routes import campaigns, catalogue

ROUTERS: list[APIRouter] = [campaigns.router, catalogue.router]
