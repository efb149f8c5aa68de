"""Root conftest: every test session shares the real-infrastructure fixtures."""

import pytest

pytest_plugins = ["orga_shared.testing.fixtures"]

KINDS = {"unit", "integration", "e2e"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test without a kind would be silently deselected by `make test`: refuse it."""
    unmarked = [i.nodeid for i in items if not KINDS & {m.name for m in i.iter_markers()}]
    if unmarked:
        raise pytest.UsageError(
            "tests without a unit/integration/e2e marker:\n  " + "\n  ".join(unmarked)
        )
