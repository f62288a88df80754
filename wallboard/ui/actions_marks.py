"""What this console knows about the calls it acted on, as short marks for the calls pane.

Why marks from the console and not from the platform: the active-call listing carries no
recording or session fields, so the only truthful marks are the ones this console set (a session
it attached, recording or hold it switched). The help says so ("set from this console").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wallboard.actions import Outcome

#: Letter shown in the calls pane's mark column, and what it means (for the help).
LEGEND: tuple[tuple[str, str], ...] = (
    ("R", "recording switched on"),
    ("M", "a monitor session attached"),
    ("C", "a coach session attached"),
    ("B", "a barge-in session attached"),
    ("H", "put on hold"),
)
_SESSION_LETTERS = {"monitor": "M", "coach": "C", "barge": "B"}


@dataclass
class ConsoleMarks:
    """Per call: recording and hold as last set here, and the sessions attached here."""

    recording: dict[str, bool] = field(default_factory=dict)
    hold: dict[str, bool] = field(default_factory=dict)
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)
    """call -> {phone: session letter}."""

    def apply(self, outcome: Outcome) -> bool:
        """Take a successful outcome into account; True if a mark may have changed."""
        request = outcome.request
        call = request.call
        if not outcome.ok or call is None:
            return False
        params = outcome.parameters
        action = request.action
        if action == "record":
            self.recording[call] = bool(params["state"])
        elif action == "hold":
            self.hold[call] = bool(params["state"])
        elif action in _SESSION_LETTERS:
            self.sessions.setdefault(call, {})[str(params["phone"])] = _SESSION_LETTERS[action]
        elif action == "drop":
            attached = self.sessions.get(call, {})
            phone = params.get("phone")
            if phone is not None and phone in attached:
                del attached[phone]
            else:  # dropped by session id: which of ours it was is unknown, so claim none
                attached.clear()
        else:
            return False
        return True

    def text(self, call: str) -> str:
        """The mark for `call` ("" when this console set nothing on it)."""
        letters = "R" if self.recording.get(call) else ""
        for letter in ("M", "C", "B"):
            if letter in self.sessions.get(call, {}).values():
                letters += letter
        if self.hold.get(call):
            letters += "H"
        return letters

    def all(self) -> dict[str, str]:
        calls = set(self.recording) | set(self.hold) | set(self.sessions)
        return {call: mark for call in calls if (mark := self.text(call))}


def legend_text() -> str:
    """The help's paragraph on the marks."""
    lines = ["Call marks (set from this console, not read from the platform):"]
    lines += [f"  {letter}  {meaning}" for letter, meaning in LEGEND]
    return "\n".join(lines)
