"""Named errors with stable codes.

Every problem a user can cause has a code and a plain sentence, printed as
``PL101: input is not text (looks like a PDF)``. The CLI maps them to exit codes;
a corpus run records them per item and carries on. Codes never change meaning.

1xx  input (reading, decoding, sizes)
2xx  warnings attached to an analysis (best effort was made)
3xx  usage and configuration
4xx  evaluation data
5xx  corpus store and corpus runs (500-539)
6xx  web server (presslens serve) and its requests

5xx  corpus store and corpus runs (500-539), cluster runs on Dask (540-559)

65x  stories
999  internal error (a bug: please report it)
"""

from __future__ import annotations


class PresslensError(Exception):
    """Base of all presslens errors: ``code`` + ``message``."""

    code = "PL000"
    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InputNotFound(PresslensError):
    code = "PL100"
    exit_code = 2


class NotText(PresslensError):
    code = "PL101"


class EmptyInput(PresslensError):
    code = "PL102"


class UndecodableInput(PresslensError):
    code = "PL103"


class InputTooLarge(PresslensError):
    code = "PL104"


class NoArticleBody(PresslensError):
    code = "PL105"


class MalformedRecord(PresslensError):
    code = "PL106"


class FetchFailed(PresslensError):
    code = "PL107"


class UnsupportedInput(PresslensError):
    code = "PL108"


class UsageError(PresslensError):
    code = "PL300"
    exit_code = 2


class BadMetadata(PresslensError):
    code = "PL301"
    exit_code = 2


class ModelUnavailable(PresslensError):
    code = "PL302"


class TrainingUnavailable(PresslensError):
    """Training needs the ``[train]`` extra (torch, transformers), never installed at run time."""

    code = "PL303"


class EvalDataError(PresslensError):
    code = "PL400"


# corpus store
class StoreNotFound(PresslensError):
    code = "PL500"
    exit_code = 2


class NotAStore(PresslensError):
    """A file that is not DuckDB, or a DuckDB file presslens did not make."""

    code = "PL501"
    exit_code = 2


class StoreTooNew(PresslensError):
    """The store was written by a newer presslens; opening it could damage it."""

    code = "PL502"
    exit_code = 2


class StoreLocked(PresslensError):
    """DuckDB allows one writing process per file."""

    code = "PL503"
    exit_code = 75


class StoreWriteFailed(PresslensError):
    """A write failed (disk full, I/O error); the transaction was rolled back, nothing half-written."""

    code = "PL504"
    exit_code = 74


class CorruptArchive(PresslensError):
    """A WARC file (or its gzip) that cannot be read to the end."""

    code = "PL510"


class NotAFeed(PresslensError):
    code = "PL511"


class MissingColumn(PresslensError):
    """A CSV file without the column that holds the text (or a column named by a --*-field option)."""

    code = "PL512"


class WorkerCrashed(PresslensError):
    """The analysing process died on this article (killed, out of memory)."""

    code = "PL520"


# Warning (never raised): a date that could not be read is kept as given.
W_DATE_KEPT = "PL530"

# cluster runs (Dask)
class SchedulerUnreachable(PresslensError):
    """No Dask scheduler answered at the address given, within the timeout."""

    code = "PL540"
    exit_code = 69


class WorkerVersionMismatch(PresslensError):
    """A Dask worker runs another presslens (or other word lists and models) than the client."""

    code = "PL541"
    exit_code = 69


class SchedulerLost(PresslensError):
    """The scheduler went away mid-run and did not come back within the timeout; commits are kept."""

    code = "PL542"
    exit_code = 69


class ArticleTimedOut(PresslensError):
    """A batch, then the article alone, ran past the batch timeout on a worker."""

    code = "PL543"


class NoWorkers(PresslensError):
    """The scheduler answered but no worker joined within the timeout."""

    code = "PL544"
    exit_code = 69


class PartWriteFailed(PresslensError):
    """A worker could not write its Parquet part file under --output."""

    code = "PL545"


# --------------------------------------------------------------------------- web server (600-649)
# Each carries the HTTP status the server answers with; start-up errors have none.


class ServeRefused(PresslensError):
    """`presslens serve` will not start as asked (another address without PRESSLENS_TOKEN, a bad port)."""

    code = "PL600"
    exit_code = 2


class PrivateAddressRefused(PresslensError):
    """A URL given to the server leads to a loopback, private, link-local or otherwise non-public address."""

    code = "PL601"
    status = 400


class NotAuthorized(PresslensError):
    code = "PL602"
    status = 401


class RequestTooLarge(PresslensError):
    code = "PL603"
    status = 413


class BadRequestShape(PresslensError):
    """The request parsed, but its fields are missing or of the wrong type."""

    code = "PL604"
    status = 422


class NotFound(PresslensError):
    code = "PL605"
    status = 404


class TooManyRequests(PresslensError):
    code = "PL606"
    status = 429


class ServerBusy(PresslensError):
    """Every analysis worker is busy and the queue is full."""

    code = "PL607"
    status = 503


class AnalysisTimedOut(PresslensError):
    code = "PL608"
    status = 503


class CrossSiteRefused(PresslensError):
    """A form posted from another site, or a Host header the server does not answer for."""

    code = "PL609"
    status = 403


class MethodNotAllowed(PresslensError):
    code = "PL610"
    status = 405


class BadRequest(PresslensError):
    """A request the server cannot read at all (not JSON, a broken form)."""

    code = "PL611"
    status = 400


class NoCorpus(PresslensError):
    """The server was started without a corpus store (`presslens serve --db PATH` keeps one)."""

    code = "PL612"
    status = 404

class CorpusTextMissing(PresslensError):
    """A reference record points at a corpus file that is not under the corpus root."""

    code = "PL420"
    exit_code = 2


class ReferenceMismatch(PresslensError):
    """The referenced span's text is not the text the record was labelled on (another corpus version)."""

    code = "PL421"

# corpus questions (stats, export, search, report)
class ExportFailed(PresslensError):
    """A table, stats or report file could not be written (disk full, no permission)."""

    code = "PL560"


class SearchIndexMissing(PresslensError):
    """A store opened read-only has no full-text index yet (a writable open builds it)."""

    code = "PL561"


class SearchUnavailable(PresslensError):
    """DuckDB's full-text extension (the duckdb-extension-fts package) could not be loaded."""

    code = "PL562"


# 65x stories (grouping articles of several outlets into stories)


class StoryInputError(PresslensError):
    """Articles handed to story grouping are unusable (a bad date, an id given twice)."""

    code = "PL650"
    exit_code = 2


class StoryStateError(PresslensError):
    """Saved story state cannot be read (malformed, or written by another version)."""

    code = "PL651"


class StoryNotFound(PresslensError):
    code = "PL652"
    exit_code = 2


class StoryGoldError(PresslensError):
    """A gold file of story groups is missing, malformed or names unknown files."""

    code = "PL653"
    exit_code = 2


class InternalError(PresslensError):
    """An unexpected failure (a bug), reported on one line instead of a traceback."""

    code = "PL999"
    exit_code = 70


# Warning codes (attached to Analysis.warnings, never raised).
W_NOT_ENGLISH = "PL201"
W_ENCODING_GUESSED = "PL202"
W_STAGE_FAILED = "PL204"
W_TIME_BUDGET = "PL205"


def warning(code: str, message: str) -> str:
    return f"{code}: {message}"
