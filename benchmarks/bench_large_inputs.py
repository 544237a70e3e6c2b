"""Time on large inputs, as a multiple of the bare spaCy parse of the same text.

    python benchmarks/bench_large_inputs.py [--copies 60]

Two costs that grow with input size and were once wall-clock assertions in unit tests:
1. the techniques stage's work (`find_techniques`) on an article repeated --copies times;
2. the HTML report of that analysis with every technique span drawn (hundreds of spans,
   quotes and numbers that nest).
Each is timed once after a warm-up and reported next to the bare parse of the same text.
It records and prints; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "examples" / "rally-report.txt"


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=60, help="times the example article is repeated")
    args = ap.parse_args()

    from presslens import analyze, nlp
    from presslens.render import render
    from presslens.techniques import find_techniques

    text = "\n\n".join([ARTICLE.read_text(encoding="utf-8")] * args.copies)
    bare = nlp.load_bare()
    bare(text[:2000])  # warm-up
    _, t_bare = timed(lambda: bare(text))

    doc = nlp.parse(text)
    sentences = nlp.sentences(doc)
    find_techniques(text[:2000], nlp.parse(text[:2000]))  # loads the model
    found, t_tech = timed(lambda: find_techniques(text, doc, sentences=sentences))

    analysis = analyze(text)
    render(analysis, "html")
    page, t_html = timed(lambda: render(analysis, "html"))

    print(f"input: {len(text):,} characters ({args.copies} copies of {ARTICLE.name})")
    print(f"bare spaCy parse            {t_bare:7.2f} s   1.00x")
    print(f"techniques (find_techniques) {t_tech:6.2f} s   {t_tech / t_bare:.2f}x   {len(found)} spans")
    print(f"HTML report                 {t_html:7.2f} s   {t_html / t_bare:.2f}x   "
          f"{len(analysis.techniques)} techniques, {len(analysis.quotes)} quotes, {len(page):,} characters")


if __name__ == "__main__":
    main()
