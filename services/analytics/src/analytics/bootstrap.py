"""Wiring of the analytics service: real adapters, consumers, routers."""

from orga_shared.runtime import ServiceRuntime

from analytics.config import Settings

TOPIC = None


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
