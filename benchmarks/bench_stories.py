"""Story grouping time at growing corpus sizes: it should grow near-linearly.

Synthetic analyses (no parse): each story is an invented event, told by 1-5 outlets over a few
days, with its own actors and title words drawn from a large invented vocabulary plus words
every article shares; one article in ten is a near-verbatim reprint. By default the articles
are spread over as many days as keep about 275 a day (a corpus grows over time, as news does);
`--days 365` packs every size into one year instead, so a denser corpus has more candidates in each
article's window. Grouping is timed over the whole batch (features, MinHash, blocking and linking); the
ratio between sizes shows the growth. Times are this process's CPU seconds (steady on a busy
machine; wall seconds are printed too), and a bare spaCy parse of one example article gives the
scale against the rest of presslens (grouping is far cheaper than analysing).

    .venv/bin/python benchmarks/bench_stories.py                  # 10,000 and 100,000 articles
    .venv/bin/python benchmarks/bench_stories.py --sizes 2000 20000 --json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from presslens.model import Analysis, Document, Entity
from presslens.stories import StoryRecord, StoryState

SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tu", "vo", "zel", "dor", "fen", "gra", "hal", "jin", "mar", "nor", "pel", "quin", "ros", "tal", "vek"]
PER_DAY = 275
COMMON = "government officials said tuesday report city council minister plan week people".split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _article(rng: random.Random, story: int, actors: list[str], words: list[str], day: dt.date, outlet: str, base: str | None) -> tuple[Analysis, str]:
    if base is not None:  # a reprint: the same text with a note added
        text = base + "\n\n(Reprinted under a syndication agreement.)"
    else:
        title = " ".join(rng.sample(words, 4) + [actors[0].split()[0]]).capitalize()
        body = " ".join(rng.choice(words + COMMON + actors) for _ in range(80))
        text = f"{title}\n\n{actors[0]} and {actors[1]} met on {day.isoformat()}. {body}."
    title_end = text.index("\n")
    ents = []
    for i, name in enumerate(actors):
        pos = text.find(name)
        mentions = [(pos, pos + len(name))] if pos >= 0 else []
        ents.append(Entity(id=f"E{i + 1}", name=name, type="PERSON" if i % 2 == 0 else "ORG", mentions=mentions))
    doc = Document(id=f"{story}-{outlet}-{len(text)}", text=text, title=text[:title_end], title_span=(0, title_end),
                   source=outlet, published=day.isoformat(), paragraphs=[(0, title_end), (title_end + 2, len(text))])
    return Analysis(document=doc, entities=ents), text


def synthetic(n: int, seed: int = 1, days: int | None = None) -> list[StoryRecord]:
    """n articles over `days` days (default: as many days as keep about 275 articles a day,
    a corpus that grows over time as news does)."""
    rng = random.Random(seed)
    days = days or max(1, round(n / PER_DAY))
    start = dt.date(2025, 1, 1)
    outlets = [f"Outlet {i}" for i in range(12)]
    out: list[StoryRecord] = []
    story = 0
    while len(out) < n:
        story += 1
        day0 = start + dt.timedelta(days=rng.randrange(days))
        actors = [f"{_word(rng).capitalize()} {_word(rng).capitalize()}" for _ in range(3)]
        words = [_word(rng) for _ in range(12)]
        wire: str | None = None
        for outlet in rng.sample(outlets, rng.randint(1, 5)):
            if len(out) >= n:
                break
            day = day0 + dt.timedelta(days=rng.randrange(3))
            reprint = wire if wire is not None and rng.random() < 0.1 else None
            analysis, text = _article(rng, story, actors, words, day, outlet, reprint)
            wire = wire or text
            out.append(StoryRecord(len(out) + 1, analysis, None, outlet, day.isoformat()))
    return out


def bare_parse_seconds() -> float:
    from presslens import nlp

    text = (Path(__file__).resolve().parents[1] / "examples" / "rally-report.txt").read_text(encoding="utf-8")
    bare = nlp.load_bare()
    bare(text)
    t = time.process_time()
    for _ in range(5):
        bare(text)
    return (time.process_time() - t) / 5


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--days", type=int, default=None, help="Spread every size over this many days (default: about 275 articles a day).")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = []
    for n in args.sizes:
        records = synthetic(n, days=args.days)
        t, c = time.perf_counter(), time.process_time()
        state = StoryState()
        state.add(records)
        wall, secs = time.perf_counter() - t, time.process_time() - c
        stories = state.stories()
        rows.append({"articles": n, "seconds": round(secs, 2), "wall_seconds": round(wall, 2), "ms_per_article": round(1000 * secs / n, 3),
                     "stories": len(stories), "copies": sum(1 for r in records if state.copy_of(r.id) is not None)})
        del records, state
    parse = bare_parse_seconds()
    for r in rows:
        r["per_article_vs_bare_parse"] = round(r["ms_per_article"] / (1000 * parse), 4)
    growth = rows[-1]["seconds"] / rows[0]["seconds"] if len(rows) > 1 and rows[0]["seconds"] else None
    size_ratio = rows[-1]["articles"] / rows[0]["articles"] if len(rows) > 1 else None
    result = {"rows": rows, "time_ratio": round(growth, 2) if growth else None, "size_ratio": size_ratio,
              "bare_parse_ms_per_article": round(1000 * parse, 2), "python": sys.version.split()[0]}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("| articles | CPU seconds | wall seconds | ms/article | stories | copies | per article vs bare parse |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['articles']:,} | {r['seconds']} | {r['wall_seconds']} | {r['ms_per_article']} | {r['stories']:,} | {r['copies']:,} | {r['per_article_vs_bare_parse']} |")
        if growth:
            print(f"\ntime ratio {growth:.2f} for {size_ratio:.0f}x the articles (linear: {size_ratio:.0f}); "
                  f"bare spaCy parse of one example article: {1000 * parse:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
