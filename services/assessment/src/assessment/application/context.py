"""`Context`: the ports assessment's use cases may touch, wired by `bootstrap.Lifecycle`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from assessment.application.ports import (
    ExternalIds,
    Facts,
    Memberships,
    Participants,
    Reservations,
    Resets,
)
from assessment.application.targets import TargetCache
from assessment.domain.scoring import MAX_REACHABLE_LEVEL_IN_PRODUCTION
from orga_shared.clock import utcnow
from orga_shared.content.models import Release


@dataclass
class Context:
    release: Release
    """The learning-content release served read-only (loaded once, solutions included)."""
    store: Participants
    facts: Facts
    targets: TargetCache
    reservations: Reservations
    external_ids: ExternalIds
    resets: Resets
    memberships: Memberships
    max_level: int = MAX_REACHABLE_LEVEL_IN_PRODUCTION
    """§5.3: 5 in the reference's code, 7 in production; configurable."""
    clock: Callable[[], datetime] = field(default=utcnow)
    """The one clock of every rule with a delay (4 days to retry, 7 to reset): tests move it."""
