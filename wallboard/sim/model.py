"""The simulated RingCX account: the public API the HTTP server and the tests call.

Why a facade: the model is spread over small modules (world, builder, dynamics, records,
control, history, leads), but callers need one object with one lock. The HTTP server calls it
from its own thread while a test or the CLI may advance the clock, so every public method takes
the same `threading.RLock`, then `sync()`s the model to `clock.now()` before reading or acting:
an answer always reflects the platform time of the request.

Construction runs a warm-up (`SimSettings.warmup_seconds`, simulated, before "now") so the
center is at steady state and the WFM reports have history from the first request.
"""

from __future__ import annotations

import functools
import gc
import io
import threading
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from . import model_records as records
from .clock import SimClock
from .dynamics_agents import AgentOps
from .dynamics_calls import CallOps
from .dynamics_dialer import Dialer
from .dynamics_inbound import Inbound
from .history import segment_row
from .model_build import build
from .model_control import Control
from .model_entities import Call
from .model_errors import CallNotActive, InvalidRequest, NotFound
from .model_leads import load_leads as apply_leads
from .model_read import CenterRead
from .model_settings import SimSettings
from .model_world import World

__all__ = [
    "CallNotActive",
    "CenterRead",
    "ContactCenter",
    "InvalidRequest",
    "NotFound",
    "SimSettings",
]

AGG_INTERVALS = (900, 1800, 2700, 3600)
MAX_METADATA_INTERVAL = 10_800
RECORDING_SECONDS = 0.5
RECORDING_RATE = 8_000

P = ParamSpec("P")
R = TypeVar("R")


def _synced(
    method: Callable[Concatenate[ContactCenter, P], R],
) -> Callable[Concatenate[ContactCenter, P], R]:
    """Run the method under the center's lock, after advancing the model to the clock."""

    def wrapper(self: ContactCenter, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            world = self._world
            world.run_until(self.clock.now().timestamp())
            try:
                return method(self, *args, **kwargs)
            finally:
                if world.dirty_available:
                    world.flush_available()

    functools.update_wrapper(wrapper, method)
    return wrapper


def _check_agg_interval(interval_seconds: int) -> None:
    if interval_seconds not in AGG_INTERVALS:
        raise InvalidRequest(
            "timeInterval must be 900, 1800, 2700 or 3600 seconds",
            "timeInterval",
            interval_seconds,
        )


class ContactCenter:
    """One simulated RingCX account on a `SimClock` (see the module docstring)."""

    def __init__(self, settings: SimSettings, clock: SimClock) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.RLock()
        now = clock.now().timestamp()
        world = World(settings, now - settings.warmup_seconds())
        world.calls = CallOps(world)
        world.agent_ops = AgentOps(world)
        world.dialer = Dialer(world)
        world.inbound = Inbound(world)
        self._world = world
        self._control = Control(world)
        # The warm-up allocates hundreds of thousands of long-lived objects on the large
        # preset; the cyclic collector would rescan them all many times over (about a third
        # of construction time) while finding nothing, since the model frees by refcount.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self._lock:
                build(world)
                world.flush_available()
                world.run_until(now)
        finally:
            if collecting:
                gc.enable()
                # Pay the first full collection here, not in the first request's sync().
                gc.collect()

    def sync(self) -> None:
        """Advance the model to `clock.now()` (every public method does this first)."""
        with self._lock:
            self._world.run_until(self.clock.now().timestamp())

    @contextmanager
    def read(self) -> Iterator[CenterRead]:
        """The model's entities at `clock.now()`, for another face over the same model (the
        FonoUC tenant) that spells them its own way. Holds the center's lock for the whole
        block, so the HTTP thread cannot move the model mid-read; see `CenterRead` for what
        a reader may do with them."""
        with self._lock:
            self.sync()
            yield CenterRead(self._world)

    # --- real time ---------------------------------------------------------------------------

    @_synced
    def outbound_stats(self) -> list[dict[str, Any]]:
        w = self._world
        return [records.outbound_record(w, c) for c in w.campaigns.values()]

    @_synced
    def ivr_stats(self) -> list[dict[str, Any]]:
        w = self._world
        return [records.ivr_record(w, i) for i in w.ivrs.values()]

    @_synced
    def inbound_stats(self) -> list[dict[str, Any]]:
        w = self._world
        return [records.gate_record(w, g) for g in w.gates.values()]

    @_synced
    def agent_stats(self) -> list[dict[str, Any]]:
        """Logged-in agents only, by agentId."""
        w = self._world
        return [records.agent_record(w, a) for a in w.agents.values() if a.logged_in]

    @_synced
    def active_calls(
        self,
        product: str | None = None,
        product_id: int | None = None,
        external_id: str | None = None,
    ) -> list[dict[str, Any]]:
        w = self._world
        calls = records.select_calls(w, product, product_id, external_id)
        return [records.call_record(w, call) for call in calls]

    @_synced
    def gates(self) -> list[dict[str, Any]]:
        return [
            {
                "gateId": g.gate_id,
                "gateName": g.name,
                "gateGroupId": g.group_id,
                "groupName": g.group_name,
                "dnis": g.dnis,
            }
            for g in self._world.gates.values()
        ]

    @_synced
    def campaigns(self) -> list[dict[str, Any]]:
        return [
            {
                "campaignId": c.campaign_id,
                "campaignName": c.name,
                "dialGroupId": c.dial_group_id,
                "dialGroupName": c.dial_group_name,
            }
            for c in self._world.campaigns.values()
        ]

    @_synced
    def ivrs(self) -> list[dict[str, Any]]:
        """IVR applications and the routes out of them (an addition, for inspection)."""
        return [
            {
                "visualIvrId": i.visual_ivr_id,
                "visualIvrName": i.name,
                "dnis": i.dnis,
                "gateIds": [g.gate_id for g in i.gates],
                "cloudProfileId": i.cloud.route_id if i.cloud is not None else None,
                "tracNumberId": i.trac.route_id if i.trac is not None else None,
            }
            for i in self._world.ivrs.values()
        ]

    # --- call control ------------------------------------------------------------------------

    @_synced
    def add_session(self, uii: str, destination: str, session_type: str) -> bool:
        return self._control.add_session(uii, destination, session_type)

    @_synced
    def hangup_call(self, uii: str) -> bool:
        return self._control.hangup_call(uii)

    @_synced
    def hangup_session(self, uii: str, phone: str) -> bool:
        return self._control.hangup_session(uii, phone)

    @_synced
    def hangup_session_by_id(self, uii: str, session_id: str) -> bool:
        return self._control.hangup_session_by_id(uii, session_id)

    @_synced
    def toggle_recording(self, uii: str, record: bool) -> bool:
        return self._control.toggle_recording(uii, record)

    @_synced
    def toggle_hold(self, uii: str, state: str) -> bool:
        return self._control.toggle_hold(uii, state)

    @_synced
    def requeue(self, uii: str, gate_id: int) -> bool:
        return self._control.requeue(uii, gate_id)

    @_synced
    def disposition(
        self,
        uii: str,
        disposition: str,
        callback: bool,
        callback_dts: str | None = None,
        notes: str | None = None,
    ) -> bool:
        return self._control.disposition(uii, disposition, callback, callback_dts, notes)

    @_synced
    def ping(self, uii: str) -> bool:
        return self._control.ping(uii)

    @_synced
    def create_manual_agent_call(
        self, username: str, destination: str, ring_duration: int, caller_id: str
    ) -> bool:
        return self._control.create_manual_agent_call(
            username, destination, ring_duration, caller_id
        )

    # --- inspection --------------------------------------------------------------------------

    def _find_call(self, uii: str) -> Call | None:
        w = self._world
        call = w.find(uii)
        if call is None:
            call = next(
                (a.call for a in w.agents.values() if a.call is not None and a.call.uii == uii),
                None,
            )
        return call

    @_synced
    def inspect_call(self, uii: str) -> dict[str, Any] | None:
        call = self._find_call(uii)
        return None if call is None else records.inspect_call(self._world, call)

    @_synced
    def inspect_agent(self, key: str) -> dict[str, Any] | None:
        w = self._world
        text = str(key).strip()
        agent = w.agents.get(int(text)) if text.isdigit() else w.by_username.get(text.lower())
        return None if agent is None else records.inspect_agent(w, agent)

    @_synced
    def summary(self) -> dict[str, Any]:
        return records.summary(self._world)

    # --- WFM reports -------------------------------------------------------------------------

    @_synced
    def queue_interval_stats(
        self, start: datetime, end: datetime, interval_seconds: int, tz: ZoneInfo
    ) -> list[dict[str, Any]]:
        _check_agg_interval(interval_seconds)
        w = self._world
        gates = [(g.gate_id, g.name) for g in w.gates.values()]
        return w.history.queue_rows(
            start.timestamp(), end.timestamp(), interval_seconds, tz, w.now, gates
        )

    @_synced
    def agent_interval_stats(
        self, start: datetime, end: datetime, interval_seconds: int, tz: ZoneInfo
    ) -> list[dict[str, Any]]:
        _check_agg_interval(interval_seconds)
        w = self._world
        names = {a.agent_id: a.full_name for a in w.agents.values()}
        spans = [
            (a.agent_id, a.category, a.cat_since)
            for a in w.agents.values()
            if a.logged_in and a.category >= 0
        ]
        return w.history.agent_rows(
            start.timestamp(), end.timestamp(), interval_seconds, tz, w.now, names, spans
        )

    @_synced
    def agent_extended_interval_stats(
        self, start: datetime, end: datetime, interval_seconds: int, tz: ZoneInfo
    ) -> list[dict[str, Any]]:
        _check_agg_interval(interval_seconds)
        w = self._world
        names = {a.agent_id: a.full_name for a in w.agents.values()}
        gate_names = {g.gate_id: g.name for g in w.gates.values()}
        return w.history.extended_rows(
            start.timestamp(), end.timestamp(), interval_seconds, tz, w.now, names, gate_names
        )

    @_synced
    def interaction_metadata(
        self, segment_end: datetime, interval_seconds: int, tz: ZoneInfo
    ) -> list[dict[str, Any]]:
        """Segments that ended in (segment_end - interval, segment_end]; times are epoch ms,
        so `tz` only matters to the HTTP layer that parsed `segmentEndTime`."""
        if not 1 <= interval_seconds <= MAX_METADATA_INTERVAL:
            raise InvalidRequest(
                f"timeInterval must be 1..{MAX_METADATA_INTERVAL} seconds",
                "timeInterval",
                interval_seconds,
            )
        t1 = segment_end.timestamp()
        segments = self._world.history.segments_between(t1 - interval_seconds, t1)
        prefix = self._world.dialog_prefix
        return [segment_row(s, prefix) for s in segments]

    @_synced
    def recording(self, dialog_id: str, segment_id: str) -> bytes:
        """A short silent WAV for a recorded segment; NotFound otherwise."""
        segment = self._world.history.find_segment(str(dialog_id), str(segment_id))
        if segment is None:
            raise NotFound(f"no recorded segment {segment_id!r} in dialog {dialog_id!r}")
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RECORDING_RATE)
            out.writeframes(b"\x00\x00" * int(RECORDING_SECONDS * RECORDING_RATE))
        return buffer.getvalue()

    # --- leads and accounts ------------------------------------------------------------------

    @_synced
    def load_leads(self, campaign_id: int, request: dict[str, Any]) -> dict[str, Any]:
        w = self._world
        campaign = w.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound(f"no campaign {campaign_id!r}")
        leads = campaign.leads
        before = (leads.ready, leads.pending, leads.other)
        result = apply_leads(leads, request)
        if (leads.ready, leads.pending, leads.other) != before:
            campaign.last_update = w.now
        w.dialer.pace(campaign)
        return result

    @_synced
    def accounts(self) -> list[dict[str, Any]]:
        s = self.settings
        return [
            {
                "accountId": s.sub_account_id,
                "accountName": s.account_name,
                "mainAccountId": s.main_account_id,
            }
        ]
