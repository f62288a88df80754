"""The dialers' abandon rates: the demo center is a compliant operation with one campaign
running hot, so its first screen shows what the compliance alerts are for without crying wolf.

The demo is seed 7 at the small scale (`wallboard.runtime`); what its first screen shows as
today and as the first rolling window is the warm-up's counters (see `wallboard.counters`).
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from wallboard.metrics import DEFAULT_ABANDON_CAP
from wallboard.sim.clock import SimClock
from wallboard.sim.dynamics_dialer import RATIO_DOWN
from wallboard.sim.model import ContactCenter, SimSettings
from wallboard.sim.model_build import HOT_TARGET, hot_campaigns
from wallboard.sim.scale import PRESETS

#: A demo started in business hours (`runtime.demo_start`): 10:30 on a winter Wednesday.
DEMO_START = datetime(2025, 1, 15, 10, 30, tzinfo=ZoneInfo("US/Eastern"))
WARN = DEFAULT_ABANDON_CAP * 0.8  # the default rules' warning level (`alerts.default_rules`)


def abandon_target(ratio_up: float) -> float:
    """The abandon rate a campaign's pacing settles at: `model_build` sets
    `ratio_up = exp(-t ln(RATIO_DOWN) / (1 - t))` for the target t; this inverts it."""
    x = math.log(ratio_up) / -math.log(RATIO_DOWN)
    return x / (1.0 + x)


def test_the_demo_is_compliant_but_for_one_hot_campaign() -> None:
    clock = SimClock(start=DEMO_START, speed=0)
    center = ContactCenter(SimSettings(seed=7, scale=PRESETS["small"]), clock)
    with center.read() as model:
        targets = {c.name: abandon_target(c.ratio_up) for c in model.campaigns.values()}
    hot = [name for name, target in targets.items() if target >= HOT_TARGET[0] - 1e-9]
    assert len(hot) == 1, targets
    assert max(t for name, t in targets.items() if name not in hot) < DEFAULT_ABANDON_CAP / 2
    for minutes in (0, 30):  # the first screen, and half an hour into the demo
        clock.advance(minutes * 60)
        rates = {
            r["campaignName"]: r["abandon"] / r["answer"]
            for r in center.outbound_stats()
            if r["answer"] > 0
        }
        assert rates[hot[0]] > WARN, rates  # the alert has something to show
        others = {name: rate for name, rate in rates.items() if name != hot[0]}
        assert max(others.values()) < WARN, others


def test_one_campaign_in_eight_runs_hot_at_every_scale() -> None:
    assert hot_campaigns([]) == set()
    assert hot_campaigns([1.0]) == set()
    assert hot_campaigns([0.1, 0.5, 0.3, 0.1]) == {2}  # the second busiest
    assert len(hot_campaigns([1.0 / (i + 1) for i in range(500)])) == 63  # ranks 1, 9, ... 497
