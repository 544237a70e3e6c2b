"""Metadata a collection needs: dates in any common form to ISO, and an outlet from a URL."""

from __future__ import annotations

import datetime as _dt
import email.utils
import re
from urllib.parse import urlsplit

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def normalise_date(raw: str | None) -> str | None:
    """``YYYY-MM-DD`` for a date written as ISO, RFC 822 (feeds, mail) or in words; None if unreadable.

    Only full dates count (day, month and year): "March 2024" is not a publication day.
    """
    if raw is None:
        return None
    value = raw.strip()
    if not value:
        return None
    m = _ISO_DAY.match(value)
    if m:
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
        if parsed is not None:
            return parsed.date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    if len(value) > 64 or not any(ch.isdigit() for ch in value):
        return None
    import dateparser  # slow to import; only dates in words get here

    try:
        found = dateparser.parse(
            value,
            languages=["en"],
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"},
        )
    except (ValueError, OverflowError, TypeError):
        return None
    return found.date().isoformat() if found is not None else None


def registered_domain(url: str | None) -> str | None:
    """The registered domain of a URL ("www.bbc.co.uk/news" -> "bbc.co.uk"), from the bundled suffix list."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    from tld import get_fld  # its public-suffix list ships with the package; nothing is fetched

    try:
        return get_fld(host, fix_protocol=True, fail_silently=True) or host
    except Exception:  # tld raises its own types on odd hosts (IP addresses, bare names)
        return host
