"""The outermost layer of the simulated platform: classify each request into its limit family,
apply any switched-on fault, and log what was asked and how it ended.

Why plain ASGI rather than a Starlette middleware class: two faults must act below the HTTP
response abstraction. `drop` sends the status line and headers and then cuts the connection
(uvicorn closes the socket when an app returns mid-body), so the client sees a transport error,
not a response; the body faults rewrite a finished response's bytes and fix its length.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wallboard.sim.auth import fingerprint
from wallboard.sim.clock import SimClock
from wallboard.sim.faults import MALFORMED_BODY, FaultRule, FaultSwitchboard, truncate, wrong_types
from wallboard.sim.requestlog import DROPPED, RequestEntry, RequestLog

_AUTH_EXACT = {"/voice/api/v1/admin/token", "/voice/api/v1/admin/accounts"}
_REALTIME_PARTS = ("/realTimeData/", "/activeCalls/", "/leadLoader/")
_DROP_LOG_MESSAGE = "ASGI callable returned without completing response."


def family_of(path: str) -> str:
    """Which limit family a path belongs to: `auth`, `realtime`, `reports`, `sim` or `other`."""
    if path.startswith("/_sim/"):
        return "sim"
    if path.startswith(("/restapi/", "/api/auth/")) or path.rstrip("/") in _AUTH_EXACT:
        return "auth"
    if path.startswith("/voice/api/cx/integration/"):
        return "reports"
    if path.startswith("/voice/api/v1/admin/accounts/") and any(p in path for p in _REALTIME_PARTS):
        return "realtime"
    return "other"


class _QuietDrops(logging.Filter):
    """uvicorn reports a deliberately cut response as an error; for the `drop` fault it is the
    intended behaviour, so that one message is filtered (every other error still shows)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROP_LOG_MESSAGE


def install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _token_fingerprint(scope: Scope) -> str | None:
    token = _header(scope, b"x-auth-token")
    if token is None:
        _, _, token = (_header(scope, b"authorization") or "").partition(" ")
    return fingerprint(token.strip() or None)


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


class SimMiddleware:
    """Faults and the request log around the Starlette app. `/_sim/` passes straight through."""

    def __init__(
        self, app: ASGIApp, faults: FaultSwitchboard, log: RequestLog, clock: SimClock
    ) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim/"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        family = family_of(path)
        rule = self.faults.match(family, path) if family != "other" else None
        started = time.perf_counter()
        outcome: dict[str, Any] = {"status": 500}
        logged = False

        def log_once() -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            self.log.record(
                RequestEntry(
                    time=self.clock.now().isoformat(),
                    method=scope["method"],
                    path=path,
                    family=family,
                    status=outcome["status"],
                    token=_token_fingerprint(scope),
                    fault=rule.kind if rule else None,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
            )

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Logged before the last byte leaves: a client that has its answer can rely on
                # the log already holding it (tests count requests right after a call returns).
                log_once()
            await send(message)

        try:
            if rule is None:
                await self.app(scope, receive, tracking_send)
            else:
                outcome["status"] = await self._apply(rule, scope, receive, tracking_send)
        finally:
            log_once()

    async def _apply(self, rule: FaultRule, scope: Scope, receive: Receive, send: Send) -> Any:
        """Apply one fault; return the status to log (or `dropped`)."""
        kind = rule.kind
        if kind == "outage":
            kind = "drop" if self.faults.coin() else "server_error"
            rule = FaultRule("server_error", status=503)
        if kind == "slow":
            await asyncio.sleep(rule.delay)
            outcome: dict[str, Any] = {"status": 500}

            async def tracking_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    outcome["status"] = message["status"]
                await send(message)

            await self.app(scope, receive, tracking_send)
            return outcome["status"]
        if kind == "drop":
            await _drop(send)
            return DROPPED
        if kind == "rate_limit":
            retry = rule.retry_after_header()
            extra = [(b"retry-after", retry.encode())] if retry else []
            body = b'{"errorCode":"too.many.requests","generalMessage":"Rate limit exceeded"}'
            await _send_whole(send, 429, body, b"application/json", extra)
            return 429
        if kind == "server_error":
            await _send_whole(send, rule.status, *_error_page(rule.status))
            return rule.status
        return await self._damage(kind, scope, receive, send)

    async def _damage(self, kind: str, scope: Scope, receive: Receive, send: Send) -> int:
        """Run the real request, then damage its body before it leaves."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if kind == "malformed_json":
            body = MALFORMED_BODY
        elif kind == "truncated_json":
            body = truncate(body)
        else:
            body = wrong_types(body)
        status = int(start.get("status", 500))
        headers = _with_length(list(start.get("headers", [])), len(body))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return status


def _error_page(status: int) -> tuple[bytes, bytes]:
    """A 500 comes from the application (a JSON error body); 502 and 503 from the gateway in
    front of it (an HTML page), which is what a client really gets."""
    if status == 500:
        return (
            b'{"errorCode":"internal.server.error",'
            b'"generalMessage":"An unexpected error occurred"}',
            b"application/json",
        )
    reason = {502: b"Bad Gateway", 503: b"Service Unavailable"}.get(status, b"Error")
    page = b"<html><head><title>%d %s</title></head><body><h1>%s</h1></body></html>" % (
        status,
        reason,
        reason,
    )
    return page, b"text/html"


async def _send_whole(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    """Headers promising a body, a few bytes of it, then nothing: the server closes the socket."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"65536")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'[{"', "more_body": True})
