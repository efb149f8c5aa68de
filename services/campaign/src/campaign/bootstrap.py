"""Wiring of the campaign service: the runtime, and the real adapters built into a `Context`."""

from __future__ import annotations

from dataclasses import dataclass

from campaign.application.context import Context
from campaign.config import Settings
from orga_shared.runtime import ServiceRuntime

TOPIC = "campaign.events"


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        runtime = ServiceRuntime(settings, topic=TOPIC)
        assert runtime.store is not None  # a runtime with a topic has a store
        return cls(runtime, Context(store=runtime.store))
