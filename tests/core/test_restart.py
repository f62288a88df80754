"""A wallboard restarted mid-day shows the same rolling windows: history carries them over."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wallboard.domain import Agent, Campaign, Snapshot, SourceResult
from wallboard.history import History
from wallboard.store import Store, View

START = datetime(2026, 1, 16, 3, 0, tzinfo=UTC)  # 22:00 EST on Jan 15
STEP = timedelta(minutes=15)


def snapshot(cycle: int, answer: int, abandon: int) -> Snapshot:
    at = START + cycle * STEP
    c = Campaign(id="1", name="Spring", staffed=5, available=1, answer=answer, abandon=abandon)

    def result(source: Any, records: tuple[Any, ...] = ()) -> SourceResult[Any]:
        return SourceResult(source=source, records=records, polled_at=at, attempted_at=at)

    return Snapshot(
        "test",
        "US/Eastern",
        cycle,
        at,
        15.0,
        result("campaigns", (c,)),
        result("ivr"),
        result("queues"),
        result("agents"),
        result("calls"),
    )


#: (answer, abandon) per cycle: counting up to midnight (cycle 8), reset, counting again.
READINGS = [(100 + 10 * i, 2 + i // 4) for i in range(8)] + [(3 * i, i // 6) for i in range(1, 12)]


def run(store: Store, cycles: range) -> View:
    view = None
    for cycle in cycles:
        view = store.publish(snapshot(cycle, *READINGS[cycle]))
    assert view is not None
    return view


def windows(view: View) -> tuple[Any, ...]:
    c = view.compliance["1"]
    return tuple(
        (w.abandon, w.answer, w.covered_s, w.coverage) for w in (c.rolling_24h, c.rolling_30d)
    )


def test_rolling_windows_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"

    # Reference: one wallboard that never stops.
    reference = run(Store(), range(len(READINGS)))

    # The same day, with a restart after 01:15 EST (cycle 13).
    first_history = History(path)
    run(Store(history=first_history), range(14))
    first_history.close()
    second_history = History(path)
    restarted = run(Store(history=second_history), range(14, len(READINGS)))

    assert windows(restarted) == windows(reference)
    # Yesterday's late increments are still in the 24 h window (170 before midnight + 33 after).
    day = restarted.compliance["1"].rolling_24h
    assert (day.answer, day.abandon) == (170 + 33, 3 + 1)
    # The first ever reading (22:00) counted everything since 00:00 on Jan 15, so history is
    # known from then to 02:30 on Jan 16, across the restart without a gap.
    assert day.coverage == "full 24 h"
    month = restarted.compliance["1"].rolling_30d
    assert month.coverage == "covers 26 h 30 min of 30 d"
    # Today's rate restarted at midnight with the counters.
    assert (restarted.compliance["1"].today.answer, restarted.compliance["1"].today.abandon) == (
        33,
        1,
    )
    # The database agrees with the store's in-memory sums (once the writer caught up).
    assert second_history.flush(5)
    now = restarted.taken_at.timestamp()
    assert second_history.rolling_totals("campaigns", ("abandon", "answer"), now, 86400) == {
        "1": (4, 203)
    }
    second_history.close()


def test_history_keeps_nothing_of_agents_and_a_restart_counts_their_day_afresh(
    tmp_path: Path,
) -> None:
    """Nothing reads agents' increments back or shows them, and at thousands of agents their
    rows and counter state were most of history's writes: history keeps none of it. After a
    restart an agent's first increments count the day so far, as on a first start."""
    path = tmp_path / "history.sqlite3"

    def with_agent(cycle: int, handled: int) -> Snapshot:
        snap = snapshot(cycle, *READINGS[cycle])
        at = snap.taken_at
        ann = Agent(id="7", name="Ann", calls_handled=handled)
        agents = SourceResult(source="agents", records=(ann,), polled_at=at, attempted_at=at)
        return replace(snap, agents=agents)

    history = History(path)
    store = Store(history=history)
    for cycle, handled in enumerate((3, 5, 9)):
        view = store.publish(with_agent(cycle, handled))
    assert view.agents["7"].increments[0] == 4
    history.close()

    history = History(path)
    view = Store(history=history).publish(with_agent(3, 10))
    assert view.agents["7"].increments[0] == 10  # the day so far: nothing was kept
    assert view.campaigns["1"].interval_s is not None  # campaigns continue from history
    assert history.flush(5)
    history.close()
    with closing(sqlite3.connect(path)) as db:
        tables = ("increments", "counter_state", "coverage")
        sources = {
            t: {r[0] for r in db.execute(f"SELECT DISTINCT source FROM {t}")} for t in tables
        }
    assert all("agents" not in found and "campaigns" in found for found in sources.values())


def test_a_restart_the_next_day_reports_the_gap(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path)
    run(Store(history=history), range(4))  # 22:00 - 22:45 EST, then down over midnight
    history.close()
    history = History(path)
    store = Store(history=history)
    later = START + timedelta(hours=12)  # 10:00 EST the next day
    c = Campaign(id="1", name="Spring", answer=50, abandon=1)
    snap = snapshot(0, 0, 0)
    view = store.publish(
        Snapshot(
            "test",
            "US/Eastern",
            100,
            later,
            15.0,
            SourceResult(source="campaigns", records=(c,), polled_at=later, attempted_at=later),
            snap.ivr,
            snap.queues,
            snap.agents,
            snap.calls,
        )
    )
    day = view.compliance["1"].rolling_24h
    # 22:45 -> midnight is unknown; the window covers 10:00-22:45 yesterday and 00:00-10:00.
    assert (day.answer, day.abandon) == (130 + 50, 2 + 1)
    assert day.coverage == "covers 22 h 45 min of 24 h"
    history.close()


async def test_each_demo_run_keeps_its_own_history_and_leaves_none_behind(tmp_path: Path) -> None:
    """The demo's center is generated afresh at each start: a second demo must not compute rates
    against the first one's counters (it showed hundreds of dials a minute)."""
    import anyio

    from wallboard.config import WallboardConfig
    from wallboard.runtime import open_runtime

    config = WallboardConfig.model_validate({"data_dir": str(tmp_path)})
    paths = []
    for _ in range(2):
        async with open_runtime(config, demo=True) as runtime:
            assert runtime.history is not None
            path = Path(runtime.history.path)
            assert tmp_path not in path.parents
            assert path not in paths
            paths.append(path)
        assert not await anyio.Path(path).exists()
    assert not [p async for p in anyio.Path(tmp_path).rglob("history.sqlite3")]
