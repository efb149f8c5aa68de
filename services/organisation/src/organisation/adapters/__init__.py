"""Adapters: MongoDB views and stores, Kafka publishing of profiles, files, mail, identity."""
