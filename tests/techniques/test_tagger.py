"""The shipped technique tagger: loads offline, reports truthful spans, windows long texts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from presslens.errors import ModelUnavailable
from presslens.model import TECHNIQUES
from presslens.techniques import tagger

pytestmark = pytest.mark.skipif(not tagger.available(), reason="the technique model files are absent")

# Written for these tests: an opinionated paragraph (loaded words, labels, a call to the flag).
HEATED = (
    "The council's reckless, shameful plan will destroy our town, and every honest resident knows it.\n"
    "These corrupt bureaucrats are nothing but thieves who despise ordinary families.\n"
    "Stand up for your country before it is too late!\n"
)
CALM = "Residents met on Tuesday to discuss the library budget and the schedule for roof repairs.\n"


@pytest.fixture(scope="module")
def model() -> tagger.Tagger:
    return tagger.load()


def _check_spans(text: str, spans: list[tagger.ModelSpan]) -> None:
    starts = [m.start for m in spans]
    assert starts == sorted(starts)
    for m in spans:
        assert 0 <= m.start < m.end <= len(text)
        frag = text[m.start : m.end]
        assert frag == frag.strip() and frag
        # Snapped to words: no word is cut at either end.
        assert m.start == 0 or not (text[m.start - 1].isalnum() and text[m.start].isalnum())
        assert m.end == len(text) or not (text[m.end - 1].isalnum() and text[m.end].isalnum())
        assert m.technique in TECHNIQUES
        assert 0.0 <= m.score <= 1.0
        assert set(m.scores) == set(TECHNIQUES)
        assert sum(m.scores.values()) == pytest.approx(1.0, abs=1e-4)
        assert m.technique == max(m.scores, key=m.scores.get)


def test_tagger_loads_offline_and_is_cached(model: tagger.Tagger) -> None:
    assert tagger.load() is model
    assert model.labels == TECHNIQUES or set(model.labels) == set(TECHNIQUES)
    assert 0.0 < model.threshold < 1.0


def test_tagger_detects_truthful_spans_in_heated_text(model: tagger.Tagger) -> None:
    spans = model.detect(HEATED)
    assert spans, "the tagger found nothing in an openly loaded paragraph"
    _check_spans(HEATED, spans)
    # Fragments stay within a line.
    assert all("\n" not in HEATED[m.start : m.end] for m in spans)


def test_tagger_finds_less_in_calm_text(model: tagger.Tagger) -> None:
    calm = CALM * 3
    heated_cover = sum(m.end - m.start for m in model.detect(HEATED)) / len(HEATED)
    calm_cover = sum(m.end - m.start for m in model.detect(calm)) / len(calm)
    assert calm_cover < heated_cover


@pytest.mark.parametrize("text", ["", "   \n\t ", "!!!"])
def test_tagger_empty_or_odd_text(model: tagger.Tagger, text: str) -> None:
    spans = model.detect(text)
    assert isinstance(spans, list)
    _check_spans(text, spans)
    assert model.classify(text, []) == []


def test_tagger_long_text_is_windowed_not_truncated(model: tagger.Tagger) -> None:
    text = CALM * 60 + HEATED
    fw = model.forward(text)
    n_tokens = len(fw.enc.ids)
    assert n_tokens > 1000
    assert fw.token_probs.shape == (n_tokens, 3)
    covered = np.zeros(n_tokens, bool)
    for a, b in fw.windows:
        assert b - a <= model.max_tokens - 2
        covered[a:b] = True
    assert covered.all()
    cut = int(fw.enc.offsets[600][0])
    spans = model.detect(text)
    _check_spans(text, spans)
    late = [m for m in spans if m.start > cut]
    assert late, "nothing found past token 600: the end of the text was not read"
    # The same paragraph alone and at the end of a long text gives spans in the same places.
    alone = {(m.start, m.end) for m in model.detect(HEATED)}
    shifted = {(m.start - (len(text) - len(HEATED)), m.end - (len(text) - len(HEATED))) for m in late}
    assert alone & shifted


def test_tagger_one_huge_sentence_is_chunked(model: tagger.Tagger) -> None:
    text = " ".join(["the reckless and shameful plan of corrupt officials"] * 120)  # ~1000 tokens, no line break
    fw = model.forward(text)
    assert len(fw.windows) > 3
    assert fw.windows[-1][1] == len(fw.enc.ids)
    assert all(b - a <= model.max_tokens - 2 for a, b in fw.windows)
    _check_spans(text, model.detect(text))


def test_tagger_classify_gives_14_probabilities(model: tagger.Tagger) -> None:
    start = HEATED.index("corrupt bureaucrats")
    spans = [(start, start + len("corrupt bureaucrats")), (0, 10), (5, 5)]
    probs = model.classify(HEATED, spans)
    assert len(probs) == 3
    for p in probs:
        assert set(p) == set(TECHNIQUES)
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-4)
    # Out-of-range spans are clipped, not a crash.
    assert len(model.classify(HEATED, [(len(HEATED) - 3, len(HEATED) + 50)])) == 1


def test_tagger_missing_or_broken_files_are_pl302(tmp_path: Path) -> None:
    assert not tagger.available(tmp_path)
    with pytest.raises(ModelUnavailable) as err:
        tagger.load(tmp_path)
    assert str(err.value).startswith("PL302")
    broken = tmp_path / "broken"
    shutil.copytree(tagger.MODEL_DIR, broken)
    (broken / "techniques.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        tagger.load(broken)


def test_tagger_runs_without_torch() -> None:
    code = textwrap.dedent(
        """
        import sys
        from presslens.techniques import tagger
        tagger.load().detect("A shameful, disgraceful decision by a corrupt council.")
        print(",".join(m for m in ("torch", "transformers") if m in sys.modules))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""


def test_tagger_repeat_features_whole_article_or_local_scope():
    para = "The corrupt council met again. Critics called the council corrupt.\n"
    text = para * 3
    lower = text.lower()
    s = text.index("corrupt council")
    feats = tagger.span_features(text, lower, s, s + len("corrupt council"), tagger.title_end(text))
    # "corrupt council" occurs 3 times: 2 repeats, counted over the whole article
    assert feats[tagger.FEATURE_NAMES.index("log_repeats")] == pytest.approx(np.log1p(2) / 2.0)
    # in a huge input only the text around the span counts, so each span costs bounded time
    filler = "Nothing of note happened in the harbour today.\n" * (tagger.REPEAT_SCOPE // 40)
    huge = text + filler + text
    s2 = len(text) + len(filler) + text.index("corrupt council")
    scope = tagger._repeat_scope(huge.lower(), s2, s2 + 15)
    assert len(scope) == tagger.REPEAT_SCOPE and "corrupt council" in scope
    feats2 = tagger.span_features(huge, huge.lower(), s2, s2 + 15, tagger.title_end(huge))
    assert feats2[tagger.FEATURE_NAMES.index("log_repeats")] == pytest.approx(np.log1p(2) / 2.0)



def _marked(text: str, start: int, end: int, max_tokens: int = tagger.MARKED_MAX_TOKENS):
    tok = tagger.load().tokenizer if tagger.available() else pytest.skip("the shipped tokenizer is absent")
    enc = tagger.encode_text(tok, text)
    specials = (101, 102, 1, 2)
    return tok, enc, tagger.marked_input(enc.ids, enc.offsets, text, start, end, specials, max_tokens)


def test_tagger_marked_input_wraps_the_span_in_its_line() -> None:
    # Written for this test.
    text = "Headline here\nThe mayor called the plan a total disaster today.\nNext line stays out."
    start = text.index("a total disaster")
    end = start + len("a total disaster")
    tok, enc, (seq, at, n) = _marked(text, start, end)
    assert seq[0] == 101 and seq[-1] == 102 and seq[at] == 1 and seq[at + 1 + n] == 2
    assert tok.decode(seq[at + 1 : at + 1 + n]) == "a total disaster"
    # the context is the span's own line, not its neighbours
    assert "headline" not in tok.decode(seq) and "next" not in tok.decode(seq)
    assert tok.decode(seq[1:at]) == "the mayor called the plan"


def test_tagger_marked_input_trims_long_lines_and_spans_to_the_budget() -> None:
    text = " ".join(f"word{i}" for i in range(400))
    start = text.index("word150")
    end = text.index("word300") + len("word300")
    _, _, (seq, at, n) = _marked(text, start, end, max_tokens=64)
    assert len(seq) <= 64 and seq[at] == 1 and seq[at + 1 + n] == 2
    _, _, (short, at2, n2) = _marked(text, start, start + len("word150"), max_tokens=64)
    assert len(short) == 64 and 1 < at2 < 60 and n2 >= 1


def test_tagger_shipped_model_reads_spans_marked() -> None:
    if not tagger.available():
        pytest.skip("the technique model files are absent")
    model = tagger.load()
    assert model.tc_input == "marked"
    text = "The mayor called the plan a total disaster.\nCritics said the vote was rigged by traitors."
    spans = [(text.index("total disaster"), text.index("total disaster") + 14), (text.index("traitors"), len(text) - 1)]
    probs = model.classify(text, spans)
    assert len(probs) == 2 and all(abs(sum(p.values()) - 1.0) < 1e-4 for p in probs)


def test_tagger_session_runs_one_thread_without_spinning(model: tagger.Tagger) -> None:
    # Spinning worker threads burn CPU time while they wait; outputs do not depend on the thread count.
    opts = model.session.get_session_options()
    assert opts.intra_op_num_threads == int(model.config.get("intra_op_threads", tagger.INTRA_OP_THREADS))
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_tagger_span_label_does_not_depend_on_other_spans(model: tagger.Tagger) -> None:
    # Dynamic int8 quantisation scales a batch as a whole; each span runs alone, so the same span
    # reads the same whatever else the article holds.
    text = (
        "The minister said the reform was a disgraceful betrayal of every hard-working family.\n"
        "Critics called the plan reckless and warned it would ruin the nation forever.\n"
    )
    span = (text.index("disgraceful"), text.index("betrayal") + len("betrayal"))
    other = (text.index("reckless"), text.index("reckless") + len("reckless"))
    alone = model.classify(text, [span])[0]
    together = model.classify(text, [other, span])[1]
    assert alone == together


def test_tagger_window_probabilities_do_not_depend_on_other_windows(model: tagger.Tagger) -> None:
    line = "They staged a shameful, cowardly stunt to fool the public once again."
    short = tagger.encode_text(model.tokenizer, line)
    filler = " ".join(["The committee met on Tuesday and adjourned until the next session."] * 30)
    text = line + "\n" + filler
    fw_alone = model.forward(line)
    fw_long = model.forward(text)
    n = len(short.ids)
    assert len(fw_long.windows) > 1
    assert np.array_equal(fw_alone.token_probs[:n], fw_long.token_probs[:n])
