"""Wiring of the analytics service: real adapters, consumers, routers."""

from analytics.config import Settings
from orga_shared.runtime import ServiceRuntime

TOPIC = None


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
