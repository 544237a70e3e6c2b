"""Rendering helpers shared by the routes: the app's own pages, the embedded report, CSV and JSON tables."""

from __future__ import annotations

import csv
import html as _html
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import __version__
from . import security

HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    body = _env().get_template(template).render(version=__version__, **context)
    return HTMLResponse(body, status_code=status, headers={"Content-Security-Policy": security.PAGE_CSP, **(headers or {})})


_REPORT_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_REPORT_TOP = '<header class="top">\n'


def report_page(report: str, links: list[tuple[str, str]]) -> HTMLResponse:
    """The report of `render_html` as it is, served under its own CSP (hashes of its style and script),
    with a line of links to the app above its title."""
    found = _REPORT_CSP.search(report)
    csp = _html.unescape(found.group(1)) if found else security.DEFAULT_CSP
    csp = csp.replace("form-action 'none'", "form-action 'self'") + "; frame-ancestors 'none'"
    nav = " · ".join(f'<a href="{_html.escape(href)}">{_html.escape(label)}</a>' for href, label in links)
    if _REPORT_TOP in report:
        report = report.replace(_REPORT_TOP, f'{_REPORT_TOP}<p class="meta">{nav}</p>\n', 1)
    return HTMLResponse(report, headers={"Content-Security-Policy": csp})



# A spreadsheet runs a cell that starts like a formula; such cells get a leading apostrophe.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def csv_response(columns: Sequence[str], rows: Iterable[dict[str, Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(
        out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def table_response(fmt: str | None, columns: Sequence[str], rows: list[dict[str, Any]], filename: str, **extra: Any) -> Response | None:
    """The CSV or JSON form of a table page (exactly its rows), or None for the HTML page."""
    if fmt == "csv":
        return csv_response(columns, rows, filename)
    if fmt == "json":
        return JSONResponse({"items": rows, **extra})
    return None
