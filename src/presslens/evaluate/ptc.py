"""Persuasion-technique evaluation on PTC-format data (SemEval-2020 Task 11 layout).

Folder layout (see the corpus README): ``articles/articleNNN.txt`` (offsets index the file text
exactly as read), ``labels-tc/articleNNN.task-flc-tc.labels`` (``id<TAB>technique<TAB>start<TAB>end``)
and ``labels-si/articleNNN.task-si.labels`` (``id<TAB>start<TAB>end``). A labels folder may be the
corpus root (holding ``labels-tc``/``labels-si``) or a folder holding either kind of file.

Metrics (the field's public definitions):
- SI: spans are technique-agnostic; overlapping spans of one article are merged first (on both
  sides). Each predicted span p earns ``sum_g |p∩g| / |p|`` toward precision and each gold span g
  earns ``sum_p |p∩g| / |g|`` toward recall (spans of the same article only). Precision is the summed
  credit over the number of predicted spans, recall over the number of gold spans; F1 their harmonic mean.
- TC: every gold fragment (span without label) gets one predicted technique. A fragment that carries
  two techniques appears twice; predictions for identical spans are matched to the gold labels as
  multisets (order does not matter). Micro-F1 equals accuracy; per technique P/R/F1 over the pairs.

Gold SI spans come from ``labels-si`` when present, else from the TC fragments merged. An article
with no label file counts as one without techniques (the corpus leaves such files out).
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

from ..errors import EvalDataError
from ..model import TECHNIQUES

Span = tuple[int, int]

_ARTICLE_RE = re.compile(r"^article(\d+)\.txt$")
_LABEL_RE = re.compile(r"^article(\d+)\.")


# --------------------------------------------------------------------------- reading


@dataclass
class GoldFragment:
    start: int
    end: int
    technique: str


@dataclass
class PtcLabels:
    """Gold labels per article id: TC fragments (may be empty) and SI spans (merged)."""

    fragments: dict[str, list[GoldFragment]] = field(default_factory=dict)
    si: dict[str, list[Span]] = field(default_factory=dict)
    has_tc: bool = False


def read_articles(directory: Path | str) -> dict[str, str]:
    """Article id -> text, from ``directory/articles`` or ``directory`` itself."""
    root = Path(directory)
    folder = root / "articles" if (root / "articles").is_dir() else root
    if not folder.is_dir():
        raise EvalDataError(f"{root} is not a folder of PTC articles (articles/articleNNN.txt)")
    out: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        m = _ARTICLE_RE.match(path.name)
        if m and path.is_file():
            try:
                out[m.group(1)] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise EvalDataError(f"{path} is not UTF-8 text ({exc.reason})") from None
    if not out:
        raise EvalDataError(f"{folder} holds no PTC articles (files named articleNNN.txt)")
    return out


def _label_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """(tc files, si files) under a corpus root or a folder of label files."""
    folders = [directory]
    for sub in ("labels-tc", "labels-si"):
        if (directory / sub).is_dir():
            folders.append(directory / sub)
    tc: list[Path] = []
    si: list[Path] = []
    for folder in folders:
        for path in sorted(folder.glob("article*.labels")):
            (si if path.name.endswith(".task-si.labels") else tc).append(path)
    return tc, si


def _parse_int(value: str, path: Path, lineno: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise EvalDataError(f"{path}:{lineno}: offset {value!r} is not a whole number") from None


def read_labels(directory: Path | str) -> PtcLabels:
    """Read PTC label files (TC, SI or both) from ``directory``."""
    root = Path(directory)
    if not root.is_dir():
        raise EvalDataError(f"{root} is not a folder of PTC label files")
    tc_files, si_files = _label_files(root)
    if not tc_files and not si_files:
        raise EvalDataError(f"{root} holds no PTC label files (articleNNN.task-flc-tc.labels or .task-si.labels)")
    labels = PtcLabels(has_tc=bool(tc_files))
    for path in tc_files:
        art = _LABEL_RE.match(path.name).group(1)  # type: ignore[union-attr]
        frags = labels.fragments.setdefault(art, [])
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != 4:
                raise EvalDataError(f"{path}:{lineno}: expected 4 tab-separated columns (id, technique, start, end)")
            start, end = _parse_int(cols[2], path, lineno), _parse_int(cols[3], path, lineno)
            if end <= start:
                raise EvalDataError(f"{path}:{lineno}: span end {end} is not after start {start}")
            frags.append(GoldFragment(start, end, cols[1].strip()))
    for path in si_files:
        art = _LABEL_RE.match(path.name).group(1)  # type: ignore[union-attr]
        spans = labels.si.setdefault(art, [])
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != 3:
                raise EvalDataError(f"{path}:{lineno}: expected 3 tab-separated columns (id, start, end)")
            start, end = _parse_int(cols[1], path, lineno), _parse_int(cols[2], path, lineno)
            if end <= start:
                raise EvalDataError(f"{path}:{lineno}: span end {end} is not after start {start}")
            spans.append((start, end))
    # Without SI files, the gold SI spans are the TC fragments merged (as the corpus defines them).
    for art, frags in labels.fragments.items():
        if art not in labels.si:
            labels.si[art] = [(f.start, f.end) for f in frags]
    labels.si = {art: merge_spans(spans) for art, spans in labels.si.items()}
    return labels


def read_ids(path: Path | str) -> list[str]:
    """Article ids, one per line (``#`` comments and blanks skipped)."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalDataError(f"cannot read the id list {p} ({exc.strerror or exc})") from None
    ids = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    ids = [i[7:] if i.startswith("article") else i for i in ids]
    if not ids:
        raise EvalDataError(f"{p} lists no article ids")
    return ids


def cv_folds(texts: Mapping[str, str], labels: "PtcLabels", k: int = 5, seed: int = 13) -> list[list[str]]:
    """``k`` folds of the article ids, stratified by article length (quintile) and technique mix.

    Iterative stratification: each article carries its techniques and its length band as labels; the
    rarest label still unassigned is placed first, each of its articles into the fold that most lacks
    that label (then the emptiest fold). Deterministic for a given seed.
    """
    ids = sorted(texts)
    if k < 2 or k > len(ids):
        raise EvalDataError(f"cannot make {k} folds of {len(ids)} articles (2 to {len(ids)} folds)")
    by_length = sorted(ids, key=lambda a: (len(texts[a]), a))
    band = {a: f"length:{i * 5 // len(ids)}" for i, a in enumerate(by_length)}
    tags = {a: {band[a], *(f.technique for f in labels.fragments.get(a, []))} for a in ids}
    totals = Counter(t for a in ids for t in tags[a])
    want = [{t: n / k for t, n in totals.items()} for _ in range(k)]
    room = [len(ids) / k] * k
    rng = random.Random(seed)
    folds: list[list[str]] = [[] for _ in range(k)]
    left = set(ids)
    while left:
        counts = Counter(t for a in left for t in tags[a])
        rarest = min(counts, key=lambda t: (counts[t], t))
        group = sorted(a for a in left if rarest in tags[a])
        rng.shuffle(group)
        for a in group:
            f = max(range(k), key=lambda i: (want[i][rarest], room[i], -i))
            folds[f].append(a)
            room[f] -= 1
            for t in tags[a]:
                want[f][t] -= 1
            left.discard(a)
    return [sorted(f) for f in folds]


# --------------------------------------------------------------------------- metrics


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted union of spans: overlapping spans become one (touching ones stay apart)."""
    out: list[list[int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


@dataclass
class PRF:
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    predicted: int = 0
    gold: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.predicted,
            "gold": self.gold,
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def si_scores(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> PRF:
    """SI precision/recall/F1 with partial credit for overlap (see the module docstring).

    Articles missing from ``pred`` count as predicting nothing; overlapping spans are merged first.
    """
    p_credit = r_credit = 0.0
    n_pred = n_gold = 0
    for art in set(pred) | set(gold):
        ps = merge_spans(pred.get(art, ()))
        gs = merge_spans(gold.get(art, ()))
        n_pred += len(ps)
        n_gold += len(gs)
        for ps_, pe in ps:
            for gs_, ge in gs:
                inter = min(pe, ge) - max(ps_, gs_)
                if inter > 0:
                    p_credit += inter / (pe - ps_)
                    r_credit += inter / (ge - gs_)
    precision = p_credit / n_pred if n_pred else 0.0
    recall = r_credit / n_gold if n_gold else 0.0
    return PRF(precision, recall, _f1(precision, recall), n_pred, n_gold)


@dataclass
class TcScores:
    micro_f1: float
    total: int
    correct: int
    per_technique: dict[str, PRF]

    def as_dict(self) -> dict[str, Any]:
        return {
            "micro_f1": round(self.micro_f1, 4),
            "total": self.total,
            "correct": self.correct,
            "per_technique": {k: v.as_dict() for k, v in self.per_technique.items()},
        }


def align_labels(spans: Sequence[Span], pred_labels: Sequence[str], gold_labels: Sequence[str]) -> list[tuple[str, str]]:
    """(predicted, gold) pairs; among identical spans the labels are matched as multisets."""
    groups: dict[Span, list[int]] = defaultdict(list)
    for i, sp in enumerate(spans):
        groups[(int(sp[0]), int(sp[1]))].append(i)
    pairs: list[tuple[str, str]] = []
    for idx in groups.values():
        preds = [pred_labels[i] for i in idx]
        golds = [gold_labels[i] for i in idx]
        rest_p: list[str] = []
        for p in preds:
            if p in golds:
                golds.remove(p)
                pairs.append((p, p))
            else:
                rest_p.append(p)
        pairs.extend(zip(rest_p, golds))
    return pairs


def tc_scores(pred_labels: Sequence[str], gold_labels: Sequence[str], spans: Optional[Sequence[Span]] = None) -> TcScores:
    """TC micro-F1 (= accuracy: one prediction per gold fragment) and per-technique P/R/F1.

    ``spans`` (optional, same length; spans of different articles must differ, e.g. by prefixing an
    article index — see :func:`evaluate_techniques`) lets identical spans match labels as multisets.
    """
    if len(pred_labels) != len(gold_labels):
        raise ValueError(f"{len(pred_labels)} predicted labels for {len(gold_labels)} gold fragments")
    if spans is not None:
        pairs = align_labels(spans, pred_labels, gold_labels)
    else:
        pairs = list(zip(pred_labels, gold_labels))
    correct = sum(p == g for p, g in pairs)
    total = len(pairs)
    per: dict[str, PRF] = {}
    names = list(TECHNIQUES) + sorted({g for _, g in pairs} - set(TECHNIQUES))
    pred_count = Counter(p for p, _ in pairs)
    gold_count = Counter(g for _, g in pairs)
    hit_count = Counter(g for p, g in pairs if p == g)
    for name in names:
        tp, np_, ng = hit_count[name], pred_count[name], gold_count[name]
        prec = tp / np_ if np_ else 0.0
        rec = tp / ng if ng else 0.0
        per[name] = PRF(prec, rec, _f1(prec, rec), np_, ng)
    return TcScores(correct / total if total else 0.0, total, correct, per)


# --------------------------------------------------------------------------- running presslens


@dataclass
class TechniqueEvalReport:
    documents: int
    ids_source: str
    si: Optional[PRF] = None  # the product: presslens.analyze(), every technique found (model + rules)
    si_model: Optional[PRF] = None  # the tagger alone
    tc: Optional[TcScores] = None
    tc_source: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "ids": self.ids_source,
            "si": self.si.as_dict() if self.si else None,
            "si_model_only": self.si_model.as_dict() if self.si_model else None,
            "tc": self.tc.as_dict() if self.tc else None,
            "tc_source": self.tc_source,
            "seconds": round(self.seconds, 1),
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        lines = [f"PTC persuasion techniques: {self.documents} articles ({self.ids_source})", ""]
        head = f"{'task':<34}{'pred':>7}{'gold':>7}{'P':>8}{'R':>8}{'F1':>8}"
        lines += [head, "-" * len(head)]
        for name, s in (("SI (presslens.analyze)", self.si), ("SI (tagger alone)", self.si_model)):
            if s is not None:
                lines.append(f"{name:<34}{s.predicted:>7}{s.gold:>7}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
        if self.tc is not None:
            lines += ["", f"TC micro-F1 {self.tc.micro_f1:.3f} ({self.tc.correct}/{self.tc.total} fragments; {self.tc_source})", ""]
            head = f"{'technique':<36}{'pred':>6}{'gold':>6}{'P':>8}{'R':>8}{'F1':>8}"
            lines += [head, "-" * len(head)]
            for name, s in self.tc.per_technique.items():
                lines.append(f"{name:<36}{s.predicted:>6}{s.gold:>6}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
        for note in self.notes:
            lines.append(f"note: {note}")
        lines.append(f"time: {self.seconds:.1f} s")
        return "\n".join(lines)


def _classifier():
    """The product's span classifier, or the tagger's arg-max when that is not built (yet)."""
    try:
        from ..techniques import classify_spans  # type: ignore[attr-defined]

        return classify_spans, "presslens.techniques.classify_spans"
    except (ImportError, AttributeError):
        pass
    from ..techniques import tagger as tagger_mod

    tagger = tagger_mod.load()

    def by_tagger(text: str, spans: list[Span]) -> list[str]:
        # Identical spans (one fragment, two techniques) get the best, second-best, ... labels.
        probs = tagger.classify(text, spans)
        seen: Counter[Span] = Counter()
        out = []
        for sp, pr in zip(spans, probs):
            ranked = sorted(pr, key=lambda k: -pr[k])
            out.append(ranked[min(seen[sp], len(ranked) - 1)])
            seen[sp] += 1
        return out

    return by_tagger, "the tagger's most probable technique"


def evaluate_techniques(
    articles_dir: Path | str,
    labels_dir: Path | str,
    ids: Optional[Sequence[str]] = None,
    *,
    ids_source: str = "",
    product: bool = True,
) -> TechniqueEvalReport:
    """Score presslens's techniques on PTC data: SI via ``presslens.analyze`` and the tagger alone, TC on gold spans.

    ``ids`` limits the articles (e.g. :func:`read_ids` for the validation split); ``product=False``
    skips the full pipeline (model-only SI and TC).
    """
    t0 = time.perf_counter()
    texts = read_articles(articles_dir)
    labels = read_labels(labels_dir)
    if ids is not None:
        missing = [i for i in ids if i not in texts]
        if missing:
            raise EvalDataError(f"{len(missing)} listed article ids have no text in {articles_dir} (first: {missing[0]})")
        chosen = [i for i in ids]
    else:
        chosen = sorted(texts)
    # An article without a label file has no techniques (PTC omits empty files): it still counts,
    # and whatever is predicted in it costs precision.
    if not any(i in labels.si or i in labels.fragments for i in chosen):
        raise EvalDataError(f"no article in {articles_dir} has labels in {labels_dir}")
    report = TechniqueEvalReport(documents=len(chosen), ids_source=ids_source or f"{len(chosen)} articles")
    gold_si = {i: labels.si.get(i, []) for i in chosen}

    if product:
        from .. import analyze_articles
        from ..model import Article

        pred_si: dict[str, list[Span]] = {}
        articles = [Article(text=texts[i], origin=f"article{i}.txt") for i in chosen]
        for art_id, analysis in zip(chosen, analyze_articles(articles)):
            pred_si[art_id] = merge_spans(t.span for t in analysis.techniques)
        report.si = si_scores(pred_si, gold_si)

    classify = None
    if labels.has_tc:
        try:
            classify, report.tc_source = _classifier()
        except Exception as exc:  # noqa: BLE001 - reported, not raised: SI scores still stand
            report.notes.append(f"no TC scores: {exc}")
    else:
        report.notes.append("labels hold no techniques (SI files only): no TC scores")

    from ..techniques import tagger as tagger_mod

    tc_pred: dict[str, list[str]] = {}
    model_si: dict[str, list[Span]] = {}
    has_model = tagger_mod.available()
    if not has_model:
        report.notes.append("the technique model is not installed: no model-only SI")
    for art_id in chosen:
        text = texts[art_id]
        if has_model:
            model_si[art_id] = [(m.start, m.end) for m in tagger_mod.load().detect(text, tagger_mod.line_spans(text))]
        # TC right after SI on the same text lets the tagger reuse its encoder pass.
        frags = labels.fragments.get(art_id, [])
        if classify is not None and frags:
            tc_pred[art_id] = list(classify(text, [(f.start, f.end) for f in frags]))
    if has_model:
        report.si_model = si_scores(model_si, gold_si)
    if classify is not None:
        preds: list[str] = []
        golds: list[str] = []
        keys: list[Span] = []
        for n, art_id in enumerate(chosen):
            frags = labels.fragments.get(art_id, [])
            if not frags:
                continue
            if len(tc_pred[art_id]) != len(frags):
                raise EvalDataError(f"the classifier gave {len(tc_pred[art_id])} labels for {len(frags)} spans of article {art_id}")
            preds += tc_pred[art_id]
            golds += [f.technique for f in frags]
            # Offsetting by article keeps identical spans of different articles apart.
            keys += [(n * 10_000_000 + f.start, n * 10_000_000 + f.end) for f in frags]
        report.tc = tc_scores(preds, golds, keys)
    report.seconds = time.perf_counter() - t0
    return report


@dataclass
class CvReport:
    """A cross-validation summary (``presslens.train.cv.summarize``) for the eval command."""

    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.summary

    def to_text(self) -> str:
        s = self.summary

        def pm(v: dict[str, float]) -> str:
            return f"{v['mean']:.3f} ± {v['sd']:.3f} (min {v['min']:.3f}, max {v['max']:.3f})"

        lines = [f"PTC persuasion techniques, {s['folds']}-fold cross-validation (tagger alone)", ""]
        lines += [f"SI precision  {pm(s['si_precision'])}", f"SI recall     {pm(s['si_recall'])}", f"SI F1         {pm(s['si_f1'])}",
                  f"TC micro-F1   {pm(s['tc_micro_f1'])}", ""]
        head = f"{'technique':<36}{'gold':>6}{'TC F1 mean':>12}{'sd':>8}"
        lines += [head, "-" * len(head)]
        for name, v in s["per_technique_f1"].items():
            lines.append(f"{name:<36}{v['gold']:>6}{v['f1']['mean']:>12.3f}{v['f1']['sd']:>8.3f}")
        f = s["final"]
        lines += ["", f"choices for a model on every article: epoch {f['epoch']}, threshold {f['threshold']}, "
                  f"min tokens {f['min_tokens']}, max gap {f['max_gap']}"]
        return "\n".join(lines)
