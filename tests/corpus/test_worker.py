from __future__ import annotations

from presslens.corpus import worker
from presslens.store import PendingArticle


def test_worker_groups_long_articles_apart_and_keeps_order(monkeypatch):
    monkeypatch.setattr(worker, "GROUP_CHARS", 100)
    recs = [PendingArticle(i, str(i), "x" * n) for i, n in enumerate([40, 40, 40, 150, 10, 90])]
    groups = worker._by_size([(r, None) for r in recs])
    assert [[r.id for r, _ in g] for g in groups] == [[0, 1], [2], [3], [4, 5]]
    assert all(sum(len(r.text) for r, _ in g) <= 100 or len(g) == 1 for g in groups)


def test_worker_analysis_version_names_the_package_and_resources():
    version = worker.analysis_version()
    head, _, digest = version.partition("+")
    assert head == __import__("presslens").__version__ and len(digest) == 8 and int(digest, 16) >= 0
