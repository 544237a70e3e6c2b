"""Gold records that point into corpora instead of carrying their text.

Real news written by others (PolNeAR, PTC) may be used for evaluation but never copied into the
repository, so gold files built on it hold references only: one JSON object a line with
``corpus`` (a folder under the corpus root, e.g. ``polnear/train/text``), ``file``, ``start`` and
``end`` (character offsets of the labelled span in that file), ``sha1`` (the first 12 hex digits
of the SHA-1 of the span's UTF-8 text, to catch another version of the corpus) and the labels.
The text is read from the corpus root at run time.

For events the labels are ``event`` (the PLOVER type of the main event), ``actors`` (texts of its
doers, possibly empty) and optionally ``also`` (other types the sentence also reports: predicted
events of those types are not counted as wrong in the precision, and are not required).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from ..errors import CorpusTextMissing, EvalDataError, InputNotFound, ReferenceMismatch
from ..model import Analysis, Article

# Where the project's development corpora live, relative to the repository root.
DEFAULT_CORPUS_ROOT = Path("../shared/data")


@dataclass
class Reference:
    corpus: str
    file: str
    start: int
    end: int
    sha1: Optional[str]
    labels: dict[str, Any]
    id: Optional[str] = None


def read_references(path: Path) -> list[Reference]:
    """Reference records from a JSON Lines file; EvalDataError (PL400) when malformed."""
    if not path.is_file():
        raise InputNotFound(f"{path} does not exist or is not a file")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path} cannot be read as UTF-8 text ({exc})") from None
    out: list[Reference] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}: line {n} is not JSON ({exc})") from None
        if not isinstance(obj, dict):
            raise EvalDataError(f"{path}: line {n} is not a JSON object")
        corpus, file, start, end = obj.get("corpus"), obj.get("file"), obj.get("start"), obj.get("end")
        if not (isinstance(corpus, str) and isinstance(file, str) and isinstance(start, int) and isinstance(end, int)):
            raise EvalDataError(f"{path}: line {n} lacks 'corpus', 'file' (strings) or 'start', 'end' (integers)")
        if ".." in Path(corpus).parts or ".." in Path(file).parts or Path(file).is_absolute() or Path(corpus).is_absolute():
            raise EvalDataError(f"{path}: line {n} points outside the corpus root")
        if not 0 <= start < end:
            raise EvalDataError(f"{path}: line {n} has an empty or reversed span [{start}, {end})")
        labels = {k: v for k, v in obj.items() if k not in {"corpus", "file", "start", "end", "sha1", "id"}}
        sha = obj.get("sha1") if isinstance(obj.get("sha1"), str) else None
        out.append(Reference(corpus, file, start, end, sha, labels, obj.get("id") if isinstance(obj.get("id"), str) else None))
    if not out:
        raise EvalDataError(f"{path} holds no reference records")
    return out


def resolve_text(ref: Reference, root: Path, cache: Optional[dict[Path, str]] = None) -> str:
    """The referenced span's text, read from ``root``; PL420 if the file is absent, PL421 if it differs."""
    file = root / ref.corpus / ref.file
    cache = {} if cache is None else cache
    if file not in cache:
        try:
            cache[file] = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CorpusTextMissing(
                f"{file} not found: give the folder that holds '{ref.corpus}' with --corpus-root"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise EvalDataError(f"{file} cannot be read as UTF-8 text ({exc})") from None
    text = cache[file][ref.start : ref.end]
    if len(text) != ref.end - ref.start or (
        ref.sha1 and hashlib.sha1(text.encode("utf-8")).hexdigest()[: len(ref.sha1)] != ref.sha1
    ):
        raise ReferenceMismatch(
            f"{ref.id or ref.file}: the text at [{ref.start}, {ref.end}) of {file} is not the labelled text "
            "(another version of the corpus?)"
        )
    return text


def resolve_all(refs: Iterable[Reference], root: Path) -> list[str]:
    cache: dict[Path, str] = {}
    return [resolve_text(r, root, cache) for r in refs]


# --------------------------------------------------------------------------- events


@dataclass
class RealEventScores:
    """``eval events`` scores plus the precision of predicted types (gold or an ``also`` type)."""

    base: Any  # evaluate.events.EventScores
    predicted: int = 0
    predicted_right: int = 0
    type_pairs: int = 0
    type_pairs_right: int = 0
    corpus_root: str = ""
    by_type_predicted: dict[str, list[int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 0.0

    @property
    def type_precision(self) -> float:
        return self.type_pairs_right / self.type_pairs if self.type_pairs else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = self.base.to_dict()
        out["corpus_root"] = self.corpus_root
        out["predicted_events"] = self.predicted
        out["precision_events"] = round(self.precision, 4)
        out["precision_types"] = round(self.type_precision, 4)
        out["predicted_by_type"] = {
            t: {"predicted": p, "right": r} for t, (p, r) in sorted(self.by_type_predicted.items())
        }
        return out

    def to_text(self) -> str:
        lines = self.base.to_text().splitlines()
        extra = [
            f"  precision (events)          {self.precision:.3f}   ({self.predicted_right} of {self.predicted} predicted events have the gold or an 'also' type)",
            f"  precision (types)           {self.type_precision:.3f}   (distinct predicted types per record)",
        ]
        return "\n".join(lines[:6] + extra + lines[6:] + [f"  (text read from {self.corpus_root})"])


def score_events(gold: list, analyses: Iterable[Analysis], refs: list[Reference], file: str, root: Path) -> RealEventScores:
    from .events import score

    analyses = list(analyses)
    result = RealEventScores(base=score(gold, analyses, file=file), corpus_root=str(root))
    for ref, g, analysis in zip(refs, gold, analyses):
        ok = {g.event, *[str(t).upper() for t in ref.labels.get("also") or []]}
        types = [e.type for e in analysis.events]
        result.predicted += len(types)
        result.predicted_right += sum(t in ok for t in types)
        result.type_pairs += len(set(types))
        result.type_pairs_right += len(set(types) & ok)
        for t in types:
            row = result.by_type_predicted.setdefault(t, [0, 0])
            row[0] += 1
            row[1] += t in ok
    return result


def evaluate_events_real(path: Path, root: Path = DEFAULT_CORPUS_ROOT) -> RealEventScores:
    """Analyse every referenced sentence on its own and score it like ``eval events``."""
    from .. import analyze_articles
    from .events import GoldEvent

    refs = read_references(path)
    texts = resolve_all(refs, root)
    gold = []
    for ref, text in zip(refs, texts):
        event = ref.labels.get("event")
        actors = ref.labels.get("actors") or []
        if not isinstance(event, str) or not isinstance(actors, list):
            raise EvalDataError(f"{path}: record {ref.id or ref.file} lacks an 'event' type or has a bad 'actors' list")
        gold.append(GoldEvent(text=text, event=event.strip().upper(), sources=[str(a) for a in actors], targets=[], id=ref.id))
    analyses = analyze_articles(Article(text=t) for t in texts)
    return score_events(gold, analyses, refs, str(path), root)
