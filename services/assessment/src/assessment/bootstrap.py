"""Wiring of the assessment service: real adapters, consumers, routers."""

from orga_shared.runtime import ServiceRuntime

from assessment.config import Settings

TOPIC = "assessment.events"


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
