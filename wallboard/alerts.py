"""Alert rules, the built-in defaults, and an evaluator with minimum duration and hysteresis.

Why hysteresis and a minimum duration: a wall TV that flashes an alert on and off every 15 s
while a service level hovers at 80% trains supervisors to ignore it. A rule therefore fires only
after its metric has been past `warn` for `min_duration_s` (time past `clear` resets the wait),
and once firing it clears only when the metric comes back past `clear`, a level on the good side
of `warn`. Severity steps down from critical with the same margin.

Rules come from config as `[[alerts.rules]]` tables (`AlertsConfig`); a user rule with the id of
a built-in one replaces it. Metric keys are those of `wallboard.metrics.METRICS`.

State model: one alert per (rule, entity) episode, keyed `rule/source/entity` so that
`acknowledge(alert_id)` survives new values. Firing -> acknowledged -> resolved; an acknowledged
warning that escalates to critical fires again (a new severity deserves a new look). An entity
whose metric turns to "no data" or that disappears resolves its alert: a wallboard must not keep
shouting about yesterday's service level after the midnight reset.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wallboard import formatting
from wallboard.metrics import DEFAULT_ABANDON_CAP, METRICS

Severity = Literal["warn", "critical"]
AlertState = Literal["firing", "acknowledged", "resolved"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlertRule(_Strict):
    """One `[[alerts.rules]]` table."""

    id: str
    """Unique name; a rule with a built-in rule's id replaces it."""
    metric: str
    """A metric key from the help screen (e.g. `service_level`, `abandon_rate_30d`)."""
    scope: tuple[str, ...] = ("all",)
    """`"all"`, or ids/names of the entities the rule watches (a string or a list)."""
    direction: Literal["above", "below"] = "above"
    """Alert when the metric is above (or below) the thresholds."""
    warn: float
    critical: float | None = None
    clear: float | None = None
    """Level the metric must come back past before the alert resolves; defaults to `warn`."""
    min_duration_s: float = Field(default=0.0, ge=0.0)
    """Seconds the metric must stay past `warn` before the alert fires."""
    enabled: bool = True
    title: str | None = None

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        if value not in METRICS or not METRICS[value].in_view:
            known = ", ".join(sorted(k for k, info in METRICS.items() if info.in_view))
            raise ValueError(f"unknown metric {value!r} (known: {known})")
        return value

    @model_validator(mode="after")
    def _levels(self) -> AlertRule:
        sign = 1 if self.direction == "above" else -1
        if self.critical is not None and sign * (self.critical - self.warn) < 0:
            raise ValueError(f"critical must be {self.direction} warn")
        if self.clear is not None and sign * (self.warn - self.clear) < 0:
            raise ValueError(f"clear must be on the good side of warn ({self.direction})")
        return self

    @property
    def source(self) -> str:
        return METRICS[self.metric].source

    @property
    def label(self) -> str:
        return self.title or METRICS[self.metric].title

    def watches(self, entity_id: str, entity_name: str) -> bool:
        return "all" in self.scope or entity_id in self.scope or entity_name in self.scope

    def past(self, value: float, level: float) -> bool:
        return value > level if self.direction == "above" else value < level

    def back(self, value: float, level: float) -> bool:
        return value <= level if self.direction == "above" else value >= level

    @property
    def clear_level(self) -> float:
        return self.warn if self.clear is None else self.clear

    @property
    def critical_clear_level(self) -> float | None:
        """Critical's own clear level: the same margin below critical as clear is below warn."""
        if self.critical is None:
            return None
        return self.critical - (self.warn - self.clear_level)


def default_rules(abandon_cap: float = DEFAULT_ABANDON_CAP) -> tuple[AlertRule, ...]:
    """Built-in rules. Thresholds are starting points; override them by id in config."""
    return (
        AlertRule(id="agent-starved", metric="agent_starved_s", warn=60, critical=300, clear=0),
        AlertRule(
            id="abandon-30d",
            metric="abandon_rate_30d",
            warn=abandon_cap * 0.8,
            critical=abandon_cap,
            clear=abandon_cap * 0.7,
            title="Abandon rate near/over cap (30 days)",
        ),
        AlertRule(
            id="abandon-24h",
            metric="abandon_rate_24h",
            warn=abandon_cap * 0.8,
            critical=abandon_cap,
            clear=abandon_cap * 0.7,
            title="Abandon rate near/over cap (24 h)",
        ),
        AlertRule(
            id="service-level",
            metric="service_level",
            direction="below",
            warn=0.8,
            critical=0.6,
            clear=0.85,
            min_duration_s=60,
        ),
        AlertRule(
            id="longest-wait",
            metric="longest_wait_s",
            warn=60,
            critical=180,
            clear=45,
            min_duration_s=30,
        ),
        AlertRule(
            id="ivr-containment",
            metric="containment",
            direction="below",
            warn=0.6,
            critical=0.4,
            clear=0.65,
            min_duration_s=300,
        ),
        AlertRule(id="stale-data", metric="age_cycles", warn=2, critical=4, clear=1.5),
    )


class AlertsConfig(_Strict):
    """The `[alerts]` table: ready to be a field of `WallboardConfig`."""

    abandon_cap: float = Field(default=DEFAULT_ABANDON_CAP, gt=0, lt=1)
    """Compliance cap on abandoned / live-answered calls (0.03 = 3%)."""
    defaults: bool = True
    """Start from the built-in rules (user rules with the same id replace them)."""
    rules: tuple[AlertRule, ...] = ()

    def effective_rules(self) -> tuple[AlertRule, ...]:
        merged = {r.id: r for r in default_rules(self.abandon_cap)} if self.defaults else {}
        merged.update({r.id: r for r in self.rules})
        return tuple(r for r in merged.values() if r.enabled)


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    """`rule/source/entity`: stable across cycles, the key for `acknowledge`."""
    rule: str
    title: str
    metric: str
    source: str
    entity: str
    entity_name: str
    severity: Severity
    state: AlertState
    value: float | None
    threshold: float
    first_seen: datetime
    """When this episode fired."""
    last_change: datetime

    @property
    def message(self) -> str:
        """`Service level: Claims at 50.0% (threshold 60.0%)`, in the metric's own unit."""
        unit = METRICS[self.metric].unit if self.metric in METRICS else "count"
        shown, limit = formatting.value(unit, self.value), formatting.value(unit, self.threshold)
        return f"{self.title}: {self.entity_name} at {shown} (threshold {limit})"


@dataclass(slots=True)
class _Track:
    pending_since: datetime | None = None
    alert: Alert | None = None


class Measured(Protocol):
    """What the evaluator reads from an entity (the store's `EntityView` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def metrics(self) -> Mapping[str, float | None]: ...


@dataclass(frozen=True, slots=True)
class EntityMetrics:
    """A plain `Measured`: a name and metric values (sources' freshness, tests)."""

    name: str
    metrics: Mapping[str, float | None]


class AlertEngine:
    """Evaluates rules against each cycle's metrics and keeps alert state across cycles.

    Time comes in with every call (the snapshot's time), never from the wall clock, so the
    engine behaves the same in tests, replays and live.
    """

    def __init__(self, rules: Iterable[AlertRule], recent: int = 200) -> None:
        self.rules = tuple(rules)
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate alert rule ids in {ids}")
        # Per rule: tracked entities only. Most entities are fine most of the time, so the
        # common path is one dict lookup and one comparison per rule and entity.
        self._tracks: dict[str, dict[str, _Track]] = {r.id: {} for r in self.rules}
        self._recent: deque[Alert] = deque(maxlen=recent)

    def _alerts(self) -> list[Alert]:
        return [t.alert for by in self._tracks.values() for t in by.values() if t.alert]

    @property
    def active(self) -> tuple[Alert, ...]:
        """Firing and acknowledged alerts, critical first, oldest first."""
        found = self._alerts()
        return tuple(sorted(found, key=lambda a: (a.severity != "critical", a.first_seen, a.id)))

    @property
    def recent(self) -> tuple[Alert, ...]:
        """Recently resolved alerts, newest first."""
        return tuple(reversed(self._recent))

    def acknowledge(self, alert_id: str, now: datetime) -> Alert | None:
        """Mark a firing alert acknowledged; returns it, or None if no such active alert."""
        for by_entity in self._tracks.values():
            for track in by_entity.values():
                alert = track.alert
                if alert is not None and alert.id == alert_id and alert.state == "firing":
                    track.alert = replace(alert, state="acknowledged", last_change=now)
                    return track.alert
        return None

    def evaluate(
        self, now: datetime, entities: Mapping[str, Mapping[str, Measured]]
    ) -> tuple[Alert, ...]:
        """Advance every rule by one cycle. `entities` maps a metric source (`campaigns`,
        `queues`, ...) to its entities by id. Returns the alerts whose state or severity
        changed (for the history), in rule order."""
        changes: list[Alert] = []
        for rule in self.rules:
            source, metric, warn = rule.source, rule.metric, rule.warn
            above, everything = rule.direction == "above", "all" in rule.scope
            tracks = self._tracks[rule.id]
            current = entities.get(source, {})
            for entity_id, entity in current.items():
                if not everything and not rule.watches(entity_id, entity.name):
                    continue
                value = entity.metrics.get(metric)
                track = tracks.get(entity_id)
                if track is None:
                    if value is None or (value <= warn if above else value >= warn):
                        continue  # the common case: nothing to track
                    track = tracks[entity_id] = _Track()
                key = (rule.id, source, entity_id)
                change = self._step(rule, track, key, entity.name, value, now)
                if change is not None:
                    changes.append(change)
                if track.alert is None and track.pending_since is None:
                    del tracks[entity_id]
            for entity_id in [e for e in tracks if e not in current]:  # entity gone
                track = tracks.pop(entity_id)
                if track.alert is not None:
                    changes.append(self._resolve(track.alert, track.alert.value, now))
        return tuple(changes)

    def _step(
        self,
        rule: AlertRule,
        track: _Track,
        key: tuple[str, str, str],
        name: str,
        value: float | None,
        now: datetime,
    ) -> Alert | None:
        alert = track.alert
        if value is None or rule.back(value, rule.clear_level):
            track.pending_since = None
            if alert is None:
                return None
            track.alert = None
            return self._resolve(alert, value, now)
        if alert is None:
            if not rule.past(value, rule.warn) and track.pending_since is None:
                return None
            if track.pending_since is None:
                track.pending_since = now
            if (now - track.pending_since).total_seconds() < rule.min_duration_s:
                return None
            severity = self._severity(rule, value, "warn")
            track.alert = Alert(
                id="/".join(key),
                rule=rule.id,
                title=rule.label,
                metric=rule.metric,
                source=key[1],
                entity=key[2],
                entity_name=name,
                severity=severity,
                state="firing",
                value=value,
                threshold=self._threshold(rule, severity),
                first_seen=now,
                last_change=now,
            )
            return track.alert
        severity = self._severity(rule, value, alert.severity)
        if severity == alert.severity:
            if value != alert.value or name != alert.entity_name:
                track.alert = replace(alert, value=value, entity_name=name)
            return None
        state: AlertState = "firing" if severity == "critical" else alert.state
        track.alert = replace(
            alert,
            severity=severity,
            state=state,
            value=value,
            entity_name=name,
            threshold=self._threshold(rule, severity),
            last_change=now,
        )
        return track.alert

    @staticmethod
    def _severity(rule: AlertRule, value: float, current: Severity) -> Severity:
        if rule.critical is None:
            return "warn"
        if rule.past(value, rule.critical):
            return "critical"
        critical_clear = rule.critical_clear_level
        if current == "critical" and critical_clear is not None:
            return "warn" if rule.back(value, critical_clear) else "critical"
        return "warn"

    @staticmethod
    def _threshold(rule: AlertRule, severity: Severity) -> float:
        if severity == "critical" and rule.critical is not None:
            return rule.critical
        return rule.warn

    def _resolve(self, alert: Alert, value: float | None, now: datetime) -> Alert:
        resolved = replace(alert, state="resolved", value=value, last_change=now)
        self._recent.append(resolved)
        return resolved
