"""Sourcing stage: voices, quoted share, stance toward the main actors, one-sidedness.

The articles below are fictional and written for these tests.
"""

from __future__ import annotations

import pytest

from presslens.model import Analysis, Voice

RALLY = """Thousands rally in Kesra against Norland's occupation of the valley

Protesters filled the central square of Kesra on Sunday to demand that Norland withdraw its troops from the valley.

Amira Soltan, the head of the Valley Defence Committee, said Norland's occupation was a crime that the people of the valley would never accept.

"Norland's aggression has brought nothing but misery to our families," Soltan told the crowd.

Local activist Dario Femi said the Norland government had lied to the world about its brutal campaign.

"The Norlanders are occupiers and criminals, and history will judge them," Femi said.

Bashir Kalo, a retired teacher from the village of Tamra, said Norland's soldiers had committed terrible crimes against farmers.
"""

BALANCED = """Parliament splits over Varga's budget

The government of Prime Minister Lena Varga presented its budget on Tuesday, promising new money for hospitals and a cut in fuel duty.

Finance Minister Ole Brandt praised Varga for her courage and said her plan was a sensible and fair answer to rising prices.

"Lena Varga has shown real leadership on this," Brandt said.

Opposition leader Piet Roos said Varga's budget was a disgraceful failure that would hurt working families.

"Varga has broken every promise she made to the regions," Roos told reporters. "Her government is reckless and incompetent."

The vote is expected next week.
"""

SHORT = """Library to open in May

The city will open its new library on Harbour Street in May, Mayor Tom Reed said on Monday.

The building has three floors and a reading garden.
"""

NO_QUOTES = """Storm closes coastal road

Heavy rain closed the coastal road between Bressa and Lunt on Friday.

Crews cleared fallen trees through the night, and the road reopened on Saturday morning.
"""

ATTACKED = """Border posts attacked

Gunmen attacked two border posts in Norland overnight, officials said.

"Terrorists attacked Norland's border posts and killed two guards," said Karl Menz, a police spokesman.

Norland has increased patrols along the border since the spring, and Norland closed the crossing on Monday.
"""

WORDS = """Mayor promises schools

Mayor Tom Reed spoke at the town hall in Ostby on Monday.

"We will rebuild every school by winter," Reed said.
"""

ALL_ARTICLES = (RALLY, BALANCED, SHORT, NO_QUOTES, ATTACKED, WORDS)


def _voice(analysis: Analysis, name_part: str) -> Voice:
    assert analysis.sourcing is not None
    for v in analysis.sourcing.voices:
        if v.name and name_part in v.name:
            return v
    raise AssertionError(f"no voice named like {name_part!r}: {[v.name for v in analysis.sourcing.voices]}")


def _stance_toward(voice: Voice, actor_part: str) -> str:
    for st in voice.stances:
        if actor_part in st.name:
            return st.stance
    return "unknown"


def test_sourcing_one_sided_rally_all_condemn_one_actor(analyze_text):
    a = analyze_text(RALLY)
    s = a.sourcing
    assert s is not None
    assert [a.entity(e).name for e in s.main_actors][0] == "Norland"
    for speaker in ("Soltan", "Femi", "Kalo"):
        assert _stance_toward(_voice(a, speaker), "Norland") == "critical"
    assert s.one_sided is True
    assert "criticise Norland" in s.summary and "No voice defending Norland" in s.summary


def test_sourcing_balanced_story_is_not_one_sided(analyze_text):
    a = analyze_text(BALANCED)
    s = a.sourcing
    assert s is not None
    assert _stance_toward(_voice(a, "Brandt"), "Varga") == "favourable"
    assert _stance_toward(_voice(a, "Roos"), "Varga") == "critical"
    assert s.one_sided is False
    assert "Opposing views" in s.summary and "Brandt" in s.summary and "Roos" in s.summary


def test_sourcing_one_short_quote_is_too_little_to_tell(analyze_text):
    s = analyze_text(SHORT).sourcing
    assert s is not None
    assert [v.name for v in s.voices] == ["Tom Reed"]
    assert s.one_sided is None
    assert "too little to tell" in s.summary


def test_sourcing_no_quotes_no_voices(analyze_text):
    a = analyze_text(NO_QUOTES)
    s = a.sourcing
    assert a.quotes == []
    assert s is not None and s.voices == [] and s.quoted_share == 0.0 and s.one_sided is None
    assert "No one is quoted" in s.summary


def test_sourcing_role_from_apposition(analyze_text):
    assert _voice(analyze_text(RALLY), "Soltan").role == "the head of the Valley Defence Committee"
    assert "retired teacher" in (_voice(analyze_text(RALLY), "Kalo").role or "")


def test_sourcing_words_counted(analyze_text):
    v = _voice(analyze_text(WORDS), "Reed")
    assert v.quotes == 1
    assert v.words == 7  # We will rebuild every school by winter


def test_sourcing_voices_merge_quotes_per_speaker(analyze_text):
    a = analyze_text(BALANCED)
    roos = _voice(a, "Roos")
    assert roos.entity is not None and roos.kind == "person"
    assert roos.quotes == len(roos.quote_ids) >= 2
    by_id = {q.id: q for q in a.quotes}
    assert all(by_id[qid].speaker.entity == roos.entity for qid in roos.quote_ids)
    assert sum(v.quotes for v in a.sourcing.voices) <= len(a.quotes)


@pytest.mark.parametrize("text", ALL_ARTICLES)
def test_sourcing_span_truth_and_order(analyze_text, text):
    a = analyze_text(text)
    s = a.sourcing
    assert s is not None
    speaker_spans = {q.speaker.span for q in a.quotes if q.speaker.span is not None}
    firsts = []
    for v in s.voices:
        assert v.mentions == sorted(v.mentions)
        for span in v.mentions:
            assert span in speaker_spans  # a voice is named where its quotes name their speaker
            assert a.document.text[span[0] : span[1]].strip()
        for st in v.stances:
            assert st.entity in s.main_actors
            for start, end in st.evidence:
                assert 0 <= start < end <= len(a.document.text)
        firsts.append(min([m[0] for m in v.mentions] + [q.span[0] for q in a.quotes if q.id in v.quote_ids]))
    assert firsts == sorted(firsts)  # ordered by first mention
    assert 0.0 <= s.quoted_share <= 1.0


def test_sourcing_quoted_share_is_body_share_inside_quotes(analyze_text):
    a = analyze_text(RALLY)
    text = a.document.text
    title = a.document.title_span
    inside = set()
    for q in a.quotes:
        inside.update(range(*q.span))
    if title:
        inside -= set(range(*title))
    body = len(text) - ((title[1] - title[0]) if title else 0)
    assert a.sourcing.quoted_share == pytest.approx(len(inside) / body, abs=1e-3)


def test_sourcing_stance_positive_and_negative_sentences(analyze_text):
    a = analyze_text(BALANCED)
    brandt = _voice(a, "Brandt")
    roos = _voice(a, "Roos")
    pos = next(st for st in brandt.stances if "Varga" in st.name)
    neg = next(st for st in roos.stances if "Varga" in st.name)
    assert pos.score is not None and pos.score > 0 and pos.evidence
    assert neg.score is not None and neg.score < 0 and neg.evidence
    # the evidence is the quote sentences that name the actor
    assert any("Varga" in a.document.text[s:e] for s, e in neg.evidence)


def test_sourcing_violence_done_to_an_actor_is_not_criticism_of_it(analyze_text):
    a = analyze_text(ATTACKED)
    assert _stance_toward(_voice(a, "Menz"), "Norland") in ("neutral", "unknown")
    assert a.sourcing.one_sided is not True


def test_sourcing_voice_that_is_a_main_actor_is_on_its_own_side(analyze_text):
    a = analyze_text(BALANCED)
    s = a.sourcing
    varga = [v for v in s.voices if v.entity and v.entity in s.main_actors]
    for v in varga:
        own = [st for st in v.stances if st.entity == v.entity]
        assert own and own[0].stance == "favourable" and own[0].score is None


def test_sourcing_odd_input_does_not_crash(analyze_text):
    for text in ('"', '""', '"Yes," he said.', "x " * 3000, '“We will win,” they said.\n' * 50):
        s = analyze_text(text).sourcing
        assert s is not None and 0.0 <= s.quoted_share <= 1.0 and s.summary


def test_sourcing_vader_loads_once():
    from presslens.stages import sourcing

    assert sourcing._vader() is sourcing._vader()


def test_sourcing_lexicons_parse():
    from presslens.stages import sourcing

    lex = sourcing._lex()
    assert lex.terms["condemned"][0] < 0 < lex.terms["praised"][0]
    assert lex.terms["resistance"][1] is True  # describe-only
    assert "u.s." in lex.demonyms["american"]


def _v(name: str, quotes: int, words: int, *stances: tuple[str, str, float | None]) -> Voice:
    from presslens.model import ActorStance

    return Voice(
        name=name, quotes=quotes, words=words,
        stances=[ActorStance(entity=e, name=e, stance=st, score=sc) for e, st, sc in stances],
    )


def _actors(*keys: str):
    from presslens.stages.sourcing import _Actor

    return [_Actor(key=k, name=k, members=frozenset({k}), salience=5.0) for k in keys]


def test_sourcing_verdict_voices_linked_into_one_camp_are_one_sided():
    from presslens.stages.sourcing import _verdict

    voices = [
        _v("A", 2, 30, ("X", "critical", -0.8), ("Y", "favourable", 0.9)),
        _v("B", 1, 10, ("X", "critical", -0.4)),
        _v("C", 1, 12, ("Y", "favourable", 0.5)),
    ]
    verdict, text = _verdict(voices, _actors("X", "Y"))
    assert verdict is True and "All 3 voices that take a side agree" in text


def test_sourcing_verdict_unrelated_positions_are_not_shown_to_agree():
    from presslens.stages.sourcing import _verdict

    voices = [_v("A", 2, 30, ("X", "critical", -0.8)), _v("B", 2, 30, ("Y", "favourable", 0.9))]
    verdict, text = _verdict(voices, _actors("X", "Y"))
    assert verdict is None and "none contradicts another" in text


def test_sourcing_verdict_neutral_voices_together_are_independent():
    from presslens.stages.sourcing import _verdict

    side = [_v("A", 2, 30, ("X", "critical", -0.8)), _v("B", 1, 10, ("X", "critical", -0.5))]
    quiet = [_v("C", 1, 12, ("X", "neutral", 0.0)), _v("D", 1, 11, ("X", "neutral", 0.02))]
    verdict, text = _verdict(side + quiet, _actors("X"))
    assert verdict is False and "independent" in text and "C and D" in text
    # one short neutral line does not balance a side, nor does a neutral voice leaning its way
    leaning = [_v("C", 1, 12, ("X", "neutral", -0.2)), _v("D", 1, 11, ("X", "neutral", 0.0))]
    assert _verdict(side + leaning, _actors("X"))[0] is True


def test_sourcing_verdict_self_stance_counts_only_for_conflict():
    from presslens.stages.sourcing import _verdict

    # X speaks (on its own side); B criticises X: opposing views, though X scored nothing itself
    voices = [_v("X", 3, 40, ("X", "favourable", None)), _v("B", 1, 10, ("X", "critical", -0.6))]
    verdict, text = _verdict(voices, _actors("X"))
    assert verdict is False and "Opposing views" in text
    # X alone, speaking only of itself, takes no side
    assert _verdict(voices[:1], _actors("X"))[0] is None


PREDICATES = """Minister praised

Harbour workers gathered in Ostby on Monday to hear the transport minister, Eva Lind.

Union leader Jonas Berg hailed Lind as a hero of the docks.

"Some people branded Lind a traitor last year, but she kept every promise," Berg said.

Later the crowd cheered as Lind left.
"""


def test_sourcing_predicates_about_the_object_count(analyze_text):
    """"hailed X as a hero" and "branded X a traitor" say something about X itself."""
    from presslens import nlp
    from presslens.stages.sourcing import _lex, _term_weight

    doc = nlp.load()("She hailed Norland as a hero. They branded Norland a traitor.")
    hero, norland1 = doc[5], doc[2]
    traitor, norland2 = doc[11], doc[9]
    assert _term_weight(hero, norland1, [], False) >= 0.6
    assert _term_weight(traitor, norland2, [], False) >= 0.6
    berg = _voice(analyze_text(PREDICATES), "Berg")
    assert _stance_toward(berg, "Lind") == "favourable"
    assert _lex().terms["hero"][0] > 0


# ---------------------------------------------------------------- one group under two names

GROUP_NAMES = """Dock workers march in Velmar

Hundreds of dock workers marched through Velmar on Monday to protest the closure of the east pier.

"We built this harbour and we will not be thrown out of it," the protesters said as they reached the town hall.

The protestors, in their hundreds, chanted that the pier must stay open.

Senior officials said the pier was unsafe. Harbour officials said repairs would cost too much.

Other protesters said they would return on Friday.
"""


def test_sourcing_group_named_twice_is_one_voice(analyze_text):
    a = analyze_text(GROUP_NAMES)
    names = [v.name for v in a.sourcing.voices]
    crowd = [v for v in a.sourcing.voices if v.name and "protest" in v.name.lower()]
    # "the protesters" and "The protestors" are one crowd; "Other protesters" says it is another
    assert len(crowd) == 2, names
    assert sorted(v.quotes for v in crowd) == [1, 2], names
    # same head, modifiers that do not contain each other: two sets of officials
    assert len([v for v in a.sourcing.voices if v.name and "officials" in v.name.lower()]) == 2, names


def test_sourcing_head_variants_of_one_stem():
    from presslens.stages.sourcing import _same_head

    assert _same_head("protester", "protestor")
    assert _same_head("demonstrator", "demonstration")
    assert not _same_head("official", "officer")
    assert not _same_head("resident", "president")
    assert not _same_head("farmer", "fisherman")


# ---------------------------------------------------------------- what ties a voice to a side

SIDED = """Kesra rallies against Norland's troops

Thousands marched in Kesra on Sunday to demand that Norland withdraw its troops from the valley.

Union leader Amira Soltan said Norland's occupation was a crime that the valley would never accept.

"Norland's soldiers have brought nothing but misery to our families," Soltan told the crowd.

Local activist Dario Femi said the Norland government had lied about its brutal campaign.

"The Norlanders are occupiers and criminals," Femi said.

{extra}
"""


def test_sourcing_doubt_marker_in_a_quote_reads_as_critical(analyze_text):
    a = analyze_text(SIDED.format(extra="Valley councils have maintained that Norland is merely relabelling its soldiers as advisers."))
    councils = _voice(a, "councils")
    norland = next(st for st in councils.stances if st.name.startswith("Norland"))
    assert norland.stance == "critical", councils.stances


def test_sourcing_statement_of_plain_fact_is_not_an_independent_voice(analyze_text):
    plain = "The transport ministry announced that the valley road would reopen on Friday after Norland trucks left."
    a = analyze_text(SIDED.format(extra=plain))
    assert a.sourcing.one_sided is True, a.sourcing.summary


def test_sourcing_verdict_plain_fact_and_tied_voices_balance_nothing():
    from presslens.stages.sourcing import _verdict

    side = [_v("A", 2, 30, ("X", "critical", -0.8)), _v("B", 1, 10, ("X", "critical", -0.5))]
    quiet = [_v("C", 2, 40, ("X", "neutral", 0.0))]
    assert _verdict(side + quiet, _actors("X", "Y"))[0] is False  # C weighs the matter: independent
    assert _verdict(side + quiet, _actors("X", "Y"), plain={2})[0] is True  # C states a plain fact
    # one voice taking a side beside a plain fact is too little to tell
    single = [_v("A", 3, 40, ("X", "critical", -0.8))]
    assert _verdict(single, _actors("X", "Y"))[0] is True
    assert _verdict(single + quiet, _actors("X", "Y"), plain={1})[0] is None
    # C speaks for Y, an actor of the article: tied to a side, not independent
    tied = [_v("C", 2, 40, ("X", "neutral", 0.0), ("Y", "favourable", None))]
    assert _verdict(side + tied, _actors("X", "Y"))[0] is True


def test_sourcing_a_sides_own_officials_are_not_independent(analyze_text):
    # the criticised side's own officials, even in neutral words, are the other side's voice
    other = analyze_text(SIDED.format(extra="Norlandic officials said the troops would stay until the spring."))
    assert other.sourcing.one_sided is False, other.sourcing.summary
    officials = _voice(other, "Norlandic")
    assert any(st.score is None and st.name.startswith("Norland") for st in officials.stances)


def test_sourcing_capital_speaks_for_its_country():
    from presslens.stages.sourcing import _lex, _one_polity

    lex = _lex()
    assert _one_polity({"washington"}, {"u.s.", "united states"}, lex)
    assert not _one_polity({"washington"}, {"russia"}, lex)
