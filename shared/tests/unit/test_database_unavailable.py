"""The database out of reach is a 503 `DATABASE_UNAVAILABLE` with a French « réessayez »
(orga_shared.http.errors), and a request's database operations share a short deadline
(orga_shared.http.deadline): a request to a database that does not answer comes back in the
deadline's time, not after the client's 10 s, or here 10 minutes, of server selection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI, File, UploadFile
from fastapi.responses import StreamingResponse
from pymongo import AsyncMongoClient, _csot
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    DuplicateKeyError,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
    WTimeoutError,
)

from orga_shared.http.deadline import DatabaseDeadline
from orga_shared.http.errors import install_error_handlers, is_database_outage
from orga_shared.ports import free_port

pytestmark = pytest.mark.unit

OUTAGES: list[PyMongoError] = [
    ServerSelectionTimeoutError("127.0.0.1:27018: [Errno 111] Connection refused"),
    AutoReconnect("connection closed"),
    NetworkTimeout("timed out"),
    ConnectionFailure("no route"),
    WaitQueueTimeoutError("pool full"),
    ExecutionTimeout("operation exceeded time limit", 50),
    OperationFailure("operation exceeded time limit", 50),  # MaxTimeMSExpired
    WTimeoutError("waiting for replication timed out", 64),
]
BUGS: list[PyMongoError] = [
    DuplicateKeyError("E11000 duplicate key", 11000),
    OperationFailure("unknown operator: $frobnicate", 2),
]


def raising_app(error: Exception) -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)

    @application.get("/fails")
    async def fails() -> None:
        raise error

    return application


@pytest.mark.parametrize("error", OUTAGES, ids=lambda e: type(e).__name__)
async def test_an_outage_is_a_french_503_to_retry(error: PyMongoError) -> None:
    assert is_database_outage(error)
    transport = httpx.ASGITransport(app=raising_app(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/fails")
    body = r.json()
    assert (r.status_code, body["code"], body["field"]) == (503, "DATABASE_UNAVAILABLE", None)
    assert "réessayez" in body["message"] and "Connection" not in body["message"]
    assert r.headers["Retry-After"] == "5"


@pytest.mark.parametrize("error", BUGS, ids=lambda e: type(e).__name__)
async def test_a_database_refusal_that_is_no_outage_stays_a_server_error(
    error: PyMongoError,
) -> None:
    assert not is_database_outage(error)
    transport = httpx.ASGITransport(app=raising_app(error), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/fails")
    assert r.status_code == 500


@pytest.fixture
def unreachable() -> Iterator[AsyncMongoClient[dict[str, object]]]:
    """A client whose server selection would wait 10 minutes: nothing listens on its port."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        f"mongodb://127.0.0.1:{free_port()}/", serverSelectionTimeoutMS=600_000
    )
    yield client


def deadline_app(client: AsyncMongoClient[dict[str, object]], seconds: float) -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)
    application.add_middleware(DatabaseDeadline, seconds=seconds)

    @application.get("/read")
    async def read() -> dict[str, object]:
        return {"found": await client["db"]["things"].find_one({"_id": "x"})}

    @application.get("/budget")
    async def budget() -> dict[str, float | None]:
        return {"left": _csot.get_timeout()}

    @application.get("/export", response_class=StreamingResponse)
    async def export() -> StreamingResponse:
        async def rows() -> AsyncIterator[str]:
            yield f"{_csot.get_timeout()}\n"

        return StreamingResponse(rows(), media_type="text/csv")

    @application.post("/import")
    async def upload(file: UploadFile = File(...)) -> dict[str, float | None]:
        return {"left": _csot.get_timeout()}

    return application


async def test_a_request_to_an_unreachable_database_answers_within_its_deadline(
    unreachable: AsyncMongoClient[dict[str, object]],
) -> None:
    transport = httpx.ASGITransport(app=deadline_app(unreachable, 0.5))
    # were the deadline not applied, server selection would wait 600 s and this client give up
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=30) as client:
        r = await client.get("/read")
    assert (r.status_code, r.json()["code"]) == (503, "DATABASE_UNAVAILABLE")
    await unreachable.close()


async def test_exports_and_uploads_keep_the_client_timeouts(
    unreachable: AsyncMongoClient[dict[str, object]],
) -> None:
    transport = httpx.ASGITransport(app=deadline_app(unreachable, 2.0))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        left = (await client.get("/budget")).json()["left"]
        assert 0 < left <= 2.0
        assert (await client.get("/export")).text == "None\n"
        uploaded = await client.post("/import", files={"file": ("a.csv", b"x;y\n")})
        assert uploaded.json() == {"left": None}
    await unreachable.close()
