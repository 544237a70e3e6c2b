"""Compare how the outlets of one story told it, with evidence spans for every claim.

Input: the story's articles with their analyses. Copies (``copy_of`` set) are listed but left out
of every comparison: a reprint is not a second outlet's account. Evidence items are
``{"article": id, "span": [start, end], "text": text[start:end]}`` into that article's text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from ..model import Analysis, Span
from ..resources import lexicon
from . import numbers
from .features import ArticleId, alias_index, canonical, entity_keys, fold, title_and_lead

_ACTOR_TYPES = ("PERSON", "ORG", "GROUP")
_MAX_EVIDENCE = 8
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_QUOTE_KINDS_INSIDE = ("direct", "mixed")


@dataclass
class StoryArticle:
    id: ArticleId
    analysis: Analysis
    external_id: Optional[str] = None
    source: Optional[str] = None
    published: Optional[str] = None
    copy_of: Optional[ArticleId] = None

    @property
    def outlet(self) -> str:
        return self.source or self.analysis.document.source or "unknown outlet"


def evidence(article: StoryArticle, span: Span) -> dict[str, Any]:
    s, e = int(span[0]), int(span[1])
    return {"article": article.id, "span": [s, e], "text": article.analysis.document.text[s:e]}


def _list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class _Outlet:
    name: str
    articles: list[StoryArticle] = field(default_factory=list)


def _outlets(articles: list[StoryArticle]) -> list[_Outlet]:
    by: dict[str, _Outlet] = {}
    for a in articles:
        if a.copy_of is None:
            by.setdefault(a.outlet, _Outlet(a.outlet)).articles.append(a)
    return list(by.values())


# ---------------------------------------------------------------- actors


@dataclass
class _Actor:
    key: str
    name: str
    outlets: set[str] = field(default_factory=set)
    mentions: int = 0
    first: dict[str, tuple[StoryArticle, Span]] = field(default_factory=dict)


def _actors(outlets: list[_Outlet]) -> dict[str, _Actor]:
    """Named actors (people, organisations, groups) by canonical key, with who names them."""
    out: dict[str, _Actor] = {}
    for o in outlets:
        for a in o.articles:
            keys = entity_keys(a.analysis)
            for ent in a.analysis.entities:
                if ent.type not in _ACTOR_TYPES or not ent.mentions:
                    continue
                k = keys[ent.id]
                act = out.setdefault(k, _Actor(k, max([ent.name, *ent.aliases], key=lambda n: (len(n), n))))
                act.outlets.add(o.name)
                act.mentions += len(ent.mentions)
                act.first.setdefault(o.name, (a, min(ent.mentions)))
    # the entities stage may miss a name in one article that it found in another: look for it
    for act in out.values():
        if len(act.name) < 4:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(act.name) + r"(?!\w)")
        for o in outlets:
            if o.name in act.outlets:
                continue
            for a in o.articles:
                m = pattern.search(a.analysis.document.text)
                if m:
                    act.outlets.add(o.name)
                    act.first[o.name] = (a, (m.start(), m.end()))
                    break
    return out


def _entity_names(outlets: list[_Outlet]) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in outlets:
        for a in o.articles:
            keys = entity_keys(a.analysis)
            for ent in a.analysis.entities:
                out.setdefault(keys[ent.id], max([ent.name, *ent.aliases], key=lambda n: (len(n), n)))
    return out


def _main_actors(actors: dict[str, _Actor], limit: int = 3) -> list[_Actor]:
    ranked = sorted(actors.values(), key=lambda x: (-len(x.outlets), -x.mentions, x.key))
    return ranked[:limit]


def _mentions_name(a: StoryArticle, name: str, key: str) -> bool:
    if key in alias_index(a.analysis):
        return True
    return fold(name) in fold(a.analysis.document.text)


# ---------------------------------------------------------------- numbers


def _conflicts(outlets: list[_Outlet]) -> list[dict[str, Any]]:
    per: list[tuple[_Outlet, StoryArticle, numbers.Claim]] = []
    for o in outlets:
        for a in o.articles:
            title, tspan, lead = title_and_lead(a.analysis)
            for c in numbers.claims(a.analysis, tspan, lead):
                per.append((o, a, c))
    rank_where = {"headline": 0, "lead": 1, "body": 2}
    best: dict[tuple[str, str, str], tuple] = {}
    for i, (oa, aa, ca) in enumerate(per):
        for ob, ab, cb in per[i + 1 :]:
            if oa.name == ob.name or ca.group != cb.group:
                continue
            if ca.quoted_by is not None or cb.quoted_by is not None:
                continue  # a figure given on someone's word is not the outlet's own account
            severity = numbers.conflict(ca, cb)
            if severity is None:
                continue
            ratio = max(ca.rep, cb.rep) / max(min(ca.rep, cb.rep), 1e-9)
            key = (severity != "warning", rank_where[ca.where] + rank_where[cb.where], -ratio)
            pair = tuple(sorted((oa.name, ob.name)))
            slot = (ca.group, pair[0], pair[1])
            first = (oa, aa, ca) if oa.name == pair[0] else (ob, ab, cb)
            second = (ob, ab, cb) if first[0] is oa else (oa, aa, ca)
            if slot not in best or key < best[slot][0]:
                best[slot] = (key, severity, ratio, first, second)
    out = []
    for slot in sorted(best, key=lambda s: (best[s][0], s)):
        _, severity, ratio, (o1, a1, c1), (o2, a2, c2) = best[slot]

        def says(o: _Outlet, c: numbers.Claim) -> str:
            who = f", quoting {c.quoted_by}" if c.quoted_by else ""
            return f'{o.name} ({c.where}{who}): "{c.quantity.text}" ({numbers.describe(c)})'

        times = f"{ratio:.0f} times apart" if ratio >= numbers.CONFLICT_RATIO else "outside each other's stated range"
        message = (
            f"{says(o1, c1)}; {says(o2, c2)}. Both count the {numbers.group_words(c1.group)}, "
            f"and the figures cannot both hold ({times})."
        )
        out.append({
            "kind": "quantity_conflict", "severity": severity, "group": c1.group, "outlets": [o1.name, o2.name],
            "message": message, "evidence": [evidence(a1, c1.span), evidence(a2, c2.span)],
            "figures": [numbers.describe(c1), numbers.describe(c2)], "ratio": round(ratio, 2),
        })
    return out


def _figures(outlets: list[_Outlet]) -> list[dict[str, Any]]:
    """Each outlet's leading figure per counted group (headline, then lead, then body; own words first)."""
    rank_where = {"headline": 0, "lead": 1, "body": 2}
    by: dict[str, dict[str, tuple]] = defaultdict(dict)
    for o in outlets:
        for a in o.articles:
            _, tspan, lead = title_and_lead(a.analysis)
            for c in numbers.claims(a.analysis, tspan, lead):
                key = (c.quoted_by is not None, rank_where[c.where], c.span[0])
                cur = by[c.group].get(o.name)
                if cur is None or key < cur[0]:
                    by[c.group][o.name] = (key, a, c)
    rows = []
    for group in sorted(by):
        cells = []
        for o in outlets:
            hit = by[group].get(o.name)
            if hit is None:
                continue
            _, a, c = hit
            cells.append({"outlet": o.name, "figure": numbers.describe(c), "where": c.where, "quoted_by": c.quoted_by,
                          "evidence": [evidence(a, c.span)]})
        rows.append({"group": group, "what": numbers.group_words(group), "outlets": cells})
    return rows


# ---------------------------------------------------------------- voices


@dataclass
class _VoiceUse:
    outlet: str
    article: StoryArticle
    name: str
    quotes: int
    words: int
    role: Optional[str]
    stances: dict[str, str]  # story actor key -> stance
    spans: list[Span]


def _voice_key(a: StoryArticle, v, keys: dict[str, str]) -> Optional[str]:
    if v.entity and v.entity in keys:
        return keys[v.entity]
    if v.kind in ("person", "organization") and v.name:
        return canonical(v.name)
    return None  # "the crowds", "one of the banners": nobody to name


def _voice_uses(outlets: list[_Outlet], actor_keys: dict[str, str]) -> dict[str, list[_VoiceUse]]:
    out: dict[str, list[_VoiceUse]] = defaultdict(list)
    for o in outlets:
        for a in o.articles:
            s = a.analysis.sourcing
            if s is None:
                continue
            keys = entity_keys(a.analysis)
            aliases = alias_index(a.analysis)
            quotes = {q.id: q for q in a.analysis.quotes}
            for v in s.voices:
                k = _voice_key(a, v, keys)
                if k is None:
                    continue
                stances = {}
                for st in v.stances:
                    story_key = actor_keys.get(aliases.get(canonical(st.name), canonical(st.name)))
                    if story_key and st.stance in ("favourable", "critical"):
                        stances[story_key] = st.stance
                spans = list(v.mentions) or [quotes[i].span for i in v.quote_ids if i in quotes][:1]
                ent = a.analysis.entity(v.entity)
                name = v.name or (ent.name if ent is not None else k)
                out[k].append(_VoiceUse(o.name, a, name, v.quotes, v.words, v.role, stances, spans))
    return out


def _voices(uses: dict[str, list[_VoiceUse]], actor_names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for k, us in uses.items():
        by_outlet: dict[str, dict[str, Any]] = {}
        for u in us:
            row = by_outlet.setdefault(u.outlet, {"outlet": u.outlet, "quotes": 0, "words": 0, "role": u.role, "stances": {}, "evidence": []})
            row["quotes"] += u.quotes
            row["words"] += u.words
            row["stances"].update({actor_names[a]: s for a, s in u.stances.items()})
            row["evidence"].extend(evidence(u.article, sp) for sp in u.spans[:2])
        rows.append({"name": us[0].name, "key": k, "outlets": sorted(by_outlet.values(), key=lambda r: r["outlet"])})
    rows.sort(key=lambda r: (-len(r["outlets"]), -sum(x["quotes"] for x in r["outlets"]), r["key"]))
    return rows


def _one_sided(o: _Outlet) -> bool:
    return any(a.analysis.sourcing is not None and a.analysis.sourcing.one_sided for a in o.articles)


def _same_side(u: _VoiceUse, camp: list[_VoiceUse]) -> bool:
    return any(c.stances.get(actor) == s for c in camp for actor, s in u.stances.items())


def _voices_left_out(outlets: list[_Outlet], uses: dict[str, list[_VoiceUse]]) -> list[dict[str, Any]]:
    """An outlet whose sourcing is one-sided, beside outlets that quote voices outside its camp."""
    out = []
    for o in outlets:
        if not _one_sided(o):
            continue
        mine = [u for us in uses.values() for u in us if u.outlet == o.name]
        my_keys = {k for k, us in uses.items() if any(u.outlet == o.name for u in us)}
        missing: list[_VoiceUse] = []
        for k, us in sorted(uses.items()):
            if k in my_keys:
                continue
            others = [u for u in us if u.outlet != o.name]
            pick = next((u for u in others if not _one_sided(_Outlet(u.outlet, [u.article])) and not _same_side(u, mine)), None)
            if pick is not None and pick.spans:
                missing.append(pick)
        if not missing or not mine:
            continue
        missing.sort(key=lambda u: (u.outlet, u.spans[0][0]))
        who = _list([f"{u.name} ({u.outlet})" for u in missing[:6]])
        own = _list(sorted({u.name for u in mine})[:4])
        message = (
            f"{o.name} quotes one side only ({own}); the story's other outlets also quote {who}, "
            f"whom {o.name} leaves out."
        )
        ev = [evidence(u.article, u.spans[0]) for u in missing[:_MAX_EVIDENCE]]
        ev += [evidence(u.article, u.spans[0]) for u in mine if u.spans][:3]
        out.append({"kind": "voices_left_out", "outlet": o.name, "voices": [u.name for u in missing], "message": message, "evidence": ev})
    return out


# ---------------------------------------------------------------- omissions


def _majority(n_report: int, n_others: int) -> bool:
    return n_report >= 2 and n_report * 2 > n_others


def _omissions(outlets: list[_Outlet], actors: dict[str, _Actor], uses: dict[str, list[_VoiceUse]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    names = [o.name for o in outlets]
    if len(names) < 3:
        return out
    # figures per counted group
    figures: dict[str, dict[str, tuple[StoryArticle, numbers.Claim]]] = defaultdict(dict)
    events: dict[str, dict[str, tuple[StoryArticle, Span, str]]] = defaultdict(dict)
    for o in outlets:
        for a in o.articles:
            title, tspan, lead = title_and_lead(a.analysis)
            for c in numbers.claims(a.analysis, tspan, lead):
                figures[c.group].setdefault(o.name, (a, c))
            keys = entity_keys(a.analysis)
            for ev in a.analysis.events:
                for p in ev.actors:
                    if p.entity and p.entity in keys and a.analysis.entity(p.entity).type in _ACTOR_TYPES:
                        label = f"{ev.type.lower()} by {a.analysis.entity(p.entity).name}"
                        events[f"{ev.type}:{keys[p.entity]}"].setdefault(o.name, (a, ev.trigger.span, label))
    for o in outlets:
        others = [n for n in names if n != o.name]
        for act in sorted(actors.values(), key=lambda x: x.key):
            rep = [n for n in others if n in act.outlets]
            if o.name in act.outlets or not _majority(len(rep), len(others)):
                continue
            if any(_mentions_name(a, act.name, act.key) for a in o.articles):
                continue
            ev = [evidence(*act.first[n]) for n in rep][:_MAX_EVIDENCE]
            out.append({"kind": "actor", "outlet": o.name, "what": act.name,
                        "message": f"{o.name} does not name {act.name}, whom {len(rep)} of the {len(others)} other outlets name.", "evidence": ev})
        for key, us in sorted(uses.items()):
            quoted = {u.outlet: u for u in us if u.spans}
            rep = [n for n in others if n in quoted]
            if o.name in quoted or not _majority(len(rep), len(others)):
                continue
            name = quoted[rep[0]].name
            ev = [evidence(quoted[n].article, quoted[n].spans[0]) for n in rep][:_MAX_EVIDENCE]
            out.append({"kind": "voice", "outlet": o.name, "what": name,
                        "message": f"{o.name} does not quote {name}, whom {len(rep)} of the {len(others)} other outlets quote.", "evidence": ev})
        for group, by in sorted(figures.items()):
            rep = [n for n in others if n in by]
            if o.name in by or not _majority(len(rep), len(others)):
                continue
            ev = [evidence(by[n][0], by[n][1].span) for n in rep]
            out.append({"kind": "figure", "outlet": o.name, "what": numbers.group_words(group),
                        "message": f"{o.name} gives no figure for the {numbers.group_words(group)}; {len(rep)} of the {len(others)} other outlets do.", "evidence": ev})
        for key, by in sorted(events.items()):
            rep = [n for n in others if n in by]
            if o.name in by or not _majority(len(rep), len(others)):
                continue
            label = by[rep[0]][2]
            ev = [evidence(by[n][0], by[n][1]) for n in rep]
            out.append({"kind": "event", "outlet": o.name, "what": label,
                        "message": f"{o.name} does not report the {label} that {len(rep)} of the {len(others)} other outlets report.", "evidence": ev})
    return out


# ---------------------------------------------------------------- techniques and labels


def _inside_quotes(a: StoryArticle) -> list[Span]:
    return sorted(q.span for q in a.analysis.quotes if q.kind in _QUOTE_KINDS_INSIDE)


def _quoted(span: Span, quote_spans: list[Span]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in quote_spans)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _techniques(outlets: list[_Outlet]) -> list[dict[str, Any]]:
    rows = []
    for o in outlets:
        own_words = quoted_words = own_n = quoted_n = 0
        ev: list[dict[str, Any]] = []
        for a in o.articles:
            text = a.analysis.document.text
            qspans = _inside_quotes(a)
            merged: list[list[int]] = []
            for s, e in qspans:
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            q_words = sum(_words(text[s:e]) for s, e in merged)
            quoted_words += q_words
            own_words += _words(text) - q_words
            anyattr = any(t.attributed_to is not None for t in a.analysis.techniques)
            for t in a.analysis.techniques:
                inside = t.attributed_to is not None if anyattr else _quoted(t.span, qspans)
                if inside:
                    quoted_n += 1
                else:
                    own_n += 1
                    if len(ev) < _MAX_EVIDENCE:
                        ev.append({**evidence(a, t.span), "technique": t.technique})
        rows.append({
            "outlet": o.name, "own": own_n, "own_words": own_words, "quoted": quoted_n, "quoted_words": quoted_words,
            "own_per_1000": round(1000 * own_n / own_words, 1) if own_words else 0.0,
            "quoted_per_1000": round(1000 * quoted_n / quoted_words, 1) if quoted_words else 0.0,
            "evidence": ev,
        })
    return rows


@lru_cache(maxsize=1)
def _label_words() -> dict[str, str]:
    """stories_actor_labels.txt: word -> the kind of label ("militia" -> armed group)."""
    out = {}
    for line in lexicon("stories_actor_labels"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) == 2:
            out[parts[1].lower()] = parts[0]
    return out


_NEAR = 50  # characters either side of a mention, kept inside its sentence


def _near_mentions(an: Analysis, ents) -> list[Span]:
    """Windows around an actor's mentions (inside the sentence): the words that name or label it."""
    from .numbers import _sentence_of

    out = []
    for e in ents:
        for s, t in e.mentions:
            ss, se = _sentence_of(an, s)
            out.append((max(ss, s - _NEAR), min(se, t + _NEAR)))
    return sorted(set(out))


def _labels(outlets: list[_Outlet], main: list[_Actor]) -> list[dict[str, Any]]:
    """The words each outlet uses near a main actor: loaded technique spans in the outlet's own
    words, label words from the list, and the descriptions the entities stage found."""
    lw = _label_words()
    rows = []
    for act in main:
        per = []
        for o in outlets:
            found: list[dict[str, Any]] = []
            seen: set[str] = set()
            for a in o.articles:
                an = a.analysis
                text = an.document.text
                keys = entity_keys(an)
                ents = [e for e in an.entities if keys[e.id] == act.key]
                if not ents:
                    continue
                qspans = _inside_quotes(a)
                near = _near_mentions(an, ents)
                for e in ents:
                    for d in e.descriptions:
                        pos = text.find(d)
                        if pos >= 0 and fold(d) not in seen:
                            seen.add(fold(d))
                            found.append({**evidence(a, (pos, pos + len(d))), "kind": "description"})
                for t in an.techniques:
                    if t.technique in ("Loaded_Language", "Name_Calling,Labeling") and not _quoted(t.span, qspans):
                        if any(s <= t.span[0] and t.span[1] <= e for s, e in near) and fold(t.text) not in seen:
                            seen.add(fold(t.text))
                            found.append({**evidence(a, t.span), "kind": "technique"})
                for s, e in near:
                    for m in _WORD.finditer(text[s:e]):
                        w = m.group(0).lower()
                        kind = lw.get(w) or lw.get(w.rstrip("s"))
                        span = (s + m.start(), s + m.end())
                        if kind and fold(m.group(0)) not in seen and not _quoted(span, qspans):
                            seen.add(fold(m.group(0)))
                            found.append({**evidence(a, span), "kind": kind})
            if found:
                per.append({"outlet": o.name, "words": found[:10]})
        if len(per) >= 2:
            rows.append({"actor": act.name, "outlets": per})
    return rows


# ---------------------------------------------------------------- headlines


def _headlines(articles: list[StoryArticle]) -> list[dict[str, Any]]:
    from .. import nlp

    rows = []
    for a in articles:
        title, tspan, _ = title_and_lead(a.analysis)
        row: dict[str, Any] = {"article": a.id, "outlet": a.outlet, "title": title, "actor": None, "verb": None, "evidence": []}
        if title and tspan is not None and a.analysis.document.text[tspan[0] : tspan[1]] == title:
            names = [(s - tspan[0], e - tspan[0]) for ent in a.analysis.entities for s, e in ent.mentions if tspan[0] <= s < tspan[1]]
            name_words = {w.lower() for ent in a.analysis.entities for n in (ent.name, *ent.aliases) for w in n.split()}
            doc, verb = _headline_verb(nlp, [_sentence_case(title, a.analysis, tspan[0]), title], names, name_words)
            if verb is None or verb.dep_ != "ROOT":
                in_title = [ev for ev in a.analysis.events if tspan[0] <= ev.trigger.span[0] and ev.trigger.span[1] <= tspan[1]]
                if in_title:  # the events stage read the headline: its first event frames it
                    ev = min(in_title, key=lambda e: e.trigger.span[0])
                    row["verb"] = ev.trigger.text
                    row["evidence"].append(evidence(a, ev.trigger.span))
                    actor = next((p for p in ev.actors if p.span is not None and tspan[0] <= p.span[0] < tspan[1]), None)
                    if actor is not None and actor.span is not None:
                        row["actor"] = actor.text
                        row["evidence"].append(evidence(a, actor.span))
                    else:
                        before = a.analysis.document.text[tspan[0] : ev.trigger.span[0]]
                        stripped = before.strip(" ,:;-–—")
                        if stripped:
                            start = tspan[0] + before.index(stripped)
                            row["actor"] = stripped
                            row["evidence"].append(evidence(a, (start, start + len(stripped))))
                    rows.append(row)
                    continue
            if verb is not None:
                row["verb"] = title[verb.idx : verb.idx + len(verb.text)]
                row["evidence"].append(evidence(a, (tspan[0] + verb.idx, tspan[0] + verb.idx + len(verb.text))))
                subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is not None:
                    toks = list(subj.subtree)
                else:  # "Militia march shuts ...": the words before the verb
                    toks = []
                    for t in reversed(doc[: verb.i]):
                        if t.is_punct:
                            break
                        toks.insert(0, t)
                if toks:
                    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
                    row["actor"] = title[s:e]
                    row["evidence"].append(evidence(a, (tspan[0] + s, tspan[0] + e)))
        rows.append(row)
    return rows


def _headline_verb(nlp, variants: list[str], names: list[Span], name_words: set[str]):
    """The main verb of a headline: the first parse whose root is a verb, else a finite verb that is
    not a "to" infinitive; (doc, None) when the headline has none (a noun phrase)."""
    docs = [nlp.parse(v) for v in dict.fromkeys(variants)]

    def named(t) -> bool:
        return any(s <= t.idx < e for s, e in names) or t.lower_ in name_words

    for doc in docs:
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is not None and root.pos_ == "VERB" and not named(root) and not (root.i > 0 and doc[root.i - 1].lower_ == "to"):
            return doc, root
    for doc in docs:
        for t in doc:
            if t.pos_ == "VERB" and t.i > 0 and doc[t.i - 1].lower_ != "to" and not named(t):
                return doc, t
    return docs[0], None


def _sentence_case(title: str, an: Analysis, offset: int) -> str:
    """Title Case parses badly ("Floods" as a noun): lower every word that is not part of a name,
    keeping the length so offsets still hold."""
    names = [(s - offset, e - offset) for ent in an.entities for s, e in ent.mentions if offset <= s < offset + len(title)]
    words = list(re.finditer(r"\S+", title))
    if sum(1 for w in words if w.group(0)[:1].isupper()) * 2 <= len(words):
        return title  # already sentence case
    chars = list(title)
    for i, w in enumerate(words):
        if i == 0 or any(s <= w.start() < e for s, e in names) or w.group(0).isupper():
            continue
        for j in range(w.start(), w.end()):
            chars[j] = chars[j].lower()
    out = "".join(chars)
    return out if len(out) == len(title) else title


# ---------------------------------------------------------------- summary


def _summary(articles, conflicts, left_out, omissions, techniques) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen_groups: set[str] = set()
    for c in conflicts:
        if c["group"] in seen_groups or c["severity"] != "warning":
            continue
        seen_groups.add(c["group"])
        o1, o2 = c["outlets"]
        out.append({"text": f"The outlets disagree on the {numbers.group_words(c['group'])}: {o1} gives {c['figures'][0]}, {o2} {c['figures'][1]}.",
                    "evidence": c["evidence"]})
    for v in left_out[:2]:
        out.append({"text": f"{v['outlet']} quotes one side only and leaves out {_list(v['voices'][:3])}, whom other outlets quote.",
                    "evidence": v["evidence"]})
    by_id = {a.id: a for a in articles}
    copies = [a for a in articles if a.copy_of is not None and a.copy_of in by_id]
    if copies:
        a = copies[0]
        more = f" (and {len(copies) - 1} more copies)" if len(copies) > 1 else ""
        out.append({"text": f"{a.outlet} reprints {by_id[a.copy_of].outlet}'s copy{more}, so it is not counted as separate coverage.",
                    "evidence": []})
    for om in [o for o in omissions if o["kind"] in ("actor", "figure")][:2]:
        out.append({"text": om["message"], "evidence": om["evidence"]})
    rated = [t for t in techniques if t["own_words"] >= 50]
    if len(rated) >= 2:
        hi = max(rated, key=lambda t: (t["own_per_1000"], t["outlet"]))
        lo = min(rated, key=lambda t: (t["own_per_1000"], t["outlet"]))
        if hi["own"] >= 3 and hi["own_per_1000"] >= 2 * max(lo["own_per_1000"], 1.0):
            out.append({"text": f"{hi['outlet']} uses persuasion techniques in its own words at {hi['own_per_1000']:g} per 1,000 words, {lo['outlet']} at {lo['own_per_1000']:g}.",
                        "evidence": hi["evidence"][:3]})
    return out


# ---------------------------------------------------------------- story


def story_title(articles: list[StoryArticle]) -> str:
    for a in articles:
        if a.copy_of is None:
            t = title_and_lead(a.analysis)[0]
            if t:
                return t
    return ""


def compare(story_id: str, articles: list[StoryArticle], *, headlines: bool = True) -> dict[str, Any]:
    """The story record: the JSONL form of the issue plus the details the HTML page shows."""
    outlets = _outlets(articles)
    actors = _actors(outlets)
    main = _main_actors(actors)
    names = _entity_names(outlets)  # stances may point at places too ("critical of Valdoria")
    uses = _voice_uses(outlets, {k: k for k in names})
    conflicts = _conflicts(outlets)
    left_out = _voices_left_out(outlets, uses)
    omissions = left_out + _omissions(outlets, actors, uses)
    techniques = _techniques(outlets)
    summary = _summary(articles, conflicts, left_out, omissions, techniques)
    return {
        "story": story_id,
        "title": story_title(articles),
        "articles": [
            {"id": a.id, "external_id": a.external_id, "source": a.outlet, "published": a.published, "copy_of": a.copy_of,
             "title": title_and_lead(a.analysis)[0]}
            for a in articles
        ],
        "outlets": [o.name for o in outlets],
        "main_actors": [m.name for m in main],
        "conflicts": conflicts,
        "figures": _figures(outlets),
        "voices": _voices(uses, names),
        "omissions": omissions,
        "techniques": techniques,
        "labels": _labels(outlets, main),
        "headlines": _headlines(articles) if headlines else [],
        "summary": " ".join(s["text"] for s in summary),
        "summary_sentences": summary,
    }
