"""The writer G3 kills: appends commits through `EventStore.append` with the real publisher and
prints `stored <n>` as appends return, until the parent sends SIGKILL mid-way.

`python -m bench.outbox_writer --mongo-url URL --database DB --topic T --commits N`
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import uuid
from typing import Any

from pymongo import AsyncMongoClient

from bench.harness import arun
from bench.workload import PRODUCER, REGISTRY, sample_event
from orga_shared.eventstore.store import EventStore
from orga_shared.messaging.outbox import OutboxPublisher
from orga_shared.messaging.producer import make_producer
from orga_shared.observability import configure_logging


async def write(args: argparse.Namespace) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(args.mongo_url)
    db = client[args.database]
    producer = make_producer(args.bootstrap, "bench-g3-writer")
    await producer.start()
    publisher = OutboxPublisher(db["commits"], producer)
    store = EventStore(
        db, producer=PRODUCER, topic=args.topic, registry=REGISTRY, publisher=publisher
    )
    rng = random.Random()
    remaining = args.commits
    stored = errors = 0

    async def worker() -> None:
        nonlocal remaining, stored, errors
        while remaining > 0:
            remaining -= 1
            try:
                await store.append(f"bench-{uuid.uuid4()}", 0, [sample_event(rng)])
                stored += 1
                print(f"stored {stored}", flush=True)
            except Exception as exc:  # counted; the parent compares with the database
                errors += 1
                print(f"error {errors} {type(exc).__name__}: {exc}", flush=True)

    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    print(f"done {stored} {errors}", flush=True)
    await producer.stop()
    await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongo-url", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--commits", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    configure_logging("bench-writer", level="ERROR", json=True)
    arun(write(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
