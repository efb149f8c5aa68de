"""Every command and operator docs/database.md allows gives MongoDB's answer on our database."""

from __future__ import annotations

from typing import Any

import pymongo
import pytest
from pymongo import (
    ASCENDING,
    DeleteMany,
    DeleteOne,
    InsertOne,
    ReplaceOne,
    ReturnDocument,
    UpdateMany,
    UpdateOne,
)
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

pytestmark = pytest.mark.integration

Coll = AsyncCollection[dict[str, Any]]


@pytest.fixture
async def coll(db: AsyncDatabase[dict[str, Any]]) -> Coll:
    c = db["subset"]
    await c.insert_many(
        [
            {"_id": 1, "name": "a", "n": 1, "tags": ["x", "y"], "sub": {"k": 1}},
            {"_id": 2, "name": "b", "n": 2, "tags": ["y"], "sub": {"k": 2}},
            {"_id": 3, "name": "c", "n": 3, "tags": [], "opt": None},
        ]
    )
    return c


UPDATES = [
    ({"$set": {"n": 10, "sub.k": 5}}, {"n": 10, "sub": {"k": 5}}),
    ({"$unset": {"sub": ""}}, {"sub": None}),
    ({"$inc": {"n": 2}}, {"n": 3}),
    ({"$min": {"n": 0}}, {"n": 0}),
    ({"$max": {"n": 7}}, {"n": 7}),
    ({"$mul": {"n": 4}}, {"n": 4}),
    ({"$push": {"tags": {"$each": ["z", "w"]}}}, {"tags": ["x", "y", "z", "w"]}),
    ({"$addToSet": {"tags": {"$each": ["x", "q"]}}}, {"tags": ["x", "y", "q"]}),
    ({"$pull": {"tags": "x"}}, {"tags": ["y"]}),
    ({"$pullAll": {"tags": ["x", "y"]}}, {"tags": []}),
    ({"$pop": {"tags": 1}}, {"tags": ["x"]}),
    ({"$rename": {"name": "label"}}, {"label": "a", "name": None}),
]


@pytest.mark.parametrize(("update", "expected"), UPDATES, ids=[next(iter(u)) for u, _ in UPDATES])
async def test_update_operator(
    coll: Coll, update: dict[str, Any], expected: dict[str, Any]
) -> None:
    await coll.update_one({"_id": 1}, update)
    doc = await coll.find_one({"_id": 1})
    assert doc is not None
    for key, value in expected.items():
        assert doc.get(key) == value, (key, doc)


async def test_set_on_insert_and_current_date(coll: Coll) -> None:
    await coll.update_one(
        {"_id": 9}, {"$setOnInsert": {"n": 1}, "$currentDate": {"at": True}}, upsert=True
    )
    await coll.update_one({"_id": 9}, {"$setOnInsert": {"n": 2}, "$inc": {"m": 1}}, upsert=True)
    doc = await coll.find_one({"_id": 9})
    assert doc is not None and doc["n"] == 1 and doc["m"] == 1 and doc["at"] is not None


QUERIES = [
    ({"n": {"$ne": 2}}, [1, 3]),
    ({"n": {"$gt": 1, "$lte": 3}}, [2, 3]),
    ({"n": {"$gte": 2, "$lt": 3}}, [2]),
    ({"n": {"$in": [1, 3]}}, [1, 3]),
    ({"n": {"$nin": [1, 3]}}, [2]),
    ({"sub": {"$exists": False}}, [3]),
    ({"$and": [{"n": {"$gt": 1}}, {"tags": "y"}]}, [2]),
    ({"$or": [{"n": 1}, {"name": "c"}]}, [1, 3]),
    ({"$nor": [{"n": 1}, {"name": "c"}]}, [2]),
    ({"n": {"$not": {"$gt": 1}}}, [1]),
    ({"tags": {"$all": ["x", "y"]}}, [1]),
    ({"tags": {"$elemMatch": {"$eq": "y"}}}, [1, 2]),
    ({"tags": {"$size": 0}}, [3]),
    ({"opt": {"$type": "null"}}, [3]),
    ({"name": {"$regex": "^[ab]$"}}, [1, 2]),
    ({"sub.k": 2}, [2]),
    ({"tags": "x"}, [1]),
]


@pytest.mark.parametrize(("query", "ids"), QUERIES, ids=[str(q) for q, _ in QUERIES])
async def test_query_operator(coll: Coll, query: dict[str, Any], ids: list[int]) -> None:
    assert sorted(d["_id"] for d in await coll.find(query).to_list()) == ids


async def test_find_options_count_distinct_and_aggregate(coll: Coll) -> None:
    docs = await coll.find({}, {"name": 1, "_id": 0}).sort("n", -1).skip(1).limit(1).to_list()
    assert docs == [{"name": "b"}]
    assert await coll.count_documents({"n": {"$gte": 2}}) == 2
    assert sorted(await coll.distinct("tags")) == ["x", "y"]
    await coll.update_many({"n": {"$in": [1, 3]}}, {"$set": {"kind": "odd"}})
    await coll.update_one({"n": 2}, {"$set": {"kind": "even"}})
    sums = await (
        await coll.aggregate(
            [
                {"$match": {"n": {"$gte": 1}}},
                {"$group": {"_id": "$kind", "total": {"$sum": "$n"}}},
                {"$sort": {"_id": 1}},
                {"$project": {"total": 1}},
                {"$skip": 1},
                {"$limit": 5},
            ]
        )
    ).to_list()
    assert sums == [{"_id": "odd", "total": 4}]
    counts = await (
        await coll.aggregate([{"$group": {"_id": None, "count": {"$count": {}}}}])
    ).to_list()
    assert counts == [{"_id": None, "count": 3}]
    per_tag = await (
        await coll.aggregate(
            [
                {"$unwind": "$tags"},
                {"$group": {"_id": "$tags", "total": {"$sum": "$n"}, "count": {"$count": {}}}},
                {"$sort": {"_id": 1}},
            ]
        )
    ).to_list()
    assert per_tag == [{"_id": "x", "total": 1, "count": 1}, {"_id": "y", "total": 3, "count": 2}]


async def test_unwind_keeps_the_other_fields(coll: Coll) -> None:
    unwound = await (await coll.aggregate([{"$match": {"_id": 1}}, {"$unwind": "$tags"}])).to_list()
    assert unwound == [
        {"_id": 1, "name": "a", "n": 1, "tags": "x", "sub": {"k": 1}},
        {"_id": 1, "name": "a", "n": 1, "tags": "y", "sub": {"k": 1}},
    ]


async def test_every_command_under_a_client_side_timeout(coll: Coll) -> None:
    """Within an HTTP request every operation runs under `pymongo.timeout`
    (orga_shared.http.deadline), which adds `maxTimeMS` to each command: `distinct` refused it
    until patch 0006 (docs/adr/0011-local-database-patches.md)."""
    with pymongo.timeout(5):
        assert sorted(await coll.distinct("name", {"n": {"$gte": 2}})) == ["b", "c"]
        assert await coll.count_documents({"n": {"$gte": 2}}) == 2
        assert [d["_id"] for d in await coll.find({}, sort=[("_id", ASCENDING)]).to_list()] == [
            1,
            2,
            3,
        ]
        assert (await coll.update_one({"_id": 1}, {"$inc": {"n": 1}})).modified_count == 1
        assert await coll.find_one_and_update({"_id": 2}, {"$inc": {"n": 1}}) is not None


async def test_bulk_write_and_find_one_and_family(coll: Coll) -> None:
    res = await coll.bulk_write(
        [
            InsertOne({"_id": 4, "n": 4}),
            UpdateOne({"_id": 1}, {"$set": {"n": 11}}),
            UpdateMany({"n": {"$gte": 3}}, {"$inc": {"n": 100}}),
            ReplaceOne({"_id": 2}, {"name": "B"}),
            DeleteOne({"_id": 3}),
            DeleteMany({"n": {"$gt": 1000}}),
        ]
    )
    assert (res.inserted_count, res.deleted_count) == (1, 1)
    assert await coll.find_one({"_id": 2}) == {"_id": 2, "name": "B"}
    after = await coll.find_one_and_update(
        {"_id": 1}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER
    )
    assert after is not None and after["n"] == 112
    before = await coll.find_one_and_replace({"_id": 4}, {"n": 0})
    assert before is not None and before["n"] == 104
    gone = await coll.find_one_and_delete({"_id": 4})
    assert gone == {"_id": 4, "n": 0}


async def test_index_options_in_the_subset(db: AsyncDatabase[dict[str, Any]]) -> None:
    c = db["indexes"]
    await c.create_index([("a", ASCENDING), ("b", -1)], unique=True, name="a_b")
    names = {ix["name"] async for ix in await c.list_indexes()}
    assert {"_id_", "a_b"} <= names
    await c.insert_one({"a": 1, "b": 1})
    with pytest.raises(DuplicateKeyError):
        await c.insert_one({"a": 1, "b": 1})


async def test_version_guarded_upsert_ignores_an_older_version(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """The projection idiom of docs/database.md: an older event finds the newer document and,
    failing the guard, tries to insert the same _id; the duplicate key says 'already newer'."""
    c = db["views"]
    await c.update_one({"_id": "v", "version": {"$lt": 5}}, {"$set": {"version": 5}}, upsert=True)
    with pytest.raises(DuplicateKeyError):
        await c.update_one(
            {"_id": "v", "version": {"$lt": 3}}, {"$set": {"version": 3}}, upsert=True
        )
    assert (await c.find_one({"_id": "v"}))["version"] == 5


async def test_index_options_outside_the_subset_are_refused(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    """Where FerretDB refuses an option MongoDB has, code must not rely on it (docs/database.md)."""
    info = await db.client.admin.command("buildInfo")
    if "ferretdbVersion" not in info:
        pytest.skip("MongoDB serves these options; the rule is about the local database")
    with pytest.raises(OperationFailure):
        await db["ttl"].create_index("at", expireAfterSeconds=60)
    with pytest.raises(OperationFailure):
        await db["partial"].create_index(
            "k", unique=True, partialFilterExpression={"k": {"$exists": True}}
        )
