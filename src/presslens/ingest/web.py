"""Fetch one http(s) URL with a timeout and a size cap (standard library only)."""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

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


def fetch(url: str, *, settings: Settings) -> Fetched:
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise errors.UnsupportedInput(f"{url} is not an http(s) URL presslens can fetch")
    handlers: list[urllib.request.BaseHandler] = []
    if parts.hostname in _LOOPBACK:  # never send local addresses through a configured proxy
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
