"""Measure the rule families against PTC gold and write ``rule_precision.json`` (development only).

    presslens techniques calibrate ../shared/data/ptc-train --folds build/techniques-train/cv [--write]

For each rule family (and each loaded-language grade), over the PTC training articles:

- SI precision: each rule span earns ``|p ∩ gold| / |p|`` against the gold spans of any technique
  (merged), as the SI scorer credits a predicted span;
- TC precision: the same against the gold fragments of the family's own technique;
- TC recall: the share of the technique's gold fragments that some rule span of the family overlaps.

The run-time confidence of a rule span is its family's TC precision. Whether a family (or grade) is
emitted is decided on the merged output with the model's spans: it is on unless it lowers SI F1 by
more than ``GAIN_TOLERANCE`` (against the model plus the families whose SI precision reaches
``SI_PRECISION_BAR``). The model's spans are the out-of-fold predictions of the cross-validation
(``presslens eval techniques --cv K --cv-out DIR``; ``--folds DIR``), so no article is judged with a
model that trained on it; without them, the precision bar alone decides. With folds the decision is
itself cross-validated: made on the other folds, scored on each held-out fold (``cv`` in the JSON);
the shipped switches are then decided on every article. Everything switched off or muted is still
offered to readers as a weak cue (the ``technique_cues="all"`` setting). An entry with at least
``MIN_ENTRY_HITS`` hits and SI precision under ``ENTRY_SI_BAR`` is muted (listed, not emitted).
Never imported at run time.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from . import rules

PRECISION_PATH = Path(__file__).resolve().parent.parent / "resources" / "models" / "techniques" / "rule_precision.json"
SI_PRECISION_BAR = 0.45
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


def _si(pred: dict[str, list[Span]], labels, ids: Sequence[str]) -> float:
    from ..evaluate.ptc import si_scores

    return si_scores({i: pred.get(i, []) for i in ids}, {i: labels.si.get(i, []) for i in ids}).f1


def decide(ids: Sequence[str], docs: dict, labels, model: Optional[dict[str, list[Span]]]) -> dict:
    """Families, grades and muted entries measured on ``ids`` (with the model's spans there, if given)."""
    scored = score_hits(labels, ids, docs)
    entries = entry_tallies(scored)
    # Entries that fire mostly outside any technique are muted (kept in the word list, not emitted):
    # a word readers expect but PTC's annotators did not mark stays a visible decision in this file.
    muted = {key for key, t in entries.items() if t.hits >= MIN_ENTRY_HITS and t.si_credit / t.hits < ENTRY_SI_BAR}
    fam_t, grade_t = tally(scored, labels, muted)

    def row(t: Tally) -> dict:
        si = t.si_credit / t.hits if t.hits else 0.0
        return {**t.as_dict(), "confidence": round(t.tc_credit / t.hits, 3) if t.hits else 0.0, "enabled": bool(t.hits) and si >= SI_PRECISION_BAR}

    families = {f: {"technique": rules.FAMILY_TECHNIQUE[f], **row(fam_t[f])} for f in rules.FAMILIES}
    grades = {g: row(grade_t[g]) for g in ("1", "2", "3")}
    if model is not None:
        hits = {i: [h for h in x_hits(scored[i]) if (h.family, h.entry) not in muted] for i in ids}
        base_f = {f for f, v in families.items() if v["enabled"]}
        base_g = {int(g) for g, v in grades.items() if v["enabled"]}

        def f1(fams: set[str], grs: set[int]) -> float:
            pred = {i: list(model.get(i, [])) + [(h.start, h.end) for h in hits[i] if keep(h, fams, grs)] for i in ids}
            return _si(pred, labels, ids)

        base = f1(base_f, base_g)
        for f in families:
            gain = (base - f1(base_f - {f}, base_g)) if f in base_f else (f1(base_f | {f}, base_g) - base)
            families[f]["si_f1_gain"] = round(gain, 4)
            # Measured on the merged output, this decides: on unless it costs more than GAIN_TOLERANCE (well
            # under what a change of training seed makes), so cues PTC's annotators marked less often still reach readers.
            families[f]["enabled"] = bool(families[f]["hits"]) and gain >= -GAIN_TOLERANCE
        for g in grades:
            gi = int(g)
            gain = (base - f1(base_f, base_g - {gi})) if gi in base_g else (f1(base_f, base_g | {gi}) - base)
            grades[g]["si_f1_gain"] = round(gain, 4)
            grades[g]["enabled"] = bool(grades[g]["hits"]) and gain >= -GAIN_TOLERANCE
    return {"families": families, "loaded_grades": grades, "muted": muted, "entries": entries}


def x_hits(items: list[Scored]) -> list[rules.RuleHit]:
    return [x.hit for x in items]


def keep(h: rules.RuleHit, fams: set[str], grs: set[int]) -> bool:
    return h.family in fams and (h.family != "loaded" or not h.grade or h.grade in grs)


def kept_spans(d: dict, ids: Sequence[str], docs: dict) -> dict[str, list[Span]]:
    fams = {f for f, v in d["families"].items() if v["enabled"]}
    grs = {int(g) for g, v in d["loaded_grades"].items() if v["enabled"]}
    return {i: [(h.start, h.end) for h in rules.find(docs[i]) if (h.family, h.entry) not in d["muted"] and keep(h, fams, grs)] for i in ids}


def read_folds(folds_dir: str) -> tuple[list[list[str]], dict[str, list[Span]]]:
    """Held-out ids and out-of-fold model spans from ``fold*.json`` (``presslens eval techniques --cv-out``)."""
    from ..errors import EvalDataError

    paths = sorted(Path(folds_dir).glob("fold*.json"))
    if not paths:
        raise EvalDataError(f"no fold*.json in {folds_dir}; write them with `presslens eval techniques --cv K --cv-out DIR`")
    folds, model = [], {}
    for p in paths:
        data = json.loads(p.read_text(encoding="utf-8"))
        folds.append(list(data["test_ids"]))
        for art, spans in data["predicted_spans"].items():
            model[art] = [(int(a), int(b)) for a, b, *_ in spans]
    return folds, model


def run(ptc_dir: str, folds_dir: Optional[str] = None, write: bool = False, show_entries: bool = False, cache: Optional[str] = None) -> dict:
    from ..evaluate.ptc import read_articles, read_labels

    texts = read_articles(ptc_dir)
    labels = read_labels(ptc_dir)
    ids = sorted(texts)
    docs = _parse(texts, ids, cache)
    folds, model = read_folds(folds_dir) if folds_dir else (None, None)
    cv = None
    if folds:
        rows = []
        for k, test in enumerate(folds):
            train = [i for j, f in enumerate(folds) if j != k for i in f]
            d = decide(train, docs, labels, model)
            rules_k = kept_spans(d, test, docs)
            rows.append({
                "fold": k,
                "si_f1_model": round(_si({i: model.get(i, []) for i in test}, labels, test), 4),
                "si_f1_model_and_rules": round(_si({i: model.get(i, []) + rules_k[i] for i in test}, labels, test), 4),
                "enabled": sorted(f for f, v in d["families"].items() if v["enabled"]),
            })
        cv = {"folds": rows}
        for key in ("si_f1_model", "si_f1_model_and_rules"):
            vals = [r[key] for r in rows]
            cv[key] = {"mean": round(statistics.fmean(vals), 4), "sd": round(statistics.stdev(vals), 4) if len(vals) > 1 else 0.0}
    final = decide(ids, docs, labels, model)
    entries, muted = final["entries"], final["muted"]
    report = {
        "_about": (
            "Measured precision of the presslens technique rule families against PTC v2 gold spans, written by "
            "`presslens techniques calibrate`. confidence = the family's TC precision (partial-overlap credit against gold "
            "spans of the same technique) on the training articles. A family (or loaded-language grade) is enabled when, "
            f"merged with the model's out-of-fold spans, it does not lower SI F1 by more than {GAIN_TOLERANCE} "
            f"(si_f1_gain), against the model plus the families whose SI precision reaches {SI_PRECISION_BAR}; without "
            f"folds, that bar alone decides. An entry with at least {MIN_ENTRY_HITS} hits and SI precision under "
            f"{ENTRY_SI_BAR} is muted. cv: the same decision made on the other folds, scored on each held-out fold."
        ),
        "command": "presslens techniques calibrate ../shared/data/ptc-train --folds build/techniques-train/cv --write",
        "articles": len(ids),
        "si_precision_bar": SI_PRECISION_BAR,
        "cv": cv,
        "families": final["families"],
        "loaded_grades": final["loaded_grades"],
        "muted_entries": [
            {"family": f, "entry": e, "train_hits": entries[(f, e)].hits,
             "train_si_precision": round(entries[(f, e)].si_credit / entries[(f, e)].hits, 3)}
            for f, e in sorted(muted)
        ],
    }
    if show_entries:
        rows_e = sorted(entries.items(), key=lambda kv: (kv[0][0], kv[1].si_credit / kv[1].hits))
        report["entries"] = [
            {"family": f, "entry": e, "hits": t.hits, "si_precision": round(t.si_credit / t.hits, 3), "tc_precision": round(t.tc_credit / t.hits, 3)}
            for (f, e), t in rows_e
        ]
    if write:
        PRECISION_PATH.parent.mkdir(parents=True, exist_ok=True)
        body = {k: v for k, v in report.items() if k != "entries"}
        PRECISION_PATH.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def to_text(report: dict) -> str:
    """The report as a table for the terminal."""
    lines = [f"{'family':<14}{'technique':<36}{'hits':>6}{'SI P':>7}{'TC P':>7}{'TC R':>7}{'gain':>8}  on"]
    for f, v in report["families"].items():
        gain = v.get("si_f1_gain")
        lines.append(
            f"{f:<14}{v['technique']:<36}{v['hits']:>6}{v['si_precision'] or 0:>7.3f}{v['tc_precision'] or 0:>7.3f}"
            f"{v['tc_recall'] or 0:>7.3f}{'' if gain is None else f'{gain:+.4f}':>8}  {'yes' if v['enabled'] else 'no'}"
        )
    cv = report.get("cv")
    if cv:
        lines += ["", f"cross-validated SI F1: model {cv['si_f1_model']['mean']:.3f} ± {cv['si_f1_model']['sd']:.3f}, "
                  f"model + rules {cv['si_f1_model_and_rules']['mean']:.3f} ± {cv['si_f1_model_and_rules']['sd']:.3f}"]
    for e in report.get("entries", []):
        lines.append(f"{e['family']}\t{e['entry']}\t{e['hits']}\t{e['si_precision']:.2f}\t{e['tc_precision']:.2f}")
    return "\n".join(lines)
