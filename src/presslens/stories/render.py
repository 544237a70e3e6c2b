"""The side-by-side page of one story: one column per outlet, the shared facts in aligned rows,
the differences marked, each column linked to its article's report.

Self-contained HTML with no script at all; a Content-Security-Policy allows only the page's own
style (by hash). Every string from an article or its metadata is escaped by the template.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import __version__

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_ARTICLE_URL = "/articles/{id}"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@lru_cache(maxsize=1)
def _css() -> str:
    tmpl = _env().get_template("story.html.j2")
    return "".join(tmpl.blocks["css"](tmpl.new_context({})))


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def article_link(pattern: str, article_id: Any) -> str | None:
    """The report link of an article: the pattern with {id} filled (URL-quoted); only relative
    paths and http(s) URLs are links."""
    url = pattern.replace("{id}", quote(str(article_id), safe=""))
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return None
    if not parts.scheme and (url.startswith("//") or ":" in url.split("/", 1)[0]):
        return None
    return url


def _columns(story: dict[str, Any], pattern: str) -> list[dict[str, Any]]:
    heads = {h["article"]: h for h in story.get("headlines", [])}
    copies: dict[Any, list[dict[str, Any]]] = {}
    for a in story["articles"]:
        if a["copy_of"] is not None:
            copies.setdefault(a["copy_of"], []).append(a)
    cols: dict[str, dict[str, Any]] = {}
    for a in story["articles"]:
        if a["copy_of"] is not None:
            continue
        col = cols.setdefault(a["source"], {"outlet": a["source"], "articles": []})
        h = heads.get(a["id"], {})
        col["articles"].append({
            "id": a["id"], "title": a.get("title") or "(no headline)", "published": a["published"],
            "link": article_link(pattern, a["id"]), "actor": h.get("actor"), "verb": h.get("verb"),
            "copies": [{"source": c["source"], "published": c["published"], "link": article_link(pattern, c["id"])}
                       for c in copies.get(a["id"], [])],
        })
    return [cols[o] for o in story["outlets"] if o in cols]


def _rows(story: dict[str, Any]) -> list[dict[str, Any]]:
    """Aligned rows: one per shared fact; cells are None where an outlet has nothing."""
    outlets = story["outlets"]
    rows = []
    conflicted = {(c["group"], o) for c in story["conflicts"] for o in c["outlets"]}
    for f in story.get("figures", []):
        cells = {c["outlet"]: c for c in f["outlets"]}
        row = {"label": f"How many: {f['what']}", "cells": []}
        for o in outlets:
            c = cells.get(o)
            row["cells"].append(None if c is None else {
                "text": c["figure"], "quote": c["evidence"][0]["text"], "diff": (f["group"], o) in conflicted,
                "note": f"quoting {c['quoted_by']}" if c["quoted_by"] else c["where"],
            })
        rows.append(row)
    missing = {(m["outlet"], m.get("what")) for m in story["omissions"] if m["kind"] == "actor"}
    left_out = {m["outlet"] for m in story["omissions"] if m["kind"] == "voices_left_out"}
    voices_by_outlet: dict[str, list[str]] = {o: [] for o in outlets}
    for v in story["voices"]:
        for c in v["outlets"]:
            if c["outlet"] in voices_by_outlet:
                voices_by_outlet[c["outlet"]].append(f"{v['name']} ({c['quotes']})")
    rows.append({"label": "Who is quoted (quotes)", "cells": [
        {"text": "; ".join(voices_by_outlet[o]) or "nobody named", "quote": None, "diff": o in left_out,
         "note": "one side only" if o in left_out else ""} for o in outlets]})
    labels = {l["actor"]: {c["outlet"]: c for c in l["outlets"]} for l in story.get("labels", [])}
    for name in story.get("main_actors", []):
        per = labels.get(name, {})
        cells = []
        for o in outlets:
            if (o, name) in missing:
                cells.append({"text": "not named", "quote": None, "diff": True, "note": "left out"})
                continue
            words = [w["text"] for w in per.get(o, {}).get("words", [])]
            cells.append({"text": ", ".join(words) if words else "named, no label", "quote": None, "diff": False, "note": ""})
        distinct = {c["text"] for c in cells}
        if len(distinct) > 1:
            for c in cells:
                c["diff"] = True
        rows.append({"label": f"Words for {name}", "cells": cells})
    tech = {t["outlet"]: t for t in story.get("techniques", [])}
    rates = [tech[o]["own_per_1000"] for o in outlets if o in tech]
    top = max(rates) if rates else 0.0
    rows.append({"label": "Persuasion techniques per 1,000 words (own words / inside quotes)", "cells": [
        None if o not in tech else {
            "text": f"{tech[o]['own_per_1000']:g} / {tech[o]['quoted_per_1000']:g}", "quote": None,
            "diff": top > 0 and tech[o]["own_per_1000"] == top and len(rates) > 1 and min(rates) * 2 < top,
            "note": f"{tech[o]['own']} in its own words, {tech[o]['quoted']} in quotes"}
        for o in outlets]})
    return rows


def render_story_html(story: dict[str, Any], article_url: str = DEFAULT_ARTICLE_URL) -> str:
    """The side-by-side page of a story record from `presslens.stories.compare`."""
    csp = f"default-src 'none'; style-src '{_sha256(_css())}'; img-src data:; base-uri 'none'; form-action 'none'"
    n_copies = sum(1 for a in story["articles"] if a["copy_of"] is not None)
    return _env().get_template("story.html.j2").render(
        story=story, title=story["title"] or f"Story {story['story']}", csp=csp, version=__version__,
        columns=_columns(story, article_url), rows=_rows(story), outlets=story["outlets"], n_copies=n_copies,
    )


@lru_cache(maxsize=1)
def _list_css() -> str:
    tmpl = _env().get_template("stories.html.j2")
    return "".join(tmpl.blocks["css"](tmpl.new_context({})))


def render_stories_html(stories: list[dict[str, Any]], story_url: str = "/stories/{id}", title: str = "Stories") -> str:
    """A list page of stories: title, outlets, disagreements, summary, each linked to its page."""
    csp = f"default-src 'none'; style-src '{_sha256(_list_css())}'; img-src data:; base-uri 'none'; form-action 'none'"
    rows = [{
        "story": s["story"], "title": s["title"] or f"Story {s['story']}", "link": article_link(story_url, s["story"]),
        "outlets": s["outlets"], "articles": len(s["articles"]), "conflicts": len(s["conflicts"]),
        "omissions": len(s["omissions"]), "summary": s["summary"],
        "published": sorted({a["published"] for a in s["articles"] if a["published"]}),
    } for s in stories]
    return _env().get_template("stories.html.j2").render(rows=rows, title=title, csp=csp, version=__version__)
