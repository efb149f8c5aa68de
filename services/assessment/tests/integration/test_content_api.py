"""Assessment serves the content release to signed-in users, never a solution."""

import json
import uuid

import httpx
import pytest
from asgi_lifespan import LifespanManager

from assessment.config import Settings
from assessment.entrypoints.http import create_app
from orga_shared.content.loader import load_release
from orga_shared.testing.tokens import TokenFactory

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(infra):
    settings = Settings.model_validate(
        {
            "database": f"test_{uuid.uuid4().hex[:10]}",
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
        }
    )
    app = create_app(settings)
    tokens = TokenFactory()
    app.state.verifier.add_keys(tokens.jwks())
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        c.headers.update(tokens.headers("teacher-1"))
        yield c


async def test_content_routes_need_a_signed_in_user(client) -> None:
    response = await client.get("/content", headers={"Authorization": ""})
    assert response.status_code == 401


async def test_release_counts_and_framework_are_served(client) -> None:
    info = (await client.get("/content")).json()
    release = load_release()
    assert info["version"] == release.version
    assert info["counts"]["competences"] == 16
    areas = (await client.get("/content/areas")).json()
    assert [a["code"] for a in areas] == ["1", "2", "3", "4", "5"]
    first = areas[0]["competences"][0]
    assert first["name"] == "Mener une recherche et une veille d'information"
    assert len(first["tubes"]) >= 3


async def test_target_profiles_list_and_detail(client) -> None:
    profiles = (await client.get("/content/target-profiles")).json()
    assert len(profiles) == len(load_release().target_profiles)
    detail = (await client.get("/content/target-profiles/tp-1.1")).json()
    assert detail["skills_count"] == len(detail["skills"]) > 0
    assert detail["stages"][0]["threshold"] == 0
    missing = await client.get("/content/target-profiles/nope")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Profil cible introuvable."
    assert missing.json()["code"] == "TARGET_PROFILE_NOT_FOUND"


async def test_no_challenge_is_served_with_its_solution(client) -> None:
    release = load_release()
    for challenge_id in list(release.challenges)[:40]:
        body = (await client.get(f"/content/challenges/{challenge_id}")).json()
        assert body["id"] == challenge_id
        assert "solution" not in json.dumps(body)


async def test_tutorials_of_a_tube(client) -> None:
    tube = next(iter(load_release().tubes))
    tutorials = (await client.get(f"/content/tubes/{tube}/tutorials")).json()
    assert len(tutorials) >= 2 and all(t["link"].startswith("http") for t in tutorials)
