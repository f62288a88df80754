"""The wallboard application: header tiles, five panes, alerts, status; desk and kiosk modes.

Why it never polls: the core's `Poller` runs as a worker (`poller.run()`), a second worker reads
the store's latest-wins subscription and posts each `View` as a replaceable message, and the
handler applies it on the UI thread. Paused, the screen skips painting but polling goes on, so
un-pausing shows the newest view at once.

Why layouts by class: on a small terminal (`-compact`) the big digits fold into one text line and
one pane shows at a time (`-single`); in kiosk mode one pane at a time rotates on a timer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import TYPE_CHECKING, ClassVar, cast

from textual import constants as textual_constants
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Footer, Input

from wallboard.collector import PacedCollector
from wallboard.config import UiConfig, WallboardConfig
from wallboard.store import View
from wallboard.ui import status as st
from wallboard.ui import terminal_output
from wallboard.ui.actions_bindings import (
    AUDIT_ACTION,
    AUDIT_BINDING,
    CALL_ACTION,
    CALL_ACTION_BINDINGS,
)
from wallboard.ui.actions_keys import ActionsMixin, CallActionsProvider
from wallboard.ui.calls import CallsPane, CallsTable
from wallboard.ui.fonouc_panes import mark_unprovided
from wallboard.ui.help import HelpScreen
from wallboard.ui.keyed_table import KeyedTable
from wallboard.ui.palette import JumpProvider
from wallboard.ui.panes import AgentsPane, CampaignsPane, IvrPane, QueuesPane
from wallboard.ui.reports_access import ReportsAccess
from wallboard.ui.reports_commands import ReportsCommands
from wallboard.ui.table_pane import TablePane
from wallboard.ui.themes import choose_theme, load_themes
from wallboard.ui.tiles import HeaderTiles

if TYPE_CHECKING:
    from textual.driver import Driver

    from wallboard.ui.factory import AppOptions, Core, CoreOpener

log = logging.getLogger(__name__)

PANE_IDS = ("campaigns", "ivr", "queues", "agents", "calls")
#: Below either size, tiles fold to text and one pane shows at a time.
WIDE_MIN = (120, 40)
TERMINAL_CHECK_S = 5.0

Pane = TablePane | CallsPane


class ViewArrived(Message):
    """A new view from the store. Replaceable: a busy screen paints only the newest."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ViewArrived)


class WallboardApp(ActionsMixin, App[None]):
    CSS_PATH = "wallboard.tcss"
    TITLE = "wallboard"
    AUTO_FOCUS = "#campaigns KeyedTable"
    COMMANDS = App.COMMANDS | {JumpProvider, CallActionsProvider, ReportsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "leave", "Quit", id="wallboard.quit"),
        Binding("question_mark", "help", "Help", id="wallboard.help"),
        Binding("slash", "filter", "Filter", id="wallboard.filter"),
        Binding("s", "sort_next", "Sort", id="wallboard.sort"),
        Binding("S", "sort_reverse", "Reverse", id="wallboard.sort_reverse"),
        Binding("p", "pause", "Pause", id="wallboard.pause"),
        Binding("ctrl+r", "refresh", "Poll now", id="wallboard.refresh"),
        AUDIT_BINDING,
        Binding("R", "reports", "Reports", id="wallboard.reports"),
        Binding("L", "leads", "Leads", id="wallboard.leads"),
        Binding("D", "call_segments", "Call segments", show=False, id="wallboard.call_segments"),
        Binding("tab", "next_pane", "Next pane", id="wallboard.next_pane", priority=True),
        Binding("shift+tab", "prev_pane", "Previous pane", show=False, id="wallboard.prev_pane"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="wallboard.clear"),
        *(
            Binding(
                str(n), f"show_pane({n - 1})", f"Show {name}", show=False, id=f"wallboard.{name}"
            )
            for n, name in enumerate(PANE_IDS, start=1)
        ),
    ]
    #: Actions that change calls (issue 6 binds them); hidden when read-only.
    CALL_ACTIONS: ClassVar[frozenset[str]] = frozenset({CALL_ACTION})
    #: Actions a wall TV must not answer (a stray key or Ctrl-C must not quit or rearrange it).
    KIOSK_BLOCKED: ClassVar[frozenset[str]] = frozenset(
        {
            "leave",
            "help_quit",
            "filter",
            "sort_next",
            "sort_reverse",
            "next_pane",
            "prev_pane",
            "show_pane",
            "command_palette",
            "clear_filter",
            AUDIT_ACTION,
            "reports",
            "call_segments",
        }
    )
    #: Actions that change campaigns' leads (issue 8); hidden when read-only.
    LEAD_ACTIONS: ClassVar[frozenset[str]] = frozenset({"leads"})
    #: Actions on the wallboard's panes: not while another screen (reports, a form) is on top,
    #: so Tab moves between that screen's fields and `L` does not stack a second form.
    PANE_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "next_pane",
            "prev_pane",
            "show_pane",
            "filter",
            "sort_next",
            "sort_reverse",
            "reports",
            "leads",
            "call_segments",
        }
    )

    def __init__(self, ui: UiConfig, options: AppOptions, opener: CoreOpener) -> None:
        super().__init__()
        terminal_output.install()
        self.ui_config = ui
        self.options = options
        self.kiosk = options.kiosk
        self._open_core = opener
        self.core: Core | None = None
        self.view: View | None = None
        """The view on screen (the palette and the help read it)."""
        self._pending: View | None = None
        self.paused = False
        self.needle = ""
        self.shown = 0
        self.views_applied = 0
        self.label = "connecting…"
        self.read_only = options.read_only or options.kiosk
        self.keymap = dict(ui.keys)
        self.config = WallboardConfig()
        """The whole config (`build_app` sets it): reports and leads settings."""
        self.reports_access: ReportsAccess | None = None
        self.collector: PacedCollector | None = None
        """Set by `wallboard run` before the app starts: the garbage collector paced to views."""
        self.screen_ready = asyncio.Event()
        """Set once the screen is mounted: the core, opened before it, waits for it before
        touching a widget."""
        if not ui.animations:
            self.animation_level = "none"

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, except that on Linux and macOS its input thread sleeps while no
        key comes (`wallboard.ui.driver`). A driver named by `TEXTUAL_DRIVER` is kept."""
        driver_class = super().get_driver_class()
        if os.name == "posix" and textual_constants.DRIVER is None:
            from textual.drivers.linux_driver import LinuxDriver

            try:  # it re-uses Textual's input parser: a Textual that moved it keeps its own
                from wallboard.ui.driver import QuietLinuxDriver
            except ImportError:
                log.warning("screen: Textual's input parser moved; using its own driver")
                return driver_class
            if driver_class is LinuxDriver:
                return QuietLinuxDriver
        return driver_class

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield st.Banner(id="banner")
        yield HeaderTiles(id="tiles")
        with Container(id="panes"):
            yield CampaignsPane(id="campaigns")
            yield IvrPane(id="ivr")
            yield QueuesPane(id="queues")
            yield AgentsPane(id="agents")
            yield CallsPane(id="calls")
        yield st.AlertsStrip(id="alerts")
        yield Input(id="filter", placeholder="filter: type to narrow every pane, Enter keeps it")
        yield st.StatusLine(" connecting…", id="status")
        yield Footer()

    def on_load(self) -> None:
        """Open the core and start polling before the screen is built, not after.

        Why: signing in and the first listings are round trips to the platform, and building
        the screen (styles, widgets, the terminal) is work here; done one after the other they
        added up in every start. The core waits for the screen (`screen_ready`) before it
        touches a widget, and the first view waits in the store until then."""
        self.run_worker(self._run_core(), name="core", exit_on_error=False)

    def on_mount(self) -> None:
        themes, problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        for problem in problems:
            self.notify(problem, severity="warning")
        self._choose_theme(None)
        self._apply_keymap()
        self.set_class(self.kiosk, "-kiosk")
        if self.kiosk:
            for table in self.query(KeyedTable):
                table.can_focus = False
                table.show_cursor = False
            calls = self.query_one(CallsTable)
            calls.can_focus = False
            calls.show_cursor = False
            self.set_interval(self.ui_config.kiosk_rotate_s, self._rotate, name="kiosk-rotate")
            if not self.is_headless:
                self.set_interval(TERMINAL_CHECK_S, self._check_terminal, name="tty-check")
        if self.collector is not None:
            self.set_interval(self.collector.idle_collect_s, self.collector.tick, name="gc-idle")
        self._layout(self.size.width, self.size.height)
        self.screen_ready.set()

    def _choose_theme(self, account_theme: str | None) -> None:
        name, notice = choose_theme(
            set(self.available_themes),
            self.options.theme,
            account_theme,
            self.ui_config.theme,
            kiosk=self.kiosk,
        )
        self.theme = name
        if notice:
            self.notify(notice, severity="warning", timeout=10)

    def _apply_keymap(self) -> None:
        known = {b.id for b in self.all_bindings() if b.id}
        unknown = sorted(set(self.keymap) - known)
        if unknown:
            self.notify(f"[ui] keys: unknown binding ids {', '.join(unknown)}", severity="warning")
        self.set_keymap({k: v for k, v in self.keymap.items() if k in known})

    def all_bindings(self) -> list[Binding]:
        """Every key the screen answers to, for the help and for checking the keymap."""
        found: list[Binding] = []
        for source in (self.BINDINGS, CallsTable.BINDINGS, App.BINDINGS):
            found += [b for b in source if isinstance(b, Binding)]
        found.append(Binding("ctrl+p", "command_palette", "Jump to a campaign or call"))
        return found

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        compact = width < WIDE_MIN[0] or height < WIDE_MIN[1]
        self.set_class(compact, "-compact")
        self.set_class(compact or self.kiosk, "-single")
        self._show(self.shown)
        if self.view is not None:
            self.query_one(HeaderTiles).apply(self.view)

    def _show(self, index: int) -> None:
        self.shown = index % len(PANE_IDS)
        for i, pane_id in enumerate(PANE_IDS):
            self.query_one(f"#{pane_id}").set_class(i == self.shown, "-shown")

    # --- the live core -------------------------------------------------------------------------

    async def _run_core(self) -> None:
        try:
            async with self._open_core() as core:
                if core.poller is not None:
                    self.run_worker(core.poller.run(), name="poller", exit_on_error=False)
                await self.screen_ready.wait()
                self._core_ready(core)
                try:
                    async for view in core.store.subscribe():
                        self.post_message(ViewArrived(view))
                finally:  # the reports cache shares the history file: closed with the core
                    if self.reports_access is not None:
                        self.reports_access.close()
                        self.reports_access = None
        except Exception as error:  # a core that cannot open: say why, leave cleanly
            self.exit(return_code=1, message=f"wallboard: {error}")

    def _core_ready(self, core: Core) -> None:
        self.core = core
        self.label = core.account.label or core.name
        self.read_only = self.read_only or core.account.read_only
        self.sub_title = self.label
        if core.account.theme:
            self._choose_theme(core.account.theme if not self.options.theme else None)
        self.open_actions(core)
        self.refresh_bindings()

    def on_view_arrived(self, message: ViewArrived) -> None:
        self._pending = message.view
        if not self.paused:
            try:
                self._apply(message.view)
            except NoMatches:
                # The screen is being taken down (the app is exiting) while a view was still
                # queued: its widgets go one by one, and there is nothing left to paint.
                log.debug("screen: a view arrived while the screen was being taken down")
                return
        if self.collector is not None:
            self.collector.after_view()

    def _apply(self, view: View) -> None:
        self.view = view
        with self.batch_update():
            self.query_one(HeaderTiles).apply(view)
            for pane in self._panes():
                pane.apply(view, self.needle)
            self.query_one(st.AlertsStrip).show(st.alerts_text(view))
            banner = self.query_one(st.Banner)
            lost = st.connection_lost(view)
            banner.set_class(lost, "-shown")
            if lost:
                banner.update(st.banner_text(view))
            self._update_status()
            mark_unprovided(self._panes(), view)
        self.views_applied += 1

    def _update_status(self) -> None:
        line = self.query_one(st.StatusLine)
        if self.view is None:
            line.show(f" {self.label} · waiting for the first poll…")
            return
        line.show(
            st.status_text(
                self.view, label=self.label, read_only=self.read_only, paused=self.paused
            )
        )

    def _panes(self) -> list[Pane]:
        return [cast(Pane, self.query_one(f"#{pane_id}")) for pane_id in PANE_IDS]

    def _current_pane(self) -> Pane:
        focused = self.focused
        for pane in self._panes():
            if focused is not None and pane in focused.ancestors_with_self:
                return pane
        return self._panes()[self.shown]

    # --- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.kiosk and action in self.KIOSK_BLOCKED:
            return False
        if action in self.PANE_ACTIONS and len(self.screen_stack) > 1:
            return False
        if action in self.LEAD_ACTIONS:
            return not self.read_only
        if action == AUDIT_ACTION:
            return self.action_layer is not None
        return not (action in self.CALL_ACTIONS and not self.actions_allowed)

    def action_leave(self) -> None:
        self.exit()

    def action_reports(self) -> None:
        self.open_reports("queues")

    def open_reports(self, view: str) -> None:
        """The reports screen (`R`, the palette): queue intervals or agent productivity."""
        from wallboard.ui.reports_open import open_reports

        open_reports(self, view)

    def action_call_segments(self) -> None:
        from wallboard.ui.reports_open import open_call_segments

        open_call_segments(self)

    def action_leads(self) -> None:
        from wallboard.ui.leads_open import open_leads

        open_leads(self)

    def action_help(self) -> None:
        keys = self.all_bindings()
        if not self.actions_allowed:  # read-only: the help does not offer what the keys refuse
            keys = [b for b in keys if b not in CALL_ACTION_BINDINGS]
        self.push_screen(HelpScreen(keys, self.keymap))

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        self.call_after_refresh(box.focus)  # after this key, so the "/" is not typed into it

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.remove_class("-shown")
        self._focus_pane(self.shown)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.needle = event.value.strip().lower()
        if self.view is not None:
            for pane in self._panes():
                pane.apply(self.view, self.needle)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.input.remove_class("-shown")
        self._focus_pane(self.shown)

    def action_sort_next(self) -> None:
        pane = self._current_pane()
        label = pane.cycle_sort(self.needle) if isinstance(pane, CallsPane) else pane.cycle_sort()
        self.notify(f"{pane.TITLE}: sorted by {label}", timeout=2)

    def action_sort_reverse(self) -> None:
        pane = self._current_pane()
        label = (
            pane.reverse_sort(self.needle) if isinstance(pane, CallsPane) else pane.reverse_sort()
        )
        self.notify(f"{pane.TITLE}: sorted by {label}", timeout=2)

    def action_pause(self) -> None:
        self.paused = not self.paused
        if not self.paused and self._pending is not None and self._pending is not self.view:
            self._apply(self._pending)
        else:
            self._update_status()

    def action_refresh(self) -> None:
        if self.core is not None and self.core.poller is not None:
            self.core.poller.refresh()

    def action_next_pane(self) -> None:
        self._focus_pane(self._index_of(self._current_pane()) + 1)

    def action_prev_pane(self) -> None:
        self._focus_pane(self._index_of(self._current_pane()) - 1)

    def action_show_pane(self, index: int) -> None:
        self._focus_pane(index)

    def _index_of(self, pane: Pane) -> int:
        return PANE_IDS.index(str(pane.id))

    def _focus_pane(self, index: int) -> None:
        self._show(index)
        if self.kiosk:
            return
        pane = self._panes()[self.shown]
        target = pane.table
        target.focus()

    def _rotate(self) -> None:
        """Kiosk: the next pane comes in (one pane at a time, large)."""
        self._show(self.shown + 1)

    def _check_terminal(self) -> None:
        """Kiosk: exit when the terminal has gone (an SSH session or a TV's console closed)."""
        try:
            stream = sys.__stdout__
            if stream is None:
                raise OSError("no stdout")
            os.get_terminal_size(stream.fileno())
        except (OSError, ValueError):
            self.exit(return_code=0, message="wallboard: the terminal went away")

    def jump(self, source: str, key: str) -> None:
        """The command palette's target: show the pane, put the cursor on the row."""
        index = PANE_IDS.index(source)
        pane = self._panes()[index]
        self._show(index)
        if not pane.select(key) and self.needle:
            self.action_clear_filter()
            pane.select(key)

    @property
    def calls_pane(self) -> CallsPane:
        """Where call actions (issue 6) find `selected_uii`."""
        return self.query_one(CallsPane)
