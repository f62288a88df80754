"""Checking one lead before it is sent: required fields, known fields, the phone normalised.

Why check locally what the platform checks anyway: a file of 10,000 leads should not spend
10,000 requests of a shared budget to learn that half its phones are malformed, and a local
reason is clearer than a dialer's. The phone rule is seed 003's (non-digits stripped, a +1 prefix
accepted, 10 digits left) plus the North American numbering plan's (area code and exchange do
not start with 0 or 1), which the dialer's own loader enforces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Lead fields of seed 003, in its order. `leadPhone` is the only required one.
FEED_FIELDS = (
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
#: The RingCX lead loader also takes these (API notes).
LOADER_FIELDS = (*FEED_FIELDS, "externId", "leadTimezone")
MAX_VALUE_LENGTH = 255
_IGNORED = frozenset({"rejectReason"})


class LeadProblem(ValueError):
    """Why one lead cannot be sent; the message is the reason written to the rejects file."""


def normalize_us_phone(raw: str) -> str:
    """The 10-digit US number in `raw`, or `LeadProblem` saying what is wrong with it."""
    digits = re.sub(r"\D", "", raw)
    if not digits:
        raise LeadProblem("leadPhone is required")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise LeadProblem(f"leadPhone {raw!r} is not a 10-digit US number ({len(digits)} digits)")
    if digits[0] in "01":
        raise LeadProblem(f"leadPhone {raw!r}: an area code cannot start with {digits[0]}")
    if digits[3] in "01":
        raise LeadProblem(f"leadPhone {raw!r}: an exchange cannot start with {digits[3]}")
    return digits


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise LeadProblem(f"{name} must be text, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > MAX_VALUE_LENGTH:
        raise LeadProblem(f"{name} is longer than {MAX_VALUE_LENGTH} characters")
    return text or None


@dataclass(frozen=True)
class CheckedLead:
    """A lead ready to send: known fields only, blanks dropped, the phone normalised."""

    fields: Mapping[str, str]

    @property
    def phone(self) -> str:
        return self.fields["leadPhone"]


def check_lead(values: Mapping[str, Any], allowed: tuple[str, ...] = FEED_FIELDS) -> CheckedLead:
    """The lead to send, or `LeadProblem` naming the first thing wrong."""
    unknown = [name for name in values if name not in allowed and name not in _IGNORED]
    if unknown:
        raise LeadProblem(f"unknown field(s) {', '.join(map(repr, unknown))}")
    fields: dict[str, str] = {}
    for name in allowed:
        text = _text(name, values.get(name))
        if text is not None:
            fields[name] = text
    if "leadPhone" not in fields:
        raise LeadProblem("leadPhone is required")
    fields["leadPhone"] = normalize_us_phone(fields["leadPhone"])
    email = fields.get("email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise LeadProblem(f"email {email!r} is not an email address")
    return CheckedLead(fields)
