"""Stories: the articles of several outlets about one event, grouped and compared.

Library first, on plain records (article id, external id, outlet, date, `Analysis`), so it runs
on analyses from anywhere — a folder, a JSONL file or the corpus store::

    from presslens.stories import StoryRecord, StoryState, build_stories, render_story_html

    state = StoryState()                 # keep it (state.to_dict()) to add more articles later
    stories = build_stories(records, state)
    for story in stories:                # dicts in the JSONL form of README "Stories"
        print(story["title"], story["summary"])
    html = render_story_html(stories[0])
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from .compare import StoryArticle, compare, evidence
from .grouping import GroupingSettings, Story, StoryRecord, StoryState, group
from .render import DEFAULT_ARTICLE_URL, render_stories_html, render_story_html
from .store import StoryFilters, get_story, list_stories, update_stories

# The keys every JSONL story line carries (the contract); the rest are details.
JSONL_KEYS = ("story", "title", "articles", "conflicts", "voices", "omissions", "summary")

__all__ = [
    "GroupingSettings", "Story", "StoryArticle", "StoryRecord", "StoryState", "build_stories", "compare",
    "compare_story", "evidence", "group", "render_story_html", "story_line", "DEFAULT_ARTICLE_URL", "JSONL_KEYS",
    "StoryFilters", "get_story", "list_stories", "update_stories", "render_stories_html", "records_from_manifest",
]


def compare_story(story: Story, state: StoryState, records: dict[Any, StoryRecord], *, headlines: bool = True) -> dict[str, Any]:
    """The comparison of one grouped story (records: article id -> record, for its analyses)."""
    arts = []
    for aid in story.articles:
        r = records[aid]
        meta = state.article(aid)
        arts.append(StoryArticle(aid, r.analysis, meta["external_id"], meta["source"], meta["published"], meta["copy_of"]))
    return compare(story.id, arts, headlines=headlines)


def build_stories(
    records: Iterable[StoryRecord], state: Optional[StoryState] = None, *, min_outlets: int = 1, headlines: bool = True
) -> list[dict[str, Any]]:
    """Group the records (into `state`, new or loaded) and compare every story they touch.

    Stories are returned by number of independent outlets (most first), then story id."""
    recs = list(records)
    state = state if state is not None else StoryState()
    touched = set(state.add(recs))
    by_id = {r.id: r for r in recs}
    out = []
    for story in state.stories():
        if story.id not in touched or any(a not in by_id for a in story.articles):
            continue
        result = compare_story(story, state, by_id, headlines=headlines)
        if len(result["outlets"]) >= min_outlets:
            out.append(result)
    out.sort(key=lambda s: (-len(s["outlets"]), -len(s["conflicts"]), _sid(s["story"])))
    return out


def _sid(sid: str) -> tuple[int, str]:
    return (int(sid[1:]) if sid[1:].isdigit() else 1 << 60, sid)


def story_line(story: dict[str, Any]) -> str:
    """One JSONL line of a story."""
    return json.dumps(story, ensure_ascii=False, separators=(",", ":"))


def records_from_manifest(path) -> list[StoryRecord]:
    """Analyse the articles a JSONL manifest lists (``{"file", "source", "published"}`` a line,
    files relative to the manifest); ids are 1, 2, … in manifest order."""
    from pathlib import Path

    from .. import analyze_articles, ingest
    from ..errors import StoryInputError

    path = Path(path)
    metas = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            metas.append((str(rec["file"]), rec.get("source"), rec.get("published")))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoryInputError(f"{path}, line {n}: not a manifest record ({type(exc).__name__}: {exc})") from None
    articles = []
    for file, source, published in metas:
        loaded = next(iter(ingest.read(str(path.parent / file))))
        if loaded.error is not None:
            raise loaded.error
        assert loaded.article is not None
        articles.append(ingest.with_metadata(loaded.article, source=source, published=published))
    analyses = list(analyze_articles(articles))
    return [StoryRecord(i, a, file, source, published) for i, (a, (file, source, published)) in enumerate(zip(analyses, metas), 1)]
