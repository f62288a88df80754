"""Pushing leads into a campaign: from a file (`wallboard leads push`) or one at a time (the
screen's lead form), through the live lead feed or RingCX's lead loader.

The promise: nothing is silently dropped. Every row of a file ends up counted as accepted or
rejected; every rejected row is written with its reason to a rejects file beside the input (see
`leads_read`), in the input's own format, so fixing that file and pushing it again is the
recovery. Rows refused locally are never sent; a problem that would fail every later row (the
key, the campaign, the platform) stops the push and the unsent rows are rejected as "not sent".
A run of identical failures with nothing accepted also stops it (`STOP_AFTER_SAME_FAILURES`).

Each push is audited like the other actions: an `attempt` line before the first request and an
`outcome` line with the counts after, or one `refused` line when nothing could be sent.

Core module: no Textual. The UI calls `LeadPusher.push_one` / `push_file` (see their docs).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wallboard.audit import AuditLog, AuditRecord
from wallboard.leads_check import CheckedLead, LeadProblem, check_lead
from wallboard.leads_read import LeadFile, SourceRow, read_lead_file, write_rejects
from wallboard.leads_routes import LeadRoute, PushStopped

#: Stop after this many consecutive rows refused for the same reason while none was accepted.
STOP_AFTER_SAME_FAILURES = 5
OPTION_NAMES = ("dialPriority", "duplicateHandling", "listState", "timeZoneOption", "description")
AUDIT_ACTION = "leads.push"

Progress = Callable[[int, int], None]


@dataclass
class PushReport:
    """What happened to a push. `supplied == accepted + rejected`; `inserted <= accepted`
    (an accepted duplicate is not inserted)."""

    campaign_id: str
    route: str
    supplied: int = 0
    accepted: int = 0
    inserted: int = 0
    rejected: list[tuple[SourceRow, str]] = field(default_factory=list)
    rejects_file: Path | None = None
    stopped: str | None = None

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def ok(self) -> bool:
        return not self.rejected and self.stopped is None

    def summary(self) -> str:
        text = (
            f"supplied {self.supplied}, accepted {self.accepted}, inserted {self.inserted}, "
            f"rejected {self.rejected_count}"
        )
        if self.stopped:
            text += f" (stopped: {self.stopped})"
        return text


def check_options(options: Mapping[str, str | None]) -> dict[str, str]:
    """Upload options without blanks; `ValueError` for a name the seed does not list."""
    unknown = [name for name in options if name not in OPTION_NAMES]
    if unknown:
        raise ValueError(f"unknown upload option(s): {', '.join(unknown)}")
    return {name: value for name, value in options.items() if value}


class LeadPusher:
    """Pushes leads for one account through one route, audited.

    `audit` may be None only where no audit log exists (tests of the route itself)."""

    def __init__(
        self,
        route: LeadRoute,
        *,
        audit: AuditLog | None,
        account: str,
        operator: str,
        read_only: bool = False,
    ) -> None:
        self.route = route
        self.audit = audit
        self.account = account
        self.operator = operator
        self.read_only = read_only

    async def push_one(
        self,
        campaign_id: str,
        lead: Mapping[str, Any],
        options: Mapping[str, str | None] | None = None,
    ) -> PushReport:
        """Push one lead (field names as seed 003 spells them). The report says whether it was
        accepted; a refused lead's reason is `report.rejected[0][1]`. No file is written."""
        rows = (SourceRow(1, dict(lead)),)
        return await self._push(campaign_id, rows, options or {}, None, "one lead", None)

    async def push_file(
        self,
        campaign_id: str,
        path: Path,
        options: Mapping[str, str | None] | None = None,
        progress: Progress | None = None,
    ) -> PushReport:
        """Push every row of a CSV or JSON-lines file; rejected rows go to the rejects file
        (`report.rejects_file`). Raises `LeadFileError` (nothing sent) if the file is unusable.
        `progress(done, total)` is called after each batch."""
        source = read_lead_file(path, self.route.fields)
        report = await self._push(
            campaign_id, source.rows, options or {}, progress, str(path), source
        )
        return report

    async def _push(
        self,
        campaign_id: str,
        rows: tuple[SourceRow, ...],
        options: Mapping[str, str | None],
        progress: Progress | None,
        what: str,
        source: LeadFile | None,
    ) -> PushReport:
        campaign = str(campaign_id).strip()
        report = PushReport(campaign, self.route.name, supplied=len(rows))
        params = {"campaign": campaign, "via": self.route.name, "source": what, "rows": len(rows)}
        refusal = self._refusal(campaign, options)
        if refusal is not None:
            report.stopped = refusal
            report.rejected = [(row, f"not sent: {refusal}") for row in rows]
            self._audit("refused", params, "refused", refusal)
            return self._finish(report, source)
        upload = check_options(options)
        attempt = self._audit("attempt", {**params, **upload}, None, None)
        started = time.monotonic()
        checked: list[tuple[SourceRow, CheckedLead]] = []
        for row in rows:
            try:
                if row.problem:
                    raise LeadProblem(row.problem)
                checked.append((row, check_lead(row.original, self.route.fields)))
            except LeadProblem as problem:
                report.rejected.append((row, str(problem)))
        await self._send(report, checked, upload, progress)
        outcome = "ok" if report.ok else ("stopped" if report.stopped else "partial")
        if report.accepted == 0 and report.supplied:
            outcome = "failed"
        self._audit("outcome", {**params, **upload}, outcome, report.summary(), attempt, started)
        return self._finish(report, source)

    def _refusal(self, campaign: str, options: Mapping[str, str | None]) -> str | None:
        if self.read_only:
            return f"account {self.account!r} is read-only"
        if not campaign:
            return "a campaign id is required"
        try:
            check_options(options)
        except ValueError as error:
            return str(error)
        return None

    async def _send(
        self,
        report: PushReport,
        checked: list[tuple[SourceRow, CheckedLead]],
        options: dict[str, str],
        progress: Progress | None,
    ) -> None:
        total = report.supplied
        done = total - len(checked)
        same_reason, same_count = None, 0
        size = max(1, self.route.batch_size)
        for start in range(0, len(checked), size):  # only rows that passed the local checks
            batch = checked[start : start + size]
            try:
                result = await self.route.push(report.campaign_id, [c for _, c in batch], options)
            except PushStopped as stop:
                report.stopped = stop.reason.removeprefix("not sent: ")
                report.rejected += [(row, stop.reason) for row, _ in checked[start:]]
                return
            report.inserted += result.inserted
            for (row, _), outcome in zip(batch, result.results, strict=True):
                if outcome.accepted:
                    report.accepted += 1
                    continue
                reason = outcome.reason or "rejected"
                report.rejected.append((row, reason))
                same_count = same_count + 1 if reason == same_reason else 1
                same_reason = reason
            done += len(batch)
            if progress is not None:
                progress(done, total)
            if report.accepted == 0 and same_count >= STOP_AFTER_SAME_FAILURES:
                report.stopped = f"{same_count} rows in a row refused: {same_reason}"
                reason = f"not sent: the first rows were all refused ({same_reason})"
                report.rejected += [(row, reason) for row, _ in checked[start + len(batch) :]]
                return

    def _finish(self, report: PushReport, source: LeadFile | None) -> PushReport:
        report.rejected.sort(key=lambda item: item[0].number)
        if source is not None:
            report.rejects_file = write_rejects(source, report.rejected)
        return report

    def _audit(
        self,
        phase: str,
        params: Mapping[str, Any],
        outcome: str | None,
        message: str | None,
        attempt_id: str | None = None,
        started: float | None = None,
    ) -> str:
        record_id = attempt_id or uuid.uuid4().hex
        if self.audit is not None:
            latency = None if started is None else (time.monotonic() - started) * 1000
            self.audit.write(
                AuditRecord(
                    id=record_id,
                    time=datetime.now(UTC),
                    phase=phase,
                    operator=self.operator,
                    account=self.account,
                    action=AUDIT_ACTION,
                    call=None,
                    parameters=dict(params),
                    outcome=outcome,
                    message=message,
                    latency_ms=latency,
                )
            )
        return record_id
