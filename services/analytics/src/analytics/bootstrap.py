"""Wiring of the analytics service: the runtime (read side only: no event store, no topic of
its own), and the real adapters built into a `Context`."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.application.context import Context
from analytics.config import Settings
from orga_shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        return cls(ServiceRuntime(settings, topic=None), Context())
