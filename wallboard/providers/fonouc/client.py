"""The FonoUC client: one typed method per endpoint of seed 004.

Why values are checked before they go into a path: an id or status with a `/` or `?` in it
would address a different resource; anything that is not a plain token is refused locally with
a message naming the value's role, and nothing is sent.

Limits: the seed publishes none, so FonoUC gets its own families, sized like a polite client:
`fonouc` 60 requests a minute (10 kept for actions) and `fonouc_auth` 10 logins or refreshes a
minute. Both are per account and shared by every client in the process.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from wallboard import budget as budgets
from wallboard.config import AccountConfig
from wallboard.providers.fonouc import wire
from wallboard.providers.fonouc.auth import AUTH_FAMILY, FonoucSession
from wallboard.providers.fonouc.errors import ConfigurationError, InvalidRequest, MalformedResponse
from wallboard.providers.fonouc.transport import Transport
from wallboard.providers.http_client import async_client
from wallboard.redact import Redactor

log = logging.getLogger("wallboard.fonouc")

FAMILY = "fonouc"
#: A path value: letters, digits, `-` and `_` (32-hex ids, uuids, uiis, statuses).
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
M = TypeVar("M", bound=BaseModel)


def fonouc_families() -> dict[str, budgets.FamilySpec]:
    """FonoUC's limit families (see the module docstring)."""
    return {
        FAMILY: budgets.FamilySpec(FAMILY, (budgets.Window(60, 60.0),), reserve=10),
        AUTH_FAMILY: budgets.FamilySpec(AUTH_FAMILY, (budgets.Window(10, 60.0),)),
    }


_REGISTRY = budgets.BudgetRegistry(fonouc_families())


def _token(value: str, role: str) -> str:
    if not isinstance(value, str) or not _TOKEN.match(value):
        raise InvalidRequest(f"{role} {value!r} is not a valid id (letters, digits, - and _)")
    return value


@dataclass(frozen=True, slots=True)
class NewLead:
    """The body of `PUT .../lead`, as the seed lists it; None fields are left out."""

    number: str
    retries: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    type: str | None = None
    priority: int | None = None
    ticket_id: str | None = None
    note: str | None = None
    cool_off: int | None = None

    def body(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True, slots=True)
class LeadListing:
    """Leads of one campaign over one or more pages."""

    records: tuple[wire.Lead, ...]
    warnings: tuple[wire.ParseWarning, ...]
    next_start_key: str | None
    """The key of the page after the last one fetched; None when the listing is complete."""
    pages: int


class FonoucClient:
    """One FonoUC account (see the module docstring)."""

    def __init__(
        self,
        account: AccountConfig,
        *,
        budgets_registry: budgets.BudgetRegistry | None = None,
        http: httpx.AsyncClient | None = None,
        timeout: float = 20.0,
    ) -> None:
        if account.fonouc_url is None:
            raise ConfigurationError("a fonouc account needs fonouc_url")
        self.redactor = Redactor()
        self._http = http or async_client(
            (account.fonouc_url,), base_url=account.fonouc_url, timeout=timeout
        )
        self._registry = budgets_registry or _REGISTRY
        self._key = f"fonouc:{account.fonouc_url}:{account.username}@{account.domain}"
        self.transport = Transport(
            self._http, lambda family: self._registry.budget(self._key, family), self.redactor
        )
        self.session = FonoucSession(account, self.transport, self.redactor)

    def __repr__(self) -> str:
        return f"FonoucClient({self._key})"

    def budget_state(self) -> dict[str, budgets.BudgetState]:
        return self._registry.states(self._key)

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- plumbing ----------------------------------------------------------------------------

    async def _get(self, path: str, what: str, params: dict[str, str | int] | None = None) -> Any:
        response = await self.transport.send(
            "GET", path, family=FAMILY, what=what, params=params, session=self.session
        )
        return _body(response, what)

    async def _act(self, method: str, path: str, what: str, json: Any = None) -> Any:
        response = await self.transport.send(
            method,
            path,
            family=FAMILY,
            what=what,
            kind="action",
            priority="action",
            json=json,
            session=self.session,
        )
        try:
            return wire.loads(response.content) if response.content else None
        except ValueError:
            return None  # the seed documents no body for a successful action

    # --- reports -----------------------------------------------------------------------------

    async def campaigns_status(self) -> wire.ParsedBatch[wire.CampaignStatus]:
        """Every campaign with its status and leads by status."""
        payload = await self._get("/api/v2/reports/campaigns/leads/status", "campaigns status")
        return _warned(wire.parse_campaigns(payload))

    async def leads(
        self, campaign_id: str, *, page_size: int = 100, next_start_key: str | None = None
    ) -> LeadListing:
        """One page of a campaign's leads."""
        return await self.all_leads(
            campaign_id, page_size=page_size, start_key=next_start_key, max_pages=1
        )

    async def all_leads(
        self,
        campaign_id: str,
        *,
        page_size: int = 100,
        start_key: str | None = None,
        max_pages: int = 100,
    ) -> LeadListing:
        """A campaign's leads, following `next_start_key` for up to `max_pages` pages."""
        path = f"/api/v2/config/campaigns/{_token(campaign_id, 'campaign id')}/leads"
        if not 1 <= page_size <= 1000:
            raise InvalidRequest(f"page size {page_size} must be between 1 and 1000")
        records: list[wire.Lead] = []
        warnings: list[wire.ParseWarning] = []
        key = start_key
        pages = 0
        while pages < max_pages:
            params: dict[str, str | int] = {"page_size": page_size}
            if key:
                params["next_start_key"] = _token(key, "next_start_key")
            payload = await self._get(path, "campaign leads", params)
            pages += 1
            try:
                page = wire.LeadsPage.model_validate(payload)
            except ValidationError:
                raise MalformedResponse("campaign leads: the answer is not a page") from None
            batch = _warned(wire.parse_records(wire.Lead, page.data))
            records.extend(batch.records)
            warnings.extend(batch.warnings)
            key = page.next_start_key or None
            if key is None:
                break
        return LeadListing(tuple(records), tuple(warnings), key, pages)

    async def queues_status(self) -> wire.ParsedBatch[wire.QueueStatus]:
        """Every queue with its agents."""
        payload = await self._get("/callcenter/queues/status", "queues status")
        return _warned(wire.parse_records(wire.QueueStatus, payload))

    async def activity(
        self,
        start: datetime,
        end: datetime,
        *,
        page_size: int = 1000,
        start_key: str | None = None,
    ) -> wire.ParsedBatch[wire.ActivityRecord]:
        """Campaign activity between two times (one page; `start_key` continues a listing)."""
        if end < start:
            raise InvalidRequest("activity: the end is before the start")
        first = int(start.timestamp())
        params: dict[str, str | int] = {
            "startDate": first,
            "starDate": first,  # the seed's example spells it so; harmless where unknown
            "endDate": int(end.timestamp()),
            "pageSize": page_size,
        }
        if start_key:
            params["startKey"] = _token(start_key, "startKey")
        payload = await self._get("/api/v2/reports/campaigns/leads/history", "activity", params)
        return _warned(wire.parse_records(wire.ActivityRecord, payload))

    # --- actions -----------------------------------------------------------------------------

    async def add_lead(self, campaign_id: str, lead: NewLead) -> str | None:
        """Add a lead; returns its id when the platform says it (the seed does not promise)."""
        if not lead.number.strip():
            raise InvalidRequest("add lead: number is required")
        path = f"/api/v2/config/campaigns/{_token(campaign_id, 'campaign id')}/lead"
        answer = await self._act("PUT", path, "add lead", json=lead.body())
        lead_id = answer.get("id") if isinstance(answer, dict) else None
        return lead_id if isinstance(lead_id, str) else None

    async def set_lead_status(self, lead_id: str, status: str) -> None:
        path = (
            f"/api/v2/config/campaigns/leads/{_token(lead_id, 'lead id')}"
            f"/status/{_token(status, 'status')}"
        )
        await self._act("POST", path, "set lead status")

    async def delete_lead(self, lead_id: str) -> None:
        await self._act(
            "DELETE", f"/api/v2/config/campaigns/leads/{_token(lead_id, 'lead id')}", "delete lead"
        )

    async def set_voicemail(self, cdr_id: str) -> None:
        """Set a call's disposition to voicemail."""
        path = f"/api/v2/config/campaigns/call/{_token(cdr_id, 'call id')}/disposition/voicemail"
        await self._act("PUT", path, "voicemail disposition")


def _body(response: httpx.Response, what: str) -> Any:
    try:
        return wire.loads(response.content)
    except ValueError:
        raise MalformedResponse(f"{what}: the answer is not JSON") from None


def _warned(batch: wire.ParsedBatch[M]) -> wire.ParsedBatch[M]:
    for warning in batch.warnings:
        log.warning("skipped a malformed %s record: %s", warning.model, warning.reason)
    return batch
