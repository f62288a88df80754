"""Account-wide figures: the numbers a wall reads from across the room.

Why its own module: the screen's header tiles, `wallboard status` and `wallboard check` show the
same totals, and ratios over an account are not averages of per-campaign ratios (a busy campaign
weighs more than a quiet one), so they are computed once here from summed counters with the same
metric functions the per-entity figures use.
"""

from __future__ import annotations

from dataclasses import dataclass

from wallboard import metrics as m
from wallboard.store import View


@dataclass(frozen=True, slots=True)
class Totals:
    active_calls: int
    agents_staffed: int
    """Agents logged in (the agent list), else the campaigns' and queues' staffed counts."""
    agents_available: int
    human_answer_rate: float | None
    """Σ answer ÷ Σ connects over every campaign, today."""
    abandon_rate_today: float | None
    """Σ abandon ÷ Σ answer over every campaign, today (compliance basis)."""
    abandon_cap: float
    ivr_containment: float | None
    calls_waiting: int
    longest_wait_s: int
    service_level: float | None
    """Σ slaPass ÷ Σ (slaPass + slaFail) over every queue, today."""


def totals(view: View, abandon_cap: float = m.DEFAULT_ABANDON_CAP) -> Totals:
    """The account-wide figures of one view."""
    campaigns = [e.record for e in view.campaigns.values()]
    queues = [e.record for e in view.queues.values()]
    answer = sum(c.answer for c in campaigns)
    agents = view.agent_summary
    if agents.logged_in:
        staffed = agents.logged_in
        available = agents.by_state.get("AVAILABLE", 0)
    else:  # no agent list (a platform without it, or not polled): the pacing records' view
        staffed = sum(c.staffed for c in campaigns) + sum(q.staffed for q in queues)
        available = sum(c.available for c in campaigns) + sum(q.available for q in queues)
    return Totals(
        active_calls=view.call_summary.total,
        agents_staffed=staffed,
        agents_available=available,
        human_answer_rate=m.human_answer_rate(answer, sum(c.connects for c in campaigns)),
        abandon_rate_today=m.abandon_rate(sum(c.abandon for c in campaigns), answer),
        abandon_cap=abandon_cap,
        ivr_containment=view.ivr_summary.containment,
        calls_waiting=sum(q.waiting for q in queues),
        longest_wait_s=max((q.longest_wait_s for q in queues), default=0),
        service_level=m.service_level(
            sum(q.sla_pass for q in queues), sum(q.sla_fail for q in queues)
        ),
    )
