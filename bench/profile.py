"""Where a server's time goes: py-spy samples a running process (no change to its code), and
the collapsed stacks are summed into a text report written beside the figure
(`bench/results/G1.profile.txt`, the raw stacks in `G1.profile.folded` for a flame graph).

py-spy leaves out idle samples (the event loop waiting), so the percentages are of the time the
process was busy on the CPU.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


async def record(pid: int, seconds: float, folded: Path, *, rate: int = 100) -> str:
    """Sample `pid` for `seconds`; the collapsed stacks go to `folded`. Returns py-spy's output."""
    binary = py_spy()
    if binary is None:
        raise FileNotFoundError("py-spy (uv sync installs it with the dev dependencies)")
    proc = await asyncio.create_subprocess_exec(
        binary,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        str(rate),
        "--format",
        "raw",
        "--output",
        str(folded),
        "--nonblocking",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out = (await proc.communicate())[0].decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"py-spy exited with {proc.returncode}: {out[-2000:]}")
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_named(*names: str) -> dict[str, list[int]]:
    """Processes whose command name is one of `names` (`ferretdb`, `java` for the broker)."""
    found: dict[str, list[int]] = {n: [] for n in names}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm in found:
            found[comm].append(int(entry.name))
    return found


def children_named(name: str, parent: int | None = None) -> list[int]:
    """Processes named `name` whose parent is `parent` (this process by default): our own wrk,
    not another session's."""
    parent = os.getpid() if parent is None else parent
    mine = []
    for pid in pids_named(name)[name]:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == parent:
            mine.append(pid)
    return mine


def pid_listening(port: int) -> int | None:
    """The process listening on a loopback TCP `port` (a broker, the database), found through
    the socket's inode in /proc/net/tcp and the processes' descriptors; None when not ours to
    see."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(entry.name)
        except OSError:
            continue
    return None


def machine_cpu_seconds() -> float:
    """CPU seconds every core of the machine spent busy since boot (/proc/stat, all but idle
    and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


MACHINE = "whole machine"
OTHERS = "everything else on the machine"


class CpuSplit:
    """CPU used by groups of processes between `start()` and `stop()`, in cores. `machine`:
    also the whole machine's (`MACHINE`) and what the groups leave of it (`OTHERS`)."""

    def __init__(self, groups: dict[str, list[int]], *, machine: bool = False) -> None:
        self.groups = {k: v for k, v in groups.items() if v}
        self.machine = machine
        self._before: dict[str, float] = {}
        self._t0 = 0.0

    def _now(self) -> dict[str, float]:
        out = {MACHINE: machine_cpu_seconds()} if self.machine else {}
        for name, pids in self.groups.items():
            total = 0.0
            for pid in pids:
                try:
                    total += cpu_seconds(pid)
                except OSError:
                    pass
            out[name] = total
        return out

    def start(self) -> None:
        self._before, self._t0 = self._now(), time.monotonic()

    def stop(self) -> dict[str, float]:
        after, seconds = self._now(), time.monotonic() - self._t0
        cores = {k: round((after[k] - self._before[k]) / seconds, 2) for k in after}
        if self.machine:
            ours = sum(v for k, v in cores.items() if k != MACHINE)
            cores[OTHERS] = round(max(0.0, cores[MACHINE] - ours), 2)
        return cores


def _frames(stack: str) -> list[tuple[str, str]]:
    out = []
    for raw in stack.split(";"):
        m = FRAME.match(raw.strip())
        if m:
            out.append((m.group("func"), m.group("file")))
        else:
            out.append((raw.strip(), ""))
    return out


def _where(file: str) -> str:
    """A coarse owner of a source file: `pydantic`, `pymongo`, `assessment.domain`, ..."""
    path = file.replace("\\", "/")
    for marker in ("site-packages/", "/lib/python3", "/src/"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            if marker == "/lib/python3":
                return "stdlib:" + rest.split("/", 2)[1].removesuffix(".py")
            parts = rest.split("/")
            if parts[0] in ("assessment", "orga_shared") and len(parts) > 2:
                return f"{parts[0]}.{parts[1]}"
            return parts[0].removesuffix(".py")
    return path or "?"


def _label(func: str, file: str) -> str:
    short = "/".join(file.replace("\\", "/").split("/")[-2:])
    return f"{func} ({short})"


def summarize(folded: Path, *, title: str, top: int = 30) -> str:
    """A text report: busy samples, the time per package (self), the top functions by self
    time and by inclusive time (each stack counted once per function)."""
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    owners: Counter[str] = Counter()
    total = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = _frames(stack)
        if not frames:
            continue
        total += n
        func, file = frames[-1]
        self_time[_label(func, file)] += n
        owners[_where(file)] += n
        for label in {_label(f, fl) for f, fl in frames}:
            inclusive[label] += n
    lines = [title, f"busy samples: {total} (idle samples left out by py-spy)", ""]

    def section(name: str, counts: Counter[str], limit: int) -> None:
        lines.append(name)
        for label, n in counts.most_common(limit):
            lines.append(f"  {100 * n / max(total, 1):5.1f} %  {label}")
        lines.append("")

    section("self time by package", owners, 25)
    section(f"top {top} functions by self time", self_time, top)
    section(f"top {top + 20} functions by inclusive time", inclusive, top + 20)
    return "\n".join(lines)
