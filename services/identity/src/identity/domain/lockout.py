"""Brute-force protection: after 10 failed logins a password login is refused for 2 minutes,
then 4, 8, ... (capped), until a success resets everything.

Attempts are counted in *windows*. A window has `threshold` slots; an attempt must take a free
slot before its password is hashed, so even concurrent guesses get at most `threshold` hashes
per window, and a refused attempt costs no hash at all. When every slot of a window holds a
failure, the next window opens locked, for twice as long as the previous lock. A success opens
a clean window. Slots whose attempt never reported (a crashed worker) count as failures once
they are older than `pending_timeout`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockPolicy:
    threshold: int = 10
    base_duration: timedelta = timedelta(minutes=2)
    max_duration: timedelta = timedelta(hours=24)
    pending_timeout: timedelta = timedelta(seconds=30)

    def duration(self, lock_level: int) -> timedelta:
        """Lock `n` (1-based) lasts `base * 2**(n-1)`, never more than `max_duration`."""
        if lock_level < 1:
            return timedelta(0)
        factor = 1 << min(lock_level - 1, 30)
        return min(self.base_duration * factor, self.max_duration)

    @property
    def slots(self) -> range:
        return range(1, self.threshold + 1)


@dataclass(frozen=True)
class Window:
    number: int = 0
    lock_level: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class Slot:
    """An attempt in a window: `failed` None while its password is being checked."""

    number: int
    started_at: datetime
    failed: bool | None


def refused_until(window: Window, now: datetime) -> datetime | None:
    return window.locked_until if window.is_locked(now) else None


def free_slot(taken: list[Slot], policy: LockPolicy) -> int | None:
    used = {s.number for s in taken}
    return next((n for n in policy.slots if n not in used), None)


def counted_failures(slots: list[Slot], now: datetime, policy: LockPolicy) -> int:
    """Failures, plus attempts pending for longer than any check takes (their worker died)."""
    return sum(
        1
        for s in slots
        if s.failed or (s.failed is None and now - s.started_at >= policy.pending_timeout)
    )


def retry_hint(slots: list[Slot], policy: LockPolicy) -> datetime:
    """All slots are busy with attempts in flight: when to try again."""
    return min(s.started_at for s in slots) + policy.pending_timeout


def window_after_failures(
    window: Window, failures: int, now: datetime, policy: LockPolicy
) -> Window | None:
    """The locked window to open when this window is full of failures, else None."""
    if failures < policy.threshold:
        return None
    level = window.lock_level + 1
    return Window(
        number=window.number + 1, lock_level=level, locked_until=now + policy.duration(level)
    )


def window_after_success(window: Window, slots: list[Slot]) -> Window | None:
    """A clean window when there is something to forget, else None (keep the current one)."""
    if window.lock_level == 0 and not any(s.failed for s in slots):
        return None
    return Window(number=window.number + 1)
