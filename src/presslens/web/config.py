"""What one `presslens serve` runs with, checked before anything starts."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

from ..config import Settings
from ..errors import ServeRefused

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# Room for the JSON or form envelope around an article of Settings.max_bytes.
ENVELOPE_BYTES = 64 * 1024


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    db: str | None = None
    # Bearer token for writes (and reads unless public_read); PRESSLENS_TOKEN.
    token: str | None = field(default_factory=lambda: os.environ.get("PRESSLENS_TOKEN") or None)
    public_read: bool = False
    allow_private_urls: bool = False
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    # "process" (default: analyses in their own processes) or "thread" (tests, tiny machines).
    pool: str = "process"
    queue: int = 16  # analyses waiting for a worker before the server answers 503
    rate_per_minute: float = 30.0  # analyses per client and minute (429 above it)
    rate_burst: int = 10
    settings: Settings = field(default_factory=Settings)
    # Seconds an analysis request may wait for its answer (queue + fetch + analysis) before a 503.
    answer_timeout: float | None = None

    def __post_init__(self) -> None:
        if not (0 < self.port < 65536):
            raise ServeRefused(f"--port must be between 1 and 65535, not {self.port}")
        if self.workers < 1 or self.queue < 0:
            raise ServeRefused("--workers must be at least 1 and --queue at least 0")
        if self.pool not in ("process", "thread"):
            raise ServeRefused(f"the worker pool is 'process' or 'thread', not {self.pool!r}")
        if self.rate_per_minute <= 0 or self.rate_burst < 1:
            raise ServeRefused("--rate-limit must be above 0")
        if not is_loopback(self.host) and not self.token:
            raise ServeRefused(
                f"binding {self.host} makes the server reachable from other machines; set PRESSLENS_TOKEN "
                "to a secret first (writes then need 'Authorization: Bearer <token>')"
            )

    @property
    def max_body(self) -> int:
        return self.settings.max_bytes + ENVELOPE_BYTES

    @property
    def timeout(self) -> float:
        if self.answer_timeout is not None:
            return self.answer_timeout
        return self.settings.time_budget + self.settings.fetch_timeout + 30.0

    @property
    def local_only(self) -> bool:
        return is_loopback(self.host)
