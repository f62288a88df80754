"""What each supervisor action is and what its parameters must look like.

Why apart from the layer that performs them: the screen builds its key bindings, forms and help
from this table, and the command line its sub-commands, without touching the platform. The
checks here raise `InvalidInput` naming the parameter; nothing is sent until they pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from wallboard.config import ConfirmPolicy


class Status(StrEnum):
    OK = "ok"
    FAILED = "failed"  # the platform answered false
    STALE = "stale"  # the call has already ended (404)
    DENIED = "denied"  # no RingCX Admin permission (403)
    RATE_LIMITED = "rate_limited"  # not sent: budget or 429; see retry_after_s
    INVALID = "invalid"  # bad input, refused locally or by the platform (400)
    REFUSED = "refused"  # read-only, or not confirmed: nothing sent
    UNAVAILABLE = "unavailable"  # network or 5xx: it may or may not have happened
    ERROR = "error"  # anything else (sign-in, malformed answer, audit log)


@dataclass(frozen=True)
class ParamSpec:
    """One parameter an action takes, as text (a form field or a command-line option)."""

    name: str
    label: str
    required: bool = False
    hint: str = ""


@dataclass(frozen=True)
class ActionSpec:
    """What the screen needs to offer an action: title, default key, parameters, and policy."""

    name: str
    title: str
    key: str | None
    """Default key (remappable by the screen); None for palette-only actions."""
    needs_call: bool
    params: tuple[ParamSpec, ...] = ()
    confirm: ConfirmPolicy = "none"
    """Default confirmation policy; `[actions] confirm` overrides it per action."""
    word: str = ""
    """The word that confirms a typed confirmation (besides the call's last digits)."""


_PHONE = ParamSpec(
    "phone", "Your phone", hint="10 digits or E.164; default [actions] supervisor_phone"
)
_STATE = ParamSpec("state", "On or off", hint="on/off; default: the opposite of the last set")

ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec("monitor", "Monitor (listen)", "m", True, (_PHONE,)),
        ActionSpec("coach", "Coach (whisper)", "c", True, (_PHONE,)),
        ActionSpec("barge", "Barge in", "b", True, (_PHONE,), "typed", "BARGE"),
        ActionSpec("record", "Recording on/off", "r", True, (_STATE,)),
        ActionSpec("hold", "Hold on/off", "o", True, (_STATE,)),
        ActionSpec(
            "requeue", "Requeue to a gate", "e", True, (ParamSpec("gate", "Gate id", True),)
        ),
        ActionSpec(
            "dispose",
            "Disposition",
            "d",
            True,
            (
                ParamSpec("disposition", "Disposition", True, "one of [actions] dispositions"),
                ParamSpec("callback", "Callback at", hint="YYYY-MM-DD HH:MM, account time"),
                ParamSpec("notes", "Notes"),
            ),
        ),
        ActionSpec("ping", "Ping (keep addressable)", "k", True),
        ActionSpec("hangup", "Hang up the call", "h", True, (), "typed", "HANGUP"),
        ActionSpec(
            "drop",
            "Drop one session",
            "x",
            True,
            (_PHONE, ParamSpec("session", "Session id", hint="instead of the phone")),
        ),
        ActionSpec(
            "dial",
            "Manual agent call",
            "n",
            False,
            (
                ParamSpec("username", "Agent username", True),
                ParamSpec("destination", "Destination", True, "10 digits or E.164"),
                ParamSpec("ring", "Ring seconds", hint="1-300; default [actions] ring_duration"),
                ParamSpec("caller_id", "Caller id", hint="default [actions] caller_id"),
            ),
        ),
    )
}

SESSION_TYPES = {"monitor": "MONITOR", "coach": "COACHING", "barge": "BARGEIN"}
_SEPARATORS = re.compile(r"[\s().-]")
_UII = re.compile(r"^\d{1,40}$")
SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_ON = {"on": True, "true": True, "yes": True, "1": True}
_OFF = {"off": False, "false": False, "no": False, "0": False}
MAX_NOTES = 500


class InvalidInput(ValueError):
    """A parameter cannot be sent; the message names it and says what would be accepted."""


def check_phone(text: str, name: str = "phone") -> str:
    """A phone number as the platform accepts it: 10 digits, or E.164 (`+`, then up to 15
    digits). Spaces, dots, dashes and parentheses are dropped first."""
    compact = _SEPARATORS.sub("", text.strip())
    if re.fullmatch(r"\d{10}", compact) or re.fullmatch(r"\+[1-9]\d{7,14}", compact):
        return compact
    shown = text.strip()[:40]
    raise InvalidInput(
        f"{name} {shown!r} is not a phone number: use 10 digits (6501234567) "
        "or E.164 (+15554150123)"
    )


def check_uii(text: str | None) -> str:
    if not text or not _UII.match(text.strip()):
        raise InvalidInput(f"call id {str(text)[:40]!r} is not a call id (digits only)")
    return text.strip()


def check_state(text: str, name: str) -> bool:
    key = text.strip().lower()
    if key in _ON or key in _OFF:
        return _ON.get(key, False)
    raise InvalidInput(f"{name} {text[:20]!r} must be on or off")


def check_callback(text: str) -> str:
    """A callback time as yyyyMMddHHmmss (the account's local time, as typed)."""
    compact = text.strip()
    if re.fullmatch(r"\d{14}", compact):
        formats = ["%Y%m%d%H%M%S"]
    else:
        compact = compact.replace("T", " ")
        formats = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
    for fmt in formats:
        try:
            return datetime.strptime(compact, fmt).strftime("%Y%m%d%H%M%S")
        except ValueError:
            continue
    raise InvalidInput(f"callback {text[:30]!r} must look like 2025-01-16 14:30")
