"""Build and run the stages listed in `registry.py`.

Each stage module declares ``name``, ``requires`` (parts of `Analysis` it reads),
``assigns`` (the one part it fills) and ``run(ctx)``. The pipeline checks at build
time that every requirement is assigned by an earlier stage, then runs the stages
in order over one shared parse.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Iterable

from spacy.tokens import Doc

from . import errors, nlp
from .config import Settings
from .model import Analysis, Article, Document

# Parts that exist before any stage runs.
BASE_PARTS = ("document",)


@dataclass
class Context:
    """What a stage sees: the article, its one parse, and the parts filled so far."""

    article: Article
    doc: Doc
    analysis: Analysis
    settings: Settings

    @property
    def text(self) -> str:
        return self.analysis.document.text


@dataclass(frozen=True)
class Stage:
    name: str
    requires: tuple[str, ...]
    assigns: str
    run: Callable[[Context], Any]

    @classmethod
    def from_module(cls, module: ModuleType) -> "Stage":
        return cls(
            name=module.name,
            requires=tuple(module.requires),
            assigns=module.assigns,
            run=module.run,
        )


class PipelineError(Exception):
    """A stage list that cannot run (a programming error, not a user error)."""


@dataclass
class Pipeline:
    stages: list[Stage] = field(default_factory=list)

    @classmethod
    def build(cls, modules: Iterable[ModuleType]) -> "Pipeline":
        stages = [Stage.from_module(m) for m in modules]
        available = set(BASE_PARTS)
        for stage in stages:
            if stage.assigns not in Analysis.model_fields:
                raise PipelineError(f"stage {stage.name!r} assigns unknown part {stage.assigns!r}")
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise PipelineError(f"stage {stage.name!r} requires {missing} before it is assigned")
            if stage.assigns in available:
                raise PipelineError(f"part {stage.assigns!r} is assigned twice")
            available.add(stage.assigns)
        return cls(stages)

    def run(self, article: Article, doc: Doc, settings: Settings) -> Analysis:
        analysis = Analysis(document=make_document(article, doc), warnings=list(article.warnings))
        analysis.warnings.extend(language_warnings(doc))
        ctx = Context(article=article, doc=doc, analysis=analysis, settings=settings)
        started = time.monotonic()
        for stage in self.stages:
            if time.monotonic() - started > settings.time_budget:
                analysis.warnings.append(
                    errors.warning(errors.W_TIME_BUDGET, f"time budget of {settings.time_budget:g}s spent; stage '{stage.name}' skipped")
                )
                continue
            try:
                setattr(analysis, stage.assigns, stage.run(ctx))
            except Exception as exc:  # one broken stage must not lose the rest of the analysis
                if settings.strict:
                    raise
                analysis.warnings.append(
                    errors.warning(errors.W_STAGE_FAILED, f"stage '{stage.name}' failed and was skipped ({type(exc).__name__}: {exc})")
                )
        return analysis


def make_document(article: Article, doc: Doc) -> Document:
    text = article.text
    return Document(
        id=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        text=text,
        title=article.title,
        title_span=article.title_span,
        url=article.url,
        source=article.source,
        author=article.author,
        published=article.published,
        language="en",
        origin=article.origin,
        paragraphs=nlp.paragraphs(text),
        sentences=nlp.sentences(doc),
    )


_STOPWORDS = frozenset(
    "the of and to a in is that for it on was with as he be by at are this from his have or an they "
    "which not but were has had their been its said who will would i we you she her there one all".split()
)


def language_warnings(doc: Doc) -> list[str]:
    """PL201 when the text does not read as English (best effort goes on)."""
    words = [t.lower_ for t in doc if t.is_alpha]
    # Scripts written without spaces give few tokens: judge them by their letters instead.
    letters = [ch for ch in doc.text[:20000] if ch.isalpha()]
    unspaced = len(letters) >= 40 and sum(ch.isascii() for ch in letters) / len(letters) < 0.6
    if len(words) < 8 and not unspaced:
        return []
    latin = sum(1 for w in words if re.fullmatch(r"[a-z]+", w))
    common = sum(1 for w in words if w in _STOPWORDS)
    if unspaced or latin / len(words) < 0.6 or common / len(words) < 0.08:
        return [
            errors.warning(
                errors.W_NOT_ENGLISH,
                "the text does not look like English; presslens analyses English and this result is a best effort",
            )
        ]
    return []
