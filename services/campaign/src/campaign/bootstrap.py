"""Wiring of the campaign service: real adapters, consumers, routers."""

from orga_shared.runtime import ServiceRuntime

from campaign.config import Settings

TOPIC = "campaign.events"


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
