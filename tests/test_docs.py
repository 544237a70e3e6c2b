"""The README lists every CLI command, every setting and every error code."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import typer.main

from presslens import errors
from presslens.cli.main import app
from presslens.config import SETTING_NAMES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix: str = "presslens") -> list[str]:
    click_group = typer.main.get_command(group)
    out = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{path} {name}")
        else:
            out.append(path)

    walk(click_group, prefix)
    return out


def test_docs_readme_starts_with_the_two_commands():
    head = README[: README.index("## ")]
    assert "make demo" in head and "make test" in head


@pytest.mark.parametrize("command", _commands(app))
def test_docs_readme_lists_every_command(command):
    assert f"`{command}" in README, f"README.md does not document {command!r}"


@pytest.mark.parametrize("setting", SETTING_NAMES)
def test_docs_readme_lists_every_setting(setting):
    assert re.search(rf"\|\s*`{setting}`\s*\|", README), f"README.md settings table lacks {setting!r}"


def _codes() -> list[str]:
    codes = {cls.code for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.PresslensError)}
    codes |= {v for k, v in vars(errors).items() if k.startswith("W_")}
    codes.discard(errors.PresslensError.code)
    return sorted(codes)


@pytest.mark.parametrize("code", _codes())
def test_docs_readme_lists_every_error_code(code):
    assert re.search(rf"\|\s*{code}\s*\|", README), f"README.md error table lacks {code}"
