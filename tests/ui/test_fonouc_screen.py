"""`wallboard demo --platform fonouc` on the screen: a simulated FonoUC tenant over real HTTP.

The same panes show the tenant's campaigns, queues and agents; the IVR and calls panes say
the platform does not provide them; `L` on a campaign lists its leads and adds, re-statuses and
deletes one (delete only after confirmation), each visible in the simulated tenant.
"""

from __future__ import annotations

from typing import Any

import pytest
from demo_helpers import until
from textual.widgets import Static

from wallboard.cli.main import build_parser, main
from wallboard.config import WallboardConfig
from wallboard.domain import Capability
from wallboard.ui import factory
from wallboard.ui.app import WallboardApp
from wallboard.ui.calls import CallsPane
from wallboard.ui.factory import AppOptions, build_app
from wallboard.ui.fonouc_leads import ConfirmDelete, FonoucLeadsScreen
from wallboard.ui.fonouc_panes import NOTE_CLASS
from wallboard.ui.leads_open import selected_campaign
from wallboard.ui.panes import AgentsPane, CampaignsPane, IvrPane, QueuesPane
from wallboard.ui.reports_screen import ReportsScreen
from wallboard.ui.tiles import tile_values

SIZE = (200, 60)


def fonouc_app(**options: object) -> WallboardApp:
    config = WallboardConfig.model_validate({"history": {"enabled": False}})
    return build_app(
        config,
        AppOptions(demo=True, demo_platform="fonouc", keep_history=False, **options),  # type: ignore[arg-type]
    )


def tenant_leads(app: WallboardApp, campaign: str) -> dict[str, dict[str, Any]]:
    """Every lead the simulated tenant holds for `campaign`, by id (paged like a client)."""
    assert app.core is not None and app.core.demo is not None
    tenant = app.core.demo.tenant
    found: dict[str, dict[str, Any]] = {}
    key = None
    while True:
        page = tenant.leads_page(campaign, 1000, key)
        found.update({lead["id"]: lead for lead in page["data"]})
        key = page.get("next_start_key")
        if not key:
            return found


async def test_fonouc_demo_fills_its_panes_and_says_what_it_cannot() -> None:
    app = fonouc_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        await until(
            pilot,
            lambda: app.view is not None and app.view.campaigns and app.view.agents,
            "FonoUC campaigns and agents",
        )
        assert app.core is not None and app.core.account.platform == "fonouc"
        assert app.query_one(CampaignsPane).row_keys
        assert app.query_one(QueuesPane).row_keys
        assert app.query_one(AgentsPane).row_keys
        for pane in (app.query_one(IvrPane), app.query_one(CallsPane)):
            assert pane.has_class("-not-provided")
            assert pane.border_subtitle == str(Capability.NOT_PROVIDED)
            note = pane.query_one(f".{NOTE_CLASS}", Static)
            assert "not provided by this platform" in str(note.render())
        for filled in (app.query_one(CampaignsPane), app.query_one(QueuesPane)):
            assert not filled.has_class("-not-provided")
        tiles = tile_values(app.view)
        assert tiles["active-calls"].text == tiles["containment"].text == "not provided"
        assert tiles["agents"].text != "not provided"

        await pilot.press("R")
        await pilot.pause()
        assert not isinstance(app.screen, ReportsScreen)


async def test_fonouc_lead_add_restatus_and_confirmed_delete() -> None:
    app = fonouc_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        await until(pilot, lambda: selected_campaign(app) is not None, "a campaign row")
        campaign = selected_campaign(app)
        assert campaign is not None
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, FonoucLeadsScreen), "the lead screen")
        screen = app.screen
        assert isinstance(screen, FonoucLeadsScreen)
        await until(pilot, lambda: screen.loads >= 1, "the campaign's leads")
        before = tenant_leads(app, campaign)
        assert set(screen.leads) <= set(before) and screen.leads

        # Add.
        screen.query_one("#fonouc-number").value = "+16175550134"  # type: ignore[attr-defined]
        screen.query_one("#fonouc-first").value = "Ada"  # type: ignore[attr-defined]
        await pilot.click("#fonouc-add")
        await until(pilot, lambda: screen.actions_done >= 1, "the add")
        await until(pilot, lambda: screen.loads >= 2, "the reload")
        after = tenant_leads(app, campaign)
        added = set(after) - set(before)
        assert len(added) == 1
        new_id = added.pop()
        assert after[new_id]["number"] == "+16175550134"
        assert new_id in screen.leads, "the new lead is listed on the screen"

        # Re-status.
        screen.select(new_id)
        screen.query_one("#fonouc-status").value = "cancelled"  # type: ignore[attr-defined]
        await pilot.click("#fonouc-set-status")
        await until(pilot, lambda: screen.actions_done >= 2, "the status change")
        assert tenant_leads(app, campaign)[new_id]["status"] == "cancelled"

        # Delete: refused without confirmation, done with it.
        await until(pilot, lambda: screen.loads >= 3, "the reload")
        screen.select(new_id)
        await pilot.click("#fonouc-delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDelete), "the confirmation")
        await pilot.press("n")
        await pilot.pause()
        assert new_id in tenant_leads(app, campaign)
        assert "kept" in str(screen.query_one("#fonouc-result").render())
        await pilot.click("#fonouc-delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDelete), "the confirmation")
        await pilot.press("y")
        await until(pilot, lambda: screen.actions_done >= 3, "the delete")
        assert new_id not in tenant_leads(app, campaign)


async def test_fonouc_read_only_hides_lead_actions() -> None:
    app = fonouc_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        await pilot.press("L")
        await pilot.pause()
        assert not isinstance(app.screen, FonoucLeadsScreen)


def test_demo_command_passes_the_platform_to_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """`wallboard demo --platform fonouc` builds the app with the FonoUC demo; an unknown
    platform is refused by the parser."""
    built: list[AppOptions] = []

    class Ran:
        return_code = 0

        def run(self, **_: object) -> None:
            return None

    def fake_build(config: WallboardConfig, options: AppOptions) -> Ran:
        built.append(options)
        return Ran()

    monkeypatch.setattr(factory, "build_app", fake_build)
    assert main(["demo", "--platform", "fonouc"]) == 0
    assert built[-1].demo and built[-1].demo_platform == "fonouc"
    assert main(["demo"]) == 0
    assert built[-1].demo_platform == "ringcx"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--platform", "nope"])
