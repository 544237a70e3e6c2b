"""Shared fixtures: strict stages, the example articles, ../shared when present."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest

os.environ.setdefault("PRESSLENS_STRICT", "1")  # a stage bug fails the test instead of becoming a warning

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@lru_cache(maxsize=64)
def _analyze(text: str):
    from presslens import analyze

    return analyze(text)


@pytest.fixture(scope="session")
def analyze_text():
    """analyze() with a per-session cache (analyses are pure functions of the text)."""
    return _analyze


@pytest.fixture(scope="session")
def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent")
    return data


# --------------------------------------------------------------------------- headless Chromium

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's chromium (`make test` installs it); None when it is not there."""
    import shutil

    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, driven by Playwright; skips cleanly without either."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    if exe is None:
        pytest.skip("no chromium binary (make test installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
