"""The safe side of call actions on the screen: read-only hides the keys and sends nothing, a
stale call leaves the list, permission denied quotes the platform, a rate limit says when, a
`false` answer is a failure; plus the audit pane, the help, the palette and remapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from actions_helpers import (
    ACTION_KEYS,
    SIZE,
    SUPERVISOR_PHONE,
    audit_lines,
    calls_in,
    connected,
    control_requests,
    finished,
    inspect,
    notices,
    ready,
    row_text,
    select,
    sim_app,
    until,
)
from textual.notifications import Notification
from ui_data import snapshot

from wallboard.config import WallboardConfig
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer
from wallboard.store import Store
from wallboard.ui.actions_audit import AuditScreen
from wallboard.ui.actions_keys import CallActionsProvider
from wallboard.ui.app import WallboardApp
from wallboard.ui.calls import CallsPane
from wallboard.ui.factory import AppOptions, FixedCore, build_app, fixed_opener
from wallboard.ui.help import HelpScreen

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())


def shown_keys(app: WallboardApp) -> set[str]:
    """Keys the footer would show now (Textual drops a binding whose check_action is False)."""
    return set(app.screen.active_bindings)


def last_notice(app: WallboardApp) -> Notification:
    return list(app._notifications)[-1]


@pytest.mark.parametrize(
    ("options", "account"),
    [
        ({"read_only": True}, None),
        ({}, {"read_only": True}),
        ({"kiosk": True}, None),
    ],
    ids=["flag", "account", "kiosk"],
)
async def test_read_only_hides_the_keys_and_sends_nothing(
    sim: SimServer, tmp_path: Path, options: dict[str, Any], account: dict[str, Any] | None
) -> None:
    app = sim_app(sim, tmp_path, account=account, **options)
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        assert app.action_layer is not None and app.action_layer.read_only
        assert not set(ACTION_KEYS) & shown_keys(app)
        assert app.check_action("call_action", ("hangup",)) is False
        await pilot.press(*ACTION_KEYS)
        await pilot.pause()
        app.action_call_action("ping")  # even called directly (a palette, a script): refused
        await pilot.pause()
        assert app.actions_finished == 0
        app.action_help()
        await pilot.pause()
        listed = app.screen.listed  # type: ignore[attr-defined]
        assert listed and not [b for b in listed if b.action.startswith("app.call_action")]
        assert any(b.id == "calls.down" for b in listed)  # moving through calls still listed
    assert control_requests(sim) == 0
    assert audit_lines(app) == []
    assert inspect(sim, uii)["sessions"] == [] and inspect(sim, uii)["active"] is True


async def test_read_only_demo_sends_no_control_request_to_the_simulator(tmp_path: Path) -> None:
    config = WallboardConfig.model_validate(
        {"history": {"enabled": False}, "data_dir": str(tmp_path)}
    )
    app = build_app(config, AppOptions(demo=True, read_only=True, keep_history=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        demo = app.core.demo  # type: ignore[union-attr]
        pane = app.query_one(CallsPane)
        await until(pilot, lambda: pane.table.order, "calls from the demo")
        pane.table.focus()
        await pilot.press(*ACTION_KEYS)
        await pilot.pause()
        assert control_requests(demo) == 0
        assert not set(ACTION_KEYS) & shown_keys(app)


async def test_demo_runtime_monitor_attaches_a_session(tmp_path: Path) -> None:
    config = WallboardConfig.model_validate(
        {
            "history": {"enabled": False},
            "data_dir": str(tmp_path),
            "actions": {"supervisor_phone": SUPERVISOR_PHONE},
        }
    )
    app = build_app(config, AppOptions(demo=True, keep_history=False))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        demo = app.core.demo  # type: ignore[union-attr]
        uii = connected(demo)
        await select(pilot, app, uii)
        assert set(ACTION_KEYS) <= shown_keys(app)
        await pilot.press("m")
        await finished(pilot, app, 1)
        sessions = inspect(demo, uii)["sessions"]
        assert [(s["phone"], s["sessionType"]) for s in sessions] == [(SUPERVISOR_PHONE, "MONITOR")]
    assert app.action_layer is not None
    assert app.action_layer.audit.path.parent == tmp_path / "demo"
    assert [line["outcome"] for line in audit_lines(app)] == [None, "ok"]


async def test_stale_call_says_it_has_ended_and_leaves_the_list(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        sim.center.hangup_call(uii)  # it ends on the platform; the screen has not polled since
        await pilot.press("h", *"hangup", "enter")
        await finished(pilot, app, 1)
        assert f"call {uii} has already ended" in notices(app)
        assert last_notice(app).severity == "warning"
        assert uii not in app.query_one(CallsPane).table.order
    outcome = audit_lines(app)[-1]
    assert (outcome["action"], outcome["outcome"]) == ("hangup", "stale")


async def test_permission_denied_shows_the_platforms_message(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path, user="viewer")
    uii = connected(sim)
    pings = inspect(sim, uii)["pings"]
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("k")
        await finished(pilot, app, 1)
        notice = last_notice(app)
        assert notice.message.startswith("permission denied: ") and notice.severity == "error"
        assert uii in app.query_one(CallsPane).table.order  # the call is still there
    assert inspect(sim, uii)["pings"] == pings
    outcome = audit_lines(app)[-1]
    assert outcome["outcome"] == "denied" and outcome["message"] == notice.message
    assert len(notice.message) > len("permission denied: ")


async def test_rate_limited_says_when_it_will_go(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    sim.faults.add("rate_limit", path="pingCall", count=1, retry_after="7")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("k")
        await finished(pilot, app, 1)
        notice = last_notice(app)
        assert "will go in 7 s" in notice.message and notice.severity == "warning"
    assert sim.requests.count(path_contains="pingCall") == 1  # never retried
    assert audit_lines(app)[-1]["outcome"] == "rate_limited"


async def test_a_false_answer_is_shown_as_a_failure(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    queued = calls_in(sim, "QUEUED")
    assert queued, "the simulated center should have callers waiting"
    uii = str(queued[0]["uii"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("o")  # hold a caller still in queue: the platform answers false
        await finished(pilot, app, 1)
        notice = last_notice(app)
        assert "the platform answered false" in notice.message and notice.severity == "error"
        assert "H" not in row_text(app, uii)[:6]  # nothing marked as set
    assert audit_lines(app)[-1]["outcome"] == "failed"


async def test_audit_pane_lists_this_sessions_actions_live(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("k")
        await finished(pilot, app, 1)
        await pilot.press("A")
        pane = app.screen
        assert isinstance(pane, AuditScreen)
        assert [(r[1], r[2], r[3], r[4]) for r in pane.rows] == [
            ("attempt", "ping", uii, ""),
            ("outcome", "ping", uii, "ok"),
        ]
        app.action_call_action("record")  # an action finishing while the pane is open
        await finished(pilot, app, 2)
        await pilot.pause()
        assert [r[2] for r in pane.rows][-2:] == ["record", "record"]
        assert len(pane.rows) == len(audit_lines(app)) == 4
        await pilot.press("escape")
        assert not isinstance(app.screen, AuditScreen)


async def test_keys_help_palette_and_remapping(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    app.keymap["calls.monitor"] = "g"  # as `[ui] keys` would
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        active = app.screen.active_bindings
        assert active["ctrl+r"].binding.action == "refresh"  # "Poll now" moved off r
        assert active["r"].binding.id == "calls.record"
        assert "g" in active and "m" not in active
        await pilot.press("g")
        await finished(pilot, app, 1)
        assert inspect(sim, uii)["sessions"][0]["sessionType"] == "MONITOR"
        provider = CallActionsProvider(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        assert "Call action: Hang up the call on the selected call" in titles
        assert any(str(t).startswith("Audit") for t in titles)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        marks = str(app.screen.query_one("#help-marks").render())
        assert "set from this console" in marks
        ids = {b.id for b in app.all_bindings()}
        assert {"calls.monitor", "calls.hangup", "calls.dial", "wallboard.audit"} <= ids


async def test_fixed_data_has_no_action_layer_and_no_action_keys() -> None:
    store = Store()
    store.publish(snapshot(0))
    app = build_app(WallboardConfig(), AppOptions(), fixed_opener(FixedCore(store)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the fixed view")
        app.query_one(CallsPane).table.focus()
        await pilot.pause()
        assert app.action_layer is None
        assert not (set(ACTION_KEYS) | {"A"}) & shown_keys(app)
        await pilot.press("m", "h", "A")
        await pilot.pause()
        assert app.actions_finished == 0 and not isinstance(app.screen, AuditScreen)
        provider = CallActionsProvider(app.screen)
        assert [hit async for hit in provider.discover()] == []
