"""Provider for seed 003, OutboundIQ's live lead feed: push one lead at a time into a RingCX or
NewBridge campaign with a universal API key."""

from wallboard.providers.leadfeed.client import PRODUCTION_FEED_URL, LeadFeedClient
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
from wallboard.providers.leadfeed.wire import DialerResponse, FeedLead, UploadOptions

__all__ = [
    "PRODUCTION_FEED_URL",
    "DialerResponse",
    "FeedAuthError",
    "FeedBadRequest",
    "FeedCampaignNotFound",
    "FeedDialerRejected",
    "FeedError",
    "FeedLead",
    "FeedMalformed",
    "FeedRateLimited",
    "FeedUnavailable",
    "LeadFeedClient",
    "UploadOptions",
]
