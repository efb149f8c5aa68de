"""Wiring of the identity service: real adapters, consumers, routers."""

from orga_shared.runtime import ServiceRuntime

from identity.config import Settings

TOPIC = "identity.events"


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
