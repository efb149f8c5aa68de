"""wrk driven by `bench/lua/students.lua`: the C load generator for the assessment figures.

The Python generator (`bench/loadgen.py`) tops out near 1,100-1,300 req/s on this machine, so a
system and a hello world both faster than that would be compared at the generator's ceiling.
wrk (C) is not that cap. Its Lua state is per thread and it has no connection id, so a thread
owns exactly one connection (`-t N -c N`) and plays one student at a time: join, then answer
the challenge the previous answer returned, until the test ends, then the next user's token.

The baseline uses the same script in `hello` mode (GET, same threads and connections, same
window accounting), so both sides of a ratio pay the same generator.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import BENCH_DIR, percentile

SCRIPT = BENCH_DIR / "lua" / "students.lua"
RESULT = re.compile(r"^BENCH_RESULT (.*)$", re.MULTILINE)


@dataclass
class WrkRun:
    """What one wrk run saw inside its measured window."""

    ok: int
    seconds: float
    connections: int
    counts: dict[str, int]
    latencies_ms: list[float] = field(repr=False)
    users: int = 0
    ended: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    @property
    def failed(self) -> int:
        """Requests in the window that did not get a 2xx."""
        return sum(n for k, n in self.counts.items() if not k.split(":")[1].startswith("2"))

    def summary(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seconds": self.seconds,
            "connections": self.connections,
            "rate": round(self.rate, 1),
            "p50_ms": round(self.p(50), 3),
            "p95_ms": round(self.p(95), 3),
            "p99_ms": round(self.p(99), 3),
            "counts": dict(sorted(self.counts.items())),
            "failed": self.failed,
            "users_used": self.users,
            "tests_ended": self.ended,
            "socket_errors": self.socket_errors,
        }


async def run_wrk(
    base_url: str,
    *,
    mode: str,
    connections: int,
    warmup: float,
    duration: float,
    think_time: float = 0.0,
    path: str = "/hello",
    tokens: Path | None = None,
    code: str = "",
    run_id: str = "run",
    timeout: float = 30.0,
    start: float | None = None,
) -> WrkRun:
    """One wrk process: `connections` threads of one connection each, `warmup` + `duration`
    seconds; only requests inside the last `duration` seconds count. `start`: the window's
    start (`time.monotonic()`), so that several wrk processes share one window."""
    binary = shutil.which("wrk")
    if binary is None:
        raise FileNotFoundError("wrk (apt-get install wrk)")
    if start is None:
        start = window_start(warmup)
    env: Mapping[str, str] = {
        **os.environ,
        "BENCH_WRK_MODE": mode,
        "BENCH_WRK_START": repr(start),
        "BENCH_WRK_END": repr(start + duration),
        "BENCH_WRK_THINK_MS": repr(think_time * 1000),
        "BENCH_WRK_PATH": path,
        "BENCH_WRK_TOKENS": str(tokens or ""),
        "BENCH_WRK_THREADS": str(connections),
        "BENCH_WRK_CODE": code,
        "BENCH_WRK_RUN": run_id,
    }
    seconds = math.ceil(start - time.monotonic() + duration + 1.0)
    proc = await asyncio.create_subprocess_exec(
        binary,
        f"-t{connections}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={max(1, round(timeout))}s",
        "-s",
        str(SCRIPT),
        base_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=dict(env),
    )
    out = (await proc.communicate())[0].decode(errors="replace")
    found = RESULT.search(out)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"wrk exited with {proc.returncode}:\n{out[-4000:]}")
    doc = json.loads(found.group(1))
    latencies = doc.get("latencies_ms") or []
    return WrkRun(
        ok=int(doc["ok"]),
        seconds=duration,
        connections=connections,
        counts={k: int(v) for k, v in (doc.get("counts") or {}).items()},
        latencies_ms=[float(x) for x in latencies] if isinstance(latencies, list) else [],
        users=int(doc.get("users", 0)),
        ended=int(doc.get("ended", 0)),
        socket_errors={k: int(v) for k, v in (doc.get("socket_errors") or {}).items()},
    )


def window_start(warmup: float) -> float:
    """When a window opens if wrk starts now: after the warm-up, and a moment for wrk to start
    its threads."""
    return time.monotonic() + warmup + 0.5


def write_tokens(path: Path, tokens: Sequence[str]) -> Path:
    path.write_text("".join(f"{t}\n" for t in tokens))
    return path
