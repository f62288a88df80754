"""How long a full `activeCalls/list` takes against `wallboard sim --scale large`.

Starts its own simulator (10,000 active calls by default), signs in with the client the wallboard
uses, lists every page `--runs` times, and prints the median and the spread. The baseline in the
same run is one page of the same size against a small center, so the ratio says what scale costs.

    python benchmarks/sim_listing.py [--scale large] [--runs 7] [--page-size 1000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import anyio

from wallboard.budget import BudgetRegistry
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.sim.limits import SimLimits
from wallboard.sim.model_settings import SimSettings
from wallboard.sim.scale import parse_scale
from wallboard.sim.server import SimServer


async def _time_listing(server: SimServer, runs: int, page_size: int) -> tuple[list[float], int]:
    client = RingCxClient(server.account_config(auth="api_token"), budgets=BudgetRegistry())
    try:
        await client.active_calls(page_size=page_size, max_pages=50)  # warm-up: sign-in, sync
        times: list[float] = []
        count = 0
        for _ in range(runs):
            started = time.perf_counter()
            listing = await client.active_calls(page_size=page_size, max_pages=50)
            times.append(time.perf_counter() - started)
            count = len(listing.records)
        return times, count
    finally:
        await client.aclose()


def _measure(scale: str, runs: int, page_size: int) -> tuple[list[float], int]:
    settings = SimSettings(scale=parse_scale(scale))
    server = SimServer(settings=settings, speed=0.0, limits=SimLimits.unlimited()).start()
    try:
        return anyio.run(_time_listing, server, runs, page_size)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    base, base_count = _measure("small", args.runs, args.page_size)
    times, count = _measure(args.scale, args.runs, args.page_size)
    median, base_median = statistics.median(times), statistics.median(base)
    print(f"baseline  small: {base_count:>6} calls, median {base_median * 1000:8.1f} ms")
    print(
        f"measured {args.scale:>6}: {count:>6} calls, median {median * 1000:8.1f} ms "
        f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {args.runs} runs, "
        f"pages of {args.page_size}); ratio {median / base_median:.1f}x"
    )


if __name__ == "__main__":
    main()
