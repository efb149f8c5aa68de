"""Wiring of the web UI: it has no database and no consumers, only the services' HTTP APIs."""

from __future__ import annotations

from dataclasses import dataclass

from web.adapters.upstreams import HttpUpstreams
from web.application.context import Context
from web.config import Settings


@dataclass(frozen=True)
class Lifecycle:
    """The `Context` the pages are served from (nothing to start or stop yet)."""

    context: Context

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        return cls(Context(upstreams=HttpUpstreams(settings.upstreams())))
