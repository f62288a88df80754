"""What clients asked the simulator, so tests can assert on traffic (e.g. "the wallboard made no
more than 8 real-time requests a minute", "the 429 was honoured").

Why a fingerprint and not the token: the log is served over HTTP at `/_sim/requests` and shown in
test failures, so it must never carry a credential. A fingerprint still tells tokens apart.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

#: How `status` is shown for a request whose connection the simulator cut on purpose.
DROPPED = "dropped"


@dataclass(frozen=True)
class RequestEntry:
    """One request: when (simulated time), what, which family, how it ended."""

    time: str
    method: str
    path: str
    family: str
    status: int | str
    token: str | None = None
    fault: str | None = None
    duration_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """A bounded, thread-safe log with per-(family, status) counts that survive truncation."""

    def __init__(self, maxlen: int = 20_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RequestEntry] = deque(maxlen=maxlen)
        self._counts: Counter[tuple[str, str]] = Counter()

    def record(self, entry: RequestEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            self._counts[(entry.family, str(entry.status))] += 1

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()

    def entries(self, last: int | None = None) -> list[RequestEntry]:
        with self._lock:
            items = list(self._entries)
        return items if last is None else items[-last:] if last > 0 else []

    def count(
        self,
        family: str | None = None,
        status: int | str | None = None,
        path_contains: str | None = None,
    ) -> int:
        """How many logged requests match every given filter."""
        return sum(
            1
            for e in self.entries()
            if (family is None or e.family == family)
            and (status is None or str(e.status) == str(status))
            and (path_contains is None or path_contains in e.path)
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """`{family: {status: n}}` over everything recorded since the last reset."""
        with self._lock:
            pairs = list(self._counts.items())
        result: dict[str, dict[str, int]] = {}
        for (family, status), n in sorted(pairs):
            result.setdefault(family, {})[status] = n
        return result

    def snapshot(self, last: int = 50) -> dict[str, Any]:
        """The `/_sim/requests` answer."""
        with self._lock:
            total = sum(self._counts.values())
        return {
            "total": total,
            "counts": self.counts(),
            "entries": [e.as_dict() for e in self.entries(last)],
        }
