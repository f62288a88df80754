"""Safety over real HTTP: read-only sends nothing, bad input sends nothing, confirmations are
enforced by the layer, and each platform error becomes a clear outcome, all audited."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from action_helpers import (
    MakeLayer,
    audit_lines,
    block_file,
    calls_in,
    connected_uii,
    control_requests,
    read_text,
    secrets_of,
)

from wallboard.actions import ACTIONS, ActionRequest, Status
from wallboard.audit import AuditRecord
from wallboard.budget import BudgetRegistry, FamilySpec, Window, default_families
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())

EVERY_ACTION = [
    ActionRequest("monitor", "1"),
    ActionRequest("coach", "1"),
    ActionRequest("barge", "1"),
    ActionRequest("record", "1", {"state": "on"}),
    ActionRequest("hold", "1", {"state": "on"}),
    ActionRequest("requeue", "1", {"gate": "1"}),
    ActionRequest("dispose", "1", {"disposition": "SALE"}),
    ActionRequest("ping", "1"),
    ActionRequest("hangup", "1"),
    ActionRequest("drop", "1"),
    ActionRequest("dial", None, {"username": "a@b.c", "destination": "6505550142"}),
]


def test_every_action_is_covered() -> None:
    assert {r.action for r in EVERY_ACTION} == set(ACTIONS)


async def test_read_only_refuses_every_action_and_sends_nothing(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    layer = make_layer(read_only=True)
    uii = connected_uii(sim)
    before = len(sim.requests.entries())
    for request in EVERY_ACTION:
        real = ActionRequest(request.action, uii if request.call else None, request.params)
        outcome = await layer.perform(
            real, confirm="HANGUP" if real.action == "hangup" else uii[-4:]
        )
        assert outcome.status is Status.REFUSED, real.action
        assert "read-only" in outcome.message and not outcome.sent
    assert len(sim.requests.entries()) == before
    assert control_requests(sim) == 0
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None and inspected["active"] and inspected["sessions"] == []
    lines = audit_lines(audit_path)
    assert len(lines) == len(EVERY_ACTION)
    assert {(line["phase"], line["outcome"]) for line in lines} == {("refused", "refused")}


async def test_an_invalid_phone_is_refused_with_nothing_sent(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    for bad in ("555-0123", "+0155541501", "650555014x", "16505550142", "+1234567890123456"):
        outcome = await layer.perform(ActionRequest("monitor", uii, {"phone": bad}))
        assert outcome.status is Status.INVALID and "is not a phone number" in outcome.message
        assert repr(bad) in outcome.message
    dial = ActionRequest("dial", None, {"username": "x@y.z", "destination": "12"})
    assert "destination '12'" in (await layer.perform(dial)).message
    assert control_requests(sim) == 0
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None and inspected["sessions"] == []
    assert [line["outcome"] for line in audit_lines(audit_path)] == ["invalid"] * 6


async def test_bad_parameters_name_what_is_wrong_and_send_nothing(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    cases = [
        (ActionRequest("hangup", "12ab"), "call id '12ab' is not a call id"),
        (ActionRequest("requeue", uii), "requeue needs gate id (gate)"),
        (ActionRequest("requeue", uii, {"gate": "../1"}), "gate '../1' is not a gate id"),
        (ActionRequest("dispose", uii, {"disposition": "WHATEVER"}), "is not one of SALE"),
        (
            ActionRequest("dispose", uii, {"disposition": "SALE", "callback": "tomorrow"}),
            "callback 'tomorrow' must look like 2025-01-16 14:30",
        ),
        (ActionRequest("record", uii, {"state": "maybe"}), "state 'maybe' must be on or off"),
        (ActionRequest("ping", uii, {"phone": "6505550142"}), "ping takes no phone"),
        (ActionRequest("drop", uii, {"session": "a b"}), "session id 'a b'"),
        (ActionRequest("explode", uii), "unknown action"),
    ]
    for request, expected in cases:
        outcome = await layer.perform(request)
        assert outcome.status is Status.INVALID, request
        assert expected in outcome.message, (request, outcome.message)
        assert layer.check(request) is not None
    assert control_requests(sim) == 0


async def test_hangup_and_barge_need_a_typed_confirmation(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    hangup = ActionRequest("hangup", uii)
    confirmation = layer.confirmation(hangup)
    assert confirmation is not None and confirmation.policy == "typed"
    assert confirmation.accepted == {"HANGUP", uii[-4:]}
    assert uii[-4:] in confirmation.prompt
    assert layer.confirmation(ActionRequest("barge", uii)) is not None
    assert layer.confirmation(ActionRequest("monitor", uii)) is None
    for wrong in (None, "", "yes", "0000" if uii[-4:] != "0000" else "1111"):
        outcome = await layer.perform(hangup, confirm=wrong)
        assert outcome.status is Status.REFUSED and "not confirmed" in outcome.message
    assert control_requests(sim) == 0
    assert (await layer.perform(hangup, confirm=f" {uii[-4:]} ")).ok


async def test_the_confirmation_policy_is_configurable_per_action(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    from action_helpers import settings

    layer = make_layer(actions=settings(confirm={"hangup": "none", "requeue": "yes"}))
    uii = connected_uii(sim)
    assert layer.confirmation(ActionRequest("hangup", uii)) is None
    requeue = layer.confirmation(ActionRequest("requeue", uii, {"gate": "1"}))
    assert requeue is not None and requeue.accepted == {"Y", "YES"}
    assert (await layer.perform(ActionRequest("hangup", uii))).ok


async def test_a_stale_call_has_already_ended(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    sim.center.hangup_call(uii)  # the caller hangs up before the supervisor acts
    outcome = await layer.perform(ActionRequest("monitor", uii))
    assert outcome.status is Status.STALE and outcome.sent
    assert outcome.message == f"call {uii} has already ended"
    assert outcome.call_ended and uii in layer.ended_calls
    last = audit_lines(audit_path)[-1]
    assert (last["phase"], last["outcome"]) == ("outcome", "stale")


async def test_permission_denied_quotes_the_platform(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    viewer = make_layer(user="viewer")
    uii = connected_uii(sim)
    outcome = await viewer.perform(ActionRequest("hangup", uii), confirm="HANGUP")
    assert outcome.status is Status.DENIED
    said = "You do not have permission to access this resource"
    assert outcome.platform_message == said and outcome.message == f"permission denied: {said}"
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None and inspected["active"] is True
    assert audit_lines(audit_path)[-1]["message"] == f"permission denied: {said}"


async def test_a_false_answer_is_a_failure(make_layer: MakeLayer, sim: SimServer) -> None:
    layer = make_layer()
    queued = calls_in(sim, "QUEUED")
    assert queued, "the simulated center should have callers waiting"
    outcome = await layer.perform(ActionRequest("hold", str(queued[0]["uii"]), {"state": "on"}))
    assert outcome.status is Status.FAILED and not outcome.ok
    assert "the platform answered false" in outcome.message
    assert layer.next_state("hold", str(queued[0]["uii"])) is True  # nothing was recorded as set


async def test_rate_limited_by_the_budget_says_when_it_will_go(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    families = default_families()
    families["realtime"] = FamilySpec("realtime", (Window(2, 60.0),))
    layer = make_layer(budgets=BudgetRegistry(families))
    uii = connected_uii(sim)
    assert (await layer.perform(ActionRequest("ping", uii))).ok
    assert (await layer.perform(ActionRequest("ping", uii))).ok
    sent = control_requests(sim)
    outcome = await layer.perform(ActionRequest("ping", uii))
    assert outcome.status is Status.RATE_LIMITED
    assert outcome.retry_after_s is not None and 0 < outcome.retry_after_s <= 62
    assert f"will go in {math.ceil(outcome.retry_after_s)} s" in outcome.message
    assert not outcome.sent and control_requests(sim) == sent  # refused before sending


async def test_rate_limited_by_the_platform_is_not_retried(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    sim.faults.add("rate_limit", path="hangupCall", count=1, retry_after="7")
    outcome = await layer.perform(ActionRequest("hangup", uii), confirm="HANGUP")
    assert outcome.status is Status.RATE_LIMITED and outcome.retry_after_s == pytest.approx(7, 0.2)
    assert "will go in 7 s" in outcome.message and outcome.sent
    assert sim.requests.count(path_contains="hangupCall") == 1
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None and inspected["active"] is True


async def test_the_attempt_is_on_disk_before_the_request_is_sent(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    seen: list[tuple[str, int, int]] = []

    def on_record(record: AuditRecord) -> None:
        on_disk = len(audit_lines(audit_path))
        seen.append((record.phase, on_disk, sim.requests.count(path_contains="pingCall")))

    layer.audit.listen(on_record)
    assert (await layer.perform(ActionRequest("ping", uii))).ok
    assert seen == [("attempt", 1, 0), ("outcome", 2, 1)]


async def test_an_unwritable_audit_log_stops_the_action(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    block_file(audit_path)  # a directory where the file should be: every write fails
    layer = make_layer()
    uii = connected_uii(sim)
    outcome = await layer.perform(ActionRequest("hangup", uii), confirm="HANGUP")
    assert outcome.status is Status.ERROR and "not sent" in outcome.message
    assert str(audit_path) in outcome.message
    assert control_requests(sim) == 0


@pytest.mark.parametrize("auth", ["api_token", "jwt"])
async def test_no_secret_reaches_the_audit_log(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path, auth: str
) -> None:
    layer = make_layer(auth=auth)
    viewer = make_layer(user="viewer", auth=auth)
    uii = connected_uii(sim)
    await layer.perform(ActionRequest("monitor", uii))
    await viewer.perform(ActionRequest("ping", uii))
    await layer.perform(ActionRequest("dispose", uii, {"disposition": "SALE", "notes": "ok"}))
    await layer.perform(ActionRequest("hangup", uii), confirm="HANGUP")
    await layer.perform(ActionRequest("hangup", uii), confirm="HANGUP")  # stale now
    text = read_text(audit_path)
    assert len(text.splitlines()) == 10
    for secret in secrets_of(sim):
        assert secret not in text
    for line in text.splitlines():
        record = json.loads(line)
        assert set(record) == {
            "id",
            "time",
            "phase",
            "operator",
            "account",
            "action",
            "call",
            "parameters",
            "outcome",
            "message",
            "latency_ms",
        }
