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


DOCS = Path(__file__).resolve().parents[1] / "docs"


def _contract_fields() -> list[str]:
    """Every field name of every part of the contract, found by walking Analysis's field types."""
    import typing

    from pydantic import BaseModel

    from presslens.model import Analysis

    seen, names, todo = set(), set(), [Analysis]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(field.alias or name)
            stack = [field.annotation]
            while stack:
                tp = stack.pop()
                if isinstance(tp, type) and issubclass(tp, BaseModel):
                    todo.append(tp)
                stack.extend(typing.get_args(tp))
    return sorted(names)


@pytest.mark.parametrize("field", _contract_fields())
def test_docs_contract_describes_every_field(field):
    contract = (DOCS / "contract.md").read_text(encoding="utf-8")
    # as `field`, `part.field`, `field.sub` or `field[]`
    assert re.search(rf"`(?:[\w\[\]]+\.)?{re.escape(field)}(?:`|\.|\[)", contract), f"docs/contract.md does not describe {field!r}"


def test_docs_architecture_names_every_stage_and_format():
    from presslens.registry import STAGES
    from presslens.render import FORMATS

    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    for stage in STAGES:
        assert f"| `{stage.name}` |" in text, f"docs/architecture.md lacks stage {stage.name!r}"
        for part in (*stage.requires, stage.assigns):
            assert f"`{part}`" in text
    assert "OUTPUT_FORMATS" in text and all(f in (DOCS / "contract.md").read_text(encoding="utf-8") + README for f in FORMATS)


def test_docs_readme_links_the_docs_and_code_points_inside_the_repo():
    assert "docs/contract.md" in README and "docs/architecture.md" in README
    src = Path(__file__).resolve().parents[1] / "src" / "presslens"
    for path in src.rglob("*.py"):
        body = path.read_text(encoding="utf-8")
        for outside in ("SCHEMA.md", "DESIGN.md"):
            assert outside not in body, f"{path} points at {outside}, outside the repository (use docs/)"
