"""Who the live view calls stuck: in progress, and silent (since the last answer, or the start)
for at least the minutes asked."""

from datetime import UTC, datetime, timedelta

import pytest

from analytics.adapters.live import stuck_minutes

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def test_stuck_counts_whole_minutes_since_the_last_answer_or_the_start() -> None:
    assert (
        stuck_minutes(
            {"status": "STARTED", "created_at": ago(20), "last_answer_at": ago(7.9)}, NOW, 5
        )
        == 7
    )
    assert stuck_minutes({"status": "STARTED", "created_at": ago(6.5)}, NOW, 5) == 6
    assert (
        stuck_minutes(
            {"status": "STARTED", "created_at": ago(20), "last_answer_at": ago(4.9)}, NOW, 5
        )
        is None
    )
    assert stuck_minutes({"status": "STARTED", "created_at": ago(0.2)}, NOW, 0) == 0


def test_only_a_participation_in_progress_can_be_stuck() -> None:
    for status in ("TO_SHARE", "SHARED"):
        assert stuck_minutes({"status": status, "created_at": ago(60)}, NOW, 5) is None
    # a clock a little behind another service's: never negative
    assert (
        stuck_minutes({"status": "STARTED", "created_at": NOW + timedelta(seconds=30)}, NOW, 0)
        is None
    )
