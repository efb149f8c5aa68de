"""The local database's own figures (issue 7, docs/adr/0011): races, index-served reads, memory.

`uv run python -m bench.run database` (or `make bench NAME=database`) measures, on whatever
`ORGA_MONGO_URL` points at, the operations the services rely on:

- 8 concurrent writers x 500 `$inc` on one document (final count, of 4,000);
- 8 concurrent writers racing a compare-and-set on a version (successes = the final version);
- a unique compound index race (exactly one winner);
- equality on an indexed field, `$in` on `_id` (find and `update_many`), `find_one` by `_id`,
  at 10,000 and 40,000 documents: p50 and the growth from 10k to 40k;
- with 1,000,000 small documents: the server's resident memory and the database's size on disk
  (local FerretDB only; `BENCH_DB_MILLION=0` skips it).

These are properties, not ratios: the raw figures go to `bench/results/database.json` like the
baselines. The same properties are asserted, without timings, by
`shared/tests/integration/test_local_database.py`.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from bench.harness import (
    REPO_ROOT,
    Result,
    Settings,
    arun,
    detect_database,
    env_int,
    percentile,
    unique_name,
    write_baselines,
)

WRITERS = 8
SIZES = (10_000, 40_000)
SAMPLES = env_int("BENCH_DB_SAMPLES", 200)
MILLION = env_int("BENCH_DB_MILLION", 1_000_000)

Coll = AsyncCollection[dict[str, Any]]


async def inc_race(coll: Coll, per_writer: int = 500) -> Result:
    await coll.insert_one({"_id": "counter", "n": 0})

    async def writer() -> None:
        for _ in range(per_writer):
            await coll.update_one({"_id": "counter"}, {"$inc": {"n": 1}})

    await asyncio.gather(*(writer() for _ in range(WRITERS)))
    doc = await coll.find_one({"_id": "counter"})
    expected = WRITERS * per_writer
    final = doc["n"] if doc else 0
    return Result(
        "db $inc race", final, f"of {expected}", goal=f"= {expected}", met=final == expected
    )


async def cas_race(coll: Coll, per_writer: int = 500) -> Result:
    await coll.insert_one({"_id": "cas", "version": 0})
    wins = 0

    async def writer() -> None:
        nonlocal wins
        for _ in range(per_writer):
            doc = await coll.find_one({"_id": "cas"})
            v = doc["version"] if doc else 0
            res = await coll.update_one({"_id": "cas", "version": v}, {"$set": {"version": v + 1}})
            wins += res.modified_count

    await asyncio.gather(*(writer() for _ in range(WRITERS)))
    doc = await coll.find_one({"_id": "cas"})
    final = doc["version"] if doc else -1
    return Result(
        "db compare-and-set race",
        wins,
        "successes",
        goal="successes = final version",
        met=wins == final,
        details={"final version": final, "attempts": WRITERS * per_writer},
    )


async def unique_race(coll: Coll) -> Result:
    await coll.create_index([("stream_id", ASCENDING), ("version", ASCENDING)], unique=True)

    async def writer(i: int) -> bool:
        try:
            await coll.insert_one({"_id": f"w{i}", "stream_id": "s", "version": 1})
            return True
        except DuplicateKeyError:
            return False

    winners = sum(await asyncio.gather(*(writer(i) for i in range(WRITERS))))
    return Result("db unique index race", winners, "winners", goal="= 1", met=winners == 1)


async def fill(coll: Coll, start: int, stop: int) -> None:
    """Documents shaped like commits: 40 per stream, a `published` flag, a small payload."""
    for lo in range(start, stop, 5_000):
        await coll.insert_many(
            [
                {
                    "_id": f"c{i:08d}",
                    "stream_id": f"stream-{i // 40:06d}",
                    "version": i % 40 + 1,
                    "published": True,
                    "payload": {"n": i, "text": "x" * 64},
                }
                for i in range(lo, min(stop, lo + 5_000))
            ],
            ordered=False,
        )


async def timed(samples: int, op: Any) -> list[float]:
    out = []
    for i in range(samples):
        t0 = time.perf_counter()
        await op(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def operations(coll: Coll, size: int) -> list[tuple[str, Any, int]]:
    """The timed reads and writes on a collection of `size` commits: (name, op, samples)."""
    streams = size // 40

    async def by_stream(i: int) -> None:
        await coll.find({"stream_id": f"stream-{(i * 7919) % streams:06d}"}).to_list()

    async def by_id(i: int) -> None:
        await coll.find_one({"_id": f"c{(i * 7919) % size:08d}"})

    def ids(i: int, n: int = 500) -> list[str]:
        return [f"c{(i * 7919 + k * 13) % size:08d}" for k in range(n)]

    async def in_40(i: int) -> None:
        await coll.find({"_id": {"$in": ids(i, 40)}}).to_list()

    async def in_ids(i: int) -> None:
        await coll.find({"_id": {"$in": ids(i)}}).to_list()

    async def update_in(i: int) -> None:
        await coll.update_many({"_id": {"$in": ids(i)}}, {"$inc": {"payload.n": 1}})

    return [
        ("find by indexed field (40 docs)", by_stream, SAMPLES),
        ("find_one by _id", by_id, SAMPLES),
        ("find _id $in 40", in_40, SAMPLES),
        ("find _id $in 500", in_ids, max(10, SAMPLES // 10)),
        ("update_many _id $in 500", update_in, max(5, SAMPLES // 20)),
    ]


async def read_figures(coll: Coll) -> list[Result]:
    await coll.create_index([("stream_id", ASCENDING), ("version", ASCENDING)], unique=True)
    await coll.create_index([("published", ASCENDING)])
    p50: dict[str, dict[int, float]] = {}
    filled = 0
    for size in SIZES:
        await fill(coll, filled, size)
        filled = size
        for name, op, samples in operations(coll, size):
            await op(0)  # warm
            p50.setdefault(name, {})[size] = percentile(await timed(samples, op), 50)
    results = []
    small, large = SIZES
    for name, by_size in p50.items():
        growth = by_size[large] / by_size[small] if by_size[small] else float("nan")
        # 500 documents cost ~75 us each to decode on the local database whatever the filter:
        # the 10 ms goal is for reads of the size a request makes (40 documents)
        bulk = "500" in name
        goal = "growth <= 1.5" if bulk else "p50 <= 10 ms at 40k, growth <= 1.5"
        met = growth <= 1.5 and (bulk or by_size[large] <= 10)
        results.append(
            Result(
                f"db {name}",
                round(by_size[large], 3),
                "ms p50 at 40k",
                goal=goal,
                met=met,
                details={"p50 at 10k": round(by_size[small], 3), "growth 10k->40k": growth},
            )
        )
    return results


def _server_pid(port: str) -> int | None:
    """The local FerretDB's pid (infra.sh execs the server, so its pid file names it)."""
    pidfile = Path(os.environ.get("ORGA_LOCAL_DIR", REPO_ROOT / ".local")) / "run" / "ferretdb.pid"
    if pidfile.exists():
        pid = int(pidfile.read_text().strip() or 0)
        if pid and Path(f"/proc/{pid}").exists():
            return pid
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"ferretdb") and f":{port}".encode() in b" ".join(cmd):
                return int(proc.name)
    return None


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def million(client: AsyncMongoClient[dict[str, Any]], db_name: str, port: str) -> Result:
    pid = _server_pid(port)
    coll = client[db_name]["million"]
    await coll.create_index([("stream_id", ASCENDING)])
    t0 = time.perf_counter()
    for lo in range(0, MILLION, 10_000):
        await coll.insert_many(
            [
                {"_id": f"e{i:08d}", "stream_id": f"s{i // 100:06d}", "n": i}
                for i in range(lo, min(MILLION, lo + 10_000))
            ],
            ordered=False,
        )
    insert_s = time.perf_counter() - t0
    data = Path(os.environ.get("ORGA_LOCAL_DIR", REPO_ROOT / ".local")) / "ferretdb" / "data"
    files = list(data.glob(f"{db_name}.sqlite*"))
    disk = sum(f.stat().st_size for f in files) / 2**20
    t1 = time.perf_counter()
    found = len(await coll.find({"stream_id": "s004242"}).to_list())
    lookup_ms = (time.perf_counter() - t1) * 1000
    rss = _rss_mib(pid) if pid else float("nan")
    return Result(
        "db 1M small documents",
        round(rss, 1),
        "MiB server RSS",
        details={
            "documents": MILLION,
            "disk MiB (database file + WAL)": round(disk, 1),
            "insert s": round(insert_s, 1),
            "find by indexed field at 1M (ms)": round(lookup_ms, 2),
            "found": found,
            "server pid": pid,
        },
    )


async def measure(settings: Settings) -> list[Result]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url, maxPoolSize=WRITERS * 4
    )
    await detect_database(client)
    name = unique_name("db")
    db = client[name]
    results: list[Result] = []
    try:
        results.append(await inc_race(db["inc"]))
        results.append(await cas_race(db["cas"]))
        results.append(await unique_race(db[f"unique_{uuid.uuid4().hex[:6]}"]))
        results.extend(await read_figures(db["commits"]))
        if MILLION:
            port = settings.mongo_url.rsplit(":", 1)[-1].strip("/")
            results.append(await million(client, name, port))
        for r in results:
            print(f"  {r.id}: {r.value} {r.unit} {r.details or ''}", flush=True)
    finally:
        await client.drop_database(name)
        await client.close()
    return results


def run() -> list[Result]:
    results = arun(measure(Settings()))
    write_baselines(results, "database")
    return results
