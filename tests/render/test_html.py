from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from html.parser import HTMLParser

from presslens.model import Check, Event, Participant, Technique, Trigger
from presslens.render import render
from presslens.render.html import json_for_script, safe_url

ALLOWED_TAGS = {
    "html", "head", "meta", "link", "title", "style", "body", "header", "h1", "h2", "h3", "p", "div",
    "fieldset", "legend", "label", "input", "span", "main", "article", "aside", "section", "ul", "li",
    "a", "em", "strong", "table", "thead", "tbody", "tr", "th", "td", "br", "footer", "script",
    "button", "details", "summary", "ol",
}


class Page(HTMLParser):
    """Elements, attributes, script bodies and the article pane's visible text of a report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.article_text: list[str] = []
        self.ids: list[str] = []
        self._stack: list[str] = []
        self._in_article = 0
        self._raw: tuple[str, dict[str, str | None]] | None = None
        self._raw_buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        self.elements.append((tag, attrs_d))
        if "id" in attrs_d:
            self.ids.append(attrs_d["id"] or "")
        if tag in ("script", "style"):
            self._raw, self._raw_buf = (tag, attrs_d), []
        if tag == "article":
            self._in_article += 1
        if tag not in ("meta", "link", "input", "br"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._raw and tag == self._raw[0]:
            body = "".join(self._raw_buf)
            (self.scripts.append((self._raw[1], body)) if tag == "script" else self.styles.append(body))
            self._raw = None
        if tag == "article":
            self._in_article -= 1
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._raw:
            self._raw_buf.append(data)
        elif self._in_article:
            self.article_text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def squash(text: str) -> str:
    return "".join(text.split())


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_html_article_pane_shows_the_whole_text(ferry):
    page = parse(render(ferry, "html"))
    assert squash("".join(page.article_text)) == squash(ferry.document.text)


def test_html_highlights_every_layer(ferry):
    html = render(ferry, "html")
    page = parse(html)
    spans = [a for t, a in page.elements if t == "span" and "hl" in (a.get("class") or "").split() and "data-title" not in a]
    in_article = [a for a in spans if any(k.startswith("data-") for k in a)]
    layers = {k[5:] for a in in_article for k in a if k.startswith("data-")}
    assert layers == {"quote", "speaker", "cue", "entity", "number"}
    # every quote / entity / number has one anchor for the side panel
    for prefix, n in (("quote", 5), ("entity", 3), ("number", 4)):
        assert sorted(i for i in page.ids if i.startswith(prefix + "-")) == sorted(f"{prefix}-{k}" for k in range(n))
    assert len(page.ids) == len(set(page.ids))
    # quotes of one speaker share a colour, other speakers get others
    colour = {}
    for a in in_article:
        for q in (a.get("data-quote") or "").split():
            m = re.search(r"\bqc-(\w+)", a["class"])
            colour.setdefault(int(q), set()).add(m.group(1))
    assert colour[0] == colour[1] == colour[2] and len(colour[0]) == 1
    assert len(colour[0] | colour[3] | colour[4]) == 3
    # the run inside a quote that is also a number carries both layers and both details
    nested = [a for a in in_article if "data-quote" in a and "data-number" in a]
    assert len(nested) == 2  # "twelve years" and "some 300 parking spaces"
    assert "Number: twelve years" in nested[0]["title"] and "Speaker: Dana Okafor" in nested[0]["title"]


def test_html_side_panel_lists_speakers_entities_numbers(ferry):
    html = render(ferry, "html")
    panel = html[html.index('<aside class="panel"') : html.index("</aside>")]
    assert panel.index("Dana Okafor") < panel.index("Save the Quay") < panel.index("one resident")
    assert "“We have waited twelve years for this,”" in panel
    assert 'href="#quote-0"' in panel and 'href="#entity-1"' in panel and 'href="#number-3"' in panel
    assert "council chair" in panel and "Residents&#39; group" in panel and "MARLOW BAY" in panel
    assert "≈4,500,000 USD" in panel and "parking spaces" in panel
    assert "PL299: an example warning" in panel


def test_html_empty_analysis_says_none_found(empty):
    html = render(empty, "html")
    assert html.count("None found.") == 3
    assert 'id="layers"' not in html  # nothing to toggle
    assert squash("".join(parse(html).article_text)) == squash(empty.document.text)


def test_html_later_layers_render_when_present(ferry):
    t = ferry.document.text
    s = t.index("a bad deal")
    ferry.techniques = [Technique(technique="Loaded_Language", span=(s, s + 10), text=t[s : s + 10], confidence=0.8,
                                  explanation="An emotive word stands in for an argument.", method="rule")]
    v = t.index("voted")
    ferry.events = [Event(type="AGREE", trigger=Trigger(text="voted", span=(v, v + 5)), actors=[Participant(text="the council")])]
    ferry.checks = [Check(kind="quantity_conflict", severity="warning", message="Two counts disagree.", evidence=[(s, s + 10)])]
    page = parse(render(ferry, "html"))
    assert "technique-0" in page.ids and "event-0" in page.ids
    text = " ".join(a.get("title") or "" for _, a in page.elements)
    assert "Technique: Loaded language" in text and "Event: AGREE" in text
    assert squash("".join(page.article_text)) == squash(t)


def test_html_hostile_article_shows_as_text_and_injects_nothing(hostile):
    html = render(hostile, "html")
    page = parse(html)
    tags = {t for t, _ in page.elements}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in page.elements:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for k in ("href", "src", "action", "formaction"):
            v = attrs.get(k)
            assert v is None or v.startswith("#") or v == "data:,", (tag, k, v)
    # exactly the report's two scripts: a JSON data block and the pinned code
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]
    (_, data_raw), (_, code) = page.scripts
    assert "<" not in data_raw and ">" not in data_raw and "\u2028" not in data_raw
    data = json.loads(data_raw)
    assert data["quote"][0]["title"].startswith("Direct quote Q1: “It is fine </script><script>alert(2)</script>")
    # the article still reads exactly as written, markup and template syntax included
    shown = "".join(page.article_text)
    assert squash(shown) == squash(hostile.document.text)
    for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '" onmouseover="alert(3)', "{{ 7*7 }}", "{% if 1 %}"):
        assert literal in shown
    assert "49" not in shown
    # hostile metadata is text too; a javascript: URL is not a link
    assert "</title><script>alert(6)</script>" in "".join(page.article_text) or "&lt;/title&gt;&lt;script&gt;" in html
    assert "javascript:alert(8)" in html and 'href="javascript' not in html


def test_html_csp_pins_the_only_style_and_script(ferry):
    html = render(ferry, "html")
    page = parse(html)
    csp = next(a["content"] for t, a in page.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "img-src data:" in csp and "unsafe-inline" not in csp
    [style] = page.styles
    code = page.scripts[-1][1]
    assert f"style-src '{_sha(style)}'" in csp and f"script-src '{_sha(code)}'" in csp
    assert not [a for _, a in page.elements if "style" in a]  # no inline style attributes (CSP would block them)
    assert html == render(ferry, "html")  # deterministic


def test_html_json_for_script_escapes_breakouts():
    raw = str(json_for_script({"x": "</script><!-- & \u2028 \u2029"}))
    assert not set("<>&\u2028\u2029") & set(raw)
    assert json.loads(raw) == {"x": "</script><!-- & \u2028 \u2029"}


def test_html_safe_url_allows_only_http():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url(" JavaScript:alert(1)") is None and safe_url("data:text/html,x") is None and safe_url(None) is None


# ---------------------------------------------------------------- techniques, events, checks, voices


def _article_runs(page: Page) -> list[dict[str, str | None]]:
    """Attributes of the highlighted runs inside the article pane (the key's samples have no data-*)."""
    return [a for t, a in page.elements if t == "span" and any(k.startswith("data-") and k != "data-title" for k in a)]


def _panel(html: str, section: str) -> str:
    start = html.index(f'<section id="{section}">')
    return html[start : html.index("</section>", start)]


def test_html_techniques_coloured_by_family(rally):
    from presslens.render.spans import technique_family

    page = parse(render(rally, "html"))
    runs = [a for a in _article_runs(page) if "data-technique" in a]
    seen = set()
    for a in runs:
        ids = [int(x) for x in a["data-technique"].split()]
        seen.update(ids)
        families = re.findall(r"\btf-(\w+)", a["class"])
        # one family class per run: the innermost technique's family
        assert families == [technique_family(rally.techniques[ids[-1]].technique)[0]], a
    assert seen == set(range(len(rally.techniques)))
    # the nested "fools nobody" run carries both techniques, coloured by the inner one
    nested = [a for a in runs if len(a["data-technique"].split()) == 2]
    assert nested and all("tf-emotion" in a["class"] for a in nested)
    assert sorted(i for i in page.ids if i.startswith("technique-")) == sorted(f"technique-{i}" for i in range(len(rally.techniques)))


def test_html_technique_counts_and_sentence_view(rally):
    from presslens.render.spans import technique_sentences

    html = render(rally, "html")
    table = html[html.index('<table class="nums" id="counts-techniques">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr(?: class=\"fam\")?><td>(.*?)</td><td class=\"n\">(\d+)</td><td(?: class=\"n\")?>(\d*)</td></tr>", table)
    flat = [(re.sub(r"<[^>]+>", "", name).strip(), int(n), s) for name, n, s in rows]
    assert flat[:4] == [("Emotional appeal", 4, ""), ("Loaded language", 2, "2"), ("Flag-waving", 1, "1"), ("Exaggeration/minimisation", 1, "1")]
    assert ("Doubt", 1, "1") in flat and ("Repetition", 1, "") in flat
    assert sum(n for name, n, s in flat if s == "") == len(rally.techniques)  # family rows add up
    # sentence view: the panel lists exactly the sentences that carry a technique, each linked to its run
    hits, total = technique_sentences(rally)
    sentences = _panel(html, "panel-sentences")
    assert f"Sentences with techniques ({len(hits)} of {total})" in sentences
    assert re.findall(r'href="#sentence-(\d+)"', sentences) == [str(h.number) for h in hits]
    page = parse(html)
    marked = {int(a["data-sentence"]) for a in _article_runs(page) if "data-sentence" in a}
    assert marked == {h.number for h in hits}
    for h in hits:
        chunk = sentences.split(f">S{h.number}</a>")[1].split("<br>")[0]
        assert squash(html_lib.unescape(re.sub(r"<[^>]+>", "", chunk))) == squash(rally.document.text[h.start : h.end])
    assert '<span class="tpart">heroic volunteers</span>' in sentences
    # the sentence view is a toggle next to the layers
    assert 'data-view="sentences"' in html


def test_html_checks_are_callouts_linked_to_evidence(rally):
    html = render(rally, "html")
    page = parse(html)
    checks = _panel(html, "panel-checks")
    assert checks.count('class="callout warning"') == 1 and checks.count('class="callout info"') == 1
    assert 'href="#check-0"' in checks and 'data-layer="check" data-index="0"' in checks
    assert "Quantity conflict" in checks and "[0–20]" in checks
    # every evidence span is highlighted with the check's index; a warning's runs are styled as such
    text = rally.document.text
    for i, c in enumerate(rally.checks):
        runs = [a for a in _article_runs(page) if str(i) in (a.get("data-check") or "").split()]
        assert runs
        assert all(("ck-warning" if c.severity == "warning" else "ck-info") in a["class"] for a in runs)
        assert f"check-{i}" in page.ids
        for s, e in c.evidence:
            assert text[s:e] in html
    assert ("check", "Check evidence") in [(k, v) for k, v in re.findall(r'data-layer="(\w+)" checked> ([^<]+)<', html)]


def test_html_timeline_sorted_with_reporters(rally):
    html = render(rally, "html")
    tl = _panel(html, "panel-timeline")
    assert "Timeline (5 events)" in tl
    assert tl.index("2025-01-10") < tl.index("2026-01-09") < tl.index("<h3>Undated</h3>") < tl.index("renewed the demand")
    assert "The participants → Valdorian generals" in tl and "in SAHRUN" in tl and "size: million-strong" in tl
    orfali = next(i for i, q in enumerate(rally.quotes) if q.id == rally.events[-1].attributed_to)
    assert f'reported by <a class="goto" href="#quote-{orfali}" data-layer="quote" data-index="{orfali}">Hamid Orfali</a>' in tl


def test_html_voices_table_with_stance(rally):
    html = render(rally, "html")
    voices = _panel(html, "panel-sourcing")
    src = rally.sourcing
    assert f"Voices ({len(src.voices)})" in voices and src.summary in voices
    assert f"Quoted share of the text: {src.quoted_share:.0%} · one-sided: yes" in voices
    assert voices.count("<tr><td>") == len(src.voices)
    assert "the secretary general of Jabhat’ul Sumud" in voices and 'class="badge st-favourable"' in voices
    if any(getattr(v, "stances", None) for v in src.voices):
        assert "toward Valdorians: critical" in voices


def test_html_all_layers_keep_the_whole_text_and_unique_ids(rally):
    page = parse(render(rally, "html"))
    assert squash("".join(page.article_text)) == squash(rally.document.text)
    assert len(page.ids) == len(set(page.ids))
    assert "detail" in page.ids  # the click-for-details box (hidden until used)


def test_html_hostile_later_layers_inject_nothing(hostile_full):
    html = render(hostile_full, "html")
    page = parse(html)
    tags = {t for t, _ in page.elements}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in page.elements:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        cls = attrs.get("class") or ""
        assert re.fullmatch(r"[\w\- ]*", cls), cls  # classes come from fixed names, never from the article
    assert html.count("<script") == 2 and "</textarea>" not in html and "<svg" not in html and "<i>" not in html
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]
    data = json.loads(page.scripts[0][1])
    assert data["technique"][0]["lines"][1].startswith("</textarea><script>alert(20)</script>")
    assert data["check"][0]["title"] == "Check (warning): <i>kind</i>"
    # shown as text: escaped once, readable
    assert "&lt;/textarea&gt;&lt;script&gt;alert(20)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(28)&gt;" in html  # the voice name
    assert "&lt;b onclick=alert(23)&gt;Evil&lt;/b&gt;" in html  # an unknown technique label, in the "other" family
    assert squash("".join(page.article_text)) == squash(hostile_full.document.text)


def test_html_large_analysis_stays_bounded(build):
    from presslens.model import Analysis, Quantity, Quote, Speaker
    from presslens.model import TECHNIQUES as LABELS

    sentence = "The minister said the reckless plan was a disaster for 300 families, and critics called it a betrayal. "
    text = "\n\n".join(sentence * 3 for _ in range(100)) + "\n"
    doc = build.make_document(text)
    doc.sentences = [(m.start(), m.end() - 1) for m in re.finditer(r"[^.\n]+\. ?", text)]
    hits = list(re.finditer(r"reckless plan|a disaster|a betrayal", text))
    techniques = [Technique(technique=LABELS[i % len(LABELS)], span=(m.start(), m.end()), text=m.group(), confidence=0.7,
                            explanation=f"Reason {i}.", method="model") for i, m in enumerate(hits)]
    quotes = [Quote(id=f"Q{i + 1}", kind="indirect", text=m.group(), span=(m.start(), m.end()), speaker=Speaker(kind="person"))
              for i, m in enumerate(re.finditer(r"the reckless plan was a disaster for 300 families", text))]
    numbers = [Quantity(text=m.group(), span=(m.start(), m.end()), value=300) for m in re.finditer(r"300 families", text)]
    events = [Event(type="ACCUSE", trigger=Trigger(text="called", span=(m.start(), m.end())), attributed_to=f"Q{i + 1}")
              for i, m in enumerate(re.finditer(r"called", text))]
    checks = [Check(kind="quantity_conflict", severity="warning", message="Counts differ.", evidence=[numbers[i].span, numbers[i + 1].span])
              for i in range(0, len(numbers) - 1, 2)]
    big = Analysis(document=doc, techniques=techniques, quotes=quotes, quantities=numbers, events=events, checks=checks)
    assert len(techniques) == 900
    html = render(big, "html")  # its speed is measured in benchmarks/bench_large_inputs.py
    assert len(html) < 4_000_000
    page = parse(html)
    assert squash("".join(page.article_text)) == squash(text)
    assert "<details>" in html  # a long list of spans starts folded


def test_html_low_confidence_techniques_drawn_faintly(rally):
    from presslens.render.spans import LOW_CONFIDENCE

    rally.techniques[0] = rally.techniques[0].model_copy(update={"confidence": LOW_CONFIDENCE / 2})
    html = render(rally, "html")
    page = parse(html)
    runs = [a for a in _article_runs(page) if "data-technique" in a]
    low = [a for a in runs if "tlow" in a["class"].split()]
    assert low and all(a["data-technique"].split()[-1] == "0" for a in low)
    assert all("tlow" not in a["class"].split() for a in runs if a["data-technique"].split()[-1] != "0")
    assert "low confidence" in html  # in the key and beside the finding in the list
    rally.techniques[0] = rally.techniques[0].model_copy(update={"confidence": 0.9})
    assert "low confidence" not in render(rally, "html")


def _attributed(rally):
    from presslens.stages.techniques import attribute

    rally.techniques = attribute(rally.techniques, rally.quotes)
    quoted = [i for i, t in enumerate(rally.techniques) if t.attributed_to]
    assert quoted and len(quoted) < len(rally.techniques), "the fixture needs quoted and own-words techniques"
    return quoted


def test_html_quoted_techniques_are_the_speakers_and_can_be_hidden(rally):
    from lxml import html as lxml_html

    quoted = _attributed(rally)
    report = render(rally, "html")
    page = lxml_html.fromstring(report)
    items = page.xpath('//section[@id="panel-techniques"]//details//li')
    assert len(items) == len(rally.techniques)
    marked = [i for i, li in enumerate(items) if "tq" in (li.get("class") or "").split()]
    assert marked == quoted
    for i in quoted:
        whose = " ".join(items[i].xpath('.//span[@class="whose"]')[0].text_content().split())
        assert whose.startswith(f"in {rally.techniques[i].attributed_to}, ") and whose.endswith("words")
    own = len(rally.techniques) - len(quoted)
    line = page.xpath('//p[@id="own-words"]')[0].text_content()
    assert line.startswith(f"In the author’s own words: {own} of {len(rally.techniques)} techniques; {len(quoted)} inside quotes")
    assert page.xpath('//input[@data-view="own"]')
    # runs carrying only quoted techniques are the ones the view hides
    for run in page.xpath('//article//span[@data-technique]'):
        ids = [int(x) for x in run.get("data-technique").split()]
        assert ("tq" in run.get("class").split()) == all(i in quoted for i in ids)


def test_html_no_own_words_toggle_without_quoted_techniques(rally):
    report = render(rally, "html")  # the fixture's techniques carry no attributed_to
    assert 'data-view="own"' not in report and 'class="tq"' not in report
    assert f"In the author’s own words: {len(rally.techniques)} of {len(rally.techniques)} techniques." in report


def test_html_cue_kind_shown(ferry):
    ferry.quotes[0].cue = ferry.quotes[0].cue.model_copy(update={"kind": "belief"})
    report = render(ferry, "html")
    assert "belief cue: <em>said</em>" in report and "speech cue: <em>said</em>" in report
