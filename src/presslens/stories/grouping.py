"""Group articles into stories, incrementally.

`StoryState` keeps everything needed to add more articles later without regrouping: each
article's sparse features and MinHash, the document frequencies of features, a blocking index
(feature -> day -> articles) and the stories. Adding an article looks only at articles that share
a blocking feature and lie within the follow-up window, so the cost per article does not grow
with the corpus. Batches are added in (published, id) order: the same corpus gives the same stories.

Near-duplicates (wire copies, reprints) are found by MinHash LSH over word 5-shingles of the
whole text; a copy points at its original (earliest published, then lowest id), joins the
original's story and is left out of the comparison of coverage.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ..errors import StoryInputError, StoryStateError
from ..model import Analysis
from .features import ArticleId, features, id_key, shingles

STATE_VERSION = 1


@dataclass(frozen=True)
class GroupingSettings:
    window_days: int = 3  # articles published this close can be one story
    follow_up_days: int = 10  # a follow-up this late joins only when clearly the same thread
    threshold: float = 0.18  # cosine similarity to join within the window (tuned on the dev gold)
    follow_up_threshold: float = 0.50  # ... and beyond it, up to follow_up_days
    copy_threshold: float = 0.80  # estimated Jaccard of 5-shingles for a copy
    num_perm: int = 64
    seed: int = 1
    max_df_share: float = 0.05  # features in more articles than this share do not block
    max_bucket: int = 200  # articles looked at per feature and day (newest first)
    max_candidates: int = 100  # scored per article: those sharing the most blocking features

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StoryRecord:
    """One article to group: its store id, its id outside (file name, URL), outlet, date, analysis."""

    id: ArticleId
    analysis: Analysis
    external_id: Optional[str] = None
    source: Optional[str] = None
    published: Optional[str] = None


@dataclass
class _Item:
    id: ArticleId
    external_id: Optional[str]
    source: Optional[str]
    published: Optional[str]
    day: int
    feats: dict[str, float]
    hashes: Optional[list[int]]
    story: str = ""
    copy_of: Optional[ArticleId] = None


@dataclass
class Story:
    id: str
    articles: list[ArticleId] = field(default_factory=list)


def _day(published: Optional[str], fallback: int) -> int:
    if not published:
        return fallback
    try:
        return dt.date.fromisoformat(published[:10]).toordinal()
    except ValueError as exc:
        raise StoryInputError(f"published date {published!r} is not YYYY-MM-DD") from exc


class StoryState:
    def __init__(self, settings: GroupingSettings | None = None):
        self.settings = settings or GroupingSettings()
        self.items: list[_Item] = []
        self.index_of: dict[Any, int] = {}
        self.df: dict[str, int] = defaultdict(int)
        self.blocks: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.story_members: dict[str, list[int]] = {}
        self.next_story = 1
        self.n_docs = 0  # articles counted in df (a batch is counted before it is linked)
        self.dirty: set[int] = set()  # items added or changed since the state was loaded (to save)
        self._vectors: dict[int, dict[str, float]] = {}  # per batch: df is fixed while a batch links
        s = self.settings
        self._lsh = MinHashLSH(threshold=s.copy_threshold, num_perm=s.num_perm)
        self._template = MinHash(num_perm=s.num_perm, seed=s.seed)

    # ------------------------------------------------------------ adding

    def add(self, records: Iterable[StoryRecord]) -> list[str]:
        """Add articles (any order; sorted here by date, then id). Returns the ids of stories touched."""
        batch = list(records)
        for r in batch:
            if r.id in self.index_of:
                raise StoryInputError(f"article {r.id!r} is already grouped")
        ids = [r.id for r in batch]
        if len(set(map(str, ids))) != len(ids):
            raise StoryInputError("the same article id is given twice")
        fallback = dt.date.today().toordinal()
        prepared = []
        for r in batch:
            day = _day(r.published or r.analysis.document.published, fallback)
            prepared.append((day, id_key(r.id), r))
        prepared.sort(key=lambda t: (t[0], t[1]))
        # document frequencies first, so one batch is scored alike whatever its order
        self._vectors.clear()
        feats = []
        for _, _, r in prepared:
            f = features(r.analysis)
            feats.append(f)
            self.n_docs += 1
            for k in f:
                self.df[k] += 1
        touched: list[str] = []
        for (day, _, r), f in zip(prepared, feats):
            touched.append(self._add_one(r, day, f))
        return sorted(set(touched), key=_story_key)

    def _minhash(self, text: str) -> LeanMinHash:
        m = self._template.copy()
        sh = shingles(text)
        if sh:
            m.update_batch(sorted(sh))
        return LeanMinHash(m)

    def _add_one(self, r: StoryRecord, day: int, feats: dict[str, float]) -> str:
        idx = len(self.items)
        mh = self._minhash(r.analysis.document.text)
        item = _Item(
            r.id, r.external_id, r.source or r.analysis.document.source, r.published or r.analysis.document.published,
            day, feats, [int(h) for h in mh.hashvalues],
        )
        self.items.append(item)
        self.index_of[r.id] = idx
        self.dirty.add(idx)
        original = self._copy_original(idx, mh)
        if original is not None:
            story = self._attach_copy(idx, original)
        else:
            story = self._link(idx)
        self._lsh.insert(str(idx), mh)
        self._index(idx)
        return story

    def _copy_original(self, idx: int, mh: LeanMinHash) -> Optional[int]:
        """The original this article copies (itself if it is earlier than the known original)."""
        hits = []
        for key in self._lsh.query(mh):
            j = int(key)
            other = self._minhash_of(j)
            if mh.jaccard(other) >= self.settings.copy_threshold:
                hits.append(j)
        if not hits:
            return None
        roots = {self._root(j) for j in hits}
        return min(roots, key=self._order)

    def _minhash_of(self, j: int) -> LeanMinHash:
        hv = self.items[j].hashes
        t = self._template
        return LeanMinHash(seed=t.seed, hashvalues=np.array(hv, dtype=t.hashvalues.dtype), scheme=t.scheme)

    def _root(self, j: int) -> int:
        cid = self.items[j].copy_of
        return j if cid is None else self.index_of[cid]

    def _order(self, j: int) -> tuple:
        it = self.items[j]
        return (it.day, id_key(it.id))

    def _attach_copy(self, idx: int, root: int) -> str:
        item, orig = self.items[idx], self.items[root]
        story = orig.story
        if self._order(idx) < self._order(root):
            # the new article is older than the known original: it becomes the original
            for j in self.story_members[story]:
                if j == root or self.items[j].copy_of == orig.id:
                    self.items[j].copy_of = item.id
                    self.dirty.add(j)
        else:
            item.copy_of = orig.id
        item.story = story
        self.story_members[story].append(idx)
        return story

    def _idf(self, key: str) -> float:
        n = self.n_docs
        return math.log((n + 1) / (self.df.get(key, 0) + 1)) + 1.0

    def _vector(self, j: int) -> dict[str, float]:
        cached = self._vectors.get(j)
        if cached is not None:
            return cached
        v = {k: w * self._idf(k) for k, w in self.items[j].feats.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out = self._vectors[j] = {k: x / norm for k, x in v.items()}
        return out

    def _blocking_keys(self, j: int) -> list[str]:
        n = max(self.n_docs, 1)
        cap = max(20, int(self.settings.max_df_share * n))
        return sorted(k for k in self.items[j].feats if k[0] in "et" and self.df.get(k, 0) <= cap)

    def _candidates(self, idx: int) -> list[int]:
        """Articles sharing blocking features within the follow-up window: at most max_candidates,
        those sharing the most features first (so a dense day costs no more than a quiet one)."""
        s = self.settings
        day = self.items[idx].day
        hits: dict[int, int] = defaultdict(int)
        for k in self._blocking_keys(idx):
            by_day = self.blocks.get(k)
            if not by_day:
                continue
            for d in range(day - s.follow_up_days, day + s.follow_up_days + 1):
                bucket = by_day.get(d)
                if bucket:
                    for j in bucket[-s.max_bucket :]:
                        hits[j] += 1
        if len(hits) <= s.max_candidates:
            return sorted(hits)
        return sorted(sorted(hits, key=lambda j: (-hits[j], j))[: s.max_candidates])

    def _link(self, idx: int) -> str:
        s = self.settings
        item = self.items[idx]
        vec = self._vector(idx)
        best: Optional[tuple[float, int, int]] = None
        for j in self._candidates(idx):
            other = self.items[j]
            if other.copy_of is not None:
                continue  # a copy says nothing its original does not
            shared = [k for k in vec if k in other.feats]
            if not any(k[0] in "ev" for k in shared):
                continue  # the same words but no shared actor, place or event
            ov = self._vector(j)
            sim = sum(vec[k] * ov[k] for k in shared)
            gap = abs(other.day - item.day)
            need = s.threshold if gap <= s.window_days else s.follow_up_threshold
            if sim < need:
                continue
            key = (sim, -gap, -j)
            if best is None or key > best:
                best = key
        if best is None:
            story = f"S{self.next_story}"
            self.next_story += 1
            self.story_members[story] = []
        else:
            story = self.items[-best[2]].story
        item.story = story
        self.story_members[story].append(idx)
        return story

    def _index(self, idx: int) -> None:
        item = self.items[idx]
        if item.copy_of is not None:
            return
        for k in item.feats:
            if k[0] in "et":
                self.blocks[k][item.day].append(idx)

    # ------------------------------------------------------------ reading

    def story_of(self, article_id: ArticleId) -> str:
        return self.items[self.index_of[article_id]].story

    def copy_of(self, article_id: ArticleId) -> Optional[ArticleId]:
        return self.items[self.index_of[article_id]].copy_of

    def stories(self) -> list[Story]:
        out = []
        for sid in sorted(self.story_members, key=_story_key):
            members = sorted(self.story_members[sid], key=self._order)
            out.append(Story(sid, [self.items[j].id for j in members]))
        return out

    def article(self, article_id: ArticleId) -> dict[str, Any]:
        it = self.items[self.index_of[article_id]]
        return {"id": it.id, "external_id": it.external_id, "source": it.source, "published": it.published, "copy_of": it.copy_of}

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "settings": self.settings.to_dict(),
            "next_story": self.next_story,
            "items": self.item_dicts(range(len(self.items))),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StoryState":
        try:
            if data.get("version") != STATE_VERSION:
                raise StoryStateError(f"story state version {data.get('version')!r} is not {STATE_VERSION}")
            return cls.from_items(GroupingSettings(**data["settings"]), int(data["next_story"]), data["items"])
        except StoryStateError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise StoryStateError(f"story state is malformed: {type(exc).__name__}: {exc}") from exc

    @classmethod
    def from_items(cls, settings: GroupingSettings, next_story: int, items: Iterable[dict[str, Any]]) -> "StoryState":
        """A state from saved items (the dicts of `to_dict`, or rows of a store table)."""
        try:
            state = cls(settings)
            state.next_story = next_story
            for raw in items:
                it = _Item(raw["id"], raw["external_id"], raw["source"], raw["published"], int(raw["day"]),
                           {str(k): float(v) for k, v in raw["feats"].items()}, [int(h) for h in raw["hashes"]],
                           str(raw["story"]), raw["copy_of"])
                idx = len(state.items)
                state.items.append(it)
                state.index_of[it.id] = idx
                state.n_docs += 1
                for k in it.feats:
                    state.df[k] += 1
                state.story_members.setdefault(it.story, []).append(idx)
                state._lsh.insert(str(idx), state._minhash_of(idx))
                state._index(idx)
            return state
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoryStateError(f"story state is malformed: {type(exc).__name__}: {exc}") from exc

    def item_dicts(self, indices: Iterable[int]) -> list[dict[str, Any]]:
        return [
            {"id": it.id, "external_id": it.external_id, "source": it.source, "published": it.published,
             "day": it.day, "feats": it.feats, "hashes": it.hashes, "story": it.story, "copy_of": it.copy_of}
            for it in (self.items[i] for i in sorted(indices))
        ]


def _story_key(sid: str) -> tuple[int, str]:
    return (int(sid[1:]) if sid[1:].isdigit() else 1 << 60, sid)


def group(records: Iterable[StoryRecord], settings: GroupingSettings | None = None) -> StoryState:
    state = StoryState(settings)
    state.add(records)
    return state
