"""Analytics's OpenAPI document is a contract: schemathesis finds no undocumented status, no
rejected valid request and no response outside its schema (docs/architecture.md)."""

import pytest

from analytics.config import Settings
from analytics.entrypoints.http import create_app
from orga_shared.testing.contract import ServiceContract

pytestmark = pytest.mark.integration

contract = ServiceContract(create_app, Settings)
live_url = contract.live_url_fixture()
test_every_route_keeps_its_contract = contract.test()
