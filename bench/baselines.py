"""The raw figures every later one divides by, measured with the platform's own settings:
hello-world FastAPI (req/s, p99), aiokafka produce and consume+decode (msgs/s), `find_one` by id.

Each is a function other figures call inside their own rounds (ratios are taken within one run);
`run()` measures them all and writes `bench/results/baselines.json`.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from bench import kafkatools
from bench.harness import (
    Result,
    Settings,
    arun,
    detect_database,
    env_int,
    percentile,
    unique_name,
    write_baselines,
)
from bench.loadgen import LoadResult, get, run_load
from bench.server import uvicorn_server
from bench.workload import REGISTRY, build_commits, messages
from bench.wrk import WrkResult, ensure_wrk, wrk
from orga_shared.events.envelope import Envelope
from orga_shared.messaging.producer import make_producer

Message = tuple[bytes, bytes, list[tuple[str, bytes]]]


async def hello_world(
    settings: Settings, *, concurrency: int | None = None, think_time: float = 0.0
) -> LoadResult:
    """One uvicorn worker, loaded over loopback by the shared generator."""
    async with uvicorn_server("bench.hello:app", workers=1, ready_path="/hello") as base:
        return await run_load(
            base,
            get("/hello"),
            concurrency=concurrency or settings.concurrency,
            warmup=settings.warmup,
            duration=settings.duration,
            think_time=think_time,
        )


async def hello_world_wrk(settings: Settings, *, concurrency: int | None = None) -> WrkResult:
    """The same server under wrk: how far the Python generator is from a C one."""
    connections = concurrency or settings.concurrency
    async with uvicorn_server("bench.hello:app", workers=1, ready_path="/hello") as base:
        if settings.warmup >= 1:
            await wrk(base + "/hello", connections=connections, seconds=settings.warmup)
        return await wrk(base + "/hello", connections=connections, seconds=settings.duration)


async def produce(producer: AIOKafkaProducer, topic: str, batch: Sequence[Message]) -> float:
    """Send everything, wait for every acknowledgement; messages per second."""
    started = time.perf_counter()
    futures = [
        await producer.send(topic, value=value, key=key, headers=headers)
        for key, value, headers in batch
    ]
    await asyncio.gather(*futures)
    return len(batch) / (time.perf_counter() - started)


async def produce_rate(bootstrap: str, topic: str, batch: Sequence[Message]) -> float:
    """A raw aiokafka producer with the platform's settings (acks=all, idempotence)."""
    producer = make_producer(bootstrap, "bench-raw")
    await producer.start()
    try:
        return await produce(producer, topic, batch)
    finally:
        await producer.stop()


def decode_envelope(record: Any) -> None:
    REGISTRY.decode(Envelope.from_json_bytes(record.value))


async def consume_decode_rate(
    bootstrap: str, topic: str, decode: Callable[[Any], None] = decode_envelope
) -> float:
    """Read the whole topic with a plain consumer, decoding envelope and payload; msgs/s."""
    count, seconds = await kafkatools.consume(bootstrap, topic, decode)
    return count / seconds


async def find_one_latency(
    collection: AsyncCollection[dict[str, Any]], ids: Sequence[Any], samples: int
) -> dict[str, float]:
    """Sequential `find_one({"_id": ...})` on random ids, after a short warm-up; milliseconds."""
    rng = random.Random(11)
    for _ in range(min(20, samples)):
        await collection.find_one({"_id": rng.choice(ids)})
    latencies = []
    for _ in range(samples):
        t0 = time.perf_counter()
        found = await collection.find_one({"_id": rng.choice(ids)})
        latencies.append((time.perf_counter() - t0) * 1000)
        if found is None:
            raise LookupError("find_one missed a document it inserted")
    return {q: percentile(latencies, p) for q, p in (("p50", 50), ("p95", 95), ("p99", 99))}


async def find_one_on_commits(mongo_url: str, documents: int, samples: int) -> dict[str, float]:
    """A fresh database holding `documents` commit documents, dropped afterwards."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    name = unique_name("find_one")
    try:
        await detect_database(client)
        docs, _ = await build_commits(documents, "bench.find-one")
        collection = client[name]["commits"]
        for i in range(0, len(docs), 5_000):
            await collection.insert_many(docs[i : i + 5_000], ordered=False)
        return await find_one_latency(collection, [d["_id"] for d in docs], samples)
    finally:
        await client.drop_database(name)
        await client.close()


def _raw(figure_id: str, values: list[float], unit: str, **details: Any) -> Result:
    return Result(
        id=figure_id,
        value=statistics.median(values),
        unit=unit,
        goal="raw baseline (median of rounds)",
        details=details,
        rounds=[{"value": v} for v in values],
    )


async def measure(settings: Settings) -> list[Result]:
    kafka_messages = env_int("BENCH_KAFKA_MESSAGES", 100_000)
    find_docs = env_int("BENCH_FIND_ONE_DOCS", 10_000)
    find_samples = env_int("BENCH_FIND_ONE_SAMPLES", 500)
    has_wrk = await ensure_wrk() is not None
    _, commits = await build_commits(kafka_messages, "bench.raw")
    batch = list(messages(commits))
    size = statistics.mean(len(v) for _, v, _ in batch)

    rps, p99, wrk_rps, wrk_p99, produced, consumed, f50, f95, f99 = ([] for _ in range(9))
    for n in range(1, settings.rounds + 1):
        print(f"baselines round {n}/{settings.rounds}", flush=True)
        hello = await hello_world(settings)
        rps.append(hello.rate)
        p99.append(hello.p(99))
        print(f"  hello (httpx) {hello.summary()}", flush=True)
        if has_wrk:
            reference = await hello_world_wrk(settings)
            wrk_rps.append(reference.rate)
            wrk_p99.append(reference.p99_ms)
            print(f"  hello (wrk) {reference.rate:,.0f} req/s, p99 {reference.p99_ms:.2f} ms")
        async with kafkatools.fresh_topic(
            settings.kafka_bootstrap, "raw", settings.partitions
        ) as topic:
            produced.append(await produce_rate(settings.kafka_bootstrap, topic, batch))
            consumed.append(await consume_decode_rate(settings.kafka_bootstrap, topic))
        lat = await find_one_on_commits(settings.mongo_url, find_docs, find_samples)
        f50.append(lat["p50"])
        f95.append(lat["p95"])
        f99.append(lat["p99"])
        print(
            f"  produce {produced[-1]:,.0f} msg/s, consume+decode {consumed[-1]:,.0f} msg/s,"
            f" find_one p50/p95/p99 {lat['p50']:.2f}/{lat['p95']:.2f}/{lat['p99']:.2f} ms",
            flush=True,
        )

    http = {
        "workers": 1,
        "concurrency": settings.concurrency,
        "warmup_s": settings.warmup,
        "duration_s": settings.duration,
        "client": "httpx (async, keep-alive)",
    }
    kafka = {
        "messages": kafka_messages,
        "mean_message_bytes": round(size),
        "partitions": settings.partitions,
        "acks": "all",
        "idempotence": True,
    }
    mongo = {"documents": find_docs, "samples": find_samples, "document": "commit"}
    by_wrk = {**http, "client": "wrk, 1 thread (reference only: later figures use httpx)"}
    results = [
        _raw("hello_rps", rps, "req/s", **http),
        _raw("hello_p99", p99, "ms", **http),
    ]
    if has_wrk:
        results += [
            _raw("hello_rps_wrk", wrk_rps, "req/s", **by_wrk),
            _raw("hello_p99_wrk", wrk_p99, "ms", **by_wrk),
        ]
    return [
        *results,
        _raw("kafka_produce", produced, "msg/s", **kafka),
        _raw("kafka_consume_decode", consumed, "msg/s", **kafka),
        _raw("find_one_p50", f50, "ms", **mongo),
        _raw("find_one_p95", f95, "ms", **mongo),
        _raw("find_one_p99", f99, "ms", **mongo),
    ]


def run() -> list[Result]:
    results = arun(measure(Settings()))
    print(f"written {write_baselines(results)}")
    return results
