"""`Context`: what web's pages may touch: the services' APIs, and their health for readiness."""

from __future__ import annotations

from dataclasses import dataclass

from web.adapters.api import Api
from web.application.ports import Upstreams
from web.config import Settings


@dataclass(frozen=True)
class Context:
    upstreams: Upstreams
    api: Api
    settings: Settings
