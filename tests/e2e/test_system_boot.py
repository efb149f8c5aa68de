"""Every service boots on the real stack, answers its probes and documents its APIs."""

import signal

import httpx
import pytest

pytestmark = pytest.mark.e2e

EVENT_SERVICES = ("identity", "organisation", "campaign", "assessment", "analytics")


def test_every_service_is_live_and_ready_on_the_real_stack(system) -> None:
    for name, url in system.urls.items():
        health = httpx.get(f"{url}/health", timeout=5)
        ready = httpx.get(f"{url}/ready", timeout=5)
        assert health.status_code == 200, (name, health.text)
        assert ready.status_code == 200 and ready.json()["ok"] is True, (name, ready.text)


def test_every_service_documents_its_http_and_event_apis(system) -> None:
    for name in EVENT_SERVICES:
        url = system.urls[name]
        openapi = httpx.get(f"{url}/openapi.json", timeout=5).json()
        assert openapi["info"]["title"] == f"Orga {name}"
        assert "/ready" in openapi["paths"]
        asyncapi = httpx.get(f"{url}/asyncapi.json", timeout=5).json()
        assert asyncapi["asyncapi"].startswith(("2.", "3."))
    home = httpx.get(system.urls["web"], timeout=5)
    assert home.status_code == 200 and "Orga" in home.text and 'lang="fr"' in home.text


def test_unknown_route_answers_a_structured_french_error(system) -> None:
    response = httpx.get(f"{system.urls['campaign']}/nope", timeout=5)
    assert response.status_code == 404
    assert response.json() == {
        "code": "NOT_FOUND",
        "message": "Ressource introuvable.",
        "field": None,
    }
    assert response.headers["x-correlation-id"]


def test_sigterm_stops_a_service_gracefully_within_the_bound(system) -> None:
    proc = system.processes["analytics"]
    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down cleanly, then re-raises the captured signal as its exit status.
    assert proc.wait(timeout=25) in (0, -signal.SIGTERM)
    log = proc.stdout.read().decode()
    assert '"event": "runtime_stopped"' in log, log[-2000:]
