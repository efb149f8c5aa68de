"""`Context`: what analytics' use cases may touch. Empty today; the read views (activity,
results, analysis, CSV) join it with their issue. Analytics writes no events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    pass
