"""The providers' httpx client: TLS verification as strict as httpx's own, set up only when used.

An account whose URLs are all plain `http://` (the simulator on loopback) gets a TLS context that
trusts no certificate, so nothing is loaded for it; an account with any `https://` URL keeps
httpx's default verification. Startup must not import httpx's command-line client either.
"""

from __future__ import annotations

import gc
import json
import ssl
import subprocess
import sys
import weakref

import anyio
import httpx
import pytest

from wallboard.providers.http_client import async_client, plain_http_only, verification
from wallboard.sim.server import SimServer


@pytest.mark.parametrize(
    ("urls", "plain"),
    [
        (("http://127.0.0.1:8080", "http://localhost:1"), True),
        (("HTTP://127.0.0.1:8080", None), True),
        (("http://127.0.0.1:8080", "https://platform.ringcentral.com"), False),
        (("https://ringcx.ringcentral.com",), False),
        ((None,), False),
        ((), False),
    ],
)
def test_plain_http_only_needs_every_url_plain(urls: tuple[str | None, ...], plain: bool) -> None:
    assert plain_http_only(urls) is plain


def test_an_https_account_keeps_httpx_default_verification() -> None:
    assert verification(("https://ringcx.ringcentral.com", "http://127.0.0.1:1")) is True


def test_a_plain_http_account_gets_a_context_that_trusts_no_certificate() -> None:
    context = verification(("http://127.0.0.1:8080",))
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0, "no CA loaded: every certificate fails"


async def test_the_client_carries_timeout_and_base_url() -> None:
    async with async_client(
        ("http://127.0.0.1:9",), timeout=3.5, base_url="http://127.0.0.1:9"
    ) as client:
        assert client.timeout.read == 3.5
        assert str(client.base_url) == "http://127.0.0.1:9"
        assert client.follow_redirects is False


def test_importing_the_wallboard_does_not_import_httpx_command_line_client() -> None:
    probe = (
        "import sys, wallboard, httpx, wallboard.providers.ringcx.client\n"
        "print(sys.modules.get('httpx._main', 'absent'), 'click' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["None", "False"]


async def test_an_answer_read_whole_is_freed_by_reference_counting_alone(sim: SimServer) -> None:
    """httpx ties each answer to its body stream in a reference cycle; the providers' client
    breaks it once the body is read, so a paced collector never has to find the answers (and
    their bodies) between its collections. Real HTTP over loopback to the simulator."""
    async with async_client((sim.base_url,), timeout=10.0) as http:
        await http.get(f"{sim.base_url}/_sim/state")  # the connection is open and pooled
        gc.collect()
        gc.disable()
        try:
            answers = []
            for _ in range(5):
                response = await http.get(f"{sim.base_url}/_sim/state")
                assert response.status_code == 200 and response.json()  # still readable
                answers.append(weakref.ref(response))
                del response
            assert all(answer() is None for answer in answers)  # freed without a collection
            assert gc.collect() == 0
        finally:
            gc.enable()


async def test_a_streamed_answer_is_left_as_httpx_made_it(sim: SimServer) -> None:
    http = async_client((sim.base_url,), timeout=10.0)
    async with http, http.stream("GET", f"{sim.base_url}/_sim/state") as response:
        body = b"".join([part async for part in response.aiter_bytes()])
    assert json.loads(body)


def _local_port(response: httpx.Response) -> int:
    """The client side's port of the connection that carried `response` (httpcore's
    documented `network_stream` extension)."""
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


async def test_a_connection_idle_longer_than_httpx_default_is_used_again(sim: SimServer) -> None:
    """A poll cycle (15 s) is longer than httpx's default keep-alive (5 s) and uvicorn's; both
    sides keep an idle connection for a minute or more, so the next cycle's requests go over
    the connections of the last one instead of opening new ones. Real HTTP over loopback."""
    async with async_client((sim.base_url,), timeout=10.0) as http:
        first = await http.get(f"{sim.base_url}/_sim/state")
        port = _local_port(first)
        await anyio.sleep(6.0)  # past both libraries' 5 s defaults
        second = await http.get(f"{sim.base_url}/_sim/state")
        assert first.status_code == second.status_code == 200
        assert _local_port(second) == port
