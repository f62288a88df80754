"""The one way the providers make their httpx client.

Why not plain `httpx.AsyncClient()`: every client builds its own TLS context and loads the
whole CA bundle into it, about 50 ms of CPU on the 2-core CI machine, even when every URL it
will ever call is plain `http://` (the simulated center on loopback, which is what `demo`,
the tests and the benchmarks talk to). That was a tenth of the cold start. Here:

- an account with any `https://` URL gets httpx's own default verification, unchanged;
- an account whose URLs are all `http://` gets a bare client-side TLS context (built in about
  2 ms) that trusts no certificate at all, so a stray `https://` request through it fails
  closed with a certificate error: never an unverified connection.

Redirects are never followed by the clients that use this (the sign-in and lead services
answer with what they mean, not with a redirect), so a request stays on the URL it was built
for.

Every answer this client returns is read whole and leaves no reference cycle behind
(`AcyclicClient`), so reference counting frees it, body and all, as soon as its reader lets go.

Idle connections are kept for `KEEPALIVE_S`, not httpx's default 5 s: the poller sends its
requests every 15 s, so with the default every cycle opened its connections afresh (five a
cycle at 10,000 calls: a TCP, and against a real account a TLS, handshake each, and the closed
sockets left for the cyclic collector). A server that drops an idle connection sooner is
noticed before the connection is reused, and a read that meets one closing anyway is retried
(`wallboard.providers.ringcx.transport`).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpx

KEEPALIVE_S = 60.0
"""How long an idle connection is kept for the next request: longer than a poll cycle, and
within what front ends commonly keep an idle connection open (60-75 s)."""


def plain_http_only(urls: Iterable[str | None]) -> bool:
    """Whether every given URL (None ones skipped) is plain `http://`; False for none at all."""
    given = [url.strip().lower() for url in urls if url]
    return bool(given) and all(url.startswith("http://") for url in given)


def verification(urls: Iterable[str | None]) -> ssl.SSLContext | bool:
    """httpx's `verify` for an account calling `urls`: True (httpx's default, the CA bundle)
    unless every URL is plain http, then a context that verifies hostnames and certificates
    and, with no CA loaded, accepts none."""
    if plain_http_only(urls):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return True


class AcyclicClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` whose read answers are freed by reference counting alone.

    Why: httpx wraps every answer's body stream in a `BoundAsyncStream` that points back at the
    answer, a reference cycle of about 40 objects per request that only Python's cyclic
    collector frees, and it holds the answer's whole body until then (a 3.4 MB agents
    listing at 7,500 agents). The wallboard paces that collector to once every few minutes
    (`wallboard.collector`), so those bodies would pile up between collections; a young
    collection every cycle to find them cost 15-25 ms of CPU a cycle. Once the body is read,
    the stream is done: it is replaced with one over the read bytes, which points at nothing,
    and the cycle is gone. Streamed answers (`stream=True`) are left as httpx made them."""

    async def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        **options: Any,  # auth, follow_redirects: passed on as given
    ) -> httpx.Response:
        response = await super().send(request, stream=stream, **options)
        if not stream:
            response.stream = httpx.ByteStream(response.content)
        return response


def async_client(
    urls: Iterable[str | None],
    *,
    timeout: float,
    base_url: str = "",
) -> httpx.AsyncClient:
    """An httpx client for an account whose requests go to `urls`; it never follows a
    redirect (see the module's docstring)."""
    return AcyclicClient(
        base_url=base_url,
        timeout=timeout,
        follow_redirects=False,
        verify=verification(urls),
        limits=httpx.Limits(
            max_connections=100, max_keepalive_connections=20, keepalive_expiry=KEEPALIVE_S
        ),
    )
