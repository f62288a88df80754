"""Each call action from the screen, against the simulator over real HTTP: the key (and its form
or confirmation), the real effect on the simulated call, the notice, the console's marks on the
row, and the audit lines written."""

from __future__ import annotations

from pathlib import Path

import pytest
from actions_helpers import (
    CALLER_ID,
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
)
from textual.widgets import Input

from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer
from wallboard.ui.actions_modals import ActionForm, ConfirmScreen

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())


def sessions(sim: SimServer, uii: str) -> list[tuple[str, str]]:
    return [(s["phone"], s["sessionType"]) for s in inspect(sim, uii)["sessions"]]


async def test_monitor_coach_and_barge_attach_sessions_and_mark_rows(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path)
    first, second, third = (connected(sim, i) for i in range(3))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, first)
        await pilot.press("m")  # one key: the supervisor phone comes from the config
        await finished(pilot, app, 1)
        await select(pilot, app, second)
        await pilot.press("c")
        await finished(pilot, app, 2)
        await select(pilot, app, third)
        await pilot.press("b")  # barge asks for a typed confirmation
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(*third[-4:], "enter")
        await finished(pilot, app, 3)
        assert sessions(sim, first) == [(SUPERVISOR_PHONE, "MONITOR")]
        assert sessions(sim, second) == [(SUPERVISOR_PHONE, "COACHING")]
        assert sessions(sim, third) == [(SUPERVISOR_PHONE, "BARGEIN")]
        assert any(f"session on call {first} ringing" in n for n in notices(app))
        assert row_text(app, first).startswith("M ")
        assert row_text(app, second).startswith("C ")
        assert row_text(app, third).startswith("B ")
    lines = audit_lines(app)
    assert [(line["action"], line["phase"], line["outcome"]) for line in lines] == [
        ("monitor", "attempt", None),
        ("monitor", "outcome", "ok"),
        ("coach", "attempt", None),
        ("coach", "outcome", "ok"),
        ("barge", "attempt", None),
        ("barge", "outcome", "ok"),
    ]
    assert [line["call"] for line in lines[::2]] == [first, second, third]
    assert {line["operator"] for line in lines} == {"dana"}
    assert {line["account"] for line in lines} == {"sim"}
    assert app.action_layer is not None and app.action_layer.audit.path.parent == tmp_path


async def test_record_and_hold_toggle_on_one_key_and_mark_the_row(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path)
    uii = next(str(c["uii"]) for c in calls_in(sim, "CONNECTED") if not c["recording"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("r")
        await finished(pilot, app, 1)
        assert inspect(sim, uii)["recording"] is True
        assert row_text(app, uii).startswith("R ")
        await pilot.press("o")
        await finished(pilot, app, 2)
        assert inspect(sim, uii)["hold"] is True
        assert row_text(app, uii).startswith("RH ")
        await pilot.press("r")  # the toggle: off again
        await finished(pilot, app, 3)
        assert inspect(sim, uii)["recording"] is False
        assert row_text(app, uii).startswith("H ")
        assert f"Recording off for call {uii}" in notices(app)
    outcomes = [(x["action"], x["parameters"]) for x in audit_lines(app) if x["phase"] == "outcome"]
    assert outcomes == [
        ("record", {"state": True}),
        ("hold", {"state": True}),
        ("record", {"state": False}),
    ]


async def test_requeue_form_names_a_bad_gate_and_sends_nothing_until_valid(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    gate = str(sim.center.inbound_stats()[-1]["gateId"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#param-gate", Input).value = "lobby"
        await pilot.press("enter")
        assert app.screen is form, "a bad gate keeps the form open"
        assert "gate 'lobby' is not a gate id" in str(form.query_one("#form-error").render())
        assert control_requests(sim) == 0
        form.query_one("#param-gate", Input).value = gate
        await pilot.press("enter")
        await finished(pilot, app, 1)
        assert not isinstance(app.screen, ActionForm)
    after = inspect(sim, uii)
    assert after["phase"] == "QUEUED" and str(after["gateId"]) == gate
    assert audit_lines(app)[-1]["parameters"] == {"gate": gate}


async def test_disposition_form_with_callback_and_notes(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("d")
        form = app.screen
        assert isinstance(form, ActionForm)
        assert "CALLBACK" in (form.query_one("#param-disposition", Input).placeholder or "")
        form.query_one("#param-disposition", Input).value = "callback"
        form.query_one("#param-callback", Input).value = "tomorrow"
        form.query_one("#param-notes", Input).value = "after 2 & before 3"
        await pilot.press("enter")
        assert app.screen is form
        assert "must look like 2025-01-16 14:30" in str(form.query_one("#form-error").render())
        form.query_one("#param-callback", Input).value = "2025-01-16 14:30"
        await pilot.press("enter")
        await finished(pilot, app, 1)
    after = inspect(sim, uii)
    assert after["disposition"] == "CALLBACK"
    assert after["callback"] is True and after["callBackDTS"] == "20250116143000"
    assert after["notes"] == "after 2 & before 3"
    assert audit_lines(app)[-1]["outcome"] == "ok"


async def test_ping_then_drop_the_supervisors_session(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    pings = inspect(sim, uii)["pings"]
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("k")
        await finished(pilot, app, 1)
        assert inspect(sim, uii)["pings"] == pings + 1
        await pilot.press("m")
        await finished(pilot, app, 2)
        assert sessions(sim, uii) == [(SUPERVISOR_PHONE, "MONITOR")]
        await pilot.press("x")
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.query_one("#param-phone", Input).value == SUPERVISOR_PHONE  # prefilled
        await pilot.press("enter")
        await finished(pilot, app, 3)
        assert sessions(sim, uii) == []
        assert not row_text(app, uii).startswith("M")
        assert inspect(sim, uii)["active"] is True  # the call goes on
    assert [x["action"] for x in audit_lines(app) if x["phase"] == "outcome"] == [
        "ping",
        "monitor",
        "drop",
    ]


async def test_hangup_needs_the_typed_confirmation_and_the_row_leaves(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("h")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert uii[-4:] in confirm.confirmation.prompt
        await pilot.press("n", "o", "p", "e", "enter")
        assert confirm.refusals == 1
        assert app.screen is confirm
        assert "does not confirm it" in str(confirm.query_one("#confirm-error").render())
        assert control_requests(sim) == 0 and audit_lines(app) == []
        assert inspect(sim, uii)["active"] is True
        await pilot.press(*"HANGUP".lower(), "enter")
        await finished(pilot, app, 1)
        assert uii not in {str(c["uii"]) for c in sim.center.active_calls()}
        assert uii not in app.calls_pane.table.order
        assert f"call {uii} hung up" in notices(app)
    outcome = audit_lines(app)[-1]
    assert (outcome["action"], outcome["call"], outcome["outcome"]) == ("hangup", uii, "ok")


async def test_escape_cancels_the_confirmation_and_sends_nothing(
    sim: SimServer, tmp_path: Path
) -> None:
    app = sim_app(sim, tmp_path)
    uii = connected(sim)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, uii)
        await pilot.press("h")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Cancelled: nothing was sent" in notices(app)
    assert control_requests(sim) == 0 and inspect(sim, uii)["active"] is True


async def test_manual_agent_call_form_rings_the_agent(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path)
    available = [a for a in sim.center.agent_stats() if a["agentState"] == "AVAILABLE"]
    assert available
    username = available[0]["username"]
    before = {str(c["uii"]) for c in sim.center.active_calls()}
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.calls_pane.table.focus()
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.query_one("#param-ring", Input).value == "20"
        assert form.query_one("#param-caller_id", Input).value == CALLER_ID
        form.query_one("#param-username", Input).value = username
        form.query_one("#param-destination", Input).value = "650-555-01"
        await pilot.press("enter")
        assert "is not a phone number" in str(form.query_one("#form-error").render())
        form.query_one("#param-destination", Input).value = "650-555-0142"
        await pilot.press("enter")
        await finished(pilot, app, 1)
        assert any("manual call to 6505550142" in n for n in notices(app))
    new = [c for c in sim.center.active_calls() if str(c["uii"]) not in before]
    assert len(new) == 1 and new[0]["dnis"] == "6505550142"
    assert inspect(sim, str(new[0]["uii"]))["agentUsername"] == username
    assert audit_lines(app)[-1]["parameters"]["username"] == username


async def test_phone_is_asked_once_when_the_config_has_none(sim: SimServer, tmp_path: Path) -> None:
    app = sim_app(sim, tmp_path, actions={})
    first, second = connected(sim, 0), connected(sim, 1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await select(pilot, app, first)
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#param-phone", Input).value = "555-01"
        await pilot.press("enter")
        assert "is not a phone number" in str(form.query_one("#form-error").render())
        assert control_requests(sim) == 0
        form.query_one("#param-phone", Input).value = "(650) 555-0199"
        await pilot.press("enter")
        await finished(pilot, app, 1)
        await select(pilot, app, second)
        await pilot.press("c")  # remembered: no second prompt
        await finished(pilot, app, 2)
        assert not isinstance(app.screen, ActionForm)
    assert sessions(sim, first) == [("6505550199", "MONITOR")]
    assert sessions(sim, second) == [("6505550199", "COACHING")]
