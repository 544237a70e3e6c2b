"""Run-time settings with their defaults; every one can be overridden per call or by
environment variable (``PRESSLENS_<NAME>``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace


def _env(name: str, default, cast):
    raw = os.environ.get(f"PRESSLENS_{name.upper()}")
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        return default


TECHNIQUE_CUES = ("calibrated", "all")


def _cue_choice(raw: str) -> str:
    value = raw.strip().lower()
    if value not in TECHNIQUE_CUES:
        raise ValueError(raw)
    return value


@dataclass(frozen=True)
class Settings:
    # Largest input accepted, in bytes of the raw file or encoded text (PL104 above it).
    max_bytes: int = field(default_factory=lambda: _env("max_bytes", 2_000_000, int))
    # Seconds allowed for one URL fetch, and the most bytes read from it.
    fetch_timeout: float = field(default_factory=lambda: _env("fetch_timeout", 20.0, float))
    fetch_max_bytes: int = field(default_factory=lambda: _env("fetch_max_bytes", 10_000_000, int))
    # Seconds of analysis per article; stages left when it runs out are skipped with PL205.
    time_budget: float = field(default_factory=lambda: _env("time_budget", 120.0, float))
    # Raise stage errors instead of recording them as PL204 warnings (tests use this).
    strict: bool = field(default_factory=lambda: _env("strict", False, lambda s: s.lower() in {"1", "true", "yes"}))

    # Which rule cues of persuasion techniques are reported: "calibrated" (those that held up against
    # PTC's annotators) or "all" (adds weak cues such as "alleged" or "regime", with low confidence).
    technique_cues: str = field(default_factory=lambda: _env("technique_cues", "calibrated", _cue_choice))

    def __post_init__(self) -> None:
        if self.technique_cues not in TECHNIQUE_CUES:
            from .errors import UsageError

            raise UsageError(f"technique_cues must be one of {', '.join(TECHNIQUE_CUES)}, not {self.technique_cues!r}")

    def with_overrides(self, **overrides) -> "Settings":
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in overrides.items() if k in known and v is not None})


SETTING_NAMES = tuple(f.name for f in fields(Settings))
