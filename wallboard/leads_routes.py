"""The two ways a checked lead reaches a campaign: OutboundIQ's live lead feed (seed 003, one lead
per request) or RingCX's own lead loader (many leads per request).

Both answer the same question for a batch of leads: which were accepted, how many were inserted,
and why each of the others was refused. A problem that every later lead would meet too (the key
or the account refused, an unknown campaign, the platform down) raises `PushStopped` instead, so
the caller can mark the unsent rows and stop rather than spend the budget on certain failures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from wallboard.leads_check import FEED_FIELDS, LOADER_FIELDS, CheckedLead
from wallboard.providers.leadfeed import (
    FeedError,
    FeedLead,
    FeedRateLimited,
    LeadFeedClient,
    UploadOptions,
)
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import InvalidRequest, RateLimited, RingCxError
from wallboard.providers.ringcx.wire import Lead, LeadLoaderRequest, LeadLoaderResult

#: Budget refusals waited out before a loader push gives up.
LOADER_RATE_RETRIES = 3


class PushStopped(Exception):
    """The push cannot go on; `reason` is written against every row not yet sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LeadResult:
    """One lead's fate: accepted (perhaps not inserted: a duplicate) or refused, with why."""

    accepted: bool
    reason: str | None = None


@dataclass(frozen=True)
class BatchResult:
    results: tuple[LeadResult, ...]
    inserted: int


class LeadRoute(Protocol):
    """Where leads go. `batch_size` leads are given to `push` at a time."""

    name: str
    batch_size: int
    fields: tuple[str, ...]

    async def push(
        self, campaign_id: str, leads: Sequence[CheckedLead], options: Mapping[str, str]
    ) -> BatchResult: ...


class FeedRoute:
    """Seed 003's live lead feed, one lead per request, paced by the client."""

    name = "feed"
    batch_size = 1
    fields: tuple[str, ...] = FEED_FIELDS

    def __init__(self, client: LeadFeedClient) -> None:
        self.client = client

    async def push(
        self, campaign_id: str, leads: Sequence[CheckedLead], options: Mapping[str, str]
    ) -> BatchResult:
        upload = UploadOptions.model_validate(dict(options)) if options else None
        results: list[LeadResult] = []
        inserted = 0
        for lead in leads:
            try:
                answer = await self.client.push(
                    campaign_id, FeedLead.model_validate(dict(lead.fields)), upload
                )
            except FeedRateLimited as error:
                raise PushStopped(f"not sent: {error.message}") from None
            except FeedError as error:
                if not error.row_level:
                    raise PushStopped(f"not sent: {error.message}") from None
                results.append(LeadResult(False, error.message))
                continue
            if answer.failed:
                results.append(LeadResult(False, f"rejected by the dialer: {answer.reason()}"))
                continue
            results.append(LeadResult(True))
            inserted += answer.leadsInserted or 0
        return BatchResult(tuple(results), inserted)


class LoaderRoute:
    """RingCX's `leadLoader/direct`, `batch_size` leads per request, on the account's budget."""

    name = "loader"
    fields: tuple[str, ...] = LOADER_FIELDS

    def __init__(self, client: RingCxClient, batch_size: int = 500) -> None:
        self.client = client
        self.batch_size = batch_size

    async def push(
        self, campaign_id: str, leads: Sequence[CheckedLead], options: Mapping[str, str]
    ) -> BatchResult:
        request = LeadLoaderRequest.model_validate(
            {**options, "uploadLeads": [Lead.model_validate(dict(x.fields)) for x in leads]}
        )
        try:
            result = await self._send(campaign_id, request)
        except InvalidRequest as error:
            return BatchResult(tuple(LeadResult(False, error.message) for _ in leads), 0)
        except RingCxError as error:
            raise PushStopped(f"not sent: {error.message}") from None
        return BatchResult(_row_results(result, len(leads)), result.leadsInserted)

    async def _send(self, campaign_id: str, request: LeadLoaderRequest) -> LeadLoaderResult:
        for attempt in range(LOADER_RATE_RETRIES + 1):
            try:
                return await self.client.load_leads(campaign_id, request)
            except RateLimited as error:
                if attempt == LOADER_RATE_RETRIES or error.retry_after > 60:
                    raise
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")


def _row_results(result: LeadLoaderResult, count: int) -> tuple[LeadResult, ...]:
    """Per-lead results from a loader answer; `rejectedRows[].row` is 1-based in the upload."""
    reasons: dict[int, str] = {}
    for item in result.rejectedRows:
        if isinstance(item, dict) and isinstance(item.get("row"), int):
            reasons[item["row"]] = str(item.get("reason") or "rejected by the loader")
    if result.failed:
        summary = result.processingStatus or result.message or "the loader accepted no leads"
        return tuple(
            LeadResult(False, f"rejected by the loader: {reasons.get(i, summary)}")
            for i in range(1, count + 1)
        )
    return tuple(
        LeadResult(False, f"rejected by the loader: {reasons[i]}")
        if i in reasons
        else LeadResult(True)
        for i in range(1, count + 1)
    )
