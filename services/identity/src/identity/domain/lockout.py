"""Brute-force protection: after 10 failed logins a password login is refused for 2 minutes,
then 4, 8, ... (capped), until a success resets everything.

An attempt is *admitted* before its password is hashed and counted as pending, so even
concurrent guesses cannot get more than `threshold` hashes per lock window; a refused attempt
costs no hash at all. Pending attempts that never report (a crashed worker) expire.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class Throttle:
    failures: int = 0
    pending: tuple[tuple[str, datetime], ...] = ()
    lock_level: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class Admitted:
    state: Throttle


@dataclass(frozen=True)
class Refused:
    """No hash: the account is locked (`retry_at` is when) or its last free slots are in flight."""

    retry_at: datetime
    locked: bool


def _prune(state: Throttle, now: datetime, policy: LockPolicy) -> Throttle:
    alive = tuple(p for p in state.pending if now - p[1] < policy.pending_timeout)
    return state if alive == state.pending else replace(state, pending=alive)


def admit(
    state: Throttle, attempt_id: str, now: datetime, policy: LockPolicy
) -> Admitted | Refused:
    state = _prune(state, now, policy)
    if state.locked_until is not None and now < state.locked_until:
        return Refused(retry_at=state.locked_until, locked=True)
    if state.failures + len(state.pending) >= policy.threshold:
        oldest = min(p[1] for p in state.pending)
        return Refused(retry_at=oldest + policy.pending_timeout, locked=False)
    return Admitted(replace(state, pending=(*state.pending, (attempt_id, now))))


def _without(state: Throttle, attempt_id: str) -> tuple[tuple[str, datetime], ...]:
    return tuple(p for p in state.pending if p[0] != attempt_id)


def record_failure(
    state: Throttle, attempt_id: str, now: datetime, policy: LockPolicy
) -> tuple[Throttle, bool]:
    """The state after a wrong password, and whether this failure started a new lock."""
    if state.is_locked(now):
        return replace(state, pending=_without(state, attempt_id)), False
    failures = state.failures + 1
    pending = _without(state, attempt_id)
    if failures < policy.threshold:
        return replace(state, failures=failures, pending=pending), False
    level = state.lock_level + 1
    locked = Throttle(
        failures=0, pending=pending, lock_level=level, locked_until=now + policy.duration(level)
    )
    return locked, True


def record_success(state: Throttle, attempt_id: str) -> Throttle:
    return Throttle(pending=_without(state, attempt_id))
