"""The simulated feed's body validation, as seed 003's request schema states it.

Why the phone check is only "10 digits": the seed says the feed strips non-digit characters and
accepts a +1 prefix; it does not check the numbering plan. A number like 055-123-4567 therefore
passes the feed and is refused by the dialer's loader, which is how a real 502 with the dialer's
rejection details comes about. Unknown lead fields are ignored (a schema library strips them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LEAD_FIELDS = (
    "leadPhone",
    "firstName",
    "lastName",
    "email",
    "zip",
    "city",
    "address1",
    "address2",
    "state",
    "auxData1",
    "auxData2",
    "auxData3",
    "auxData4",
    "auxData5",
)
OPTION_CHOICES: dict[str, tuple[str, ...] | None] = {
    "dialPriority": ("IMMEDIATE", "FIRST_PASS", "SECOND_PASS", "THIRD_PASS"),
    "duplicateHandling": ("REMOVE_FROM_LIST", "RETAIN_ALL", "REMOVE_ALL_EXISTING"),
    "listState": ("ACTIVE", "INACTIVE"),
    "timeZoneOption": ("NOT_APPLICABLE", "NPA_NXX", "ZIPCODE", "EXPLICIT"),
    "description": None,
}


class FeedRequestError(ValueError):
    """The body failed validation; `issues` lists each problem with its path."""

    def __init__(self, issues: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{i['path']}: {i['message']}" for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class FeedRequest:
    campaign_id: str
    lead: dict[str, str]
    options: dict[str, str]

    def loader_request(self, caller_id: str) -> dict[str, Any]:
        """The body forwarded to the dialer's lead loader; the caller id is always ours."""
        options = {"timeZoneOption": "NPA_NXX", **self.options}
        return {**options, "uploadLeads": [{**self.lead, "callerId": caller_id}]}


def normalize_feed_phone(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else None


def _strings(
    data: Any, path: str, allowed: dict[str, tuple[str, ...] | None], issues: list[dict[str, str]]
) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        issues.append({"path": path, "message": "must be an object"})
        return {}
    kept: dict[str, str] = {}
    for name, value in data.items():
        if name not in allowed or value is None:
            continue
        if not isinstance(value, str):
            issues.append({"path": f"{path}.{name}", "message": "must be a string"})
            continue
        choices = allowed[name]
        if choices is not None and value not in choices:
            issues.append({"path": f"{path}.{name}", "message": f"must be one of {choices}"})
            continue
        kept[name] = value
    return kept


def parse_feed_request(body: dict[str, Any]) -> FeedRequest:
    issues: list[dict[str, str]] = []
    campaign = body.get("campaignId")
    if not isinstance(campaign, str) or not campaign.strip():
        issues.append({"path": "campaignId", "message": "required, a non-empty string"})
    lead_data = body.get("lead")
    if not isinstance(lead_data, dict):
        issues.append({"path": "lead", "message": "required, an object"})
    lead = _strings(lead_data, "lead", dict.fromkeys(LEAD_FIELDS), issues)
    options = _strings(body.get("options"), "options", OPTION_CHOICES, issues)
    if isinstance(lead_data, dict):
        raw = lead_data.get("leadPhone")
        if raw is None or raw == "":
            issues.append({"path": "lead.leadPhone", "message": "required"})
        elif isinstance(raw, str):
            phone = normalize_feed_phone(raw)
            if phone is None:
                message = "could not be normalized to a 10-digit US number"
                issues.append({"path": "lead.leadPhone", "message": message})
            else:
                lead["leadPhone"] = phone
    if issues:
        raise FeedRequestError(issues)
    assert isinstance(campaign, str)
    return FeedRequest(campaign.strip(), lead, options)
