"""`presslens corpus add / analyze / status`: a store made, filled, analysed and reported from the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from presslens.cli.main import app

runner = CliRunner()


def invoke(*args, input=None, env=None):
    result = runner.invoke(app, [str(a) for a in args], input=input, env=env)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    return result


def test_corpus_add_analyze_status_from_stdin_and_env_db(tmp_path):
    db = tmp_path / "c.duckdb"
    env = {"PRESSLENS_DB": str(db)}
    text = 'The council voted on Monday. "It is a disgrace," said Mr. Smith.'
    added = invoke("corpus", "add", "-", input=text, env=env)
    assert added.exit_code == 0, added.stderr
    assert added.stdout.startswith("1 added, 0 duplicate, 0 already stored, 0 failed")
    assert invoke("corpus", "add", "-", input=text, env=env).stdout.startswith("0 added, 0 duplicate, 1 already stored")
    done = invoke("corpus", "analyze", "--workers", "0", env=env)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("1 analysed, 0 failed") and "0 pending" in done.stdout
    status = invoke("corpus", "status", "--json", "--db", db)
    assert status.exit_code == 0, status.stderr
    got = json.loads(status.stdout)
    assert got["counts"]["analysed"] == 1 and got["outlets"][0]["analysed"] == 1


def test_corpus_status_shows_outlets_as_plain_text_and_errors(tmp_path):
    db = tmp_path / "c.duckdb"
    rec = {"id": "x1", "text": "Police said the road was closed for two hours on Friday.", "source": "[bold red]Evil[/]"}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec) + "\n" + json.dumps({"id": "x2"}) + "\n")
    assert invoke("corpus", "add", src, "--db", db).exit_code == 0
    shown = invoke("corpus", "status", "--db", db)
    assert shown.exit_code == 0, shown.stderr
    assert "[bold red]Evil[/]" in shown.stdout
    assert "PL106" in shown.stdout


def test_corpus_commands_refuse_a_file_that_is_not_a_store(tmp_path):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database\n")
    for args in (("status",), ("analyze", "--workers", "0"), ("add", "-")):
        result = invoke("corpus", *args, "--db", bad, input="Some text here.")
        assert result.exit_code == 2 and result.stderr.startswith("PL501: "), (args, result.stderr)


def test_corpus_analyze_without_a_store_says_how_to_make_one(tmp_path):
    result = invoke("corpus", "analyze", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 2 and result.stderr.startswith("PL500: ") and "corpus add" in result.stderr
