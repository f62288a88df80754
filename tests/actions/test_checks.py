"""Checks that need no platform: phone numbers, the action table, config, core purity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wallboard.actions import ACTIONS, InvalidInput, check_phone
from wallboard.config import ActionsConfig, ConfigError, parse_config


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("6501234567", "6501234567"),
        ("(650) 123-4567", "6501234567"),
        ("650.123.4567", "6501234567"),
        ("+15554150123", "+15554150123"),
        ("+44 20 7946 0958", "+442079460958"),
        (" +15554150123 ", "+15554150123"),
    ],
)
def test_phone_numbers_that_are_accepted(given: str, expected: str) -> None:
    assert check_phone(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "",
        "123",
        "16501234567",
        "650123456",
        "65012345678",
        "+0123456789",
        "+1234567890123456",
        "650-ABC-4567",
        "+1 (555) 415-0123 ext 4",
        "650\x1b1234567",
    ],
)
def test_phone_numbers_that_are_refused_with_a_reason(given: str) -> None:
    with pytest.raises(InvalidInput, match=r"is not a phone number: use 10 digits") as caught:
        check_phone(given, "destination")
    assert str(caught.value).startswith("destination ")


def test_the_action_table_is_what_the_screen_binds() -> None:
    assert list(ACTIONS) == [
        "monitor",
        "coach",
        "barge",
        "record",
        "hold",
        "requeue",
        "dispose",
        "ping",
        "hangup",
        "drop",
        "dial",
    ]
    keys = [spec.key for spec in ACTIONS.values()]
    assert keys[:3] == ["m", "c", "b"] and ACTIONS["record"].key == "r"
    assert ACTIONS["hangup"].key == "h" and len(set(keys)) == len(keys)
    dangerous = {name for name, spec in ACTIONS.items() if spec.confirm == "typed"}
    assert dangerous == {"hangup", "barge"}
    assert all(spec.word for spec in ACTIONS.values() if spec.confirm == "typed")
    assert not ACTIONS["dial"].needs_call
    assert [p.name for p in ACTIONS["dial"].params if p.required] == ["username", "destination"]


def test_the_actions_table_in_the_config() -> None:
    config = parse_config(
        {
            "actions": {
                "supervisor_phone": "(555) 415-0123",
                "dispositions": ["SALE", "NO_SALE"],
                "confirm": {"hangup": "yes", "dispose": "typed"},
            }
        },
        environ={},
    )
    assert config.actions.supervisor_phone == "5554150123"
    assert config.actions.confirm == {"hangup": "yes", "dispose": "typed"}
    assert ActionsConfig().ring_duration == 20 and ActionsConfig().confirm == {}
    with pytest.raises(ConfigError, match=r"actions.confirm.hangup"):
        parse_config({"actions": {"confirm": {"hangup": "maybe"}}}, environ={})
    with pytest.raises(ConfigError, match=r"actions.ring_duration"):
        parse_config({"actions": {"ring_duration": 0}}, environ={})
    with pytest.raises(ConfigError, match=r"actions.colour: unknown key"):
        parse_config({"actions": {"colour": "red"}}, environ={})


def test_the_action_layer_and_audit_log_never_import_textual() -> None:
    program = (
        "import importlib, sys\n"
        "for name in ('wallboard.actions', 'wallboard.audit'):\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
