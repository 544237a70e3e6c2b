"""Reader for PolNeAR-format attribution data (brat standoff).

Layout: ``<dir>/text/<name>.txt`` and ``<dir>/attributions/<name>_<annotator>.ann``.
Lines ``T<n><TAB><Type> <start> <end>[;<start> <end>...]<TAB><text>`` hold spans (Type one of
Source, Cue, Content, Attribution); ``E<n><TAB>Attribution:T<a> Content:T<c> Cue:T<k> Source:T<s>``
ties one attribution together (any role may be missing).

When a text has several annotator files we keep one: the first in sorted file-name order, so
the choice is deterministic and every text counts once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import EvalDataError

Span = tuple[int, int]

_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t?(.*)$")


@dataclass
class GoldAttribution:
    content: list[Span]
    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    content_text: str = ""
    source_text: str = ""
    cue_text: str = ""


@dataclass
class GoldDocument:
    name: str
    annotator: str
    text: str
    attributions: list[GoldAttribution]


def parse_ann(ann: str, text: str) -> list[GoldAttribution]:
    spans: dict[str, list[Span]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        m = _T_LINE.match(line)
        if m:
            frags: list[Span] = []
            for part in m.group(3).split(";"):
                nums = part.split()
                if len(nums) == 2:
                    s, e = int(nums[0]), int(nums[1])
                    if 0 <= s < e <= len(text):
                        frags.append((s, e))
            spans[m.group(1)] = frags
        elif line.startswith("E"):
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            roles: dict[str, str] = {}
            for item in cols[1].split():
                if ":" in item:
                    role, ref = item.split(":", 1)
                    roles[role] = ref
            events.append(roles)
    out: list[GoldAttribution] = []
    for roles in events:
        content = spans.get(roles.get("Content", ""), [])
        if not content:
            continue
        source = spans.get(roles.get("Source", ""), [])
        cue = spans.get(roles.get("Cue", ""), [])

        def join(fr: list[Span]) -> str:
            return " ".join(text[s:e] for s, e in fr)

        out.append(GoldAttribution(content, source, cue, join(content), join(source), join(cue)))
    return out


def read_polnear(directory: Path, limit: Optional[int] = None) -> list[GoldDocument]:
    directory = Path(directory)
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise EvalDataError(f"{directory} is not PolNeAR-format data (needs text/ and attributions/ folders)")
    anns: dict[str, list[Path]] = {}
    names = sorted(p.stem for p in text_dir.glob("*.txt"))
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        # "<name>_<annotator>": the longest text name that prefixes it
        base = stem.rsplit("_", 1)[0] if "_" in stem else stem
        anns.setdefault(base, []).append(ann)
    docs: list[GoldDocument] = []
    for name in names:
        files = anns.get(name)
        if not files:
            continue
        ann_path = files[0]
        text = (text_dir / f"{name}.txt").read_text(encoding="utf-8")
        annotator = ann_path.stem[len(name) + 1 :]
        docs.append(GoldDocument(name, annotator, text, parse_ann(ann_path.read_text(encoding="utf-8"), text)))
        if limit is not None and len(docs) >= limit:
            break
    if not docs:
        raise EvalDataError(f"no annotated texts found under {directory}")
    return docs
