"""Wiring of the assessment service: the runtime, and the real adapters built into a `Context`."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.application.context import Context
from assessment.config import Settings
from orga_shared.content.loader import load_release
from orga_shared.runtime import ServiceRuntime

TOPIC = "assessment.events"


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        return cls(ServiceRuntime(settings, topic=TOPIC), Context(release=load_release()))
