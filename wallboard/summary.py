"""One view as a plain summary: JSON for machines, a compact text for people at 3 a.m.

Why plain dicts: `wallboard status --json` is read by scripts and monitoring, so its shape is a
contract: keys are stable, times are ISO 8601 with offset, ratios are fractions (0.034, not
"3.4%"), and an undefined ratio is `null`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wallboard import formatting as f
from wallboard.alerts import Alert
from wallboard.metrics import METRICS
from wallboard.store import EntityView, View
from wallboard.totals import totals

CAMPAIGN_METRICS = (
    "human_answer_rate",
    "amd_rate",
    "abandon_rate_today",
    "abandon_rate_24h",
    "abandon_rate_30d",
    "dials_per_min",
    "agent_starved_s",
    "lead_starved_s",
)
IVR_METRICS = ("containment", "ivr_transfers", "ivr_active")
QUEUE_METRICS = (
    "calls_waiting",
    "longest_wait_s",
    "service_level",
    "queue_abandon_rate",
    "asa_s",
    "avg_talk_s",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entities(
    entities: Mapping[str, EntityView[Any]], fields: Iterable[str], names: Iterable[str]
) -> list[dict[str, Any]]:
    fields, names = tuple(fields), tuple(names)
    rows = []
    for entity_id, entity in entities.items():
        row: dict[str, Any] = {"id": entity_id, "name": entity.name}
        row.update({name: getattr(entity.record, name) for name in fields})
        row.update({name: entity.metrics.get(name) for name in names})
        rows.append(row)
    return rows


def alert_dict(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "severity": alert.severity,
        "state": alert.state,
        "title": alert.title,
        "metric": alert.metric,
        "entity": alert.entity,
        "entity_name": alert.entity_name,
        "value": alert.value,
        "threshold": alert.threshold,
        "first_seen": _iso(alert.first_seen),
    }


def summarize(view: View, abandon_cap: float) -> dict[str, Any]:
    """Everything `status` reports about one view, JSON-ready."""
    snap = view.snapshot
    t = totals(view, abandon_cap)
    calls = view.call_summary
    return {
        "account": snap.account,
        "timezone": snap.timezone,
        "taken_at": _iso(snap.taken_at),
        "cycle": snap.cycle,
        "sources": {
            name: {
                "ok": s.ok,
                "error": s.error,
                "age_s": s.age_s,
                "stale": s.stale,
                "records": s.records,
                "warnings": s.warnings,
                "truncated": s.truncated,
                "polling": s.polling,
                "provided": s.capability == "supported",
                "last_update": _iso(s.last_update),
            }
            for name, s in view.sources.items()
        },
        "totals": {
            "active_calls": t.active_calls,
            "agents_staffed": t.agents_staffed,
            "agents_available": t.agents_available,
            "human_answer_rate": t.human_answer_rate,
            "abandon_rate_today": t.abandon_rate_today,
            "abandon_cap": t.abandon_cap,
            "ivr_containment": t.ivr_containment,
            "calls_waiting": t.calls_waiting,
            "longest_wait_s": t.longest_wait_s,
            "service_level": t.service_level,
        },
        "campaigns": _entities(
            view.campaigns,
            ("active", "ready", "pending", "staffed", "available", "connects", "answer", "abandon"),
            CAMPAIGN_METRICS,
        ),
        "ivr": _entities(view.ivr, ("active", "presented"), IVR_METRICS),
        "queues": _entities(view.queues, ("waiting", "staffed", "available"), QUEUE_METRICS),
        "agents": {
            "logged_in": view.agent_summary.logged_in,
            "by_state": dict(view.agent_summary.by_state),
            "pending_dispositions": view.agent_summary.pending_dispositions,
        },
        "calls": {
            "total": calls.total,
            "waiting": calls.waiting,
            "by_product": dict(calls.by_product),
            "by_destination": dict(calls.by_destination),
            "truncated": calls.truncated,
        },
        "alerts": [alert_dict(a) for a in view.alerts],
        "budget": [
            {
                "family": b.family,
                "limit_per_minute": b.limit_per_minute,
                "available": b.available,
                "retry_after_s": b.retry_after_s,
            }
            for b in snap.budget
        ],
        "notes": list(view.notes),
    }


def _top(items: Mapping[str, int], limit: int = 4) -> str:
    ranked = sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} {v:,}" for k, v in ranked[:limit])
    return text + (f", +{len(ranked) - limit} more" if len(ranked) > limit else "")


def alert_text(alert: dict[str, Any], severity: bool = True) -> str:
    """`CRITICAL Service level: Claims 50.0% (threshold 60.0%)`."""
    unit = METRICS[alert["metric"]].unit if alert["metric"] in METRICS else "count"
    prefix = f"{alert['severity'].upper()} " if severity else ""
    return (
        f"{prefix}{alert['title']}: {alert['entity_name']} "
        f"{f.value(unit, alert['value'])} (threshold {f.value(unit, alert['threshold'])})"
    )


def render_text(summary: dict[str, Any], campaigns: int = 10) -> str:
    """The compact text `wallboard status` prints (fits 100 columns)."""
    t = summary["totals"]
    zone = ZoneInfo(summary["timezone"])
    taken = datetime.fromisoformat(summary["taken_at"]).astimezone(zone)
    lines = [
        f"{summary['account']} · {taken:%Y-%m-%d %H:%M:%S} {summary['timezone']}"
        f" · cycle {summary['cycle']}",
        f"calls     {t['active_calls']:>6,}   waiting in queue {t['calls_waiting']:,}, longest "
        f"{f.duration(t['longest_wait_s'])}, service level {f.percent(t['service_level'])}",
        f"agents    {t['agents_staffed']:>6,}   available {t['agents_available']:,} · "
        f"{_top(summary['agents']['by_state'])} · pending dispositions "
        f"{summary['agents']['pending_dispositions']:,}",
        f"outbound  {len(summary['campaigns']):>6,}   human answer "
        f"{f.percent(t['human_answer_rate'])}, abandon today {f.percent(t['abandon_rate_today'])}"
        f" (cap {f.percent(t['abandon_cap'])})",
        f"IVR       {len(summary['ivr']):>6,}   containment {f.percent(t['ivr_containment'])}",
    ]
    rows = sorted(summary["campaigns"], key=lambda c: (-c["active"], c["name"]))
    if rows:
        lines.append("")
        lines.append(
            f"{'campaign':<28} {'active':>6} {'ready':>7} {'avail':>5} {'answer':>8} "
            f"{'AMD':>8} {'abandon':>8} {'dials/min':>9}"
        )
        for c in rows[:campaigns]:
            lines.append(
                f"{c['name'][:28]:<28} {c['active']:>6,} {c['ready']:>7,} {c['available']:>5,} "
                f"{f.percent(c['human_answer_rate']):>8} {f.percent(c['amd_rate']):>8} "
                f"{f.percent(c['abandon_rate_today']):>8} {f.number(c['dials_per_min']):>9}"
            )
        if len(rows) > campaigns:
            lines.append(f"… and {len(rows) - campaigns:,} more campaigns (--json for all)")
    lines.append("")
    alerts = summary["alerts"]
    if alerts:
        lines.append(f"alerts    {len(alerts):>6,}")
        lines += [f"  {alert_text(a)}" for a in alerts[:10]]
        if len(alerts) > 10:
            lines.append(f"  … and {len(alerts) - 10:,} more")
    else:
        lines.append("alerts         0")
    bad = [
        f"{name} {'failed: ' + s['error'] if s['error'] else 'stale'}"
        for name, s in summary["sources"].items()
        if s["provided"] and (s["error"] or s["stale"])
    ]
    lines.append("sources   " + ("; ".join(bad) if bad else "all fresh"))
    lines += [f"note      {note}" for note in summary["notes"]]
    return "\n".join(lines)
