"""FonoUC wire parsing: what the seed's examples really contain (curly quotes, a duplicated
key), and malformed records counted rather than fatal."""

from __future__ import annotations

import pytest

from wallboard.providers.fonouc import adapter
from wallboard.providers.fonouc.wire import Lead, LeadsPage, loads, parse_campaigns, parse_records
from wallboard.sim.fonouc.tenant import hex_id

#: Seed 004's campaign status example, typos included (its "…" placeholder left out).
SEED_CAMPAIGNS = """{
  “campaing_id_1”: {
       “name”: “campaign_1”,
       “status”: “stopped”,
       “total_leads”: 44,
       “leads_by_status”: {
          “new”: 4,
          “success”: 10,
          “failed”: 5,
          “success”: 25
        }
  }
}"""


def test_the_seeds_campaign_example_parses_with_duplicates_summed() -> None:
    batch = parse_campaigns(loads(SEED_CAMPAIGNS))
    assert not batch.warnings
    (campaign,) = batch.records
    assert campaign.campaign_id == "campaing_id_1"
    assert campaign.leads_by_status == {"new": 4, "success": 35, "failed": 5}
    assert sum(campaign.leads_by_status.values()) == campaign.total_leads


def test_valid_json_is_never_rewritten() -> None:
    assert loads('{"note": "she said “hi”"}') == {"note": "she said “hi”"}
    with pytest.raises(ValueError):
        loads("not json at all")


def test_a_malformed_campaign_or_lead_is_a_counted_warning() -> None:
    batch = parse_campaigns({"a": {"name": "ok"}, "b": {"status": "running"}, "c": 3})
    assert [c.campaign_id for c in batch.records] == ["a"]
    assert len(batch.warnings) == 2
    page = LeadsPage.model_validate(
        loads('{"data": [{"id": "x1", "status": "new"}, {"status": "new"}], “next_start_key”: “k”}')
    )
    leads = parse_records(Lead, page.data)
    assert page.next_start_key == "k"
    assert [lead.id for lead in leads.records] == ["x1"] and len(leads.warnings) == 1


def test_pacing_comes_from_leads_by_status() -> None:
    from datetime import UTC, datetime

    (record,) = parse_campaigns(loads(SEED_CAMPAIGNS)).records
    campaign = adapter.campaign_from_wire(record, datetime(2025, 1, 15, tzinfo=UTC))
    assert (campaign.ready, campaign.complete, campaign.pending, campaign.other) == (4, 40, 0, 0)
    assert campaign.group == "stopped"


def test_agent_states_map_to_the_domain() -> None:
    assert adapter.agent_state("idle") == "AVAILABLE"
    assert adapter.agent_state("On Call") == "ON_CALL"
    assert adapter.agent_state("on_break") == "AWAY"
    assert adapter.agent_state("ringing") == "RINGING"
    assert len(hex_id("a", 1)) == 32
