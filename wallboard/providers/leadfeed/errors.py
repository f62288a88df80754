"""Typed errors of the live lead feed, one per row of seed 003's error table that needs a
different reaction: a row problem (`FeedBadRequest`, `FeedDialerRejected`) is written to the
rejects file and the push goes on; a problem with the key, the company or the campaign
(`FeedAuthError`, `FeedCampaignNotFound`) stops the push, since every later row would fail the
same way. Messages never contain the API key.
"""

from __future__ import annotations

from wallboard.providers.leadfeed.wire import DialerResponse


class FeedError(Exception):
    """Base of every lead-feed error; `status` is the HTTP status when there was one."""

    #: True when the failure is about one lead, so the next lead may well succeed.
    row_level = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class FeedAuthError(FeedError):
    """401 (missing, invalid or inactive key) or 403 (the key is not universal)."""


class FeedBadRequest(FeedError):
    """400: the lead failed validation, or the company's dialer configuration cannot work."""

    row_level = True


class FeedCampaignNotFound(FeedError):
    """404: no campaign with this id exists for the key's company."""


class FeedDialerRejected(FeedError):
    """502: the dialer's lead loader refused the upload; `dialer` holds its details."""

    row_level = True

    def __init__(self, message: str, *, dialer: DialerResponse | None, status: int = 502) -> None:
        super().__init__(message, status=status)
        self.dialer = dialer


class FeedRateLimited(FeedError):
    """429 more times than the client retries; `retry_after` in seconds."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class FeedUnavailable(FeedError):
    """Another 5xx, a timeout or a connection failure."""


class FeedMalformed(FeedError):
    """The answer could not be read as the seed describes it."""
