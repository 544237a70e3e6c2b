"""Hand-built analyses for the renderer tests (valid spans; no dependence on stage quality)."""

from __future__ import annotations

import hashlib

import pytest

from presslens import nlp
from presslens.model import Analysis, Cue, Document, Entity, Quantity, Quote, Speaker

FERRY_TEXT = (
    "Harbour council backs ferry plan\n"
    "\n"
    "MARLOW BAY — The harbour council voted on Tuesday to add two ferries to the island route, "
    "a plan that will cost about 4.5 million dollars.\n"
    "\n"
    "“We have waited twelve years for this,” said council chair Dana Okafor. “The island deserves better.”\n"
    "\n"
    "Okafor said the first ferry would sail by next spring.\n"
    "\n"
    "Residents' group Save the Quay warned that some 300 parking spaces would be lost.\n"
    "\n"
    "“It is a bad deal,” one resident said.\n"
)


def span_of(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return (start, start + len(sub))


def make_document(text: str, **meta) -> Document:
    return Document(
        id=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        paragraphs=nlp.paragraphs(text),
        **meta,
    )


def ferry_analysis() -> Analysis:
    t = FERRY_TEXT
    doc = make_document(
        t, title="Harbour council backs ferry plan", title_span=span_of(t, "Harbour council backs ferry plan"),
        source="The Marlow Tide", published="2025-03-04",
    )
    okafor = Entity(
        id="E1", name="Dana Okafor", type="PERSON", aliases=["Dana Okafor", "Okafor"],
        descriptions=["council chair"], mentions=[span_of(t, "Dana Okafor"), span_of(t, "Okafor", 1)],
    )
    quay = Entity(
        id="E2", name="Save the Quay", type="ORG", aliases=["Save the Quay"],
        descriptions=["Residents' group"], mentions=[span_of(t, "Save the Quay")],
    )
    bay = Entity(id="E3", name="Marlow Bay", type="PLACE", aliases=["MARLOW BAY"], mentions=[span_of(t, "MARLOW BAY")])

    def q(i: int, kind: str, content: str, spk: str | None, cue: str | None, entity: str | None, skind: str, nth: int = 0, spk_nth: int = 0) -> Quote:
        return Quote(
            id=f"Q{i}", kind=kind, text=content, span=span_of(t, content, nth),
            speaker=Speaker(
                text=spk, span=span_of(t, spk, spk_nth) if spk else None, entity=entity,
                name={"E1": "Dana Okafor", "E2": "Save the Quay"}.get(entity or ""), kind=skind,
            ),
            cue=Cue(text=cue, span=span_of(t, cue)) if cue else None,
        )

    quotes = [
        q(1, "direct", "We have waited twelve years for this,", "Dana Okafor", "said council chair", "E1", "person"),
        q(2, "direct", "The island deserves better.", "Dana Okafor", None, "E1", "person"),
        q(3, "indirect", "the first ferry would sail by next spring", "Okafor", "Okafor said", "E1", "person", spk_nth=1),
        q(4, "indirect", "some 300 parking spaces would be lost", "Save the Quay", "warned", "E2", "organization"),
        q(5, "direct", "It is a bad deal,", "one resident", "one resident said", None, "person"),
    ]
    # fix cue spans to the verb only
    quotes[0].cue = Cue(text="said", span=span_of(t, "said"))
    quotes[2].cue = Cue(text="said", span=span_of(t, "said", 1))
    quotes[4].cue = Cue(text="said", span=span_of(t, "said", 2))
    quantities = [
        Quantity(text="two ferries", span=span_of(t, "two ferries"), value=2, counted="ferries", counted_span=span_of(t, "ferries")),
        Quantity(text="about 4.5 million dollars", span=span_of(t, "about 4.5 million dollars"), value=4_500_000, approximate=True, counted="dollars", kind="money", unit="USD"),
        Quantity(text="twelve years", span=span_of(t, "twelve years"), value=12, kind="duration", unit="year"),
        Quantity(text="some 300 parking spaces", span=span_of(t, "some 300 parking spaces"), value=300, low=250, high=350, approximate=True, counted="parking spaces"),
    ]
    return Analysis(
        document=doc, entities=[okafor, quay, bay], quotes=quotes, quantities=quantities,
        warnings=["PL299: an example warning for the renderers"],
    )


def empty_analysis() -> Analysis:
    return Analysis(document=make_document("Nothing much happened here today.\n"))


@pytest.fixture
def ferry() -> Analysis:
    return ferry_analysis()


@pytest.fixture
def empty() -> Analysis:
    return empty_analysis()


class Builders:
    """Helpers for tests that build their own analyses (conftest cannot be imported under importlib mode)."""

    span_of = staticmethod(span_of)
    make_document = staticmethod(make_document)
    ferry_text = FERRY_TEXT


@pytest.fixture
def build() -> type[Builders]:
    return Builders


HOSTILE_TEXT = (
    "<script>alert(1)</script> Night council\n"
    "\n"
    "Officials met <img src=x onerror=alert(1)> behind closed doors [bold]today[/bold].\n"
    "\n"
    "“It is fine </script><script>alert(2)</script> and {{ 7*7 }} too,” said Mayor Vex\" onmouseover=\"alert(3).\n"
    "\n"
    "About 300 <b>loud</b> people & friends came {% if 1 %}x{% endif %} [see](javascript:alert(4)) www.evil.example\u2028line\n"
)


def hostile_analysis() -> Analysis:
    t = HOSTILE_TEXT
    vex = 'Vex" onmouseover="alert(3)'
    quote_text = "It is fine </script><script>alert(2)</script> and {{ 7*7 }} too,"
    doc = make_document(
        t, title="</title><script>alert(6)</script>", title_span=None,
        source="<b onclick=alert(7)>Bad Source</b>", url="javascript:alert(8)", author="' onfocus='alert(9)",
    )
    ent = Entity(
        id="E1", name="<img src=x onerror=alert(5)>", type="PERSON", aliases=[vex, "<svg onload=alert(10)>"],
        descriptions=["mayor </script><script>alert(11)</script>"], mentions=[span_of(t, vex)],
    )
    quotes = [
        Quote(
            id="Q1", kind="direct", text=quote_text, span=span_of(t, quote_text),
            speaker=Speaker(text=vex, span=span_of(t, vex), entity="E1", name=ent.name, kind="person"),
            cue=Cue(text="said", span=span_of(t, "said")),
        ),
        Quote(id="Q2", kind="indirect", text="<img src=x onerror=alert(1)>", span=span_of(t, "<img src=x onerror=alert(1)>")),
    ]
    quantities = [
        Quantity(text="About 300 <b>loud</b> people", span=span_of(t, "About 300 <b>loud</b> people"), value=300,
                 approximate=True, counted="<b>loud</b> people"),
    ]
    return Analysis(
        document=doc, entities=[ent], quotes=quotes, quantities=quantities,
        warnings=["<script>alert(12)</script>"],
    )


@pytest.fixture
def hostile() -> Analysis:
    return hostile_analysis()


# ---------------------------------------------------------------- the later layers, by hand

from presslens.model import (  # noqa: E402
    Check, Event, EventDate, EventSize, Participant, Sourcing, Technique, Trigger, Voice,
)

RALLY = "rally-report.txt"


def _technique(text: str, label: str, sub: str, why: str, conf: float = 0.8, method: str = "rule", nth: int = 0) -> Technique:
    s, e = span_of(text, sub, nth)
    return Technique(technique=label, span=(s, e), text=text[s:e], confidence=conf, explanation=why, method=method)


def _part(text: str, sub: str, entity: str | None = None) -> Participant:
    return Participant(text=sub, entity=entity, span=span_of(text, sub))


def _real_base(path) -> Analysis:
    """A real analysis from the finished stages only (entities, quotes, quantities).

    Built with its own small pipeline so the renderer tests neither wait on nor break with
    the later stages; the later parts are then added by hand with spans into the same text.
    """
    from presslens import nlp as nlp_
    from presslens.config import Settings
    from presslens.model import Article
    from presslens.pipeline import Pipeline
    from presslens.stages import entities, quantities, quotes

    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    article = Article(text=text, title=first, title_span=(0, len(first)), published="2026-01-10", source="Example Wire")
    return Pipeline.build([entities, quotes, quantities]).run(article, nlp_.parse(text), Settings())


def _quote_around(analysis: Analysis, span: tuple[int, int]) -> str:
    for q in analysis.quotes:
        if q.span[0] <= span[0] and span[1] <= q.span[1]:
            return q.id
    raise AssertionError(f"no quote covers {span}: the quotes stage changed; pick another event")


def with_later_layers(base: Analysis) -> Analysis:
    """The rally example with techniques, events, checks and sourcing written for these tests."""
    a = base.model_copy(deep=True)
    t = a.document.text
    a.techniques = sorted([
        _technique(t, "Loaded_Language", "heroic volunteers", "“Heroic” praises one side instead of describing it."),
        _technique(t, "Flag-Waving", "the sacred soil of the homeland", "Appeals to national pride to win agreement.", 0.71, "model"),
        _technique(t, "Name_Calling,Labeling", "criminal occupation", "Labels the opponent as criminal without evidence."),
        _technique(t, "Slogans", "Occupiers out, dignity in.", "A short catchy phrase stands in for an argument.", 0.9),
        _technique(t, "Loaded_Language", "a shameful fig leaf that fools nobody", "Emotive words judge the troops’ role for the reader.", 0.66, "model"),
        _technique(t, "Exaggeration,Minimisation", "fools nobody", "Claims that no one at all is fooled.", 0.55, "model"),
        _technique(t, "Doubt", "so-called advisory mission", "“So-called” casts doubt on the official name.", 0.77),
        _technique(t, "Black-and-White_Fallacy", "who stood with the people and who stood with the occupiers",
                   "Leaves only two sides to choose from.", 0.62, "model"),
        _technique(t, "Repetition", "again and again", "Repeats a phrase for emphasis.", 0.5),
    ], key=lambda x: x.span)
    friday = span_of(t, "on Friday")
    orfali_trigger = span_of(t, "would debate the expulsion bill")
    a.events = sorted([
        Event(type="PROTEST", trigger=Trigger(text="held a million-strong march", span=span_of(t, "held a million-strong march")),
              actors=[_part(t, "Qadiris")], location=_part(t, "SAHRUN"),
              date=EventDate(text="on Friday", value="2026-01-09", span=friday),
              size=EventSize(text="million-strong", value=1_000_000, span=span_of(t, "million-strong"))),
        Event(type="PROTEST", trigger=Trigger(text="burned effigies", span=span_of(t, "burned effigies")),
              actors=[_part(t, "The participants")], targets=[_part(t, "Valdorian generals")],
              date=EventDate(text="on Friday", value="2026-01-09", span=friday)),
        Event(type="DECLARE", trigger=Trigger(text="announced", span=span_of(t, "announced")),
              actors=[_part(t, "the government")], date=EventDate(text="Last year", value="2025-01-10", span=span_of(t, "Last year"))),
        Event(type="DEMAND", trigger=Trigger(text="renewed the demand", span=span_of(t, "renewed the demand")),
              actors=[_part(t, "Karim al-Nasiri")], targets=[_part(t, "parliament")]),
        Event(type="CONSULT", trigger=Trigger(text="would debate the expulsion bill", span=orfali_trigger),
              actors=[_part(t, "parliament", None)], attributed_to=_quote_around(a, orfali_trigger)),
    ], key=lambda e: e.trigger.span)
    for i, ev in enumerate(a.events):
        ev.id = f"V{i + 1}"
    a.checks = [
        Check(kind="quantity_conflict", severity="warning",
              message="The headline speaks of a million-strong march; the body counts the participants in their thousands.",
              evidence=[span_of(t, "Million-Strong March"), span_of(t, "in their thousands")]),
        Check(kind="unattributed_claim", severity="info",
              message="The number of troops that remain is given without a source.",
              evidence=[span_of(t, "some 4,000 Valdorian troops remain at three bases")]),
    ]
    voices = []
    for g in _groups(a):
        qs = [a.quotes[i] for i in g.quotes]
        ent = a.entity(g.entity)
        voices.append(Voice(
            name=None if g.key == "unattributed" else g.label, entity=g.entity, kind=g.kind,
            quotes=len(qs), words=sum(len(q.text.split()) for q in qs),
            stance="favourable" if g.key != "unattributed" else "unknown",
            role=ent.descriptions[0] if ent is not None and ent.descriptions else None,
            quote_ids=[q.id for q in qs],
            mentions=sorted({tuple(q.speaker.span) for q in qs if q.speaker.span is not None}),
        ))
    _add_actor_stance(a, voices)
    quoted = sum(q.span[1] - q.span[0] for q in a.quotes)
    a.sourcing = Sourcing(
        voices=voices, quoted_share=min(1.0, quoted / max(1, len(t))), one_sided=True,
        summary="Every voice quoted backs the march; nobody from the other side is heard.",
    )
    return a


def _add_actor_stance(a: Analysis, voices: list) -> None:
    """Per-actor stances (an optional part of Voice): the first named person is critical of the Valdorians."""
    import presslens.model as model

    target = next((e for e in a.entities if e.name == "Valdorians"), None)
    voice = next((v for v in voices if v.kind == "person" and v.name), None)
    if not hasattr(model, "ActorStance") or "stances" not in model.Voice.model_fields or target is None or voice is None:
        return
    voice.stances = [model.ActorStance(entity=target.id, name=target.name, stance="critical")]


def _groups(a: Analysis):
    from presslens.render.spans import speaker_groups

    return speaker_groups(a)


@pytest.fixture(scope="session")
def rally_base(example_paths) -> Analysis:
    path = next((p for p in example_paths if p.name == RALLY), None)
    if path is None:
        pytest.skip(f"examples/{RALLY} is absent")
    return _real_base(path)


@pytest.fixture
def rally(rally_base) -> Analysis:
    """A fresh copy per test (tests may edit it)."""
    return with_later_layers(rally_base)


HOSTILE_MARKUP = '</textarea><script>alert(20)</script> "quoted" \'single\' <img src=x onerror=alert(21)> {{ 7*7 }} [x](javascript:alert(22))'


def hostile_with_later_layers() -> Analysis:
    """The hostile analysis plus hostile techniques, events, checks and voices."""
    a = hostile_analysis()
    t = a.document.text
    img = span_of(t, "<img src=x onerror=alert(1)>")
    doors = span_of(t, "behind closed doors")
    a.techniques = [
        Technique(technique="Loaded_Language", span=img, text=t[img[0]:img[1]], confidence=0.9,
                  explanation=HOSTILE_MARKUP, method="rule"),
        Technique(technique="<b onclick=alert(23)>Evil</b>", span=doors, text=t[doors[0]:doors[1]], confidence=0.4,
                  explanation="<script>alert(24)</script>", method="model"),
    ]
    a.events = [
        Event(type="<svg onload=alert(25)>", trigger=Trigger(text=t[doors[0]:doors[1]], span=doors),
              actors=[Participant(text="<script>alert(26)</script>")], targets=[Participant(text='"><img src=x onerror=alert(27)>')],
              location=Participant(text="</textarea>"), date=EventDate(text="<i>today</i>", value="<x>"),
              size=EventSize(text="{{ 7*7 }}"), attributed_to="Q1"),
        Event(type="ASSAULT", trigger=Trigger(text="met", span=span_of(t, "met")), attributed_to="<Q9>"),
    ]
    a.checks = [
        Check(kind="<i>kind</i>", severity="warning", message=HOSTILE_MARKUP, evidence=[img, (5, 99999), (40, 10)]),
    ]
    a.sourcing = Sourcing(
        voices=[Voice(name="<img src=x onerror=alert(28)>", kind="person", quotes=1, words=9, stance="critical",
                      role='"><script>alert(29)</script>', quote_ids=["Q1"]),
                Voice(name=None, kind="unknown", quotes=1, words=4)],
        quoted_share=0.3, one_sided=False, summary="<script>alert(30)</script> </textarea>",
    )
    return a


@pytest.fixture
def hostile_full() -> Analysis:
    return hostile_with_later_layers()
