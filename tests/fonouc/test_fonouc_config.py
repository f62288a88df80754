"""FonoUC accounts in the config: required keys named, the password kept secret."""

from __future__ import annotations

import pytest

from wallboard.config import ConfigError, parse_config

BASE = {"platform": "fonouc", "fonouc_url": "https://portal.example.com:9443/"}


def test_a_fonouc_account_names_what_it_lacks() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"accounts": {"tenant": {**BASE, "username": "sup"}}}, "t.toml", environ={})
    message = str(raised.value)
    assert "accounts.tenant" in message
    assert "password, domain" in message


def test_a_complete_fonouc_account_keeps_its_password_secret() -> None:
    data = {"accounts": {"tenant": {**BASE, "username": "sup", "domain": "acme"}}}
    config = parse_config(data, "t.toml", environ={"WALLBOARD_FONOUC_PASSWORD": "s3cret-pass"})
    _, account = config.selected()
    assert account.fonouc_url == "https://portal.example.com:9443"
    assert account.password is not None
    assert account.password.get_secret_value() == "s3cret-pass"
    assert "s3cret-pass" not in repr(account)


def test_a_fonouc_url_must_be_http() -> None:
    data = {"accounts": {"t": {**BASE, "fonouc_url": "portal:9443", "username": "u"}}}
    with pytest.raises(ConfigError, match="fonouc_url"):
        parse_config(data, "t.toml", environ={})
