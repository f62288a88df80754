"""A terminal driver whose input thread sleeps while no key comes.

Why: Textual's Linux driver reads the terminal in a thread that wakes ten times a second
(`select` with a 0.1 s timeout) so that it can notice shutdown and time out a lone Escape key.
On a wall TV nobody types for months, and each wake-up costs this machine about 0.1 ms of CPU
(a thread switch and a system call): 1,500 a cycle of 15 s were a twentieth of the wallboard's
steady CPU, for nothing.

Here the thread blocks until the terminal has input or the driver pokes it (a pipe it also
watches). It ticks at Textual's pace only while that could matter: for a moment after each
input (the parser may be waiting to time out an Escape, `ESCAPE_DELAY`), and from the poke
on, while input is being shut down (so it notices `exit_event` as Textual's own loop does).
Input is read, parsed and dispatched exactly as Textual does; only the waiting differs.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import time
from codecs import getincrementaldecoder
from typing import Any

from textual import constants
from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

#: Textual's own wake-up interval while the parser may be waiting for more of a key.
TICK_S = 0.1
#: How long after an input the thread keeps ticking (Escape's timeout, and then some).
TICKING_AFTER_INPUT_S = constants.ESCAPE_DELAY + 1.0


def select_timeout(now: float, last_input: float, shutting_down: bool) -> float | None:
    """How long the input thread may wait for input: Textual's tick while the parser may
    time out a key or input is being shut down, else for ever (None)."""
    if shutting_down or now - last_input < TICKING_AFTER_INPUT_S:
        return TICK_S
    return None


class QuietLinuxDriver(LinuxDriver):
    """`LinuxDriver` whose input thread blocks while idle; see the module docstring."""

    selector_class: type[selectors.BaseSelector] = selectors.SelectSelector
    """What the input thread waits with (Textual's choice: `select` works on every tty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        for fd in (self._wake_read, self._wake_write):  # a drain or a poke never waits
            os.set_blocking(fd, False)

    def start_application_mode(self) -> None:
        # A poke left from an earlier stop (suspend, then resume) must not wake the new thread.
        # Both run on the app's thread, so no poke can come between the drain and the start.
        try:
            while os.read(self._wake_read, 512):
                pass
        except BlockingIOError:
            pass
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def disable_input(self) -> None:
        """Wake the input thread, then let Textual stop it: from the poke on it ticks and so
        sees `exit_event` within a tick, as Textual's own loop would."""
        with contextlib.suppress(OSError):  # pipe full (a poke is already waiting) or closed
            os.write(self._wake_write, b"!")
        super().disable_input()

    def close(self) -> None:
        super().close()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def run_input_thread(self) -> None:
        """Textual's `LinuxDriver.run_input_thread`, waiting by `select_timeout`."""
        selector = self.selector_class()
        fileno, wake = self.fileno, self._wake_read
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode
        clock = time.monotonic
        last_input = float("-inf")
        shutting_down = False

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (key, mask) in loop_last(events):
                if key.fd == fileno and mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is piped and ended
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                events = selector.select(select_timeout(clock(), last_input, shutting_down))
                if any(key.fd == wake for key, _ in events):
                    shutting_down = True
                    selector.unregister(wake)
                    events = [(key, mask) for key, mask in events if key.fd != wake]
                if events:
                    last_input = clock()
                process(events)
            selector.unregister(fileno)
            process(selector.select(TICK_S), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
