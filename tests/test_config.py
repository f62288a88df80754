"""Config: a bad file names the file and the key; secrets never show; env overrides the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard.config import (
    PRODUCTION_RINGCX_URL,
    ConfigError,
    load_config,
    parse_config,
    render_account_toml,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wallboard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[accounts.prod]\nclient_idd = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert str(path) in message
    assert "accounts.prod.client_idd: unknown key" in message


def test_bad_value_names_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[accounts.a]\ntimezone = "Mars/Olympus"\n[poller]\ninterval = 2\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert "accounts.a.timezone" in message and "Mars/Olympus" in message
    assert "poller.interval" in message and "at least 5 seconds" in message


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[accounts.a\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, environ={})


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", environ={})


def test_production_hosts_are_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[accounts.a]\napi_token = "t"\n'), environ={})
    name, account = config.selected()
    assert name == "a"
    assert account.ringcx_url == PRODUCTION_RINGCX_URL
    assert account.auth_mode() == "api_token"


def test_env_overrides_file_and_secrets_stay_hidden(tmp_path: Path) -> None:
    secret = "s3cr3t-jwt-value"
    path = write(tmp_path, '[accounts.a]\nclient_id = "id"\nclient_secret = "cs"\njwt = "old"\n')
    config = load_config(path, environ={"WALLBOARD_JWT": secret})
    _, account = config.selected()
    assert account.jwt is not None and account.jwt.get_secret_value() == secret
    assert account.auth_mode() == "jwt"
    assert secret not in repr(config) and secret not in str(account)


def test_environment_alone_configures_an_account() -> None:
    config = parse_config({}, "environment", {"WALLBOARD_API_TOKEN": "tok"})
    name, account = config.selected()
    assert name == "default" and account.auth_mode() == "api_token"


def test_no_credentials_is_explained() -> None:
    config = parse_config({"accounts": {"a": {}}}, "x.toml", {})
    with pytest.raises(ConfigError, match="no credentials"):
        config.selected()[1].auth_mode()


def test_unknown_account_lists_known(tmp_path: Path) -> None:
    config = parse_config({"accounts": {"b": {}, "a": {}}}, "x.toml", {})
    with pytest.raises(ConfigError, match=r"no account 'c' \(known: a, b\)"):
        config.selected("c")


def test_rendered_file_round_trips(tmp_path: Path) -> None:
    text = render_account_toml(
        "demo",
        {"ringcx_url": "http://127.0.0.1:1", "api_token": 'we"ird', "read_only": True},
        header="written by a test",
    )
    config = load_config(write(tmp_path, text), environ={})
    _, account = config.selected()
    assert account.api_token is not None and account.api_token.get_secret_value() == 'we"ird'
    assert account.read_only is True


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    config = load_config(example, environ={})
    name, account = config.selected()
    assert name == "production" and account.timezone == "US/Eastern"


async def test_calls_page_size_reaches_the_ringcx_provider(tmp_path: Path) -> None:
    from wallboard.runtime import open_runtime

    path = write(tmp_path, f'data_dir = "{tmp_path}"\n[poller]\ncalls_page_size = 2000\n')
    async with open_runtime(load_config(path, environ={}), demo=True) as runtime:
        assert runtime.provider.page_size == 2000
    async with open_runtime(load_config(write(tmp_path, ""), environ={}), demo=True) as runtime:
        assert runtime.provider.page_size == 5000  # the default


def test_calls_page_size_out_of_range_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[poller]\ncalls_page_size = 10\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert "poller.calls_page_size" in str(caught.value)
