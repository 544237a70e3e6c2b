"""Event coding evaluation on gold sentences in the PLOVER JSON shape.

Input: a file of records, each with ``text`` (one sentence or short passage), ``event`` (its
PLOVER type, e.g. "PROTEST"), and optionally ``source`` / ``target`` (lists of objects with an
``actorText``; an empty string or missing field means none). Accepted layouts: JSON Lines, one
JSON array, or a stream of JSON objects separated by commas (the layout of the PLOVER
gold-standard records, trailing commas allowed). Each text is analysed on its own, without a
publication date.

Scores (over records whose ``event`` is one of the 18 PLOVER types):
- type among predicted: the gold type is the type of at least one predicted event.
- first event right: the first predicted event (text order) has the gold type.
- actor match: over records with at least one gold source, the share where some predicted
  event of the gold type has an actor sharing a content word with a gold ``actorText``
  (case-insensitive; possessive 's, dots and a plural -s ignored; "the", "of" ... ignored) or
  whose entity has such a name or alias. A record without a predicted event of the gold type
  counts as a miss.
- no event: the share of records for which nothing was predicted.
Per-type rows give the same "type among predicted" share for each gold type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from ..errors import EvalDataError, InputNotFound
from ..model import EVENT_TYPES, Analysis, Article

_WORD = re.compile(r"[\w’'.-]+", re.UNICODE)
_STOP = frozenset(
    "the a an of and in on at to for by with from its his her their our this that these those "
    "some all both two three senior top former new mr mrs ms dr".split()
)


@dataclass
class GoldEvent:
    text: str
    event: str
    sources: list[str]
    targets: list[str]
    id: Optional[str] = None


@dataclass
class TypeRow:
    gold: int = 0
    found: int = 0

    @property
    def share(self) -> float:
        return self.found / self.gold if self.gold else 0.0


@dataclass
class EventScores:
    file: str
    records: int = 0
    skipped: int = 0
    type_among_predicted: int = 0
    first_event_right: int = 0
    actor_total: int = 0
    actor_match: int = 0
    no_event: int = 0
    predicted_events: int = 0
    by_type: dict[str, TypeRow] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def _share(self, n: int, d: int) -> float:
        return n / d if d else 0.0

    @property
    def type_recall(self) -> float:
        return self._share(self.type_among_predicted, self.records)

    @property
    def first_right(self) -> float:
        return self._share(self.first_event_right, self.records)

    @property
    def actor_accuracy(self) -> float:
        return self._share(self.actor_match, self.actor_total)

    @property
    def no_event_share(self) -> float:
        return self._share(self.no_event, self.records)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "records": self.records,
            "skipped": self.skipped,
            "type_among_predicted": round(self.type_recall, 4),
            "first_event_right": round(self.first_right, 4),
            "actor_match": round(self.actor_accuracy, 4),
            "actor_records": self.actor_total,
            "no_event": round(self.no_event_share, 4),
            "events_per_record": round(self._share(self.predicted_events, self.records), 3),
            "by_type": {t: {"gold": r.gold, "found": r.found, "share": round(r.share, 4)} for t, r in sorted(self.by_type.items())},
            "misses": self.misses,
        }

    def to_text(self) -> str:
        lines = [
            f"PLOVER event coding: {self.records} gold records from {self.file}"
            + (f" ({self.skipped} skipped: no PLOVER type)" if self.skipped else ""),
            f"  gold type among predicted   {self.type_recall:.3f}",
            f"  first event right           {self.first_right:.3f}",
            f"  actor match                 {self.actor_accuracy:.3f}   (over {self.actor_total} records with a gold source)",
            f"  no event predicted          {self.no_event_share:.3f}",
            f"  events per record           {self._share(self.predicted_events, self.records):.2f}",
            "",
            "  type          gold  found  share",
        ]
        for t, r in sorted(self.by_type.items()):
            lines.append(f"  {t:<12} {r.gold:5d}  {r.found:5d}  {r.share:.3f}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- reading gold


def _objects(raw: str, path: Path) -> list[Any]:
    text = raw.strip()
    if not text:
        raise EvalDataError(f"{path} is empty: expected gold event records (JSON Lines or a JSON array)")
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        pass
    lines = [ln for ln in text.splitlines() if ln.strip()]
    try:
        return [json.loads(ln) for ln in lines]
    except json.JSONDecodeError:
        pass
    # a comma-separated stream of objects, trailing commas allowed (PLOVER's record files)
    relaxed = re.sub(r",\s*([}\]])", r"\1", text).rstrip().rstrip(",")
    try:
        data = json.loads(f"[{relaxed}]")
    except json.JSONDecodeError as exc:
        raise EvalDataError(
            f"{path} is not readable as gold event records (JSON Lines, a JSON array, or comma-separated objects): {exc}"
        ) from None
    return data


def _actor_texts(value: Any) -> list[str]:
    if not value or not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("actorText"), str) and item["actorText"].strip():
            out.append(item["actorText"])
        elif isinstance(item, str) and item.strip():
            out.append(item)
    return out


def read_gold(path: Path) -> list[GoldEvent]:
    """Gold records from ``path``; EvalDataError (PL400) when the file cannot be read as such."""
    if not path.exists():
        raise InputNotFound(f"{path} does not exist")
    if not path.is_file():
        raise EvalDataError(f"{path} is not a file of gold event records")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path} cannot be read as UTF-8 text ({exc})") from None
    out: list[GoldEvent] = []
    for n, obj in enumerate(_objects(raw, path), 1):
        if not isinstance(obj, dict):
            raise EvalDataError(f"{path}: record {n} is not a JSON object")
        text, event = obj.get("text"), obj.get("event")
        if isinstance(event, dict):
            event = event.get("eventType") or event.get("type")
        if not isinstance(text, str) or not isinstance(event, str):
            raise EvalDataError(f"{path}: record {n} lacks a 'text' string or an 'event' type")
        out.append(
            GoldEvent(
                text=text,
                event=event.strip().upper(),
                sources=_actor_texts(obj.get("source")),
                targets=_actor_texts(obj.get("target")),
                id=obj.get("id") if isinstance(obj.get("id"), str) else None,
            )
        )
    if not out:
        raise EvalDataError(f"{path} holds no gold event records")
    return out


# --------------------------------------------------------------------------- scoring


def _content_words(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(text):
        w = w.replace("’", "'").removesuffix("'s").replace(".", "").strip("'-").lower()
        for part in w.split("-"):
            if len(part) > 3 and part.endswith("s"):
                part = part[:-1]
            if part and part not in _STOP:
                out.add(part)
    return out


def _actor_matches(analysis: Analysis, gold_type: str, gold_sources: list[str]) -> bool:
    gold_words = set().union(*(_content_words(s) for s in gold_sources))
    for ev in analysis.events:
        if ev.type != gold_type:
            continue
        for actor in ev.actors:
            names = [actor.text]
            ent = analysis.entity(actor.entity)
            if ent is not None:
                names += [ent.name, *ent.aliases]
            if any(_content_words(n) & gold_words for n in names):
                return True
    return False


def score(gold: Iterable[GoldEvent], analyses: Iterable[Analysis], file: str = "") -> EventScores:
    scores = EventScores(file=file)
    for g, analysis in zip(gold, analyses):
        if g.event not in EVENT_TYPES:
            scores.skipped += 1
            continue
        scores.records += 1
        row = scores.by_type.setdefault(g.event, TypeRow())
        row.gold += 1
        types = [e.type for e in analysis.events]
        scores.predicted_events += len(types)
        if not types:
            scores.no_event += 1
        if g.event in types:
            scores.type_among_predicted += 1
            row.found += 1
        else:
            scores.misses.append({"id": g.id, "text": g.text, "gold": g.event, "predicted": types})
        if types and types[0] == g.event:
            scores.first_event_right += 1
        if g.sources:
            scores.actor_total += 1
            if _actor_matches(analysis, g.event, g.sources):
                scores.actor_match += 1
    return scores


def evaluate_events(path: Path) -> EventScores:
    """Analyse every gold text of ``path`` and score the events against the gold records."""
    from .. import analyze_articles

    gold = read_gold(path)
    analyses = analyze_articles(Article(text=g.text) for g in gold)
    return score(gold, analyses, file=str(path))
