"""Root conftest: every test session shares the real-infrastructure fixtures."""

pytest_plugins = ["orga_shared.testing.fixtures"]
