"""Lead lists: what each campaign's dialer can call, and the `leadLoader/direct` endpoint.

Why leads are mostly a number: a large account holds millions of ready leads, and a Python
object per lead would make construction slow and memory heavy. Generated ("synthetic") leads are
therefore only a count until the dialer draws one, when it gets a phone number. Leads uploaded
through the loader are real objects, because they must keep their phone and `externId` and
really get dialed.

States, as the real-time `outbound` record counts them:

* ``ready``    -- dialable now: immediate-priority uploads, other uploads, synthetic leads.
* ``pending``  -- staged in the dialer's hopper, next in line for a line.
* ``complete`` -- finalized today (dispositioned, out of attempts, intercept, fax, DNC).
* ``other``    -- anything else: uploaded INACTIVE, or waiting for a retry or a callback.

Leads on a line right now are in none of the four (they are the campaign's `active` calls).
"""

from __future__ import annotations

import heapq
import random
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .model_errors import InvalidRequest
from .names import nanp_number

MAX_ATTEMPTS = 3
#: Retry delays in seconds by dial outcome: a busy line is worth another try sooner.
RETRY_DELAY = {"BUSY": (600.0, 1_200.0), "ABANDON": (900.0, 1_800.0)}
DEFAULT_RETRY_DELAY = (1_800.0, 5_400.0)
#: Outcomes that finalize a lead at once.
FINAL_OUTCOMES = frozenset({"INTERCEPT", "FAX", "DNC"})

DIAL_PRIORITIES = ("IMMEDIATE", "NORMAL", "FIRST_PASS", "SECOND_PASS", "THIRD_PASS")
DUPLICATE_HANDLING = ("REMOVE_FROM_LIST", "RETAIN_ALL", "REMOVE_ALL_EXISTING")
LIST_STATES = ("ACTIVE", "INACTIVE")
TIME_ZONE_OPTIONS = ("NOT_APPLICABLE", "NPA_NXX", "ZIPCODE", "EXPLICIT")
SUCCESS_MESSAGE = "Your uploaded lead list has successfully completed processing"


@dataclass(slots=True, eq=False)
class Lead:
    phone: str
    extern_id: str | None = None
    attempts: int = 0
    uploaded: bool = False


@dataclass(slots=True, eq=False)
class LeadList:
    """One campaign's leads (see the module docstring for the four states)."""

    synthetic: int = 0
    loaded: deque[Lead] = field(default_factory=deque)
    immediate: deque[Lead] = field(default_factory=deque)
    hopper: deque[Lead] = field(default_factory=deque)
    #: (due time, tie-breaker, is_callback, lead): waiting for a retry or a scheduled callback.
    waiting: list[tuple[float, int, bool, Lead]] = field(default_factory=list)
    inactive: list[Lead] = field(default_factory=list)
    complete: int = 0
    #: Phones of uploaded leads still in the list (for duplicate handling), with multiplicity.
    phones: dict[str, int] = field(default_factory=dict)
    _tie: int = 0

    @property
    def ready(self) -> int:
        return self.synthetic + len(self.loaded) + len(self.immediate)

    @property
    def pending(self) -> int:
        return len(self.hopper)

    @property
    def other(self) -> int:
        return len(self.waiting) + len(self.inactive)

    def promote_due(self, now: float) -> bool:
        """Move retries and callbacks whose time has come back to ready; True if any moved."""
        moved = False
        while self.waiting and self.waiting[0][0] <= now:
            _, _, is_callback, lead = heapq.heappop(self.waiting)
            (self.immediate if is_callback else self.loaded).append(lead)
            moved = True
        return moved

    def stage(self, target: int, rng: random.Random) -> bool:
        """Fill the hopper up to `target` staged leads; True if it changed."""
        changed = False
        while len(self.hopper) < target:
            if self.loaded:
                self.hopper.append(self.loaded.popleft())
            elif self.synthetic > 0:
                self.synthetic -= 1
                self.hopper.append(Lead(nanp_number(rng)))
            else:
                break
            changed = True
        return changed

    def next_lead(self, rng: random.Random) -> Lead | None:
        """The next lead to dial: IMMEDIATE uploads jump the hopper."""
        if self.immediate:
            return self.immediate.popleft()
        if not self.hopper:
            self.stage(1, rng)
        return self.hopper.popleft() if self.hopper else None

    def finish(self, lead: Lead, outcome: str, now: float, rng: random.Random) -> None:
        """Settle a lead after a dial attempt that did not reach an agent."""
        lead.attempts += 1
        if outcome in FINAL_OUTCOMES or lead.attempts >= MAX_ATTEMPTS:
            self.finalize(lead)
            return
        low, high = RETRY_DELAY.get(outcome, DEFAULT_RETRY_DELAY)
        self.schedule(lead, now + rng.uniform(low, high), is_callback=False)

    def finalize(self, lead: Lead) -> None:
        self.complete += 1
        if lead.uploaded:
            left = self.phones.get(lead.phone, 0) - 1
            if left > 0:
                self.phones[lead.phone] = left
            else:
                self.phones.pop(lead.phone, None)

    def schedule(self, lead: Lead, due: float, is_callback: bool) -> None:
        self._tie += 1
        heapq.heappush(self.waiting, (due, self._tie, is_callback, lead))

    def _insert(self, lead: Lead, immediate: bool, active: bool) -> None:
        self.phones[lead.phone] = self.phones.get(lead.phone, 0) + 1
        if not active:
            self.inactive.append(lead)
        elif immediate:
            self.immediate.append(lead)
        else:
            self.loaded.append(lead)

    def _remove_phones(self, phones: set[str]) -> None:
        """Drop every uploaded lead with one of these phones (REMOVE_ALL_EXISTING)."""

        def keep(lead: Lead) -> bool:
            return not (lead.uploaded and lead.phone in phones)

        self.loaded = deque(lead for lead in self.loaded if keep(lead))
        self.immediate = deque(lead for lead in self.immediate if keep(lead))
        self.hopper = deque(lead for lead in self.hopper if keep(lead))
        self.inactive = [lead for lead in self.inactive if keep(lead)]
        self.waiting = [entry for entry in self.waiting if keep(entry[3])]
        heapq.heapify(self.waiting)
        for phone in phones:
            self.phones.pop(phone, None)


def normalize_phone(raw: object) -> str | None:
    """Digits only, a leading 1 of 11 digits dropped; None unless a valid 10-digit NANP number."""
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        return None
    digits = re.sub(r"\D", "", str(raw))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return digits


def _option(request: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.get(name)
    if value is None or value == "":
        return default
    text = str(value).strip().upper()
    if text not in allowed:
        raise InvalidRequest(f"{name} must be one of {', '.join(allowed)}", name, value)
    return text


def load_leads(leads: LeadList, request: dict[str, Any]) -> dict[str, Any]:
    """Apply a `leadLoader/direct` body to a campaign's list; answer like the platform.

    `rejectedRows[].row` is 1-based (the row of the upload, as a spreadsheet would number it).
    Duplicate handling: REMOVE_FROM_LIST (the default) accepts but does not insert a lead whose
    phone is already in the list or earlier in the same upload; RETAIN_ALL inserts everything;
    REMOVE_ALL_EXISTING first removes the list's uploaded leads with the same phones. RingCX
    knows IMMEDIATE and NORMAL priorities; OutboundIQ's FIRST/SECOND/THIRD_PASS are accepted as
    NORMAL because that service forwards them unchanged."""
    priority = _option(request, "dialPriority", DIAL_PRIORITIES, "NORMAL")
    duplicates = _option(request, "duplicateHandling", DUPLICATE_HANDLING, "REMOVE_FROM_LIST")
    state = _option(request, "listState", LIST_STATES, "ACTIVE")
    _option(request, "timeZoneOption", TIME_ZONE_OPTIONS, "NPA_NXX")
    rows = request.get("uploadLeads", [])
    if not isinstance(rows, list):
        raise InvalidRequest("uploadLeads must be a list of leads", "uploadLeads", rows)
    accepted: list[Lead] = []
    rejected: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            rejected.append({"row": number, "leadPhone": None, "reason": "lead must be an object"})
            continue
        raw = row.get("leadPhone")
        if raw is None or raw == "":
            rejected.append({"row": number, "leadPhone": raw, "reason": "leadPhone is required"})
            continue
        phone = normalize_phone(raw)
        if phone is None:
            reason = "leadPhone must be a 10-digit US phone number"
            rejected.append({"row": number, "leadPhone": raw, "reason": reason})
            continue
        extern = row.get("externId")
        accepted.append(Lead(phone, str(extern) if extern else None, uploaded=True))
    if duplicates == "REMOVE_ALL_EXISTING":
        leads._remove_phones({lead.phone for lead in accepted})
    inserted = 0
    for lead in accepted:
        if duplicates == "REMOVE_FROM_LIST" and lead.phone in leads.phones:
            continue
        leads._insert(lead, immediate=priority == "IMMEDIATE", active=state == "ACTIVE")
        inserted += 1
    ok = bool(accepted)
    return {
        "leadsSupplied": len(rows),
        "leadsAccepted": len(accepted),
        "leadsInserted": inserted,
        "message": SUCCESS_MESSAGE if ok else "No leads passed validation",
        "processingResult": "OK" if ok else "FAILED",
        "processingStatus": "DEFAULT_NOT_A_FAILURE" if ok else "NO_LEADS_PASSED_VALIDATION",
        "rejectedRows": rejected,
    }
