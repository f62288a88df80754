"""The dialogs of the call actions: a parameter form and the typed confirmation.

Why the form checks with the action layer: `layer.check(request)` is the same check `perform`
runs, so a value the form accepts is one the layer will send, and a bad one is named inline
while the form stays open; nothing is sent until it is valid. The confirmation accepts only what
`Confirmation.accepts` accepts (the call's last digits or the action's word); a wrong answer
says so and sends nothing.

Both screens stop their inputs' messages: the app listens to `Input.Changed` for its filter box
and must not filter the panes by what is typed into a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wallboard.actions import ActionRequest, ActionSpec, Confirmation, ParamSpec

Checker = Callable[[ActionRequest], str | None]

_DIALOG_CSS = """
    align: center middle;
    & > Vertical {
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        background: $surface;
        border: round $accent;
        padding: 0 1;
    }
    .dialog-title { text-style: bold; margin-bottom: 1; }
    .dialog-error { color: $error; text-style: bold; display: none; }
    .dialog-error.-shown { display: block; }
    .dialog-help { color: $text-muted; }
"""


class ActionForm(ModalScreen[ActionRequest | None]):
    """Asks for an action's parameters; dismisses with a checked request, or None (Esc)."""

    DEFAULT_CSS = "ActionForm {" + _DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="actions.form_cancel"),
    ]

    def __init__(
        self,
        spec: ActionSpec,
        call: str | None,
        fields: Sequence[tuple[ParamSpec, str]],
        check: Checker,
        *,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.call = call
        self.fields = list(fields)
        self._check = check
        self._title = title or (f"{spec.title} on call {call}" if call else spec.title)

    def compose(self) -> ComposeResult:
        with Vertical(id="action-form"):
            yield Static(self._title, classes="dialog-title", markup=False)
            for param, value in self.fields:
                label = param.label + (" (required)" if param.required else "")
                yield Label(label, markup=False)
                yield Input(value=value, placeholder=param.hint, id=f"param-{param.name}")
            yield Static("", id="form-error", classes="dialog-error", markup=False)
            yield Static("Enter sends · Esc cancels (nothing is sent)", classes="dialog-help")

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def request(self) -> ActionRequest:
        """The request as the form now reads (empty fields left out)."""
        params = {}
        for param, _ in self.fields:
            value = self.query_one(f"#param-{param.name}", Input).value.strip()
            if value:
                params[param.name] = value
        return ActionRequest(self.spec.name, self.call, params)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#form-error", Static).remove_class("-shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        request = self.request()
        problem = self._check(request)
        if problem is not None:
            error = self.query_one("#form-error", Static)
            error.update(problem)
            error.add_class("-shown")
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[str | None]):
    """The typed confirmation of a dangerous action; dismisses with the accepted text, or None."""

    DEFAULT_CSS = "ConfirmScreen {" + _DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="actions.confirm_cancel"),
    ]

    def __init__(self, confirmation: Confirmation) -> None:
        super().__init__()
        self.confirmation = confirmation
        self.refusals = 0
        """Wrong answers so far (each sent nothing)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.confirmation.prompt, classes="dialog-title", markup=False)
            yield Input(id="confirm-text", placeholder="type it, then Enter")
            yield Static("", id="confirm-error", classes="dialog-error", markup=False)
            yield Static("Esc cancels (nothing is sent)", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#confirm-text", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if self.confirmation.accepts(text):
            self.dismiss(text.strip())
            return
        self.refusals += 1
        error = self.query_one("#confirm-error", Static)
        error.update(f"{text.strip()[:20]!r} does not confirm it; nothing was sent. Try again.")
        error.add_class("-shown")
        event.input.value = ""

    def action_cancel(self) -> None:
        self.dismiss(None)
