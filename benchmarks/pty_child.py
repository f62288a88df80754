"""The app under a pty for the byte measure: the wallboard or the baseline, fed by hand.

    python -m benchmarks.pty_child wallboard|baseline CAMPAIGNS CALLS [INTERVAL_S]

The first snapshot is shown at start; each SIGUSR1 publishes the next (the byte measure pokes
it), and with INTERVAL_S > 0 a timer does it too (the steady-state baseline). The next snapshot
is built ahead of time, so the poke costs only the publish and the screen update.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from benchmarks.baseline_app import BaselineApp
from benchmarks.data import Center, Size
from wallboard.store import Store


def main() -> None:
    kind, campaigns, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    center = Center(Size(campaigns, calls))
    store = Store()
    ahead = [center.step()]
    app: Any
    if kind == "wallboard":
        from benchmarks.screen import wallboard_app_on

        app = wallboard_app_on(store)
        store.publish(ahead.pop())
    else:
        app = BaselineApp()
        first = store.publish(ahead.pop())
        app.call_later(app.apply, first)
    ahead.append(center.step())

    def poke() -> None:
        view = store.publish(ahead.pop())
        if kind != "wallboard":
            app.apply(view)
        ahead.append(center.step())

    async def install() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, poke)
        if interval > 0:
            app.set_interval(interval, poke)

    app.call_later(install)
    app.run()


if __name__ == "__main__":
    main()
