"""FonoUC wire records (seed 004), spelled exactly as the seed spells them.

Every model tolerates unknown fields, and a malformed record becomes a counted warning rather
than failing its batch (`parse_records`, shared with the RingCX provider).

What the seed's examples get wrong, and what this module assumes a real server sends
(`wallboard.providers.fonouc` has the full list):

- **Curly quotes** (“name”): `loads` retries a body that is not JSON with typographic quotes
  straightened. A body that is valid JSON is never rewritten.
- **A duplicated key** (`"success"` twice in `leads_by_status`): JSON parsers keep the last
  value, but the seed's counts only add up to `total_leads` when both are summed (4 + 10 + 5 +
  25 = 44), so a repeated key whose values are both integers is summed; otherwise the last wins.
- **`starDate`** in the activity example's query: the client sends `startDate` (the documented
  parameter) and `starDate` with the same value, so a server that reads either works.
- The activity example's `endDate` has 13 digits (milliseconds); the client sends seconds, as
  the parameter list says.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wallboard.providers.ringcx.wire import ParsedBatch, ParseWarning, parse_records

__all__ = [
    "ActivityRecord",
    "CampaignStatus",
    "Lead",
    "LeadsPage",
    "LoginResponse",
    "ParseWarning",
    "ParsedBatch",
    "QueueAgent",
    "QueueStatus",
    "loads",
    "parse_campaigns",
    "parse_records",
]

_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def _merge_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object from its key/value pairs, summing a repeated key's integer values."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        previous = result.get(key)
        if key in result and _is_int(previous) and _is_int(value):
            result[key] = previous + value
        else:
            result[key] = value
    return result


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def loads(text: str | bytes) -> Any:
    """Parse a FonoUC body (see the module docstring); ValueError if it is not JSON even with
    its quotes straightened."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        return json.loads(text, object_pairs_hook=_merge_pairs)
    except ValueError:
        straightened = text.translate(_CURLY)
        if straightened == text:
            raise
        return json.loads(straightened, object_pairs_hook=_merge_pairs)


class WireModel(BaseModel):
    """Base for every FonoUC record: unknown fields kept, not rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class LoginUser(WireModel):
    """The login answer's `user` (the seed elides it: "..."). `account_id` is assumed to name
    the account for `X-Account-ID`; `id`, `username` and `domain` are optional."""

    id: str | None = None
    username: str | None = None
    domain: str | None = None
    account_id: str | None = None


class LoginResponse(WireModel):
    """`POST /api/v2/login` (and the assumed refresh) answer."""

    user: LoginUser = Field(default_factory=LoginUser)
    access_token: str
    refresh_token: str | None = None


class CampaignStatus(WireModel):
    """One campaign of `GET /api/v2/reports/campaigns/leads/status` (keyed by campaign id)."""

    campaign_id: str = ""
    """Not in the record: the key it was listed under (set by `parse_campaigns`)."""
    name: str
    status: str = "unknown"
    total_leads: int | None = None
    leads_by_status: dict[str, int] = Field(default_factory=dict)


class Lead(WireModel):
    """One lead of `GET /api/v2/config/campaigns/{id}/leads`."""

    id: str
    campaign_id: str | None = None
    created: float | None = None
    number: str | None = None
    status: str = "unknown"
    retries: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    priority: int | None = None


class LeadsPage(WireModel):
    """A page of leads: `data` (validated record by record) and the next page's key."""

    data: list[Any] = Field(default_factory=list)
    next_start_key: str | None = None


class Tag(WireModel):
    id: str | None = None
    name: str | None = None
    color: str | None = None


class QueueAgent(WireModel):
    """One agent of a queue in `GET /callcenter/queues/status`."""

    id: str
    name: str = ""
    extension: str | None = None
    extension_is_valid: bool | None = None
    delay: int | None = None
    timeout: int | None = None
    logged_in: bool = False
    status: str = "unknown"
    registered: bool | None = None
    tags: list[Tag] = Field(default_factory=list)


class QueueStatus(WireModel):
    """One queue of `GET /callcenter/queues/status`. `agents` is validated agent by agent;
    `calls` is `{}` in the seed and otherwise unspecified (the simulator puts waiting calls
    there, keyed by call id, each with `wait_time`)."""

    id: str
    name: str = ""
    extension: str | None = None
    max_time_caller_in_queue: int | None = None
    strategy: str | None = None
    agents: list[Any] = Field(default_factory=list)
    calls: dict[str, Any] | list[Any] = Field(default_factory=dict)
    total_agents: int = 0
    logged_in_agents: int = 0
    logged_out_agents: int = 0
    idle_agents: int = 0
    misconfigured_agents: int = 0
    agents_registered: int = 0
    agents_on_call: int = 0

    def waiting_calls(self) -> list[dict[str, Any]]:
        values = self.calls.values() if isinstance(self.calls, dict) else self.calls
        return [call for call in values if isinstance(call, dict)]


class ActivityRecord(WireModel):
    """One record of `GET /api/v2/reports/campaigns/leads/history`."""

    datetime: str | None = None
    timestamp: int | None = None
    campaign_name: str | None = None
    lead_name: str | None = None
    lead_number: str | None = None
    agent_name: str | None = None
    agent_extension: str | None = None
    lead_history: list[dict[str, Any]] = Field(default_factory=list)

    def uuid(self) -> str | None:
        """The call id of the record's last history entry (the cdr id a disposition needs)."""
        for entry in reversed(self.lead_history):
            value = entry.get("uuid")
            if isinstance(value, str) and value:
                return value
        return None


def parse_campaigns(payload: Any) -> ParsedBatch[CampaignStatus]:
    """The campaign status object (campaign id → record) as records, bad ones counted."""
    name = CampaignStatus.__name__
    if not isinstance(payload, dict):
        kind = type(payload).__name__
        return ParsedBatch((), (ParseWarning(name, -1, f"expected a JSON object, got {kind}"),))
    records: list[CampaignStatus] = []
    warnings: list[ParseWarning] = []
    for index, (key, item) in enumerate(payload.items()):
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            records.append(CampaignStatus.model_validate({**item, "campaign_id": key}))
        except (ValidationError, ValueError) as error:
            reason = str(error).splitlines()[0]
            warnings.append(ParseWarning(name, index, f"campaign {key!r}: {reason}"))
    return ParsedBatch(tuple(records), tuple(warnings))
