"""`L`: open the right lead screen for the campaign under the cursor.

RingCX (and the demo): the push form (one lead or a file) through `leads_pusher`. FonoUC: the
campaign's leads with add, re-status and delete (`fonouc_leads`). The campaign is the row
selected in the campaign pane; whether it is lead-starved is said in the form's heading, since
that is when a supervisor reaches for this key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallboard.actions import default_operator
from wallboard.audit import AuditLog, default_audit_path
from wallboard.providers.fonouc.client import FonoucClient
from wallboard.ui import format as fmt
from wallboard.ui.fonouc_leads import FonoucLeadsScreen
from wallboard.ui.leads_form import LeadPushForm
from wallboard.ui.leads_pusher import pusher_opener
from wallboard.ui.panes import CampaignsPane

if TYPE_CHECKING:
    from wallboard.ui.app import WallboardApp


def selected_campaign(app: WallboardApp) -> str | None:
    """The campaign id under the campaign pane's cursor."""
    return app.query_one(CampaignsPane).table.selected_key


def heading(app: WallboardApp, campaign_id: str) -> str:
    view = app.view
    found = view.campaigns.get(campaign_id) if view is not None else None
    if found is None:
        return f"campaign {campaign_id}"
    starved = found.metrics.get("lead_starved_s")
    state = f"lead-starved for {fmt.duration(starved)}" if starved else "not lead-starved"
    return f"{found.record.name} ({campaign_id}) · ready {found.record.ready} · {state}"


def open_leads(app: WallboardApp) -> None:
    """Push the lead screen for the selected campaign, or say why not."""
    core = app.core
    if core is None:
        app.notify("leads: not connected yet", severity="warning")
        return
    campaign_id = selected_campaign(app)
    if campaign_id is None:
        app.notify("leads: select a campaign first (campaign pane)", severity="warning")
        return
    title = heading(app, campaign_id)
    config = app.config
    client = getattr(getattr(core, "provider", None), "client", None)
    if isinstance(client, FonoucClient):
        data_dir = config.resolved_data_dir()
        audit_dir = data_dir / "demo" if core.demo is not None else data_dir
        app.push_screen(
            FonoucLeadsScreen(
                client,
                campaign_id,
                title,
                audit=AuditLog(default_audit_path(audit_dir)),
                operator=default_operator(config),
                account=core.name,
            )
        )
        return
    opener = pusher_opener(core, config)
    if opener is None:
        app.notify("leads: pushing leads is not provided by this platform", severity="warning")
        return
    app.push_screen(LeadPushForm(opener, campaign_id, title))
