import pytest

from orga_shared.events import Envelope, EventRegistry, UnknownEventType
from orga_shared.testing.sample_events import CounterIncremented, registry

pytestmark = pytest.mark.unit


def envelope(version: int, payload: dict[str, object]) -> Envelope:
    return Envelope(
        event_type="test.CounterIncremented",
        schema_version=version,
        stream_id="c-1",
        stream_version=1,
        producer="test",
        correlation_id="corr",
        payload=payload,
    )


def test_old_version_is_upcast_to_latest_model() -> None:
    event = registry.decode(envelope(1, {"counter_id": "c-1", "by": 2}))
    assert event == CounterIncremented(counter_id="c-1", by=2, reason="inconnue")


def test_latest_version_decodes_as_is() -> None:
    event = registry.decode(envelope(2, {"counter_id": "c-1", "by": 2, "reason": "x"}))
    assert isinstance(event, CounterIncremented) and event.reason == "x"


def test_unknown_type_and_future_version_are_refused() -> None:
    with pytest.raises(UnknownEventType):
        registry.decode(envelope(3, {"counter_id": "c-1", "by": 2, "reason": "x"}))
    with pytest.raises(UnknownEventType):
        EventRegistry().decode(envelope(1, {}))


def test_missing_upcaster_is_reported() -> None:
    other = EventRegistry()
    other.register(CounterIncremented)

    class Old(CounterIncremented.__base__):  # type: ignore[misc,name-defined]
        event_type = "test.CounterIncremented"
        schema_version = 1
        counter_id: str

    other.register(Old)
    assert other.check() == ["test.CounterIncremented: missing upcaster v1 -> v2"]
    assert registry.check() == []
