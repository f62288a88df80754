"""One FonoUC campaign's lead list: the model's lead counts, seen as individual leads.

Why derived rather than stored: the model keeps most leads as counts (a large center holds
millions), so FonoUC's per-lead listing is computed. Lead `i` of a campaign is a pure function
of (campaign, i): its id, number, name and creation time never change, and its status is where
`i` falls in the model's current counts, in dialing order: completed leads first (successes,
then failures), then leads waiting for a retry, then leads staged or on a line, then new ones.
As the dialer works, leads move along that order exactly as the counts do.

What FonoUC can do that the model cannot express per lead (re-status a lead, delete it, add one
with a name) is an overlay kept here. A lead added through FonoUC is also handed to the model's
dialer when its number is a US number, so the RingCX view and the pacing see it; the generated
range shrinks by one for each such lead so nothing is counted twice.

Ids follow Kazoo conventions (API notes): 32 hex digits, a lead's id sharing its campaign id's
first 20 digits, the last 12 being the lead's index. `next_start_key` is the id of the first
lead of the next page, so a key stays valid while leads before it are deleted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from wallboard.sim.names import nanp_number, person

#: Statuses a lead may have (the seed shows new, success and failed; the rest are assumed).
STATUSES = ("new", "in_progress", "retry", "success", "failed", "cancelled")
#: Indexes of leads added through the API start here, after any generated lead.
ADDED_BASE = 1 << 44
#: Generated leads were created one every few minutes before the simulation started.
CREATED_SPACING_S = 7


@dataclass(frozen=True, slots=True)
class Counts:
    """A model campaign's lead counts now, in dialing order."""

    success: int
    complete: int
    retry: int
    in_progress: int
    new: int

    @property
    def total(self) -> int:
        return self.complete + self.retry + self.in_progress + self.new

    def boundaries(self) -> tuple[tuple[str, int], ...]:
        """(status, end index) of each range, in index order."""
        success = min(self.success, self.complete)
        ends = (
            ("success", success),
            ("failed", self.complete),
            ("retry", self.complete + self.retry),
            ("in_progress", self.complete + self.retry + self.in_progress),
            ("new", self.total),
        )
        return ends


@dataclass(slots=True)
class AddedLead:
    """A lead added through `PUT .../lead`, with the fields the request carried."""

    index: int
    number: str
    created: int
    first_name: str = ""
    last_name: str = ""
    retries: int = 0
    priority: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    in_model: bool = False


class LeadBook:
    """The leads of one campaign (see the module docstring). Not thread-safe: the tenant
    serialises access."""

    def __init__(self, campaign_hex: str, seed: int, created_origin: float) -> None:
        self.campaign_hex = campaign_hex
        self._seed = seed
        self._origin = created_origin
        self.overrides: dict[int, str] = {}
        self.deleted: set[int] = set()
        self.added: dict[int, AddedLead] = {}
        self._next_added = ADDED_BASE
        self._in_model = 0

    # --- ids -------------------------------------------------------------------------------

    def lead_id(self, index: int) -> str:
        return f"{self.campaign_hex[:20]}{index:012x}"

    def index_of(self, lead_id: str) -> int | None:
        """The index a lead id names, if it has this campaign's prefix."""
        if len(lead_id) != 32 or not lead_id.startswith(self.campaign_hex[:20]):
            return None
        try:
            return int(lead_id[20:], 16)
        except ValueError:
            return None

    # --- reading ---------------------------------------------------------------------------

    def generated(self, counts: Counts) -> int:
        return max(0, counts.total - self._in_model)

    def derived_status(self, index: int, counts: Counts) -> str:
        for status, end in counts.boundaries():
            if index < end:
                return status
        return "new"

    def status_of(self, index: int, counts: Counts) -> str | None:
        """The lead's status now, or None if there is no such lead."""
        if index in self.deleted:
            return None
        if index in self.overrides:
            exists = index in self.added or index < self.generated(counts)
            return self.overrides[index] if exists else None
        if index in self.added:
            return "new"
        if 0 <= index < self.generated(counts):
            return self.derived_status(index, counts)
        return None

    def by_status(self, counts: Counts) -> dict[str, int]:
        """Leads per status now (only statuses with at least one lead)."""
        limit = self.generated(counts)
        result: dict[str, int] = {}
        start = 0
        for status, end in counts.boundaries():
            size = max(0, min(end, limit) - start)
            if size:
                result[status] = result.get(status, 0) + size
            start = max(start, min(end, limit))
        for index in self.deleted | set(self.overrides):
            if index < limit:
                derived = self.derived_status(index, counts)
                result[derived] -= 1
        for index, status in self.overrides.items():
            if index not in self.deleted and (index < limit or index in self.added):
                result[status] = result.get(status, 0) + 1
        for index in self.added:
            if index not in self.overrides:
                result["new"] = result.get("new", 0) + 1
        return {status: n for status, n in result.items() if n > 0}

    def page(
        self, counts: Counts, start: int, size: int, campaign_id: str
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Up to `size` leads from index `start` on, and the index of the next page's first
        lead (None when this page is the last)."""
        leads: list[dict[str, Any]] = []
        for index in self._indexes_from(counts, start):
            if len(leads) == size:
                return leads, index
            status = self.status_of(index, counts)
            if status is not None:
                leads.append(self._record(index, status, campaign_id))
        return leads, None

    def _indexes_from(self, counts: Counts, start: int) -> Any:
        for index in range(max(0, start), self.generated(counts)):
            if index not in self.deleted:
                yield index
        for index in sorted(self.added):
            if index >= start:
                yield index

    def _record(self, index: int, status: str, campaign_id: str) -> dict[str, Any]:
        added = self.added.get(index)
        if added is not None:
            return {
                "created": added.created,
                "campaign_id": campaign_id,
                "number": added.number,
                "status": status,
                "retries": added.retries,
                "first_name": added.first_name,
                "last_name": added.last_name,
                "priority": added.priority,
                "id": self.lead_id(index),
                **added.extra,
            }
        rng = random.Random(f"{self._seed}:{self.campaign_hex}:{index}")
        first, last = person(rng)
        return {
            "created": int(self._origin) + index * CREATED_SPACING_S,
            "campaign_id": campaign_id,
            "number": "+1" + nanp_number(rng),
            "status": status,
            "retries": rng.randint(0, 3) if status != "new" else 0,
            "first_name": first,
            "last_name": last,
            "priority": rng.randint(1, 5),
            "id": self.lead_id(index),
        }

    # --- changing ----------------------------------------------------------------------------

    def add(self, lead: AddedLead) -> str:
        """Keep an added lead (its `index` is assigned here); returns its id."""
        lead.index = self._next_added
        self._next_added += 1
        self.added[lead.index] = lead
        if lead.in_model:
            self._in_model += 1
        return self.lead_id(lead.index)

    def set_status(self, index: int, status: str) -> None:
        self.overrides[index] = status

    def delete(self, index: int) -> None:
        self.overrides.pop(index, None)
        if self.added.pop(index, None) is None:
            self.deleted.add(index)
