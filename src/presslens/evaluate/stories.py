"""Score story grouping against gold groups: B-cubed precision/recall/F1 and the adjusted Rand index.

Gold file (JSON Lines), one article a line: ``{"file": "train/text/<name>.txt", "group": label,
"split": "dev"|"heldout"}`` — references into a PolNeAR-style folder (outlet and date are read
from the file name ``<outlet>_<YYYY-MM-DD>_<slug>.txt``), never the text itself. Articles with a
group label of their own are stories of one. The articles of the chosen split are analysed,
grouped together, and the predicted stories are scored against the gold groups.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Hashable, Mapping, Optional

from ..errors import StoryGoldError
from ..model import Analysis, Article

SPLITS = ("dev", "heldout", "all")


@dataclass(frozen=True)
class GoldItem:
    file: str
    group: str
    split: str
    source: str
    published: str


def read_gold(path: Path) -> list[GoldItem]:
    if not path.is_file():
        raise StoryGoldError(f"gold file {path} does not exist")
    out: list[GoldItem] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            file, group, split = str(rec["file"]), str(rec["group"]), str(rec.get("split", "dev"))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoryGoldError(f"{path}, line {n}: not a gold record ({type(exc).__name__}: {exc})") from None
        parts = Path(file).name.split("_")
        if len(parts) < 3 or len(parts[1]) != 10:
            raise StoryGoldError(f"{path}, line {n}: file name {file!r} is not <outlet>_<YYYY-MM-DD>_<slug>.txt")
        out.append(GoldItem(file, group, split, parts[0], parts[1]))
    if not out:
        raise StoryGoldError(f"{path} holds no gold records")
    return out


def bcubed(pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of `gold` (each item's cluster overlap)."""
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    pc: dict[Hashable, set] = defaultdict(set)
    gc: dict[Hashable, set] = defaultdict(set)
    for i in items:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        both = len(pc[pred[i]] & gc[gold[i]])
        p += both / len(pc[pred[i]])
        r += both / len(gc[gold[i]])
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def adjusted_rand(pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> float:
    items = list(gold)
    n = len(items)
    if n < 2:
        return 1.0
    pairs = Counter((pred[i], gold[i]) for i in items)
    a = Counter(pred[i] for i in items)
    b = Counter(gold[i] for i in items)

    def c2(x: int) -> float:
        return x * (x - 1) / 2

    index = sum(c2(v) for v in pairs.values())
    sa, sb = sum(c2(v) for v in a.values()), sum(c2(v) for v in b.values())
    expected = sa * sb / c2(n)
    top = (sa + sb) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


@dataclass
class StoryScores:
    split: str
    articles: int
    gold_groups: int
    gold_multi: int  # gold stories of two or more articles
    predicted: int
    precision: float
    recall: float
    f1: float
    ari: float
    settings: dict[str, Any] = field(default_factory=dict)
    copies: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}

    def to_text(self) -> str:
        return "\n".join([
            f"Stories — {self.split}: {self.articles} articles, {self.gold_groups} gold stories ({self.gold_multi} with 2+ articles), "
            f"{self.predicted} predicted, {self.copies} marked as copies",
            f"  B-cubed precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}",
            f"  adjusted Rand index {self.ari:.3f}",
        ])


def analyse_gold(items: list[GoldItem], root: Path, cache: Optional[Path] = None) -> dict[str, Analysis]:
    """Analyses of the gold files (origin = the gold file reference), read from `cache` when it has them."""
    from .. import analyze_articles

    done: dict[str, Analysis] = {}
    if cache is not None and cache.is_file():
        for line in cache.read_text(encoding="utf-8").splitlines():
            if line.strip():
                a = Analysis.model_validate_json(line)
                if a.document.origin:
                    done[a.document.origin] = a
    todo = [g for g in items if g.file not in done]
    arts = []
    for g in todo:
        f = root / g.file
        if not f.is_file():
            raise StoryGoldError(f"{f} does not exist: is --polnear the folder holding {Path(g.file).parts[0]}/?")
        arts.append(Article(text=f.read_text(encoding="utf-8"), source=g.source, published=g.published, origin=g.file))
    fresh = list(analyze_articles(arts)) if arts else []
    for a in fresh:
        done[a.document.origin or ""] = a
    if cache is not None and fresh:
        with cache.open("a", encoding="utf-8") as fh:
            for a in fresh:
                fh.write(a.model_dump_json() + "\n")
    return done


def score_split(items: list[GoldItem], analyses: Mapping[str, Analysis], split: str, settings=None) -> StoryScores:
    from ..stories import GroupingSettings, StoryRecord, StoryState

    chosen = [g for g in items if split == "all" or g.split == split]
    if not chosen:
        raise StoryGoldError(f"the gold file has no {split!r} records")
    state = StoryState(settings or GroupingSettings())
    state.add(StoryRecord(g.file, analyses[g.file], g.file, g.source, g.published) for g in chosen)
    pred = {g.file: state.story_of(g.file) for g in chosen}
    gold = {g.file: g.group for g in chosen}
    p, r, f = bcubed(pred, gold)
    sizes = Counter(gold.values())
    return StoryScores(
        split, len(chosen), len(sizes), sum(1 for v in sizes.values() if v > 1), len(set(pred.values())),
        p, r, f, adjusted_rand(pred, gold), state.settings.to_dict(),
        sum(1 for g in chosen if state.copy_of(g.file) is not None),
    )


def evaluate_stories(gold: Path, polnear: Path, split: str = "dev", cache: Optional[Path] = None, settings=None) -> StoryScores:
    if split not in SPLITS:
        raise StoryGoldError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    items = read_gold(gold)
    chosen = [g for g in items if split == "all" or g.split == split]
    analyses = analyse_gold(chosen, polnear, cache)
    return score_split(items, analyses, split, settings)
