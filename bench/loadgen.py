"""A closed-loop HTTP load generator: `concurrency` virtual users, each with its own httpx client
and keep-alive connection, sending a request as soon as the previous answered (plus an optional
think time). One shared client would serialise on httpx's pool: past ~8 concurrent requests its
throughput falls (150 req/s at 32 against a hello world), so each user gets its own.

It runs on the same machine as the server (docs/benchmarks.md); the same generator measures the
baseline and the system, so its own cost is in both sides of every ratio.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from bench.harness import percentile

Call = Callable[[httpx.AsyncClient, int], Awaitable[None]]


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    concurrency: int
    latencies_ms: list[float] = field(repr=False, default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def summary(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "concurrency": self.concurrency,
            "rate": round(self.rate, 1),
            "p50_ms": round(self.p(50), 3),
            "p95_ms": round(self.p(95), 3),
            "p99_ms": round(self.p(99), 3),
        }


def get(path: str) -> Call:
    """The simplest call: GET `path`, anything but 2xx is an error."""

    async def call(client: httpx.AsyncClient, user: int) -> None:
        (await client.get(path)).raise_for_status()

    return call


async def run_load(
    base_url: str,
    call: Call,
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    think_time: float = 0.0,
    timeout: float = 30.0,
) -> LoadResult:
    """Only calls that start and finish inside the measured window count (after the warm-up).

    `call(client, user)` does one unit of work (a GET, or a whole flow) and raises on failure.
    """
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    start = time.perf_counter()
    window_start, window_end = start + warmup, start + warmup + duration
    latencies: list[float] = []
    errors = 0

    async def user(n: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        if think_time:
            await asyncio.sleep(random.uniform(0, think_time))
        while (t0 := time.perf_counter()) < window_end:
            ok = True
            try:
                await call(client, n)
            except (httpx.HTTPError, OSError):
                ok = False
            t1 = time.perf_counter()
            if t0 >= window_start and t1 <= window_end:
                if ok:
                    latencies.append((t1 - t0) * 1000)
                else:
                    errors += 1
            if think_time:
                await asyncio.sleep(random.expovariate(1 / think_time))

    clients = [
        httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout)
        for _ in range(concurrency)
    ]
    try:
        await asyncio.gather(*(user(n, c) for n, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return LoadResult(len(latencies), errors, duration, concurrency, latencies)
