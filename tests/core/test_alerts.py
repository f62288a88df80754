"""Alert rules: minimum duration, hysteresis (no flapping), severity, acknowledge, resolve."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from wallboard.alerts import Alert, AlertEngine, AlertRule, AlertsConfig, EntityMetrics

T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
SL = AlertRule(
    id="sl",
    metric="service_level",
    direction="below",
    warn=0.80,
    critical=0.60,
    clear=0.85,
    min_duration_s=60,
)


def queues(value: float | None, name: str = "Sales") -> dict[str, dict[str, EntityMetrics]]:
    return {"queues": {"7": EntityMetrics(name, {"service_level": value})}}


def run(engine: AlertEngine, values: Iterable[float | None], start: int = 0) -> list[Alert]:
    """Evaluate one value per 15 s cycle; return every state change."""
    changes: list[Alert] = []
    for i, value in enumerate(values, start):
        changes += engine.evaluate(T0 + timedelta(seconds=15 * i), queues(value))
    return changes


def test_oscillating_at_the_threshold_fires_once_after_min_duration_and_does_not_flap() -> None:
    engine = AlertEngine([SL])
    # Hovers around warn (0.80) but never back above clear (0.85): pending from cycle 0.
    wobble = [0.79, 0.81, 0.79, 0.81]
    assert run(engine, wobble) == []  # 45 s: not yet the 60 s minimum
    fired = run(engine, [0.81], start=4)  # cycle 4 = 60 s after the first breach
    assert [(a.state, a.severity, a.first_seen) for a in fired] == [
        ("firing", "warn", T0 + timedelta(seconds=60))
    ]
    # Keeps wobbling between 0.79 and 0.84 for five minutes: no resolve, no re-fire.
    assert run(engine, [0.79, 0.84, 0.80, 0.83] * 5, start=5) == []
    assert [a.state for a in engine.active] == ["firing"]
    # Back past the clear level: resolved once.
    resolved = run(engine, [0.86], start=25)
    assert [(a.state, a.value) for a in resolved] == [("resolved", 0.86)]
    assert engine.active == () and engine.recent[0].state == "resolved"
    # A new breach starts a new episode that again waits the minimum duration.
    assert run(engine, [0.70, 0.70, 0.70, 0.70], start=26) == []
    refired = run(engine, [0.70], start=30)
    assert refired[0].first_seen == T0 + timedelta(seconds=15 * 30)


def test_going_past_clear_while_pending_cancels_the_wait() -> None:
    engine = AlertEngine([SL])
    assert run(engine, [0.79, 0.79, 0.79, 0.90, 0.79, 0.79, 0.79, 0.79]) == []
    assert run(engine, [0.79], start=8) != []  # 60 s after the breach at cycle 4


def test_severity_escalates_at_once_and_steps_down_with_the_same_margin() -> None:
    engine = AlertEngine([SL.model_copy(update={"min_duration_s": 0})])
    assert [a.severity for a in run(engine, [0.75])] == ["warn"]
    assert [a.severity for a in run(engine, [0.59], start=1)] == ["critical"]
    # Critical clears at 0.65 (0.60 plus the 0.05 gap between warn and clear): no flapping.
    assert run(engine, [0.61, 0.59, 0.64, 0.60], start=2) == []
    assert [a.severity for a in run(engine, [0.66], start=6)] == ["warn"]
    assert engine.active[0].threshold == 0.80


def test_acknowledge_then_escalation_fires_again_then_resolve() -> None:
    engine = AlertEngine([SL.model_copy(update={"min_duration_s": 0})])
    run(engine, [0.75])
    alert_id = engine.active[0].id
    assert alert_id == "sl/queues/7"
    acked = engine.acknowledge(alert_id, T0 + timedelta(seconds=5))
    assert acked is not None and acked.state == "acknowledged"
    assert engine.acknowledge("no/such/alert", T0) is None
    assert run(engine, [0.78], start=1) == []
    assert engine.active[0].state == "acknowledged"
    escalated = run(engine, [0.50], start=2)
    assert [(a.state, a.severity) for a in escalated] == [("firing", "critical")]
    assert [a.state for a in run(engine, [0.90], start=3)] == ["resolved"]


def test_no_data_or_a_vanished_entity_resolves() -> None:
    engine = AlertEngine([SL.model_copy(update={"min_duration_s": 0})])
    run(engine, [0.5])
    assert [a.state for a in run(engine, [None], start=1)] == ["resolved"]
    run(engine, [0.5], start=2)
    gone = engine.evaluate(T0 + timedelta(minutes=5), {"queues": {}})
    assert [a.state for a in gone] == ["resolved"]
    assert engine.active == ()


def test_scope_limits_a_rule_to_named_entities() -> None:
    rule = SL.model_copy(update={"scope": ("Support",), "min_duration_s": 0})
    engine = AlertEngine([rule])
    assert engine.evaluate(T0, queues(0.1, name="Sales")) == ()
    assert len(engine.evaluate(T0, queues(0.1, name="Support"))) == 1


def test_rules_from_toml_replace_defaults_by_id() -> None:
    text = """
    abandon_cap = 0.025
    [[rules]]
    id = "service-level"
    metric = "service_level"
    direction = "below"
    warn = 0.9
    clear = 0.92
    scope = "Sales"
    [[rules]]
    id = "stale-data"
    metric = "age_cycles"
    warn = 2
    enabled = false
    """
    config = AlertsConfig.model_validate(tomllib.loads(text))
    rules = {r.id: r for r in config.effective_rules()}
    assert rules["service-level"].warn == 0.9 and rules["service-level"].scope == ("Sales",)
    assert "stale-data" not in rules
    assert rules["abandon-30d"].critical == pytest.approx(0.025)  # the cap follows config
    assert {"agent-starved", "longest-wait", "ivr-containment", "abandon-24h"} <= set(rules)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"metric": "no_such_metric", "warn": 1}, "unknown metric"),
        ({"metric": "service_level", "direction": "below", "warn": 0.8, "critical": 0.9}, "below"),
        ({"metric": "longest_wait_s", "warn": 60, "clear": 90}, "good side"),
        ({"metric": "longest_wait_s", "warn": 60, "colour": "red"}, "Extra inputs"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AlertRule.model_validate({"id": "x", **fields})


def test_duplicate_rule_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        AlertEngine([SL, SL])
