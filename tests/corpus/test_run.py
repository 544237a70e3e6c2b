from __future__ import annotations

from presslens import errors, ingest
from presslens.corpus import analyze_items
from presslens.model import Article


def _ok(origin: str, text: str) -> ingest.Loaded:
    return ingest.Loaded(origin=origin, article=Article(text=text, origin=origin))


def test_run_outcomes_keep_input_order_and_failed_items():
    items = [
        _ok("a", "The council met on Monday."),
        ingest.Loaded(origin="b", error=errors.NotText("b is not text (looks like a PDF)")),
        _ok("c", "Two buses were late."),
    ]
    outcomes = list(analyze_items(items, batch_size=2))
    assert [o.origin for o in outcomes] == ["a", "b", "c"]
    assert outcomes[0].analysis is not None and outcomes[0].analysis.document.origin == "a"
    assert outcomes[1].error is not None and outcomes[1].error.code == "PL101"
    assert outcomes[2].analysis is not None and outcomes[2].analysis.document.text == "Two buses were late."


def test_run_overrides_apply_and_bad_override_fails_the_item():
    items = [_ok("a", "The council met on Monday.")]
    good = list(analyze_items(items, overrides={"source": "Example Wire", "published": "2026-01-08"}))
    assert good[0].analysis.document.source == "Example Wire"
    assert good[0].analysis.document.published == "2026-01-08"
    bad = list(analyze_items(items, overrides={"published": "8 January"}))
    assert bad[0].error is not None and bad[0].error.code == "PL301"
