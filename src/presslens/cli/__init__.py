"""The `presslens` command line (Typer); see `main.py`.

Nothing is imported here eagerly, so `python -m presslens.cli.main` runs cleanly.
"""

from __future__ import annotations

from typing import Any

__all__ = ["app", "main", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import main as _main

        return getattr(_main, name)
    raise AttributeError(name)
