"""Wiring of the web UI: it has no database and no consumers, only HTTP clients."""
