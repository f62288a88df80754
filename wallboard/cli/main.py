"""The `wallboard` command: one entry point, one subcommand per job.

Each subcommand lives in its own module under `wallboard.cli` and exposes
`register(subparsers)`, which adds its parser and sets `handler` to a function taking the parsed
arguments and returning an exit status. This module only wires them together, so adding a command
never touches another command's code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from wallboard import __version__

#: Modules that contribute subcommands, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "wallboard.cli.run_command",
    "wallboard.cli.status_command",
    "wallboard.cli.sim_command",
    "wallboard.cli.call_command",
    "wallboard.cli.audit_command",
    "wallboard.cli.leads_command",
    "wallboard.cli.fonouc_command",
    "wallboard.cli.report_command",
)

EPILOG = """\
configuration precedence (highest first): command-line flags, environment variables
(WALLBOARD_CONFIG, WALLBOARD_CLIENT_ID, WALLBOARD_CLIENT_SECRET, WALLBOARD_JWT,
WALLBOARD_API_TOKEN, WALLBOARD_RINGCX_URL, WALLBOARD_PLATFORM_URL, WALLBOARD_SUB_ACCOUNT_ID,
WALLBOARD_RC_ACCOUNT_ID), the config file (--config, else ./wallboard.toml, else the user
config directory), built-in defaults.
"""


#: The module of each subcommand, so that running one imports only its own module: the screen
#: starts without the simulator's model, the report and lead machinery (about 0.15 s of
#: imports). A command missing here still works: an unknown word builds the full parser.
COMMAND_OF: dict[str, str] = {
    "run": "wallboard.cli.run_command",
    "demo": "wallboard.cli.run_command",
    "status": "wallboard.cli.status_command",
    "check": "wallboard.cli.status_command",
    "sim": "wallboard.cli.sim_command",
    "call": "wallboard.cli.call_command",
    "audit": "wallboard.cli.audit_command",
    "leads": "wallboard.cli.leads_command",
    "fonouc": "wallboard.cli.fonouc_command",
    "report": "wallboard.cli.report_command",
}

#: Flags of `wallboard` itself; any other leading flag belongs to the default command, `run`.
_TOP_LEVEL_FLAGS = ("-h", "--help", "--version")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `wallboard` parser with every subcommand, or only the one `command` names (its
    module's parsers: what parsing that command needs)."""
    modules = (COMMAND_OF[command],) if command in COMMAND_OF else COMMAND_MODULES
    parser = argparse.ArgumentParser(
        prog="wallboard",
        description="A live terminal wallboard for RingCX contact-center supervisors.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wallboard {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or (words[0].startswith("-") and words[0] not in _TOP_LEVEL_FLAGS):
        words.insert(0, "run")  # plain `wallboard [--config PATH] [--kiosk] ...`: the screen
    parser = build_parser(words[0])
    args = parser.parse_args(words)
    handler = args.handler
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wallboard status | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
