"""Corpus stats: per-group figures computed in DuckDB from hand-built analyses with known answers."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from presslens import errors
from presslens.cli.main import app
from presslens.corpus.stats import corpus_stats, parse_by
from presslens.model import (
    Analysis, Check, Cue, Document, Entity, Event, Quote, Sourcing, Speaker, Technique, Trigger, Voice,
)
from presslens.store import AnalysisResult, NewArticle, open_store

# Ten words per article, so techniques per 1,000 words are easy to check by hand.
TEXT = "Officials said the march was huge and the rally peaceful."


def _analysis(text: str, *, quoted_technique: bool, one_sided: bool, voice: str) -> Analysis:
    quote_span = (0, 14)
    return Analysis(
        document=Document(id="x", text=text),
        entities=[Entity(id="E1", name=voice, type="PERSON", mentions=[(0, 9), (0, 9)])],
        quotes=[Quote(id="Q1", kind="indirect", text=text[0:14], span=quote_span,
                      speaker=Speaker(name=voice, kind="person"), cue=Cue(text="said", span=(10, 14), kind="speech"))],
        events=[Event(type="PROTEST", trigger=Trigger(text="march", span=(19, 24)))],
        techniques=[
            Technique(technique="Loaded_Language", span=(29, 33), text=text[29:33], confidence=0.9,
                      explanation="x", method="rule", attributed_to="Q1" if quoted_technique else None),
            Technique(technique="Doubt", span=(38, 43), text=text[38:43], confidence=0.9, explanation="x",
                      method="rule"),
        ],
        checks=[Check(kind="quantity_conflict", severity="warning", message="m", evidence=[(19, 24)])],
        sourcing=Sourcing(voices=[Voice(name=voice, kind="person", quotes=1, words=3)], quoted_share=0.25,
                          one_sided=one_sided),
    )


@pytest.fixture
def store(tmp_path):
    specs = [
        ("A", "2026-01-05", True, True, "Ana Vale"),
        ("A", "2026-02-10", False, False, "Ana Vale"),
        ("B", "2026-01-20", False, True, "Bo Lind"),
    ]
    with open_store(tmp_path / "s.duckdb", create=True) as s:
        s.add_batch([NewArticle(external_id=f"ext-{i}", text=f"{TEXT} ({i})", source=src, published=day)
                     for i, (src, day, *_rest) in enumerate(specs)])
        ids = [r[0] for r in s.query("SELECT id FROM articles ORDER BY external_id")]
        results = []
        for article_id, (_src, _day, quoted, sided, voice) in zip(ids, specs):
            text = s.query("SELECT text FROM articles WHERE id = ?", [article_id])[0][0]
            analysis = _analysis(text, quoted_technique=quoted, one_sided=sided, voice=voice)
            results.append(AnalysisResult(article_id=article_id, analysis_json=analysis.model_dump_json(), version="t"))
        s.write_results(results)
        words = s.query("SELECT sum(words) FROM articles WHERE source = 'A'")[0][0]
        yield s, words


def test_stats_by_source_counts_and_rates(store):
    s, words_a = store
    rows = {r.group["source"]: r for r in corpus_stats(s, "source")}
    a, b = rows["A"], rows["B"]
    assert (a.articles, b.articles) == (2, 1)
    assert a.quotes_per_article == 1.0 and a.voices_per_article == 1.0
    assert a.one_sided_share == pytest.approx(0.5) and b.one_sided_share == 1.0
    assert a.quoted_share == pytest.approx(0.25)
    # A: 4 technique spans, one of them inside a quote.
    assert a.techniques_per_1000 == pytest.approx(4 * 1000 / words_a)
    assert a.quoted_techniques_per_1000 == pytest.approx(1000 / words_a)
    assert a.own_techniques_per_1000 == pytest.approx(3 * 1000 / words_a)
    assert a.family_per_1000["emotion"] == pytest.approx(2 * 1000 / words_a)
    assert a.own_family_per_1000["emotion"] == pytest.approx(1000 / words_a)
    assert a.checks_per_article == {"quantity_conflict": 1.0}
    assert a.events == {"PROTEST": 2}
    assert a.top_voices == [("Ana Vale", 2)]
    assert a.top_entities == [("Ana Vale", 4)]


def test_stats_by_source_and_month_and_date_filters(store):
    s, _ = store
    rows = corpus_stats(s, "source,month")
    assert [tuple(r.group.values()) for r in rows] == [("A", "2026-01"), ("A", "2026-02"), ("B", "2026-01")]
    january = corpus_stats(s, "source", date_from="2026-01-01", date_to="2026-01-31")
    assert {r.group["source"]: r.articles for r in january} == {"A": 1, "B": 1}
    only_b = corpus_stats(s, "week", sources=["B"])
    assert [r.group["week"] for r in only_b] == ["2026-W04"]


def test_stats_pending_articles_do_not_count(store):
    s, _ = store
    s.add_batch([NewArticle(external_id="late", text="A new text that nobody analysed yet.", source="A")])
    assert {r.group["source"]: r.articles for r in corpus_stats(s, "source")} == {"A": 2, "B": 1}


@pytest.mark.parametrize("by", ["decade", "", "source,source", "source;month"])
def test_stats_bad_grouping_is_pl300(by):
    with pytest.raises(errors.UsageError):
        parse_by(by)


def test_stats_cli_formats(store, tmp_path):
    s, _ = store
    path = str(s.path)
    s.close()
    runner = CliRunner()
    out = runner.invoke(app, ["corpus", "stats", "--db", path, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [d["group"]["source"] for d in data] == ["A", "B"]
    out = runner.invoke(app, ["corpus", "stats", "--db", path, "--by", "month", "--format", "csv"])
    header, *lines = out.stdout.strip().splitlines()
    assert header.startswith("month,articles,words") and len(lines) == 2
    target = tmp_path / "stats.parquet"
    out = runner.invoke(app, ["corpus", "stats", "--db", path, "--format", "parquet", "-o", str(target)])
    assert out.exit_code == 0, out.output
    import duckdb

    assert duckdb.sql(f"SELECT count(*) FROM '{target}'").fetchone()[0] == 2
    out = runner.invoke(app, ["corpus", "stats", "--db", path, "--by", "century"])
    assert out.exit_code != 0 and "PL300" in out.output
    out = runner.invoke(app, ["corpus", "stats", "--db", path])
    assert out.exit_code == 0 and "Ana Vale" in out.stdout
