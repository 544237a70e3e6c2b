"""The stage registry, build-time checks, stage failure handling and language warnings."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

import presslens.stages

from presslens import nlp
from presslens.config import Settings
from presslens.errors import W_NOT_ENGLISH, W_STAGE_FAILED
from presslens.model import Analysis, Article
from presslens.pipeline import Pipeline, PipelineError
from presslens.registry import STAGES, default_pipeline

ENGLISH = (
    "The harbour board met on Monday. Its chair, Ines Vardy, said the new ferry would start in May. "
    "\u201cWe have waited long enough,\u201d she said."
)


def _stage(name: str, assigns: str, requires: tuple[str, ...] = (), run=lambda ctx: []) -> SimpleNamespace:
    return SimpleNamespace(name=name, requires=requires, assigns=assigns, run=run)


def _run(pipeline: Pipeline, text: str, settings: Settings) -> Analysis:
    return pipeline.run(Article(text=text), nlp.parse(text), settings)


def test_pipeline_registry_builds_in_order() -> None:
    pipeline = default_pipeline()
    names = [s.name for s in pipeline.stages]
    assert names[:3] == ["entities", "quotes", "quantities"]
    assert len(names) == len(STAGES) == len(set(names))
    assigned = {s.assigns for s in pipeline.stages}
    assert {"entities", "quotes", "quantities"} <= assigned
    for stage in pipeline.stages:
        assert stage.assigns in Analysis.model_fields
        assert callable(stage.run)


def _stage_imports(node: ast.AST, stage_names: set[str]) -> list[str]:
    """Names of stage modules an import statement pulls in."""
    candidates: list[str] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if "stages" in parts[:-1]:
                candidates.append(parts[parts.index("stages") + 1])
    elif isinstance(node, ast.ImportFrom):
        parts = (node.module or "").split(".") if node.module else []
        if node.level == 1:  # relative import from inside stages/
            candidates = [parts[0]] if parts else [a.name for a in node.names]
        elif parts and parts[-1] == "stages":
            candidates = [a.name for a in node.names]
        elif "stages" in parts[:-1]:
            candidates = [parts[parts.index("stages") + 1]]
    return [c for c in candidates if c in stage_names]


def test_pipeline_stage_modules_do_not_import_each_other() -> None:
    stages_dir = Path(presslens.stages.__file__).parent
    stage_names = {p.stem for p in stages_dir.glob("*.py")} - {"__init__"}
    for path in stages_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            others = [n for n in _stage_imports(node, stage_names) if n != path.stem]
            assert not others, f"stage {path.stem} imports stage(s) {others}"


def test_pipeline_stage_import_check_catches_violations() -> None:
    names = {"quotes", "entities"}
    for src in ("from . import quotes", "from .entities import run", "from presslens.stages import quotes", "import presslens.stages.quotes"):
        assert _stage_imports(ast.parse(src).body[0], names), src
    for src in ("from ..resources import lexicon", "from .. import nlp", "import re"):
        assert not _stage_imports(ast.parse(src).body[0], names), src


def test_pipeline_missing_requirement_raises() -> None:
    with pytest.raises(PipelineError, match="requires"):
        Pipeline.build([_stage("quotes", "quotes", requires=("entities",)), _stage("entities", "entities")])


def test_pipeline_unknown_part_raises() -> None:
    with pytest.raises(PipelineError):
        Pipeline.build([_stage("mystery", "not_a_part")])


def test_pipeline_part_assigned_twice_raises() -> None:
    with pytest.raises(PipelineError):
        Pipeline.build([_stage("a", "entities"), _stage("b", "entities")])


def _boom(ctx):
    raise ValueError("synthetic failure")


def test_pipeline_failing_stage_warns_when_not_strict() -> None:
    seen: list[str] = []
    pipeline = Pipeline.build(
        [_stage("entities", "entities", run=_boom), _stage("quotes", "quotes", run=lambda ctx: seen.append("ran") or [])]
    )
    analysis = _run(pipeline, ENGLISH, Settings(strict=False))
    failed = [w for w in analysis.warnings if w.startswith(W_STAGE_FAILED)]
    assert len(failed) == 1 and "entities" in failed[0] and "synthetic failure" in failed[0]
    assert seen == ["ran"], "the stages after a failed one still run"
    assert analysis.entities == []


def test_pipeline_failing_stage_raises_when_strict() -> None:
    pipeline = Pipeline.build([_stage("entities", "entities", run=_boom)])
    with pytest.raises(ValueError, match="synthetic failure"):
        _run(pipeline, ENGLISH, Settings(strict=True))


def test_pipeline_non_english_text_warns(analyze_text) -> None:
    german = (
        "Der Bürgermeister der kleinen Stadt hat am Montag erklärt, dass die neue Brücke im Frühjahr "
        "eröffnet werden soll. Die Bauarbeiten haben länger gedauert als geplant, sagte er vor Journalisten."
    )
    analysis = analyze_text(german)
    assert any(w.startswith(W_NOT_ENGLISH) for w in analysis.warnings), analysis.warnings
    assert analysis.document.text == german


def test_pipeline_english_text_has_no_language_warning(analyze_text) -> None:
    analysis = analyze_text(ENGLISH)
    assert not any(w.startswith(W_NOT_ENGLISH) for w in analysis.warnings), analysis.warnings


# Runs in a fresh interpreter: a meta-path hook sees every attempt to import a heavy framework,
# whether or not it is installed (and even when the caller catches the ImportError).
_IMPORT_WATCH = textwrap.dedent(
    """
    import sys
    HEAVY = ("torch", "transformers", "tensorflow")
    tried = []

    class Watch:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in HEAVY:
                frame = sys._getframe(1)  # the module whose import statement asked
                while frame is not None and (
                    frame.f_globals.get("__name__", "").startswith("importlib") or frame.f_code.co_filename.startswith("<frozen")
                ):
                    frame = frame.f_back
                tried.append(name + "@" + (frame.f_globals.get("__name__", "?") if frame is not None else "?"))
                raise ImportError(f"{name} is not allowed at analysis time")
            return None

    sys.meta_path.insert(0, Watch())
    for name in [m for m in sys.modules if m.split(".")[0] in HEAVY]:
        del sys.modules[name]
    try:
        {body}
    finally:
        print("TRIED:" + ",".join(sorted(set(tried))))
    """
)


def _imports_tried(body: str) -> list[str]:
    code = _IMPORT_WATCH.replace("{body}", textwrap.indent(textwrap.dedent(body), " " * 4).strip())
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("TRIED:"))
    return [m for m in line[len("TRIED:"):].split(",") if m]


# spaCy's backend (thinc) probes for torch once to see whether it is there; refused, it goes on
# without it. Any other attempt (presslens's own code above all) fails the test.
_OPTIONAL_PROBES = frozenset({"torch@thinc.compat"})


def test_pipeline_analyze_never_imports_torch() -> None:
    tried = _imports_tried(
        """
        import presslens
        presslens.analyze("The mayor said the bridge would open in May. \u201cIt is late,\u201d she said.")
        """
    )
    unexpected = [t for t in tried if t not in _OPTIONAL_PROBES]
    assert unexpected == [], f"analyze tried to import {unexpected}"


def test_pipeline_import_watch_catches_a_hidden_import() -> None:
    # the watch must see an import even when torch is absent and the ImportError is swallowed
    tried = _imports_tried(
        """
        try:
            import torch.nn
        except ImportError:
            pass
        """
    )
    assert tried == ["torch@__main__"]
