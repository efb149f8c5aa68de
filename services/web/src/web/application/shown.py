"""The question each pupil was last shown, kept in memory so a pupil whose answer could not be
sent (a service or its database out of reach: 503) gets the same question back with a French
« réessayez » instead of an error page (docs/adr/0024-http-under-faults.md).

Only a fallback: a process restarted, or another web replica, does not have it, and then the
error page says the same thing. Bounded, oldest first out.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

Page = tuple[dict[str, Any], dict[str, Any]]  # (campaign, participation) as the services answer


class ShownQuestions:
    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[str, str], Page] = OrderedDict()

    def keep(self, user_id: str, code: str, campaign: dict[str, Any], mine: dict[str, Any]) -> None:
        self._pages[(user_id, code)] = (campaign, mine)
        self._pages.move_to_end((user_id, code))
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)

    def get(self, user_id: str, code: str, challenge_id: str) -> Page | None:
        """The page of `challenge_id` if it is the one `user_id` was last shown in `code`."""
        page = self._pages.get((user_id, code))
        if page is None or (page[1].get("challenge") or {}).get("id") != challenge_id:
            return None
        return page
