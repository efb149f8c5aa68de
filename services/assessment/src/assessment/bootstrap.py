"""Wiring of the assessment service: real adapters, consumers, routers."""

from assessment.config import Settings
from orga_shared.runtime import ServiceRuntime

TOPIC = "assessment.events"


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
