"""The local ENT page a pupil clicks through (setting `idp_simulator_enabled`), then Pix's SSO."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import AppFactory, Running

pytestmark = pytest.mark.integration

RETURN_TO = "http://127.0.0.1:8100/connexion/gar"


class Page(HTMLParser):
    """What a test reads of a page: title, forms, inputs, labels and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def input(self, name: str) -> dict[str, str | None]:
        [found] = [a for a in self.all("input") if a.get("name") == name]
        return found


async def simulator(identity_app: AppFactory, tmp_path: Path) -> Running:
    # A key of its own: the assertions pass only if start-up trusted it.
    return await identity_app(
        idp_simulator_enabled=True, idp_simulator_key_file=tmp_path / "sim" / "key.pem"
    )


async def sign_in(running: Running, **fields: str):
    form = {
        "first_name": "Inès",
        "last_name": "Moreau",
        "birth_date": "2010-05-04",
        "saml_id": "ent-0a1b2c3d",
        "return_to": RETURN_TO,
    }
    return await running.client.post("/idp-simulator", data=form | fields)


async def test_a_pupil_signs_in_at_the_ent_and_reaches_pix(
    identity_app: AppFactory, tmp_path: Path
) -> None:
    running = await simulator(identity_app, tmp_path)
    assert (tmp_path / "sim" / "key.pem").exists()

    shown = await running.client.get("/idp-simulator", params={"return_to": RETURN_TO})
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    assert shown.headers["cache-control"] == "no-store"
    html = shown.text
    assert '<html lang="fr">' in html and "<script" not in html and "style=" not in html
    assert "<link" not in html and "src=" not in html
    page = Page(html)
    assert "ENT — simulateur de connexion (développement)" in page.text
    labels = {a["for"] for a in page.all("label")}
    assert labels == {"first_name", "last_name", "birth_date", "saml_id"}
    assert {a["id"] for a in page.all("input") if a.get("id")} == labels
    assert page.input("birth_date")["type"] == "date"
    assert re.fullmatch(r"ent-[0-9a-f]{8}", page.input("saml_id")["value"] or "")
    assert page.input("return_to") == {"type": "hidden", "name": "return_to", "value": RETURN_TO}
    assert "Se connecter à l'ENT" in page.text

    connected = await sign_in(running)
    assert connected.status_code == 200, connected.text
    page = Page(connected.text)
    assert "Vous êtes connecté à l'ENT" in page.text and "Accéder à Pix" in page.text
    [form] = page.all("form")
    assert form == {"method": "post", "action": RETURN_TO}
    [hidden] = [a for a in page.all("input") if a.get("type") == "hidden"]
    assert hidden["name"] == "assertion"

    first = await running.client.post("/sso/assertion", data={"assertion": hidden["value"]})
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    headers = {"Authorization": f"Bearer {first.json()['access_token']}"}
    me = (await running.client.get("/users/me", headers=headers)).json()
    assert (me["first_name"], me["last_name"], me["birth_date"]) == ("Inès", "Moreau", "2010-05-04")

    again = Page((await sign_in(running, birth_date="")).text).input("assertion")["value"]
    assert again != hidden["value"]
    second = await running.client.post("/sso/assertion", data={"assertion": again})
    assert second.status_code == 200, second.text
    assert second.json()["created"] is False
    assert second.json()["user_id"] == first.json()["user_id"]


async def test_the_simulator_does_not_exist_when_the_setting_is_off(running: Running) -> None:
    assert running.settings.idp_simulator_enabled is False

    assert (
        await running.client.get("/idp-simulator", params={"return_to": RETURN_TO})
    ).status_code == 404
    assert (await sign_in(running)).status_code == 404
    assert "/idp-simulator" not in running.app.openapi()["paths"]


@pytest.mark.parametrize(
    "return_to",
    [
        "https://pirate.example/connexion",
        "http://127.0.0.1:8100.pirate.example/connexion",
        "http://127.0.0.1:8100@pirate.example/connexion",
        "http://127.0.0.1:81000/connexion",
        "https://127.0.0.1:8100/connexion",
        "//pirate.example/connexion",
        "/connexion/gar",
        "javascript:alert(1)",
        "",
    ],
)
async def test_a_foreign_return_address_is_refused(
    identity_app: AppFactory, tmp_path: Path, return_to: str
) -> None:
    running = await simulator(identity_app, tmp_path)

    shown = await running.client.get("/idp-simulator", params={"return_to": return_to})
    posted = await sign_in(running, return_to=return_to)

    for r in (shown, posted):
        assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
        assert "Adresse de retour refusée" in r.text
        assert 'name="assertion"' not in r.text


async def test_missing_names_show_the_form_again_with_the_errors(
    identity_app: AppFactory, tmp_path: Path
) -> None:
    running = await simulator(identity_app, tmp_path)

    r = await sign_in(running, first_name="  ", last_name="", birth_date="2999-01-01")

    assert r.status_code == 422 and 'name="assertion"' not in r.text
    page = Page(r.text)
    assert "Indiquez votre prénom." in page.text and "Indiquez votre nom." in page.text
    assert "La date de naissance n'est pas plausible." in page.text
    assert page.input("first_name")["aria-describedby"] == "first_name-error"
    assert page.input("saml_id")["value"] == "ent-0a1b2c3d"
    assert page.input("return_to")["value"] == RETURN_TO
    assert await running.commits() == 0
