"""Lock schedule and slot arithmetic of the brute-force protection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from identity.domain.lockout import (
    LockPolicy,
    Slot,
    Window,
    counted_failures,
    free_slot,
    refused_until,
    retry_hint,
    window_after_failures,
    window_after_success,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POLICY = LockPolicy()


def test_locks_last_two_minutes_then_double_up_to_a_cap() -> None:
    assert [POLICY.duration(n) for n in range(1, 6)] == [
        timedelta(minutes=m) for m in (2, 4, 8, 16, 32)
    ]
    assert POLICY.duration(40) == timedelta(hours=24)
    assert POLICY.duration(0) == timedelta(0)


def failed(n: int) -> list[Slot]:
    return [Slot(i, NOW, True) for i in range(1, n + 1)]


def test_the_tenth_failure_opens_a_locked_window_and_nine_do_not() -> None:
    assert window_after_failures(Window(), 9, NOW, POLICY) is None
    locked = window_after_failures(Window(), 10, NOW, POLICY)
    assert locked == Window(number=1, lock_level=1, locked_until=NOW + timedelta(minutes=2))


def test_the_next_ten_failures_after_a_lock_lock_twice_as_long() -> None:
    after_first = Window(number=1, lock_level=1, locked_until=NOW)
    second = window_after_failures(after_first, 10, NOW, POLICY)
    assert second is not None
    assert second.lock_level == 2 and second.locked_until == NOW + timedelta(minutes=4)


def test_a_locked_window_refuses_until_its_end_only() -> None:
    window = Window(number=1, lock_level=1, locked_until=NOW + timedelta(minutes=2))
    assert refused_until(window, NOW) == NOW + timedelta(minutes=2)
    assert refused_until(window, NOW + timedelta(minutes=2)) is None


def test_ten_slots_per_window_and_none_after() -> None:
    assert free_slot([], POLICY) == 1
    assert free_slot(failed(4), POLICY) == 5
    assert free_slot([Slot(1, NOW, None), Slot(3, NOW, True)], POLICY) == 2
    assert free_slot(failed(10), POLICY) is None


def test_attempts_pending_too_long_count_as_failures() -> None:
    slots = [Slot(1, NOW - timedelta(seconds=31), None), Slot(2, NOW, None), Slot(3, NOW, True)]
    assert counted_failures(slots, NOW, POLICY) == 2
    assert retry_hint(slots, POLICY) == NOW + timedelta(seconds=-1)


def test_a_success_forgets_failures_and_locks() -> None:
    assert window_after_success(Window(), [Slot(1, NOW, None)]) is None
    assert window_after_success(Window(number=3), failed(2)) == Window(number=4)
    assert window_after_success(Window(number=1, lock_level=2), []) == Window(number=2)
