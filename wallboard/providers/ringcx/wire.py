"""RingCX wire records, spelled exactly as the platform spells them.

Why a separate module: the seeds and API notes are the contract; these models are the one place
that contract is written down in code. Every model tolerates unknown fields (the platform adds
fields without notice) and `parse_records` turns one malformed record into a counted warning
instead of failing its whole batch, so one bad campaign never blanks the wallboard.

Field names are camelCase on purpose: they match the JSON, so a grep for a documented field name
finds its model. Identity fields that the seeds call `subaccountId` and the older spec calls
`accountId` are both accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, field_validator

EPOCH_MS_FLOOR = 100_000_000_000
"""1973 in milliseconds: a time value at or above it is an epoch in milliseconds."""
EPOCH_S_FLOOR = 1_000_000_000
"""2001 in seconds: a time value at or above it (and below `EPOCH_MS_FLOOR`) is an epoch in
seconds; a positive value below it is a duration in seconds."""
TIME_JITTER_S = 2.0
"""How far two polls' readings of one instant may differ and still be the same instant:
durations are whole seconds as of the answer, read at the poll time (truncation plus the
answer's latency)."""


def parse_platform_datetime(value: Any) -> Any:
    """Accept the platform's timestamp spellings: ISO-8601 with `Z`, `+00:00` or `+0000`
    offsets (the seeds' examples use `2020-05-08T14:40:47.000+0000`), or epoch milliseconds.

    Pydantic reads all three ISO offsets itself, so a string is only trimmed (empty: None).
    This runs for every timestamp of every record (30,000 a cycle at 10,000 calls), which is
    why the common case, a string with nothing to trim, returns at once."""
    if isinstance(value, str):
        if value and not value[0].isspace() and not value[-1].isspace():
            return value
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000.0 if value > 1e11 else value).astimezone()
    return value


class WireModel(BaseModel):
    """Base for every wire record: unknown fields kept, not rejected.

    `defer_build`: a model's validator is built when it is first used, not at import; the
    screen uses a handful of these models, and building all of them delayed its start."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class _Timestamped(WireModel):
    lastUpdate: datetime | None = None

    @field_validator("lastUpdate", mode="before")
    @classmethod
    def _parse_last_update(cls, value: Any) -> Any:
        return parse_platform_datetime(value)


# --- Real-time data (seed 000 and API notes) -------------------------------------------------


class OutboundStats(_Timestamped):
    """One outbound campaign's live pacing and today's dial outcomes (`realTimeData/outbound`)."""

    campaignId: int
    campaignName: str = ""
    subaccountId: str | None = None
    accountId: str | None = None
    dialGroupId: int | None = None
    dialGroupName: str | None = None
    active: int = 0
    ready: int = 0
    pending: int = 0
    complete: int = 0
    other: int = 0
    staffed: int = 0
    available: int = 0
    connects: int = 0
    answer: int = 0
    noanswer: int = 0
    machine: int = 0
    busy: int = 0
    intercept: int = 0
    fax: int = 0
    abandon: int = 0
    dnc: int = 0
    notHumanAnswers: int = 0
    successDispositions: int = 0
    totalTalkTime: int = 0


class IvrStats(_Timestamped):
    """One Visual IVR application's live load and today's counters (`realTimeData/ivr`)."""

    visualIvrId: int
    ivrGroupId: int | None = None
    subaccountId: str | None = None
    accountId: str | None = None
    visualIvrName: str = ""
    ivrGroupName: str | None = None
    active: int = 0
    presented: int = 0
    connected: int = 0
    transferGate: int = 0
    transferCloud: int = 0
    transferTrac: int = 0


class InboundQueueStats(_Timestamped):
    """One inbound queue (gate) (`realTimeData/inbound`, API notes; field presence best-effort)."""

    gateId: int
    gateName: str = ""
    gateGroupId: int | None = None
    groupName: str | None = None
    subaccountId: str | None = None
    accountId: str | None = None
    inQueue: int = 0
    longestInQueue: int = 0
    active: int = 0
    staffed: int = 0
    available: int = 0
    presented: int = 0
    accepted: int = 0
    abandoned: int = 0
    shortAbandon: int = 0
    deflected: int = 0
    routing: int = 0
    slaPass: int = 0
    slaFail: int = 0
    longCall: int = 0
    shortCall: int = 0
    successDispositions: int = 0
    totalAnswerTime: int = 0
    totalQueueTime: int = 0
    totalTalkTime: int = 0
    totalAbandonTime: int = 0


class AgentStats(_Timestamped):
    """One logged-in agent (`realTimeData/agent`, API notes; field presence best-effort)."""

    TICKING: ClassVar[tuple[str, ...]] = ("stateTime", "loginTime")
    """Durations as of the answer: they change in every answer without the agent changing."""

    agentId: int
    firstName: str = ""
    lastName: str = ""
    username: str | None = None
    agentGroupName: str | None = None
    subaccountId: str | None = None
    accountId: str | None = None
    agentState: str = "UNKNOWN"
    stateTime: int = 0
    loginTime: int = 0
    callUii: str | None = None
    callAni: str | None = None
    callDnis: str | None = None
    campaignId: int | None = None
    gateId: int | None = None
    callsHandled: int = 0
    rna: int = 0
    pendingDisposition: bool = False
    onHoldDts: str | None = None
    totalTalkTime: int = 0
    successDispositions: int = 0


# --- Active calls (seed 001) -------------------------------------------------------------------


class ActiveCallListResponse(WireModel):
    """One call in flight (`activeCalls/list`). `uii` keys every control action."""

    uii: str
    accountId: str | None = None
    ani: str | None = None
    dnis: str | None = None
    dnisE164: str | None = None
    enqueueTime: datetime | None = None
    dequeueTime: datetime | None = None
    callState: str = "ACTIVE"
    archive: bool = False
    agentFirstName: str | None = None
    agentLastName: str | None = None
    destinationName: str | None = None
    externalId: str | None = None
    cnam: str | None = None

    @field_validator("enqueueTime", "dequeueTime", mode="before")
    @classmethod
    def _parse_times(cls, value: Any) -> Any:
        return parse_platform_datetime(value)


class ValidationErrorItem(WireModel):
    attributeName: str | None = None
    message: str | None = None
    value: Any = None


class ApiErrorBody(WireModel):
    """The platform's error body, e.g. `access.denied.exception` with its `generalMessage`."""

    errorCode: str | None = None
    generalMessage: str | None = None
    details: str | None = None
    developerMessage: str | None = None
    requestUri: str | None = None
    timestamp: int | None = None
    validationErrors: list[ValidationErrorItem] = []


# --- Authentication (API notes) ----------------------------------------------------------------


class RcTokenResponse(WireModel):
    """RingCentral's answer to the JWT grant (`/restapi/oauth/token`)."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int = 3600
    refresh_token: str | None = None
    refresh_token_expires_in: int | None = None
    scope: str | None = None
    owner_id: str | None = None


class AgentDetail(WireModel):
    agentId: int | str | None = None
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None
    username: str | None = None
    accountId: str | None = None


class RingCxTokenResponse(WireModel):
    """RingCX's answer to the token exchange and to a refresh."""

    accessToken: str
    refreshToken: str | None = None
    tokenType: str = "Bearer"
    mainAccountId: str | None = None
    adminId: int | str | None = None
    agentDetails: list[AgentDetail] = []


class SubAccount(WireModel):
    """One entry of `GET /voice/api/v1/admin/accounts`."""

    accountId: str
    accountName: str | None = None
    mainAccountId: str | None = None


class RcAccountInfo(WireModel):
    """`GET {platform}/restapi/v1.0/account/~`: the RingCentral account id reports need."""

    id: str

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


# --- WFM reports (seed 002 and API notes) ------------------------------------------------------


class AggStatsRequest(WireModel):
    """Body of `agg-queue-stats`, `agg-agent-stats` and `agg-agent-extended-stats`."""

    startDate: str
    endDate: str
    timeInterval: int
    timeZone: str


class InteractionMetadataRequest(WireModel):
    """Body of `interaction-metadata`."""

    segmentEndTime: str
    timeInterval: int
    timeZone: str


class QueueIntervalStats(WireModel):
    dateTimeFrom: str
    interval: int | None = None
    queue: str | int | None = None
    queueName: str | None = None
    offdDirectIxnCnt: int = 0
    answIxnCnt: int = 0
    abandIxnCnt: int = 0
    abandShortIxnCnt: int = 0
    abandWithinSlCnt: int = 0
    ansServicelevelCnt: int = 0
    completedContacts: int = 0
    queuedAndAnswIxnDur: float = 0
    queuedAndAbandIxnDur: float = 0
    queuedAnswLongestQueDur: float = 0
    queuedAbandLongestQueDur: float = 0
    talkingIxnDur: float = 0
    wrapUpDur: float = 0
    waitDur: float = 0
    segmentHoldTime: float = 0
    overflowInIxnCnt: int = 0
    overflowOutIxnCnt: int = 0


class AgentIntervalStats(WireModel):
    dateTimeFrom: str
    interval: int | None = None
    agentId: str | int | None = None
    agentName: str | None = None
    availDur: float = 0
    totWorkDur: float = 0
    pauseDur: float = 0
    waitDur: float = 0
    adminDur: float = 0
    directOutIxnCnt: int = 0
    directOutIxnDur: float = 0
    directInIxnCnt: int = 0
    directInIxnDur: float = 0


class AgentExtendedIntervalStats(WireModel):
    dateTimeFrom: str
    interval: int | None = None
    agentId: str | int | None = None
    agentName: str | None = None
    queue: str | int | None = None
    queueName: str | None = None
    talkingIxnDur: float = 0
    wrapUpDur: float = 0
    answIxnCnt: int = 0
    transferOutIxnCnt: int = 0


class SegmentEvent(WireModel):
    eventTimeMs: int
    eventType: str


class InteractionSegment(WireModel):
    """One participant's segment of a dialog (`interaction-metadata`)."""

    dialogId: str
    interactionId: str | None = None
    channelType: str | None = None
    segmentId: str
    segmentType: str | None = None
    segmentParticipantId: str | None = None
    segmentStartTimeMs: int | None = None
    segmentEndTimeMs: int | None = None
    segmentDurationMs: int | None = None
    segmentAgentGroupId: str | None = None
    systemDisposition: str | None = None
    agentDisposition: str | None = None
    agentNotes: str | None = None
    hasRecording: bool = False
    hasTranscript: bool = False
    segmentEvents: list[SegmentEvent] = []


# --- Lead loader (API notes; lead fields as in seed 003) ---------------------------------------


class Lead(WireModel):
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
    externId: str | None = None
    leadTimezone: str | None = None


class LeadLoaderRequest(WireModel):
    """Body of `campaigns/{campaignId}/leadLoader/direct`."""

    description: str | None = None
    dialPriority: str | None = None
    duplicateHandling: str | None = None
    listState: str | None = None
    timeZoneOption: str | None = None
    uploadLeads: list[Lead] = []


class LeadLoaderResult(WireModel):
    """The loader's answer. It can be HTTP 200 and still have failed: read `processingStatus`
    and the counts (see `failed`)."""

    leadsSupplied: int = 0
    leadsAccepted: int = 0
    leadsInserted: int = 0
    message: str | None = None
    processingResult: str | None = None
    processingStatus: str | None = None
    rejectedRows: list[Any] = []

    @property
    def failed(self) -> bool:
        status = (self.processingStatus or "").upper()
        return self.leadsAccepted == 0 or (bool(status) and status != "DEFAULT_NOT_A_FAILURE")


# --- Lenient batch parsing ---------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ParseWarning:
    """Why one record of a batch was skipped; `index` is its position in the batch."""

    model: str
    index: int
    reason: str


@dataclass(frozen=True)
class ParsedBatch(Generic[M]):
    records: tuple[M, ...]
    warnings: tuple[ParseWarning, ...] = ()


def short_reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "record"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


@cache
def array_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def parse_json_array(model: type[M], content: bytes) -> ParsedBatch[M] | None:
    """Parse a JSON array answer straight from its bytes, in one pass of pydantic's own JSON
    parser: about twice as fast as `json.loads` then one `model_validate` per record, which is
    what 10,000 calls a cycle cost. None when the answer is not a well-formed array of good
    records (a bad record, a wrapped list, broken JSON): the caller then takes the lenient
    path (`parse_records`), so one bad record still costs only itself."""
    try:
        return ParsedBatch(tuple(array_adapter(model).validate_json(content)))
    except ValidationError:
        return None


def parse_records(model: type[M], payload: Any) -> ParsedBatch[M]:
    """Validate a JSON array record by record: good records kept, bad ones become warnings.

    A payload that is not a list at all is one warning and no records, never an exception."""
    name = model.__name__
    if not isinstance(payload, list):
        kind = type(payload).__name__
        return ParsedBatch((), (ParseWarning(name, -1, f"expected a JSON array, got {kind}"),))
    records: list[M] = []
    warnings: list[ParseWarning] = []
    for index, item in enumerate(payload):
        try:
            records.append(model.model_validate(item))
        except ValidationError as error:
            warnings.append(ParseWarning(name, index, short_reason(error)))
    return ParsedBatch(tuple(records), tuple(warnings))
