"""The whole system as real processes (tests/system.py, shared with the browser tests)."""

from tests.system import System, system, wait_ready

__all__ = ["System", "system", "wait_ready"]
