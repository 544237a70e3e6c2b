"""The FastAPI app: routes stay thin over `jobs` (the library) and `security` (the rules)."""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import SCHEMA_VERSION, __version__, errors
from ..model import CHECK_KINDS
from ..ingest import HTML_SUFFIXES, RECORD_SUFFIXES, TEXT_SUFFIXES
from . import jobs, queries, security
from .config import ServeConfig
from .pool import AnalysisPool
from .storage import StoreGate, save
from .views import page, report_page, table_response

log = logging.getLogger("presslens.web")
HERE = Path(__file__).parent
# One article per upload: text, a page, or a JSON record (collections go through `presslens corpus add`).
UPLOAD_SUFFIXES = sorted(TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES)

# Library errors a request can cause, by the status that fits them; anything else coded is a 400.
_STATUS = {"PL104": 413, "PL302": 503, "PL652": 404, "PL999": 500}


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
    gate = StoreGate(config.db) if config.db else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if gate is not None:
            gate.start()
        pool.start()
        try:
            yield
        finally:
            pool.close()
            if gate is not None:
                gate.close()

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
    app.state.config, app.state.pool, app.state.limiter, app.state.store = config, pool, limiter, gate
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

    def show(template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        return page(template, status, headers, corpus=gate is not None, **context)

    def corpus() -> StoreGate:
        if gate is None:
            raise errors.NoCorpus("this server keeps no corpus: start it with 'presslens serve --db PATH'")
        return gate

    def make_job(**kw: Any) -> jobs.Job:
        return jobs.Job(settings=config.settings, public_only=not config.allow_private_urls, **kw)

    # --------------------------------------------------------------- pages

    def index(request: Request, status: int = 200, error: errors.PresslensError | None = None, form: dict | None = None):
        return show(
            "index.html.j2", status, title="Analyse an article", form=form or {"keep": "on"}, error=error,
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
        fields = {k: _field(form.get(k)) for k in ("text", "url", "title", "source", "published", "keep")}
        keep = gate is not None and fields["keep"] is not None
        upload = form.get("file")
        try:
            job, external_id = await _form_job(fields, upload, make_job, html=not keep)
            outcome = await analyse(request, job)
        except errors.PresslensError as exc:
            if status_of(exc) in (401, 429, 503):
                raise
            return index(request, status_of(exc), exc, fields)
        if keep:
            article_id = await corpus().run(save, outcome.json, external_id)
            return RedirectResponse(f"/articles/{article_id}", status_code=303)
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
    async def api_analyze(request: Request, body: AnalyzeRequest, store: bool = False):
        security.check_token(config, request, write=True)
        if store and gate is None:
            raise errors.NoCorpus("this server keeps no corpus (start it with --db PATH); ask without store=true")
        meta = {"title": body.title, "published": body.published, "source": body.source}
        if body.text is not None:
            job = make_job(text=body.text, meta={**meta, "url": body.url})
        else:
            job = make_job(url=body.url, meta=meta)
        outcome = await analyse(request, job)
        if not store:
            return Response(outcome.json or "{}", media_type="application/json")
        article_id = await corpus().run(save, outcome.json, body.url)
        return Response(outcome.json or "{}", status_code=201, media_type="application/json",
                        headers={"Location": f"/articles/{article_id}"})

    # --------------------------------------------------------------- corpus

    def reads(request: Request) -> StoreGate:
        security.check_token(config, request, write=False)
        return corpus()

    @app.get("/articles", response_class=HTMLResponse, summary="The corpus: filter, sort, page (format=csv|json for the rows shown)")
    async def articles_page(request: Request):
        store = reads(request)
        query = article_query(request)
        rows, following = await store.run(queries.list_articles, query)
        fmt = request.query_params.get("format")
        table = table_response(fmt, queries.ARTICLE_COLUMNS, rows, "articles", next=following)
        if table is not None:
            return table
        outlets = await store.run(queries.sources)
        return show(
            "articles.html.j2", title="Articles", rows=rows, q=query, outlets=outlets,
            families=[(k, v[0]) for k, v in queries.FAMILIES.items()], checks=CHECK_KINDS, sorts=list(queries.SORTS),
            next_url=_with(request, cursor=following) if following else None,
            first_url=_with(request, cursor=None) if query.cursor else None,
            csv_url=_with(request, format="csv"), json_url=_with(request, format="json"),
        )

    @app.get("/api/articles", summary="Articles matching the filters: {items, next}; pass next back as cursor")
    async def api_articles(
        request: Request, source: Optional[str] = None, date_from: Optional[str] = Query(None, alias="from"),
        date_to: Optional[str] = Query(None, alias="to"), family: Optional[str] = None, check: Optional[str] = None,
        one_sided: Optional[str] = None, name: Optional[str] = None, q: Optional[str] = None,
        sort: str = "published", order: str = "desc", limit: int = 50, cursor: Optional[str] = None,
    ):
        # the parameters above document the endpoint; article_query reads them, as for /articles
        store = reads(request)
        rows, following = await store.run(queries.list_articles, article_query(request))
        return {"items": rows, "next": following}

    @app.get("/articles/{article_id}", response_class=HTMLResponse, summary="The report of one stored article")
    async def article_page(request: Request, article_id: int):
        store = reads(request)
        row = await store.run(queries.article_row, article_id)
        if row is None:
            raise errors.NotFound(f"there is no article {article_id}")
        stored = await store.run(queries.analysis_json, article_id) if row["status"] == "analysed" else None
        if stored is None:
            return show("article_status.html.j2", title=row["title"] or f"Article {article_id}", row=row)
        html = await asyncio.to_thread(_render_stored, stored)
        return report_page(html, [("/", "presslens"), ("/articles", "all articles"), (f"/articles/{article_id}", "link to this report")])

    @app.get("/api/articles/{article_id}", summary="The stored presslens.analysis/1 JSON of one article")
    async def api_article(request: Request, article_id: int):
        store = reads(request)
        stored = await store.run(queries.analysis_json, article_id)
        if stored is None:
            raise errors.NotFound(f"there is no analysed article {article_id}")
        return Response(stored, media_type="application/json")

    @app.get("/sources", response_class=HTMLResponse, summary="One row per outlet with the corpus figures (format=csv|json)")
    async def sources_page(request: Request):
        store = reads(request)
        rows = await source_rows(store)
        table = table_response(request.query_params.get("format"), SOURCE_COLUMNS, rows, "sources")
        if table is not None:
            return table
        return show("sources.html.j2", title="Sources", rows=rows, charts=_charts(rows),
                    csv_url=_with(request, format="csv"), json_url=_with(request, format="json"))

    @app.get("/api/sources", summary="One row per outlet with the corpus figures and top voices")
    async def api_sources(request: Request):
        return {"items": await source_rows(reads(request))}

    @app.get("/api/stats", summary="Corpus figures grouped by source, day, week, month, year or two of them (by=source,month)")
    async def api_stats(request: Request, by: str = "source"):
        return {"by": by, "items": await reads(request).run(queries.stats, by)}

    @app.get("/voices/{name}", response_class=HTMLResponse, summary="Where a voice is quoted: outlets, articles, quotes, stance (format=csv|json)")
    async def voice_page(request: Request, name: str):
        rows = await reads(request).run(queries.voice_quotes, name)
        table = table_response(request.query_params.get("format"), queries.VOICE_COLUMNS, rows, "voice", name=name)
        if table is not None:
            return table
        outlets = sorted({r["source"] or "" for r in rows})
        return show("voice.html.j2", title=name, name=name, rows=rows, outlets=outlets,
                    articles=len({r["article_id"] for r in rows}),
                    csv_url=_with(request, format="csv"), json_url=_with(request, format="json"))

    @app.get("/api/voices/{name}", summary="Every quote of a voice: {name, items}")
    async def api_voice(request: Request, name: str):
        return {"name": name, "items": await reads(request).run(queries.voice_quotes, name)}

    @app.get("/stories", response_class=HTMLResponse, summary="Stories: one event across outlets, most outlets and most disagreement first (from, to, min_outlets, limit; format=csv|json)")
    async def stories_page(request: Request, date_from: Optional[str] = Query(None, alias="from"),
                           date_to: Optional[str] = Query(None, alias="to"), min_outlets: int = 1, limit: int = 100):
        from ..stories.render import render_stories_html

        found = await reads(request).run(_stories, _story_filters(date_from, date_to, min_outlets, limit))
        table = table_response(request.query_params.get("format"), STORY_COLUMNS, [_story_row(s) for s in found], "stories")
        if table is not None:
            return table
        html = await asyncio.to_thread(render_stories_html, found)
        return report_page(html, [("/", "presslens"), ("/articles", "all articles"), ("/stories", "all stories")])

    @app.get("/api/stories", summary="Stories with their comparison: {items}")
    async def api_stories(request: Request, date_from: Optional[str] = Query(None, alias="from"),
                          date_to: Optional[str] = Query(None, alias="to"), min_outlets: int = 1, limit: int = 100):
        return {"items": await reads(request).run(_stories, _story_filters(date_from, date_to, min_outlets, limit))}

    @app.get("/stories/{story_id}", response_class=HTMLResponse, summary="One story, outlet by outlet, side by side")
    async def story_page(request: Request, story_id: str):
        from ..stories.render import render_story_html

        story = await reads(request).run(_story, story_id)
        html = await asyncio.to_thread(render_story_html, story)
        return report_page(html, [("/", "presslens"), ("/stories", "all stories")])

    @app.get("/api/stories/{story_id}", summary="One story: articles, conflicts, voices, omissions, summary, with evidence spans")
    async def api_story(request: Request, story_id: str):
        return await reads(request).run(_story, story_id)

    async def source_rows(store: StoreGate) -> list[dict[str, Any]]:
        rows = await store.run(queries.stats, "source")
        voices = await store.run(queries.top_voices, 3)
        for row in rows:
            row["top_voices"] = [name for name, _ in voices.get(row["group"], [])]
        return rows

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


async def _form_job(fields: dict[str, str | None], upload: Any, make_job, *, html: bool) -> tuple[jobs.Job, str | None]:
    """The job for a form, and the external id its article keeps in the store (None: by its text)."""
    meta = {"title": fields["title"], "source": fields["source"], "published": fields["published"]}
    if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", None):
        data = await upload.read()
        name = Path(upload.filename).name or "upload.txt"
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise errors.UnsupportedInput(f"{name}: upload a file ending in {', '.join(UPLOAD_SUFFIXES)}")
        return make_job(upload=data, upload_name=name, meta={**meta, "url": fields["url"]}, html=html), fields["url"]
    if fields["text"] is not None:  # browsers send a textarea's line breaks as CRLF
        text = fields["text"].replace("\r\n", "\n")
        return make_job(text=text, meta={**meta, "url": fields["url"]}, html=html), fields["url"]
    if fields["url"] is not None:
        url = fields["url"].strip()
        return make_job(url=url, meta=meta, html=html), url
    raise errors.UsageError("paste the article's text, choose a file or give its URL")


SOURCE_COLUMNS = (*queries.STATS_COLUMNS, "top_voices")
STORY_COLUMNS = ("story", "title", "outlets", "articles", "copies", "conflicts", "omissions", "summary")
MAX_STORIES = 500


def _story_filters(date_from: str | None, date_to: str | None, min_outlets: int, limit: int):
    from ..stories.store import StoryFilters

    try:
        return StoryFilters(date_from=date_from, date_to=date_to, min_outlets=min_outlets,
                            limit=max(1, min(int(limit), MAX_STORIES)))
    except errors.UsageError as exc:
        raise errors.BadRequest(exc.message) from None


def _stories(store, filters) -> list[dict[str, Any]]:
    """Stories of the store, grouped up to date first (incremental: only new articles are compared)."""
    from ..stories.store import list_stories, update_stories

    if not store.read_only:
        update_stories(store)
    return list_stories(store, filters)


def _story(store, story_id: str) -> dict[str, Any]:
    from ..stories.store import get_story, update_stories

    if not store.read_only:
        update_stories(store)
    return get_story(store, story_id)


def _story_row(story: dict[str, Any]) -> dict[str, Any]:
    summary = story.get("summary")
    if isinstance(summary, list):
        summary = " ".join(s.get("text", "") if isinstance(s, dict) else str(s) for s in summary)
    return {
        "story": story["story"], "title": story["title"], "outlets": len(story["outlets"]),
        "articles": len(story["articles"]), "copies": sum(1 for a in story["articles"] if a["copy_of"] is not None),
        "conflicts": len(story["conflicts"]), "omissions": len(story["omissions"]), "summary": summary,
    }


def _render_stored(analysis_json: str) -> str:
    from ..model import Analysis
    from ..render.html import render_html

    return render_html(Analysis.model_validate_json(analysis_json))


def _with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v is not None})
    return request.url.path + ("?" + urlencode(params) if params else "")


def _date_param(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise errors.BadRequest(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def article_query(request: Request) -> queries.ArticleQuery:
    p = {k: v.strip() for k, v in request.query_params.items() if v.strip()}
    one_sided = p.get("one_sided")
    if one_sided is not None and one_sided.lower() not in _YES:
        raise errors.BadRequest(f"one_sided takes yes or no, not {one_sided!r}")
    try:
        limit = int(p.get("limit", 50))
    except ValueError:
        raise errors.BadRequest("limit must be a whole number") from None
    return queries.ArticleQuery(
        source=p.get("source"), date_from=_date_param(p.get("from"), "from"), date_to=_date_param(p.get("to"), "to"),
        family=p.get("family"), check=p.get("check"),
        one_sided=None if one_sided is None else _YES[one_sided.lower()], name=p.get("name"), q=p.get("q"),
        sort=p.get("sort", "published"), order=p.get("order", "desc"), limit=limit, cursor=p.get("cursor"),
    )


def _charts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bar lengths (0-100) for the /sources charts, drawn as inline SVG by the template."""
    top = max((r["techniques_per_1000_words"] or 0 for r in rows), default=0) or 1
    bars = []
    for i, r in enumerate(rows[:30]):
        own = r["own_techniques_per_1000_words"] or 0
        quoted = r["quoted_techniques_per_1000_words"] or 0
        bars.append({
            "y": 8 + 22 * i, "label": r["group"] or "(no outlet)",
            "own": round(300 * own / top, 1), "quoted": round(300 * quoted / top, 1),
            "rate": r["techniques_per_1000_words"], "one_sided": round(300 * (r["one_sided_share"] or 0), 1),
            "share": r["one_sided_share"],
        })
    return {"bars": bars, "height": 16 + 22 * len(bars)}


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
