"""Kafka: safe producer, outbox publishing and relay, consumer helper, topic definitions."""
