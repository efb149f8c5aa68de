"""The database behaves like MongoDB where the services rely on it (docs/database.md, ADR 11).

Run on the local database (FerretDB with Orga's patches) in `make test`, and on MongoDB where a
Docker engine gives testcontainers: the same assertions hold on both.
1. `$inc`, compare-and-set and findAndModify are atomic under concurrent writers;
2. equality on an indexed top-level field, and `$in` on `_id`, are served by an index, and
   the pushed-down filter never drops a matching document (arrays, escapes, mixed keys);
3. an acknowledged write survives a SIGKILL of the server;
4. the driver is PyMongo's current async client, unmodified.
Plus the bulk-command hang: one command with hundreds of updates of existing documents.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pymongo
import pytest
from pymongo import ASCENDING, AsyncMongoClient, ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.ports import free_port, wait_port
from orga_shared.testing.infra import REPO_ROOT, Infra

pytestmark = pytest.mark.integration

WRITERS = 8
Coll = AsyncCollection[dict[str, Any]]


@pytest.fixture
async def wide_db(infra: Infra) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """Its own client with a pool wide enough that the writers really run side by side."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url, maxPoolSize=64)
    name = f"test_race_{os.urandom(6).hex()}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


# 1. atomic single-document writes


async def test_concurrent_inc_loses_no_update(wide_db: AsyncDatabase[dict[str, Any]]) -> None:
    coll = wide_db["counters"]
    await coll.insert_one({"_id": "c", "n": 0})

    async def writer() -> None:
        for _ in range(500):
            await coll.update_one({"_id": "c"}, {"$inc": {"n": 1}})

    await asyncio.gather(*(writer() for _ in range(WRITERS)))
    assert (await coll.find_one({"_id": "c"}))["n"] == WRITERS * 500


async def test_compare_and_set_successes_equal_the_final_version(
    wide_db: AsyncDatabase[dict[str, Any]],
) -> None:
    coll = wide_db["cas"]
    await coll.insert_one({"_id": "doc", "version": 0})
    wins = 0

    async def writer() -> None:
        nonlocal wins
        for _ in range(250):
            v = (await coll.find_one({"_id": "doc"}))["version"]
            res = await coll.update_one({"_id": "doc", "version": v}, {"$set": {"version": v + 1}})
            wins += res.modified_count

    await asyncio.gather(*(writer() for _ in range(WRITERS)))
    final = (await coll.find_one({"_id": "doc"}))["version"]
    assert wins == final
    assert final > 0


async def test_find_one_and_update_hands_out_each_number_once(
    wide_db: AsyncDatabase[dict[str, Any]],
) -> None:
    coll = wide_db["sequences"]
    await coll.insert_one({"_id": "seq", "next": 0})

    async def take(n: int) -> list[int]:
        got = []
        for _ in range(n):
            doc = await coll.find_one_and_update(
                {"_id": "seq"}, {"$inc": {"next": 1}}, return_document=ReturnDocument.AFTER
            )
            got.append(doc["next"])
        return got

    taken = [
        n for batch in await asyncio.gather(*(take(100) for _ in range(WRITERS))) for n in batch
    ]
    assert sorted(taken) == list(range(1, WRITERS * 100 + 1))


async def test_concurrent_upserts_of_one_id_make_one_document(
    wide_db: AsyncDatabase[dict[str, Any]],
) -> None:
    coll = wide_db["upserts"]
    await asyncio.gather(
        *(
            coll.update_one({"_id": "one"}, {"$inc": {"n": 1}}, upsert=True)
            for _ in range(WRITERS * 4)
        )
    )
    assert await coll.count_documents({}) == 1
    assert (await coll.find_one({"_id": "one"}))["n"] == WRITERS * 4


async def test_concurrent_deletes_count_a_document_once(
    wide_db: AsyncDatabase[dict[str, Any]],
) -> None:
    coll = wide_db["deletes"]
    await coll.insert_many([{"_id": i, "kind": "x"} for i in range(50)])
    results = await asyncio.gather(*(coll.delete_many({"kind": "x"}) for _ in range(WRITERS)))
    assert sum(r.deleted_count for r in results) == 50
    assert await coll.count_documents({}) == 0


# 2. index-served equality


def served_by_index(explain: dict[str, Any]) -> bool:
    """FerretDB reports SQLite's plan (`SEARCH ... USING INDEX`, never `SCAN`); MongoDB its
    winning plan (IXSCAN, IDHACK or EXPRESS, never COLLSCAN)."""
    planner = explain.get("queryPlanner", {})
    if "Plan" in planner:
        plan = " ".join(planner["Plan"])
        return "USING INDEX" in plan and " SCAN " not in f" {plan} "
    text = json.dumps(planner.get("winningPlan", {}))
    return "COLLSCAN" not in text and any(s in text for s in ("IXSCAN", "IDHACK", "EXPRESS"))


async def explain(db: AsyncDatabase[dict[str, Any]], coll: str, filt: dict[str, Any]) -> Any:
    return await db.command("explain", {"find": coll, "filter": filt}, verbosity="queryPlanner")


@pytest.fixture
async def commits(db: AsyncDatabase[dict[str, Any]]) -> Coll:
    coll = db["commits"]
    await coll.create_index([("stream_id", ASCENDING), ("version", ASCENDING)], unique=True)
    await coll.create_index([("published", ASCENDING), ("seq", ASCENDING)])
    await coll.create_index([("owner", ASCENDING)])
    await coll.insert_many(
        [
            {
                "_id": f"c{i}",
                "stream_id": f"s{i % 50}",
                "version": i // 50,
                "published": i % 3 == 0,
                "seq": i,
            }
            for i in range(1000)
        ]
    )
    return coll


@pytest.mark.parametrize(
    "filt",
    [
        {"stream_id": "s7"},
        {"stream_id": "s7", "version": {"$gt": 3}},
        {"_id": {"$in": ["c1", "c2", "c999"]}},
        {"_id": "c5", "version": 0},
        {"published": False, "seq": {"$lte": 100}},
        {"stream_id": {"$eq": "s3"}},
        {"stream_id": {"$in": ["s1", "s2"]}},
    ],
)
async def test_equality_on_an_indexed_field_is_served_by_the_index(
    db: AsyncDatabase[dict[str, Any]], commits: Coll, filt: dict[str, Any]
) -> None:
    assert served_by_index(await explain(db, "commits", filt)), filt


async def test_pushed_down_filters_return_exactly_the_matching_documents(commits: Coll) -> None:
    assert len(await commits.find({"stream_id": "s7"}).to_list()) == 20
    assert len(await commits.find({"stream_id": "s7", "version": {"$gt": 15}}).to_list()) == 4
    got = await commits.find({"_id": {"$in": ["c1", "c2", "c999", "nope"]}}).to_list()
    assert sorted(d["_id"] for d in got) == ["c1", "c2", "c999"]
    assert await commits.count_documents({"published": True}) == 334
    assert await commits.count_documents({"_id": "c5", "version": 1}) == 0
    assert await commits.count_documents({"_id": "c55", "version": 1}) == 1


async def test_arrays_escapes_and_other_types_are_not_lost(commits: Coll) -> None:
    """Equality matches an array holding the value; JSON escapes compare as stored."""
    tricky = ['a<b>&"c"', "é\u2028ü", "back\\slash", "emoji 😀", "tab\tnl\n"]
    await commits.insert_many(
        [
            {"_id": f"t{i}", "stream_id": s, "version": 0, "owner": [s, "shared"]}
            for i, s in enumerate(tricky)
        ]
        + [
            {"_id": "arr", "stream_id": ["s7", "other"], "version": -1, "owner": "solo"},
            {"_id": "num", "stream_id": 7, "version": -2, "owner": True},
        ]
    )
    for i, s in enumerate(tricky):
        assert [d["_id"] for d in await commits.find({"stream_id": s}).to_list()] == [f"t{i}"]
        assert [d["_id"] for d in await commits.find({"owner": s}).to_list()] == [f"t{i}"]
    assert await commits.count_documents({"owner": "shared"}) == len(tricky)
    assert await commits.count_documents({"stream_id": "s7"}) == 21  # 20 strings + the array
    assert await commits.count_documents({"stream_id": {"$in": ["other", "s7"]}}) == 21
    assert await commits.count_documents({"owner": True}) == 1
    assert await commits.count_documents({"stream_id": 7}) == 1


async def test_update_many_with_in_on_id_updates_exactly_those(commits: Coll) -> None:
    ids = [f"c{i}" for i in range(0, 1000, 2)]
    res = await commits.update_many({"_id": {"$in": ids}}, {"$set": {"marked": True}})
    assert (res.matched_count, res.modified_count) == (500, 500)
    assert await commits.count_documents({"marked": True}) == 500
    assert await commits.count_documents({"_id": {"$in": ids}, "marked": True}) == 500


async def test_one_bulk_command_with_hundreds_of_updates_completes(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """Before the patch, 100 updates of existing documents in one command hung the server."""
    coll = db["bulk"]
    await coll.insert_many([{"_id": i, "n": 0} for i in range(400)])
    async with asyncio.timeout(60):
        res = await coll.bulk_write([UpdateOne({"_id": i}, {"$inc": {"n": 1}}) for i in range(400)])
        again = await coll.bulk_write(
            [UpdateOne({"_id": i}, {"$set": {"m": 1}}) for i in range(400)], ordered=False
        )
    assert (res.modified_count, again.modified_count) == (400, 400)
    assert await coll.count_documents({"n": 1, "m": 1}) == 400


# 3. durability


def _start_ferretdb(binary: Path, port: int, data: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(binary), "--listen-addr", f"127.0.0.1:{port}", "--sqlite-dir", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_port(port)
    return proc


async def test_acknowledged_writes_survive_a_sigkill_of_the_server(infra: Infra) -> None:
    """A private server (own port and files) is killed while writers are mid-stream."""
    if infra.kind != "native":
        pytest.skip("the server is a container here; SIGKILL durability is the local database's")
    binary = Path(os.environ.get("ORGA_LOCAL_DIR", REPO_ROOT / ".local")) / "bin" / "ferretdb"
    assert binary.exists(), "scripts/infra.sh install builds the local database"
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = _start_ferretdb(binary, port, Path(tmp))
        url = f"mongodb://127.0.0.1:{port}/"
        acked: list[int] = []
        enough = asyncio.Event()
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url, serverSelectionTimeoutMS=2000, maxPoolSize=16
        )
        coll = client["durable"]["docs"]
        await coll.insert_one({"_id": -1})
        await coll.update_one({"_id": -1}, {"$set": {"n": 0}})

        async def writer(w: int) -> None:
            i = 0
            while True:
                key = w * 1_000_000 + i
                try:
                    await coll.insert_one({"_id": key, "w": w})
                    await coll.update_one({"_id": -1}, {"$inc": {"n": 1}})
                except pymongo.errors.PyMongoError:
                    return
                acked.append(key)
                if len(acked) >= 400:
                    enough.set()
                i += 1

        tasks = [asyncio.create_task(writer(w)) for w in range(4)]
        await asyncio.wait_for(enough.wait(), 60)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        await asyncio.gather(*tasks)
        await client.close()
        proc = _start_ferretdb(binary, port, Path(tmp))
        try:
            client = AsyncMongoClient(url, serverSelectionTimeoutMS=5000)
            coll = client["durable"]["docs"]
            stored = {d["_id"] async for d in coll.find({"_id": {"$gte": 0}}, {"_id": 1})}
            counter = (await coll.find_one({"_id": -1}))["n"]
            await client.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    assert set(acked) <= stored, f"{len(set(acked) - stored)} acknowledged writes lost"
    assert counter >= len(acked)


# 4. the driver


async def test_the_services_driver_is_pymongo_async_unmodified(
    mongo_client: AsyncMongoClient[dict[str, Any]],
) -> None:
    assert pymongo.version_tuple >= (4, 18)
    assert type(mongo_client).__module__.startswith("pymongo.asynchronous")
    hello = await mongo_client.admin.command("hello")
    assert hello["maxWireVersion"] >= 8
    assert (await mongo_client.admin.command("ping"))["ok"] == 1
