from __future__ import annotations

import base64
import hashlib
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
    assert "Loaded_Language" in text and "Event: AGREE" in text
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
