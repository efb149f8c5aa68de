"""`Context`: what web's use cases may touch (the services it renders pages from)."""

from __future__ import annotations

from dataclasses import dataclass

from web.application.ports import Upstreams


@dataclass(frozen=True)
class Context:
    upstreams: Upstreams
