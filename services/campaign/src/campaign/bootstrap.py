"""Wiring of the campaign service: real adapters, consumers, routers."""

from campaign.config import Settings
from orga_shared.runtime import ServiceRuntime

TOPIC = "campaign.events"


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=TOPIC)
