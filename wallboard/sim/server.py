"""`SimServer`: a simulated contact center listening on a real socket.

Why a real socket and a real HTTP server even in tests: the wallboard talks to the simulator
exactly as it talks to RingCX (DESIGN: "Real HTTP"), so timeouts, cut connections and keep-alive
behave as in production. The server binds its own socket first, so `port=0` picks a free port
without a race, and `start()` returns only once uvicorn accepts connections. One server per test
is cheap: start and stop take a fraction of a second.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Literal

import uvicorn

from wallboard.config import AccountConfig, render_account_toml
from wallboard.sim.app import create_app
from wallboard.sim.app_common import SimContext
from wallboard.sim.app_middleware import install_log_filter
from wallboard.sim.auth import DemoCredentials, TokenAuthority
from wallboard.sim.clock import SimClock
from wallboard.sim.faults import FaultSwitchboard
from wallboard.sim.limits import LimiterSet, SimLimits
from wallboard.sim.model import ContactCenter, SimSettings
from wallboard.sim.requestlog import RequestLog

START_TIMEOUT = 10.0
KEEP_ALIVE_S = 75
"""Seconds an idle client connection is kept open (see `start`)."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class _Server(uvicorn.Server):
    """uvicorn's server, telling a waiting thread the moment it is listening."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


class SimServer:
    """A started-on-demand simulated RingCX + RingCentral platform.

    ``with SimServer(speed=0) as sim: ...`` gives a frozen clock that only `sim.clock.advance()`
    moves. `center`, `faults`, `requests` and `credentials` are the live objects behind the HTTP
    routes, for tests that want to steer or inspect in-process.
    """

    def __init__(
        self,
        settings: SimSettings | None = None,
        *,
        speed: float = 1.0,
        start: datetime | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        token_ttl: float = 300.0,
        limits: SimLimits | None = None,
        limit_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or SimSettings()
        self.clock = SimClock(start=start, speed=speed)
        self.center = ContactCenter(self.settings, self.clock)
        self.credentials = DemoCredentials(self.settings.seed)
        self.tokens = TokenAuthority(self.credentials, self.clock, token_ttl)
        self.faults = FaultSwitchboard(self.settings.seed)
        self.requests = RequestLog()
        self.limiters = LimiterSet(limits or SimLimits(), limit_clock)
        self.host = host
        self.port = port
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.app = create_app(
            SimContext(self.center, self.tokens, self.limiters, self.faults, self.requests)
        )

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"SimServer({self.base_url if self.running else self.host}, {state})"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def base_url(self) -> str:
        if self._socket is None:
            raise RuntimeError("the server has not been started")
        host, port = self._socket.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    # --- lifecycle -------------------------------------------------------------------------

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        return sock

    def start(self) -> SimServer:
        """Listen and serve in a daemon thread; return once connections are accepted."""
        if self.running:
            return self
        self._socket = self._bind()
        config = uvicorn.Config(
            self.app,
            access_log=False,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
            backlog=2048,
            # Idle connections stay open as a platform's front end keeps them (nginx 75 s,
            # cloud load balancers 60 s), not uvicorn's 5 s: a client polling every 15 s
            # re-uses its connections instead of opening new ones each cycle.
            timeout_keep_alive=KEEP_ALIVE_S,
        )
        install_log_filter()
        ready = threading.Event()
        self._server = _Server(config, ready)
        sockets = [self._socket]
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=sockets), name="wallboard-sim", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.wait(0.02):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the simulator's HTTP server failed to start")
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=START_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server = None
        self._thread = None

    def serve_forever(self) -> None:
        """Serve in the foreground until Ctrl-C or SIGTERM (or the server stops); then stop
        cleanly and return.

        The handlers are installed explicitly because a process started in the background by a
        non-interactive shell inherits an *ignored* SIGINT, and a service manager stops with
        SIGTERM; both must still stop the simulator cleanly."""
        previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
            previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.start()
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
            for number, handler in previous.items():
                signal.signal(number, handler)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- client configuration ----------------------------------------------------------------

    def _account_fields(self, auth: Literal["jwt", "api_token"], user: str) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "platform": "ringcx",
            "ringcx_url": self.base_url,
            "platform_url": self.base_url,
        }
        if auth == "jwt":
            fields["client_id"] = self.credentials.client_id
            fields["client_secret"] = self.credentials.client_secret
            fields["jwt"] = self.credentials.jwt(user)
        else:
            fields["api_token"] = self.credentials.api_token(user)
        fields["sub_account_id"] = self.settings.sub_account_id
        fields["rc_account_id"] = self.settings.rc_account_id
        fields["timezone"] = self.settings.timezone
        fields["label"] = "Simulated contact center"
        return fields

    def account_config(
        self, *, auth: Literal["jwt", "api_token"] = "jwt", user: str = "supervisor"
    ) -> AccountConfig:
        """A ready-to-use account config for the wallboard's client, pointing at this server."""
        if user not in self.credentials.users:
            raise ValueError(
                f"unknown demo user {user!r} (known: {sorted(self.credentials.users)})"
            )
        return AccountConfig.model_validate(self._account_fields(auth, user))

    def write_config(
        self,
        path: str | os.PathLike[str],
        *,
        auth: Literal["jwt", "api_token"] = "jwt",
        user: str = "supervisor",
    ) -> None:
        """Write a config file for this server (mode 0600: it holds demo credentials)."""
        header = (
            f"Written by `wallboard sim` for {self.base_url} (seed {self.settings.seed}).\n"
            "Demo credentials: valid only against a simulator started with the same seed."
        )
        text = render_account_toml("sim", self._account_fields(auth, user), header)
        target = Path(path)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        target.chmod(0o600)
