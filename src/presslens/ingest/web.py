"""Fetch one http(s) URL with a timeout and a size cap (standard library only)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .. import __version__, errors
from ..config import Settings

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str  # "text/html", "" when the server sent none
    charset: str | None


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def fetch(url: str, *, settings: Settings, public_only: bool = False) -> Fetched:
    """``public_only`` (the web server's default) refuses every connection, the first and each
    redirect's, to an address that is not public, checked on the addresses DNS gave."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise errors.UnsupportedInput(f"{url} is not an http(s) URL presslens can fetch")
    handlers: list[urllib.request.BaseHandler] = []
    if public_only:  # a proxy would resolve the name itself, past the check
        handlers += [urllib.request.ProxyHandler({}), _PublicHTTPHandler(), _PublicHTTPSHandler(), _HttpRedirectOnly()]
    elif parts.hostname in _LOOPBACK:  # never send local addresses through a configured proxy
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        url, headers={"User-Agent": f"presslens/{__version__} (+article analysis)", "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"}
    )
    cap = settings.fetch_max_bytes
    try:
        with opener.open(request, timeout=settings.fetch_timeout) as resp:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > cap:
                raise _too_large(url, int(length), cap)
            data = resp.read(cap + 1)
            if len(data) > cap:
                raise _too_large(url, None, cap)
            return Fetched(
                url=resp.geturl() or url,
                data=data,
                content_type=resp.headers.get_content_type() if resp.headers.get("Content-Type") else "",
                charset=resp.headers.get_content_charset(),
            )
    except errors.PresslensError:
        raise
    except urllib.error.HTTPError as exc:
        raise errors.FetchFailed(f"could not fetch {url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise errors.FetchFailed(f"could not fetch {url}: no answer within {settings.fetch_timeout:g} seconds") from None
        raise errors.FetchFailed(f"could not fetch {url}: {reason}") from None
    except (socket.timeout, TimeoutError):
        raise errors.FetchFailed(f"could not fetch {url}: no answer within {settings.fetch_timeout:g} seconds") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # connection reset, bad status line, malformed URL...
        raise errors.FetchFailed(f"could not fetch {url}: {type(exc).__name__}: {exc}") from None


def _too_large(url: str, size: int | None, cap: int) -> errors.InputTooLarge:
    told = f" ({size:,} bytes)" if size is not None else ""
    return errors.InputTooLarge(
        f"{url} is larger{told} than the fetch limit of {cap:,} bytes (raise it with PRESSLENS_FETCH_MAX_BYTES)"
    )


# --------------------------------------------------------------------------- public addresses only

# NAT64 maps IPv4 into this prefix; the embedded address is what gets reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local, metadata...)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None
        )
        if embedded is not None:
            return is_public_address(embedded)
        if ip.teredo is not None:
            return False
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int) -> list[tuple]:
    """The addresses ``host`` resolves to, as getaddrinfo tuples; PL601 when any is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise errors.FetchFailed(f"could not resolve {host}: {exc}") from None
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        if not is_public_address(ipaddress.ip_address(address)):
            named = host if host.strip("[]") == address else f"{host} resolves to {address}, which"
            raise errors.PrivateAddressRefused(
                f"{named} is not a public address; this server fetches pages from public addresses only"
            )
    return infos


def _connect_public(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):  # type: ignore[attr-defined]
    """socket.create_connection, to addresses checked by `public_addresses` (no second lookup to rebind)."""
    host, port = address
    last: OSError | None = None
    for family, kind, proto, _, sockaddr in public_addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            last = exc
            sock.close()
    raise last or OSError(f"no address for {host}")


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        extra = {"check_hostname": self._check_hostname} if hasattr(self, "_check_hostname") else {}  # Python < 3.12
        return self.do_open(_PublicHTTPSConnection, req, context=self._context, **extra)


class _HttpRedirectOnly(urllib.request.HTTPRedirectHandler):
    """Redirects to http(s) only (urllib would follow ftp: too, past the address check)."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("location") or headers.get("uri")
        if target and urlsplit(urljoin(req.full_url, target)).scheme.lower() not in {"http", "https"}:
            raise errors.PrivateAddressRefused(f"{req.full_url} redirects to {target}, which is not an http(s) URL")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302
