"""Seed 003's records (OutboundIQ live lead feed), with the seed's exact field names.

Unknown fields are tolerated everywhere: `dialerResponse` is the dialer's raw answer and differs
between RingCX and NewBridge. Counts are read leniently (NewBridge may send `"1"`), and
`DialerResponse.failed` is the one place that decides whether an answer is a failure even when
it came with HTTP 200.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

DialPriority = Literal["IMMEDIATE", "FIRST_PASS", "SECOND_PASS", "THIRD_PASS"]
DuplicateHandling = Literal["REMOVE_FROM_LIST", "RETAIN_ALL", "REMOVE_ALL_EXISTING"]
ListState = Literal["ACTIVE", "INACTIVE"]
TimeZoneOption = Literal["NOT_APPLICABLE", "NPA_NXX", "ZIPCODE", "EXPLICIT"]

#: The processing status a successful loader answer carries.
NOT_A_FAILURE = "DEFAULT_NOT_A_FAILURE"


class FeedWireModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class FeedLead(FeedWireModel):
    leadPhone: str
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None
    zip: str | None = None
    city: str | None = None
    address1: str | None = None
    address2: str | None = None
    state: str | None = None
    auxData1: str | None = None
    auxData2: str | None = None
    auxData3: str | None = None
    auxData4: str | None = None
    auxData5: str | None = None


class UploadOptions(FeedWireModel):
    """Optional upload options forwarded to the dialer's lead loader (seed 003)."""

    dialPriority: DialPriority | None = None
    duplicateHandling: DuplicateHandling | None = None
    listState: ListState | None = None
    timeZoneOption: TimeZoneOption | None = None
    description: str | None = None


class FeedRequest(FeedWireModel):
    campaignId: str
    lead: FeedLead
    options: UploadOptions | None = None


class DialerResponse(FeedWireModel):
    """The dialer lead loader's raw answer, as the feed passes it on."""

    leadsSupplied: int | None = None
    leadsAccepted: int | None = None
    leadsInserted: int | None = None
    message: str | None = None
    processingResult: str | None = None
    processingStatus: str | None = None
    rejectedRows: list[Any] = []
    errorCode: str | None = None
    generalMessage: str | None = None

    @field_validator("leadsSupplied", "leadsAccepted", "leadsInserted", mode="before")
    @classmethod
    def _count(cls, value: Any) -> int | None:
        """Counts may arrive as strings; anything unreadable is unknown, not an error."""
        if isinstance(value, bool):
            return None
        try:
            return int(str(value).strip()) if value is not None else None
        except ValueError:
            return None

    @property
    def failed(self) -> bool:
        """True when no lead was accepted or the status names a failure."""
        status = (self.processingStatus or "").upper()
        return (self.leadsAccepted or 0) == 0 or (bool(status) and status != NOT_A_FAILURE)

    def reason(self) -> str:
        """Why the dialer refused, in one line: its row reasons, else its message and status."""
        reasons = [
            str(row.get("reason"))
            for row in self.rejectedRows
            if isinstance(row, dict) and row.get("reason")
        ]
        parts = [*dict.fromkeys(reasons)]
        said = self.generalMessage or self.message
        if said and not parts:
            parts.append(said)
        status = self.processingStatus or self.errorCode
        if status and status != NOT_A_FAILURE:
            parts.append(status)
        if self.leadsAccepted == 0 and not parts:
            parts.append("the dialer accepted no leads")
        return "; ".join(parts) or "the dialer reported a failure"


class FeedResponse(FeedWireModel):
    """Any answer of `POST /live-feed/ringcx`: success, or an error with its reason."""

    success: bool | None = None
    dialerResponse: DialerResponse | None = None
    error: str | None = None
    message: str | None = None
