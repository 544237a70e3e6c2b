"""The README's example SQL runs as written on a store with analysed articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from presslens.model import Analysis, Document, Sourcing, Technique, Voice
from presslens.store import AnalysisResult, NewArticle, open_store

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _statements() -> list[str]:
    section = README[README.index("### Example SQL"):]
    block = re.search(r"```sql\n(.*?)```", section, re.S)
    assert block, "README has no SQL block under 'Example SQL'"
    return [s.strip() for s in block.group(1).split(";") if s.strip()]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("sql") / "sql.duckdb"
    with open_store(path, create=True) as s:
        s.add_batch([NewArticle(external_id=f"s-{i}", text=f"Crews said the loud, shameful plan {i} failed.",
                                source=("North", "South")[i % 2], published=f"2026-0{1 + i % 3}-05") for i in range(6)])
        results = []
        for article_id, text in s.query("SELECT id, text FROM articles"):
            start = text.index("shameful")
            analysis = Analysis(
                document=Document(id="d", text=text),
                techniques=[Technique(technique="Loaded_Language", span=(start, start + 8), text="shameful",
                                      confidence=0.9, explanation="e", method="rule")],
                sourcing=Sourcing(voices=[Voice(name="Crews", stance="critical", quotes=1),
                                          Voice(name="Mayor", stance="critical", quotes=2)], one_sided=True),
            )
            results.append(AnalysisResult(article_id=article_id, analysis_json=analysis.model_dump_json(), version="t"))
        s.write_results(results)
    with open_store(path, read_only=True) as s:
        yield s


@pytest.mark.parametrize("sql", _statements(), ids=lambda s: s.splitlines()[0][3:50])
def test_sql_examples_run_on_a_store(store, sql):
    rows = store.query(sql)
    if "same side" in sql:
        assert len(rows) == 6 and {r[4] for r in rows} == {"critical"}
    if "Loaded Language" in sql:
        assert rows and all(r[2] > 0 for r in rows)
