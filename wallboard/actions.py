"""Supervisor actions on live calls: one safe path from a key press (or a command) to the platform.

Why one layer for the screen and the command line: every action must pass the same checks in
the same order, whatever asked for it.

1. **Read-only refuses first.** An account marked `read_only` (or a layer opened read-only by
   `--read-only` or kiosk mode) sends nothing, whatever the caller did about hiding keys.
2. **Parameters are checked before anything is sent**: phone numbers are 10 digits or E.164,
   a call id is digits, a disposition is one of the configured codes... A bad value gives a
   message naming it.
3. **Dangerous actions need a confirmation**, by policy (`ACTIONS[name].confirm`, overridable
   per action in `[actions] confirm`): hangup and barge need the call's last four digits or the
   action's word typed back.
4. **The attempt is audited before it is sent**, and its outcome after (`wallboard.audit`). If the
   attempt cannot be written, nothing is sent.
5. **One send, never retried.** Each error becomes an `Outcome` with a clear message: a stale call
   "has already ended", permission denied quotes the platform, a rate limit says when the action
   can go, and a `false` answer is a failure, never a success.

How a screen binds it (core module: no Textual here)::

    layer = ActionLayer.for_runtime(runtime, config, read_only=kiosk or flag)
    # hide every action key when layer.read_only; ACTIONS[name].key is the default key
    request = ActionRequest("hangup", selected_uii)            # params: {"phone": ...} etc.
    problem = layer.check(request)                             # bad input: show it, stop
    confirmation = layer.confirmation(request)                 # None: go on one key
    outcome = await layer.perform(request, confirm=typed_text) # never raises for a refusal
    # outcome.ok / .status / .message; outcome.call_ended -> drop the row (layer.ended_calls)
    # layer.audit.listen(callback) feeds an audit pane; layer.outcomes holds this session's
"""

from __future__ import annotations

import getpass
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from wallboard.action_specs import (
    ACTIONS,
    CONTROL_CHARS,
    MAX_NOTES,
    SESSION_ID,
    SESSION_TYPES,
    ActionSpec,
    InvalidInput,
    ParamSpec,
    Status,
    check_callback,
    check_phone,
    check_state,
    check_uii,
)
from wallboard.audit import AuditError, AuditLog, AuditRecord, default_audit_path
from wallboard.config import ActionsConfig, ConfirmPolicy, WallboardConfig
from wallboard.providers.ringcx import errors
from wallboard.providers.ringcx.client import RingCxClient

if TYPE_CHECKING:
    from wallboard.runtime import Runtime

__all__ = [
    "ACTIONS",
    "ActionLayer",
    "ActionRequest",
    "ActionSpec",
    "Confirmation",
    "InvalidInput",
    "Outcome",
    "ParamSpec",
    "Status",
    "check_phone",
    "default_operator",
]


@dataclass(frozen=True)
class ActionRequest:
    """An action on a call (`call` is its uii; None only for `dial`), parameters as text."""

    action: str
    call: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Confirmation:
    """What the supervisor must type before the action goes (compare with `accepts`)."""

    policy: ConfirmPolicy
    prompt: str
    accepted: frozenset[str]

    def accepts(self, text: str | None) -> bool:
        return text is not None and text.strip().upper() in self.accepted


@dataclass(frozen=True)
class Outcome:
    """What happened to one request. `ok` only for a `true` answer from the platform."""

    request: ActionRequest
    status: Status
    message: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    platform_message: str | None = None
    retry_after_s: float | None = None
    latency_ms: float | None = None
    sent: bool = False

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def call_ended(self) -> bool:
        """The call should leave the list: it was hung up, or had already ended."""
        hung_up = self.ok and self.request.action == "hangup"
        return hung_up or self.status is Status.STALE


Sender = Callable[[RingCxClient], Awaitable[bool]]


def default_operator(config: WallboardConfig) -> str:
    """The configured operator, else the OS user (else "unknown")."""
    if config.operator:
        return config.operator
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class ActionLayer:
    """Performs `ActionRequest`s for one account, audited. See the module docstring."""

    def __init__(
        self,
        client: RingCxClient,
        audit: AuditLog,
        *,
        account: str,
        operator: str,
        settings: ActionsConfig | None = None,
        read_only: bool = False,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.audit = audit
        self.account = account
        self.operator = operator
        self.settings = settings or ActionsConfig()
        self.read_only = read_only
        self._on_change = on_change
        self._last_state: dict[tuple[str, str], bool] = {}
        self.ended_calls: set[str] = set()
        """Calls hung up or found ended by this layer, to hide until the next poll drops them."""
        self.outcomes: list[Outcome] = []
        """Every outcome since this layer was made (the screen's audit pane)."""

    @classmethod
    def for_runtime(
        cls, runtime: Runtime, config: WallboardConfig, *, read_only: bool = False
    ) -> ActionLayer:
        """The layer for a runtime's account: its client, the data directory's audit log, the
        configured operator; read-only if the account is, or if `read_only` (flag, kiosk)."""
        client = getattr(runtime.provider, "client", None)
        if not isinstance(client, RingCxClient):
            raise ValueError(f"account {runtime.name!r}: its platform offers no call actions")
        account = runtime.account
        for secret in (account.client_id, account.client_secret, account.jwt, account.api_token):
            client.redactor.add(secret)
        data_dir = config.resolved_data_dir()
        path = default_audit_path(data_dir / "demo" if runtime.demo is not None else data_dir)
        return cls(
            client,
            AuditLog(path, redactor=client.redactor),
            account=runtime.name,
            operator=default_operator(config),
            settings=config.actions,
            read_only=read_only or runtime.read_only,
            on_change=runtime.poller.refresh,
        )

    # --- what the screen asks before acting --------------------------------------------------

    def policy(self, action: str) -> ConfirmPolicy:
        return self.settings.confirm.get(action, ACTIONS[action].confirm)

    def confirmation(self, request: ActionRequest) -> Confirmation | None:
        """What must be typed before `request` goes, or None when it goes on one key."""
        spec = ACTIONS.get(request.action)
        policy = self.policy(request.action) if spec else "none"
        if spec is None or policy == "none":
            return None
        target = f"call {request.call}" if request.call else "this"
        if policy == "yes":
            return Confirmation(policy, f"{spec.title} on {target}? (y/n)", frozenset({"Y", "YES"}))
        accepted = {spec.word}
        digits = (request.call or "")[-4:]
        if digits:
            accepted.add(digits)
            prompt = f"{spec.title} on {target}: type {digits} (its last digits) or {spec.word}"
        else:
            prompt = f"{spec.title}: type {spec.word} to confirm"
        return Confirmation(policy, prompt, frozenset(accepted))

    def check(self, request: ActionRequest) -> str | None:
        """What is wrong with `request`'s action, call or parameters, or None; sends and audits
        nothing (for a form to check before asking for a confirmation)."""
        spec = ACTIONS.get(request.action)
        if spec is None:
            return f"unknown action {request.action[:40]!r} (known: {', '.join(ACTIONS)})"
        try:
            self._plan(spec, request)
        except InvalidInput as error:
            return str(error)
        return None

    def next_state(self, action: str, call: str) -> bool:
        """For a toggle key (record, hold): the opposite of what this layer last set, else on."""
        return not self._last_state.get((action, call), False)

    # --- acting --------------------------------------------------------------------------------

    async def perform(self, request: ActionRequest, *, confirm: str | None = None) -> Outcome:
        """Check, confirm, audit, send once, audit the outcome. Never raises for a refusal or a
        platform error: the `Outcome` says what happened."""
        spec = ACTIONS.get(request.action)
        if spec is None:
            known = ", ".join(ACTIONS)
            return self._refuse(request, Status.INVALID, f"unknown action (known: {known})", {})
        if self.read_only:
            message = f"read-only: account {self.account} refuses call actions; nothing was sent"
            return self._refuse(request, Status.REFUSED, message, dict(request.params))
        try:
            params, sender = self._plan(spec, request)
        except InvalidInput as error:
            return self._refuse(request, Status.INVALID, str(error), dict(request.params))
        confirmation = self.confirmation(request)
        if confirmation is not None and not confirmation.accepts(confirm):
            message = f"not confirmed ({confirmation.prompt}); nothing was sent"
            return self._refuse(request, Status.REFUSED, message, params)
        attempt_id = uuid.uuid4().hex
        try:
            self.audit.write(self._record(attempt_id, "attempt", request, params))
        except AuditError as error:
            return self._finish(Outcome(request, Status.ERROR, f"not sent: {error}", params))
        started = time.monotonic()
        outcome = await self._send(spec, request, params, sender)
        latency = round((time.monotonic() - started) * 1000.0, 1)
        outcome = _with(outcome, latency_ms=latency)
        try:
            self.audit.write(self._record(attempt_id, "outcome", request, params, outcome))
        except AuditError as error:
            outcome = _with(outcome, message=f"{outcome.message} (and {error})")
        return self._finish(outcome)

    async def _send(
        self, spec: ActionSpec, request: ActionRequest, params: dict[str, Any], sender: Sender
    ) -> Outcome:
        def result(status: Status, message: str, **extra: Any) -> Outcome:
            return Outcome(request, status, message, params, sent=True, **extra)

        try:
            await sender(self.client)
        except errors.CallNotActive:
            return result(Status.STALE, f"call {request.call} has already ended")
        except errors.PermissionDenied as error:
            said = error.general_message or "this user lacks the RingCX Admin right"
            return result(Status.DENIED, f"permission denied: {said}", platform_message=said)
        except errors.RateLimited as error:
            wait = max(1, math.ceil(error.retry_after))
            message = f"rate limited: {spec.title} not sent; it will go in {wait} s if repeated"
            outcome = result(Status.RATE_LIMITED, message, retry_after_s=error.retry_after)
            return _with(outcome, sent=error.status is not None)  # None: our budget refused it
        except errors.ActionFailed:
            message = f"{spec.title} failed: the platform answered false (nothing changed)"
            return result(Status.FAILED, message, platform_message="false")
        except errors.InvalidRequest as error:
            return result(Status.INVALID, error.message, platform_message=error.message)
        except errors.PlatformUnavailable as error:
            message = f"{error.message}; {spec.title} may or may not have happened: check it"
            return result(Status.UNAVAILABLE, message, platform_message=error.message)
        except errors.RingCxError as error:
            return result(Status.ERROR, error.message, platform_message=error.message)
        return result(Status.OK, _done(spec, request, params))

    def _refuse(
        self, request: ActionRequest, status: Status, message: str, params: Mapping[str, Any]
    ) -> Outcome:
        outcome = Outcome(request, status, message, dict(params))
        record = self._record(uuid.uuid4().hex, "refused", request, params, outcome)
        try:
            self.audit.write(record)
        except AuditError as error:
            outcome = _with(outcome, message=f"{message} (and {error})")
        return self._finish(outcome)

    def _finish(self, outcome: Outcome) -> Outcome:
        request = outcome.request
        if outcome.ok and request.call and outcome.request.action in ("record", "hold"):
            self._last_state[(request.action, request.call)] = bool(outcome.parameters["state"])
        if outcome.call_ended and request.call:
            self.ended_calls.add(request.call)
        self.outcomes.append(outcome)
        if outcome.sent and self._on_change is not None:
            self._on_change()
        return outcome

    def _record(
        self,
        attempt_id: str,
        phase: str,
        request: ActionRequest,
        params: Mapping[str, Any],
        outcome: Outcome | None = None,
    ) -> AuditRecord:
        return AuditRecord(
            id=attempt_id,
            time=datetime.now(UTC),
            phase=phase,
            operator=self.operator,
            account=self.account,
            action=request.action[:40],
            call=None if request.call is None else request.call[:40],
            parameters={str(k)[:40]: v for k, v in params.items()},
            outcome=None if outcome is None else outcome.status.value,
            message=None if outcome is None else outcome.message,
            latency_ms=None if outcome is None else outcome.latency_ms,
        )

    # --- checking parameters ----------------------------------------------------------------

    def _plan(self, spec: ActionSpec, request: ActionRequest) -> tuple[dict[str, Any], Sender]:
        """Normalized parameters (for the audit) and the one client call that sends them."""
        given = {k: v for k, v in request.params.items() if v is not None and str(v).strip()}
        known = {p.name for p in spec.params}
        unknown = sorted(set(given) - known)
        if unknown:
            hint = ", ".join(sorted(known)) or "none"
            raise InvalidInput(f"{spec.name} takes no {', '.join(unknown)} (it takes: {hint})")
        for param in spec.params:
            if param.required and param.name not in given:
                raise InvalidInput(f"{spec.name} needs {param.label.lower()} ({param.name})")
        uii = check_uii(request.call) if spec.needs_call else ""
        name = spec.name
        if name in SESSION_TYPES:
            phone = self._phone(given)
            kind = SESSION_TYPES[name]
            return {"phone": phone, "session_type": kind}, lambda c: c.add_session(uii, phone, kind)
        if name in ("record", "hold"):
            text = given.get("state")
            on = check_state(text, "state") if text else self.next_state(name, uii)
            if name == "record":
                return {"state": on}, lambda c: c.toggle_recording(uii, on)
            return {"state": on}, lambda c: c.toggle_hold(uii, on)
        if name == "requeue":
            gate = given["gate"].strip()
            if not gate.isdigit() or len(gate) > 20:
                raise InvalidInput(f"gate {gate[:20]!r} is not a gate id (digits only)")
            return {"gate": gate}, lambda c: c.requeue(uii, gate)
        if name == "dispose":
            return self._disposition(uii, given)
        if name == "ping":
            return {}, lambda c: c.ping(uii)
        if name == "hangup":
            return {}, lambda c: c.hangup_call(uii)
        if name == "drop":
            session = given.get("session", "").strip()
            if session:
                if not SESSION_ID.match(session):
                    raise InvalidInput(f"session id {session[:40]!r} has characters an id cannot")
                return {"session": session}, lambda c: c.hangup_session_by_id(uii, session)
            phone = self._phone(given)
            return {"phone": phone}, lambda c: c.hangup_session(uii, phone)
        return self._dial(given)

    def _phone(self, given: Mapping[str, str]) -> str:
        text = given.get("phone") or self.settings.supervisor_phone
        if not text:
            raise InvalidInput("no phone to ring: give one, or set [actions] supervisor_phone")
        return check_phone(text)

    def _disposition(self, uii: str, given: Mapping[str, str]) -> tuple[dict[str, Any], Sender]:
        code = given["disposition"].strip()
        allowed = self.settings.dispositions
        if allowed:
            match = next((d for d in allowed if d.upper() == code.upper()), None)
            if match is None:
                raise InvalidInput(f"disposition {code[:40]!r} is not one of {', '.join(allowed)}")
            code = match
        elif len(code) > 64 or CONTROL_CHARS.search(code):
            raise InvalidInput(f"disposition {code[:40]!r} is not a disposition code")
        when = check_callback(given["callback"]) if "callback" in given else None
        notes = given.get("notes", "").strip() or None
        if notes is not None and (len(notes) > MAX_NOTES or CONTROL_CHARS.search(notes)):
            raise InvalidInput(f"notes must be one line of at most {MAX_NOTES} characters")
        params = {"disposition": code, "callback": when, "notes": notes}
        return params, lambda c: c.disposition(
            uii, code, callback=when is not None, callback_dts=when, notes=notes
        )

    def _dial(self, given: Mapping[str, str]) -> tuple[dict[str, Any], Sender]:
        username = given["username"].strip()
        if len(username) > 128 or re.search(r"\s", username) or CONTROL_CHARS.search(username):
            raise InvalidInput(f"username {username[:40]!r} is not an agent username")
        destination = check_phone(given["destination"], "destination")
        ring_text = given.get("ring", str(self.settings.ring_duration)).strip()
        if not ring_text.isdigit() or not 1 <= int(ring_text) <= 300:
            raise InvalidInput(f"ring {ring_text[:10]!r} must be 1 to 300 seconds")
        ring = int(ring_text)
        caller = given.get("caller_id") or self.settings.caller_id
        if not caller:
            raise InvalidInput("no caller id: give one, or set [actions] caller_id")
        caller_id = check_phone(caller, "caller_id")
        params = {
            "username": username,
            "destination": destination,
            "ring": ring,
            "caller_id": caller_id,
        }
        return params, lambda c: c.create_manual_agent_call(username, destination, ring, caller_id)


def _with(outcome: Outcome, **changes: Any) -> Outcome:
    return replace(outcome, **changes)


def _done(spec: ActionSpec, request: ActionRequest, params: Mapping[str, Any]) -> str:
    """The success line, worded for the supervisor."""
    call = f"call {request.call}"
    name = spec.name
    if name in SESSION_TYPES:
        return f"{spec.title}: session on {call} ringing {params['phone']}"
    if name in ("record", "hold"):
        state = "on" if params["state"] else "off"
        return f"{'Recording' if name == 'record' else 'Hold'} {state} for {call}"
    if name == "requeue":
        return f"{call} requeued to gate {params['gate']}"
    if name == "dispose":
        return f"{call} dispositioned {params['disposition']}"
    if name == "ping":
        return f"{call} pinged (kept addressable)"
    if name == "hangup":
        return f"{call} hung up"
    if name == "drop":
        who = params.get("session") or params.get("phone")
        return f"session {who} dropped from {call}"
    return f"manual call to {params['destination']} placed from {params['username']}'s seat"
