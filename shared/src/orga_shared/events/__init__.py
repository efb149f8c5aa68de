"""Event envelope, typed payloads and the registry with its upcasters."""

from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.events.registry import EVENTS, EventRegistry, UnknownEventType

__all__ = ["EVENTS", "DomainEvent", "Envelope", "EventRegistry", "UnknownEventType"]
