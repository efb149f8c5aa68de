"""A three-broker KRaft cluster on loopback, for the benchmarks that lose a broker (G6) or need
replication as in production (the replica-scaling simulation).

Every node is a combined broker+controller; the three form the controller quorum (3 voters), so
one node can die and the cluster keeps a quorum, leaders and `acks=all` writes
(`min.insync.replicas=2` of `default.replication.factor=3`). Unclean leader election is off:
a partition never elects a replica that missed acknowledged writes. Data lives under
`.local/bench/cluster-<run>/`, the jars are those `scripts/infra.sh install` puts in
`.local/kafka/libs` (docs/benchmarks.md, G6).

    async with KafkaCluster() as cluster:          # or `with KafkaCluster() as cluster:`
        cluster.bootstrap                           # "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"
        node = await cluster.leader_of("campaign.events", 0)
        cluster.kill(node)                          # SIGKILL by default
        cluster.restart(node)
        await cluster.wait_healthy()                # every broker registered again
        await cluster.wait_in_sync()                # every replica back in its ISR

`uv run --frozen python -m bench.cluster` starts one and prints its bootstrap until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from aiokafka.admin import AIOKafkaAdminClient

from bench.harness import REPO_ROOT, run_token
from orga_shared.ports import free_port, wait_port

LOCAL = Path(os.environ.get("ORGA_LOCAL_DIR", REPO_ROOT / ".local"))
KAFKA_LIBS = LOCAL / "kafka" / "libs"
LOG4J = REPO_ROOT / "infra" / "kafka" / "log4j.properties"

PRODUCTION_SETTINGS = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "unclean.leader.election.enable": "false",
}
"""What production runs with (docs/benchmarks.md, G6); `KafkaCluster(overrides=...)` may add,
never needed to weaken these."""


@dataclass
class Node:
    id: int
    port: int
    controller_port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def properties(self) -> Path:
        return self.directory / "server.properties"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def kafka_uuid() -> str:
    """A cluster id as `kafka-storage random-uuid` prints it (16 random bytes, base64url); one
    starting with `-` would read as an option on the storage tool's command line."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if text[0].isalnum():
            return text


class KafkaCluster:
    """`size` combined broker+controller nodes (ids 1..size) on free loopback ports."""

    def __init__(
        self,
        size: int = 3,
        *,
        heap: str = "512m",
        root: Path | None = None,
        overrides: dict[str, str] | None = None,
        partitions: int = 3,
    ) -> None:
        if not (KAFKA_LIBS / ".version").exists() and not any(KAFKA_LIBS.glob("kafka_*.jar")):
            raise FileNotFoundError(
                f"no Kafka jars in {KAFKA_LIBS}: run `bash scripts/infra.sh install` first"
            )
        self.size = size
        self.heap = heap
        self.directory = root or LOCAL / "bench" / f"cluster-{run_token()}"
        self.overrides = overrides or {}
        self.partitions = partitions
        self.cluster_id = kafka_uuid()
        self.nodes = {
            i: Node(i, free_port(), free_port(), self.directory / f"node-{i}")
            for i in range(1, size + 1)
        }

    # -- configuration -----------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{n.port}" for n in self.nodes.values())

    def bootstrap_of(self, node: int) -> str:
        return f"127.0.0.1:{self.nodes[node].port}"

    def config(self, node: Node) -> dict[str, str]:
        voters = ",".join(f"{n.id}@127.0.0.1:{n.controller_port}" for n in self.nodes.values())
        return {
            "process.roles": "broker,controller",
            "node.id": str(node.id),
            "controller.quorum.voters": voters,
            "listeners": (
                f"PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{node.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(node.directory / "data"),
            "num.partitions": str(self.partitions),
            "auto.create.topics.enable": "false",
            "log.retention.ms": "-1",
            "log.retention.bytes": "-1",
            "offsets.topic.num.partitions": "10",
            "group.initial.rebalance.delay.ms": "0",
            # 2 cores shared by many: few threads per broker.
            "num.network.threads": "2",
            "num.io.threads": "2",
            "num.replica.fetchers": "1",
            "background.threads": "2",
            **PRODUCTION_SETTINGS,
            **self.overrides,
        }

    def _java(self, *args: str) -> list[str]:
        return [
            "java",
            f"-Xmx{self.heap}",
            "-Xms128m",
            "-XX:+UseG1GC",
            "-XX:ActiveProcessorCount=2",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{LOG4J}",
            "-cp",
            f"{KAFKA_LIBS}/*",
            *args,
        ]

    def _format(self, node: Node) -> None:
        node.directory.mkdir(parents=True, exist_ok=True)
        lines = [f"{k}={v}" for k, v in self.config(node).items()]
        node.properties.write_text("\n".join(lines) + "\n")
        done = subprocess.run(
            self._java(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                self.cluster_id,
                "-c",
                str(node.properties),
            ),
            capture_output=True,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")[-2000:]
            raise RuntimeError(f"kafka storage format failed for node {node.id}: {output}")

    # -- lifecycle ---------------------------------------------------------------------------

    def _launch(self, node: Node) -> None:
        node.log = open(node.directory / "kafka.log", "ab")  # closed in _reap
        node.process = subprocess.Popen(
            self._java("kafka.Kafka", str(node.properties)),
            stdout=node.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def start(self, timeout: float = 120.0) -> None:
        """Format every node's storage, start them all, wait until each listens."""
        with ThreadPoolExecutor(self.size) as pool:  # one JVM each: format in parallel
            list(pool.map(self._format, self.nodes.values()))
        for node in self.nodes.values():
            self._launch(node)
        for node in self.nodes.values():
            self._wait_listening(node, timeout)

    def _wait_listening(self, node: Node, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if not node.alive:
                raise RuntimeError(f"kafka node {node.id} exited; see {node.directory}/kafka.log")
            try:
                wait_port(node.port, timeout=1.0)
                return
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise

    def kill(self, node: int, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to a node (SIGKILL: no shutdown, no flush) and reap it."""
        n = self.nodes[node]
        if n.process is None or not n.alive:
            raise RuntimeError(f"kafka node {node} is not running")
        n.process.send_signal(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            self._reap(n, timeout=60.0)

    def restart(self, node: int, timeout: float = 120.0) -> None:
        """Start a stopped node again on its own ports and data (it rejoins the cluster)."""
        n = self.nodes[node]
        if n.alive:
            raise RuntimeError(f"kafka node {node} is still running")
        self._launch(n)
        self._wait_listening(n, timeout)

    def _reap(self, node: Node, timeout: float) -> None:
        if node.process is not None:
            try:
                node.process.wait(timeout)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait()
        if node.log is not None:
            node.log.close()
            node.log = None

    def stop(self, remove: bool = True) -> None:
        """Stop every node (SIGTERM, then SIGKILL after 30 s); remove the data directories."""
        for node in self.nodes.values():
            if node.alive and node.process is not None:
                node.process.terminate()
        for node in self.nodes.values():
            self._reap(node, timeout=30.0)
        if remove:
            shutil.rmtree(self.directory, ignore_errors=True)

    # -- health and metadata -----------------------------------------------------------------

    def running(self) -> list[int]:
        return [i for i, n in self.nodes.items() if n.alive]

    def _bootstrap_alive(self) -> str:
        return ",".join(self.bootstrap_of(i) for i in self.running()) or self.bootstrap

    async def _admin(self) -> AIOKafkaAdminClient:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._bootstrap_alive(), request_timeout_ms=10000
        )
        await admin.start()
        return admin

    async def brokers(self) -> set[int]:
        """The broker ids the cluster's metadata lists now (registered and unfenced)."""
        admin = await self._admin()
        try:
            described = await admin.describe_cluster()
        finally:
            await admin.close()
        return {int(b["node_id"]) for b in described["brokers"]}

    async def wait_healthy(self, timeout: float = 120.0) -> None:
        """Until every running node is a registered broker (a new cluster elects its controller
        and registers the brokers a few seconds after the ports open)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while True:
            try:
                if await self.brokers() >= set(self.running()):
                    return
            except Exception as exc:  # not answering yet
                last = exc
            if time.monotonic() > deadline:
                raise TimeoutError(f"cluster not healthy after {timeout} s: {last!r}")
            await asyncio.sleep(0.5)

    async def partitions_of(self, topic: str) -> list[dict[str, Any]]:
        admin = await self._admin()
        try:
            (described,) = await admin.describe_topics([topic])
        finally:
            await admin.close()
        if described.get("error_code"):
            raise LookupError(f"topic {topic}: error {described['error_code']}")
        return list(described["partitions"])

    async def leader_of(self, topic: str, partition: int) -> int:
        """The node id leading `topic`'s `partition` now (-1 while none is elected)."""
        for p in await self.partitions_of(topic):
            if p["partition"] == partition:
                return int(p["leader"])
        raise LookupError(f"topic {topic} has no partition {partition}")

    async def out_of_sync(self, topics: list[str]) -> list[tuple[str, int]]:
        """Partitions whose in-sync replicas are fewer than their replicas."""
        lagging = []
        for topic in topics:
            for p in await self.partitions_of(topic):
                if len(p["isr"]) < len(p["replicas"]) or p["leader"] < 0:
                    lagging.append((topic, int(p["partition"])))
        return lagging

    async def wait_in_sync(self, topics: list[str], timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while lagging := await self.out_of_sync(topics):
            if time.monotonic() > deadline:
                raise TimeoutError(f"replicas still out of sync after {timeout} s: {lagging}")
            await asyncio.sleep(1.0)

    # -- context managers --------------------------------------------------------------------

    def __enter__(self) -> KafkaCluster:
        try:
            self.start()
            with ThreadPoolExecutor(1) as pool:  # callable from inside a running loop too
                pool.submit(asyncio.run, self.wait_healthy()).result()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> KafkaCluster:
        try:
            await asyncio.to_thread(self.start)
            await self.wait_healthy()
        except BaseException:
            await asyncio.to_thread(self.stop)
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)


def main() -> int:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    with KafkaCluster() as cluster:
        print(f"cluster {cluster.directory}", flush=True)
        print(f"ORGA_KAFKA_BOOTSTRAP={cluster.bootstrap}", flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    return 0


if __name__ == "__main__":
    sys.exit(main())
