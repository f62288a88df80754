"""The wallboard's only door to RingCX: one typed method per endpoint of the seeds and API notes.

Why this shape: everything dangerous (secrets, rate limits, retries, error mapping) lives in
`auth` and `transport`; this module only builds requests and reads answers. Path values are
validated *before* a URL is built (a uii is digits only) so a bad value never reaches the
network, and query values always go through httpx's `params=` so they are encoded correctly (a
username's `@` becomes `%40`). The client knows two base URLs from configuration and nothing
else: production and the simulator look the same to it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import from_json

from wallboard.budget import BudgetRegistry, BudgetState, Priority, default_registry
from wallboard.config import AccountConfig, ConfigError
from wallboard.providers.http_client import async_client
from wallboard.providers.ringcx.auth import ApiTokenSignIn, JwtSignIn
from wallboard.providers.ringcx.errors import (
    ActionFailed,
    ConfigurationError,
    InvalidRequest,
    MalformedResponse,
)
from wallboard.providers.ringcx.record_memo import Converted, NotJson, RecordMemo
from wallboard.providers.ringcx.transport import Kind, Transport
from wallboard.providers.ringcx.wire import (
    ActiveCallListResponse,
    AgentExtendedIntervalStats,
    AgentIntervalStats,
    AgentStats,
    InboundQueueStats,
    InteractionSegment,
    IvrStats,
    LeadLoaderRequest,
    LeadLoaderResult,
    OutboundStats,
    ParsedBatch,
    ParseWarning,
    QueueIntervalStats,
    SubAccount,
    parse_json_array,
    parse_records,
)
from wallboard.redact import Redactor

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D")

REPORT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
AGG_INTERVALS = (900, 1800, 2700, 3600)
MAX_AGG_WINDOW_SECONDS = 3 * 3600
MAX_METADATA_INTERVAL = 10_800
SESSION_TYPES = ("MONITOR", "COACHING", "BARGEIN")

_DIGITS = re.compile(r"^\d{1,40}$")
_PHONE = re.compile(r"^\+?\d{4,15}$")
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_PRODUCT = re.compile(r"^[A-Z][A-Z_]{0,31}$")
_REPORT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_CALLBACK_DTS = re.compile(r"^\d{14}$")


def _refuse(message: str) -> InvalidRequest:
    """A request refused locally: nothing was sent, so there is no HTTP status."""
    return InvalidRequest(message, status=None)


def _digits(value: str | int, name: str) -> str:
    text = str(value)
    if isinstance(value, bool) or not _DIGITS.match(text):
        raise _refuse(f"{name} must contain digits only, got {text[:40]!r}")
    return text


def _phone(value: str, name: str) -> str:
    if not _PHONE.match(value):
        raise _refuse(f"{name} must be digits or E.164 (e.g. +15554150123), got {value[:40]!r}")
    return value


def _token(value: str, name: str) -> str:
    if not _TOKEN.match(value):
        raise _refuse(f"{name} has characters an id cannot have: {value[:40]!r}")
    return value


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _refuse(f"unknown time zone {name!r}") from None


def _local_time(value: datetime | str, zone: ZoneInfo, name: str) -> datetime:
    """A report time as a naive wall-clock time in `zone` (aware datetimes are converted)."""
    if isinstance(value, str):
        if not _REPORT_TIME.match(value):
            raise _refuse(f"{name} must look like 'YYYY-MM-DD HH:mm:ss', got {value[:40]!r}")
        return datetime.strptime(value, REPORT_TIME_FORMAT)
    local = value.astimezone(zone) if value.tzinfo is not None else value
    return local.replace(tzinfo=None, microsecond=0)


def _list_payload(payload: Any) -> Any:
    """Reports and listings answer a JSON array; tolerate one wrapped in an object."""
    if isinstance(payload, dict):
        lists = [value for value in payload.values() if isinstance(value, list)]
        if len(lists) == 1:
            return lists[0]
    return payload


def _same(record: ActiveCallListResponse) -> ActiveCallListResponse:
    return record


@dataclass(frozen=True)
class ActiveCalls(Generic[D]):
    """Every active call the listing returned, over as many pages as it took (up to a bound):
    wire records, or what a `RecordMemo` converted them to (`active_calls_reusing`).

    `truncated` is True when `max_pages` stopped the listing with the last page still full."""

    records: tuple[D, ...]
    warnings: tuple[ParseWarning, ...]
    pages: int
    truncated: bool


class RingCxClient:
    """An async RingCX client for one account. Use as `async with RingCxClient(account) as c:`.

    `account_key` names the account's rate budgets in `budgets` (the process-wide registry by
    default), so every client for the same account shares them; it defaults to the RingCX URL
    plus the configured sub-account. `clock` (monotonic seconds) drives token renewal.
    """

    def __init__(
        self,
        account: AccountConfig,
        *,
        account_key: str | None = None,
        budgets: BudgetRegistry | None = None,
        http: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        retry_backoff: float = 0.5,
        read_max_wait: float | None = 90.0,
    ) -> None:
        self._account = account
        self._account_key = account_key or f"{account.ringcx_url}#{account.sub_account_id or '*'}"
        self._budgets = budgets or default_registry()
        self._own_http = http is None
        self._http = http or async_client(
            (account.ringcx_url, account.platform_url), timeout=timeout
        )
        self._redactor = Redactor()
        self._transport = Transport(
            self._http,
            lambda family: self._budgets.budget(self._account_key, family),
            self._redactor,
            retry_backoff=retry_backoff,
            read_max_wait=read_max_wait,
        )
        try:
            mode = account.auth_mode()
        except ConfigError as error:
            raise ConfigurationError(str(error)) from None
        self._auth: JwtSignIn | ApiTokenSignIn
        if mode == "jwt":
            self._auth = JwtSignIn(account, self._transport, self._redactor, clock=clock)
        else:
            assert account.api_token is not None
            self._auth = ApiTokenSignIn(account.api_token, self._redactor)
        self._sub_account_id = account.sub_account_id
        self._rc_account_id = account.rc_account_id
        if self._sub_account_id is not None:
            _digits(self._sub_account_id, "sub_account_id")
        if self._rc_account_id is not None:
            _digits(self._rc_account_id, "rc_account_id")

    def __repr__(self) -> str:
        return (
            f"RingCxClient(ringcx_url={self._account.ringcx_url!r}, "
            f"sub_account_id={self._sub_account_id!r}, auth={self._auth.mode!r})"
        )

    async def __aenter__(self) -> RingCxClient:
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

    @property
    def redactor(self) -> Redactor:
        """The secret values this client knows; use `redactor.scrub()` before showing text."""
        return self._redactor

    @property
    def auth_mode(self) -> str:
        return self._auth.mode

    # --- sign-in and accounts --------------------------------------------------------------

    async def sign_in(self) -> None:
        """Sign in now (rather than on the first request) and settle the sub-account, so a
        wrong credential or an ambiguous account shows at start-up."""
        await self._auth.headers()
        await self._sub()

    @property
    def sub_account_id(self) -> str | None:
        """The RingCX sub-account: configured, or discovered by `sign_in()`."""
        return self._sub_account_id

    @property
    def rc_account_id(self) -> str | None:
        """The RingCentral account id the reports need: configured, or discovered on first use."""
        return self._rc_account_id

    async def sub_accounts(self) -> ParsedBatch[SubAccount]:
        """`GET /voice/api/v1/admin/accounts`: the sub-accounts this user can see."""
        response = await self._send(
            "GET", f"{self._account.ringcx_url}/voice/api/v1/admin/accounts", what="accounts"
        )
        return parse_records(SubAccount, _list_payload(self._json(response, "accounts")))

    async def _sub(self) -> str:
        if self._sub_account_id is None:
            batch = await self.sub_accounts()
            ids = sorted({record.accountId for record in batch.records})
            if len(ids) != 1:
                found = ", ".join(ids) if ids else "none"
                raise ConfigurationError(
                    f"cannot choose a sub-account (found: {found}); set sub_account_id"
                )
            self._sub_account_id = _digits(ids[0], "discovered sub-account id")
        return self._sub_account_id

    async def _rc(self) -> str:
        if self._rc_account_id is None:
            if not isinstance(self._auth, JwtSignIn):
                raise ConfigurationError(
                    "reports need the RingCentral account id, which only JWT sign-in can look "
                    "up; set rc_account_id (or WALLBOARD_RC_ACCOUNT_ID)"
                )
            found = await self._auth.rc_account_id()
            self._rc_account_id = _digits(found, "RingCentral account id")
        return self._rc_account_id

    async def create_api_token(self) -> SecretStr:
        """`POST /voice/api/v1/admin/token`: a new long-lived API token for unattended screens."""
        response = await self._send(
            "POST",
            f"{self._account.ringcx_url}/voice/api/v1/admin/token",
            what="create API token",
            kind="action",
            priority="action",
        )
        token = response.text.strip().strip('"')
        if not token:
            raise MalformedResponse("create API token: the answer was empty")
        self._redactor.add(token)
        return SecretStr(token)

    # --- real-time data --------------------------------------------------------------------

    async def outbound_stats(self) -> ParsedBatch[OutboundStats]:
        return await self._realtime("outbound", OutboundStats)

    async def ivr_stats(self) -> ParsedBatch[IvrStats]:
        return await self._realtime("ivr", IvrStats)

    async def inbound_stats(self) -> ParsedBatch[InboundQueueStats]:
        return await self._realtime("inbound", InboundQueueStats)

    async def agent_stats(self) -> ParsedBatch[AgentStats]:
        return await self._realtime("agent", AgentStats)

    async def agent_stats_reusing(
        self,
        memo: RecordMemo[AgentStats, D],
        convert: Callable[[AgentStats], D],
        *,
        at: float | None = None,
    ) -> Converted[D]:
        """`agent_stats`, converted through `memo`: an agent whose record did not change
        since the memo's last listing is not validated again (see `RecordMemo`). `at` is the
        poll time in epoch seconds that `convert` anchors durations at (default: now)."""
        response = await self._realtime_answer("agent")
        memo.begin()
        when = time.time() if at is None else at
        batch = self._memo_read(memo, response, "real-time agent", convert, at=when)
        memo.end()  # not on a malformed answer: the memo keeps the last good listing
        return batch

    async def _realtime(self, kind: str, model: type[M]) -> ParsedBatch[M]:
        response = await self._realtime_answer(kind)
        fast = parse_json_array(model, response.content)
        if fast is not None:
            return fast
        return parse_records(model, self._json(response, f"real-time {kind}"))

    async def _realtime_answer(self, kind: str) -> httpx.Response:
        url = self._admin(await self._sub(), "realTimeData", kind)
        return await self._send("GET", url, what=f"real-time {kind}")

    # --- active calls ----------------------------------------------------------------------

    async def active_calls(
        self,
        product: str = "ACCOUNT",
        product_id: str | int | None = None,
        external_id: str | None = None,
        *,
        page_size: int = 1000,
        max_pages: int = 20,
    ) -> ActiveCalls[ActiveCallListResponse]:
        """`GET .../activeCalls/list`, page by page until a short page or `max_pages`.

        With product ACCOUNT and no product id, the sub-account is the product id (as in the
        seed's example). A call that moves between pages while we read is kept once."""
        memo: RecordMemo[ActiveCallListResponse, ActiveCallListResponse]
        memo = RecordMemo(ActiveCallListResponse, "uii")
        return await self.active_calls_reusing(
            memo,
            _same,
            product,
            product_id,
            external_id,
            page_size=page_size,
            max_pages=max_pages,
        )

    async def active_calls_reusing(
        self,
        memo: RecordMemo[ActiveCallListResponse, D],
        convert: Callable[[ActiveCallListResponse], D],
        product: str = "ACCOUNT",
        product_id: str | int | None = None,
        external_id: str | None = None,
        *,
        page_size: int = 1000,
        max_pages: int = 20,
    ) -> ActiveCalls[D]:
        """`active_calls`, converted through `memo`: a call whose record did not change since
        the memo's last listing is not validated again (see `RecordMemo`). The memo should
        serve one kind of listing (same product and filter) to be of use."""
        if not _PRODUCT.match(product):
            raise _refuse(f"product must be a name like ACCOUNT or ACD, got {product[:40]!r}")
        if page_size < 1 or max_pages < 1:
            raise _refuse("page_size and max_pages must be at least 1")
        base: dict[str, str | int] = {"product": product}
        if product_id is not None:
            base["productId"] = _digits(product_id, "product_id")
        if external_id is not None:
            base["externalId"] = external_id
        sub = await self._sub()
        if product == "ACCOUNT" and product_id is None and external_id is None:
            base["productId"] = sub
        url = self._admin(sub, "activeCalls", "list")
        records: list[D] = []
        warnings: list[ParseWarning] = []
        memo.begin()
        for page in range(max_pages):
            params = {**base, "page": page, "maxRows": page_size}
            response = await self._send("GET", url, what="active calls", params=params)
            batch = self._memo_read(
                memo, response, "active calls", convert, offset=page * page_size
            )
            records += batch.records
            warnings += batch.warnings
            if batch.size < page_size:
                memo.end()
                return ActiveCalls(tuple(records), tuple(warnings), page + 1, False)
        memo.end()
        return ActiveCalls(tuple(records), tuple(warnings), max_pages, True)

    async def add_session(self, uii: str, destination: str, session_type: str = "MONITOR") -> bool:
        """Join a live call as MONITOR (silent), COACHING (whisper) or BARGEIN (three-way)."""
        if session_type not in SESSION_TYPES:
            raise _refuse(f"session_type must be one of {', '.join(SESSION_TYPES)}")
        params = {"destination": _phone(destination, "destination"), "sessionType": session_type}
        return await self._control(uii, "addSessionToCall", params)

    async def hangup_call(self, uii: str) -> bool:
        """End the whole call, for every party."""
        return await self._control(uii, "hangupCall")

    async def hangup_session(self, uii: str, phone: str) -> bool:
        """Drop one party (by the phone it joined with); the call goes on."""
        return await self._control(uii, "hangupSession", {"phone": _phone(phone, "phone")})

    async def hangup_session_by_id(self, uii: str, session_id: str) -> bool:
        params = {"sessionId": _token(session_id, "session_id")}
        return await self._control(uii, "hangupSessionById", params)

    async def toggle_recording(self, uii: str, record: bool) -> bool:
        params = {"record": "true" if record else "false"}
        return await self._control(uii, "toggleCallRecording", params)

    async def toggle_hold(self, uii: str, on: bool) -> bool:
        return await self._control(uii, "toggleCallHold", {"state": "ON" if on else "OFF"})

    async def requeue(self, uii: str, gate_id: str | int) -> bool:
        """Send the call back into the queue `gate_id`."""
        return await self._control(uii, "requeueCall", {"gateId": _digits(gate_id, "gate_id")})

    async def ping(self, uii: str) -> bool:
        """Keep the call from archiving while a longer operation completes."""
        return await self._control(uii, "pingCall")

    async def disposition(
        self,
        uii: str,
        disposition: str,
        *,
        callback: bool = False,
        callback_dts: datetime | str | None = None,
        notes: str | None = None,
    ) -> bool:
        """Tag the call with a configured disposition. A callback needs its date and time
        (a datetime is converted to the account's zone and sent as yyyyMMddHHmmss)."""
        if not disposition.strip():
            raise _refuse("disposition must not be empty")
        params: dict[str, str | int] = {
            "disposition": disposition,
            "callback": "true" if callback else "false",
        }
        if callback and callback_dts is None:
            raise _refuse("a callback needs callback_dts")
        if isinstance(callback_dts, datetime):
            zone = _zone(self._account.timezone)
            local = callback_dts.astimezone(zone) if callback_dts.tzinfo else callback_dts
            params["callBackDTS"] = local.strftime("%Y%m%d%H%M%S")
        elif callback_dts is not None:
            if not _CALLBACK_DTS.match(callback_dts):
                raise _refuse(f"callback_dts must be yyyyMMddHHmmss, got {callback_dts[:40]!r}")
            params["callBackDTS"] = callback_dts
        if notes:
            params["notes"] = notes
        return await self._control(uii, "dispositionCall", params)

    async def create_manual_agent_call(
        self, username: str, destination: str, ring_duration: int, caller_id: str
    ) -> bool:
        """Ring the agent's seat, then dial `destination` presenting `caller_id`."""
        if not username.strip():
            raise _refuse("username must not be empty")
        if isinstance(ring_duration, bool) or ring_duration < 1:
            raise _refuse("ring_duration must be a positive number of seconds")
        params: dict[str, str | int] = {
            "username": username,
            "destination": _phone(destination, "destination"),
            "ringDuration": int(ring_duration),
            "callerId": _phone(caller_id, "caller_id"),
        }
        url = self._admin(await self._sub(), "activeCalls", "createManualAgentCall")
        response = await self._send(
            "POST",
            url,
            what="createManualAgentCall",
            kind="action",
            priority="action",
            params=params,
        )
        return self._boolean(response, "createManualAgentCall", None)

    async def _control(
        self, uii: str, action: str, params: Mapping[str, str | int] | None = None
    ) -> bool:
        checked = _digits(uii, "uii")
        url = self._admin(await self._sub(), "activeCalls", checked, action)
        response = await self._send(
            "POST", url, what=action, kind="action", priority="action", params=params, uii=checked
        )
        return self._boolean(response, action, checked)

    # --- reports ---------------------------------------------------------------------------

    async def queue_interval_stats(
        self,
        start: datetime | str,
        end: datetime | str,
        interval_seconds: int = 900,
        time_zone: str | None = None,
    ) -> ParsedBatch[QueueIntervalStats]:
        """`agg-queue-stats`: per queue and interval, at most 3 hours per request."""
        body = self._agg_body(start, end, interval_seconds, time_zone)
        return await self._report("agg-queue-stats", body, QueueIntervalStats)

    async def agent_interval_stats(
        self,
        start: datetime | str,
        end: datetime | str,
        interval_seconds: int = 900,
        time_zone: str | None = None,
    ) -> ParsedBatch[AgentIntervalStats]:
        body = self._agg_body(start, end, interval_seconds, time_zone)
        return await self._report("agg-agent-stats", body, AgentIntervalStats)

    async def agent_extended_interval_stats(
        self,
        start: datetime | str,
        end: datetime | str,
        interval_seconds: int = 900,
        time_zone: str | None = None,
    ) -> ParsedBatch[AgentExtendedIntervalStats]:
        body = self._agg_body(start, end, interval_seconds, time_zone)
        return await self._report("agg-agent-extended-stats", body, AgentExtendedIntervalStats)

    async def interaction_metadata(
        self, segment_end: datetime | str, interval_seconds: int, time_zone: str | None = None
    ) -> ParsedBatch[InteractionSegment]:
        """Segments that ended in the `interval_seconds` before `segment_end`."""
        name = time_zone or self._account.timezone
        end = _local_time(segment_end, _zone(name), "segment_end")
        if not 1 <= interval_seconds <= MAX_METADATA_INTERVAL:
            raise _refuse(f"interval_seconds must be between 1 and {MAX_METADATA_INTERVAL}")
        body = {
            "segmentEndTime": end.strftime(REPORT_TIME_FORMAT),
            "timeInterval": interval_seconds,
            "timeZone": name,
        }
        return await self._report("interaction-metadata", body, InteractionSegment)

    async def recording_url(self, dialog_id: str, segment_id: str) -> str:
        """Where one segment's recording lives: an address to copy into a ticket or a player.
        It carries no credential (the platform asks for the bearer token on every fetch)."""
        path = (
            f"recordings/dialogs/{_token(dialog_id, 'dialog_id')}"
            f"/segments/{_token(segment_id, 'segment_id')}"
        )
        return await self._reports_url(path)

    async def recording(self, dialog_id: str, segment_id: str) -> bytes:
        """One segment's recording, as the platform sends it (WAV)."""
        url = await self.recording_url(dialog_id, segment_id)
        response = await self._send("GET", url, family="reports", what="recording")
        return response.content

    def _agg_body(
        self, start: datetime | str, end: datetime | str, interval: int, time_zone: str | None
    ) -> dict[str, Any]:
        name = time_zone or self._account.timezone
        zone = _zone(name)
        first, last = _local_time(start, zone, "start"), _local_time(end, zone, "end")
        if interval not in AGG_INTERVALS:
            raise _refuse(f"interval_seconds must be one of {', '.join(map(str, AGG_INTERVALS))}")
        if last <= first:
            raise _refuse("end must be after start")
        if (last - first).total_seconds() > MAX_AGG_WINDOW_SECONDS:
            raise _refuse("a report window is at most 3 hours; split it")
        return {
            "startDate": first.strftime(REPORT_TIME_FORMAT),
            "endDate": last.strftime(REPORT_TIME_FORMAT),
            "timeInterval": interval,
            "timeZone": name,
        }

    async def _reports_url(self, name: str) -> str:
        sub, rc = await self._sub(), await self._rc()
        base = f"{self._account.ringcx_url}/voice/api/cx/integration/v1"
        return f"{base}/accounts/{rc}/sub-accounts/{sub}/{name}"

    async def _report(self, name: str, body: dict[str, Any], model: type[M]) -> ParsedBatch[M]:
        url = await self._reports_url(name)
        response = await self._send("POST", url, family="reports", what=name, json=body)
        return parse_records(model, _list_payload(self._json(response, name)))

    # --- lead loader -----------------------------------------------------------------------

    async def load_leads(
        self, campaign_id: str | int, request: LeadLoaderRequest
    ) -> LeadLoaderResult:
        """Load leads straight into a campaign. Check the result's `failed`: the loader can
        answer 200 and still have rejected everything. Never retried (it would load twice)."""
        campaign = _digits(campaign_id, "campaign_id")
        url = self._admin(await self._sub(), "campaigns", campaign, "leadLoader", "direct")
        response = await self._send(
            "POST",
            url,
            what="lead loader",
            kind="action",
            priority="action",
            json=request.model_dump(mode="json", exclude_none=True),
        )
        try:
            return LeadLoaderResult.model_validate_json(response.content)
        except ValidationError:
            raise MalformedResponse("lead loader: the answer is not a loader result") from None

    # --- budget ----------------------------------------------------------------------------

    def budget_state(self) -> dict[str, BudgetState]:
        """Used, remaining, next free slot and back-off of every limit family, for the screen."""
        return self._budgets.states(self._account_key)

    # --- plumbing --------------------------------------------------------------------------

    def _admin(self, sub: str, *parts: str) -> str:
        return f"{self._account.ringcx_url}/voice/api/v1/admin/accounts/{sub}/" + "/".join(parts)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        family: str = "realtime",
        kind: Kind = "read",
        priority: Priority = "poll",
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        uii: str | None = None,
    ) -> httpx.Response:
        return await self._transport.send(
            method,
            url,
            family=family,
            what=what,
            kind=kind,
            priority=priority,
            params=params,
            json=json,
            sign_in=self._auth,
            uii=uii,
        )

    def _json(self, response: httpx.Response, what: str) -> Any:
        """The answer's JSON, for answers not read through a `RecordMemo` (statistics, reports).
        pydantic-core's parser (jiter) shares the field names' strings between records."""
        try:
            return from_json(response.content, cache_strings="keys")
        except ValueError:
            raise MalformedResponse(
                f"{what}: the answer is not valid JSON ({len(response.content)} bytes)",
                status=response.status_code,
            ) from None

    def _memo_read(
        self,
        memo: RecordMemo[M, D],
        response: httpx.Response,
        what: str,
        convert: Callable[[M], D],
        *,
        offset: int = 0,
        at: float = 0.0,
    ) -> Converted[D]:
        """One answer of a listing read through `memo` straight from its bytes."""
        try:
            return memo.read(response.content, convert, offset=offset, at=at)
        except NotJson as error:
            raise MalformedResponse(
                f"{what}: the answer is {error}", status=response.status_code
            ) from None

    def _boolean(self, response: httpx.Response, action: str, uii: str | None) -> bool:
        """Controls answer a plain-text `true`/`false`; `false` is a failure, not a value."""
        text = response.text.strip().strip('"').lower()
        if text == "true":
            return True
        if text == "false":
            target = f" on call {uii}" if uii else ""
            raise ActionFailed(
                f"{action}{target}: the platform answered false", action=action, uii=uii
            )
        raise MalformedResponse(f"{action}: expected true or false, got {len(text)} characters")
