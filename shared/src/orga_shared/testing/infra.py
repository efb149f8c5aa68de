"""Where the test suite finds the real Kafka and the real database, decided in one place.

- `ORGA_TEST_KAFKA_BOOTSTRAP` and `ORGA_TEST_MONGO_URL` set: use them;
- a Docker engine answers: testcontainers (Apache Kafka and MongoDB images);
- otherwise: the native stack of `scripts/infra.sh up` (Kafka KRaft jars, FerretDB).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    mongo_url: str
    kind: str


def docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def start_infra(stack: ExitStack) -> Infra:
    kafka = os.environ.get("ORGA_TEST_KAFKA_BOOTSTRAP")
    mongo = os.environ.get("ORGA_TEST_MONGO_URL")
    if kafka and mongo:
        return Infra(kafka, mongo, "given")
    if docker_engine_available():
        from testcontainers.kafka import KafkaContainer
        from testcontainers.mongodb import MongoDbContainer

        k = stack.enter_context(KafkaContainer("apache/kafka:3.9.1").with_kraft())
        m = stack.enter_context(MongoDbContainer("mongo:7"))
        return Infra(k.get_bootstrap_server(), m.get_connection_url(), "testcontainers")
    subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], check=True)
    return Infra(
        f"127.0.0.1:{os.environ.get('ORGA_KAFKA_PORT', '19092')}",
        f"mongodb://127.0.0.1:{os.environ.get('ORGA_MONGO_PORT', '27018')}/",
        "native",
    )
