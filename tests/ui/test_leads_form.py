"""The lead push form (`L` on a campaign) against the simulated contact center over real HTTP.

The form pushes through the RingCX lead loader with the runtime's own client. The simulator's
clock is stopped once the screen is up, so the campaign's lead counts move only by our push.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from demo_helpers import demo_app, until
from textual.pilot import Pilot
from textual.widgets import Input

from wallboard.ui.app import WallboardApp
from wallboard.ui.leads_form import LeadPushForm, parse_options
from wallboard.ui.leads_open import selected_campaign

SIZE = (200, 60)


def sim_of(app: WallboardApp) -> Any:
    assert app.core is not None and app.core.demo is not None
    return app.core.demo


def lead_total(app: WallboardApp, campaign_id: str) -> int:
    """Every lead the simulated campaign holds (ready + pending + other), as it serves them."""
    for record in sim_of(app).center.outbound_stats():
        if str(record["campaignId"]) == campaign_id:
            return int(record["ready"] + record["pending"] + record["other"])
    raise AssertionError(f"no campaign {campaign_id}")


async def open_form(pilot: Pilot[None], app: WallboardApp) -> tuple[LeadPushForm, str]:
    await until(pilot, lambda: app.views_applied >= 1, "the first view")
    sim_of(app).clock.set_speed(0)  # only our pushes move the lead counts from here on
    campaign = selected_campaign(app)
    assert campaign is not None
    await pilot.press("L")
    await until(pilot, lambda: isinstance(app.screen, LeadPushForm), "the lead form")
    form = app.screen
    assert isinstance(form, LeadPushForm)
    assert form.campaign_id == campaign
    return form, campaign


async def fill(pilot: Pilot[None], form: LeadPushForm, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#lead-{name}").value = value  # type: ignore[attr-defined]
    await pilot.pause()


async def test_push_one_lead_lands_in_the_campaign() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form, campaign = await open_form(pilot, app)
        assert "ready" in form.heading and "lead-starved" in form.heading
        before = lead_total(app, campaign)
        await fill(pilot, form, phone="(617) 555-0134", first="Ada", last="Lovelace")
        await pilot.click("#push-one")
        await until(pilot, lambda: form.report is not None, "the push report")
        report = form.report
        assert report is not None and report.ok, report.summary() if report else ""
        assert (report.supplied, report.accepted, report.inserted) == (1, 1, 1)
        assert lead_total(app, campaign) == before + 1
        assert sim_of(app).requests.count(path_contains="leadLoader") == 1
        assert "accepted 1" in str(form.query_one("#lead-result").render())

        # The campaign pane shows the grown count after the next poll.
        seen = app.views_applied
        assert app.core is not None and app.core.poller is not None
        app.core.poller.refresh()
        await until(pilot, lambda: app.views_applied > seen, "the next view")
        assert app.view is not None
        shown = app.view.campaigns[campaign].record
        assert shown.ready + shown.pending + shown.other == before + 1


async def test_bad_phone_shows_the_reason_and_sends_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form, campaign = await open_form(pilot, app)
        before = lead_total(app, campaign)
        # Typing reaches the form's fields: Tab moves between them and letters that are
        # wallboard keys elsewhere (L, q, s, R) are just text here.
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "lead-first"
        await pilot.press("L", "q", "s", "R")
        assert form.query_one("#lead-first", Input).value == "LqsR"
        assert isinstance(app.screen, LeadPushForm)
        await fill(pilot, form, phone="555-01", first="Bad")
        await pilot.click("#push-one")
        await pilot.pause()
        assert form.problem is not None and "phone" in form.problem.lower()
        assert "Not sent" in str(form.query_one("#lead-result").render())
        await fill(pilot, form, phone="6175550134", options="noSuchOption=1")
        form.query_one("#lead-phone", Input).focus()  # Enter in a field pushes too
        await pilot.press("enter")
        await until(pilot, lambda: "noSuchOption" in (form.problem or ""), "the options problem")
        assert form.report is None
        assert sim_of(app).requests.count(path_contains="leadLoader") == 0
        assert lead_total(app, campaign) == before


async def test_push_file_counts_and_rejects_file(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "leadPhone,firstName,lastName\n"
        "6175550101,Ann,One\n"
        "not a phone,Bad,Row\n"
        "+1 (617) 555-0102,Bob,Two\n"
    )
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form, campaign = await open_form(pilot, app)
        before = lead_total(app, campaign)
        await fill(pilot, form, file=str(source), options="listState=INACTIVE")
        await pilot.click("#push-file")
        await until(pilot, lambda: form.report is not None, "the file report")
        report = form.report
        assert report is not None
        assert (report.supplied, report.accepted, report.rejected_count) == (3, 2, 1)
        assert report.rejects_file is not None and report.rejects_file.parent == tmp_path
        rejects = report.rejects_file.read_text()
        assert "not a phone" in rejects and "6175550101" not in rejects
        assert lead_total(app, campaign) == before + 2
        shown = str(form.query_one("#lead-result").render())
        assert "Rejects file" in shown and "rejected 1" in shown


async def test_read_only_hides_the_lead_key() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        assert app.check_action("leads", ()) is False
        await pilot.press("L")
        await pilot.pause()
        assert not isinstance(app.screen, LeadPushForm)
        assert sim_of(app).requests.count(path_contains="leadLoader") == 0


def test_options_are_checked_by_name() -> None:
    assert parse_options("listState=INACTIVE dialPriority=IMMEDIATE") == {
        "listState": "INACTIVE",
        "dialPriority": "IMMEDIATE",
    }
    for bad, word in (("listState", "name=value"), ("bogus=1", "bogus")):
        try:
            parse_options(bad)
        except ValueError as error:
            assert word in str(error)
        else:
            raise AssertionError(f"{bad!r} was accepted")
