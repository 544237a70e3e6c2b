"""`presslens techniques detect|classify` on a tiny corpus in the PTC layout (tests/data/ptc-mini)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import presslens.techniques as techniques
from presslens.cli.main import app
from presslens.model import TECHNIQUES

MINI = Path(__file__).resolve().parents[1] / "data" / "ptc-mini"
ARTICLES = MINI / "articles"
runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _text(article_id: str) -> str:
    return open(ARTICLES / f"article{article_id}.txt", encoding="utf-8").read()


def _gold() -> list[list[str]]:
    rows = []
    for path in sorted((MINI / "labels-tc").glob("*.labels")):
        rows += [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows


def test_techniques_detect_lines_in_tc_format():
    result = invoke("techniques", "detect", ARTICLES)
    assert result.exit_code == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines
    for art, technique, start, end in lines:
        text = _text(art)
        assert technique in TECHNIQUES
        assert 0 <= int(start) < int(end) <= len(text)
    found = {(a, t, _text(a)[int(s) : int(e)]) for a, t, s, e in lines}
    assert any(a == "9001" and t == "Loaded_Language" and "martyrs" in frag for a, t, frag in found)
    assert not any(a == "9003" for a, _, _ in found)  # plain reporting


def test_techniques_detect_finds_gold_fragments_with_rules_alone(monkeypatch, tmp_path):
    monkeypatch.setattr(techniques, "_tagger", lambda: None)
    out = tmp_path / "pred.txt"
    result = invoke("techniques", "detect", ARTICLES, "-o", out)
    assert result.exit_code == 0, result.stderr
    pred = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    gold = _gold()
    # each predicted span of the plain article set overlaps a gold fragment (the rules stay precise here)
    overlapping = [p for p in pred if any(g[0] == p[0] and int(g[2]) < int(p[3]) and int(p[2]) < int(g[3]) for g in gold)]
    assert len(overlapping) >= 0.8 * len(pred) and len(overlapping) >= 5


def test_techniques_classify_keeps_lines_and_fills_technique(tmp_path):
    spans = tmp_path / "spans.txt"
    gold = _gold()
    spans.write_text("".join(f"{a}\t?\t{s}\t{e}\n" for a, _, s, e in gold), encoding="utf-8")
    result = invoke("techniques", "classify", ARTICLES, spans)
    assert result.exit_code == 0, result.stderr
    out = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(a, s, e) for a, _, s, e in out] == [(a, s, e) for a, _, s, e in gold]
    assert all(t in TECHNIQUES for _, t, _, _ in out)


def test_techniques_classify_three_column_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(techniques, "_tagger", lambda: None)
    text = _text("9001")
    s = text.index("martyrs")
    spans = tmp_path / "spans.txt"
    spans.write_text(f"9001\t{s}\t{s + 7}\n\n", encoding="utf-8")
    result = invoke("techniques", "classify", ARTICLES, spans)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"9001\tLoaded_Language\t{s}\t{s + 7}\n"


def test_techniques_classify_bad_line_names_file_and_line(tmp_path):
    spans = tmp_path / "spans.txt"
    spans.write_text("9001\t?\t0\t5\n9001\tx\ty\n", encoding="utf-8")
    result = invoke("techniques", "classify", ARTICLES, spans)
    assert result.exit_code != 0
    assert "PL400" in result.stderr and "spans.txt line 2" in result.stderr


def test_techniques_classify_unknown_article_and_overlong_span(tmp_path):
    spans = tmp_path / "spans.txt"
    spans.write_text("4242\t?\t0\t5\n", encoding="utf-8")
    result = invoke("techniques", "classify", ARTICLES, spans)
    assert result.exit_code != 0 and "PL400" in result.stderr and "article4242.txt" in result.stderr
    spans.write_text("9003\t?\t0\t99999\n", encoding="utf-8")
    result = invoke("techniques", "classify", ARTICLES, spans)
    assert result.exit_code != 0 and "PL400" in result.stderr and "line 1" in result.stderr


def test_techniques_detect_bad_folders(tmp_path):
    missing = invoke("techniques", "detect", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "PL100" in missing.stderr
    empty = invoke("techniques", "detect", tmp_path)
    assert empty.exit_code != 0 and "PL400" in empty.stderr
    file_arg = invoke("techniques", "detect", MINI / "README.md")
    assert file_arg.exit_code == 2 and "PL300" in file_arg.stderr
    (tmp_path / "article1.txt").write_bytes(b"\xff\xfe bad bytes")
    bad = invoke("techniques", "detect", tmp_path)
    assert bad.exit_code != 0 and "PL103" in bad.stderr and "article1.txt" in bad.stderr


def test_techniques_offsets_index_the_file_unchanged(tmp_path):
    # leading spaces and CRLF-free text: offsets count every character as read
    text = "  Title\n\n   They honoured the martyrs of the strike.\n"
    (tmp_path / "article7.txt").write_text(text, encoding="utf-8")
    result = invoke("techniques", "detect", tmp_path)
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        _, _, s, e = line.split("\t")
        assert text[int(s) : int(e)].strip() == text[int(s) : int(e)]
    assert any(text[int(line.split("\t")[2]) : int(line.split("\t")[3])].find("martyrs") >= 0 for line in result.stdout.splitlines())
