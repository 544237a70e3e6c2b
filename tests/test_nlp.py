"""presslens.nlp: one parse per text, chunked parsing, paragraph and sentence spans."""

from __future__ import annotations

from presslens import nlp


def test_nlp_load_is_cached_and_has_the_boundary_component():
    assert nlp.load() is nlp.load()
    assert "presslens_paragraph_breaks" in nlp.load().pipe_names


def test_nlp_chunks_join_back_and_respect_size():
    text = "\n".join(f"Paragraph {i} says something about the harbour." for i in range(400))
    pieces = nlp.chunks(text, size=1000)
    assert "".join(pieces) == text
    assert len(pieces) > 10 and all(len(p) <= 1100 for p in pieces)


def test_nlp_parse_many_long_text_keeps_offsets():
    text = "\n\n".join(f"The mayor said on day {i} that the bridge would reopen." for i in range(600))
    doc = nlp.parse_many([text])[0]
    assert doc.text == text
    assert len(list(doc.sents)) >= 600


def test_nlp_long_runs_without_spaces_parse_fast_and_exactly():
    text = "Opening words. " + "“" * 5000 + " closing words." + "x" * 3000
    doc = nlp.parse(text)
    assert doc.text == text


def test_nlp_paragraph_breaks_are_sentence_boundaries():
    doc = nlp.parse("Council backs harbour plan\nThe council voted on Monday to back the plan.")
    assert [s.text.strip() for s in doc.sents][0] == "Council backs harbour plan"


def test_nlp_paragraphs_line_per_paragraph():
    text = "Title line\nFirst paragraph here.\n\nSecond paragraph here.\n"
    spans = nlp.paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["Title line", "First paragraph here.", "Second paragraph here."]


def test_nlp_paragraphs_hard_wrapped_blocks():
    text = (
        "The council met on Monday evening and voted to back the\nharbour plan after a long and often "
        "heated debate about\nparking, noise and the cost of dredging.\n\n"
        "Residents had asked for more parking near the harbour and\nthe market, and for a ban on heavy "
        "lorries in the old town\nbefore the summer season begins.\n"
    )
    spans = nlp.paragraphs(text)
    assert len(spans) == 2
    assert text[spans[0][0] : spans[0][1]].endswith("the cost of dredging.")


def test_nlp_sentences_are_trimmed_and_in_bounds():
    doc = nlp.parse("  One sentence here.   Another one follows.  \n")
    spans = nlp.sentences(doc)
    assert [doc.text[s:e] for s, e in spans] == ["One sentence here.", "Another one follows."]


def test_nlp_parse_batch_size_changes_memory_not_the_parse():
    texts = [
        "The mayor said on Monday that the bridge would reopen.\nCritics disagreed.",
        "Officials in Ottawa announced 300 new jobs. Unions called it a start.",
        "A short one.",
        "Protesters marched through the capital on Saturday, police said.",
        "The company, which employs 4,000 people, denied the report.",
    ]

    def annotations(docs):
        return [
            [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_type_, t.is_sent_start) for t in d]
            for d in docs
        ]

    assert nlp.PARSE_BATCH < 16
    assert annotations(nlp.parse_many(texts, batch_size=1)) == annotations(nlp.parse_many(texts, batch_size=16))
