"""`Context`: what assessment's use cases may touch. Today the content release it serves;
participations, answers and results join it with their issues."""

from __future__ import annotations

from dataclasses import dataclass

from orga_shared.content.models import Release


@dataclass(frozen=True)
class Context:
    release: Release
    """The learning-content release served read-only (loaded once, solutions included)."""
