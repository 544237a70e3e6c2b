"""Plain-language explanations: every technique finding names the technique in plain words and
the specific words of this text that carry it.

- a rule finding quotes its cue and the word list's own gloss:
  "Loaded language: ‘martyrs’ presents the dead as sacred sacrifices, inviting reverence instead of assessment."
- a model finding quotes the passage (or its key words when it is long) and says what the technique does;
  when a rule found a cue inside it, the cue and its gloss are named as well.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from ..model import TECHNIQUES
from .rules import RuleHit, entries

# Technique -> (plain name, what it does: a predicate that reads after the quoted words).
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "Appeal_to_Authority": ("Appeal to authority", "rests a claim on who says it rather than on evidence"),
    "Appeal_to_fear-prejudice": ("Appeal to fear", "seeks support by stirring fear or prejudice about what happens otherwise"),
    "Bandwagon,Reductio_ad_hitlerum": (
        "Bandwagon or guilt by association",
        "urges agreement because many agree, or condemns an idea by linking it to hated people",
    ),
    "Black-and-White_Fallacy": ("Black-and-white thinking", "presents two options as if they were the only ones"),
    "Causal_Oversimplification": ("Causal oversimplification", "gives a single cause for an outcome that has several"),
    "Doubt": ("Doubt", "questions someone's credibility without giving grounds for it"),
    "Exaggeration,Minimisation": (
        "Exaggeration or minimisation",
        "makes the matter seem larger or smaller than the facts support",
    ),
    "Flag-Waving": ("Flag-waving", "appeals to national or group loyalty in place of an argument"),
    "Loaded_Language": ("Loaded language", "uses emotionally charged words to sway the reader rather than inform"),
    "Name_Calling,Labeling": ("Name calling", "pins a label on people that invites fear, contempt or admiration"),
    "Repetition": ("Repetition", "repeats the same message so that it sticks"),
    "Slogans": ("Slogan", "is a brief, striking phrase that stands in for an argument"),
    "Thought-terminating_Cliches": ("Thought-terminating cliché", "is a stock phrase that discourages further thought"),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Whataboutism, straw man or red herring",
        "deflects from the issue by pointing at others, distorting the other view or changing the subject",
    ),
}
assert set(DESCRIPTIONS) == set(TECHNIQUES)

# Passages up to this many characters are quoted whole; longer ones by their key words.
_QUOTE_WHOLE = 70
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being it its this that these those "
    "he she they we you i his her their our your my him them us me who whom which what when where why how not no nor "
    "so than then there here have has had do does did will would shall should can could may might must also just very "
    "more most some any all each every other such only own same too into over under about after before while if because "
    "said says say told according one two up out down off again further once".split()
)


def plain_name(technique: str) -> str:
    return DESCRIPTIONS.get(technique, (technique.replace("_", " "), ""))[0]


def _quote(s: str) -> str:
    return f"‘{' '.join(s.split())}’"


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    """Single words of every rule entry: the first choice for a long passage's key words."""
    return frozenset(w for e in entries() for w in e.words if w.isalpha() and w not in _STOP and len(w) > 2)


def key_words(passage: str, limit: int = 3) -> list[str]:
    """The passage's most telling words, in text order: word-list words first, then the longest others."""
    words = [m.group() for m in _WORD.finditer(passage)]
    seen: set[str] = set()
    unique = []
    for w in words:
        if w.lower() not in seen and w.lower() not in _STOP and len(w) > 2:
            seen.add(w.lower())
            unique.append(w)
    cue = _cue_words()
    ranked = sorted(range(len(unique)), key=lambda i: (unique[i].lower() not in cue, -len(unique[i]), i))
    chosen = sorted(ranked[:limit])
    return [unique[i] for i in chosen]


def for_rule(hit: RuleHit, weak: bool = False) -> str:
    """'Loaded language: ‘martyrs’ presents the dead as sacred sacrifices, ...'; a weak cue says so."""
    name = plain_name(hit.technique)
    if weak:
        name += " (weak cue: often used plainly, so read the context)"
    return f"{name}: {_quote(hit.cue)} {hit.gloss.rstrip('.')}."


def for_model(technique: str, passage: str, hits: Sequence[RuleHit] = ()) -> str:
    """A model finding: the technique's description applied to this passage's words (and any rule cue in it)."""
    name, does = DESCRIPTIONS.get(technique, (technique.replace("_", " "), "is marked by the model as this technique"))
    if hits:
        hit = max(hits, key=lambda h: (h.grade, h.cue_end - h.cue_start))
        return f"{name}: {_quote(hit.cue)} {hit.gloss.rstrip('.')}; the passage {does}."
    text = " ".join(passage.split())
    if len(text) <= _QUOTE_WHOLE:
        return f"{name}: {_quote(text)} {does}."
    words = key_words(text)
    if not words:
        return f"{name}: {_quote(text[:_QUOTE_WHOLE].rsplit(' ', 1)[0] + '…')} {does}."
    listed = ", ".join(_quote(w) for w in words[:-1]) + (" and " if len(words) > 1 else "") + _quote(words[-1])
    return f"{name}: the passage around {listed} {does}."
