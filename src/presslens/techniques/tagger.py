"""The trained persuasion-technique tagger, run with onnxruntime + tokenizers + numpy (never torch).

The model (trained by ``presslens train techniques``, see ``resources/models/techniques/MODEL_CARD.md``)
is a MiniLM-L6 encoder with two heads:

- a token head (O / B / I over technique-agnostic spans) for span identification (SI), exported in
  the ONNX graph next to the encoder's hidden states;
- a span head for technique classification (TC), a small MLP run here in numpy over the mean of the
  span's hidden states, the window's [CLS] state and a few surface features (``span_features``).

Long texts are windowed, never truncated: the text is tokenised once, tokens are grouped by sentence
(the sentences given, else the text's lines), and consecutive sentences are packed into windows of at
most ``max_tokens`` sub-word tokens; a sentence longer than that is cut into overlapping chunks whose
token probabilities are averaged. Time grows linearly with the text.

This module is also the single source of the windowing, features and decoding used in training, so
training and run time cannot drift apart.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..errors import ModelUnavailable
from ..model import TECHNIQUES

Span = tuple[int, int]

MODEL_DIR = Path(__file__).resolve().parent.parent / "resources" / "models" / "techniques"
MODEL_FILES = ("techniques.onnx", "tokenizer.json", "heads.npz", "tagger.json")

# Defaults shared with training (tagger.json records the values a model was trained with).
MAX_TOKENS = 256  # per window, [CLS] and [SEP] included
CHUNK_OVERLAP = 48  # tokens shared by consecutive chunks of one over-long sentence
# The encoder is int8 with dynamic quantisation: each MatMul's input scale is taken over the whole
# batch, padding included, so a row batched with others reads differently than alone. Each window and
# each marked span therefore runs alone (no padding): a finding depends only on its own text, and
# on 40 PolNeAR texts this took 28% less CPU than batches of 16 / 32 (benchmarks/README.md), with
# the same distance to the fp32 model as before (the calibration was fitted on the torch folds).
BATCH_WINDOWS = 1
MARKED_BATCH = 1
INTRA_OP_THREADS = 1
FEATURE_NAMES = (
    "log_chars",
    "log_words",
    "log_repeats",
    "word_repeats",
    "in_quotes",
    "line_exclaims",
    "line_asks",
    "in_title",
    "upper_share",
    "line_share",
)
_QUOTE_CHARS = "\"“”«»„"
# TC input "marked": the span's line(s) as one short sequence with these (otherwise unused) vocabulary
# tokens around the span, so the encoder reads the span inside its sentence (see ``marked_input``).
MARK_OPEN, MARK_CLOSE = "[unused0]", "[unused1]"
MARKED_MAX_TOKENS = 128
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class ModelSpan:
    start: int
    end: int
    technique: str
    score: float  # calibrated probability that the span is a technique of this label (validation-fitted)
    scores: dict[str, float]  # the span head's probability per technique (TECHNIQUES order)


# --------------------------------------------------------------------------- windowing


@dataclass
class Encoded:
    """One text tokenised once: sub-word ids and their character offsets into the text."""

    ids: np.ndarray  # (n,) int64
    offsets: np.ndarray  # (n, 2) int64


def encode_text(tokenizer: Any, text: str) -> Encoded:
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    return Encoded(ids, offsets)


def line_spans(text: str) -> list[Span]:
    """The text's non-blank lines as spans (PTC articles hold one sentence per line)."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def token_units(offsets: np.ndarray, sentences: Sequence[Span]) -> list[tuple[int, int]]:
    """Token index ranges, one per sentence: a token belongs to the last sentence starting at or before it."""
    n = len(offsets)
    if n == 0:
        return []
    starts = np.asarray(sorted(s for s, _ in sentences) or [0], dtype=np.int64)
    unit_of = np.searchsorted(starts, offsets[:, 0], side="right") - 1
    unit_of = np.maximum(unit_of, 0)
    cuts = np.flatnonzero(np.diff(unit_of)) + 1
    bounds = [0, *cuts.tolist(), n]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def pack_windows(units: Sequence[tuple[int, int]], max_body: int, overlap: int = CHUNK_OVERLAP) -> list[tuple[int, int]]:
    """Token ranges of windows: whole sentences packed greedily; an over-long sentence cut with overlap."""
    windows: list[tuple[int, int]] = []
    cur: Optional[list[int]] = None
    stride = max(1, max_body - overlap)
    for a, b in units:
        if b - a > max_body:
            if cur is not None:
                windows.append((cur[0], cur[1]))
                cur = None
            s = a
            while True:
                e = min(b, s + max_body)
                windows.append((s, e))
                if e >= b:
                    break
                s += stride
            continue
        if cur is not None and b - cur[0] <= max_body:
            cur[1] = b
        else:
            if cur is not None:
                windows.append((cur[0], cur[1]))
            cur = [a, b]
    if cur is not None:
        windows.append((cur[0], cur[1]))
    return windows


def window_batch(ids: np.ndarray, windows: Sequence[tuple[int, int]], cls_id: int, sep_id: int) -> tuple[np.ndarray, np.ndarray]:
    """[CLS] body [SEP] per window, right-padded with 0: (input_ids, attention_mask)."""
    width = max(b - a for a, b in windows) + 2
    input_ids = np.zeros((len(windows), width), dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    for i, (a, b) in enumerate(windows):
        n = b - a
        input_ids[i, 0] = cls_id
        input_ids[i, 1 : n + 1] = ids[a:b]
        input_ids[i, n + 1] = sep_id
        mask[i, : n + 2] = 1
    return input_ids, mask


# --------------------------------------------------------------------------- features and decoding


def _line_bounds(text: str, start: int, end: int) -> Span:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, (len(text) if hi < 0 else hi)


# Repeats are counted in the whole text up to this length (every PTC article is under half of it);
# in longer inputs, within this many characters centred on the span, so that a huge input costs
# linear time and an article-sized one gets exactly the features the model was trained with.
REPEAT_SCOPE = 100_000


def _repeat_scope(lower_text: str, start: int, end: int) -> str:
    if len(lower_text) <= REPEAT_SCOPE:
        return lower_text
    lo = max(0, min(start - REPEAT_SCOPE // 2, len(lower_text) - REPEAT_SCOPE))
    return lower_text[lo : lo + REPEAT_SCOPE]


def span_features(text: str, lower_text: str, start: int, end: int, title_end: int) -> list[float]:
    """Surface features of one span (FEATURE_NAMES order), each roughly in [0, 1]."""
    frag = text[start:end]
    lower = " ".join(lower_text[start:end].split())
    words = _WORD_RE.findall(lower)
    scope = _repeat_scope(lower_text, start, end)
    repeats = scope.count(lower) - 1 if len(lower) >= 3 else 0
    long_words = [w for w in words if len(w) >= 4]
    word_rep = max((scope.count(w) - 1 for w in long_words), default=0)
    lo, hi = _line_bounds(text, start, end)
    line = text[lo:hi]
    before = text[lo:start]
    in_quotes = 1.0 if (sum(before.count(q) for q in _QUOTE_CHARS) % 2 == 1 or any(q in frag for q in _QUOTE_CHARS)) else 0.0
    letters = [c for c in frag if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    return [
        math.log1p(end - start) / 6.0,
        math.log1p(len(words)) / 4.0,
        math.log1p(max(repeats, 0)) / 2.0,
        math.log1p(max(word_rep, 0)) / 3.0,
        in_quotes,
        1.0 if "!" in line else 0.0,
        1.0 if "?" in line else 0.0,
        1.0 if start < title_end else 0.0,
        upper,
        min(1.0, (end - start) / max(1, len(line.strip()))),
    ]


def title_end(text: str) -> int:
    """End of the first non-blank line (the headline in PTC and most plain-text articles)."""
    stripped = len(text) - len(text.lstrip())
    nl = text.find("\n", stripped)
    return len(text) if nl < 0 else nl


def snap_to_words(text: str, start: int, end: int) -> Span:
    """Widen a span to whole words and trim surrounding blanks, so text[start:end] reads as words."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def decode_spans(
    text: str, offsets: np.ndarray, p_inside: np.ndarray, threshold: float, min_tokens: int, max_gap: int = 1
) -> list[tuple[int, int, float]]:
    """Runs of tokens with P(inside) ≥ threshold → (start, end, mean P(inside)) character spans.

    Runs separated by at most ``max_gap`` tokens on the same line are joined; runs shorter than
    ``min_tokens`` are dropped; spans are snapped to word boundaries.
    """
    inside = p_inside >= threshold
    runs: list[list[int]] = []
    i, n = 0, len(inside)

    def same_line(a: int, b: int) -> bool:
        return "\n" not in text[offsets[a][1] : offsets[b][0]]

    while i < n:
        if inside[i]:
            j = i
            # A run stops at a line break: fragments stay within a line (a sentence or paragraph).
            while j + 1 < n and inside[j + 1] and same_line(j, j + 1):
                j += 1
            if runs and i - runs[-1][1] - 1 <= max_gap and same_line(runs[-1][1], i):
                runs[-1][1] = j
            else:
                runs.append([i, j])
            i = j + 1
        else:
            i += 1
    out: list[tuple[int, int, float]] = []
    for a, b in runs:
        if b - a + 1 < min_tokens:
            continue
        s, e = snap_to_words(text, int(offsets[a][0]), int(offsets[b][1]))
        if e > s:
            out.append((s, e, float(p_inside[a : b + 1].mean())))
    # Snapping may make neighbours overlap: merge them.
    merged: list[tuple[int, int, float]] = []
    for s, e, p in out:
        if merged and s < merged[-1][1]:
            ps, pe, pp = merged[-1]
            merged[-1] = (ps, max(pe, e), max(pp, p))
        else:
            merged.append((s, e, p))
    return merged


def marked_input(
    ids: np.ndarray, offsets: np.ndarray, text: str, start: int, end: int, specials: Sequence[int], max_tokens: int = MARKED_MAX_TOKENS
) -> tuple[list[int], int, int]:
    """``[CLS] left [OPEN] span [CLOSE] right [SEP]`` for one span: its line(s) as context, trimmed
    around the span to ``max_tokens``. ``specials`` = (cls, sep, open, close) ids. Returns the ids, the
    position of [OPEN] and the number of span tokens kept (they follow [OPEN])."""
    cls_id, sep_id, open_id, close_id = specials
    lo, hi = _line_bounds(text, start, end)
    starts, ends = offsets[:, 0], offsets[:, 1]
    t0, t1 = int(np.searchsorted(ends, start, side="right")), int(np.searchsorted(starts, end, side="left"))
    c0, c1 = int(np.searchsorted(ends, lo, side="right")), int(np.searchsorted(starts, hi, side="left"))
    t1 = max(t0, t1)
    c0, c1 = min(c0, t0), max(c1, t1)
    budget = max_tokens - 4
    span = ids[t0:t1].tolist()
    if len(span) > budget:
        # the span's head and tail carry its shape; its middle goes
        span = span[: budget // 2] + span[len(span) - (budget - budget // 2) :]
    room = budget - len(span)
    left_avail, right_avail = t0 - c0, c1 - t1
    left = min(left_avail, max(room // 2, room - right_avail))
    right = min(right_avail, room - left)
    seq = [cls_id, *ids[t0 - left : t0].tolist(), open_id, *span, close_id, *ids[t1 : t1 + right].tolist(), sep_id]
    return seq, 1 + left, len(span)


def softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    ez = np.exp(z)
    return ez / ez.sum(axis=-1, keepdims=True)


def tc_head(weights: dict[str, np.ndarray], *parts: np.ndarray) -> np.ndarray:
    """The span head in numpy: [vectors ⊕ features] → ReLU layer → 14 logits (pool input: span mean,
    window [CLS]; marked input: [OPEN], span mean, [CLS] of the marked sequence)."""
    x = np.concatenate(parts, axis=-1).astype(np.float32)
    h = np.maximum(x @ weights["w1"].T + weights["b1"], 0.0)
    return h @ weights["w2"].T + weights["b2"]


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def calibrated(cal: Sequence[float], p_inside: float, p_technique: float) -> float:
    """Platt scaling fitted on validation: P(a gold fragment of this technique overlaps the span)."""
    a, b, c = cal
    z = a * _logit(p_inside) + b * _logit(p_technique) + c
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# --------------------------------------------------------------------------- the runtime


@dataclass
class Forward:
    """One pass of the encoder over a text's windows."""

    enc: Encoded
    windows: list[tuple[int, int]]
    token_probs: np.ndarray  # (n_tokens, 3): O, B, I averaged over the windows covering each token
    hidden: list[np.ndarray]  # per window: (window tokens + 2, H), float16


class Tagger:
    """Loaded model files; thread-safe for concurrent ``detect``/``classify`` calls."""

    def __init__(self, directory: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.directory = directory
        self.config: dict[str, Any] = json.loads((directory / "tagger.json").read_text(encoding="utf-8"))
        self.labels: tuple[str, ...] = tuple(self.config["labels"])
        if set(self.labels) != set(TECHNIQUES):
            raise ValueError("the model's labels are not presslens's 14 techniques")
        self.max_tokens = int(self.config.get("max_tokens", MAX_TOKENS))
        self.threshold = float(self.config["si_threshold"])
        self.min_tokens = int(self.config["si_min_tokens"])
        self.max_gap = int(self.config.get("si_max_gap", 1))
        self.calibration = [float(v) for v in self.config["calibration"]]
        self.tc_input = str(self.config.get("tc_input", "pool"))
        if self.tc_input not in ("pool", "marked"):
            raise ValueError(f"unknown span-head input {self.tc_input!r}")
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        self.specials = (self.cls_id, self.sep_id, self.tokenizer.token_to_id(MARK_OPEN), self.tokenizer.token_to_id(MARK_CLOSE))
        with np.load(directory / "heads.npz") as heads:
            self.heads = {k: heads[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")}
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        # The arena keeps the largest window's buffers for the life of the process (about 130 MB on
        # long articles); without it peak memory stays under 500 MB at the same CPU time (measured).
        opts.enable_cpu_mem_arena = False
        # One thread, no spin-waiting: the least CPU time per article (measured: 11.6 s against 16.1 s
        # with onnxruntime's default pool on 20 PTC articles, identical outputs); presslens runs
        # articles in parallel across processes (serve and corpus workers), not inside one model call.
        opts.intra_op_num_threads = int(self.config.get("intra_op_threads", INTRA_OP_THREADS))
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(directory / self.config.get("onnx", "techniques.onnx")), opts, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()
        self._last: Optional[tuple[Any, Forward]] = None

    # -- passes

    def forward(self, text: str, sentences: Optional[Sequence[Span]] = None, any_windows: bool = False) -> Forward:
        """One encoder pass over the text's windows; the last pass is kept, so ``detect`` then
        ``classify`` on the same text (as the stage and the evaluation do) pays once.
        ``any_windows``: reuse the last pass over this text whatever sentences it was windowed by."""
        key = (text, tuple(sentences) if sentences else None)
        with self._lock:
            last = self._last
            if last is not None and (last[0] == key or (any_windows and last[0][0] == text)):
                return last[1]
        fw = self._forward(text, sentences)
        with self._lock:
            self._last = (key, fw)
        return fw

    def _forward(self, text: str, sentences: Optional[Sequence[Span]]) -> Forward:
        enc = encode_text(self.tokenizer, text)
        n = len(enc.ids)
        if n == 0:
            return Forward(enc, [], np.zeros((0, 3), np.float32), [])
        units = token_units(enc.offsets, list(sentences) if sentences else line_spans(text))
        windows = pack_windows(units, self.max_tokens - 2)
        sums = np.zeros((n, 3), np.float32)
        counts = np.zeros((n, 1), np.float32)
        hidden: list[np.ndarray] = [np.zeros(0)] * len(windows)
        order = sorted(range(len(windows)), key=lambda i: windows[i][1] - windows[i][0])
        for k in range(0, len(order), BATCH_WINDOWS):
            idx = order[k : k + BATCH_WINDOWS]
            batch = [windows[i] for i in idx]
            input_ids, mask = window_batch(enc.ids, batch, self.cls_id, self.sep_id)
            probs, hid = self.session.run(["si_probs", "hidden"], {"input_ids": input_ids, "attention_mask": mask})
            for row, i in enumerate(idx):
                a, b = windows[i]
                sums[a:b] += probs[row, 1 : b - a + 1]
                counts[a:b] += 1
                # Kept as float16: half the memory on huge inputs, no measurable change in the head's output.
                hidden[i] = hid[row, : b - a + 2].astype(np.float16)
        return Forward(enc, windows, sums / np.maximum(counts, 1), hidden)

    def _marked_vectors(self, enc: Encoded, text: str, spans: Sequence[Span]) -> np.ndarray:
        """Head logits for each span from its marked sequence (one short encoder pass per span, batched)."""
        lower = text.lower()
        t_end = title_end(text)
        items = [marked_input(enc.ids, enc.offsets, text, s, e, self.specials) for s, e in spans]
        feats = [np.asarray(span_features(text, lower, s, e, t_end), np.float32) for s, e in spans]
        rows: list[np.ndarray] = [np.zeros(0)] * len(spans)
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        for k in range(0, len(order), MARKED_BATCH):
            idx = order[k : k + MARKED_BATCH]
            width = max(len(items[i][0]) for i in idx)
            input_ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                seq = items[i][0]
                input_ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            (hid,) = self.session.run(["hidden"], {"input_ids": input_ids, "attention_mask": mask})
            for row, i in enumerate(idx):
                _, at, n = items[i]
                inner = hid[row, at + 1 : at + 1 + n] if n else hid[row, at : at + 1]
                rows[i] = tc_head(self.heads, hid[row, at], inner.mean(axis=0), hid[row, 0], feats[i])
        return np.stack(rows) if rows else np.zeros((0, len(self.labels)), np.float32)

    def span_logits(self, fw: Forward, text: str, spans: Sequence[Span]) -> np.ndarray:
        """Span-head logits for each span (after ``forward`` on the text)."""
        if self.tc_input == "marked":
            return self._marked_vectors(fw.enc, text, spans)
        return self._span_vectors(fw, text, spans)

    def _span_vectors(self, fw: Forward, text: str, spans: Sequence[Span]) -> np.ndarray:
        """Head logits for each span from one forward pass (pool input)."""
        dim = int(self.heads["w1"].shape[1])
        lower = text.lower()
        t_end = title_end(text)
        rows = []
        starts, ends = fw.enc.offsets[:, 0], fw.enc.offsets[:, 1]
        # offsets run in text order, so a span's tokens are found by bisection, not a scan of the text
        ordered = bool(np.all(np.diff(starts) >= 0) and np.all(np.diff(ends) >= 0))
        win = np.asarray(fw.windows, dtype=np.int64).reshape(-1, 2)
        for s, e in spans:
            if ordered:
                lo, hi = int(np.searchsorted(ends, s, side="right")), int(np.searchsorted(starts, e, side="left"))
                toks = lo + np.flatnonzero((starts[lo:hi] < e) & (ends[lo:hi] > s))
            else:
                toks = np.flatnonzero((starts < e) & (ends > s))
            feats = np.asarray(span_features(text, lower, s, e, t_end), np.float32)
            if len(toks) == 0 or not fw.windows:
                hid_dim = (dim - len(feats)) // 2
                rows.append(tc_head(self.heads, np.zeros(hid_dim, np.float32), np.zeros(hid_dim, np.float32), feats))
                continue
            # The window holding most of the span's tokens (the first such).
            held = np.searchsorted(toks, win[:, 1], side="left") - np.searchsorted(toks, win[:, 0], side="left")
            best = int(np.argmax(held))
            a, b = fw.windows[best]
            inside = toks[(toks >= a) & (toks < b)] - a + 1
            hid = fw.hidden[best]
            rows.append(tc_head(self.heads, hid[inside].astype(np.float32).mean(axis=0), hid[0].astype(np.float32), feats))
        return np.stack(rows) if rows else np.zeros((0, len(self.labels)), np.float32)

    # -- public API

    def detect(self, text: str, sentences: Optional[list[tuple[int, int]]] = None) -> list[ModelSpan]:
        """Technique spans found by the model, ordered by start; ``text[start:end]`` is exact."""
        if not text or not text.strip():
            return []
        fw = self.forward(text, sentences)
        if not fw.windows:
            return []
        p_inside = 1.0 - fw.token_probs[:, 0]
        found = decode_spans(text, fw.enc.offsets, p_inside, self.threshold, self.min_tokens, self.max_gap)
        if not found:
            return []
        probs = softmax(self.span_logits(fw, text, [(s, e) for s, e, _ in found]))
        out = []
        for (s, e, p_in), pr in zip(found, probs):
            best = int(pr.argmax())
            out.append(
                ModelSpan(
                    start=s,
                    end=e,
                    technique=self.labels[best],
                    score=calibrated(self.calibration, p_in, float(pr[best])),
                    scores={lab: float(p) for lab, p in zip(self.labels, pr)},
                )
            )
        return out

    def classify(self, text: str, spans: list[tuple[int, int]]) -> list[dict[str, float]]:
        """Per span, the probability of each of the 14 techniques (spans are given, e.g. gold ones)."""
        if not spans:
            return []
        clean = [(max(0, min(int(s), len(text))), max(0, min(int(e), len(text)))) for s, e in spans]
        if self.tc_input == "marked":
            probs = softmax(self._marked_vectors(encode_text(self.tokenizer, text), text, clean))
        else:
            fw = self.forward(text, any_windows=True)
            probs = softmax(self._span_vectors(fw, text, clean))
        return [{lab: float(p) for lab, p in zip(self.labels, pr)} for pr in probs]


_cache: dict[str, Tagger] = {}
_cache_lock = threading.Lock()


def available(directory: Path | None = None) -> bool:
    """True when the model files are present (it does not load them)."""
    d = directory or MODEL_DIR
    return all((d / name).is_file() for name in MODEL_FILES)


def load(directory: Path | None = None) -> Tagger:
    """The tagger, loaded once per process; ModelUnavailable (PL302) when files are missing or broken."""
    d = Path(directory or MODEL_DIR)
    key = str(d)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        missing = [name for name in MODEL_FILES if not (d / name).is_file()]
        if missing:
            raise ModelUnavailable(
                f"the technique model is not installed ({', '.join(missing)} missing in {d}); "
                "build it with `make model` or reinstall presslens"
            )
        try:
            tagger = Tagger(d)
        except ModelUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - any broken file reads as one plain error
            raise ModelUnavailable(f"the technique model in {d} could not be loaded ({type(exc).__name__}: {exc})") from None
        _cache[key] = tagger
        return tagger
