"""Test support shared by every service's tests: the real-infrastructure fixtures."""
