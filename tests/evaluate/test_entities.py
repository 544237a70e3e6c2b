"""Entity evaluation on PolNeAR-format Source spans: a tiny brat corpus, the metric rules, a dev gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens import nlp
from presslens.evaluate.entities import EntityEvalReport, evaluate_entities_polnear, score_document
from presslens.evaluate.polnear import GoldAttribution, GoldDocument
from presslens.model import Entity

TEXT = (
    "Mara Hale, the mayor of Dunmore, said the bridge would reopen in May. She added that the repairs were done.\n\n"
    "Local officials said the cost was high. The Harbour Workers Union said it would strike on Friday.\n\n"
    "Tom Reyes said he was worried about the delay."
)
# (source text, nth occurrence, content text)
ATTRIBUTIONS = [
    ("Mara Hale, the mayor of Dunmore,", 0, "the bridge would reopen in May"),
    ("She", 0, "the repairs were done"),
    ("Local officials", 0, "the cost was high"),
    ("The Harbour Workers Union", 0, "it would strike on Friday"),
    ("it", 0, "would strike on Friday"),
    ("Tom Reyes", 0, "he was worried about the delay"),
]


def _at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def _write_corpus(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "story.txt").write_text(TEXT, encoding="utf-8")
    lines = []
    t = 0
    for e, (source, nth, content) in enumerate(ATTRIBUTIONS, 1):
        ss, se = _at(TEXT, source, nth) if source != "it" else _at(TEXT, " it ", 0)
        if source == "it":
            ss, se = ss + 1, se - 1
        cs, ce = _at(TEXT, content)
        lines.append(f"T{t + 1}\tSource {ss} {se}\t{TEXT[ss:se]}")
        lines.append(f"T{t + 2}\tContent {cs} {ce}\t{TEXT[cs:ce]}")
        lines.append(f"E{e}\tAttribution:T{t + 2} Content:T{t + 2} Source:T{t + 1}")
        t += 2
    # a second attribution reusing the first Source span counts once
    cs, ce = _at(TEXT, "would reopen")
    lines.append(f"T{t + 1}\tContent {cs} {ce}\t{TEXT[cs:ce]}")
    lines.append(f"E{len(ATTRIBUTIONS) + 1}\tAttribution:T{t + 1} Content:T{t + 1} Source:T1")
    (root / "attributions" / "story_ann1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_entities_eval_tiny_corpus_counts_every_source_class(tmp_path: Path):
    report = evaluate_entities_polnear(_write_corpus(tmp_path / "polnear"))
    assert report.documents == 1
    assert report.sources == 6
    assert report.named == 3  # Mara Hale, the Harbour Workers Union, Tom Reyes
    assert report.common == 1  # Local officials
    assert report.other_pronouns == 1  # it
    assert report.pronouns == 1
    assert report.named_covered == 3
    assert report.named_agree == 3
    assert report.pronouns_resolved == 1
    assert report.pronouns_checkable == 1
    assert report.pronouns_agree == 1
    assert report.named_recall == 1.0 and report.pronoun_agreement == 1.0


def test_entities_eval_report_text_and_dict(tmp_path: Path):
    root = _write_corpus(tmp_path / "polnear")
    report = evaluate_entities_polnear(root, limit=1)
    data = report.to_dict()
    for key in ("named_recall", "name_agreement", "pronoun_coverage", "pronoun_agreement", "named", "pronouns"):
        assert key in data
    assert "named sources" in report.to_text()
    assert "mention recall 1.000" in report.to_text()


def _gold(text: str, sources: list[tuple[int, int]]) -> GoldDocument:
    return GoldDocument("doc", "a", text, [GoldAttribution(content=[(0, 1)], source=[s]) for s in sources])


def test_entities_eval_pronoun_resolved_to_the_wrong_person_disagrees_with_proxy():
    text = "Ana Ruiz spoke first. Ben Cole listened. She said the plan was sound."
    doc = nlp.parse(text)
    ana, ben, she = _at(text, "Ana Ruiz"), _at(text, "Ben Cole"), _at(text, "She")
    wrong = [
        Entity(id="E1", name="Ana Ruiz", type="PERSON", mentions=[ana]),
        Entity(id="E2", name="Ben Cole", type="PERSON", mentions=[ben, she]),
    ]
    report = EntityEvalReport()
    score_document(_gold(text, [ana, she]), wrong, doc, report)
    # the proxy is the nearest preceding gold named source: Ana Ruiz (Ben Cole is no source)
    assert report.pronouns_checkable == 1 and report.pronouns_resolved == 1
    assert report.pronouns_agree == 0
    right = [
        Entity(id="E1", name="Ana Ruiz", type="PERSON", mentions=[ana, she]),
        Entity(id="E2", name="Ben Cole", type="PERSON", mentions=[ben]),
    ]
    report = EntityEvalReport()
    score_document(_gold(text, [ana, she]), right, doc, report)
    assert report.pronouns_agree == 1


def test_entities_eval_uncovered_names_and_acronyms():
    text = "The IMF warned on Monday. Officials in Lisbon said Zed Moor agreed."
    doc = nlp.parse(text)
    imf, moor = _at(text, "The IMF"), _at(text, "Zed Moor")
    ents = [Entity(id="E1", name="International Monetary Fund", type="ORG", mentions=[_at(text, "IMF")])]
    report = EntityEvalReport()
    misses: list[str] = []
    score_document(_gold(text, [imf, moor]), ents, doc, report, misses)
    assert report.named == 2
    assert report.named_covered == 1  # Zed Moor has no entity
    assert report.named_agree == 1  # IMF = the initials of the canonical name
    assert any("named-uncovered" in line and "Zed Moor" in line for line in misses)


def test_entities_eval_pronoun_without_proxy_is_coverage_only():
    text = "The storm passed. He said the roads were clear."
    doc = nlp.parse(text)
    he = _at(text, "He")
    report = EntityEvalReport()
    score_document(_gold(text, [he]), [], doc, report)
    assert report.pronouns == 1 and report.pronouns_resolved == 0 and report.pronouns_checkable == 0


def test_entities_eval_polnear_dev_gate(shared_data: Path):
    dev = shared_data / "polnear" / "dev"
    if not (dev / "attributions").is_dir():
        pytest.skip("no PolNeAR dev data")
    report = evaluate_entities_polnear(dev)
    # floors a little below the measured dev numbers (0.957 / 0.969 / 0.889 / 0.751)
    assert report.named >= 1000
    assert report.named_recall >= 0.93
    assert report.name_agreement >= 0.94
    assert report.pronoun_coverage >= 0.86
    assert report.pronoun_agreement >= 0.72
