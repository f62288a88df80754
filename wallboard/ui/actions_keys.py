"""The screen side of the supervisor call actions: key → form → confirmation → worker → notice.

Why a mixin: the app keeps its one job (showing the board); this adds the path from an action key
to `ActionLayer.perform` and back. The layer does the checking, confirming, auditing and the one
send; this module only asks for what the layer needs and shows what it said:

- the parameters an action takes, in an `ActionForm` checked by `layer.check` (monitor, coach
  and barge ask only for the supervisor's phone, and only when `[actions] supervisor_phone` is
  absent and none was typed yet this session);
- a typed confirmation when `layer.confirmation(request)` asks for one;
- `perform` in a worker, so the board keeps painting while the platform answers;
- the outcome as a notification; a call that ended leaves the calls pane (`layer.ended_calls`),
  and the console's marks (recording, sessions, hold set from here) are painted on the rows.

Hidden, not just refused: with no layer (fixed data, a platform without call control) or when
read-only (kiosk, `--read-only`, the account's `read_only`) `check_action` hides every action
key; the layer refuses on its own as well.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.notifications import SeverityLevel

from wallboard.actions import ACTIONS, ActionLayer, ActionRequest, ActionSpec, Outcome, ParamSpec
from wallboard.actions import Status as S
from wallboard.audit import AuditRecord
from wallboard.config import WallboardConfig
from wallboard.runtime import Runtime
from wallboard.ui.actions_audit import AuditScreen
from wallboard.ui.actions_marks import ConsoleMarks
from wallboard.ui.actions_modals import ActionForm, ConfirmScreen
from wallboard.ui.calls import CallsPane

if TYPE_CHECKING:
    from wallboard.ui.factory import Core

    _Base = App[None]
else:
    _Base = object

LayerMaker = Callable[["Core"], ActionLayer | None]
_SESSIONS = ("monitor", "coach", "barge")
_SEVERITY: dict[S, SeverityLevel] = {
    S.OK: "information",
    S.STALE: "warning",
    S.RATE_LIMITED: "warning",
    S.REFUSED: "warning",
    S.INVALID: "warning",
}


def layer_maker(config: WallboardConfig, *, read_only: bool) -> LayerMaker:
    """How the app gets its one action layer once the core is open: only a live runtime whose
    platform offers call control has one (fixed data and FonoUC do not)."""

    def make(core: Core) -> ActionLayer | None:
        if not isinstance(core, Runtime):
            return None
        try:
            return ActionLayer.for_runtime(core, config, read_only=read_only)
        except ValueError:  # the platform offers no call actions
            return None

    return make


class ActionsMixin(_Base):
    """Call-action handlers for `WallboardApp` (bindings: `actions_bindings`)."""

    action_layer_maker: LayerMaker | None = None
    """Set by the factory; None keeps the screen passive."""
    read_only: bool
    needle: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action_layer: ActionLayer | None = None
        self.console_marks = ConsoleMarks()
        self.audit_records: list[AuditRecord] = []
        """Audit records written by this screen's layer (the audit pane's rows)."""
        self.actions_finished = 0
        """Actions whose outcome was shown (tests wait on it, never on time)."""
        self._typed_phone: str | None = None
        self._stop_listening: Callable[[], None] | None = None

    # --- the layer -----------------------------------------------------------------------------

    def open_actions(self, core: Core) -> None:
        """Build the layer for the core just opened (once), and listen to its audit log."""
        if self.action_layer is not None or self.action_layer_maker is None:
            return
        layer = self.action_layer_maker(core)
        if layer is None:
            return
        self.action_layer = layer
        self._stop_listening = layer.audit.listen(self._heard_audit)

    @property
    def actions_allowed(self) -> bool:
        """Whether action keys show: a layer, and neither it nor the screen read-only."""
        layer = self.action_layer
        return layer is not None and not layer.read_only and not self.read_only

    def _heard_audit(self, record: AuditRecord) -> None:
        self.audit_records.append(record)
        screen = self.screen
        if isinstance(screen, AuditScreen):
            screen.add(record)

    def action_audit_pane(self) -> None:
        if isinstance(self.screen, AuditScreen):
            self.screen.dismiss(None)
            return
        layer = self.action_layer
        where = str(layer.audit.path) if layer is not None else "no audit log"
        self.push_screen(AuditScreen(self.audit_records, where))

    # --- from a key to a request ---------------------------------------------------------------

    def action_call_action(self, name: str) -> None:
        """Start action `name` on the selected call: form, confirmation, then the worker."""
        layer = self.action_layer
        spec = ACTIONS.get(name)
        if layer is None or spec is None or not self.actions_allowed:
            self.notify("Call actions are off on this screen: nothing was sent", severity="warning")
            return
        call = None
        if spec.needs_call:
            call = self.query_one(CallsPane).selected_uii
            if call is None:
                self.notify(f"{spec.title}: select a live call in the calls pane first")
                return
        fields = self._fields(spec, layer)
        preset = {}
        if spec.name in _SESSIONS and not fields and self._typed_phone:
            preset["phone"] = self._typed_phone
        if not fields:
            self._confirm_then_send(ActionRequest(name, call, preset))
            return
        title = None
        if [p.name for p, _ in fields] == ["phone"] and spec.name in _SESSIONS:
            title = f"{spec.title} on call {call}: which phone should ring? (asked once)"
        form = ActionForm(spec, call, fields, layer.check, title=title)
        self.push_screen(form, callback=self._confirm_then_send)

    def _fields(self, spec: ActionSpec, layer: ActionLayer) -> list[tuple[ParamSpec, str]]:
        """The parameters to ask for, with their prefilled values ([] to go on one key)."""
        settings = layer.settings
        phone = self._typed_phone or settings.supervisor_phone or ""
        if spec.name in _SESSIONS:
            return [] if phone else [(p, "") for p in spec.params]
        prefill = {
            "phone": phone,
            "ring": str(settings.ring_duration),
            "caller_id": settings.caller_id or "",
        }
        hints = {"disposition": ", ".join(settings.dispositions)}
        asked = []
        for param in spec.params:
            if param.name == "state":  # record and hold toggle on one key
                continue
            if hints.get(param.name):
                param = ParamSpec(param.name, param.label, param.required, hints[param.name])
            asked.append((param, prefill.get(param.name, "")))
        return asked

    def _confirm_then_send(self, request: ActionRequest | None) -> None:
        layer = self.action_layer
        if request is None or layer is None:
            self.notify("Cancelled: nothing was sent", timeout=3)
            return
        problem = layer.check(request)
        if problem is not None:
            self.notify(problem, severity="warning", markup=False)
            return
        if request.action in _SESSIONS and "phone" in request.params:
            self._typed_phone = request.params["phone"]
        confirmation = layer.confirmation(request)
        if confirmation is None:
            self._send(request, None)
            return
        self.push_screen(ConfirmScreen(confirmation), callback=partial(self._confirmed, request))

    def _confirmed(self, request: ActionRequest, text: str | None) -> None:
        if text is None:
            self.notify("Cancelled: nothing was sent", timeout=3)
            return
        self._send(request, text)

    def _send(self, request: ActionRequest, confirm: str | None) -> None:
        self.run_worker(
            self._perform(request, confirm),
            name=f"action-{request.action}",
            group="call-actions",
            exit_on_error=False,
        )

    # --- from the platform's answer to the screen ----------------------------------------------

    async def _perform(self, request: ActionRequest, confirm: str | None) -> None:
        layer = self.action_layer
        assert layer is not None
        title = ACTIONS[request.action].title
        try:
            outcome = await layer.perform(request, confirm=confirm)
        except Exception as error:  # the layer never raises for refusals; anything else: say so
            self.notify(f"{title}: unexpected {type(error).__name__}", severity="error")
        else:
            self._show_outcome(outcome)
        self.actions_finished += 1

    def _show_outcome(self, outcome: Outcome) -> None:
        severity = _SEVERITY.get(outcome.status, "error")
        self.notify(outcome.message, severity=severity, markup=False, timeout=8)
        changed = self.console_marks.apply(outcome)
        if changed or outcome.call_ended:
            self.paint_console_marks()

    def paint_console_marks(self) -> None:
        """Marks set from this console on the calls pane; calls ended here leave it."""
        layer = self.action_layer
        table = self.query_one(CallsPane).table
        table.console_marks = self.console_marks.all()
        table.hidden = set(layer.ended_calls) if layer is not None else set()
        table.reorder(self.needle)


class CallActionsProvider(Provider):
    """The command palette's entries for the call actions (only when they are allowed)."""

    @property
    def _app(self) -> ActionsMixin:
        return cast(ActionsMixin, self.app)

    def _entries(self) -> list[tuple[str, Callable[[], None], str]]:
        app = self._app
        entries: list[tuple[str, Callable[[], None], str]] = []
        if app.action_layer is not None:
            entries.append(("Audit: actions taken from this screen", app.action_audit_pane, "A"))
        if not app.actions_allowed:
            return entries
        for name, spec in ACTIONS.items():
            where = "on the selected call" if spec.needs_call else "from an agent's seat"
            callback = partial(app.action_call_action, name)
            entries.append((f"Call action: {spec.title} {where}", callback, spec.key or ""))
        return entries

    async def discover(self) -> Hits:
        for text, callback, key in self._entries():
            yield DiscoveryHit(text, callback, help=f"key {key}" if key else None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, key in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=f"key {key}")
