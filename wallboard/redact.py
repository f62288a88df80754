"""Scrub secret values out of text before it reaches a log line, an exception or the screen.

Why a registry of values and not a pattern: tokens have no reliable shape (JWTs, opaque strings,
UUIDs), so the only sure way to keep them out of text that quotes a platform's answer is to know
them. Sign-in registers every credential and token it handles; anything built from a response
body goes through `scrub` first.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

from pydantic import SecretStr

MASK = "***"
#: Shorter values are not registered: masking "1" or "abc" everywhere would garble messages
#: and such values are not secrets anyone could reuse.
MIN_SECRET_LENGTH = 6


class Redactor:
    """The secret values one client knows about. Bounded: old rotated tokens fall off after
    `keep` newer ones arrived (they have long expired by then)."""

    def __init__(self, secrets: Iterable[str | SecretStr | None] = (), *, keep: int = 64) -> None:
        self._values: deque[str] = deque(maxlen=keep)
        self._lock = threading.Lock()
        for secret in secrets:
            self.add(secret)

    def __repr__(self) -> str:
        return f"Redactor({len(self._values)} values)"

    def add(self, secret: str | SecretStr | None) -> None:
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value not in self._values:
                self._values.append(value)

    def scrub(self, text: str) -> str:
        """`text` with every known secret replaced by `***` (longest first, so a token that
        contains another is masked whole)."""
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, MASK)
        return text
