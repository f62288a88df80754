"""The store: deltas, latest-wins delivery, trends, starved durations, staleness, compliance."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from wallboard.domain import (
    ActiveCall,
    Agent,
    Campaign,
    Capability,
    IvrApp,
    Queue,
    Snapshot,
    SourceResult,
)
from wallboard.history import History
from wallboard.store import Store, View

T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in US/Eastern
CYCLE = timedelta(seconds=15)


def result(source: Any, records: tuple[Any, ...], at: datetime | None) -> SourceResult[Any]:
    return SourceResult(source=source, records=records, polled_at=at, attempted_at=at)


def snap(
    cycle: int,
    *,
    campaigns: tuple[Campaign, ...] = (),
    calls: tuple[ActiveCall, ...] = (),
    agents: tuple[Agent, ...] = (),
    queues: tuple[Queue, ...] = (),
    ivr: tuple[IvrApp, ...] = (),
    start: datetime = T0,
    **overrides: SourceResult[Any],
) -> Snapshot:
    at = start + cycle * CYCLE
    sources: dict[str, SourceResult[Any]] = {
        "campaigns": result("campaigns", campaigns, at),
        "ivr": result("ivr", ivr, at),
        "queues": result("queues", queues, at),
        "agents": result("agents", agents, at),
        "calls": result("calls", calls, at),
    }
    sources.update(overrides)
    return Snapshot("test", "US/Eastern", cycle, at, 15.0, **sources)  # type: ignore[arg-type]


def _with(snapshot: Snapshot, **sources: SourceResult[Any]) -> Snapshot:
    return replace(snapshot, **sources)  # type: ignore[arg-type]


def campaign(cid: str = "1", **fields: Any) -> Campaign:
    base: dict[str, Any] = {"name": f"Campaign {cid}", "staffed": 5, "available": 2, "ready": 50}
    return Campaign(id=cid, **{**base, **fields})


def call(uii: str, **fields: Any) -> ActiveCall:
    return ActiveCall(uii=uii, enqueued_at=T0 - timedelta(seconds=30), **fields)


def test_delta_marks_numbers_up_and_down_and_calls_appeared_and_ended() -> None:
    store = Store()
    first = store.publish(
        snap(0, campaigns=(campaign(active=5, ready=40),), calls=(call("a"), call("b")))
    )
    assert first.delta.first and first.delta.appeared["calls"] == {"a", "b"}
    view = store.publish(
        snap(
            1,
            campaigns=(campaign(active=7, ready=35), campaign("2")),
            calls=(call("b"), call("c"), call("d")),
        )
    )
    delta = view.delta
    assert not delta.first
    assert delta.direction("campaigns", "1", "active") == 1
    assert delta.direction("campaigns", "1", "ready") == -1
    assert delta.direction("campaigns", "1", "staffed") == 0
    assert delta.changed["campaigns"]["1"] == {"active": 1, "ready": -1}
    assert delta.updated["campaigns"] == {"1"}
    assert delta.appeared["campaigns"] == {"2"}
    assert delta.calls_appeared == {"c", "d"}
    assert delta.calls_ended == {"a"}
    assert list(view.calls) == ["b", "c", "d"]


def test_a_slow_subscriber_gets_only_the_newest_view() -> None:
    async def scenario() -> tuple[list[int], bool]:
        store = Store()
        sub = store.subscribe()
        busy, received = asyncio.Event(), asyncio.Event()
        seen: list[int] = []

        async def consumer() -> None:
            async for view in sub:
                seen.append(view.snapshot.cycle)
                received.set()
                await busy.wait()  # a screen stuck in a modal
                busy.clear()

        task = asyncio.create_task(consumer())
        store.publish(snap(0))
        await received.wait()
        received.clear()
        for cycle in range(1, 6):  # five snapshots while the consumer is blocked
            store.publish(snap(cycle))
        busy.set()
        await received.wait()
        pending = sub.pending
        store.close()
        busy.set()
        await asyncio.wait_for(task, 5)
        return seen, pending

    seen, pending = asyncio.run(scenario())
    assert seen == [0, 5]
    assert not pending


def test_thread_subscribers_and_callbacks_see_the_latest() -> None:
    store = Store()
    calls: list[int] = []
    unsubscribe = store.on_view(lambda view: calls.append(view.snapshot.cycle))

    def broken(view: View) -> None:
        raise RuntimeError("a broken callback must not break publishing")

    store.on_view(broken)
    store.publish(snap(0))
    sub = store.subscribe()  # starts with the current view
    for cycle in (1, 2, 3):
        store.publish(snap(cycle))
    got: list[View | None] = []
    reader = threading.Thread(target=lambda: got.append(sub.get(timeout=5)))
    reader.start()
    reader.join(5)
    assert got[0] is not None and got[0].snapshot.cycle == 3
    assert sub.take() is None
    unsubscribe()
    store.publish(snap(4))
    assert calls == [0, 1, 2, 3]
    assert store.latest is not None and store.latest.snapshot.cycle == 4
    sub.close()
    assert sub.get(timeout=0) is None


def test_trend_windows_are_bounded_and_skip_unchanged_polls() -> None:
    store = Store(trend_points=5)
    for cycle in range(8):
        store.publish(snap(cycle, queues=(Queue(id="q", name="Sales", waiting=cycle),)))
    latest = store.latest
    assert latest is not None
    assert latest.trend("queues", "q", "calls_waiting") == (3, 4, 5, 6, 7)
    # A failed poll carries the same records and polled_at: no new point, no new counters.
    stuck = latest.snapshot.queues.failed("timeout", T0 + 9 * CYCLE)
    view = store.publish(_with(snap(9), queues=stuck))
    assert view.trend("queues", "q", "calls_waiting") == (3, 4, 5, 6, 7)
    assert view.sources["queues"].error == "timeout"
    assert view.sources["queues"].records == 1


def test_starved_flags_carry_how_long_they_have_lasted() -> None:
    store = Store()
    starved = campaign(available=0, ready=30)
    durations = []
    for cycle, c in enumerate([campaign(), starved, starved, starved, campaign(), starved]):
        view = store.publish(snap(cycle, campaigns=(c,)))
        durations.append(view.campaigns["1"].metrics["agent_starved_s"])
    assert durations == [0.0, 0.0, 15.0, 30.0, 0.0, 0.0]
    lead = store.publish(snap(6, campaigns=(campaign(available=3, ready=0),)))
    later = store.publish(snap(10, campaigns=(campaign(available=3, ready=0),)))
    assert lead.campaigns["1"].metrics["lead_starved_s"] == 0.0
    assert later.campaigns["1"].metrics["lead_starved_s"] == 60.0
    assert later.campaigns["1"].metrics["agent_starved_s"] == 0.0


def test_agent_starved_alert_fires_after_a_minute() -> None:
    store = Store()
    starved = campaign(available=0, ready=30)
    views = [store.publish(snap(cycle, campaigns=(starved,))) for cycle in range(6)]
    assert [len(v.alerts) for v in views] == [0, 0, 0, 0, 0, 1]  # past 60 s at cycle 5
    alert = views[-1].alerts[0]
    assert (alert.rule, alert.entity_name, alert.state) == ("agent-starved", "Campaign 1", "firing")
    assert store.acknowledge(alert.id, T0)
    assert store.latest is not None and store.latest.alerts[0].state == "acknowledged"
    cleared = store.publish(snap(6, campaigns=(campaign(),)))
    assert cleared.alerts == () and cleared.recent_alerts[0].state == "resolved"


def test_a_failing_source_keeps_its_data_goes_stale_and_alerts() -> None:
    store = Store()
    good = result("campaigns", (campaign(answer=10),), T0)
    store.publish(snap(0, campaigns=good.records))
    ages, stale = [], []
    for cycle in range(1, 6):
        failing = good.failed("HTTP 503", T0 + cycle * CYCLE)
        view = store.publish(_with(snap(cycle), campaigns=failing))
        ages.append(view.sources["campaigns"].age_s)
        stale.append(view.sources["campaigns"].stale)
        assert view.campaigns["1"].record.answer == 10  # last good data kept
    assert ages == [15.0, 30.0, 45.0, 60.0, 75.0]
    assert stale == [False, False, True, True, True]  # older than two 15 s cycles
    assert [a.rule for a in view.alerts] == ["stale-data"]
    assert view.alerts[0].severity == "critical"  # 5 cycles old
    assert view.stale_sources == ("campaigns",)


def test_sources_not_provided_or_not_polled_are_never_stale() -> None:
    store = Store()
    skipped: SourceResult[Agent] = SourceResult(
        source="agents", polled_at=T0 - timedelta(hours=1), polling=False
    )
    view = store.publish(_with(snap(0), ivr=SourceResult.unsupported("ivr"), agents=skipped))
    assert not view.sources["ivr"].stale
    assert view.sources["ivr"].capability == Capability.NOT_PROVIDED
    assert not view.sources["agents"].stale
    assert view.alerts == ()


def test_rates_and_compliance_without_history_say_what_they_cover() -> None:
    store = Store()
    store.publish(snap(0, campaigns=(campaign(answer=100, abandon=2, connects=150),)))
    view = store.publish(
        snap(1, campaigns=(campaign(answer=120, abandon=3, connects=180, noanswer=10),))
    )
    entity = view.campaigns["1"]
    assert entity.rate("answer") == pytest.approx(80.0)  # 20 in 15 s
    assert entity.metrics["dials_per_min"] == pytest.approx(160.0)  # (30 + 10) in 15 s
    assert entity.metrics["dials_per_agent_hour"] == pytest.approx(160.0 * 60 / 5)
    compliance = view.compliance["1"]
    assert compliance.today.rate == pytest.approx(3 / 120)
    assert compliance.today.abandons_left == 0  # floor(3% of 120) = 3, 3 used
    # The first reading counted everything since midnight (10:00 EST): covers 10 h 0 min.
    assert compliance.rolling_24h.coverage == "covers 10 h of 24 h"
    assert not compliance.rolling_30d.complete
    assert (compliance.rolling_24h.abandon, compliance.rolling_24h.answer) == (3, 120)


def test_midnight_reset_in_the_accounts_zone_through_the_store() -> None:
    store = Store()
    before_midnight = datetime(2026, 1, 16, 4, 59, 30, tzinfo=UTC)  # 23:59:30 EST
    store.publish(snap(0, start=before_midnight, campaigns=(campaign(answer=300, abandon=6),)))
    store.publish(snap(1, start=before_midnight, campaigns=(campaign(answer=310, abandon=9),)))
    after = store.publish(
        snap(3, start=before_midnight, campaigns=(campaign(answer=4, abandon=0),))
    )
    compliance = after.compliance["1"]
    assert after.campaigns["1"].increments[Campaign.COUNTERS.index("answer")] == 4
    assert compliance.today.answer == 4 and compliance.today.rate == 0.0  # today restarted
    assert (compliance.rolling_24h.abandon, compliance.rolling_24h.answer) == (9, 314)


def test_summaries() -> None:
    store = Store()
    view = store.publish(
        snap(
            0,
            agents=(
                Agent(id="1", name="A", state="ON_CALL", pending_disposition=True),
                Agent(id="2", name="B", state="AVAILABLE", on_hold=True),
                Agent(id="3", name="C", state="ON_CALL", state_since=T0 - timedelta(seconds=42)),
            ),
            calls=(
                call("a", product="ACD", destination="Sales"),
                call("b", product="OUTBOUND", destination="Spring", dequeued_at=T0),
                ActiveCall(uii="c", enqueued_at=T0 - timedelta(seconds=90)),
            ),
            ivr=(IvrApp(id="9", name="Main", active=3, presented=10, transfer_queue=4),),
        )
    )
    assert view.agent_summary.by_state == {"ON_CALL": 2, "AVAILABLE": 1}
    assert view.agent_summary.pending_dispositions == 1 and view.agent_summary.on_hold == 1
    assert view.agents["3"].record.state_since == T0 - timedelta(seconds=42)
    assert view.call_summary.waiting == 2
    assert view.call_summary.oldest_waiting_since == T0 - timedelta(seconds=90)
    assert view.call_summary.by_product == {"ACD": 1, "OUTBOUND": 1, "unknown": 1}
    assert view.ivr_summary.containment == pytest.approx(0.6)
    assert view.ivr_summary.transfers_by_destination["queue"] == 4


def test_history_receives_alerts_and_its_warning_reaches_the_view(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    history = History(blocker / "history.sqlite3")  # cannot be created: in memory
    store = Store(history=history)
    starved = campaign(available=0, ready=30)
    for cycle in range(6):
        view = store.publish(snap(cycle, campaigns=(starved,)))
    assert any("history in memory only" in note for note in view.notes)
    store.acknowledge(view.alerts[0].id, T0 + 6 * CYCLE)
    assert history.flush(5)
    assert [a.state for a in history.alert_history()] == ["acknowledged", "firing"]
    history.close()
