"""References: descriptions of an entity (appositions, role nouns) and the pronouns and definite descriptions that refer back to it.

Pronouns are scored against the recent entities (recency, subjects, speakers, salience). A
pronoun that speaks in a reporting cue (lexicon ``reporting_verbs``) and that the scores leave
unresolved follows speaker continuity: "he said" after a quote of X is X, unless another person
of that gender became the subject since; "they insist" is the group that spoke in the same or
previous sentence, even one named by a common noun only ("the protesters")."""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ... import lexicons
from ._common import (
    POSSESSIVE,
    SUBJECT_DEPS,
    Cluster,
    Mention,
    glued,
    reporting_lemmas,
    role_lasts,
    shown_gender,
    speech_verbs,
)


# How far back a pronoun / definite description may look, in paragraphs.
PRONOUN_PARAGRAPHS = 3
DESCRIPTION_PARAGRAPHS = 6
MAX_DESCRIPTION_TOKENS = 16
SPEAKER_RECENT = 1.0
SPEAKER_EARLIER = 0.5
# Speaker continuity, for a pronoun that speaks and that the scores leave unresolved: the
# current speaker holds this many paragraphs on; else the pronoun walks back over this many
# person subjects.
CURRENT_SPEAKER_PARAGRAPHS = 2
SUBJECT_WALK_BACK = 8
GROUP_NOUN_TOKENS = 6  # a longer run of modifiers before a group noun is a description, not its name


def _clean_edges(doc: Doc, s: int, e: int) -> tuple[int, int]:
    while s < e and (doc[s].is_punct or doc[s].is_space or doc[s].pos_ == "CCONJ"):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space or doc[e - 1].pos_ in ("CCONJ", "PART") and doc[e - 1].text in POSSESSIVE):
        e -= 1
    return s, e


def describe(
    doc: Doc, text: str, m: Mention, taken: list[int], mentions: list[Mention]
) -> list[tuple[str, tuple[int, int] | None]]:
    """Descriptions of a name mention, each with the span of its role noun phrase when that
    phrase stands in apposition ("A spokeswoman" in "A spokeswoman for X, Y, said")."""
    out: list[tuple[str, tuple[int, int] | None]] = []

    def add(s: int, e: int, head: int = -1) -> None:
        for k in range(s + 1, e):  # "a retired teacher who has lived here for years" -> "a retired teacher"
            if doc[k].tag_ in ("WP", "WDT", "WP$"):
                e = k
                break
        s, e = _clean_edges(doc, s, e)
        if s >= e or e - s > MAX_DESCRIPTION_TOKENS:
            return
        if any("\n" in doc[k].text for k in range(s, e)):
            return
        if not any(doc[k].pos_ in ("NOUN", "PROPN") for k in range(s, e)):
            return
        core = None
        if s <= head < e and doc[head].pos_ in ("NOUN", "PROPN") and taken[head] < 0:
            core = (doc[s].idx, doc[head].idx + len(doc[head].text))
        out.append((text[doc[s].idx : doc[e - 1].idx + len(doc[e - 1].text)], core))

    span_tokens = range(m.tstart, m.end)
    head = doc[m.head]
    # apposition after the name: "X, the secretary general of Y"
    for tok in span_tokens:
        for child in doc[tok].children:
            if (
                child.dep_ == "appos"
                and child.i >= m.end
                and child.left_edge.i in (m.end, m.end + 1)
                and doc[m.end].text in (",", "(", "—", "–")
                and child.pos_ == "NOUN"
                and taken[child.i] < 0
            ):
                add(child.left_edge.i, child.right_edge.i + 1, child.i)
    # the name is the apposition: "Secretary General of the Badr Organization Hadi al-Amiri"
    gov = head.head
    if head.dep_ == "appos" and not (m.tstart <= gov.i < m.end) and gov.pos_ in ("NOUN", "PROPN") and taken[gov.i] < 0:
        a, b = (gov.left_edge.i, m.tstart) if gov.i < m.tstart else (m.end, gov.right_edge.i + 1)
        between = doc[gov.i + 1 : m.tstart] if gov.i < m.tstart else doc[m.end : gov.i]
        near = all(t.text in (",", "(", "—", "–") for t in between)
        clean = not any(t.text in (":", ";", '"', "“", "”") or "\n" in t.text for t in doc[a:b])
        if clean and (near or gov.lower_ in role_lasts()):
            add(a, b, gov.i)
    # a role phrase opening the sentence, then the name: "A spokeswoman for the League, Mira Justen, said"
    if not out and m.tstart >= 2 and doc[m.tstart - 1].text == "," and m.end < len(doc) and doc[m.end].text in (",", "said"):
        sent_start = doc[m.tstart].sent.start
        first = sent_start
        while first < m.tstart and (doc[first].is_punct or doc[first].is_space):
            first += 1
        phrase = doc[first : m.tstart - 1]
        if 0 < len(phrase) <= 12 and not any(t.pos_ in ("VERB", "AUX") or (t.is_punct and t.text not in "-’'") for t in phrase):
            roles = [t for t in phrase if t.pos_ == "NOUN" and t.lower_ in role_lasts()]
            if roles and roles[0].i - first <= 3:
                add(first, m.tstart - 1, roles[0].i)
    # pre-modifiers: "PMU head X", "prominent Shia cleric Grand Ayatollah X"
    j = m.tstart - 1
    if j >= 0:
        prev = doc[j]
        if (
            prev.pos_ == "NOUN"
            and prev.text.islower()
            and prev.is_alpha
            and (prev.lower_ in role_lasts() or (prev.head.i in span_tokens and prev.dep_ in ("compound", "nmod", "amod")))
        ):
            k = j
            sent_start = prev.sent.start
            while k - 1 >= sent_start:
                t = doc[k - 1]
                if t.is_space or "\n" in t.text:
                    break
                if t.pos_ in ("NOUN", "ADJ", "PROPN", "NUM") or (t.text in ("-", "‑") and glued(t, doc[k])):
                    k -= 1
                elif t.text in POSSESSIVE and k - 2 >= sent_start and doc[k - 2].pos_ in ("PROPN", "NOUN"):
                    k -= 1
                else:
                    break
                if j - k >= 8:
                    break
            add(k, j + 1)
    return out


def roles_of(description: str) -> set[str]:
    """Role nouns of a description: its head before 'of'/'for', longest lexicon match first."""
    words = [w.strip(",.;:").replace("’", "'") for w in description.lower().split()]
    for stop in ("of", "for", "at", "in", "with", "from", "who", "that", "on"):
        if stop in words:
            words = words[: words.index(stop)]
    words = [w[:-2] if w.endswith("'s") else w for w in words if w]
    if not words:
        return set()
    roles = lexicons.role_nouns()
    for n in range(min(4, len(words)), 1, -1):
        cand = " ".join(words[-n:])
        if cand in roles:
            return {cand}
    return {words[-1]}


@dataclass
class _State:
    last_tok: int = -1
    last_sent: int = -1
    last_par: int = -1
    subject: bool = False  # the last mention was a subject
    subj_sent: int = -99  # sentence of the last subject mention
    speaker_sent: int = -99  # sentence of the last mention as subject of a speech verb
    count: int = 0


def _subject_of(tok: Token) -> Token | None:
    """The verb ``tok`` is the subject of (through an apposition), else None."""
    if tok.dep_ == "appos":
        tok = tok.head
    return tok.head if tok.dep_ in SUBJECT_DEPS else None


def _is_speech_subject(tok: Token) -> bool:
    verb = _subject_of(tok)
    return verb is not None and verb.lemma_.lower() in speech_verbs()


def _reports(verb: Token) -> bool:
    return verb.lemma_.lower() in reporting_lemmas() or verb.lower_ in lexicons.reporting_index().form_lemma


def _cue_subject(tok: Token, reporting: bool = False) -> bool:
    """``tok`` is who speaks in a reporting cue: the subject of a reporting verb of any kind
    ("he said", "they insist", "she believes"; "they reversed course and said"), the noun a
    reporting relative clause hangs on ("partisans who consider"), or the object of "according
    to". With ``reporting``, not in a clause that opens the sentence before its main verb ("Back
    when he wrote his book, Mr. X said ...": that pronoun looks ahead, not back at the last speaker)."""
    verb = _subject_of(tok)
    if verb is not None:
        # a later verb of the same subject: "they reversed themselves ... and said"
        shared = [c for c in verb.conjuncts if c.i > verb.i and not any(d.dep_ in SUBJECT_DEPS for d in c.children)]
        if not any(_reports(v) for v in [verb, *shared]):
            return False
        return not (reporting and verb.dep_ == "advcl" and verb.i < verb.sent.root.i)
    if any(
        c.dep_ == "relcl" and _reports(c) and any(d.dep_ == "nsubj" and d.lower_ in ("who", "that") for d in c.children)
        for c in tok.children
    ):
        return True
    return tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lower_ == "according"


def _group_speaker(tok: Token, taken: list[int]) -> bool:
    """A common noun naming a group that speaks: "Resistance factions have maintained ...",
    "the union said ..." (a plural noun, or a group or organisation speaker noun)."""
    if tok.pos_ != "NOUN" or taken[tok.i] >= 0 or not _cue_subject(tok):
        return False
    kind = lexicons.speaker_nouns().get(tok.lower_) or lexicons.speaker_nouns().get(tok.lemma_.lower())
    return kind in ("group", "organization") or (tok.tag_ == "NNS" and kind != "document")


def _group_mention(doc: Doc, text: str, tok: Token, entity: int) -> Mention:
    """A group speaker's noun as a GROUP mention, named by its noun phrase without the article
    ("Resistance factions", "McConnell aides"). The mention is the noun alone: the modifiers
    are no proper name (a name inside them keeps its own entity)."""
    lo = tok.left_edge.i
    while lo < tok.i and (doc[lo].dep_ in ("det", "predet", "punct", "cc", "case") or doc[lo].pos_ in ("DET", "PUNCT")):
        lo += 1
    if tok.i - lo >= GROUP_NOUN_TOKENS or any("\n" in doc[k].text for k in range(lo, tok.i)):
        lo = tok.i
    end = tok.idx + len(tok.text)
    return Mention(
        start=tok.i, end=tok.i + 1, tstart=tok.i, label="NOUN", votes={"GROUP": 1.0}, span=(tok.idx, end),
        name=text[doc[lo].idx : end], words=[t.text for t in doc[lo : tok.i + 1]], entity=entity, head=tok.i,
    )


@dataclass
class _Continuity:
    """Who spoke last: in news "he said" after a quote of X is mostly X, and "they insist" after
    "Resistance factions have maintained" is the factions."""

    current: tuple[int, int, int] | None = None  # (cluster, token, paragraph) of the latest person speaker
    group: tuple[int | Token, int] | None = None  # (cluster, or a group noun with no entity yet; sentence)
    subjects: list[tuple[int, int]] = field(default_factory=list)  # (token, cluster) of person subjects

    def person(self, text: str, clusters: list[Cluster], gender: str, tok_i: int, par: int) -> int:
        """The current speaker, unless another person of the pronoun's gender became the
        subject since; else the nearest earlier person subject of that gender; -1 if none."""

        def fits(c: int) -> bool:
            # the gender the text has shown so far: a first-name guess ("Obama" ends in -a) may mislead
            g = shown_gender(text, clusters[c], clusters[c].extra)
            return not gender or not g or g == gender

        j = bisect.bisect_left(self.subjects, (tok_i, -1)) - 1
        if self.current is not None:
            c, at, cpar = self.current
            if par - cpar <= CURRENT_SPEAKER_PARAGRAPHS and fits(c):
                newer = j >= 0 and self.subjects[j][0] > at and self.subjects[j][1] != c
                if not (newer and fits(self.subjects[j][1])):
                    return c
        for k in range(j, max(j - SUBJECT_WALK_BACK, -1), -1):
            if fits(self.subjects[k][1]):
                return self.subjects[k][1]
        return -1


def _participle_intro(doc: Doc, tok: Token) -> int:
    """Start of a sentence-opening participle phrase ending in a comma just before ``tok``, else -1."""
    if tok.i == 0 or doc[tok.i - 1].text != ",":
        return -1
    first = tok.sent[0]
    k = first.i
    while k < tok.i and (doc[k].is_space or doc[k].is_punct):
        k += 1
    if k >= tok.i:
        return -1
    word = doc[k]
    if word.tag_ in ("VBG", "VBN") or (word.is_alpha and word.lower_.endswith("ing") and len(word) > 5):
        return k
    return -1


def _definite_descriptions(
    doc: Doc, taken: list[int], mentions: list[Mention], all_roles: set[str]
) -> list[tuple[int, int, str]]:
    """(start token, end token, role) of 'the [modifiers] ROLE' noun phrases."""
    out = []
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.tag_ not in ("NN",) or taken[tok.i] >= 0:
            continue
        lower = tok.lower_
        prev = doc[tok.i - 1].lower_ if tok.i > 0 else ""
        role = f"{prev} {lower}" if f"{prev} {lower}" in all_roles else lower if lower in all_roles else ""
        if not role:
            continue
        if tok.dep_ == "appos" or any(c.dep_ in ("appos", "relcl", "acl") for c in tok.children):
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("of", "for") for c in tok.children):
            continue
        dets = [c for c in tok.children if c.dep_ == "det" and c.lower_ == "the" and c.i < tok.i]
        if not dets:
            continue
        s = dets[0].i
        if any(
            doc[k].pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "ADV", "PUNCT")
            or (taken[k] >= 0 and mentions[taken[k]].kind == "PERSON")
            for k in range(s + 1, tok.i)
        ):
            continue
        nxt = tok.i + 1
        while nxt < len(doc) and doc[nxt].text in POSSESSIVE:
            nxt += 1
        if nxt < len(doc) and (taken[nxt] >= 0 or (doc[nxt].text == "," and nxt + 1 < len(doc) and taken[nxt + 1] >= 0)):
            continue  # an apposition or pre-modifier of a name, not a reference back
        out.append((s, tok.i + 1, role))
    return out


def resolve_references(
    doc: Doc,
    clusters: list[Cluster],
    mentions: list[Mention],
    taken: list[int],
    par_starts: list[int],
) -> None:
    sent_of = [0] * len(doc)
    for si, sent in enumerate(doc.sents):
        for k in range(sent.start, sent.end):
            sent_of[k] = si

    def par_of(tok_i: int) -> int:
        return bisect.bisect_right(par_starts, doc[tok_i].idx) - 1

    all_roles: set[str] = set()
    for c in clusters:
        all_roles |= c.roles
    events: list[tuple[int, int, object]] = []
    for m in mentions:
        events.append((m.start, 1, m))
    pronouns = lexicons.pronouns()
    for tok in doc:
        if tok.lower_ in pronouns and tok.pos_ == "PRON" and taken[tok.i] < 0:
            events.append((tok.i, 0, tok))
    for s, e, role in _definite_descriptions(doc, taken, mentions, all_roles):
        events.append((s, 2, (s, e, role)))
    for tok in doc:
        if _group_speaker(tok, taken):
            events.append((tok.i, 3, tok))
    events.sort(key=lambda ev: (ev[0], ev[1]))

    state: "OrderedDict[int, _State]" = OrderedDict()
    said = _Continuity()

    def _group_target(target: int | Token) -> int:
        """The group's cluster; a group noun that has none gets one now it is referred back to."""
        if isinstance(target, int):
            return target
        c = len(clusters)
        m = _group_mention(doc, doc.text, target, c)
        clusters.append(Cluster(mentions=[m], words=[w.lower() for w in m.words], kind="GROUP"))
        touch(c, target)
        return c

    def touch(c: int, head: Token) -> None:
        kind = clusters[c].kind
        if kind == "PERSON" and (_subject_of(head) is not None or head.dep_ == "compound" and head.head.dep_ in SUBJECT_DEPS):
            bisect.insort(said.subjects, (head.i, c))
        if _cue_subject(head):
            if kind == "PERSON":
                said.current = (c, head.i, par_of(head.i))
            elif kind in ("GROUP", "ORG", "PLACE"):
                said.group = (c, sent_of[head.i])
        st = state.pop(c, None) or _State()
        st.last_tok = head.i
        st.last_sent = sent_of[head.i]
        st.last_par = par_of(head.i)
        st.subject = _subject_of(head) is not None
        if st.subject:
            st.subj_sent = st.last_sent
        if _is_speech_subject(head):
            st.speaker_sent = st.last_sent
        st.count += 1
        state[c] = st

    for pos, kind, obj in events:
        if kind == 1:
            m = obj  # type: ignore[assignment]
            assert isinstance(m, Mention)
            touch(m.entity, doc[m.head])
            continue
        if kind == 2:
            s, e, role = obj  # type: ignore[misc]
            par = par_of(s)
            for c in reversed(state):
                st = state[c]
                if st.last_par < par - DESCRIPTION_PARAGRAPHS + 1:
                    break
                if role in clusters[c].roles:
                    clusters[c].extra.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)))
                    touch(c, doc[e - 1])
                    break
            continue
        if kind == 3:
            said.group = (obj, sent_of[obj.i])  # type: ignore[union-attr]
            continue
        tok = obj
        assert isinstance(tok, Token)
        gender, number = pronouns[tok.lower_]
        si, par = sent_of[tok.i], par_of(tok.i)
        # a main-clause subject pronoun seldom points at a non-subject of its own sentence
        main_subj = tok.dep_ in SUBJECT_DEPS and tok.head.dep_ in ("ROOT", "parataxis")
        # "Addressing X, he said": X sits in an introductory participle phrase
        intro = _participle_intro(doc, tok)
        speech = _is_speech_subject(tok)
        best, best_score = -1, 0.0
        for c in reversed(state):
            st = state[c]
            if st.last_par < par - PRONOUN_PARAGRAPHS + 1:
                break
            cl = clusters[c]
            if number == "sg":
                if cl.kind != "PERSON" or (cl.gender and gender and cl.gender != gender):
                    continue
            else:
                # plural: only the group that was the last thing named, as a subject
                if c != next(reversed(state)) or cl.kind not in ("GROUP", "ORG") or not st.subject or si - st.last_sent > 1:
                    continue
                if cl.kind == "ORG" and not cl.words[-1].endswith("s"):
                    continue
            score = float(si - st.last_sent)
            if intro >= 0 and intro <= st.last_tok < tok.i:
                score += 2.5
            elif st.last_sent == si and main_subj and not st.subject:
                # '"... X ...," he said': a speaker is not named inside their own words
                score += 2.5 if speech else 0.5
            if st.subj_sent >= si - 1:
                score -= 0.8
            if speech and st.speaker_sent >= si - 2:
                score -= SPEAKER_RECENT
            elif speech and st.speaker_sent >= 0:
                score -= SPEAKER_EARLIER  # "he said" in news mostly points at someone already quoted
            score -= 0.1 * min(st.count, 5)  # the article's main people stay salient
            if best < 0 or score < best_score:
                best, best_score = c, score
        if number == "pl" and best >= 0:
            rivals = [c for c in state if c != best and clusters[c].kind in ("GROUP", "ORG") and state[c].last_sent >= si - 1]
            if rivals:
                best = -1  # two plural candidates: leave it to speaker continuity
        if best < 0 and _cue_subject(tok, reporting=True):
            if number == "sg":
                best = said.person(doc.text, clusters, gender, tok.i, par)
            elif said.group is not None and 0 <= si - said.group[1] <= 1:
                best = _group_target(said.group[0])
        if best < 0:
            continue
        cl = clusters[best]
        if gender and not cl.gender and number == "sg":
            cl.gender = gender
        cl.extra.append((tok.idx, tok.idx + len(tok.text)))
        touch(best, tok)
