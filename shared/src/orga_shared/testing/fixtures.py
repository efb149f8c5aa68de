"""pytest plugin (loaded by the root conftest): real Kafka and database for integration tests.

Each test gets its own database and its own topics, so tests never see each other's data and
the suite can run against a stack that `make run` is also using.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.messaging.topics import dlq, ensure_topics, history
from orga_shared.smtp_sink import SmtpSink
from orga_shared.testing.infra import Infra, start_infra


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with ExitStack() as stack:
        yield start_infra(stack)


@pytest.fixture(scope="session")
async def mongo_client(infra: Infra) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def db(
    mongo_client: AsyncMongoClient[dict[str, Any]],
) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)


@pytest.fixture(scope="session")
def mail_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpSink]:
    """The real SMTP sink on a free port; `mail_sink.store.to(address)` reads what arrived."""
    with SmtpSink(tmp_path_factory.mktemp("mail")) as sink:
        yield sink


TopicFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def new_topic(infra: Infra) -> TopicFactory:
    """Create a fresh history topic (and its DLQ) with a unique name; returns the name."""

    async def make(prefix: str = "test", partitions: int = 3) -> str:
        name = f"{prefix}.{uuid.uuid4().hex[:10]}"
        await ensure_topics(
            infra.kafka_bootstrap, [history(name, partitions), history(dlq(name), 1)], wait=60
        )
        return name

    return make


async def read_topic(
    bootstrap: str, topic: str, count: int, timeout: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read `count` records from the start of a topic with a throwaway group (or fail)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for recs in batch.values():
                    records.extend(recs)
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return records


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 30.0, interval: float = 0.2
) -> bool:
    """Poll an async condition until it holds or the timeout passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await check():
            return True
        await asyncio.sleep(interval)
    return await check()
