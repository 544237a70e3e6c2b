"""Plain-language explanations: every technique finding names the technique in plain words and
the specific words of this text that carry it.

- a rule finding quotes its cue and the word list's own gloss:
  "Loaded language: ‘martyrs’ presents the dead as sacred sacrifices, inviting reverence instead of assessment."
- a model finding quotes the passage (or its key words when it is long) and says what the technique does;
  when a rule found a cue inside it, the cue and its gloss are named as well. Failing a rule cue, a
  repetition names the phrase repeated in the article and how often, and the other techniques name a
  cue of ``techniques_model_cues.txt`` found in the passage ("Causal oversimplification: ‘led to’ ...").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Sequence

from .. import resources
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


def for_model(
    technique: str,
    passage: str,
    hits: Sequence[RuleHit] = (),
    *,
    text: str | None = None,
    span: tuple[int, int] | None = None,
) -> str:
    """A model finding: the technique's description applied to this passage's words (and any rule cue in it).

    With the article ``text`` (and the passage's ``span`` in it), a repetition names the phrase that
    recurs in the article; any technique names a model cue from the passage when no rule cue does.
    """
    name, does = DESCRIPTIONS.get(technique, (technique.replace("_", " "), "is marked by the model as this technique"))
    if hits:
        hit = max(hits, key=lambda h: (h.grade, h.cue_end - h.cue_start))
        return f"{name}: {_quote(hit.cue)} {hit.gloss.rstrip('.')}; the passage {does}."
    if technique == "Repetition" and text:
        repeated = repeated_phrase(text, span if span is not None else _locate(text, passage))
        if repeated is not None:
            phrase, count = repeated
            times = "twice" if count == 2 else f"{count} times"
            return f"{name}: {_quote(phrase)} appears {times} in the article; repeating a phrase makes the message stick."
    found = model_cue(technique, passage)
    if found is not None:
        cue, gloss = found
        sentence = f"{name}: {_quote(cue)} {gloss}; the passage {does}."
        # one sentence a reader takes in at a glance: the cue and its gloss matter more than the generic clause
        return sentence if len(sentence) <= _MAX_SENTENCE else f"{name}: {_quote(cue)} {gloss}."
    folded = " ".join(passage.split())
    if len(folded) <= _QUOTE_WHOLE:
        return f"{name}: {_quote(folded)} {does}."
    words = key_words(folded)
    if not words:
        return f"{name}: {_quote(folded[:_QUOTE_WHOLE].rsplit(' ', 1)[0] + '…')} {does}."
    listed = ", ".join(_quote(w) for w in words[:-1]) + (" and " if len(words) > 1 else "") + _quote(words[-1])
    return f"{name}: the passage around {listed} {does}."


_MAX_SENTENCE = 250

# ---- repetition: the longest phrase of the passage that recurs in the article

_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")
_MAX_NGRAM = 6


def _locate(text: str, passage: str) -> tuple[int, int] | None:
    at = text.find(passage) if passage.strip() else -1
    return (at, at + len(passage)) if at >= 0 else None


@lru_cache(maxsize=2)
def _article_words(text: str) -> tuple[list[int], list[tuple[int, int]], list[str], dict[str, list[int]]]:
    """The article's word starts, offsets, lower-case words and where each word occurs: built once
    per article, so each finding's lookup costs the phrase's occurrences, not the article's length."""
    offsets = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [text[s:e].lower().replace("’", "'") for s, e in offsets]
    where: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        where.setdefault(w, []).append(i)
    return [s for s, _ in offsets], offsets, words, where


def _occurrences(words: list[str], where: dict[str, list[int]], gram: tuple[str, ...]) -> int:
    n = len(gram)
    return sum(1 for i in where.get(gram[0], ()) if tuple(words[i : i + n]) == gram)


def _content(word: str) -> bool:
    return word not in _STOP and len(word) > 2 and not word.isdigit()


def repeated_phrase(text: str, span: tuple[int, int] | None) -> tuple[str, int] | None:
    """The longest word sequence (1-6 words, first and last a content word) inside ``span`` that occurs
    more than once in ``text``, as the passage writes it (whitespace folded), and its count in the article.
    Ties go to the more frequent, then the first."""
    if span is None:
        return None
    start, end = span
    word_starts, offsets, words, where = _article_words(text)
    first = bisect_left(word_starts, start)
    last = bisect_left(word_starts, end) - 1
    while last >= first and offsets[last][1] > end:
        last -= 1
    if last < first:
        return None
    best: tuple[int, int, int] | None = None  # (n, count, i)
    for n in range(min(_MAX_NGRAM, last - first + 1), 0, -1):
        for i in range(first, last - n + 2):
            gram = tuple(words[i : i + n])
            if not (_content(gram[0]) and _content(gram[-1])):
                continue
            count = _occurrences(words, where, gram)
            if count >= 2 and (best is None or count > best[1]):
                best = (n, count, i)
        if best is not None:
            n, count, i = best
            return " ".join(text[offsets[i][0] : offsets[i + n - 1][1]].split()), count
    return None


# ---- model cues: words in the passage that carry the technique (techniques_model_cues.txt)


class _Cue:
    __slots__ = ("technique", "phrase", "gloss", "pattern", "size")

    def __init__(self, technique: str, phrase: str, gloss: str):
        self.technique, self.phrase, self.gloss = technique, phrase, gloss.rstrip(".")
        if phrase in {"?", "!"}:
            # the clause the mark closes: back to the previous sentence or clause boundary
            # anchored at a boundary and one character class wide, so hostile text cannot make it backtrack
            self.pattern = re.compile(r"(?:^|(?<=[.!?;:\n\"“”]))[^.!?;:\n\"“”]*" + re.escape(phrase))
            self.size = 0  # a last resort: any worded cue is more specific
        else:
            parts = []
            for chunk in phrase.split("..."):
                words = [re.escape(w).replace("'", "['’]") for w in chunk.split()]
                if words:
                    parts.append(r"\s+".join(words))
            body = r"\s+(?:\S+\s+){1,6}?".join(parts)  # "not ... but": one to six words between
            self.pattern = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
            self.size = len(" ".join(phrase.replace("...", " ").split()))


@lru_cache(maxsize=1)
def _model_cues() -> dict[str, tuple[_Cue, ...]]:
    by_technique: dict[str, list[_Cue]] = {}
    for line in resources.lexicon("techniques_model_cues"):
        cols = [c.strip() for c in line.split("|")]
        if len(cols) != 3 or not all(cols) or cols[0] not in TECHNIQUES:
            raise ValueError(f"lexicon techniques_model_cues: expected 'technique | cue | gloss' in line {line!r}")
        by_technique.setdefault(cols[0], []).append(_Cue(*cols))
    return {t: tuple(cues) for t, cues in by_technique.items()}


def model_cue(technique: str, passage: str) -> tuple[str, str] | None:
    """The technique's cue found in the passage, as the passage writes it (whitespace folded), and its
    gloss: the longest cue, then the first."""
    best: tuple[int, int, str, str] | None = None  # (-size, start, quoted, gloss)
    for cue in _model_cues().get(technique, ()):
        if cue.size == 0 and cue.phrase not in passage:
            continue  # the mark is absent: skip the clause search
        m = next((x for x in cue.pattern.finditer(passage) if cue.size or re.search(r"\w", x.group())), None)
        if m is None:
            continue
        quoted = " ".join(m.group().split())
        if cue.size == 0:
            quoted = quoted.lstrip("([{-–—,'‘’ ")
            while len(quoted) > _QUOTE_WHOLE and " " in quoted:
                quoted = quoted.split(" ", 1)[1]  # a long clause keeps its last words, nearest the mark
        key = (-cue.size, m.start(), quoted, cue.gloss)
        if best is None or key[:2] < best[:2]:
            best = key
    return (best[2], best[3]) if best is not None else None
