"""The simulated live lead feed of seed 003 (OutboundIQ), served by the same simulator as RingCX.

`ROUTES` is mounted by `wallboard.sim.app.create_app`; `demo_feed_keys(seed)` gives the demo API
keys, one per situation of the seed's error table (see `directory`).
"""

from wallboard.sim.leadfeed.directory import KEY_KINDS, demo_feed_keys
from wallboard.sim.leadfeed.routes import ROUTES

__all__ = ["KEY_KINDS", "ROUTES", "demo_feed_keys"]
