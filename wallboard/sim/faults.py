"""Switchable faults: the ways a real platform misbehaves, on demand.

Why: a wallboard on a wall TV runs for months; it will meet 429 storms, 5xx, slow answers, cut
connections, broken and half-delivered JSON, records of the wrong shape and whole outages. Each
one must be reproducible in a test and in a demo (`wallboard sim --fault ...`), switched on and
off while the simulator runs, scoped to one family or path, and optionally random (a seeded RNG,
so a run replays) or bounded by a hit count or a real-time duration.

This module decides *whether* and *which* fault applies and how a body is damaged; the HTTP
middleware (`app_middleware`) applies it to the wire.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, replace
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

KINDS = frozenset(
    {
        "rate_limit",
        "server_error",
        "slow",
        "drop",
        "malformed_json",
        "truncated_json",
        "wrong_types",
        "outage",
    }
)
#: Families a rule may be scoped to; `all` means every platform route (never `/_sim/`).
FAMILIES = frozenset({"realtime", "reports", "auth", "all"})
SERVER_ERROR_STATUSES = frozenset({500, 502, 503})

#: Fields that identify a record in the wire models; `wrong_types` removes them from some records.
IDENTITY_FIELDS = (
    "campaignId",
    "visualIvrId",
    "gateId",
    "agentId",
    "uii",
    "dateTimeFrom",
    "dialogId",
    "segmentId",
    "accountId",
)

MALFORMED_BODY = (
    b"<html><head><title>502 Proxy Error</title></head><body><h1>Proxy Error</h1>"
    b"<p>The proxy server received an invalid response from an upstream server.</p></body></html>"
)


class FaultSpecError(ValueError):
    """A fault rule that cannot be understood; the message names the bad part."""


def _retry_after(value: Any) -> str | None:
    """Normalise `retry_after`: seconds, `date+N` (an HTTP-date N real seconds ahead, computed
    per response), an HTTP-date sent verbatim, or none."""
    if value is None or (isinstance(value, str) and value.strip().lower() in {"none", ""}):
        return None
    if isinstance(value, bool):
        raise FaultSpecError("retry_after must be seconds, an HTTP-date, date+N or none")
    if isinstance(value, int | float):
        if value < 0:
            raise FaultSpecError("retry_after must not be negative")
        return str(int(value))
    text = str(value).strip()
    if text.isdigit():
        return text
    if text.lower().startswith("date+") and text[5:].isdigit():
        return text.lower()
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError):
        raise FaultSpecError(
            f"retry_after {text!r} is not seconds, an HTTP-date, date+N or none"
        ) from None
    return text


@dataclass(frozen=True)
class FaultRule:
    """One fault. Scope: `family` (or `all`) and, optionally, a `path` substring; both must match.

    Options by kind: `rate_limit` uses `retry_after`; `server_error` uses `status`; `slow` uses
    `delay` (real seconds). `count` limits the hits, `seconds` the real-time lifetime.
    """

    kind: str
    family: str = "all"
    path: str | None = None
    probability: float = 1.0
    count: int | None = None
    seconds: float | None = None
    status: int = 503
    retry_after: str | None = "5"
    delay: float = 2.0
    id: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FaultSpecError(f"unknown fault kind {self.kind!r} (known: {sorted(KINDS)})")
        if self.family not in FAMILIES:
            raise FaultSpecError(f"unknown family {self.family!r} (known: {sorted(FAMILIES)})")
        if not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError("probability must be between 0 and 1")
        if self.count is not None and self.count < 1:
            raise FaultSpecError("count must be at least 1")
        if self.seconds is not None and self.seconds <= 0:
            raise FaultSpecError("seconds must be positive")
        if self.status not in SERVER_ERROR_STATUSES:
            raise FaultSpecError("status must be 500, 502 or 503")
        if not 0.0 <= self.delay <= 600.0:
            raise FaultSpecError("delay must be between 0 and 600 seconds")

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> FaultRule:
        """Build a rule from JSON or CLI options; unknown keys and bad values are errors."""
        allowed = {"kind", "family", "path", "probability", "count", "seconds"}
        allowed |= {"status", "retry_after", "delay"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise FaultSpecError(f"unknown fault option(s): {', '.join(unknown)}")
        if "kind" not in data:
            raise FaultSpecError("a fault needs a kind")
        try:
            values: dict[str, Any] = {"kind": str(data["kind"])}
            if data.get("family") is not None:
                values["family"] = str(data["family"])
            if data.get("path") is not None:
                values["path"] = str(data["path"])
            for name, convert in (("probability", float), ("seconds", float), ("delay", float)):
                if data.get(name) is not None:
                    values[name] = convert(data[name])
            for name in ("count", "status"):
                if data.get(name) is not None:
                    values[name] = _strict_int(data[name], name)
        except (TypeError, ValueError) as error:
            if isinstance(error, FaultSpecError):
                raise
            raise FaultSpecError(f"bad fault option value: {error}") from None
        if "retry_after" in data:
            values["retry_after"] = _retry_after(data["retry_after"])
        return cls(**values)

    def retry_after_header(self) -> str | None:
        if self.retry_after and self.retry_after.startswith("date+"):
            return formatdate(time.time() + int(self.retry_after[5:]), usegmt=True)
        return self.retry_after

    def matches(self, family: str, path: str) -> bool:
        return (self.family in {"all", family}) and (self.path is None or self.path in path)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "family": self.family,
            "path": self.path,
            "probability": self.probability,
            "count": self.count,
            "seconds": self.seconds,
            "status": self.status,
            "retry_after": self.retry_after,
            "delay": self.delay,
        }


def _strict_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise FaultSpecError(f"{name} must be a whole number")
    return int(value)


def parse_fault_spec(spec: str) -> FaultRule:
    """`KIND[:key=value,...]` as `--fault` takes it: `rate_limit:family=realtime,count=3`."""
    kind, _, rest = spec.strip().partition(":")
    data: dict[str, Any] = {"kind": kind.strip()}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise FaultSpecError(f"fault option {part!r} is not key=value")
        data[key.strip()] = value.strip()
    return FaultRule.from_mapping(data)


@dataclass
class _Active:
    rule: FaultRule
    added: float
    hits: int = 0

    def expired(self, now: float) -> bool:
        if self.rule.count is not None and self.hits >= self.rule.count:
            return True
        return self.rule.seconds is not None and now - self.added >= self.rule.seconds

    def as_dict(self, now: float) -> dict[str, Any]:
        data = self.rule.as_dict()
        data["hits"] = self.hits
        if self.rule.seconds is not None:
            data["seconds_left"] = round(max(0.0, self.rule.seconds - (now - self.added)), 3)
        return data


class FaultSwitchboard:
    """The live set of fault rules; thread-safe. The first matching rule that fires wins."""

    def __init__(self, seed: int = 7) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(f"faults:{seed}")
        self._rules: list[_Active] = []
        self._next_id = 1

    def __repr__(self) -> str:
        return f"FaultSwitchboard(rules={len(self._rules)})"

    def add(self, kind: str | FaultRule, **options: Any) -> FaultRule:
        """Switch a fault on: `add("slow", family="realtime", delay=0.5, count=2)` or a rule."""
        rule = (
            kind
            if isinstance(kind, FaultRule)
            else FaultRule.from_mapping({"kind": kind, **options})
        )
        with self._lock:
            rule = replace(rule, id=self._next_id)
            self._next_id += 1
            self._rules.append(_Active(rule, time.monotonic()))
        return rule

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [a for a in self._rules if a.rule.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        with self._lock:
            self._rules = [a for a in self._rules if not a.expired(now)]
            return [a.as_dict(now) for a in self._rules]

    def match(self, family: str, path: str) -> FaultRule | None:
        """The fault to apply to this request, if any; counts the hit."""
        now = time.monotonic()
        with self._lock:
            self._rules = [a for a in self._rules if not a.expired(now)]
            for active in self._rules:
                if not active.rule.matches(family, path):
                    continue
                if active.rule.probability < 1.0 and self._rng.random() >= active.rule.probability:
                    continue
                active.hits += 1
                return active.rule
        return None

    def coin(self) -> bool:
        """A seeded coin toss (an outage answers 503 or cuts the connection)."""
        with self._lock:
            return self._rng.random() < 0.5


# --- Body damage -----------------------------------------------------------------------------


def truncate(body: bytes) -> bytes:
    """The real body cut in half: what a client sees when a proxy gives up mid-response."""
    return body[: len(body) // 2]


def _spoil_numbers(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: "n/a" if isinstance(value, int | float) and not isinstance(value, bool) else value
        for key, value in record.items()
    }


def _drop_identity(record: dict[str, Any]) -> dict[str, Any]:
    present = [key for key in IDENTITY_FIELDS if key in record]
    drop = set(present) if present else set(list(record)[:1])
    return {key: value for key, value in record.items() if key not in drop}


def wrong_types(body: bytes) -> bytes:
    """The real records, some with numbers turned into strings like "n/a" and some missing their
    identity fields. Record 0 stays intact when there are several, so a lenient client keeps it;
    then every third record from 1 has spoiled numbers and every third from 2 lost its identity."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body
    if isinstance(payload, list):
        spoiled: list[Any] = []
        for index, record in enumerate(payload):
            if isinstance(record, dict) and (index % 3 == 1 or len(payload) == 1):
                record = _spoil_numbers(record)
            elif isinstance(record, dict) and index % 3 == 2:
                record = _drop_identity(record)
            spoiled.append(record)
        payload = spoiled
    elif isinstance(payload, dict):
        payload = _spoil_numbers(payload)
    return json.dumps(payload, separators=(",", ":")).encode()
