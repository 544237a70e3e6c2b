"""Measure the rule families against PTC gold and write ``rule_precision.json`` (development only).

    python -m presslens.techniques.calibrate ../shared/data/ptc-train [--write] [--entries]

For each rule family (and each loaded-language grade) on the PTC training articles outside the
validation split ("train") and on the validation split ("validation"):

- SI precision: each rule span earns ``|p ∩ gold| / |p|`` against the gold spans of any technique
  (merged), as the SI scorer credits a predicted span;
- TC precision: the same against the gold fragments of the family's own technique;
- TC recall: the share of the technique's gold fragments that some rule span of the family overlaps.

The run-time confidence of a rule span is its family's TC precision on the validation split (on
train and validation pooled when validation has fewer than ``MIN_VALIDATION_HITS`` hits). Whether a
family (or loaded-language grade) is emitted is decided on the merged output when the model is
installed: it is on unless it lowers validation SI F1 by more than ``GAIN_TOLERANCE`` (against the
model plus the families whose SI precision on train reaches ``SI_PRECISION_BAR``); without the model,
that bar alone decides. Everything switched off or muted is still offered to readers as a weak cue
(the ``technique_cues="all"`` setting). An entry with at least ``MIN_ENTRY_HITS`` hits on train and SI
precision under ``ENTRY_SI_BAR`` is muted (listed in the JSON, not emitted by default).
``--entries`` prints each lexicon entry's counts on train; ``--cache=FILE`` keeps the parses.
Never imported at run time.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from . import rules

PRECISION_PATH = Path(__file__).resolve().parent.parent / "resources" / "models" / "techniques" / "rule_precision.json"
SI_PRECISION_BAR = 0.45
MIN_VALIDATION_HITS = 15
MIN_ENTRY_HITS = 3
ENTRY_SI_BAR = 0.3
GAIN_TOLERANCE = 0.001

Span = tuple[int, int]


def _covered(span: Span, gold: list[Span]) -> float:
    """Share of ``span`` inside the (merged, sorted) gold spans."""
    s, e = span
    inter = sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold)
    return inter / (e - s) if e > s else 0.0


@dataclass
class Tally:
    hits: int = 0
    si_credit: float = 0.0
    tc_credit: float = 0.0
    gold_found: int = 0
    gold_total: int = 0

    def add_hit(self, si: float, tc: float) -> None:
        self.hits += 1
        self.si_credit += si
        self.tc_credit += tc

    def as_dict(self) -> dict:
        return {
            "hits": self.hits,
            "si_precision": round(self.si_credit / self.hits, 3) if self.hits else None,
            "tc_precision": round(self.tc_credit / self.hits, 3) if self.hits else None,
            "tc_recall": round(self.gold_found / self.gold_total, 3) if self.gold_total else None,
        }


@dataclass
class Scored:
    """One rule hit with its credit against gold."""

    hit: rules.RuleHit
    si: float
    tc: float


def score_hits(labels, ids: Iterable[str], docs: dict) -> dict[str, list[Scored]]:
    from ..evaluate.ptc import merge_spans

    out: dict[str, list[Scored]] = {}
    for art in ids:
        gold_any = merge_spans(labels.si.get(art, []))
        by_tech: dict[str, list[Span]] = defaultdict(list)
        for f in labels.fragments.get(art, []):
            by_tech[f.technique].append((f.start, f.end))
        merged_tech = {t: merge_spans(v) for t, v in by_tech.items()}
        out[art] = [
            Scored(h, _covered((h.start, h.end), gold_any), _covered((h.start, h.end), merged_tech.get(h.technique, [])))
            for h in rules.find(docs[art])
        ]
    return out


def tally(scored: dict[str, list[Scored]], labels, muted: set[tuple[str, str]]) -> tuple[dict[str, Tally], dict[str, Tally]]:
    """Per family and per loaded grade, counting only hits whose entry is not muted."""
    families: dict[str, Tally] = defaultdict(Tally)
    grades: dict[str, Tally] = defaultdict(Tally)
    for art, items in scored.items():
        kept = [x for x in items if (x.hit.family, x.hit.entry) not in muted]
        for x in kept:
            families[x.hit.family].add_hit(x.si, x.tc)
            if x.hit.family == "loaded":
                grades[str(x.hit.grade)].add_hit(x.si, x.tc)
        for family, technique in rules.FAMILY_TECHNIQUE.items():
            spans = [(x.hit.start, x.hit.end) for x in kept if x.hit.family == family]
            for f in labels.fragments.get(art, []):
                if f.technique != technique:
                    continue
                families[family].gold_total += 1
                if any(s < f.end and f.start < e for s, e in spans):
                    families[family].gold_found += 1
    return families, grades


def entry_tallies(scored: dict[str, list[Scored]]) -> dict[tuple[str, str], Tally]:
    out: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for items in scored.values():
        for x in items:
            out[(x.hit.family, x.hit.entry)].add_hit(x.si, x.tc)
    return out


def _parse(texts: dict[str, str], order: list[str], cache: Optional[str]) -> dict:
    from spacy.tokens import DocBin

    from .. import nlp

    if cache and Path(cache).exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.load().vocab))
        if len(docs) == len(order) and all(d.text == texts[i] for d, i in zip(docs, order)):
            return dict(zip(order, docs))
    docs = nlp.parse_many([texts[i] for i in order])
    if cache:
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return dict(zip(order, docs))


def _confidence(val: Tally, train: Tally) -> tuple[float, str]:
    if val.hits >= MIN_VALIDATION_HITS:
        return val.tc_credit / val.hits, "validation"
    pooled = val.hits + train.hits
    if pooled:
        return (val.tc_credit + train.tc_credit) / pooled, "train+validation"
    return 0.0, "no hits"


def _validation_gains(texts, labels, validation, docs, muted, families, grades) -> dict[str, float]:
    """Each family's (and loaded grade's) effect on validation SI F1 when merged with the model.

    The base is the model plus the families and grades that pass the SI precision bar. For one in the
    base the gain is F1(base) minus F1(base without it); for one outside, F1(base with it) minus F1(base).
    """
    from .. import nlp
    from ..evaluate.ptc import si_scores
    from . import merge as merge_mod
    from . import tagger as tagger_mod

    if not tagger_mod.available():
        return {}
    tagger = tagger_mod.load()
    gold = {i: labels.si.get(i, []) for i in validation}
    model = {i: tagger.detect(texts[i], nlp.sentences(docs[i])) for i in validation}
    base_families = {f for f, v in families.items() if v["enabled"]}
    base_grades = {int(g) for g, v in grades.items() if v["enabled"]}
    hits = {i: [h for h in rules.find(docs[i]) if (h.family, h.entry) not in muted] for i in validation}

    def f1(fams: set[str], grs: set[int]) -> float:
        def keep(h) -> bool:
            return h.family in fams and (h.family != "loaded" or h.grade in grs)

        pred = {i: [(m.start, m.end) for m in merge_mod.merge(model[i], [h for h in hits[i] if keep(h)])] for i in validation}
        return si_scores(pred, gold).f1

    base = f1(base_families, base_grades)
    gains: dict[str, float] = {}
    for f in families:
        toggled = base_families ^ {f}
        gains[f] = (base - f1(toggled, base_grades)) if f in base_families else (f1(toggled, base_grades) - base)
    for g in (int(k) for k in grades):
        toggled = base_grades ^ {g}
        key = f"grade {g}"
        gains[key] = (base - f1(base_families, toggled)) if g in base_grades else (f1(base_families, toggled) - base)
    return gains


def run(ptc_dir: str, write: bool = False, show_entries: bool = False, cache: Optional[str] = None) -> dict:
    from ..evaluate.ptc import read_articles, read_ids, read_labels

    texts = read_articles(ptc_dir)
    labels = read_labels(ptc_dir)
    validation = [i for i in read_ids() if i in texts]
    train = sorted(i for i in texts if i not in set(validation) and (i in labels.fragments or i in labels.si))
    docs = _parse(texts, train + validation, cache)
    s_train = score_hits(labels, train, docs)
    s_val = score_hits(labels, validation, docs)

    # Entries that fire mostly outside any technique on train are muted (kept in the word list,
    # not emitted): measured, so that a word readers expect but PTC's annotators did not mark
    # is a visible decision in this file rather than a silent deletion.
    entries = entry_tallies(s_train)
    muted = {
        key for key, t in entries.items() if t.hits >= MIN_ENTRY_HITS and t.si_credit / t.hits < ENTRY_SI_BAR
    }
    f_train, g_train = tally(s_train, labels, muted)
    f_val, g_val = tally(s_val, labels, muted)

    families: dict[str, dict] = {}
    for family in rules.FAMILIES:
        tr, va = f_train[family], f_val[family]
        confidence, source = _confidence(va, tr)
        si_train = tr.si_credit / tr.hits if tr.hits else 0.0
        families[family] = {
            "technique": rules.FAMILY_TECHNIQUE[family],
            "train": tr.as_dict(),
            "validation": va.as_dict(),
            "confidence": round(confidence, 3),
            "confidence_from": source,
            "enabled": bool(tr.hits) and si_train >= SI_PRECISION_BAR,
        }
    grades: dict[str, dict] = {}
    for grade in ("1", "2", "3"):
        tr, va = g_train[grade], g_val[grade]
        conf, source = _confidence(va, tr)
        si_train = tr.si_credit / tr.hits if tr.hits else 0.0
        grades[grade] = {
            "train": tr.as_dict(),
            "validation": va.as_dict(),
            "confidence": round(conf, 3),
            "confidence_from": source,
            "enabled": bool(tr.hits) and si_train >= SI_PRECISION_BAR,
        }
    gains = _validation_gains(texts, labels, validation, docs, muted, families, grades)
    for key, gain in gains.items():
        target = grades[key[6:]] if key.startswith("grade ") else families[key]
        target["validation_si_f1_gain"] = round(gain, 4)
        # Measured on the merged output, this decides: a family is emitted unless it lowers SI F1 by
        # more than GAIN_TOLERANCE (well under the ~0.01 a change of training seed makes), so reader-facing
        # cues that PTC's annotators marked less often than the bar asks still reach the reader.
        target["enabled"] = bool(target["train"]["hits"]) and gain >= -GAIN_TOLERANCE
    report = {
        "_about": (
            "Measured precision of the presslens technique rule families against PTC v2 gold spans. "
            "Written for presslens by presslens.techniques.calibrate. confidence = the family's TC precision "
            "(partial-overlap credit against gold spans of the same technique) on the validation split, or on "
            f"train+validation pooled when validation has fewer than {MIN_VALIDATION_HITS} hits. A family (or "
            "loaded-language grade) is enabled when, merged with the model's spans, it does not lower SI F1 on the "
            f"validation split by more than {GAIN_TOLERANCE} (validation_si_f1_gain: F1 with it minus F1 without it, "
            f"against the model plus the families whose SI precision on the training articles reaches {SI_PRECISION_BAR}); "
            f"without the model, that precision bar alone decides. An entry with "
            f"at least {MIN_ENTRY_HITS} hits on those training articles and SI precision under {ENTRY_SI_BAR} is muted."
        ),
        "command": "python -m presslens.techniques.calibrate ../shared/data/ptc-train --write",
        "split": {
            "train_articles": len(train),
            "validation_articles": len(validation),
            "validation_ids": "resources/models/techniques/validation_ids.txt",
        },
        "si_precision_bar": SI_PRECISION_BAR,
        "families": families,
        "loaded_grades": grades,
        "muted_entries": [
            {"family": f, "entry": e, "train_hits": entries[(f, e)].hits,
             "train_si_precision": round(entries[(f, e)].si_credit / entries[(f, e)].hits, 3)}
            for f, e in sorted(muted)
        ],
    }
    if show_entries:
        rows = sorted(entries.items(), key=lambda kv: (kv[0][0], kv[1].si_credit / kv[1].hits))
        for (family, entry), t in rows:
            print(f"{family}\t{entry}\t{t.hits}\t{t.si_credit / t.hits:.2f}\t{t.tc_credit / t.hits:.2f}")
    if write:
        PRECISION_PATH.parent.mkdir(parents=True, exist_ok=True)
        PRECISION_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def main(argv: Optional[list[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    paths = [a for a in args if not a.startswith("--")]
    if len(paths) != 1:
        print("usage: python -m presslens.techniques.calibrate PTC_DIR [--write] [--entries] [--cache=FILE]", file=sys.stderr)
        return 2
    cache = next((a.split("=", 1)[1] for a in args if a.startswith("--cache=")), None)
    report = run(paths[0], write="--write" in args, show_entries="--entries" in args, cache=cache)
    print(json.dumps({"families": report["families"], "loaded_grades": report["loaded_grades"]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
