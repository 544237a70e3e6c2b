"""The FastAPI app: routes stay thin over `jobs` (the library) and `security` (the rules)."""

from __future__ import annotations

import html as _html
import logging
import re
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import SCHEMA_VERSION, __version__, errors
from ..ingest import SUFFIXES
from . import jobs, security
from .config import ServeConfig
from .pool import AnalysisPool

log = logging.getLogger("presslens.web")
HERE = Path(__file__).parent
UPLOAD_SUFFIXES = sorted(SUFFIXES)

# Library errors a request can cause, by the status that fits them; anything else coded is a 400.
_STATUS = {"PL104": 413, "PL302": 503, "PL999": 500}


def status_of(exc: errors.PresslensError) -> int:
    return getattr(exc, "status", None) or _STATUS.get(exc.code, 400)


class AnalyzeRequest(BaseModel):
    """An article to analyse: its text (with optional metadata), or only a URL to fetch."""

    model_config = ConfigDict(extra="forbid")
    text: Optional[str] = Field(None, description="The article text, taken as is (offsets index it).")
    title: Optional[str] = None
    published: Optional[str] = Field(None, description="Publication date, YYYY-MM-DD.")
    source: Optional[str] = Field(None, description="Outlet name.")
    url: Optional[str] = Field(None, description="Fetched (public addresses only) when no text is given; else metadata.")

    @model_validator(mode="after")
    def _text_or_url(self):
        if self.text is None and not self.url:
            raise ValueError("give 'text' (the article) or 'url' (a page to fetch)")
        return self


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    body = _env().get_template(name).render(version=__version__, **context)
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


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def error_response(request: Request, exc: errors.PresslensError, status: int | None = None) -> Response:
    status = status or status_of(exc)
    headers: dict[str, str] = {}
    retry = getattr(exc, "retry_after", None)
    if status in (429, 503):
        headers["Retry-After"] = str(retry or 5)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="presslens", charset="UTF-8"' if _wants_html(request) else 'Bearer realm="presslens"'
    if _wants_html(request):
        return page("error.html.j2", status, headers, title=f"Error {status}", code=exc.code, message=exc.message, http_status=status)
    return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[errors.PresslensError, int]:
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return errors.BadRequest("the body is not valid JSON"), 400
    parts = []
    for p in problems[:5]:
        where = ".".join(str(x) for x in p.get("loc", ()) if x != "body")
        parts.append(f"{where}: {p.get('msg', 'invalid')}" if where else str(p.get("msg", "invalid")))
    return errors.BadRequestShape("; ".join(parts) or "the request does not have the expected shape"), 422


def create_app(config: ServeConfig, *, pool: AnalysisPool | None = None) -> FastAPI:
    pool = pool or AnalysisPool(config.workers, config.queue, kind=config.pool)
    limiter = security.RateLimiter(config.rate_per_minute, config.rate_burst)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool.start()
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="presslens",
        version=__version__,
        description="Analyse news articles: quotes, entities, numbers, events, persuasion techniques, checks, sourcing.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: our own /docs lists the endpoints instead
        redoc_url=None,
        openapi_url=None,  # served below, behind the read rule
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.config, app.state.pool, app.state.limiter = config, pool, limiter
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # --------------------------------------------------------------- errors

    @app.exception_handler(errors.PresslensError)
    async def _coded(request: Request, exc: errors.PresslensError):
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _shape(request: Request, exc: RequestValidationError):
        err, status = _validation_message(exc)
        return error_response(request, err, status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            err: errors.PresslensError = errors.NotFound(f"nothing at {request.url.path}")
        elif exc.status_code == 405:
            err = errors.MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}")
        elif exc.status_code == 413:
            err = errors.RequestTooLarge(f"the request is larger than the limit of {config.max_body:,} bytes")
        else:
            err = errors.BadRequest(str(exc.detail))
        return error_response(request, err, exc.status_code)

    # --------------------------------------------------------------- helpers

    def client_key(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    async def analyse(request: Request, job: jobs.Job) -> jobs.Outcome:
        limiter.take(client_key(request))
        try:
            outcome = await pool.submit(job, config.timeout)
        except (errors.ServerBusy, errors.AnalysisTimedOut) as exc:
            exc.retry_after = pool.retry_after()  # type: ignore[attr-defined]
            raise
        if outcome.error is not None:
            code, message = outcome.error
            raise _coded_error(code, message)
        return outcome

    def make_job(**kw: Any) -> jobs.Job:
        return jobs.Job(settings=config.settings, public_only=not config.allow_private_urls, **kw)

    # --------------------------------------------------------------- pages

    def index(request: Request, status: int = 200, error: errors.PresslensError | None = None, form: dict | None = None):
        return page(
            "index.html.j2", status, title="Analyse an article", form=form or {}, error=error,
            suffixes=", ".join(UPLOAD_SUFFIXES), accept=",".join(UPLOAD_SUFFIXES),
            max_mb=f"{config.settings.max_bytes / 1_000_000:g}", private_urls=config.allow_private_urls,
        )

    @app.get("/", response_class=HTMLResponse, summary="The analyse page: paste text, upload a file or give a URL")
    async def home(request: Request):
        security.check_token(config, request, write=False)
        return index(request)

    @app.post("/", response_class=HTMLResponse, summary="Analyse the form's article and answer with the HTML report")
    async def home_post(request: Request):
        if not security.same_origin(request):
            raise errors.CrossSiteRefused("this form must be sent from the presslens page itself")
        security.check_token(config, request, write=True)
        try:
            form = await request.form(max_files=1, max_fields=16, max_part_size=config.max_body)
        except StarletteHTTPException as exc:
            if exc.status_code == 413:
                raise
            raise errors.BadRequest(f"the form could not be read: {exc.detail}") from None
        except (ValueError, KeyError) as exc:
            raise errors.BadRequest(f"the form could not be read: {exc}") from None
        fields = {k: _field(form.get(k)) for k in ("text", "url", "title", "source", "published")}
        upload = form.get("file")
        try:
            job = await _form_job(fields, upload, make_job)
            outcome = await analyse(request, job)
        except errors.PresslensError as exc:
            if status_of(exc) in (401, 429, 503):
                raise
            return index(request, status_of(exc), exc, fields)
        return report_page(outcome.html or "", [("/", "presslens"), ("/", "analyse another article")])

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request):
        security.check_token(config, request, write=False)
        return JSONResponse(app.openapi())

    @app.get("/docs", response_class=HTMLResponse, summary="This list of endpoints")
    async def docs(request: Request):
        security.check_token(config, request, write=False)
        return page("docs.html.j2", title="API", endpoints=_endpoints(app.openapi()), schema=SCHEMA_VERSION)

    # --------------------------------------------------------------- API

    @app.get("/api/health", summary="Liveness and load of the server (never waits for an analysis)")
    async def health():
        return {
            "status": "ok", "version": __version__, "schema": SCHEMA_VERSION,
            "workers": pool.workers, "workers_ready": pool.ready, "in_flight": pool.in_flight,
            "capacity": pool.capacity, "analysed": pool.done,
        }

    @app.post(
        "/api/analyze",
        summary="Analyse one article; answers the presslens.analysis/1 JSON",
        responses={
            200: {"description": "The analysis (presslens.analysis/1)"},
            400: {"description": "Bad input (empty text, a bad date, a URL that is refused or cannot be fetched)"},
            401: {"description": "A token is required"}, 413: {"description": "Too large"},
            422: {"description": "The body does not have the expected shape"},
            429: {"description": "Too many requests from this client (Retry-After)"},
            503: {"description": "Busy or over the time budget (Retry-After)"},
        },
    )
    async def api_analyze(request: Request, body: AnalyzeRequest):
        security.check_token(config, request, write=True)
        meta = {"title": body.title, "published": body.published, "source": body.source}
        if body.text is not None:
            job = make_job(text=body.text, meta={**meta, "url": body.url})
        else:
            job = make_job(url=body.url, meta=meta)
        outcome = await analyse(request, job)
        return Response(outcome.json or "{}", media_type="application/json")

    return _outermost(app, config)


def _outermost(app: FastAPI, config: ServeConfig):
    """Middleware that must wrap even the errors FastAPI answers itself (outermost first)."""
    app.add_middleware(security.BodyLimit, limit=config.max_body)
    app.add_middleware(security.HostCheck, config=config)
    app.add_middleware(security.SecurityHeaders)
    return app


def _coded_error(code: str, message: str) -> errors.PresslensError:
    """The named error class for a code that came back from a worker."""
    for cls in _error_classes():
        if cls.code == code:
            return cls(message)
    exc = errors.PresslensError(message)
    exc.code = code
    return exc


@lru_cache(maxsize=1)
def _error_classes() -> tuple[type[errors.PresslensError], ...]:
    out, todo = [], [errors.PresslensError]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return tuple(out)


def _field(value: Any) -> str | None:
    if value is None or not isinstance(value, str):
        return None
    value = value.strip("\ufeff")
    return value if value.strip() else None


async def _form_job(fields: dict[str, str | None], upload: Any, make_job) -> jobs.Job:
    meta = {"title": fields["title"], "source": fields["source"], "published": fields["published"]}
    if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", None):
        data = await upload.read()
        name = Path(upload.filename).name or "upload.txt"
        if Path(name).suffix.lower() not in SUFFIXES:
            raise errors.UnsupportedInput(f"{name}: upload a file ending in {', '.join(UPLOAD_SUFFIXES)}")
        return make_job(upload=data, upload_name=name, meta={**meta, "url": fields["url"]}, html=True)
    if fields["text"] is not None:  # browsers send a textarea's line breaks as CRLF
        return make_job(text=fields["text"].replace("\r\n", "\n"), meta={**meta, "url": fields["url"]}, html=True)
    if fields["url"] is not None:
        return make_job(url=fields["url"].strip(), meta=meta, html=True)
    raise errors.UsageError("paste the article's text, choose a file or give its URL")


def _endpoints(spec: dict) -> list[dict[str, Any]]:
    out = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {"name": p.get("name"), "where": p.get("in"), "required": p.get("required", False)}
                for p in op.get("parameters", [])
            ]
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "params": params, "body": bool(op.get("requestBody")),
                "statuses": sorted(op.get("responses", {}).keys()),
            })
    return out
