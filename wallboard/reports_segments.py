"""Segment drill-down: interaction metadata regrouped into dialogs a supervisor can read.

Why regroup: the platform returns flat segments (one per participant: IVR, queue, agent, bot).
The question on screen is "what happened to this call": its segments in order, who joined and
left when, the dispositions and notes, and whether a recording or transcript exists. A `Dialog`
answers that; `select_for_queue_interval` and `select_for_call` pick the dialogs behind a queue
interval row or a call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from wallboard.providers.ringcx.wire import InteractionSegment


def _at(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000.0, UTC)


@dataclass(frozen=True, slots=True)
class SegmentEvent:
    at: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class Segment:
    """One participant's part of a dialog. Times are aware (UTC); show them in the zone."""

    dialog_id: str
    segment_id: str
    interaction_id: str | None
    kind: str
    """AGENT, IVR, QUEUE, BOT, ... as the platform spells it."""
    participant_id: str | None
    agent_group_id: str | None
    joined: datetime | None
    left: datetime | None
    duration_s: float | None
    system_disposition: str | None
    agent_disposition: str | None
    notes: str | None
    has_recording: bool
    has_transcript: bool
    events: tuple[SegmentEvent, ...]

    @classmethod
    def from_wire(cls, record: InteractionSegment) -> Segment:
        duration = record.segmentDurationMs
        return cls(
            dialog_id=record.dialogId,
            segment_id=record.segmentId,
            interaction_id=record.interactionId,
            kind=(record.segmentType or "UNKNOWN").upper(),
            participant_id=record.segmentParticipantId,
            agent_group_id=record.segmentAgentGroupId,
            joined=_at(record.segmentStartTimeMs),
            left=_at(record.segmentEndTimeMs),
            duration_s=None if duration is None else duration / 1000.0,
            system_disposition=record.systemDisposition,
            agent_disposition=record.agentDisposition,
            notes=record.agentNotes,
            has_recording=record.hasRecording,
            has_transcript=record.hasTranscript,
            events=tuple(
                SegmentEvent(datetime.fromtimestamp(e.eventTimeMs / 1000.0, UTC), e.eventType)
                for e in record.segmentEvents
            ),
        )


@dataclass(frozen=True, slots=True)
class Dialog:
    """Every fetched segment of one dialog, in the order the participants joined."""

    dialog_id: str
    interaction_id: str | None
    segments: tuple[Segment, ...]

    @property
    def started(self) -> datetime | None:
        times = [s.joined for s in self.segments if s.joined is not None]
        return min(times) if times else None

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.segments)

    @property
    def recorded(self) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.has_recording)


def _order(segment: Segment) -> tuple[float, str]:
    return (segment.joined.timestamp() if segment.joined else 0.0, segment.segment_id)


def group_dialogs(segments: Iterable[Segment]) -> list[Dialog]:
    """Segments grouped by dialog (duplicates by segment id dropped), oldest dialog first."""
    by_dialog: dict[str, dict[str, Segment]] = {}
    for segment in segments:
        by_dialog.setdefault(segment.dialog_id, {})[segment.segment_id] = segment
    dialogs = []
    for dialog_id, found in by_dialog.items():
        ordered = tuple(sorted(found.values(), key=_order))
        interaction = next((s.interaction_id for s in ordered if s.interaction_id), None)
        dialogs.append(Dialog(dialog_id, interaction, ordered))
    dialogs.sort(key=lambda d: (d.started.timestamp() if d.started else 0.0, d.dialog_id))
    return dialogs


def select_for_queue_interval(
    dialogs: Iterable[Dialog], queue_id: str, start: datetime, end: datetime
) -> list[Dialog]:
    """Dialogs offered to `queue_id` in `[start, end)`: those with a QUEUE segment for that
    queue (its participant is the queue) that began in the interval."""
    chosen = []
    for dialog in dialogs:
        for segment in dialog.segments:
            if (
                segment.kind == "QUEUE"
                and segment.participant_id == queue_id
                and segment.joined is not None
                and start <= segment.joined < end
            ):
                chosen.append(dialog)
                break
    return chosen


def select_for_call(dialogs: Iterable[Dialog], interaction_id: str) -> list[Dialog]:
    """The dialog(s) of one call, by its interaction id (the call's uii)."""
    return [d for d in dialogs if any(s.interaction_id == interaction_id for s in d.segments)]
