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
