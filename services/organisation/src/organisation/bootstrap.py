"""Wiring of the organisation service: real adapters, consumers, routers."""

from orga_shared.runtime import ServiceRuntime

from organisation.config import Settings

TOPIC = "organisation.events"


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
