"""`wallboard run` (also plain `wallboard`) and `wallboard demo`: the screen.

Why `demo` is its own command: a new user types one word and sees a live contact center; it is
`run --demo`, the simulated center started in-process on a free loopback port and polled over
HTTP like a real account, with no config needed.

Precedence of flags over config: `--read-only` and `--kiosk` can only make the screen safer (a
config's `read_only = true` is never turned off by a missing flag); `--theme` beats the account's
theme, which beats `[ui] theme`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wallboard.config import ConfigError, load_config


def register(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="show the wallboard for the configured account (the default command)",
        description="Show the live wallboard for an account from the config (or the demo).",
    )
    add_run_flags(run)
    run.set_defaults(handler=handle_run)
    demo = subparsers.add_parser(
        "demo",
        help="show the wallboard against the simulated contact center (no config needed)",
        description="Start the simulated contact center in-process and show its wallboard.",
    )
    add_run_flags(demo, with_demo=False)
    demo.add_argument(
        "--platform",
        choices=("ringcx", "fonouc"),
        default="ringcx",
        help="which simulated platform: a RingCX contact center (default) or a FonoUC tenant",
    )
    demo.set_defaults(handler=handle_demo)


def add_run_flags(parser: argparse.ArgumentParser, *, with_demo: bool = True) -> None:
    parser.add_argument("--config", metavar="PATH", help="config file (default: see below)")
    parser.add_argument("--account", metavar="NAME", help="which [accounts.NAME] to watch")
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="wall-TV mode: read-only, no cursor, rotating panes, Ctrl-C does not quit",
    )
    parser.add_argument("--read-only", action="store_true", help="hide every call action")
    parser.add_argument("--theme", metavar="NAME", help="theme (e.g. wall-contrast, wall-ansi)")
    if with_demo:
        parser.add_argument(
            "--demo", action="store_true", help="watch the simulated contact center instead"
        )


def handle_run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"wallboard: {error}", file=sys.stderr)
        return 2
    from wallboard.ui.factory import AppOptions, build_app

    options = AppOptions(
        account=args.account,
        demo=bool(getattr(args, "demo", False)),
        demo_platform=getattr(args, "platform", "ringcx"),
        kiosk=args.kiosk,
        read_only=args.read_only,
        theme=args.theme,
    )
    from wallboard.logsetup import log_to_file

    data_dir = config.resolved_data_dir()
    log_to_file(data_dir / "demo" if options.demo else data_dir)
    app = build_app(config, options)
    from wallboard.collector import PacedCollector

    app.collector = PacedCollector()
    app.collector.start()
    try:
        app.run(mouse=config.ui.mouse and not args.kiosk)
    finally:
        app.collector.stop()
    return app.return_code or 0


def handle_demo(args: argparse.Namespace) -> int:
    args.demo = True
    return handle_run(args)
