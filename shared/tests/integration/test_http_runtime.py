"""The app factory and runtime on the real stack: health, readiness, correlation ids end to end."""

import uuid

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager
from fastapi import APIRouter

from orga_shared.config import ServiceSettings
from orga_shared.events import DomainEvent, Envelope
from orga_shared.http.app import create_app
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.runtime import ServiceRuntime
from orga_shared.testing.fixtures import eventually, read_topic
from orga_shared.testing.sample_events import CounterIncremented, registry
from orga_shared.testing.tokens import TokenFactory

pytestmark = pytest.mark.integration


def settings_for(infra, database: str) -> ServiceSettings:
    return ServiceSettings.model_validate(
        {
            "service_name": "kernel-test",
            "database": database,
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
            "ORGA_OUTBOX_RELAY_INTERVAL_SECONDS": 0.5,
        }
    )


async def test_correlation_id_travels_from_header_to_envelope_to_consumer_log_context(
    infra, db, new_topic
) -> None:
    topic = await new_topic()
    settings = settings_for(infra, db.name)
    runtime = ServiceRuntime(settings, topic=topic, registry=registry)
    seen: list[dict] = []

    async def handler(envelope: Envelope, event: DomainEvent) -> None:
        seen.append(dict(structlog.contextvars.get_contextvars()))

    runtime.subscribe(name="probe", topics=[topic], handler=handler, group_id=f"g-{uuid.uuid4()}")
    router = APIRouter()

    @router.post("/counters/{counter_id}")
    async def increment(counter_id: str, principal: CurrentPrincipal) -> dict[str, int]:
        assert runtime.store is not None
        commit = await runtime.store.append(
            counter_id, 0, [CounterIncremented(counter_id=counter_id, by=1, reason="http")]
        )
        return {"version": commit.last_version}

    app = create_app(settings, runtime, title="kernel test", routers=[router])
    tokens = TokenFactory()
    app.state.verifier.add_keys(tokens.jwks())
    counter = f"c-{uuid.uuid4()}"
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        assert (await client.get("/health")).status_code == 200
        ready = await client.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
        anonymous = await client.post(f"/counters/{counter}")
        assert anonymous.status_code == 401 and anonymous.json()["code"] == "UNAUTHENTICATED"
        response = await client.post(
            f"/counters/{counter}",
            headers={"X-Correlation-ID": "corr-123", **tokens.headers("u-1")},
        )
        assert response.status_code == 200, response.text
        assert response.headers["x-correlation-id"] == "corr-123"

        async def consumed() -> bool:
            return bool(seen)

        assert await eventually(consumed)
        asyncapi = (await client.get("/asyncapi.json")).json()
        assert topic in str(asyncapi["channels"])
    [record] = await read_topic(infra.kafka_bootstrap, topic, 1)
    envelope = Envelope.from_json_bytes(record.value)
    assert envelope.correlation_id == "corr-123"
    assert record.key == counter.encode()
    assert seen[0]["correlation_id"] == "corr-123"
    assert seen[0]["causation_id"] == envelope.event_id
    assert seen[0]["event_type"] == "test.CounterIncremented"


async def test_unready_when_the_database_is_unreachable(infra) -> None:
    settings = ServiceSettings.model_validate(
        {
            "service_name": "kernel-test",
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500",
        }
    )
    runtime = ServiceRuntime(settings, topic=None, registry=registry)
    app = create_app(settings, runtime, title="kernel test")
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("error")
    assert ready.json()["checks"]["broker"] == "ok"
