"""Entities: named people, organisations, places and groups, merged per referent.

Starts from spaCy's NER (``ctx.doc.ents``, never a second parse), repairs the
errors that recur in news (titles, particles, apostrophes, org heads, fused
spans), merges the surface forms of one referent (full name, surname, title +
surname, acronym), reads descriptions from appositions and pre-modifiers, and
finally links third-person pronouns and definite descriptions ("the commander")
to the entity they most plausibly refer to. A pronoun that speaks in a reporting cue and
that this leaves unresolved follows speaker continuity (``references``): "he said" goes to
the current speaker, "they insist" to the group that spoke in the same or previous sentence
(a common-noun group, "the protesters", becomes a GROUP entity when referred back to like
this). Everything is reported through ``Entity.mentions``; the quotes stage reads pronoun
speakers there and resolves none itself.

Type repair beyond the NER label: members of one coordinated list share the list's
prevailing type when their own evidence is the label alone (``clusters.repair_lists``); a name
that only ever modifies an organisation noun ("the X militia") is an ORG; a one-word
nationality adjective qualifying a thing ("Islamic Iran") is no GROUP; names found only in
a title-case headline line are dropped unless the body vouches for them. A surname (with
or without title) joins a full name only when title gender, a following he/she and the
title's role leave one candidate; a titled surname that stays ambiguous is its own entity.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ... import lexicons
from ...model import Entity
from ._common import Cluster, shown_gender
from .candidates import find_candidates, finish_mentions
from .clusters import (
    cluster_kind,
    cluster_mentions,
    headline_only,
    missed_mentions,
    repair_lists,
    shrink_headline_names,
    title_lines,
)
from .references import describe, resolve_references, roles_of


name = "entities"
requires: tuple[str, ...] = ()
assigns = "entities"


def _canonical(doc: Doc, c: Cluster) -> str:
    best = None
    best_key: tuple = ()
    counts: dict[str, int] = {}
    for m in c.mentions:
        counts[m.name] = counts.get(m.name, 0) + 1
    for m in c.mentions:
        if m.label == "ACRONYM":
            continue
        key = (len(m.words), len(m.name), not m.name.isupper(), not doc[m.tstart].is_sent_start, counts[m.name], -m.start)
        if best is None or key > best_key:
            best, best_key = m.name, key
    return best or c.mentions[0].name


def run(ctx) -> list[Entity]:
    doc: Doc = ctx.doc
    text: str = doc.text
    if len(doc) == 0:
        return []
    mentions = find_candidates(doc)
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.start, m.end):
            taken[k] = i
    mentions = finish_mentions(doc, text, mentions, taken)
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.tstart, m.end):
            taken[k] = i
    clusters = cluster_mentions(doc, mentions)
    for c in clusters:
        c.kind = cluster_kind(c)
    repair_lists(doc, clusters, mentions)
    lines = title_lines(text)
    headline = [bool(lines) and bool(c.kind) and headline_only(text, c, lines) for c in clusters]
    if any(headline):
        shrink_headline_names(doc, clusters, headline)
    for c, junk in zip(clusters, headline):
        # a voteless name (WORK_OF_ART/PRODUCT label, no org head, no list) and headline junk go
        if not c.kind or junk:
            for m in c.mentions:
                m.entity = -1
            c.mentions = []
        elif c.kind not in ("PERSON", "ORG", "PLACE", "GROUP"):
            c.kind = "OTHER"
    mentions = [m for m in mentions if m.entity >= 0]
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.tstart, m.end):
            taken[k] = i
    missed_mentions(doc, clusters, mentions, taken)
    mentions.sort(key=lambda m: m.start)
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.tstart, m.end):
            taken[k] = i
    # type, gender, descriptions and roles per entity
    for c in clusters:
        for m in c.mentions:
            c.gender = c.gender or m.gender
            for role in m.title_roles:
                if role:
                    c.roles.add(role)
            if c.kind in ("PERSON", "ORG", "GROUP"):
                for d, core in describe(doc, text, m, taken, mentions):
                    if d not in c.descriptions:
                        c.descriptions.append(d)
                    if core is not None:
                        c.extra.append(core)
        for d in c.descriptions:
            roles = roles_of(d)
            c.roles |= roles
            if not c.gender and c.kind == "PERSON":
                for r in roles:
                    g = lexicons.role_nouns().get(r, "")
                    if g:
                        c.gender = g
                        break
    par_starts = [s for s, _ in (ctx.analysis.document.paragraphs or [])] if ctx.analysis is not None else []
    if not par_starts or par_starts[0] > 0:
        par_starts = [0] + par_starts
    resolve_references(doc, clusters, mentions, taken, par_starts)
    # assemble in order of first mention
    built = []
    for c in clusters:
        if not c.mentions:
            continue
        spans = sorted({m.span for m in c.mentions} | set(c.extra))
        aliases: list[str] = []
        for m in sorted(c.mentions, key=lambda m: m.span):
            alias = text[m.span[0] : m.span[1]]
            if alias not in aliases:
                aliases.append(alias)
        built.append((spans[0], c, spans, aliases))
    built.sort(key=lambda b: b[0])
    out = []
    for i, (_, c, spans, aliases) in enumerate(built, 1):
        out.append(
            Entity(
                id=f"E{i}",
                name=_canonical(doc, c),
                type=c.kind if c.kind in ("PERSON", "ORG", "PLACE", "GROUP", "OTHER") else "OTHER",
                aliases=aliases,
                descriptions=c.descriptions,
                mentions=[tuple(s) for s in spans],
                gender=lexicons.GENDER_NAMES.get(shown_gender(text, c, spans)) if c.kind == "PERSON" else None,
            )
        )
    return out
