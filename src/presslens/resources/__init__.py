"""Word lists and model files shipped beside the code (read with importlib.resources)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def lexicon(name: str) -> tuple[str, ...]:
    """Lines of ``lexicons/<name>.txt``, without the ``#`` header/comments and blank lines."""
    path = resources.files(__package__).joinpath("lexicons", f"{name}.txt")
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            lines.append(line)
    return tuple(lines)
