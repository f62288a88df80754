"""`wallboard sim`: run the simulated contact center in the foreground.

Why it prints the demo credentials: the banner is the one place a person learns how to sign in
to the simulator (client id, secret, JWTs, API token). They are demo secrets derived from the
seed, and this is the only place they are ever printed. `--write-config` saves a ready config
(mode 0600) so the wallboard can be pointed at the simulator in one step.

Flag values are parsed here rather than by argparse types, so each bad value gets one clear line
naming the flag (exit status 2), not a usage dump.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wallboard.sim.faults import FaultRule, FaultSpecError, parse_fault_spec
from wallboard.sim.model import SimSettings
from wallboard.sim.scale import PRESETS, Scale, parse_scale


class _BadFlag(ValueError):
    """One bad flag value; the message is the whole error line."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="run the simulated RingCX contact center",
        description=(
            "Serve a simulated RingCX contact center (RingCentral sign-in, real-time data, "
            "active calls, reports, lead loader) over HTTP, with the platform's rate limits "
            "and switchable faults. Prints the demo credentials on start."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", default="8765", help="port to listen on (0: any free port)")
    parser.add_argument("--speed", default="1", help="simulated seconds per real second")
    parser.add_argument("--seed", default="7", help="random seed (also derives the credentials)")
    parser.add_argument(
        "--scale", default="small", help="small, medium, large, or key=value,... overrides"
    )
    parser.add_argument("--timezone", default="US/Eastern", help="the account's time zone")
    parser.add_argument(
        "--token-ttl", default="300", help="RingCX access-token lifetime, simulated seconds"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:key=value,...]",
        help="switch a fault on at start (repeatable), e.g. rate_limit:family=realtime,count=3",
    )
    parser.add_argument(
        "--write-config", metavar="PATH", help="write a ready wallboard config (JWT sign-in)"
    )
    parser.set_defaults(handler=run)


def _number(name: str, text: str, kind: type[int] | type[float], minimum: float) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise _BadFlag(f"{name} {text!r} is not a number") from None
    if value < minimum or value != value:
        raise _BadFlag(f"{name} must be at least {minimum:g}")
    return value


def _settings(args: argparse.Namespace) -> SimSettings:
    seed = _number("--seed", args.seed, int, 0)
    try:
        scale: Scale = parse_scale(args.scale)
    except ValueError as error:
        raise _BadFlag(f"--scale {args.scale!r}: {error}") from None
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _BadFlag(f"--timezone {args.timezone!r} is not a known time zone") from None
    return SimSettings(seed=seed, scale=scale, timezone=args.timezone)


def _faults(specs: list[str]) -> list[FaultRule]:
    rules = []
    for spec in specs:
        try:
            rules.append(parse_fault_spec(spec))
        except FaultSpecError as error:
            raise _BadFlag(f"--fault {spec!r}: {error}") from None
    return rules


def _scale_name(scale: Scale) -> str:
    return next((name for name, preset in PRESETS.items() if preset == scale), "custom")


def _banner(server: Any, rules: list[FaultRule], config_path: Path | None) -> str:
    creds = server.credentials
    settings = server.settings
    lines = [
        f"wallboard sim: simulated RingCX contact center at {server.base_url}",
        f"  seed {settings.seed}, scale {_scale_name(settings.scale)}, "
        f"time zone {settings.timezone}, speed {server.clock.speed:g}x",
        f"  base URL (RingCX and platform)  {server.base_url}",
        f"  sub-account id                  {settings.sub_account_id}",
        f"  RC account id                   {settings.rc_account_id}",
        f"  client id                       {creds.client_id}",
        f"  client secret                   {creds.client_secret}",
        f"  supervisor JWT                  {creds.jwt('supervisor')}",
        f"  viewer JWT                      {creds.jwt('viewer')}",
        f"  API token (X-Auth-Token)        {creds.api_token('supervisor')}",
    ]
    for rule in rules:
        scope = f"family={rule.family}" + (f", path={rule.path}" if rule.path else "")
        lines.append(f"  fault                           {rule.kind} ({scope})")
    if config_path is not None:
        lines.append(f"config written to {config_path}; use it with:")
        lines.append(f"  wallboard --config {config_path} ...")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from wallboard.sim.server import SimServer

    try:
        settings = _settings(args)
        port = _number("--port", args.port, int, 0)
        if port > 65535:
            raise _BadFlag("--port must be at most 65535")
        speed = _number("--speed", args.speed, float, 0)
        token_ttl = _number("--token-ttl", args.token_ttl, float, 1)
        rules = _faults(args.fault)
    except _BadFlag as error:
        print(f"wallboard sim: error: {error}", file=sys.stderr)
        return 2
    try:
        server = SimServer(settings, speed=speed, host=args.host, port=port, token_ttl=token_ttl)
        for rule in rules:
            server.faults.add(rule)
        server.start()
        config_path = None
        if args.write_config:
            config_path = Path(args.write_config)
            server.write_config(config_path)
        print(_banner(server, rules, config_path), flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(
            f"wallboard sim: error: cannot serve on {args.host}:{args.port}: {error}",
            file=sys.stderr,
        )
        return 1
    return 0
