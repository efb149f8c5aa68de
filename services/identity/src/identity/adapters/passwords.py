"""argon2id password hashing (OWASP: m=19 MiB, t=2, p=1) off the event loop, with counters.

Hashing is deliberately slow (~40 ms), so it runs in a bounded thread pool (argon2 releases the
GIL) and never blocks other requests. The counters let tests and the G11 benchmark prove that a
locked account's attempts are refused without hashing.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from identity.application.ports import HashCounters


class Argon2Passwords:
    def __init__(
        self,
        *,
        time_cost: int = 2,
        memory_cost_kib: int = 19 * 1024,
        parallelism: int = 1,
        workers: int | None = None,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost_kib,
            parallelism=parallelism,
            type=Type.ID,
        )
        self._pool = ThreadPoolExecutor(
            max_workers=workers or max(os.cpu_count() or 1, 1), thread_name_prefix="argon2"
        )
        self.counters = HashCounters()
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        self.counters.hashes += 1
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._hasher.hash, password)

    async def verify(self, stored_hash: str, password: str) -> bool:
        self.counters.verifications += 1
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._check, stored_hash, password)

    async def verify_unknown_user(self, password: str) -> None:
        """Spend the same time as a real check, so response time does not reveal accounts."""
        if self._dummy is None:
            self._dummy = await self.hash("Orga-timing-equaliser-0")
        await self.verify(self._dummy, password)

    def _check(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
