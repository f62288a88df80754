"""The keys of the supervisor call actions (issue 6), one `Binding` per action of `ACTIONS`.

Why a module of its own: the calls table lists these bindings and the app lists the audit key,
while the handlers live in `actions_keys`; keeping the key table here avoids an import cycle
between the calls pane and the app. Each binding has an `id=` (`calls.<action>`), so `[ui] keys`
remaps it, and runs on the app (`app.call_action(...)`), whose `check_action` hides every one of
them when the screen is read-only or has no action layer.
"""

from __future__ import annotations

from textual.binding import Binding

from wallboard.actions import ACTIONS

#: Short footer words; the help shows them with the binding id, the palette with the title.
FOOTER_WORDS: dict[str, str] = {
    "monitor": "Monitor",
    "coach": "Coach",
    "barge": "Barge",
    "record": "Record",
    "hold": "Hold",
    "requeue": "Requeue",
    "dispose": "Dispose",
    "ping": "Ping",
    "hangup": "Hang up",
    "drop": "Drop session",
    "dial": "Dial agent",
}

#: The app-level action that runs every call action (what `check_action` guards).
CALL_ACTION = "call_action"
AUDIT_ACTION = "audit_pane"

CALL_ACTION_BINDINGS: list[Binding] = [
    Binding(
        spec.key,
        f"app.{CALL_ACTION}('{name}')",
        FOOTER_WORDS.get(name, spec.title),
        tooltip=spec.title,
        id=f"calls.{name}",
    )
    for name, spec in ACTIONS.items()
    if spec.key
]

AUDIT_BINDING = Binding("A", AUDIT_ACTION, "Audit", id="wallboard.audit")
