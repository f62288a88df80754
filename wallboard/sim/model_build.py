"""Build an account of a given `Scale` and calibrate its traffic to the call target.

Why calibrate instead of guessing rates: "large" must sit near 10,000 calls in flight and
"small" near 80 with the same code. Agent conversations are capped by the roster, so the model
estimates how many calls agents will carry (outbound lines and talk, inbound talk and queue) and
fills the rest of the target with IVR traffic and its cloud/TRAC transfers, choosing how IVR
transfers split between our gates and outside destinations so the gates get about the load
their agents can answer (so queues neither drain nor explode). The controller in
`dynamics_inbound` then trims what the estimate missed.

Everything is drawn from the world's seeded RNG in a fixed order, so a seed names one account.
"""

from __future__ import annotations

import math
import random

from .dynamics_dialer import RATIO_DOWN
from .model_entities import Agent, Campaign, Gate, Ivr, Route
from .model_leads import LeadList
from .model_world import World
from .names import (
    AGENT_GROUPS,
    CAMPAIGN_TOPICS,
    DIAL_GROUPS,
    GATE_GROUPS,
    GATE_TOPICS,
    IVR_GROUPS,
    IVR_TOPICS,
    LANGUAGES,
    REGIONS,
    numbered,
    person,
    toll_free,
    username,
)

# Calibration constants, measured on the model itself (see tests/sim/test_model_steady.py).
ON_DUTY = 0.80  # share of the roster logged in and not on a break
OUTBOUND_ACTIVE_PER_AGENT = 1.2  # talk + ringing lines + waiting, per outbound agent on duty
INBOUND_TALK_SHARE = 0.80  # share of on-duty inbound agents' time spent talking
QUEUE_PER_INBOUND_AGENT = 0.06
GATE_LOAD = 1.0  # offered load / answering capacity
IVR_GATE_SHARE = 0.75  # share of gate traffic arriving through IVRs (the rest dials direct)
EXTERNAL_MEAN = 150.0  # mean seconds of a cloud or TRAC leg
GATE_SPLIT = 0.8  # preferred share of IVR transfers that go to our gates
STRETCH = (0.55, 1.6)  # bounds on scaling IVR flow lengths (45-90 s -> 25-145 s)
# Abandon targets the dialers chase (abandoned / live-answered). Compliant campaigns aim well
# under the 3% safe harbour, as a careful operation does; one campaign in HOT_EVERY runs hot,
# aiming above it, so the compliance alerts have something real to catch.
COMPLIANT_TARGET = (0.005, 0.015)
HOT_TARGET = (0.035, 0.05)
HOT_EVERY = 8
PACO = ("Paco", "Vu")


def _weights(world: World, n: int, sigma: float) -> list[float]:
    raw = [math.exp(world.rng.gauss(0.0, sigma)) for _ in range(n)]
    total = sum(raw) or 1.0
    return [w / total for w in raw]


def hot_campaigns(weights: list[float]) -> set[int]:
    """Indexes of the campaigns that run hot: every `HOT_EVERY`th by size, starting with the
    second busiest (the busiest is Paco's). Chosen by size, not at random, so the small demo
    always has exactly one, and one staffed well enough that its abandon rate is more than the
    noise of a handful of answers."""
    by_size = sorted(range(len(weights)), key=lambda i: -weights[i])
    return {i for rank, i in enumerate(by_size) if rank % HOT_EVERY == 1}


def _start_ratio(rng: random.Random, p_live: float, hot: bool) -> float:
    """The pacing ratio a campaign starts the warm-up with (see `dynamics_dialer`).

    Why it matters: the ratio adapts slowly (one small step up per connect), so the warm-up's
    counters, which are what the wallboard's first screen shows as today and as the first
    rolling window, are dominated by where it starts. A compliant campaign starts near
    progressive dialing (about one line per free agent) and works its way up; a hot one starts
    at about two lines per free agent, as a dialer set too aggressive does."""
    if hot:
        return rng.uniform(0.4, 0.7)
    return p_live * rng.uniform(1.0, 1.35)


def build(world: World) -> None:
    """Create every entity in `world` and schedule the first events."""
    scale = world.settings.scale
    rng = world.rng
    numbers: set[str] = set()
    t0 = world.now

    # --- campaigns ---
    campaign_weights = _weights(world, scale.campaigns, 0.7)
    hot = hot_campaigns(campaign_weights)
    for i in range(scale.campaigns):
        p_live = rng.uniform(0.20, 0.35)
        # The coin that once chose hot campaigns at random is still tossed (and ignored), so a
        # seed keeps drawing the same account: rosters, leads and numbers.
        rng.random()
        abandon_target = rng.uniform(*(HOT_TARGET if i in hot else COMPLIANT_TARGET))
        group = i % len(DIAL_GROUPS)
        campaign = Campaign(
            campaign_id=31_001 + i,
            name=numbered(CAMPAIGN_TOPICS, i, REGIONS),
            dial_group_id=5_001 + group,
            dial_group_name=f"{DIAL_GROUPS[group]} Dialing",
            caller_id=toll_free(rng, numbers),
            p_live=p_live,
            p_machine=rng.uniform(0.15, 0.25),
            p_busy=rng.uniform(0.03, 0.07),
            p_intercept=rng.uniform(0.02, 0.06),
            p_fax=rng.uniform(0.003, 0.01),
            p_dnc=rng.uniform(0.002, 0.01),
            talk_mean=rng.uniform(120.0, 240.0),
            success_rate=rng.uniform(0.08, 0.25),
            record_rate=rng.uniform(0.5, 1.0),
            ratio=_start_ratio(rng, p_live, i in hot),
            ratio_max=rng.uniform(1.0, 1.3),
            ratio_up=math.exp(-abandon_target * math.log(RATIO_DOWN) / (1.0 - abandon_target)),
            est_live=p_live * rng.uniform(0.8, 1.2),
            reload_hours=rng.uniform(1.0, 6.0),
            last_update=t0,
        )
        campaign.leads = LeadList()
        world.campaigns[campaign.campaign_id] = campaign

    # --- gates ---
    gate_weights = _weights(world, scale.gates, 0.5)
    for i in range(scale.gates):
        group = rng.randrange(len(GATE_GROUPS))
        gate = Gate(
            gate_id=20_001 + i,
            name=numbered(GATE_TOPICS, i, ()) + rng.choice(LANGUAGES),
            group_id=6_001 + group,
            group_name=GATE_GROUPS[group],
            dnis=toll_free(rng, numbers),
            sla=float(rng.choice((20, 30))),
            patience_mean=rng.uniform(60.0, 180.0),
            talk_mean=rng.uniform(150.0, 300.0),
            direct_rate=0.0,
            max_queue=10,
            last_update=t0,
        )
        world.gates[gate.gate_id] = gate
    gates = list(world.gates.values())

    # --- routes out of the IVRs ---
    clouds = [
        Route(9_001 + i, "CLOUD_PROFILE", name, rng.uniform(120.0, 240.0), last_update=t0)
        for i, name in enumerate(("Partner BPO", "Overflow Vendor", "Voicemail Cloud"))
    ]
    tracs = [
        Route(9_501 + i, "TRAC_NUMBER", name, rng.uniform(90.0, 180.0), last_update=t0)
        for i, name in enumerate(("Legacy TRAC Main", "Legacy TRAC Spanish"))
    ]
    for route in (*clouds, *tracs):
        world.routes[route.route_id] = route

    # --- agents ---
    _build_agents(world, campaign_weights, gate_weights)

    # --- IVRs, calibrated ---
    _build_ivrs(world, gates, clouds, tracs)

    # --- first events ---
    agent_ops = world.agent_ops
    for agent in world.agents.values():
        if agent.always_on or rng.random() < 0.93:
            agent_ops.start_shift(agent, agent.shift_mean * rng.uniform(0.05, 1.0))
        else:
            world.schedule(
                t0 + rng.uniform(0.0, 1_800.0), agent_ops.on_login, agent, agent.shift_gen
            )
    for ivr in world.ivrs.values():
        if ivr.rate > 0:
            world.schedule(t0 + rng.expovariate(ivr.rate), world.inbound.on_ivr_arrival, ivr)
    for gate in gates:
        if gate.direct_rate > 0:
            world.schedule(
                t0 + rng.expovariate(gate.direct_rate), world.inbound.on_direct_arrival, gate
            )
    for campaign in world.campaigns.values():
        world.dialer.pace(campaign)
    world.schedule(world.next_midnight(t0), world.on_midnight, None)
    world.schedule(t0 + 300.0, world.on_housekeeping, None)
    world.schedule(t0 + 300.0, world.inbound.on_control, None)


def _build_agents(world: World, campaign_weights: list[float], gate_weights: list[float]) -> None:
    rng = world.rng
    scale = world.settings.scale
    campaigns = list(world.campaigns.values())
    gates = list(world.gates.values())
    # Half the roster dials, half answers; all of it when the account has only one kind.
    outbound_share = 0.5 if campaigns and gates else (1.0 if campaigns else 0.0)
    n_out = round(scale.agents * outbound_share)
    taken: set[str] = set()
    for i in range(scale.agents):
        paco = i == 0
        first, last = PACO if paco else person(rng)
        group = rng.randrange(len(AGENT_GROUPS))
        campaign = None
        skills: list[Gate] = []
        if i < n_out and campaigns:
            # Paco works the busiest campaign; everybody else is spread by campaign weight.
            if paco:
                campaign = campaigns[campaign_weights.index(max(campaign_weights))]
            else:
                campaign = rng.choices(campaigns, campaign_weights)[0]
            campaign.roster += 1
        elif gates:
            primary = rng.choices(gates, gate_weights)[0]
            skills = [primary]
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                extra = rng.choice(gates)
                if extra not in skills:
                    skills.append(extra)
        agent = Agent(
            agent_id=1_200_001 + i,
            first=first,
            last=last,
            username=username(first, last, taken),
            group_id=8_001 + group,
            group_name=AGENT_GROUPS[group],
            campaign=campaign,
            gates=skills,
            talk_factor=1.6 if paco else math.exp(rng.gauss(0.0, 0.15)),
            wrap_mean=8.0 if paco else rng.uniform(10.0, 45.0),
            p_rna=0.0 if paco else (0.03 if rng.random() < 0.1 else 0.005),
            break_every=4 * 3600.0 if paco else rng.uniform(5_400.0, 10_800.0),
            shift_mean=rng.uniform(4 * 3600.0, 8 * 3600.0),
            always_on=paco,
            last_update=world.now,
        )
        world.agents[agent.agent_id] = agent
        world.by_username[agent.username.lower()] = agent
    for campaign in campaigns:
        hours = rng.uniform(3.0, 10.0) if rng.random() < 0.7 else rng.uniform(0.3, 1.5)
        campaign.leads.synthetic = world.dialer.list_size(campaign, hours)


def _build_ivrs(world: World, gates: list[Gate], clouds: list[Route], tracs: list[Route]) -> None:
    """Calibrate IVR rates and transfer splits (see the module docstring)."""
    rng = world.rng
    scale = world.settings.scale
    agents = list(world.agents.values())
    n_out = sum(1 for a in agents if a.campaign is not None)
    inbound = [a for a in agents if a.campaign is None and a.gates]
    # Answering capacity per gate, from agents whose first skill is that gate.
    capacity = {g.gate_id: 0.0 for g in gates}
    for agent in inbound:
        primary = agent.gates[0]
        handle = primary.talk_mean * agent.talk_factor + agent.wrap_mean + 2.0
        capacity[primary.gate_id] += ON_DUTY / handle
    offered = {gid: cap * GATE_LOAD for gid, cap in capacity.items()}
    phi = sum(offered.values())
    carried = (
        n_out * ON_DUTY * OUTBOUND_ACTIVE_PER_AGENT
        + len(inbound) * ON_DUTY * INBOUND_TALK_SHARE
        + len(inbound) * QUEUE_PER_INBOUND_AGENT
    )
    target = float(scale.target_active_calls)
    remainder = max(0.1 * target, target - carried)

    # Per-IVR shape: share of traffic, mean duration, containment, hang-up share.
    shares = _weights(world, scale.ivrs, 0.5)
    shapes = []
    for _ in range(scale.ivrs):
        dur = rng.uniform(45.0, 90.0)
        containment = rng.uniform(0.40, 0.75)
        hangup = rng.uniform(0.05, 0.12)
        shapes.append((dur, containment, hangup))
    if not shapes:
        for gate in gates:
            gate.direct_rate = offered[gate.gate_id]
        _size_queues(gates, capacity)
        return
    # Mean seconds in the IVR per caller (hang-ups leave after ~half the flow) and the mean
    # transfer share, traffic weighted.
    d_bar = sum(s * d * (1 - h * 0.52) for s, (d, _, h) in zip(shares, shapes, strict=True))
    t_bar = sum(s * (1 - c) for s, (_, c, _) in zip(shares, shapes, strict=True))
    g_target = phi * IVR_GATE_SHARE if gates else 0.0
    # First knob: IVR length. With most transfers going to our gates (g = GATE_SPLIT), the gate
    # load fixes the IVR arrival rate; stretch or shrink the flows (within 25..145 s) so the
    # IVR holds the remainder.
    g = GATE_SPLIT if g_target > 0 else 0.0
    stretch = 1.0
    if g > 0 and t_bar > 0:
        rate = g_target / (t_bar * g)
        stretch = (remainder / rate - t_bar * (1 - g) * EXTERNAL_MEAN) / d_bar
        stretch = min(STRETCH[1], max(STRETCH[0], stretch))
        # Second knob: if the IVR alone cannot hold it, send more transfers outside (cloud,
        # TRAC), which keeps callers in flight without loading our gates.
        d_eff = d_bar * stretch
        g = g_target * (d_eff / t_bar + EXTERNAL_MEAN) / (remainder + g_target * EXTERNAL_MEAN)
        g = min(0.9, max(0.3, g))
    rate = remainder / (d_bar * stretch + t_bar * (1 - g) * EXTERNAL_MEAN)
    numbers = {c.caller_id for c in world.campaigns.values()} | {x.dnis for x in gates}
    flow_to: dict[int, float] = {x.gate_id: 0.0 for x in gates}
    for i, ((dur, containment, hangup), share) in enumerate(zip(shapes, shares, strict=True)):
        transfer = 1.0 - containment
        ext = transfer * (1 - g)
        group = i % len(IVR_GROUPS)
        targets = _pick_gates(rng, gates, capacity)
        ivr = Ivr(
            visual_ivr_id=4_101 + i,
            name=numbered(IVR_TOPICS, i, REGIONS),
            group_id=7_001 + group,
            group_name=IVR_GROUPS[group],
            dnis=toll_free(rng, numbers),
            rate=rate * share,
            dur_mean=dur * stretch,
            p_self=containment - hangup,
            p_hangup=hangup,
            p_gate=transfer * g,
            p_cloud=ext * 0.7,
            p_trac=ext * 0.3,
            gates=targets,
            gate_cum=[],
            cloud=rng.choice(clouds),
            trac=rng.choice(tracs),
            last_update=world.now,
        )
        world.ivrs[ivr.visual_ivr_id] = ivr
    _balance(list(world.ivrs.values()), offered, flow_to)
    # Direct callers top each gate up to its offered load; the IVR share sets the total.
    for gate in gates:
        gate.direct_rate = max(0.0, offered[gate.gate_id] - flow_to[gate.gate_id])
    _size_queues(gates, capacity)


def _pick_gates(rng: random.Random, gates: list[Gate], capacity: dict[int, float]) -> list[Gate]:
    """One to four gates an IVR transfers to, favouring gates with more agents."""
    staffed = [g for g in gates if capacity[g.gate_id] > 0] or gates
    picked: list[Gate] = []
    for _ in range(min(len(staffed), rng.randint(1, 4))):
        gate = rng.choices(staffed, [capacity[g.gate_id] or 1.0 for g in staffed])[0]
        if gate not in picked:
            picked.append(gate)
    return picked


def _balance(ivrs: list[Ivr], offered: dict[int, float], flow_to: dict[int, float]) -> None:
    """Weight each IVR's choice among its gates so no gate gets more IVR callers than it can
    answer, where the IVRs' other gates have room (a few rounds of proportional fitting)."""
    weights = {i.visual_ivr_id: [offered[g.gate_id] or 1e-6 for g in i.gates] for i in ivrs}
    for _ in range(8):
        for gid in flow_to:
            flow_to[gid] = 0.0
        for ivr in ivrs:
            ws = weights[ivr.visual_ivr_id]
            total = sum(ws) or 1.0
            for gate, weight in zip(ivr.gates, ws, strict=True):
                flow_to[gate.gate_id] += ivr.rate * ivr.p_gate * weight / total
        for ivr in ivrs:
            ws = weights[ivr.visual_ivr_id]
            for k, gate in enumerate(ivr.gates):
                load = flow_to[gate.gate_id]
                room = offered[gate.gate_id] * IVR_GATE_SHARE
                if load > 0:
                    ws[k] *= min(2.0, max(0.5, room / load))
    for ivr in ivrs:
        total = 0.0
        ivr.gate_cum = []
        for weight in weights[ivr.visual_ivr_id]:
            total += weight
            ivr.gate_cum.append(total)


def _size_queues(gates: list[Gate], capacity: dict[int, float]) -> None:
    """Queue limit: roughly four minutes of the gate's answering capacity, at least 10."""
    for gate in gates:
        gate.max_queue = max(10, int(capacity[gate.gate_id] * 240.0))
