"""Configuration: one TOML file, environment overrides, strict validation with clear messages.

Why this shape: a wallboard runs unattended for months, so a typo must fail loudly at start with
the file and the key named, never silently fall back. Secrets may live in the file (mode 0600) or,
better, in environment variables; either way they are `SecretStr`, so a `repr`, a log line or an
exception never shows them.

Precedence, highest first: command-line flags > environment variables > the config file >
built-in defaults. The file is found at `--config PATH`, else `$WALLBOARD_CONFIG`, else
`./wallboard.toml`, else `<platformdirs user config dir>/wallboard/config.toml`.

File layout::

    account = "prod"              # which [accounts.*] table to use (default: the first)
    [accounts.prod]
    platform = "ringcx"
    client_id = "..."
    ...
    [poller]
    interval = 15
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from wallboard.alerts import AlertsConfig

PRODUCTION_PLATFORM_URL = "https://platform.ringcentral.com"
PRODUCTION_RINGCX_URL = "https://ringcx.ringcentral.com"

#: Environment variables that override the selected account's fields (secrets belong here).
ENV_OVERRIDES: dict[str, str] = {
    "WALLBOARD_CLIENT_ID": "client_id",
    "WALLBOARD_CLIENT_SECRET": "client_secret",
    "WALLBOARD_JWT": "jwt",
    "WALLBOARD_API_TOKEN": "api_token",
    "WALLBOARD_RINGCX_URL": "ringcx_url",
    "WALLBOARD_PLATFORM_URL": "platform_url",
    "WALLBOARD_SUB_ACCOUNT_ID": "sub_account_id",
    "WALLBOARD_RC_ACCOUNT_ID": "rc_account_id",
    "WALLBOARD_FONOUC_PASSWORD": "password",
}


class ConfigError(Exception):
    """A configuration problem, worded for the person who has to fix the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountConfig(_Strict):
    """One platform account the wallboard can watch."""

    platform: Literal["ringcx", "fonouc"] = "ringcx"
    """Which provider speaks to this account."""
    ringcx_url: str = PRODUCTION_RINGCX_URL
    """RingCX API host (scheme and host, no path)."""
    platform_url: str = PRODUCTION_PLATFORM_URL
    """RingCentral platform host, used only for the JWT sign-in and the account id."""
    client_id: SecretStr | None = None
    """RingCentral app client id (JWT sign-in)."""
    client_secret: SecretStr | None = None
    """RingCentral app client secret (JWT sign-in). Prefer WALLBOARD_CLIENT_SECRET."""
    jwt: SecretStr | None = None
    """RingCentral JWT credential. Prefer WALLBOARD_JWT."""
    api_token: SecretStr | None = None
    """Long-lived RingCX API token (sent as X-Auth-Token); an alternative to the JWT."""
    sub_account_id: str | None = None
    """RingCX sub-account; discovered from the accounts endpoint when there is exactly one."""
    rc_account_id: str | None = None
    """RingCentral account id for the reports family; discovered when absent."""
    timezone: str = "US/Eastern"
    """The account's configured time zone: its daily counters reset at this zone's midnight."""
    read_only: bool = False
    """Refuse every call-control action for this account."""
    theme: str | None = None
    """Theme for this account, so production looks different from a test account."""
    label: str | None = None
    """Name shown on screen; defaults to the account's key in the file."""
    fonouc_url: str | None = None
    """FonoUC portal API base, scheme, host and port (e.g. `https://portal.example.com:9443`)."""
    username: str | None = None
    """FonoUC user name (login)."""
    password: SecretStr | None = None
    """FonoUC password. Prefer WALLBOARD_FONOUC_PASSWORD."""
    domain: str | None = None
    """FonoUC tenant domain (login)."""
    account_id: str | None = None
    """FonoUC account id for the `X-Account-ID` header; taken from the login answer if absent."""

    @field_validator("ringcx_url", "platform_url", "fonouc_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _fonouc_complete(self) -> AccountConfig:
        """A FonoUC account cannot sign in without its portal, user, password and domain."""
        if self.platform == "fonouc":
            needed = ("fonouc_url", "username", "password", "domain")
            missing = [key for key in needed if not getattr(self, key)]
            if missing:
                raise ValueError(f"a fonouc account needs {', '.join(missing)}")
        return self

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    def auth_mode(self) -> Literal["jwt", "api_token"]:
        """Which sign-in this account uses; the JWT wins when both are configured."""
        if self.client_id and self.client_secret and self.jwt:
            return "jwt"
        if self.api_token:
            return "api_token"
        raise ConfigError(
            "no credentials: set client_id, client_secret and jwt (or WALLBOARD_JWT), "
            "or api_token (or WALLBOARD_API_TOKEN)"
        )


CALLS_PAGE_SIZE = 5000
"""Rows asked for per page of the RingCX active-call listing (`maxRows`) unless configured.
The seed leaves `maxRows` open (its sample reads the whole listing in one request). 5,000
reads 10,000 calls in 3 requests, not the 11 of pages of 1,000: fewer of the 120 requests a
minute, and less of the wallboard's CPU (measured: `benchmarks`, steady state). A page shorter
than asked for ends the listing, so an account whose platform caps `maxRows` lower must set
`[poller] calls_page_size` at or below that cap."""


class PollerConfig(_Strict):
    interval: float = Field(default=15.0)
    """Seconds between poll cycles. Below 5 is refused: the platform's guidance."""
    calls_page_size: int = Field(default=CALLS_PAGE_SIZE, ge=100, le=50_000)
    """Rows asked for per page of the RingCX active-call listing (see `CALLS_PAGE_SIZE`)."""

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: float) -> float:
        if value < 5:
            raise ValueError("must be at least 5 seconds (RingCX advises against faster polling)")
        return value


class HistoryConfig(_Strict):
    path: str | None = None
    """The SQLite file; defaults to `history.sqlite3` in the data directory."""
    retention_days: float = Field(default=35.0, ge=31)
    """Days of counter history kept: at least the 30-day compliance window and a day."""
    enabled: bool = True
    """False keeps history in memory only (rolling windows then start afresh on restart)."""


class UiConfig(_Strict):
    """The `[ui]` table: how the screen looks and which keys it answers to."""

    theme: str | None = None
    """Default theme (an account's own `theme` wins); unknown names fall back with a notice."""
    keys: dict[str, str] = Field(default_factory=dict)
    """Key remapping: binding id -> key(s), e.g. `"wallboard.filter" = "f"` (see `?`)."""
    kiosk_rotate_s: float = Field(default=20.0, ge=3.0)
    """Seconds each pane stays on a wall TV (`--kiosk`) before the next one rotates in."""
    animations: bool = False
    """Animations cost redraws over SSH and on a TV; off unless asked for."""
    mouse: bool = True
    """Capture the mouse (click a column header to sort). False leaves it to the terminal."""


ConfirmPolicy = Literal["none", "yes", "typed"]


class ActionsConfig(_Strict):
    """The `[actions]` table: what supervisor actions need that the platform cannot tell us.

    Phone numbers and the per-action confirmation keys are checked by `wallboard.actions` (the
    one place that knows the actions), imported when a value is validated."""

    supervisor_phone: str | None = None
    """Where monitor, coach and barge sessions ring (10 digits or E.164); prompted when absent."""
    caller_id: str | None = None
    """Caller id presented by manual agent calls (`dial`), unless one is given."""
    ring_duration: int = Field(default=20, ge=1, le=300)
    """Seconds a manual agent call rings the agent's seat before giving up."""
    dispositions: tuple[str, ...] = ()
    """Disposition codes offered (and the only ones accepted); empty accepts any code."""
    confirm: dict[str, ConfirmPolicy] = Field(default_factory=dict)
    """Per-action confirmation override: "none", "yes" (one key) or "typed" (the call's last
    digits or the action's word). Defaults: hangup and barge typed, the rest none."""

    @field_validator("supervisor_phone", "caller_id")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        from wallboard.action_specs import check_phone

        return None if value is None else check_phone(value)

    @field_validator("confirm")
    @classmethod
    def _known_actions(cls, value: dict[str, ConfirmPolicy]) -> dict[str, ConfirmPolicy]:
        from wallboard.action_specs import ACTIONS

        unknown = sorted(set(value) - set(ACTIONS))
        if unknown:
            known = ", ".join(ACTIONS)
            raise ValueError(f"unknown action(s) {', '.join(unknown)} (known: {known})")
        return value


class LeadsConfig(_Strict):
    """`[leads]`: how `wallboard leads push` (and the screen's lead form) reaches a campaign."""

    route: Literal["feed", "loader"] = "loader"
    """`feed`: OutboundIQ's live lead feed (seed 003, needs `api_key`); `loader`: the account's
    RingCX lead loader directly."""
    feed_url: str = "https://api.outboundiq.cloud"
    """Base URL of the live lead feed."""
    api_key: SecretStr | None = None
    """The feed's universal API key. Prefer WALLBOARD_LEADFEED_API_KEY."""
    feed_max_per_minute: int = Field(default=120, ge=1, le=6000)
    """At most this many feed requests (one lead each) in any 60 seconds."""
    loader_batch_size: int = Field(default=500, ge=1, le=10_000)
    """Leads per lead-loader request (each request draws on the real-time budget)."""

    @field_validator("feed_url")
    @classmethod
    def _feed_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class ReportsConfig(_Strict):
    """The `[reports]` table: WFM interval reports (seed 002)."""

    interval: Literal[15, 30, 45, 60] = 30
    """Default interval length in minutes for the report panes and `wallboard report`."""
    cache: bool = True
    """Keep closed intervals in the history database so a restart does not refetch them."""
    open_refresh: float = Field(default=180.0, ge=60.0)
    """Seconds between refreshes of the still-open interval while its pane is visible."""


class WallboardConfig(_Strict):
    account: str | None = None
    """Key of the [accounts.*] table to use; defaults to the first one."""
    accounts: dict[str, AccountConfig] = Field(default_factory=dict)
    poller: PollerConfig = Field(default_factory=PollerConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    leads: LeadsConfig = Field(default_factory=LeadsConfig)
    actions: ActionsConfig = Field(default_factory=ActionsConfig)
    """Supervisor actions on live calls: phone, dispositions, confirmation policy."""
    ui: UiConfig = Field(default_factory=UiConfig)
    operator: str | None = None
    """Who is at the keyboard, for the audit log; defaults to the OS user."""
    data_dir: str | None = None
    """Where history and the audit log live; defaults to the platformdirs data directory."""
    source: str | None = None
    """The file this config was read from (set by the loader, not by the file)."""

    def selected(self, name: str | None = None) -> tuple[str, AccountConfig]:
        """The account to use: `name`, else the file's `account`, else the first one."""
        if not self.accounts:
            raise ConfigError(f"{self.source or 'config'}: no [accounts.<name>] table")
        key = name or self.account or next(iter(self.accounts))
        if key not in self.accounts:
            known = ", ".join(sorted(self.accounts))
            raise ConfigError(f"{self.source or 'config'}: no account {key!r} (known: {known})")
        return key, self.accounts[key]

    def resolved_data_dir(self) -> Path:
        return (
            Path(self.data_dir) if self.data_dir else Path(platformdirs.user_data_dir("wallboard"))
        )


def default_config_path() -> Path | None:
    """The first config file that exists in the documented search order, or None."""
    env = os.environ.get("WALLBOARD_CONFIG")
    candidates = [Path(env)] if env else []
    candidates += [
        Path.cwd() / "wallboard.toml",
        Path(platformdirs.user_config_dir("wallboard")) / "config.toml",
    ]
    return next((p for p in candidates if p.is_file()), None)


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def _apply_env(data: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    overrides = {field: environ[var] for var, field in ENV_OVERRIDES.items() if environ.get(var)}
    if not overrides:
        return data
    accounts = dict(data.get("accounts") or {})
    if not accounts:
        accounts = {"default": {}}
    key = data.get("account") or next(iter(accounts))
    accounts[key] = {**(accounts.get(key) or {}), **overrides}
    return {**data, "accounts": accounts}


def parse_config(
    data: dict[str, Any], source: str = "config", environ: dict[str, str] | None = None
) -> WallboardConfig:
    """Validate a config mapping (already read from TOML) with environment overrides."""
    merged = _apply_env(data, dict(os.environ) if environ is None else environ)
    try:
        config = WallboardConfig.model_validate({**merged, "source": source})
    except ValidationError as error:
        raise ConfigError(_describe(error, source)) from None
    return config


def load_config(
    path: str | Path | None = None, environ: dict[str, str] | None = None
) -> WallboardConfig:
    """Read, merge and validate the config. A missing explicit path is an error; no file at
    all is fine when the environment alone configures an account."""
    chosen = Path(path) if path else default_config_path()
    if chosen is None:
        return parse_config({}, "environment", environ)
    if not chosen.is_file():
        raise ConfigError(f"{chosen}: config file not found")
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{chosen}: not valid TOML: {error}") from None
    return parse_config(data, str(chosen), environ)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_account_toml(name: str, fields: dict[str, Any], header: str = "") -> str:
    """A minimal config file for one account (used by `wallboard sim --write-config`)."""
    lines = [f"# {line}" for line in header.splitlines()] if header else []
    lines += [f'account = "{name}"', "", f"[accounts.{name}]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in fields.items() if value is not None]
    return "\n".join(lines) + "\n"
