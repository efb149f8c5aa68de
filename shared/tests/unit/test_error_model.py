"""The kernel's error model on a tiny app: UPPER_SNAKE codes, French messages, `field` set,
415 for a wrong content type, INVALID_JSON, the 405's complete `Allow`, a capped echo."""

from __future__ import annotations

from typing import Annotated, Literal

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel

from orga_shared.http.errors import echo, install_error_handlers

pytestmark = pytest.mark.unit


class Body(BaseModel):
    role: Literal["ADMIN", "MEMBER"]
    count: int


def app() -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)
    router = APIRouter()

    @router.post("/things")
    async def create(body: Body) -> dict[str, str]:
        return {"role": body.role}

    @router.get("/things")
    async def list_(size: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, int]:
        return {"size": size}

    application.include_router(router)
    return application


@pytest.fixture
async def client():
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app()), base_url="http://t"
    ) as c:
        yield c


async def test_validation_is_french_with_the_field(client) -> None:
    r = await client.post("/things", json={"role": "OWNER", "count": "x"})
    body = r.json()
    assert (r.status_code, body["code"], body["field"]) == (422, "INVALID_INPUT", "role")
    assert body["message"] == "Valeur non autorisée (valeurs possibles : 'ADMIN' ou 'MEMBER')."
    assert body["errors"][1] == {
        "field": "count",
        "message": "Ce champ doit être un nombre entier.",
    }
    q = (await client.get("/things?size=100000")).json()
    assert (q["field"], q["message"]) == ("size", "Ce champ doit être au plus 100.")


async def test_a_body_that_does_not_parse_or_has_the_wrong_type(client) -> None:
    bad = await client.post("/things", content=b"{", headers={"content-type": "application/json"})
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_JSON")
    binary = await client.post(
        "/things", content=b"\xff\xfe", headers={"content-type": "application/json"}
    )
    assert (binary.status_code, binary.json()["code"]) == (422, "INVALID_JSON")
    text = await client.post(
        "/things", content=b"role=ADMIN", headers={"content-type": "text/plain"}
    )
    assert (text.status_code, text.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")


async def test_a_405_lists_every_method_of_the_path(client) -> None:
    r = await client.delete("/things")
    assert r.status_code == 405 and r.json()["code"] == "METHOD_NOT_ALLOWED"
    assert r.headers["allow"] == "GET, POST"


def test_an_echo_repeats_at_most_80_characters() -> None:
    assert echo("a" * 10_000) == "a" * 79 + "…"
    assert echo("court") == "court"
