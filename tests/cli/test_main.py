"""The `presslens` command: outputs, exit codes, coded messages, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

import presslens
from presslens.cli.main import app, run
from presslens.model import Analysis

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
FERRY = DATA / "ferry.txt"
runner = CliRunner()


def invoke(*args: str, input: bytes | str | None = None):
    result = runner.invoke(app, [str(a) for a in args], input=input)
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    return result


def test_main_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"presslens {presslens.__version__}"


def test_main_analyze_text_file_json_validates():
    result = invoke("analyze", FERRY)
    assert result.exit_code == 0, result.stderr
    analysis = Analysis.model_validate_json(result.stdout)
    assert json.loads(result.stdout)["schema"] == "presslens.analysis/1"
    assert analysis.document.text == FERRY.read_text(encoding="utf-8")
    assert analysis.document.title == "Ferry Service to Larch Island Resumes After Storm Repairs"
    for _layer, (s, e), text in analysis.findings():
        assert analysis.document.text[s:e] == text


def test_main_analyze_writes_output_file(tmp_path):
    out = tmp_path / "ferry.json"
    result = invoke("analyze", FERRY, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert Analysis.model_validate_json(out.read_text(encoding="utf-8")).document.text.startswith("Ferry Service")


def test_main_analyze_metadata_overrides():
    result = invoke(
        "analyze", FERRY, "--published", "2025-01-20", "--source", "Alder Gazette", "--title", "Ferry Back"
    )
    assert result.exit_code == 0, result.stderr
    doc = Analysis.model_validate_json(result.stdout).document
    assert (doc.published, doc.source, doc.title, doc.title_span) == ("2025-01-20", "Alder Gazette", "Ferry Back", None)


def test_main_analyze_bad_published_is_pl301():
    result = invoke("analyze", FERRY, "--published", "20/01/2025")
    assert result.exit_code == 2
    assert result.stderr.startswith("PL301: ")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "extra", "code", "exit_code"),
    [
        (b"", (), "PL102", 1),
        (b"  \n\t \n", (), "PL102", 1),
        (b"%PDF-1.6\n%\xe2\xe3\n", (), "PL101", 1),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (), "PL101", 1),
        (b"PK\x03\x04\x14\x00\x00\x00", (), "PL101", 1),
        (bytes(range(0x80, 0x100)) * 4, (), "PL103", 1),
        (b"Plenty of words in this article body here.\n" * 10, ("--max-bytes", "100"), "PL104", 1),
    ],
)
def test_main_analyze_bad_input_is_coded(tmp_path, content, extra, code, exit_code):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = invoke("analyze", path, *extra)
    assert result.exit_code == exit_code
    assert result.stderr.startswith(f"{code}: {path}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_main_analyze_missing_file_is_pl100(tmp_path):
    result = invoke("analyze", tmp_path / "gone.txt")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"PL100: {tmp_path / 'gone.txt'} does not exist"


def test_main_analyze_html_without_body_is_pl105():
    result = invoke("analyze", DATA / "menu-only.html")
    assert result.exit_code == 1
    assert result.stderr.startswith("PL105: ")


def test_main_analyze_html_file():
    result = invoke("analyze", DATA / "ferry.html")
    assert result.exit_code == 0, result.stderr
    doc = Analysis.model_validate_json(result.stdout).document
    assert (doc.source, doc.author, doc.published) == ("The Alder Gazette", "Marek Osei", "2025-01-20")


def test_main_analyze_stdin():
    raw = FERRY.read_text(encoding="utf-8")
    result = invoke("analyze", "-", input=raw.encode("utf-16"))
    assert result.exit_code == 0, result.stderr
    assert Analysis.model_validate_json(result.stdout).document.text == raw


def test_main_analyze_windows1252_warns_on_stderr(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(b"Council Votes\r\n\r\nThe mayor called it \x93a fair deal\x94 on Monday.\r\n")
    result = invoke("analyze", path)
    assert result.exit_code == 0
    assert "PL202:" in result.stderr
    analysis = Analysis.model_validate_json(result.stdout)
    assert "“a fair deal”" in analysis.document.text
    assert any(w.startswith("PL202:") for w in analysis.warnings)


def test_main_analyze_non_english_warns_pl201(tmp_path):
    path = tmp_path / "de.txt"
    path.write_text(
        "Der Gemeinderat hat am Montag beschlossen, die alte Brücke über den Fluss bis zum Sommer "
        "zu erneuern, sagte die Bürgermeisterin nach der Sitzung im Rathaus.\n",
        encoding="utf-8",
    )
    result = invoke("analyze", path)
    assert result.exit_code == 0, result.stderr
    assert "PL201:" in result.stderr


def test_main_analyze_directory_jsonl_with_failures(tmp_path):
    (tmp_path / "a.txt").write_text(FERRY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "c.jsonl").write_text('{"text": "The library opens late on Thursdays, staff said."}\n{broken\n', encoding="utf-8")
    result = invoke("analyze", tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert Analysis.model_validate(lines[0]).document.title.startswith("Ferry Service")
    assert lines[1] == {
        "origin": str(tmp_path / "b.txt"),
        "error": {"code": "PL101", "message": f"{tmp_path / 'b.txt'} is not text (it looks like a PDF document)"},
    }
    assert Analysis.model_validate(lines[2]).document.text.startswith("The library")
    assert lines[3]["error"]["code"] == "PL106" and lines[3]["origin"].endswith("c.jsonl#line 2")
    assert "PL101:" in result.stderr and "PL106:" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "2 analysed, 2 failed"


def test_main_analyze_directory_all_failed_exits_nonzero(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4\n")
    out = tmp_path.parent / f"{tmp_path.name}-out.jsonl"
    result = invoke("analyze", tmp_path, "-o", out)
    assert result.exit_code == 1
    assert [json.loads(x)["error"]["code"] for x in out.read_text().splitlines()] == ["PL102", "PL101"]
    assert result.stderr.strip().splitlines()[-1] == "0 analysed, 2 failed"


def test_main_analyze_records_file_gives_jsonl_with_overrides():
    result = invoke("analyze", DATA / "pair.json", "--source", "Override Weekly")
    assert result.exit_code == 0, result.stderr
    docs = [Analysis.model_validate_json(line).document for line in result.stdout.splitlines()]
    assert [d.title for d in docs] == ["Bakery Wins Regional Prize", "Road Closed for Resurfacing"]
    assert {d.source for d in docs} == {"Override Weekly"}


def test_main_analyze_collection_refuses_non_json_format():
    result = invoke("analyze", DATA / "pair.json", "--format", "md")
    assert result.exit_code == 2
    assert result.stderr.startswith("PL300: ")


def test_main_analyze_text_md_html_formats(tmp_path):
    pytest.importorskip("presslens.render")
    text = invoke("analyze", FERRY, "--format", "text")
    assert text.exit_code == 0, text.stderr
    assert "Ferry Service" in text.stdout and "\x1b[" not in text.stdout
    md = invoke("analyze", FERRY, "--format", "md")
    assert md.exit_code == 0, md.stderr
    assert "Ferry Service" in md.stdout
    out = tmp_path / "report.html"
    html = invoke("analyze", FERRY, "--format", "html", "-o", out)
    assert html.exit_code == 0, html.stderr
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "Larch Island" in page


def test_main_analyze_text_to_file_is_plain(tmp_path):
    pytest.importorskip("presslens.render")
    out = tmp_path / "summary.txt"
    result = invoke("analyze", FERRY, "--format", "text", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in out.read_text(encoding="utf-8")


def test_main_unexpected_error_is_pl999_without_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("stage exploded")

    monkeypatch.setattr(presslens, "analyze_articles", boom)
    monkeypatch.delenv("PRESSLENS_DEBUG", raising=False)
    result = invoke("analyze", FERRY)
    assert result.exit_code == 70
    first, hint = result.stderr.strip().splitlines()
    assert first == "PL999: internal error: RuntimeError: stage exploded"
    assert "PRESSLENS_DEBUG=1" in hint


def test_main_debug_shows_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("stage exploded")

    monkeypatch.setattr(presslens, "analyze_articles", boom)
    monkeypatch.setenv("PRESSLENS_DEBUG", "1")
    result = runner.invoke(app, ["analyze", str(FERRY)])
    assert result.exit_code == 70
    assert "Traceback" in result.stderr


def test_main_keyboard_interrupt_exits_130_quietly(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(presslens, "analyze_articles", interrupted)
    result = invoke("analyze", FERRY)
    assert result.exit_code == 130
    assert result.stderr.strip() == ""


def test_main_run_maps_usage_errors_to_pl300(capsys):
    assert run(["analyze", str(FERRY), "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("PL300: ") and "--format" in err
    assert run(["analyze"]) == 2
    assert capsys.readouterr().err.startswith("PL300: Missing argument 'INPUT'")
    assert run(["analyze", str(FERRY), "--max-bytes", "0"]) == 2
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"presslens {presslens.__version__}"


def test_main_run_returns_error_exit_codes(tmp_path, capsys):
    assert run(["analyze", str(tmp_path / "none.txt")]) == 2
    assert capsys.readouterr().err.startswith("PL100: ")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert run(["analyze", str(empty)]) == 1


@pytest.fixture
def fake_evaluator(monkeypatch):
    """A stand-in for presslens.evaluate.quotes.evaluate_polnear (the CLI only formats it)."""
    calls = []

    class Report:
        def to_text(self) -> str:
            return "quotes F1@30%: 0.500"

        def to_dict(self) -> dict:
            return {"f1_30": 0.5}

    def evaluate_polnear(directory: Path, limit=None):
        calls.append((directory, limit))
        return Report()

    try:
        import presslens.evaluate.quotes as real
    except ImportError:
        pkg = types.ModuleType("presslens.evaluate")
        pkg.__path__ = []
        mod = types.ModuleType("presslens.evaluate.quotes")
        mod.evaluate_polnear = evaluate_polnear
        monkeypatch.setitem(sys.modules, "presslens.evaluate", pkg)
        monkeypatch.setitem(sys.modules, "presslens.evaluate.quotes", mod)
    else:
        monkeypatch.setattr(real, "evaluate_polnear", evaluate_polnear)
    return calls


def test_main_eval_quotes_prints_report(tmp_path, fake_evaluator):
    result = invoke("eval", "quotes", "--polnear", tmp_path, "--limit", "3")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "quotes F1@30%: 0.500"
    assert fake_evaluator == [(tmp_path, 3)]
    as_json = invoke("eval", "quotes", "--polnear", tmp_path, "--json")
    assert json.loads(as_json.stdout) == {"f1_30": 0.5}
    assert fake_evaluator[-1] == (tmp_path, None)


def test_main_eval_quotes_missing_dir_is_pl100(tmp_path, fake_evaluator):
    result = invoke("eval", "quotes", "--polnear", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("PL100: ")
    assert fake_evaluator == []


def test_main_subprocess_entry_point_no_traceback(tmp_path):
    script = Path(sys.executable).parent / "presslens"  # the console script users run
    command = [str(script)] if script.exists() else [sys.executable, "-m", "presslens.cli.main"]
    pdf = tmp_path / "scan.txt"
    pdf.write_bytes(b"%PDF-1.4\n")
    for args, code, prefix in [
        (["analyze", str(tmp_path / "missing.txt")], 2, "PL100: "),
        (["analyze", str(pdf)], 1, "PL101: "),
        (["analyze", str(pdf), "--format", "yaml"], 2, "PL300: "),
    ]:
        proc = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == code, proc.stderr
        assert proc.stderr.startswith(prefix)
        assert "Traceback" not in proc.stderr
    module = subprocess.run(
        [sys.executable, "-m", "presslens.cli.main", "--version"], capture_output=True, text=True, timeout=120
    )
    assert module.returncode == 0 and module.stderr == ""
    assert module.stdout.strip() == f"presslens {presslens.__version__}"


@pytest.fixture(scope="module")
def site():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = (DATA / "ferry.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path != "/ferry":
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_main_analyze_url(site):
    result = invoke("analyze", site + "/ferry", "--published", "2025-01-21")
    assert result.exit_code == 0, result.stderr
    doc = Analysis.model_validate_json(result.stdout).document
    assert doc.url == site + "/ferry"
    assert doc.source == "The Alder Gazette"
    assert doc.published == "2025-01-21"  # the override beats the page's own date


def test_main_analyze_url_404_is_pl107(site):
    result = invoke("analyze", site + "/nothing")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"PL107: could not fetch {site}/nothing: the server answered HTTP 404")


def test_main_collection_isolates_an_article_that_breaks_the_pipeline(tmp_path, monkeypatch):
    real = presslens.analyze_articles

    def fragile(articles, **kwargs):
        articles = list(articles)
        if any("POISON" in a.text for a in articles):
            raise ValueError("cannot handle this one")
        return real(articles, **kwargs)

    monkeypatch.setattr("presslens.corpus.run.analyze_articles", fragile)
    (tmp_path / "a.txt").write_text("The ferry returned to service on Monday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("POISON text that breaks the pipeline.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("The library opens late on Thursdays.\n", encoding="utf-8")
    result = invoke("analyze", tmp_path)
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert lines[0]["document"]["text"].startswith("The ferry")
    assert lines[1]["error"]["code"] == "PL999" and "cannot handle this one" in lines[1]["error"]["message"]
    assert lines[2]["document"]["text"].startswith("The library")
    assert result.stderr.strip().splitlines()[-1] == "2 analysed, 1 failed"


def test_main_analyze_technique_cues_option(tmp_path):
    article = tmp_path / "council.txt"
    article.write_text(
        "Council Rejects Port Levy\n\nThe alleged bribes were only the start, critics of the regime said on Tuesday.\n",
        encoding="utf-8",
    )
    plain = Analysis.model_validate_json(invoke("analyze", article).stdout)
    result = invoke("analyze", article, "--technique-cues", "all")
    assert result.exit_code == 0, result.stderr
    every = Analysis.model_validate_json(result.stdout)
    assert len(every.techniques) > len(plain.techniques)
    assert any("weak cue" in t.explanation for t in every.techniques)
    bad = invoke("analyze", article, "--technique-cues", "some")
    assert bad.exit_code != 0 and "Traceback" not in bad.stderr


def test_main_format_choices_come_from_the_render_registry():
    from presslens.cli.main import Format
    from presslens.render import FORMATS

    assert tuple(f.value for f in Format) == FORMATS
    result = invoke("analyze", "--help")
    for name in FORMATS:
        assert name in result.stdout


def test_main_output_extension_picks_the_format(tmp_path):
    page = tmp_path / "ferry.html"
    assert invoke("analyze", FERRY, "-o", page).exit_code == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    other = tmp_path / "ferry.out"  # no registered extension: the contract as JSON
    assert invoke("analyze", FERRY, "-o", other).exit_code == 0
    Analysis.model_validate_json(other.read_text(encoding="utf-8"))
    forced = tmp_path / "ferry.txt"  # --format wins over the extension
    assert invoke("analyze", FERRY, "-f", "json", "-o", forced).exit_code == 0
    Analysis.model_validate_json(forced.read_text(encoding="utf-8"))
