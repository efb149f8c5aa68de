"""Operator endpoints (ADR 0012): counters only for the operator token; probes stay public."""

from __future__ import annotations

import pytest

from .conftest import AppFactory

pytestmark = pytest.mark.integration

OPERATOR = "operator-secret-0123456789abcdef"


async def test_metrics_need_the_operator_token_not_an_access_token(
    identity_app: AppFactory,
) -> None:
    running = await identity_app(operator_token=OPERATOR)
    _, email = await running.register()
    user = await running.bearer(email)
    await running.login(email, "Wrong1234")

    anonymous = await running.client.get("/metrics")
    as_user = await running.client.get("/metrics", headers=user)
    as_operator = await running.client.get(
        "/metrics", headers={"Authorization": f"Bearer {OPERATOR}"}
    )

    assert anonymous.status_code == 401 and anonymous.json()["code"] == "OPERATOR_TOKEN_REQUIRED"
    assert as_user.status_code == 401
    assert "identity_password" not in anonymous.text + as_user.text
    assert as_operator.status_code == 200
    assert as_operator.headers["content-type"].startswith("text/plain")
    assert "identity_password_verifications_total 2" in as_operator.text
    assert "identity_login_refused_locked_total 0" in as_operator.text


async def test_without_an_operator_token_configured_metrics_are_off(running) -> None:
    anonymous = await running.client.get("/metrics")
    guessed = await running.client.get("/metrics", headers={"Authorization": "Bearer x"})

    assert anonymous.status_code == 401
    assert guessed.status_code == 403 and guessed.json()["code"] == "OPERATOR_ENDPOINTS_DISABLED"


async def test_probes_stay_public(running) -> None:
    assert (await running.client.get("/health")).status_code == 200
    assert (await running.client.get("/ready")).status_code == 200
