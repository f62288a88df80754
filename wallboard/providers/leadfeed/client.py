"""A typed httpx client for seed 003's live lead feed: `POST /live-feed/ringcx`, one lead a call.

Why the client paces itself: the seed states no limit, but a file of thousands of leads is
thousands of requests to a service that forwards each one to a dialer with its own budget. The
client keeps at most `max_per_minute` sends in any 60 seconds (a sliding window, like the RingCX
budget) and honours `429 Retry-After` a few times before giving up. It never retries anything
else: a push that may have reached the dialer must not be sent twice.

The API key is a `SecretStr`, sent only in the Authorization header; any text quoted from an
answer is scrubbed of it, so no message, log line or screen shows it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr, ValidationError

from wallboard.providers.http_client import async_client
from wallboard.providers.leadfeed.errors import (
    FeedAuthError,
    FeedBadRequest,
    FeedCampaignNotFound,
    FeedDialerRejected,
    FeedError,
    FeedMalformed,
    FeedRateLimited,
    FeedUnavailable,
)
from wallboard.providers.leadfeed.wire import (
    DialerResponse,
    FeedLead,
    FeedRequest,
    FeedResponse,
    UploadOptions,
)
from wallboard.redact import Redactor

PRODUCTION_FEED_URL = "https://api.outboundiq.cloud"
UPLOAD_PATH = "/live-feed/ringcx"
QUOTE_LIMIT = 200
DEFAULT_MAX_PER_MINUTE = 120
RATE_RETRIES = 3
MAX_RETRY_WAIT = 60.0


class SendWindow:
    """At most `limit` sends in any `window` seconds; `wait()` sleeps until a send is allowed."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.window:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self.window - (now - self._sent[0]))


def _retry_after(value: str | None) -> float:
    if not value:
        return 1.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 1.0


class LeadFeedClient:
    """Pushes leads through the live lead feed. Use as `async with LeadFeedClient(...) as c:`."""

    def __init__(
        self,
        api_key: SecretStr,
        *,
        base_url: str = PRODUCTION_FEED_URL,
        http: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        max_per_minute: int = DEFAULT_MAX_PER_MINUTE,
    ) -> None:
        if not api_key.get_secret_value().strip():
            raise ValueError("the lead feed API key is empty")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the lead feed URL must start with http:// or https://")
        self._key = api_key
        self._url = base_url.rstrip("/") + UPLOAD_PATH
        self._own_http = http is None
        self._http = http or async_client((base_url,), timeout=timeout)
        self._redactor = Redactor([api_key])
        self._window = SendWindow(max_per_minute)

    def __repr__(self) -> str:
        return f"LeadFeedClient(url={self._url!r})"

    async def __aenter__(self) -> LeadFeedClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def push(
        self, campaign_id: str, lead: FeedLead, options: UploadOptions | None = None
    ) -> DialerResponse:
        """Push one lead; the dialer's answer on HTTP 200 (check its `failed`: the feed can
        answer 200 for a lead the dialer did not accept), a `FeedError` otherwise."""
        body = FeedRequest(campaignId=str(campaign_id), lead=lead, options=options)
        payload = body.model_dump(mode="json", exclude_none=True)
        for attempt in range(RATE_RETRIES + 1):
            await self._window.wait()
            response = await self._send(payload)
            if response.status_code != 429:
                return self._answer(response)
            wait = _retry_after(response.headers.get("retry-after"))
            if attempt == RATE_RETRIES or wait > MAX_RETRY_WAIT:
                break
            await asyncio.sleep(wait)
        raise FeedRateLimited(f"lead feed: rate limited (retry in {wait:.0f} s)", retry_after=wait)

    async def _send(self, payload: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._key.get_secret_value()}"}
        try:
            return await self._http.post(self._url, json=payload, headers=headers)
        except httpx.TimeoutException:
            raise FeedUnavailable(
                "lead feed: no answer in time (the lead may or may not have been loaded)"
            ) from None
        except httpx.TransportError as error:
            raise FeedUnavailable(
                f"lead feed: connection failed ({type(error).__name__})"
            ) from None

    def _answer(self, response: httpx.Response) -> DialerResponse:
        status = response.status_code
        parsed = self._parse(response)
        said = self._said(parsed, response)
        if status == 200:
            if parsed is None or parsed.dialerResponse is None:
                raise FeedMalformed(f"lead feed: 200 without a dialerResponse ({said})", status=200)
            return parsed.dialerResponse
        if status in (401, 403):
            what = "the API key is not universal" if status == 403 else "the API key was refused"
            raise FeedAuthError(f"lead feed: {what} ({status}: {said})", status=status)
        if status == 400:
            raise FeedBadRequest(f"rejected by the lead feed: {said}", status=400)
        if status == 404:
            raise FeedCampaignNotFound(f"lead feed: unknown campaign ({said})", status=404)
        if status == 502:
            dialer = parsed.dialerResponse if parsed else None
            reason = self._redactor.scrub(dialer.reason()) if dialer else said
            raise FeedDialerRejected(f"rejected by the dialer: {reason}", dialer=dialer)
        if status >= 500:
            raise FeedUnavailable(f"lead feed: unavailable (HTTP {status})", status=status)
        raise FeedError(f"lead feed: unexpected HTTP {status} ({said})", status=status)

    def _parse(self, response: httpx.Response) -> FeedResponse | None:
        try:
            data = json.loads(response.content)
        except ValueError:
            if response.status_code == 200:
                raise FeedMalformed("lead feed: the answer is not JSON", status=200) from None
            return None
        if not isinstance(data, dict):
            return None
        try:
            return FeedResponse.model_validate(data)
        except ValidationError:
            if response.status_code == 200:
                raise FeedMalformed("lead feed: unexpected answer shape", status=200) from None
            return None

    def _said(self, parsed: FeedResponse | None, response: httpx.Response) -> str:
        text = (parsed.error or parsed.message) if parsed else None
        if not text:
            text = response.text.strip().replace("\n", " ") or "no details"
        if len(text) > QUOTE_LIMIT:
            text = text[:QUOTE_LIMIT] + "…"
        return self._redactor.scrub(text)
