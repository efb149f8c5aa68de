"""`Context`: what every use case receives, the ports of `ports.py` (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from orga_shared.clock import utcnow
from orga_shared.eventstore import EventLog
from organisation.application.ports import (
    AccountKinds,
    Accounts,
    Directory,
    Files,
    ImportLocks,
    InvitationMail,
    Invitations,
    Learners,
    Organisations,
    Profiles,
    Views,
)
from organisation.config import Settings


@dataclass
class Context:
    settings: Settings
    store: EventLog
    views: Views
    directory: Directory
    organisations: Organisations
    invitations: Invitations
    learners: Learners
    locks: ImportLocks
    files: Files
    profiles: Profiles
    mailer: InvitationMail
    identity: Accounts
    accounts: AccountKinds
    clock: Callable[[], datetime] = field(default=utcnow)
