"""Named errors with stable codes.

Every problem a user can cause has a code and a plain sentence, printed as
``PL101: input is not text (looks like a PDF)``. The CLI maps them to exit codes;
a corpus run records them per item and carries on. Codes never change meaning.

1xx  input (reading, decoding, sizes)
2xx  warnings attached to an analysis (best effort was made)
3xx  usage and configuration
4xx  evaluation data
5xx  corpus store and corpus runs (500-539)
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
