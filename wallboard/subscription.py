"""Latest-wins subscriptions to the store's views.

Why a one-slot mailbox: a subscriber that falls behind (a screen busy with a modal) must skip to
the newest view, never drain a backlog of stale ones (Toolong's `can_replace` idea).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from wallboard.view import View


class Subscription:
    """A one-slot mailbox: a new view replaces an unread one (latest wins).

    Read it with `async for view in subscription` on any asyncio loop, or from a thread with
    `get(timeout)`; `take()` never waits. `publish` may run on another thread than the reader.
    """

    def __init__(self, on_close: Callable[[Subscription], None]) -> None:
        self._cond = threading.Condition()
        self._view: View | None = None
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._on_close = on_close

    def offer(self, view: View) -> None:
        with self._cond:
            if self._closed:
                return
            self._view = view
            self._cond.notify_all()
            self._wake()

    def _wake(self) -> None:  # with the lock held
        loop, event = self._loop, self._event
        if loop is None or event is None or loop.is_closed():
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        else:
            loop.call_soon_threadsafe(event.set)

    @property
    def pending(self) -> bool:
        """An unread view is waiting."""
        return self._view is not None

    def take(self) -> View | None:
        """The unread view, if any, without waiting."""
        with self._cond:
            view, self._view = self._view, None
            return view

    def get(self, timeout: float | None = None) -> View | None:
        """Block (in a thread) for the next view; None on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._view is not None or self._closed, timeout)
            view, self._view = self._view, None
            return view

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed, self._view = True, None
            self._cond.notify_all()
            self._wake()
        self._on_close(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> View:
        while True:
            with self._cond:
                if self._view is not None:
                    view, self._view = self._view, None
                    return view
                if self._closed:
                    raise StopAsyncIteration
                if self._event is None:
                    self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
                self._event.clear()
                event = self._event
            await event.wait()
