"""Word lists, mention and cluster records, and token helpers the parts of the entity stage share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Token

from ... import lexicons
from ...resources import lexicon


SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


@lru_cache(maxsize=1)
def _title_max_len() -> int:
    return max((len(k) for k in lexicons.titles()), default=1)


@lru_cache(maxsize=1)
def role_lasts() -> frozenset[str]:
    return frozenset(r.split()[-1] for r in lexicons.role_nouns())


@lru_cache(maxsize=1)
def particles() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("entity_particles"))


@lru_cache(maxsize=1)
def org_keywords() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("entity_org_keywords"))


@lru_cache(maxsize=1)
def place_keywords() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("entity_place_keywords"))


@lru_cache(maxsize=1)
def people_nouns() -> frozenset[str]:
    return lexicons.people_nouns() | frozenset(
        r for r in lexicons.role_nouns() if " " not in r
    )


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    return frozenset(v.lemma for v in lexicons.reporting_verbs() if v.kind == "speech")


@lru_cache(maxsize=1)
def reporting_lemmas() -> frozenset[str]:
    """Every reporting verb, whatever its cue kind ("said", "believes", "showed")."""
    return frozenset(lexicons.reporting_index().verb_kind)


def given_gender(word: str) -> str:
    """m/f for a known first name; f as a weak guess for unknown names ending in -a."""
    known = lexicons.given_names().get(word)
    if known:
        return known
    if len(word) > 3 and word.isalpha() and word.endswith("a"):
        return "f"
    return ""


@dataclass
class Mention:
    start: int  # first token of the name proper (titles excluded)
    end: int  # token after the name
    tstart: int  # first token including titles
    label: str  # NER label, or TITLE / ACRONYM for names found otherwise
    votes: dict[str, float] = field(default_factory=dict)
    title_roles: list[str] = field(default_factory=list)
    gender: str = ""
    title_gender: str = ""  # from a title written with the name ("Mrs.", "Congressman")
    honorific: bool = False
    span: tuple[int, int] = (0, 0)  # characters, titles included
    name: str = ""  # surface name without titles
    words: list[str] = field(default_factory=list)
    entity: int = -1
    head: int = -1
    by_surname: bool = False  # joined as a surname: its NER label says little
    dateline: bool = False
    strong: bool = False  # typed by more than the NER label (head word, title, given name...)
    org_modifier: bool = False  # modifies an organisation noun: "the X militia"
    pronoun_gender: str = ""  # gender of the next pronoun in its sentence, a hint only

    def vote(self, kind: str, weight: float) -> None:
        self.votes[kind] = self.votes.get(kind, 0.0) + weight

    @property
    def kind(self) -> str:
        return max(self.votes.items(), key=lambda kv: kv[1])[0] if self.votes else "OTHER"


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # of the longest name form
    kind: str = ""
    acronym: str = ""
    descriptions: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    gender: str = ""
    extra: list[tuple[int, int]] = field(default_factory=list)  # pronouns, descriptions

    def votes(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for m in self.mentions:
            if m.by_surname:
                continue
            for k, v in m.votes.items():
                total[k] = total.get(k, 0.0) + v
        return total


def shown_gender(text: str, c: Cluster, spans: list[tuple[int, int]]) -> str:
    """The gender (m, f or "") the article itself shows for a person in ``spans`` and the
    cluster's titles and roles: pronouns resolved to them, titles written with the name,
    gendered role nouns describing them (never a guess from a first name). "" when nothing
    shows it or the signs disagree evenly."""
    votes = {"m": 0, "f": 0}
    pronouns = lexicons.pronouns()
    for s, e in spans:
        p = pronouns.get(text[s:e].lower())
        if p is not None and p.gender in votes:
            votes[p.gender] += 1
    for m in c.mentions:
        if m.title_gender in votes:
            votes[m.title_gender] += 1
    roles = lexicons.role_nouns()
    for r in c.roles:
        if roles.get(r, "") in votes:
            votes[roles[r]] += 1
    if votes["m"] == votes["f"]:
        return ""
    return "m" if votes["m"] > votes["f"] else "f"


def is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper()


def is_particle(tok: Token) -> bool:
    return tok.text.lower() in particles()


def glued(a: Token, b: Token) -> bool:
    """``a`` and ``b`` are written with no space between them."""
    return a.idx + len(a.text) == b.idx


def title_key(doc: Doc, s: int, e: int) -> tuple[str, ...]:
    """Normalised title words of tokens s..e; a split-off abbreviation dot ("Sens", ".") and
    a non-breaking space between words are not words."""
    return tuple(lexicons.norm_word(t.text) for t in doc[s:e] if t.text != "." and not t.is_space)


@lru_cache(maxsize=1)
def _title_firsts() -> frozenset[str]:
    return frozenset(k[0] for k in lexicons.titles())


def match_title_at(doc: Doc, i: int, limit: int) -> int:
    """Length (in tokens) of the longest title starting at token i and ending before ``limit``."""
    if i >= limit or not is_cap(doc[i]) or lexicons.norm_word(doc[i].text) not in _title_firsts():
        return 0
    titles = lexicons.titles()
    best = 0
    for n in range(1, min(2 * _title_max_len(), limit - i) + 1):
        last = doc[i + n - 1]
        if last.is_space or (n > 1 and last.text == "." and not glued(doc[i + n - 2], last)):
            continue
        key = title_key(doc, i, i + n)
        if key in titles:
            best = n
    return best


def match_title_before(doc: Doc, end: int, floor: int) -> int:
    """Length of the longest title that ends just before token ``end`` (not before ``floor``)."""
    titles = lexicons.titles()
    best = 0
    for n in range(1, 2 * _title_max_len() + 1):
        s = end - n
        if s < floor:
            break
        if not is_cap(doc[s]):
            continue
        if title_key(doc, s, end) in titles:
            best = n
    return best


def title_info(doc: Doc, s: int, e: int) -> tuple[str, str]:
    return lexicons.titles().get(title_key(doc, s, e), ("", ""))


def name_token(tok: Token) -> bool:
    """A token that can continue a name: capitalised word, particle or inner hyphen/apostrophe."""
    if tok.is_space or "\n" in tok.text:
        return False
    if is_cap(tok) and (tok.is_alpha or any(c.isalpha() for c in tok.text)):
        return True
    return is_particle(tok)


def initials(words: list[str]) -> str:
    skip = {"of", "the", "and", "for", "in", "on", "at", "to", "&"}
    letters = []
    for w in words:
        if w in skip or w in particles():
            continue
        for piece in w.split("-"):
            if piece and piece[0].isalpha():
                letters.append(piece[0])
    return "".join(letters)


def acronym_key(surface: str) -> str:
    letters = surface.replace(".", "")
    if 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper():
        return letters.lower()
    return ""
