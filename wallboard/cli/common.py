"""What every account-facing command shares: the account flags and loading the config.

Why here: `--config`, `--account` and `--demo` must mean the same in `status`, `check`, `call`,
`report` and the screen; a bad config must read the same everywhere (file and key named).
"""

from __future__ import annotations

import argparse
import sys

from wallboard.config import ConfigError, WallboardConfig, load_config


def add_account_args(parser: argparse.ArgumentParser) -> None:
    """`--config PATH`, `--account NAME`, `--demo`."""
    group = parser.add_argument_group("account")
    group.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $WALLBOARD_CONFIG, ./wallboard.toml, the user config dir)",
    )
    group.add_argument("--account", metavar="NAME", help="which [accounts.NAME] to use")
    group.add_argument(
        "--demo",
        action="store_true",
        help="run against the simulated contact center, started in-process (no account needed)",
    )


def load(args: argparse.Namespace) -> WallboardConfig:
    """The config the flags name (raises `ConfigError` with the file and key in its message)."""
    return load_config(getattr(args, "config", None))


def error(message: str) -> None:
    """One clear line (or a few, for a config error) on stderr."""
    print(f"wallboard: {message}", file=sys.stderr)


__all__ = ["ConfigError", "add_account_args", "error", "load"]
