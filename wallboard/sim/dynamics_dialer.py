"""The predictive dialer: one per campaign, pacing lines to the agents who are free.

Pacing: whenever something changes for a campaign (an agent frees up, a line resolves, leads
arrive) it tops its lines in flight up to ``floor(free * ratio / est_live)``: enough lines that,
at the live-answer rate it has been seeing (`est_live`, a moving average), about `ratio`
answered calls arrive per free agent. `ratio` adapts the way real dialers chase an abandon
target: it shrinks after every abandon (never below `est_live`, i.e. one line per free agent,
which is progressive dialing) and creeps up after every connect, settling where the campaign's
abandon rate hovers around its own target. Small campaigns therefore spend most of their time
near one line per agent, as real dialers do. Most campaigns target well under the 3% safe
harbour and start the day near one line per free agent; one in eight (by size, see
`model_build`) targets above it and starts aggressive, so the wallboard's compliance alerts
have something to catch.

Outcome counting on the `outbound` record (daily, reset at local midnight):

* ``answer``  live-person answers, INCLUDING those the dialer then abandoned;
* ``abandon`` live answers with no agent free within 2 s (TSR/TCPA rule) -- a subset of answer;
* ``machine``, ``fax``, ``noanswer``, ``busy``, ``intercept`` (SIT tones), ``dnc`` (the lead
  was on the do-not-call list, so it was scrubbed without a line);
* ``connects = answer + machine + fax`` (anything that picked up);
* ``notHumanAnswers = machine + fax + intercept``.

A campaign is agent-starved when `available` is 0 while `ready` > 0, and lead-starved when it
runs out of ready leads; then a new list arrives some tens of minutes later.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from .model_entities import OUTBOUND, QUEUED, RINGING, Agent, Call, Campaign
from .model_leads import Lead
from .names import crm_id

if TYPE_CHECKING:
    from .model_world import World

LIVE, MACHINE, BUSY, INTERCEPT, FAX, NOANSWER = (
    "LIVE",
    "MACHINE",
    "BUSY",
    "INTERCEPT",
    "FAX",
    "NOANSWER",
)
#: Seconds a line rings before each outcome is known (uniform between the two).
RING_TIME = {
    LIVE: (4.0, 18.0),
    MACHINE: (10.0, 25.0),
    BUSY: (1.5, 4.0),
    INTERCEPT: (2.0, 6.0),
    FAX: (5.0, 15.0),
    NOANSWER: (24.0, 32.0),
}
ABANDON_AFTER = 2.0  # seconds a live answer may wait for an agent
EST_ALPHA = 0.02
RATIO_DOWN = 0.85


class Dialer:
    def __init__(self, world: World) -> None:
        self.w = world

    def agent_ready(self, agent: Agent) -> None:
        """A campaign agent is free: give them a waiting live answer, else dial for them."""
        campaign = agent.campaign
        assert campaign is not None
        waiting = campaign.waiting
        while waiting:
            call = waiting.popleft()
            if call.phase == QUEUED:
                self._connect(campaign, call, agent)
                return
        self.pace(campaign)

    def pace(self, campaign: Campaign) -> None:
        w = self.w
        leads = campaign.leads
        changed = leads.promote_due(w.now)
        free = len(campaign.available) - len(campaign.waiting)
        target = int(free * campaign.ratio / campaign.est_live + 1e-9) if free > 0 else 0
        need = target - campaign.ringing
        while need > 0:
            lead = leads.next_lead(w.rng)
            if lead is None:
                self._starved(campaign)
                break
            changed = True
            if w.rng.random() < campaign.p_dnc:
                campaign.dnc += 1
                leads.finish(lead, "DNC", w.now, w.rng)
                continue
            self._dial(campaign, lead)
            need -= 1
        if leads.stage(max(4, 2 * target), w.rng):
            changed = True
        if changed:
            campaign.last_update = w.now

    def _dial(self, campaign: Campaign, lead: Lead) -> None:
        w = self.w
        rng = w.rng
        call = w.calls.create(OUTBOUND, campaign.caller_id, lead.phone)
        call.campaign = campaign
        call.lead = lead
        call.destination_name = campaign.name
        call.enqueue_time = w.now
        call.external_id = lead.extern_id
        if call.external_id is None and rng.random() < 0.3:
            call.external_id = crm_id(rng)
        call.recording = rng.random() < campaign.record_rate
        w.calls.move(call, RINGING, campaign, "active")
        campaign.ringing += 1
        draw = rng.random() - campaign.p_live
        if draw < 0:
            outcome = LIVE
        elif (draw := draw - campaign.p_machine) < 0:
            outcome = MACHINE
        elif (draw := draw - campaign.p_busy) < 0:
            outcome = BUSY
        elif (draw := draw - campaign.p_intercept) < 0:
            outcome = INTERCEPT
        elif draw - campaign.p_fax < 0:
            outcome = FAX
        else:
            outcome = NOANSWER
        call.plan = outcome
        low, high = RING_TIME[outcome]
        w.schedule(w.now + rng.uniform(low, high), self._on_outcome, call, call.gen)

    def _on_outcome(self, call: Call, gen: int) -> None:
        if gen != call.gen:
            return
        w = self.w
        campaign = call.campaign
        assert campaign is not None
        campaign.ringing -= 1
        outcome = call.plan
        live = outcome == LIVE
        campaign.est_live += EST_ALPHA * ((1.0 if live else 0.0) - campaign.est_live)
        campaign.est_live = max(0.05, campaign.est_live)
        if live:
            campaign.answer += 1
            if campaign.available:
                agent = next(iter(campaign.available.values()))
                self._connect(campaign, call, agent)
            else:
                w.calls.move(call, QUEUED, campaign, "active")
                campaign.waiting.append(call)
                w.schedule(w.now + ABANDON_AFTER, self._on_abandon, call, call.gen)
        else:
            if outcome == MACHINE:
                campaign.machine += 1
            elif outcome == BUSY:
                campaign.busy += 1
            elif outcome == INTERCEPT:
                campaign.intercept += 1
            elif outcome == FAX:
                campaign.fax += 1
            else:
                campaign.noanswer += 1
            w.calls.end(call, outcome)
            self._settle_lead(campaign, call, outcome)
        campaign.last_update = w.now
        self.pace(campaign)

    def _connect(self, campaign: Campaign, call: Call, agent: Agent) -> None:
        campaign.ratio = min(campaign.ratio_max, campaign.ratio * campaign.ratio_up)
        self.w.calls.connect(call, agent, campaign, "active")

    def _on_abandon(self, call: Call, gen: int) -> None:
        if gen != call.gen:
            return
        campaign = call.campaign
        assert campaign is not None
        with contextlib.suppress(ValueError):
            campaign.waiting.remove(call)
        campaign.abandon += 1
        campaign.ratio = max(campaign.est_live, campaign.ratio * RATIO_DOWN)
        self.w.calls.end(call, "ABANDONED")
        self._settle_lead(campaign, call, "ABANDON")
        campaign.last_update = self.w.now
        self.pace(campaign)

    def _settle_lead(self, campaign: Campaign, call: Call, outcome: str) -> None:
        if call.lead is not None:
            campaign.leads.finish(call.lead, outcome, self.w.now, self.w.rng)
            call.lead = None

    def cancel(self, call: Call) -> None:
        """An API hangup of a line still ringing: no outcome, the lead goes back for a retry."""
        campaign = call.campaign
        assert campaign is not None
        campaign.ringing -= 1
        self.w.calls.end(call, "API_HANGUP")
        self._settle_lead(campaign, call, "CANCELLED")
        campaign.last_update = self.w.now
        self.pace(campaign)

    # --- lead supply -----------------------------------------------------------------------

    def _starved(self, campaign: Campaign) -> None:
        """Out of leads: a fresh list lands some tens of minutes later (someone notices)."""
        if campaign.reload_pending:
            return
        w = self.w
        campaign.reload_pending = True
        w.schedule(w.now + w.rng.uniform(1_200.0, 5_400.0), self._on_reload, campaign)

    def _on_reload(self, campaign: Campaign, gen: int) -> None:
        w = self.w
        campaign.reload_pending = False
        campaign.leads.synthetic += self.list_size(campaign, campaign.reload_hours)
        campaign.last_update = w.now
        self.pace(campaign)

    def list_size(self, campaign: Campaign, hours: float) -> int:
        """Leads for `hours` of dialing by the campaign's roster (about 18 connects per agent
        hour, divided by the live-answer rate, and some retries)."""
        per_agent_hour = 18.0 / max(campaign.p_live, 0.05)
        return max(20, int(max(1, campaign.roster) * per_agent_hour * hours))
