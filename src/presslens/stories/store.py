"""Stories over the corpus store: grouping state kept in the store, stories read back from it.

The state lives in the ``story_articles`` table (store schema version 2) and two ``meta`` keys;
`update_stories` adds the analysed articles not grouped yet (incremental: nothing already grouped
is compared again) and writes only the rows that changed, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import StoryNotFound, UsageError
from .compare import StoryArticle, compare
from .grouping import GroupingSettings, StoryRecord, StoryState

_SETTINGS_KEY = "stories.settings"
_NEXT_KEY = "stories.next"


@dataclass(frozen=True)
class StoryFilters:
    date_from: Optional[str] = None  # YYYY-MM-DD: stories with an article published on or after
    date_to: Optional[str] = None  # ... on or before
    min_outlets: int = 1  # independent outlets (copies do not count)
    limit: Optional[int] = None

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise UsageError(f"{name.replace('_', ' ')} {value!r} is not YYYY-MM-DD") from None
        if self.min_outlets < 1:
            raise UsageError("min outlets must be 1 or more")


def load_state(store) -> StoryState:
    meta = dict(store.query("SELECT key, value FROM meta WHERE key IN (?, ?)", [_SETTINGS_KEY, _NEXT_KEY]))
    settings = GroupingSettings(**json.loads(meta[_SETTINGS_KEY])) if _SETTINGS_KEY in meta else GroupingSettings()
    rows = store.query(
        "SELECT article_id, external_id, source, published, day, story, copy_of, features, minhash FROM story_articles ORDER BY day, article_id"
    )
    items = (
        {"id": r[0], "external_id": r[1], "source": r[2], "published": r[3], "day": r[4], "story": r[5], "copy_of": r[6],
         "feats": json.loads(r[7]), "hashes": r[8]}
        for r in rows
    )
    state = StoryState.from_items(settings, int(meta.get(_NEXT_KEY, 1)), items)
    state.dirty.clear()
    return state


def save_state(store, state: StoryState) -> None:
    rows = [
        (d["id"], d["external_id"], d["source"], d["published"], d["day"], d["story"], d["copy_of"],
         json.dumps(d["feats"], separators=(",", ":")), d["hashes"])
        for d in state.item_dicts(state.dirty)
    ]
    with store.transaction() as con:
        if rows:
            con.executemany("INSERT OR REPLACE INTO story_articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?), (?, ?)",
            [_SETTINGS_KEY, json.dumps(state.settings.to_dict()), _NEXT_KEY, str(state.next_story)],
        )
    state.dirty.clear()


def update_stories(store, settings: Optional[GroupingSettings] = None) -> int:
    """Group the analysed articles that are not in a story yet; returns how many were added."""
    state = load_state(store)
    if settings is not None and not state.items:
        state.settings = settings
    new = store.query(
        "SELECT a.id, a.external_id, a.source, CAST(a.published AS VARCHAR), an.analysis FROM articles a "
        "JOIN analyses an ON an.article_id = a.id LEFT JOIN story_articles s ON s.article_id = a.id "
        "WHERE a.status = 'analysed' AND s.article_id IS NULL ORDER BY a.id"
    )
    if not new:
        return 0
    from ..model import Analysis

    records = [StoryRecord(r[0], Analysis.model_validate_json(r[4]), r[1], r[2], r[3]) for r in new]
    state.add(records)
    save_state(store, state)
    return len(records)


def _story_articles(store, story_id: str) -> list[StoryArticle]:
    rows = store.query(
        "SELECT s.article_id, s.external_id, s.source, s.published, s.copy_of, an.analysis FROM story_articles s "
        "JOIN analyses an ON an.article_id = s.article_id WHERE s.story = ? ORDER BY s.day, s.article_id",
        [story_id],
    )
    from ..model import Analysis

    return [StoryArticle(r[0], Analysis.model_validate_json(r[5]), r[1], r[2], r[3], r[4]) for r in rows]


def get_story(store, story_id: str, *, headlines: bool = True) -> dict[str, Any]:
    """One story with its comparison; PL652 when there is no such story."""
    articles = _story_articles(store, story_id)
    if not articles:
        raise StoryNotFound(f"there is no story {story_id!r} in {store.path} ('presslens corpus stories' groups the articles)")
    return compare(story_id, articles, headlines=headlines)


def list_stories(store, filters: Optional[StoryFilters] = None, *, headlines: bool = False) -> list[dict[str, Any]]:
    """Stories as grouped in the store, filtered, sorted by independent outlets and then by
    how many figures they disagree on (most first), then story id."""
    f = filters or StoryFilters()
    where, params = [], []
    if f.date_from:
        where.append("published >= ?")
        params.append(f.date_from)
    if f.date_to:
        where.append("published <= ?")
        params.append(f.date_to)
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    rows = store.query(
        f"SELECT story, count(DISTINCT source) FILTER (WHERE copy_of IS NULL) AS outlets FROM story_articles "
        f"WHERE story IN (SELECT story FROM story_articles {cond}) GROUP BY story HAVING outlets >= ?",
        [*params, f.min_outlets],
    )
    out = [get_story(store, sid, headlines=headlines) for sid, _ in rows]
    out.sort(key=lambda s: (-len(s["outlets"]), -len(s["conflicts"]), _sid(s["story"])))
    return out[: f.limit] if f.limit else out


def _sid(sid: str) -> tuple[int, str]:
    return (int(sid[1:]) if sid[1:].isdigit() else 1 << 60, sid)
