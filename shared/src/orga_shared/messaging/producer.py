"""Producers with the safe settings (ENGINEERING pitfall 7): acks=all and idempotence on."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer


def make_producer(bootstrap: str, client_id: str, **overrides: object) -> AIOKafkaProducer:
    settings: dict[str, object] = {
        "bootstrap_servers": bootstrap,
        "client_id": client_id,
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "request_timeout_ms": 30000,
    }
    settings.update(overrides)
    return AIOKafkaProducer(**settings)
