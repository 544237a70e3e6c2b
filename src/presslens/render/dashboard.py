"""The corpus dashboard page: stats tables and inline SVG charts, self-contained, with no script.

Jinja autoescape is always on; the charts arrive as `Markup` already escaped by `charts.py`.
The Content-Security-Policy allows only the page's own stylesheet, pinned by its hash.
"""

from __future__ import annotations

from typing import Any

from .html import _env, _sha256


def _css() -> str:
    tmpl = _env().get_template("dashboard.html.j2")
    return "".join(tmpl.blocks["css"](tmpl.new_context({})))


def dashboard_csp() -> str:
    return (
        "default-src 'none'; "
        f"style-src '{_sha256(_css())}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_dashboard(context: dict[str, Any]) -> str:
    """The page for a context built by `presslens.corpus.report.corpus_report`."""
    return _env().get_template("dashboard.html.j2").render(**context, csp=dashboard_csp())
