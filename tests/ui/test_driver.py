"""The quiet terminal driver: its input thread blocks while idle, and keys, a lone Escape and
shutdown still work as with Textual's own driver. Run over a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import queue
import selectors
import signal
import sys
import threading
import tty
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from textual import events
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from wallboard.ui import driver as quiet
from wallboard.ui.app import WallboardApp
from wallboard.ui.driver import QuietLinuxDriver, select_timeout

WAIT_S = 10.0
"""How long a step may take before the test gives up (generous: this checks order, not speed)."""


class RecordingSelector(selectors.SelectSelector):
    """Records each wait's timeout before waiting (so the last one is the wait in progress)."""

    timeouts: ClassVar[list[float | None]] = []

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        RecordingSelector.timeouts.append(timeout)
        return super().select(timeout)


class RecordingDriver(QuietLinuxDriver):
    selector_class = RecordingSelector

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received: queue.Queue[Message] = queue.Queue()

    def process_message(self, message: Message) -> None:
        self.received.put(message)


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    """A pseudo-terminal (master, slave); the driver's signal handlers put back afterwards."""
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT, signal.SIGWINCH)
    }
    master, slave = pty.openpty()
    tty.setraw(slave)  # as Textual sets the terminal: each key readable at once
    yield master, slave
    os.close(master)
    os.close(slave)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def wait_until(condition: Any) -> bool:
    event = threading.Event()
    for _ in range(int(WAIT_S / 0.01)):
        if condition():
            return True
        event.wait(0.01)
    return False


def test_select_timeout_blocks_when_idle_and_ticks_after_input_or_on_shutdown() -> None:
    now = 1000.0
    assert select_timeout(now, float("-inf"), False) is None
    assert select_timeout(now, now - quiet.TICKING_AFTER_INPUT_S - 1, False) is None
    assert select_timeout(now, now - 0.05, False) == quiet.TICK_S
    assert select_timeout(now, float("-inf"), True) == quiet.TICK_S


def test_the_app_uses_the_quiet_driver_unless_one_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = WallboardApp.__new__(WallboardApp)
    assert app.get_driver_class() is QuietLinuxDriver
    monkeypatch.setattr("textual.constants.DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert app.get_driver_class() is LinuxDriver


def test_a_textual_without_the_parser_it_reuses_keeps_its_own_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "wallboard.ui.driver", None)  # its import now fails
    assert WallboardApp.__new__(WallboardApp).get_driver_class() is LinuxDriver


async def test_idle_thread_blocks_keys_arrive_escape_times_out_and_shutdown_wakes_it(
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    RecordingSelector.timeouts = []
    driver = RecordingDriver(App(), mouse=False)
    driver.fileno = slave
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    driver._key_thread = thread
    thread.start()

    # Idle from the start: the thread waits with no timeout, not Textual's 0.1 s tick.
    assert wait_until(lambda: RecordingSelector.timeouts)
    assert RecordingSelector.timeouts[0] is None

    os.write(master, b"a")
    key = driver.received.get(timeout=WAIT_S)
    assert isinstance(key, events.Key) and key.key == "a"

    # A lone Escape is only known by its timeout: the thread must tick after input.
    os.write(master, b"\x1b")
    key = driver.received.get(timeout=WAIT_S)
    assert isinstance(key, events.Key) and key.key == "escape"
    assert quiet.TICK_S in RecordingSelector.timeouts

    # Quiet again, it goes back to waiting without a timeout; shutdown must still wake it.
    assert wait_until(lambda: RecordingSelector.timeouts[-1] is None)
    fired = threading.Event()

    def unblock() -> None:  # only a failing test gets here: a key wakes the thread instead
        fired.set()
        os.write(master, b"x")

    watchdog = threading.Timer(WAIT_S, unblock)
    watchdog.start()
    driver.disable_input()
    watchdog.cancel()
    assert not thread.is_alive()
    assert not fired.is_set(), "shutdown did not wake the input thread"
    driver.close()


async def test_a_poke_left_by_a_stop_is_drained_before_the_next_start(
    terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Suspend then resume: the stop's poke must not wake (and so keep ticking) the next
    input thread."""
    _master, slave = terminal
    driver = RecordingDriver(App(), mouse=False)
    driver.fileno = slave
    driver.disable_input()  # no thread running: the poke stays in the pipe
    # Textual's own start sets up the terminal and starts the thread; only the drain is tested.
    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: None)
    driver.start_application_mode()
    with pytest.raises(BlockingIOError):
        os.read(driver._wake_read, 1)
    driver.close()
