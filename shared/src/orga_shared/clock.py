"""The one clock: timezone-aware UTC, as every stored and published instant is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path


def utcnow() -> datetime:
    return datetime.now(UTC)


class OffsetClock:
    """A clock ahead of real time by the seconds written in a file (a test and demo tool: a
    browser test makes "4 days later" happen in a running service). The file is re-read when
    its modification time changes; a missing or unreadable file means no offset.

    Set only where a setting asks for it (`ORGA_ASSESSMENT_CLOCK_FILE`); production leaves
    it unset and uses `utcnow`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._mtime: float | None = None
        self._offset = timedelta(0)

    def offset(self) -> timedelta:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return timedelta(0)
        if mtime != self._mtime:
            try:
                self._offset = timedelta(seconds=float(self.path.read_text().strip() or 0))
            except (OSError, ValueError):
                self._offset = timedelta(0)
            self._mtime = mtime
        return self._offset

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset()
