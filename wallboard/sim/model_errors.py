"""The model's exceptions, one per HTTP answer the server maps them to.

Why here and not in `model.py`: the dynamics, control and lead modules raise them too, and they
must not import the facade. `model.py` re-exports all three, which is the name other code uses.
"""

from __future__ import annotations


class CallNotActive(Exception):
    """The uii is unknown, the call ended, or it archived (the server answers 404)."""


class NotFound(Exception):
    """An unknown campaign, dialog or segment (the server answers 404)."""


class InvalidRequest(Exception):
    """A parameter failed validation (the server answers 400 with `validationErrors`).

    `attribute` names the offending parameter as the platform spells it (e.g. `destination`,
    `gateId`), `value` is what was sent, and `str(exc)` is the human message."""

    def __init__(self, message: str, attribute: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.attribute = attribute
        self.value = value

    @property
    def message(self) -> str:
        return str(self)
