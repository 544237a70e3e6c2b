"""`presslens serve`: a FastAPI app over the library (paste / upload / URL → report, and a JSON API).

The app never analyses on its event loop: every analysis runs in a bounded pool of workers
(`pool.AnalysisPool`). Safety rules (address binding, token, SSRF, sizes, rates, headers)
live in `security.py`; the routes in `app.py` stay thin.
"""

from __future__ import annotations

from .config import ServeConfig

__all__ = ["ServeConfig", "create_app"]


def create_app(config: ServeConfig | None = None):
    from .app import create_app as _create

    return _create(config or ServeConfig())
