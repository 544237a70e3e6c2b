"""Quotes stage: quote-mark pairing, cues, indirect speech, speakers, robustness."""

from __future__ import annotations


import pytest

from presslens import nlp
from presslens.config import Settings
from presslens.model import Analysis, Article, Entity, Quote
from presslens.pipeline import Context, make_document
from presslens.resources import lexicon
from presslens.stages import entities, quotes


def run_on(text: str, entities: list[Entity] | None = None) -> list[Quote]:
    """The quotes stage alone, on the given entities (none by default)."""
    doc = nlp.parse(text)
    article = Article(text=text)
    analysis = Analysis(document=make_document(article, doc), entities=entities or [])
    return quotes.run(Context(article=article, doc=doc, analysis=analysis, settings=Settings()))


def run_with_entities(text: str) -> tuple[list[Entity], list[Quote]]:
    """The entities stage, then the quotes stage on its entities (as the pipeline runs them)."""
    doc = nlp.parse(text)
    article = Article(text=text)
    analysis = Analysis(document=make_document(article, doc))
    ctx = Context(article=article, doc=doc, analysis=analysis, settings=Settings())
    analysis.entities = entities.run(ctx)
    return analysis.entities, quotes.run(ctx)


def one(qs: list[Quote], fragment: str) -> Quote:
    hits = [q for q in qs if fragment in q.text]
    assert len(hits) == 1, f"{fragment!r} in {[q.text for q in qs]}"
    return hits[0]


def assert_spans_true(text: str, qs: list[Quote]) -> None:
    for q in qs:
        assert text[q.span[0] : q.span[1]] == q.text
        if q.speaker.span is not None:
            assert text[q.speaker.span[0] : q.speaker.span[1]] == q.speaker.text
        if q.cue is not None:
            assert text[q.cue.span[0] : q.cue.span[1]] == q.cue.text


def test_quotes_direct_cue_after() -> None:
    text = "“The bridge will open in May,” Mayor Linda Okafor said on Tuesday."
    qs = run_on(text)
    q = one(qs, "bridge will open")
    assert q.kind == "direct"
    assert q.text == "“The bridge will open in May,”"
    assert q.speaker.text == "Mayor Linda Okafor"
    assert q.cue is not None and q.cue.text == "said"
    assert_spans_true(text, qs)


def test_quotes_direct_inverted_cue() -> None:
    text = "“We have waited long enough,” said Tomas Berger, a farmer from the valley."
    q = one(run_on(text), "waited long enough")
    assert q.speaker.text == "Tomas Berger"
    assert q.cue is not None and q.cue.text == "said"


def test_quotes_direct_cue_before_with_colon() -> None:
    text = "The minister told reporters: “Nobody will lose their pension.”"
    q = one(run_on(text), "Nobody will lose")
    assert q.kind == "direct"
    assert q.speaker.text == "The minister"
    assert q.speaker.kind == "person"
    assert q.cue is not None and q.cue.text == "told"


def test_quotes_tweeted_and_wrote() -> None:
    text = "Senator Ruth Adeyemi wrote on Sunday: “The budget is a moral document.”\n\nHer rival tweeted, “Budgets are arithmetic, not poetry.”"
    qs = run_on(text)
    assert one(qs, "moral document").cue.text == "wrote"
    assert one(qs, "arithmetic").cue.text == "tweeted"


def test_quotes_split_quote_shares_speaker_and_cue() -> None:
    text = "“The river is rising,” the engineer said, “and the old levee will not hold another week.”"
    qs = run_on(text)
    first, second = one(qs, "river is rising"), one(qs, "old levee")
    assert first.speaker.text == second.speaker.text == "the engineer"
    assert first.cue is not None and second.cue is not None and first.cue.span == second.cue.span


def test_quotes_multi_paragraph_quote() -> None:
    text = (
        "Coach Dana Wills spoke after the match.\n\n"
        "“We played without fear in the first half and we deserved the lead.\n\n"
        "“After the break we lost our shape, and that is on me,” Wills said.\n\n"
        "The team travels to Leeds next week."
    )
    qs = run_on(text)
    q = one(qs, "played without fear")
    assert "that is on me" in q.text  # one quote over two paragraphs
    assert q.speaker.text == "Wills"
    assert not any("travels to Leeds" in x.text for x in qs)


def test_quotes_unclosed_quote_bounded_at_paragraph() -> None:
    text = "“This paragraph never closes its quote, the clerk said.\n\nThe council then voted on the budget, which passed easily."
    qs = run_on(text)
    assert not any("council then voted" in q.text for q in qs)
    assert_spans_true(text, qs)


def test_quotes_floating_quote_continues_speaker() -> None:
    text = (
        "“Prices at the market doubled in a month,” said Amina Diallo, who sells vegetables there.\n\n"
        "“Some families now buy one meal a day and skip the rest.”"
    )
    qs = run_on(text)
    floating = one(qs, "one meal a day")
    assert floating.kind == "direct"
    assert floating.cue is None
    assert floating.speaker.text == "Amina Diallo"


def test_quotes_partial_quote_makes_mixed() -> None:
    text = "Gomez said the new rules would drive small shops out of business and leave the high street “empty and silent”."
    qs = run_on(text)
    q = one(qs, "empty and silent")
    assert q.kind == "mixed"
    assert q.text.startswith("the new rules")
    assert q.speaker.text == "Gomez"


def test_quotes_scare_quotes_and_titles_dropped() -> None:
    text = "Hundreds joined the so-called “freedom” convoy, which drove under the banner of “Roads for All” through the town."
    assert run_on(text) == []


def test_quotes_indirect_with_and_without_that() -> None:
    text = "The governor said that the roads would reopen on Friday.\n\nHer deputy warned the repairs could take longer."
    qs = run_on(text)
    a = one(qs, "roads would reopen")
    assert a.kind == "indirect"
    assert a.text == "that the roads would reopen on Friday"
    assert a.speaker.text == "The governor"
    b = one(qs, "repairs could take longer")
    assert b.kind == "indirect" and b.cue.text == "warned"
    assert b.speaker.text == "Her deputy"


def test_quotes_saying_takes_subject_of_governing_clause() -> None:
    text = "The union rejected the offer on Monday, saying the pay rise did not match inflation."
    q = one(run_on(text), "pay rise did not match")
    assert q.kind == "indirect"
    assert q.cue.text == "saying"
    assert q.speaker.text == "The union"


def test_quotes_according_to() -> None:
    text = "The factory will close in March, according to two managers at the plant."
    q = one(run_on(text), "factory will close")
    assert q.cue is not None and q.cue.text == "according to"
    assert q.speaker.text is not None and "managers" in q.speaker.text
    assert q.speaker.kind == "group"


def test_quotes_document_and_group_sources() -> None:
    text = (
        "“Hands off our library,” some of the banners read.\n\n"
        "The statement said the company had followed every safety rule.\n\n"
        "Officials said the tunnel would be finished by 2030."
    )
    qs = run_on(text)
    assert one(qs, "Hands off").speaker.kind == "document"
    assert one(qs, "followed every safety rule").speaker.kind == "document"
    assert one(qs, "tunnel would be finished").speaker.kind == "group"


def test_quotes_apostrophes_are_not_quote_marks() -> None:
    text = "The workers’ union and Ma’an Group don’t agree, the Smiths’ lawyer said, on the town’s future."
    qs = run_on(text)
    assert all("’" not in q.text[:1] for q in qs)
    assert not any(q.text.startswith("’") or q.text.startswith("‘") for q in qs)
    assert_spans_true(text, qs)


def test_quotes_single_quotes_in_headline_style() -> None:
    text = "Mayor Okafor: 'We will rebuild the pier this year'"
    qs = run_on(text)
    q = one(qs, "rebuild the pier")
    assert q.text == "'We will rebuild the pier this year'"


@pytest.mark.parametrize(
    "text",
    [
        "“",
        "”",
        '"',
        "He said “",
        "“Open “open “open",
        "closing only” here” and there”",
        '"a" "b" "c',
        "‘’‘’ ’’ ‘",
        "« unterminated\n\n» reversed «",
        "„German style“ and then nothing",
        "\n\n\n",
    ],
)
def test_quotes_stray_marks_never_crash(text: str) -> None:
    qs = run_on(text) if text.strip() else []
    assert_spans_true(text, qs)


def test_quotes_ids_and_order() -> None:
    text = "“First,” she said.\n\n“Second,” he said.\n\nThe mayor said the third thing was true."
    qs = run_on(text)
    assert [q.id for q in qs] == [f"Q{i}" for i in range(1, len(qs) + 1)]
    assert [q.span[0] for q in qs] == sorted(q.span[0] for q in qs)


def test_quotes_speaker_entity_from_mentions() -> None:
    text = "Lena Park arrived late.\n\n“The vote was rigged,” she said."
    she = text.index("she")
    ents = [
        Entity(id="E1", name="Lena Park", type="PERSON", mentions=[(0, 9), (she, she + 3)]),
    ]
    q = one(run_on(text, ents), "vote was rigged")
    assert q.speaker.text == "she"
    assert q.speaker.entity == "E1"
    assert q.speaker.name == "Lena Park"


def test_quotes_resolves_no_pronoun_of_its_own() -> None:
    # "she" lies in no entity's mentions: quotes must not pick the current speaker itself
    text = (
        "Mr. Ortega met Ms. Haddad at the port.\n\n"
        "“The cranes are too old,” Haddad said.\n\n"
        "“We need new ones by spring,” she said."
    )
    port = text.index("Ortega")
    had1 = text.index("Haddad")
    had2 = text.index("Haddad", had1 + 1)
    ents = [
        Entity(id="E1", name="Carlos Ortega", type="PERSON", mentions=[(port, port + 6)]),
        Entity(id="E2", name="Nadia Haddad", type="PERSON", gender="female", mentions=[(had1, had1 + 6), (had2, had2 + 6)]),
    ]
    qs = run_on(text, ents)
    assert one(qs, "cranes are too old").speaker.entity == "E2"
    q = one(qs, "new ones by spring")
    assert q.speaker.text == "she" and q.speaker.kind == "person"
    assert q.speaker.entity is None and q.speaker.name is None


def test_quotes_pronoun_speaker_is_the_entity_that_lists_the_pronoun() -> None:
    # entities links "he" to the current speaker (four paragraphs on); quotes only reads that
    text = (
        "“We will rebuild the bridge,” Mr. Dawson said.\n\n"
        "The weather turned.\n\nRain fell for days.\n\nThe river rose.\n\n"
        "“The dam will hold,” he said."
    )
    ents, qs = run_with_entities(text)
    q = one(qs, "dam will hold")
    he = q.speaker.span
    assert q.speaker.text == "he" and he is not None
    owner = [e for e in ents if he in [tuple(m) for m in e.mentions]]
    assert len(owner) == 1 and owner[0].name == "Dawson"
    assert q.speaker.entity == owner[0].id and q.speaker.name == "Dawson"


def test_quotes_unresolved_speaker_fields_are_null() -> None:
    text = "“It is over,” someone shouted from the back."
    qs = run_on(text)
    for q in qs:
        assert q.speaker.entity is None
        assert q.speaker.name is None


def test_quotes_reporting_verb_lexicon_size_and_header() -> None:
    rows = lexicon("reporting_verbs")
    assert len(rows) >= 100
    assert all(len(r.split("\t")) == 4 for r in rows)
    assert {r.split("\t")[3] for r in rows} <= {"speech", "belief", "evidence"}


def test_quotes_full_pipeline_span_truth(analyze_text) -> None:
    text = (
        "Ana Ruiz, the head of the port authority, said the strike had cost millions.\n\n"
        "“We cannot keep paying for this,” she told reporters, “and neither can the city.”\n\n"
        "Dockworkers chanted “fair pay now” outside."
    )
    analysis = analyze_text(text)
    assert_spans_true(text, analysis.quotes)
    q = one(analysis.quotes, "strike had cost millions")
    assert q.speaker.text == "Ana Ruiz"


def test_quotes_many_paragraphs_each_quoted() -> None:
    para = "“The harbour is busy,” the pilot said. Officials said the ships would wait.\n\n"
    text = para * 150
    doc = nlp.parse(text)
    article = Article(text=text)
    analysis = Analysis(document=make_document(article, doc))
    ctx = Context(article=article, doc=doc, analysis=analysis, settings=Settings())
    qs = quotes.run(ctx)
    assert len(qs) >= 250


@pytest.mark.parametrize(
    ("text", "content", "kind"),
    [
        ("“The harbour is busy,” the pilot said.", "harbour is busy", "speech"),
        ("A new study showed that the harbour was losing money every year.", "losing money", "evidence"),
        ("The mayor believes that the harbour will recover by the spring.", "will recover", "belief"),
    ],
)
def test_quotes_cue_kind_is_set(text: str, content: str, kind: str) -> None:
    q = one(run_on(text), content)
    assert q.cue is not None and q.cue.kind == kind


def test_quotes_noun_cue_and_statement_clause() -> None:
    text = (
        "At the rally, union leader Rosa Mendel renewed the demand that the council reopen the clinic.\n\n"
        "The ministry said in a statement that the clinic would stay closed until spring."
    )
    qs = run_on(text)
    a = one(qs, "council reopen the clinic")
    assert a.kind == "indirect" and a.speaker.text is not None and "Rosa Mendel" in a.speaker.text
    b = one(qs, "stay closed until spring")
    assert b.text.startswith("that the clinic") and b.cue.text == "said"


def test_quotes_colon_content_without_marks() -> None:
    text = "The auditor wrote: The accounts do not add up and the gap is growing.\n\nNothing else was said."
    q = one(run_on(text), "accounts do not add up")
    assert q.kind == "indirect" and q.cue.text == "wrote"
    assert "Nothing else" not in q.text


def test_quotes_double_apostrophe_marks_and_markup_values() -> None:
    text = "''We will appeal,'' said the club's lawyer.\n\n<img author=\"staff writer\" src=\"a.png\">"
    qs = run_on(text)
    q = one(qs, "We will appeal")
    assert q.text == "''We will appeal,''"
    assert q.speaker.text == "the club's lawyer"
    assert not any("staff writer" in x.text for x in qs)


def test_quotes_title_case_work_names_are_not_quotes() -> None:
    text = "“Letters From the Northern Coast,” the author said, is her third novel.\n\n“It took me nine years to finish,” she said."
    qs = run_on(text)
    assert not any("Northern Coast" in q.text and q.kind == "direct" for q in qs)
    assert one(qs, "nine years").kind == "direct"


def test_quotes_speaker_covers_whole_entity_mention() -> None:
    # the parser splits "Karim al-Nasiri" into three subjects; the speaker must be the whole name
    text = "“We will hold the line,” Karim al-Nasiri said.\n\n“Nobody is leaving,” al-Nasiri told reporters."
    first = text.index("Karim")
    second = text.index("al-Nasiri", first + 10)
    ents = [Entity(id="E1", name="Karim al-Nasiri", type="PERSON", mentions=[(first, first + 15), (second, second + 9)])]
    qs = run_on(text, ents)
    a, b = one(qs, "hold the line"), one(qs, "Nobody is leaving")
    assert a.speaker.text == "Karim al-Nasiri" and a.speaker.span == (first, first + 15)
    assert b.speaker.text == "al-Nasiri"
    assert a.speaker.entity == b.speaker.entity == "E1"
    assert_spans_true(text, qs)


def test_quotes_group_pronoun_takes_previous_group_speaker() -> None:
    text = (
        "Farmers' cooperatives have maintained that the water quota is unfair, "
        "and they insist that the canal must stay open all summer."
    )
    ents, qs = run_with_entities(text)
    q = one(qs, "canal must stay open")
    assert q.speaker.text == "they"
    assert q.speaker.kind == "group"
    assert q.speaker.name is not None and "cooperatives" in q.speaker.name
    group = next(e for e in ents if e.id == q.speaker.entity)
    assert q.speaker.span in [tuple(m) for m in group.mentions]
    assert one(qs, "quota is unfair").speaker.entity == group.id
    assert_spans_true(text, qs)
    # without the entities stage nobody resolves "they"
    assert one(run_on(text), "canal must stay open").speaker.name is None


def test_quotes_group_pronoun_without_group_antecedent_stays_unnamed() -> None:
    text = "The mayor opened the fair on Monday.\n\nLater that week the council met again. They said the budget was final."
    q = one(run_with_entities(text)[1], "budget was final")
    assert q.speaker.kind == "group"
    assert q.speaker.name is None


def test_quotes_writer_first_person_belief_is_kept_unnamed() -> None:
    # the writer's "I" is a source a reader can name (the byline); an unresolved "we" is not
    text = "Mr. Ortega said the port was losing money.\n\nI believe that the port will recover by spring."
    q = one(run_with_entities(text)[1], "port will recover")
    assert q.cue is not None and q.cue.kind == "belief"
    assert q.speaker.text == "I" and q.speaker.entity is None and q.speaker.name is None
    assert run_on("We believe that the port will recover by spring.") == []


def test_quotes_parenthetical_cue_inside_content() -> None:
    text = "In the long run, the engineers say, the new dam will pay for itself."
    q = one(run_on(text), "pay for itself")
    assert q.kind == "indirect"
    assert q.cue is not None and q.cue.text == "say"
    assert q.speaker.text == "the engineers"
    assert "In the long run" in q.text


def test_quotes_object_of_evaluative_verb_is_content() -> None:
    text = "The senator criticized the housing agency for ignoring the flood warnings."
    q = one(run_on(text), "housing agency")
    assert q.kind == "indirect"
    assert q.text == "the housing agency for ignoring the flood warnings"
    assert q.speaker.text == "The senator"


def test_quotes_double_apostrophe_quote_after_cued_quote_continues_speaker() -> None:
    text = (
        "''The plant will stay open as long as I am here,'' Marta Ruiz said in an interview at a maker of car seats. "
        "''Nobody here is ready to give up on it.''\n\n"
        "''We asked for a meeting, '' said Ivo Berg, who runs the works council. ''They never answered.''"
    )
    qs = run_on(text)
    a, b = one(qs, "stay open"), one(qs, "Nobody here")
    assert a.speaker.text == "Marta Ruiz"
    assert b.speaker.text == "Marta Ruiz"
    assert b.text == "''Nobody here is ready to give up on it.''"
    c, d = one(qs, "asked for a meeting"), one(qs, "never answered")
    assert c.text == "''We asked for a meeting, ''"  # a closing mark after a space
    assert c.speaker.text == d.speaker.text == "Ivo Berg"
    assert_spans_true(text, qs)


def test_quotes_as_clause_and_embedded_question() -> None:
    text = (
        "As the auditors noted, the harbour fund has lost money for three years.\n\n"
        "The chair asked members if they would back a new levy."
    )
    qs = run_on(text)
    a = one(qs, "harbour fund")
    assert a.kind == "indirect" and a.speaker.text == "the auditors" and a.cue.text == "noted"
    assert a.text.endswith("for three years")
    b = one(qs, "back a new levy")
    assert b.text == "if they would back a new levy" and b.speaker.text == "The chair"


def test_quotes_dateline_is_not_part_of_the_content(analyze_text):
    text = (
        "Harbour strike ends\n\n"
        "PORT ELDER (Coast Wire) – Dock workers returned to their posts on Monday after the union accepted "
        "a new pay offer, according to two officials at the port.\n"
    )
    analysis = analyze_text(text)
    quote = next(q for q in analysis.quotes if q.cue and q.cue.text == "according to")
    assert quote.text.startswith("Dock workers returned")
    assert text[quote.span[0] : quote.span[1]] == quote.text


def test_quotes_two_cues_around_one_quote_give_one_named_quote(analyze_text):
    text = (
        "The mayor spoke at the opening of the new bridge.\n"
        "The new toll, she said, “is not a tax, but a fair share for those who use it,” Mayor Ines Calder said.\n"
    )
    analysis = analyze_text(text)
    assert len(analysis.quotes) == 1, [q.text for q in analysis.quotes]
    assert analysis.quotes[0].speaker.text == "Mayor Ines Calder" or "Calder" in (analysis.quotes[0].speaker.name or "")


def test_quotes_inanimate_subject_inside_a_report_is_not_a_source(analyze_text):
    text = (
        "The opposition leader, Petra Vos, wrote that the shortage showed the ministry was "
        "\"asleep at the wheel\" and called for an inquiry.\n"
    )
    analysis = analyze_text(text)
    assert len(analysis.quotes) == 1, [(q.text, q.speaker.text) for q in analysis.quotes]
    assert "Vos" in (analysis.quotes[0].speaker.name or analysis.quotes[0].speaker.text or "")


def test_quotes_report_nested_in_the_same_speakers_report_is_one_quote(analyze_text):
    text = "Striking nurses rallied outside the hospital, pledging to keep up pressure in demanding a fair pay deal.\n"
    analysis = analyze_text(text)
    assert len(analysis.quotes) == 1, [(q.text, q.cue.text if q.cue else None) for q in analysis.quotes]
    assert "fair pay deal" in analysis.quotes[0].text


def test_quotes_two_coordinated_reports_are_split() -> None:
    text = "The mayor said the bridge repairs had gone well and said that the toll would stay low."
    qs = run_on(text)
    first = one(qs, "the bridge repairs had gone well")
    second = one(qs, "the toll would stay low")
    assert "toll" not in first.text
    assert first.speaker.text == second.speaker.text == "The mayor"


def test_quotes_short_object_of_say_is_content() -> None:
    text = "Asked whether the ferry would run, the harbour master said no. Most riders said the same of the bus."
    qs = run_on(text)
    assert one(qs, "no").kind == "indirect"
    assert one(qs, "the same of the bus").speaker.text == "Most riders"
    assert not [q for q in run_on("The clerk said Tuesday.") if q.kind == "indirect"]


def test_quotes_parenthetical_cue_on_a_noun_subject_takes_the_whole_clause() -> None:
    text = "The trouble now, the engineer told me on Monday, is that the pumps are too old."
    q = one(run_on(text), "the pumps are too old")
    assert q.text.startswith("The trouble now")
    assert q.speaker.text == "the engineer"


def test_quotes_unmarked_clause_after_a_time_phrase_is_content() -> None:
    text = "The mayor said after the vote she would not seek another term."
    q = one(run_on(text), "she would not seek another term")
    assert q.kind == "indirect" and q.speaker.text == "The mayor"
    assert "vote" not in q.text


def test_quotes_headline_order_complement_before_cue() -> None:
    text = "Rules vague on whether tenants are protected, lawyers say."
    q = one(run_on(text), "tenants are protected")
    assert q.text.startswith("Rules vague") and q.speaker.text == "lawyers"


def test_quotes_complement_split_by_the_parser_is_one_content() -> None:
    text = "But 30 percent of the tenants still say they don’t yet know enough about the landlord to judge him."
    q = one(run_on(text), "they don’t")
    assert q.text.endswith("to judge him")


def test_quotes_that_clause_hung_on_the_addressee() -> None:
    text = "On Sunday she told a gathering of dairy farmers that few growers expected rain before June."
    q = one(run_on(text), "few growers expected rain")
    assert q.kind == "indirect" and q.speaker.text == "she"
    assert "farmers" not in q.text


def test_quotes_calling_for_someone_to_act_is_content() -> None:
    text = "The union is calling for the city council to reopen the library on weekends."
    q = one(run_on(text), "to reopen the library")
    assert q.text.startswith("the city council") and q.speaker.text == "The union"


def test_quotes_called_on_keeps_the_addressee() -> None:
    text = "She has also called on the regional board to publish the water test results."
    q = one(run_on(text), "to publish the water test results")
    assert q.text.startswith("the regional board")


def test_quotes_agreed_to_is_reported_commitment() -> None:
    text = "After the meeting, the landlord agreed to repair the heating before the first frost."
    q = one(run_on(text), "repair the heating")
    assert q.kind == "indirect" and q.speaker.text == "the landlord"


def test_quotes_suggested_gerund_is_content() -> None:
    q = one(run_on("The nurse suggested keeping a written diary of every dose."), "keeping a written diary")
    assert q.speaker.text == "The nurse"


def test_quotes_negated_cue_with_when_question() -> None:
    q = one(run_on("The council has not said when it would vote on the new budget."), "it would vote")
    assert q.text.startswith("when") and q.speaker.text == "The council"
    assert not [q for q in run_on("He said when he arrived the doors were locked.") if "he arrived" in q.text and q.kind == "indirect" and q.text.startswith("when")]


def test_quotes_fronted_content_before_a_root_cue() -> None:
    q = one(run_on("Towns like ours, the mayor said."), "Towns like ours")
    assert q.text == "Towns like ours" and q.speaker.text == "the mayor"
    assert not [q for q in run_on("After the vote, the mayor told reporters.") if q.kind == "indirect"]


def test_quotes_indirect_content_stops_where_the_reporter_goes_on() -> None:
    # "have ramped up" agrees with "groups", not with "the ministry": the reporter's second act
    text = "Opposition groups have maintained that the ministry is merely renaming its old programme and have ramped up calls for an inquiry."
    qs = run_on(text)
    assert_spans_true(text, qs)
    q = one(qs, "renaming")
    assert q.text.endswith("renaming its old programme") and "inquiry" not in q.text
    # agreeing verbs stay in the content
    text2 = "The unions said the ministers are blocking the talks and have refused every offer."
    q2 = one(run_on(text2), "blocking")
    assert q2.text.endswith("have refused every offer")


# --- Not a quote: statements nobody made, beliefs and evidence with no source (issue 15) ---

@pytest.mark.parametrize(
    "text",
    [
        # negated speech
        "Ms. Varga, who never said that her rival was unfit for office, spoke for an hour.",
        "The council did not say that the library would close next year.",
        # hypothetical
        "Critics might argue that the new tax will hurt small bakeries in the region.",
        # a question asks, it reports nothing
        "Does the chairman ever say the plan will cost taxpayers nothing?",
        # set phrases built on a reporting verb
        "That said, a defeat in the valley would be a bitter end to the campaign.",
        "Needless to say, the ferry was late again on Monday morning.",
        # imperatives
        "Call it a craze for old television shows.",
        "For a longer account of the strike, read the union's own history of the dispute.",
        # a belief or evidence cue with nobody behind it
        "It is widely understood that the merger will collapse before the summer.",
        "A close look at the two old jets suggests that their value lies mostly in marketing.",
        # vague objects of 'say'
        "The long campaign gives a candidate time to get tired and say something foolish.",
    ],
)
def test_quotes_not_a_report_finds_nothing(text: str) -> None:
    assert run_on(text) == []


def test_quotes_negated_cue_keeps_the_real_report() -> None:
    text = "Ms. Varga, who did not say that her rival was unfit, said on Friday that he lacked experience."
    qs = run_on(text)
    assert [q.text for q in qs] == ["that he lacked experience"]
    assert qs[0].speaker.text == "Ms. Varga"
    assert_spans_true(text, qs)


def test_quotes_belief_with_a_named_holder_is_kept_with_its_kind() -> None:
    text = "Maria Lopez believes that the council will approve the plan next week."
    q = one(run_on(text), "council will approve")
    assert q.cue is not None and q.cue.kind == "belief"
    assert q.speaker.text == "Maria Lopez"


def test_quotes_speech_verb_of_a_thing_is_evidence() -> None:
    # a look cannot speak (kept out); figures are a source, but they show rather than say
    assert run_on("A close look at the ledgers suggests that the fund lost money for years.") == []
    q = one(run_on("The sales figures suggest that demand for electric cars is slowing."), "demand for electric")
    assert q.cue is not None and q.cue.kind == "evidence"
    text = "The finance minister suggested that the budget would be balanced by 2027."
    q = one(run_on(text), "budget would be balanced")
    assert q.cue is not None and q.cue.kind == "speech"
    assert q.text == "that the budget would be balanced by 2027"


def test_quotes_scare_quote_modifying_a_noun_is_no_quote() -> None:
    text = 'Hundreds marched against what they call the "rigged" selection of the party leader.'
    assert run_on(text) == []


def test_quotes_called_with_quoted_words_is_still_a_quote() -> None:
    text = 'The senator called the proposal "a gift to polluters" during the debate.'
    q = one(run_on(text), "gift to polluters")
    assert q.speaker.text == "The senator"
    assert_spans_true(text, [q])


def test_quotes_title_with_byline_is_no_quote() -> None:
    text = 'SHORT READS: "City aquarium to close its doors for a year," by Harbor Daily\'s Ana Ruiz.'
    assert run_on(text) == []


def test_quotes_must_still_find_plain_reports() -> None:
    text = (
        "The mayor said that the budget would be balanced by next year.\n\n"
        "“We will not back down from this fight,” the union leader said on Tuesday."
    )
    qs = run_on(text)
    assert [q.kind for q in qs] == ["indirect", "direct"]
    assert all(q.cue is not None and q.cue.kind == "speech" for q in qs)
    assert_spans_true(text, qs)


def test_quotes_question_after_colon_and_ability_modal_still_report() -> None:
    text = "The senator told reporters that the vote would be close: would the bill pass at all?"
    q = one(run_on(text), "vote would be close")
    assert q.speaker.text == "The senator"
    text = "The mayor can confirm that the pool will reopen in June."
    q = one(run_on(text), "pool will reopen")
    assert q.speaker.text == "The mayor"
