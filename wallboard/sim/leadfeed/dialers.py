"""The dialers behind the simulated lead feed: the simulated RingCX center and a small NewBridge.

Why RingCX pushes go through `ContactCenter.load_leads`: that is the model the RingCX lead loader
route uses, so a lead pushed through the feed lands in the same campaign list, moves the same
`ready` count the real-time data reports, and really gets dialed.

Why NewBridge answers its counts as strings: NewBridge has no public documentation, and a feed
that tests `leadsAccepted === 0` lets such an answer through as HTTP 200. That is the "200 whose
`leadsAccepted` is 0" case the wallboard must still treat as a rejection; here it happens
naturally when NewBridge refuses a phone. A switchable override (`DialerOverride`) makes the
dialer fail on demand: an HTTP failure, or fields patched into its answer (a failure status).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from wallboard.sim.leadfeed.directory import FeedCompany
from wallboard.sim.model import ContactCenter, NotFound
from wallboard.sim.model_leads import LeadList, load_leads

#: NewBridge campaigns of the simulated NewBridge company and their starting ready leads.
NEWBRIDGE_CAMPAIGNS = {"7001": 120, "7002": 0, "7003": 45}
#: The company's ANI inventory; the feed assigns caller IDs from it, round robin.
ANI_INVENTORY = ("2125550141", "3055550172", "6175550123", "7135550190")

_REVOKED_TOKEN_BODY = {
    "errorCode": "authentication.failure",
    "generalMessage": "Full authentication is required to access this resource",
    "details": "",
}


@dataclass(frozen=True)
class DialerAnswer:
    """What the dialer's lead loader answered: its HTTP status and JSON body."""

    status: int
    body: dict[str, Any]


@dataclass
class DialerOverride:
    """Make the next `remaining` loader answers fail: `status` replaces a 200 (with `body`),
    `patch` is merged into a 200's body."""

    status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)
    patch: dict[str, Any] = field(default_factory=dict)
    remaining: int = 1


class FeedDialers:
    """Forwards one lead-loader request to the company's dialer. Thread-safe."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self._lock = threading.Lock()
        self.newbridge = {cid: LeadList(synthetic=n) for cid, n in NEWBRIDGE_CAMPAIGNS.items()}
        self._override: DialerOverride | None = None
        self._next_ani = 0

    def set_override(self, override: DialerOverride | None) -> None:
        with self._lock:
            self._override = override

    def next_caller_id(self) -> str:
        with self._lock:
            ani = ANI_INVENTORY[self._next_ani % len(ANI_INVENTORY)]
            self._next_ani += 1
            return ani

    def has_campaign(self, company: FeedCompany, campaign_id: str) -> bool:
        if company.dialer_family == "newbridge":
            return campaign_id in self.newbridge
        ids = {str(row["campaignId"]) for row in self.center.outbound_stats()}
        return campaign_id in ids

    def newbridge_counts(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"campaignId": cid, "ready": leads.ready, "pending": leads.pending}
                for cid, leads in self.newbridge.items()
            ]

    def forward(
        self, company: FeedCompany, campaign_id: str, request: dict[str, Any]
    ) -> DialerAnswer:
        """Run the loader for `campaign_id`; NotFound when the dialer does not know it."""
        with self._lock:
            override = self._override
            if override is not None:
                override.remaining -= 1
                if override.remaining <= 0:
                    self._override = None
        if override is not None and override.status is not None:
            return DialerAnswer(override.status, dict(override.body))
        answer = self._loader(company, campaign_id, request)
        if override is not None and answer.status == 200:
            return DialerAnswer(200, {**answer.body, **override.patch})
        return answer

    def _loader(
        self, company: FeedCompany, campaign_id: str, request: dict[str, Any]
    ) -> DialerAnswer:
        if not company.token_accepted:
            return DialerAnswer(401, dict(_REVOKED_TOKEN_BODY))
        if company.dialer_family == "newbridge":
            with self._lock:
                leads = self.newbridge.get(campaign_id)
                if leads is None:
                    raise NotFound(f"no campaign {campaign_id!r}")
                result = load_leads(leads, request)
            counts = ("leadsSupplied", "leadsAccepted", "leadsInserted")
            return DialerAnswer(200, {k: str(v) if k in counts else v for k, v in result.items()})
        if not campaign_id.isdigit():
            raise NotFound(f"no campaign {campaign_id!r}")
        return DialerAnswer(200, self.center.load_leads(int(campaign_id), request))
