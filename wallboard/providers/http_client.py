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
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable

import httpx


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


def async_client(
    urls: Iterable[str | None],
    *,
    timeout: float,
    base_url: str = "",
) -> httpx.AsyncClient:
    """An httpx client for an account whose requests go to `urls`; it never follows a
    redirect (see the module's docstring)."""
    return httpx.AsyncClient(
        base_url=base_url, timeout=timeout, follow_redirects=False, verify=verification(urls)
    )
