"""Orga shared kernel: what every service shares (envelope, event store, outbox, consumers,
logging, settings, auth, health, learning content)."""
