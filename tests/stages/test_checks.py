"""The checks stage: conflicting numbers and dates, unsourced strong claims, headlines the body
does not bear out. Every kind has examples that must fire and near misses that must not
(a false alarm costs more trust than a miss). All texts are written for these tests."""

from __future__ import annotations

from functools import lru_cache

import pytest

from presslens import analyze
from presslens.config import Settings
from presslens.model import CHECK_KINDS, Analysis, Check, Event, EventDate, Participant, Trigger
from presslens.pipeline import Context
from presslens.stages import checks

FILLER = (
    "The organisers had spent weeks planning the route, and volunteers handed out water along the way. "
    "Shops along the avenue closed early, and the city's buses were diverted to side streets for the day."
)


@lru_cache(maxsize=128)
def _analysis(text: str, title: str | None = None, published: str | None = None) -> Analysis:
    return analyze(text, title=title, published=published)


def _checks(text: str, kind: str, title: str | None = None, published: str | None = None) -> list[Check]:
    return [c for c in _analysis(text, title, published).checks if c.kind == kind]


def _evidence(text: str, check: Check) -> list[str]:
    return [text[s:e] for s, e in check.evidence]


# ---------------------------------------------------------------- the stage as a whole


def test_checks_empty_and_blank_text() -> None:
    from presslens import nlp
    from presslens.model import Article
    from presslens.pipeline import make_document

    for text in ("", "   \n\n  ", "Hi."):
        article = Article(text=text)
        doc = nlp.parse(text)
        ctx = Context(article=article, doc=doc, analysis=Analysis(document=make_document(article, doc)), settings=Settings())
        assert checks.run(ctx) == []
    assert _analysis("Hi.").checks == []


def test_checks_spans_are_truthful_and_ordered() -> None:
    text = (
        "Million-Man March Fills the Streets of Norhaven\n\n"
        "Residents of Norhaven held a million-man march on Saturday against the closure of the steelworks.\n\n"
        "The marchers, in their hundreds, walked from the station to the town hall. " + FILLER + "\n\n"
        "The Vantor Group is merely relabelling its layoffs as a restructuring to fool its own workers.\n"
    )
    analysis = _analysis(text)
    assert analysis.checks
    starts = [c.evidence[0][0] for c in analysis.checks]
    assert starts == sorted(starts)
    for c in analysis.checks:
        assert c.severity in ("info", "warning")
        assert c.message.endswith(".")
        for s, e in c.evidence:
            assert 0 <= s < e <= len(text)
            assert text[s:e].strip() == text[s:e]


# ---------------------------------------------------------------- quantity_conflict


def test_checks_quantity_conflict_headline_vs_body() -> None:
    text = (
        "Million-Man March Fills the Streets of Norhaven\n\n"
        "Residents of Norhaven held a million-man march on Saturday against the closure of the steelworks.\n\n"
        "The marchers, in their hundreds, walked from the station to the town hall. " + FILLER + "\n"
    )
    found = _checks(text, "quantity_conflict")
    assert len(found) == 1
    c = found[0]
    assert c.severity == "warning"
    assert _evidence(text, c) == ["Million-Man March", "in their hundreds"]
    assert '"Million-Man March"' in c.message and '"in their hundreds"' in c.message
    assert "1,000,000" in c.message and "at least 200" in c.message


def test_checks_quantity_conflict_lead_vs_body_crowd_of() -> None:
    text = (
        "About 60,000 protesters gathered outside the provincial assembly on Tuesday to oppose the new water tax.\n\n"
        + FILLER + "\n\n"
        "By nightfall the crowd of some 3,000 people had left the square without incident.\n"
    )
    found = _checks(text, "quantity_conflict")
    assert len(found) == 1
    assert _evidence(text, found[0]) == ["About 60,000 protesters", "some 3,000 people"]
    assert found[0].message.startswith("The opening paragraph")


@pytest.mark.parametrize(
    "estimate",
    ["Police put the size of the crowd at 15,000 people.", "Police estimated the crowd at 15,000."],
)
def test_checks_quantity_conflict_crowd_estimate(estimate: str) -> None:
    text = (
        "Hundreds of thousands of people marched through Vellor on Sunday to demand new elections.\n\n"
        + FILLER + "\n\n" + estimate + "\n"
    )
    found = _checks(text, "quantity_conflict")
    assert len(found) == 1
    assert _evidence(text, found[0])[0] == "Hundreds of thousands of people"
    assert "at least 200,000 vs 15,000" in found[0].message


def test_checks_quantity_conflict_strong_compound_vs_participants() -> None:
    text = (
        "A 200,000-strong march crossed Vellor on Sunday.\n\n" + FILLER + "\n\n"
        "The march, which drew some 5,000 participants, ended at the cathedral.\n"
    )
    found = _checks(text, "quantity_conflict")
    assert [_evidence(text, c) for c in found] == [["200,000-strong march", "some 5,000 participants"]]


def test_checks_quantity_conflict_dead() -> None:
    text = (
        "Floods Kill 300 People in the Lower Meran Valley\n\n"
        "Two people died on Monday when the river burst its banks near the village of Sollen. "
        "Rescue teams reached the last stranded farms by boat late in the evening, and the regional road "
        "reopened on Wednesday after engineers checked the bridges along the valley floor.\n"
    )
    found = _checks(text, "quantity_conflict")
    assert len(found) == 1
    assert _evidence(text, found[0]) == ["300 People", "Two people"]
    assert "dead" in found[0].message


def test_checks_quantity_conflict_bound_excludes_other() -> None:
    text = (
        "More than 10,000 demonstrators marched through the old town on Sunday.\n\n"
        "Fewer than 2,000 demonstrators reached the cathedral square, where the march ended. " + FILLER + "\n"
    )
    found = _checks(text, "quantity_conflict")
    assert len(found) == 1
    assert found[0].severity == "info"


@pytest.mark.parametrize(
    "text",
    [
        # hedged figures that can both hold
        "More than 2,000 protesters marched to the port on Friday.\n\n5,000 protesters joined a sit-in at the docks. " + FILLER,
        # a part of the whole
        "Some 40,000 demonstrators filled the square on Friday.\n\n" + FILLER + " Police detained 30 protesters, and 300 of them were later released.",
        "Some 40,000 demonstrators filled the square on Friday.\n\nAnother 2,000 demonstrators arrived by train in the evening. " + FILLER,
        # different kinds of number
        "Thousands of marchers crossed the bridge on Friday.\n\nThe city spent a million dollars on policing the march. " + FILLER,
        # a change over time
        "Only 300 marchers set off at noon on Friday.\n\nBy evening the number of marchers had swelled to 30,000. " + FILLER,
        # a plan, not a count
        "About 800 protesters rallied outside the ministry on Monday.\n\nThe unions expect 50,000 protesters at next month's strike. " + FILLER,
        # different places
        "In Arlen, 50,000 protesters filled the main square on Friday.\n\n" + FILLER + "\n\nIn Besk, 800 protesters gathered at the train station.",
        # a total over a wider scope
        "The bombing killed 12 people in the market on Thursday.\n\nThe war has killed more than 300,000 people since it began. " + FILLER,
        # two sources disagree: reported, not committed, by the article
        "Organisers said a million people marched through the capital on Friday.\n\n"
        "Police said only 20,000 people took part in the march. " + FILLER,
    ],
)
def test_checks_quantity_conflict_negatives(text: str) -> None:
    assert _checks(text, "quantity_conflict") == []


def test_checks_quantity_conflict_troops_described_differently() -> None:
    text = (
        "About 2,000 Kestan troops remain at the northern base after the drawdown.\n\n"
        "The alliance keeps 30,000 coalition troops across the region. " + FILLER + "\n"
    )
    assert _checks(text, "quantity_conflict") == []


# ---------------------------------------------------------------- date_conflict


def _with_events(text: str, events: list[Event], published: str | None = None) -> list[Check]:
    """Run the checks stage on a real parse with hand-made events (independent of the events stage)."""
    from presslens import ingest, nlp
    from presslens.pipeline import make_document

    article = ingest.from_text(text, published=published)
    doc = nlp.parse(text)
    analysis = Analysis(document=make_document(article, doc), events=events)
    ctx = Context(article=article, doc=doc, analysis=analysis, settings=Settings())
    return [c for c in checks.run(ctx) if c.kind == "date_conflict"]


def _event(text: str, trigger: str, date_text: str, value: str, nth: int = 0, actor: str | None = None) -> Event:
    start = -1
    for _ in range(nth + 1):
        start = text.index(trigger, start + 1)
    ds = text.index(date_text)
    actors = [Participant(text=actor, entity="E1")] if actor else []
    return Event(
        type="PROTEST",
        trigger=Trigger(text=trigger, span=(start, start + len(trigger))),
        actors=actors,
        date=EventDate(text=date_text, value=value, span=(ds, ds + len(date_text))),
    )


def test_checks_date_conflict_same_event_two_dates() -> None:
    text = (
        "Dock workers held a march on 3 May to demand higher wages.\n\n"
        "The march, which took place on 5 May, ended peacefully at the harbour gates.\n"
    )
    events = [
        _event(text, "held a march", "3 May", "2026-05-03"),
        _event(text, "The march", "5 May", "2026-05-05"),
    ]
    found = _with_events(text, events)
    assert len(found) == 1
    assert [text[s:e] for s, e in found[0].evidence] == ["3 May", "5 May"]
    assert "2026-05-03" in found[0].message and "2026-05-05" in found[0].message


def test_checks_date_conflict_negatives() -> None:
    text = (
        "Dock workers held a march on 3 May to demand higher wages.\n\n"
        "Teachers held a march on 5 May in another district.\n"
    )
    # two marches, neither pointing back at the other
    events = [
        _event(text, "held a march", "3 May", "2026-05-03"),
        _event(text, "held a march", "5 May", "2026-05-05", nth=1),
    ]
    assert _with_events(text, events) == []
    # the same actor marching twice is two marches
    twice = [
        _event(text, "held a march", "3 May", "2026-05-03", actor="Dock workers"),
        _event(text, "held a march", "5 May", "2026-05-05", nth=1, actor="Dock workers"),
    ]
    assert _with_events(text, twice) == []
    # the same date twice is no conflict; no events at all gives nothing
    same = [_event(text, "held a march", "3 May", "2026-05-03"), _event(text, "held a march", "3 May", "2026-05-03", nth=1)]
    assert _with_events(text, same) == []
    assert _with_events(text, []) == []


def test_checks_date_conflict_anniversary_arithmetic() -> None:
    text = (
        "Veterans gathered in Pellam on Sunday to mark the tenth anniversary of the 2019 ceasefire that ended "
        "the border war. Wreaths were laid at the memorial, and a minute of silence was held at noon.\n"
    )
    found = _checks(text, "date_conflict", published="2026-03-01")
    assert len(found) == 1
    assert _evidence(text, found[0]) == ["tenth anniversary", "2019"]
    assert "7 years" in found[0].message
    assert _checks(text, "date_conflict", published="2029-03-01") == []
    assert _checks(text, "date_conflict") == []  # no publication date: nothing to reckon from


# ---------------------------------------------------------------- unattributed_claim


ARTICLE_START = "Interior Ministry Renames Surveillance Office\n\nThe Interior Ministry announced on Monday that its surveillance office will be called the Citizen Safety Bureau from June.\n\n"


@pytest.mark.parametrize(
    ("sentence", "marker"),
    [
        ("The Interior Ministry is merely relabelling the same old programme to escape scrutiny.", "merely"),
        ("Governor Hale's so-called reform plan is nothing but a handout to his donors.", "so-called"),
        ("Brantley Corp is trying to hide its losses from investors.", "trying to"),
        ("The bureau will keep its agents in the capital under the pretext of protecting the public.", "under the pretext"),
    ],
)
def test_checks_unattributed_claim_positives(sentence: str, marker: str) -> None:
    text = ARTICLE_START + sentence + "\n"
    found = _checks(text, "unattributed_claim")
    assert len(found) == 1, [c.message for c in found]
    (ev,) = _evidence(text, found[0])
    assert marker in ev and ev in sentence
    assert marker in found[0].message


@pytest.mark.parametrize(
    "sentence",
    [
        "Critics say the Interior Ministry is merely relabelling the same old programme.",
        "“The Interior Ministry is merely relabelling the same old programme,” said Ana Ruiz, an opposition lawmaker.",
        "According to Ana Ruiz, the Interior Ministry is merely relabelling the same old programme.",
        "The Interior Ministry renamed its programme on Monday.",
        "The Interior Ministry took little more than a year to draft the new rules.",
        "If the Interior Ministry were merely relabelling its programme, nobody would object.",
        "Is the Interior Ministry merely relabelling its programme?",
        "In fact, the Interior Ministry has never published the office's budget.",
        # someone else's view, in a clause after a noun of opinion
        "Despite the complaint that the Tarsk council is nothing but a talking shop, it has passed nine budgets on time.",
        # idioms that judge nobody
        "Mayor Oduya has nothing but praise for the new tram line.",
        "The Interior Ministry is not merely renaming the office but also doubling its staff.",
        "If the talks collapse, the Interior Ministry will be left with little more than its old programme.",
        # the author holds back
        "Perhaps the Interior Ministry is merely relabelling the same old programme.",
        "The Interior Ministry may seem like little more than a filing office.",
        # "tried to" with no hidden aim after it
        "The sanctions served to undermine the Interior Ministry's budget when it tried to buy new equipment.",
    ],
)
def test_checks_unattributed_claim_negatives(sentence: str) -> None:
    text = ARTICLE_START + sentence + "\n"
    assert _checks(text, "unattributed_claim") == []


@pytest.mark.parametrize(
    "passage",
    [
        # a quotation running over two paragraphs, closed only in the second
        "At the hearing Ana Ruiz read from her notes: “We asked for the files in March.\n\n"
        "The Interior Ministry is merely relabelling the same old programme.”",
        # a block quotation announced by a colon
        "The opposition's statement read in full:\n\nThe Interior Ministry is merely relabelling the same old programme.",
        # a transcript line in its speaker's voice
        "RUIZ: The Interior Ministry is merely relabelling the same old programme.",
    ],
)
def test_checks_unattributed_claim_quoted_without_quote_stage(passage: str) -> None:
    text = ARTICLE_START + passage + "\n"
    assert _checks(text, "unattributed_claim") == []


def test_checks_unattributed_claim_supported_by_a_quote() -> None:
    text = (
        ARTICLE_START
        + "“They are simply relabelling the same old programme,” said Ana Ruiz, an opposition lawmaker.\n\n"
        + "The Interior Ministry is merely relabelling the same old programme.\n"
    )
    assert _checks(text, "unattributed_claim") == []


def test_checks_unattributed_claim_techniques_raise_severity_only() -> None:
    from presslens import ingest, nlp
    from presslens.model import Technique
    from presslens.pipeline import make_document

    claim = "The Interior Ministry is merely relabelling the same old programme."
    neutral = "The Interior Ministry renamed its programme on Monday."
    text = ARTICLE_START + claim + "\n\n" + neutral + "\n"
    article = ingest.from_text(text)
    doc = nlp.parse(text)

    def run(techniques: list[Technique]) -> list[Check]:
        analysis = Analysis(document=make_document(article, doc), techniques=techniques)
        ctx = Context(article=article, doc=doc, analysis=analysis, settings=Settings())
        return [c for c in checks.run(ctx) if c.kind == "unattributed_claim"]

    def technique(fragment: str) -> Technique:
        s = text.index(fragment)
        return Technique(technique="Loaded_Language", span=(s, s + len(fragment)), text=fragment,
                         confidence=0.9, explanation="test", method="rule")

    assert [c.severity for c in run([])] == ["info"]
    assert [c.severity for c in run([technique("merely relabelling")])] == ["warning"]
    assert len(run([technique("renamed its programme")])) == 1  # a technique alone never fires a check


def test_checks_unattributed_claim_capped_per_article() -> None:
    lines = [
        "The Interior Ministry is merely relabelling the same old programme.",
        "Governor Hale's so-called reform plan is nothing but a handout to his donors.",
        "Brantley Corp is shamelessly trying to hide its losses from investors.",
        "The Tarsk council undoubtedly knew about the leak for months.",
        "Mayor Oduya's blatant favouritism is a sham that fools nobody.",
    ]
    text = ARTICLE_START + "\n\n".join(lines) + "\n"
    found = _checks(text, "unattributed_claim")
    assert len(found) == 3
    assert any(c.severity == "warning" for c in found)


# ---------------------------------------------------------------- title_body_mismatch


BODY = (
    "Councillor Mark Ellison of the harbour ward appeared before the standards committee on Thursday. "
    "The committee will publish its findings next month, and the council has appointed an outside lawyer "
    "to review the planning decisions made over the past three years. Ellison did not attend the hearing, "
    "and his office declined to comment on the case when reached by telephone on Thursday evening."
)


def test_checks_title_body_mismatch_hedged_in_body() -> None:
    text = (
        "Councillor Ellison Took Bribes From Developer\n\n"
        "Councillor Mark Ellison allegedly took bribes from a developer in exchange for planning permits. " + BODY + "\n"
    )
    found = _checks(text, "title_body_mismatch")
    assert len(found) == 1
    assert "allegedly" in found[0].message
    assert _evidence(text, found[0])[1] == "allegedly"


def test_checks_title_body_mismatch_quote_not_in_body() -> None:
    text = 'Councillor Ellison: "I Will Clear My Name in Court"\n\n' + BODY + "\n"
    found = _checks(text, "title_body_mismatch")
    assert len(found) == 1
    assert _evidence(text, found[0]) == ["I Will Clear My Name in Court"]
    assert found[0].severity == "warning"


def test_checks_title_body_mismatch_figure_not_in_body() -> None:
    text = "Storm Leaves 40,000 Homes Without Power\n\n" + BODY + "\n"
    found = _checks(text, "title_body_mismatch")
    assert [_evidence(text, c) for c in found] == [["40,000 Homes"]]


def test_checks_title_body_mismatch_person_not_in_body() -> None:
    text = "Laura Brennan Named Head of Harbour Inquiry\n\n" + BODY + "\n"
    found = _checks(text, "title_body_mismatch")
    assert [_evidence(text, c) for c in found] == [["Laura Brennan"]]


@pytest.mark.parametrize(
    "text",
    [
        # the body hedges, and so does the headline
        "Councillor Ellison Accused of Taking Bribes\n\nCouncillor Mark Ellison allegedly took bribes from a developer. " + BODY,
        # the headline quote is in the body
        'Councillor Ellison: "I Will Clear My Name"\n\nEllison wrote on Friday: "I will clear my name." ' + BODY,
        # the headline figure is in the body
        "Storm Leaves 40,000 Homes Without Power\n\nThe storm left 40,000 homes without power on Thursday. " + BODY,
        # a list headline counts the body's items
        "10 Questions for the Harbour Inquiry\n\n" + BODY,
        # the person is named in the body, by surname only
        "Mark Ellison Skips Standards Hearing\n\n" + BODY,
        # no body to speak of
        "Storm Leaves 40,000 Homes Without Power\n\nMore soon.",
    ],
)
def test_checks_title_body_mismatch_negatives(text: str) -> None:
    assert _checks(text, "title_body_mismatch") == []


def test_checks_title_given_as_argument() -> None:
    """A title passed to analyze() is compared with the body when it stands in the text (its first line);
    a title from elsewhere has no span to point at, so no check can cite it."""
    body = (
        "Residents of Norhaven held a protest on Saturday against the closure of the steelworks.\n\n"
        "The marchers, in their hundreds, walked to the town hall. " + FILLER + "\n"
    )
    headline = "Million-Man March in Norhaven"
    text = headline + "\n" + body  # no blank line: the title rule alone would not take it
    found = [c for c in _analysis(text, title=headline).checks if c.kind == "quantity_conflict"]
    assert [_evidence(text, c) for c in found] == [["Million-Man March", "in their hundreds"]]
    outside = _analysis(body, title=headline)
    assert outside.document.title_span is None
    assert [c for c in outside.checks if c.kind in ("quantity_conflict", "title_body_mismatch")] == []


def test_checks_examples_run(example_paths) -> None:
    from presslens import analyze_path

    for path in example_paths:
        analysis = analyze_path(str(path))
        text = analysis.document.text
        kinds = {c.kind for c in analysis.checks}
        assert kinds <= set(CHECK_KINDS)
        starts = [c.evidence[0][0] for c in analysis.checks]
        assert starts == sorted(starts)
        for c in analysis.checks:
            assert c.evidence and all(0 <= s < e <= len(text) and text[s:e].strip() for s, e in c.evidence)
        # at most a handful of unsourced-claim remarks, however opinionated the article
        assert sum(c.kind == "unattributed_claim" for c in analysis.checks) <= 3
