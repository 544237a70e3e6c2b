"""Safety rules of the server: headers on every answer, body size cap, host and origin checks,
the per-client rate limit and the token.

Pure ASGI middleware where the rule must hold for every answer (including the errors raised
before a route runs); plain functions where a route asks.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import logging
import time
from collections import OrderedDict
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from .. import errors
from .config import LOOPBACK_NAMES, ServeConfig

# Pages of the app: no script at all, styles from /static only, forms post to this origin only.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# JSON and anything else: nothing may load or run.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    # same-origin: nothing leaks to other sites, and this site's form posts keep their Origin
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


def error_body(exc: errors.PresslensError) -> bytes:
    return json.dumps({"error": {"code": exc.code, "message": exc.message}}, ensure_ascii=False).encode("utf-8")


async def _send_error(send, exc: errors.PresslensError, status: int | None = None) -> None:
    body = error_body(exc)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status or exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


log = logging.getLogger("presslens.web")


class SecurityHeaders:
    """Adds the security headers to every answer; a route's own CSP (the report's) is kept.
    Outermost: an unexpected exception becomes a coded 500 here, never a traceback."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                headers += [h for h in _HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", DEFAULT_CSP.encode()))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _send_error(with_headers, errors.InternalError("internal error (a bug in presslens; it has been logged)"), 500)


class BodyLimit:
    """Refuses a request body above ``limit`` bytes with 413, by its Content-Length or as it streams."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = errors.RequestTooLarge(f"the request is larger than the limit of {self.limit:,} bytes")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.limit:
                    return await _send_error(send, too_large)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _Overflow()
            return message

        async def tracking(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await _send_error(send, too_large)


class _Overflow(HTTPException):
    """Raised from the body stream; an HTTPException so FastAPI's body reader passes it on as is."""

    def __init__(self) -> None:
        super().__init__(413, "the request body is too large")


class HostCheck:
    """A server on loopback answers only to loopback host names: a web page cannot reach it
    through a name it controls (DNS rebinding)."""

    def __init__(self, app, config: ServeConfig):
        self.app, self.config = app, config

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.config.local_only:
            host = _header(scope, b"host")
            if host is None or _host_name(host) not in LOOPBACK_NAMES:
                return await _send_error(send, errors.CrossSiteRefused(
                    "this server answers only to 127.0.0.1 or localhost (Host header refused)"))
        await self.app(scope, receive, send)


def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return v.decode("latin-1")
    return None


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def same_origin(request) -> bool:
    """False for a form posted from another site (Sec-Fetch-Site, else Origin, tells; a client
    that sends neither is not a browser and gets no cookies or stored credentials to abuse)."""
    site = request.headers.get("sec-fetch-site")
    if site:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin:
        return origin != "null" and urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()
    return True


# --------------------------------------------------------------------------- token


def token_given(request) -> str | None:
    """The token of ``Authorization: Bearer <token>`` or of Basic (any user name, the token as password:
    what a browser sends after its login prompt)."""
    value = request.headers.get("authorization", "")
    scheme, _, rest = value.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return rest.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def check_token(config: ServeConfig, request, *, write: bool) -> None:
    if not config.token or (not write and config.public_read):
        return
    given = token_given(request)
    if given is None or not hmac.compare_digest(given.encode("utf-8"), config.token.encode("utf-8")):
        what = "writing" if write else "reading"
        raise errors.NotAuthorized(f"{what} needs the server's token: send 'Authorization: Bearer <token>'")


# --------------------------------------------------------------------------- rate limit


class RateLimiter:
    """A token bucket per client address: ``burst`` at once, refilled at ``per_minute``."""

    MAX_CLIENTS = 10_000  # oldest buckets are dropped beyond this (a full bucket is the default anyway)

    def __init__(self, per_minute: float, burst: int, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> None:
        now = self.clock()
        tokens, last = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[client] = (tokens, now)
            wait = math.ceil((1.0 - tokens) / self.rate)
            exc = errors.TooManyRequests(f"too many analyses from this client; try again in {wait} s")
            exc.retry_after = wait  # type: ignore[attr-defined]
            raise exc
        self._buckets[client] = (tokens - 1.0, now)
        while len(self._buckets) > self.MAX_CLIENTS:
            self._buckets.popitem(last=False)
