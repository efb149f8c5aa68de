"""wrk (Debian's package) as a reference for the hello world: a C load generator shows how much
of the Python generator's ceiling is the generator. Installed with apt-get when missing and
allowed (`BENCH_WRK=0` skips it); when it cannot be had, the figure is left out."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from dataclasses import dataclass

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkResult:
    rate: float
    p99_ms: float


async def ensure_wrk() -> str | None:
    if os.environ.get("BENCH_WRK", "1") == "0":
        return None
    if shutil.which("wrk") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return shutil.which("wrk")
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    for cmd in (install, ["apt-get", "update", "-qq"], install):
        if shutil.which("wrk"):
            break
        await _quiet(cmd)
    return shutil.which("wrk")


async def _quiet(cmd: list[str]) -> None:
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    await asyncio.wait_for(proc.wait(), 300)


async def wrk(url: str, *, connections: int, seconds: float) -> WrkResult:
    binary = shutil.which("wrk")
    if binary is None:
        raise FileNotFoundError("wrk")
    proc = await asyncio.create_subprocess_exec(
        binary,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out = (await proc.communicate())[0].decode()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    if rate is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return WrkResult(float(rate.group(1)), float(p99.group(1)) * UNITS_MS[p99.group(2)])
