"""Events used only by the kernel's own tests, in a private registry (never the global one)."""

from typing import Any

from orga_shared.events import DomainEvent, Envelope, EventRegistry

registry = EventRegistry()


@registry.register
class CounterIncremented(DomainEvent):
    event_type = "test.CounterIncremented"
    schema_version = 2

    counter_id: str
    by: int
    reason: str


@registry.register
class CounterIncrementedV1(DomainEvent):
    """The first version had no reason; v2 added it."""

    event_type = "test.CounterIncremented"
    schema_version = 1

    counter_id: str
    by: int


@registry.upcaster("test.CounterIncremented", 1)
def _v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "reason": "inconnue"}


@registry.register
class AlwaysFails(DomainEvent):
    event_type = "test.AlwaysFails"

    counter_id: str


def evolve(total: int, event: DomainEvent) -> int:
    return total + event.by if isinstance(event, CounterIncremented) else total


def counter_envelope(stream: str, payload: dict[str, Any], schema_version: int = 2) -> Envelope:
    """A `test.CounterIncremented` envelope as a producer would write it."""
    return Envelope(
        event_type=CounterIncremented.event_type,
        schema_version=schema_version,
        stream_id=stream,
        stream_version=1,
        producer="test",
        correlation_id="c",
        payload=payload,
    )
