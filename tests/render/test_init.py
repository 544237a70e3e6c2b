from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from presslens.errors import UsageError
from presslens.render import FORMATS, render


def test_init_formats_listed_and_each_renders(ferry):
    assert FORMATS == ("json", "text", "md", "html")
    for fmt in FORMATS:
        out = render(ferry, fmt)
        assert isinstance(out, str) and "Dana Okafor" in out


def test_init_json_is_the_schema(ferry):
    data = json.loads(render(ferry, "json"))
    assert data["schema"] == "presslens.analysis/1"
    assert data["quotes"][0]["speaker"]["entity"] == "E1"
    assert data["document"]["text"] == ferry.document.text


def test_init_unknown_format_is_a_usage_error(ferry):
    with pytest.raises(UsageError) as err:
        render(ferry, "pdf")
    assert str(err.value).startswith("PL300:")


def test_init_empty_analysis_renders_every_format(empty):
    for fmt in FORMATS:
        assert render(empty, fmt)


def test_init_real_examples_render_every_format(example_paths, analyze_text):
    if not example_paths:
        pytest.skip("no examples/*.txt")
    for path in example_paths:
        analysis = analyze_text(path.read_text(encoding="utf-8"))
        for fmt in FORMATS:
            assert render(analysis, fmt)
        html = render(analysis, "html")
        pane = html[html.index('<article class="article"') : html.index("</article>")]
        shown = html_lib.unescape(re.sub(r"<[^>]+>", "", pane))
        assert "".join(shown.split()) == "".join(analysis.document.text.split()), path.name


def test_init_every_format_renders_the_later_layers(rally, hostile_full):
    for analysis in (rally, hostile_full):
        for fmt in FORMATS:
            out = render(analysis, fmt)
            assert out and ("Timeline" in out or fmt == "json")
    data = json.loads(render(rally, "json"))
    assert len(data["techniques"]) == 9 and data["events"][-1]["attributed_to"].startswith("Q")


def test_init_registry_names_media_type_and_extension(ferry):
    from presslens.render import OUTPUT_FORMATS, format_for_path, output_format

    assert tuple(OUTPUT_FORMATS) == FORMATS
    for name, f in OUTPUT_FORMATS.items():
        assert f.name == name and "/" in f.media_type and f.extension.startswith(".")
        assert format_for_path(f"report{f.extension.upper()}") is f
        assert f.render(ferry, False) == render(ferry, name)
    assert output_format("markdown") is OUTPUT_FORMATS["md"]
    assert format_for_path("report.pdf") is None
