"""Named errors with stable codes.

Every problem a user can cause has a code and a plain sentence, printed as
``PL101: input is not text (looks like a PDF)``. The CLI maps them to exit codes;
a corpus run records them per item and carries on. Codes never change meaning.

1xx  input (reading, decoding, sizes)
2xx  warnings attached to an analysis (best effort was made)
3xx  usage and configuration
4xx  evaluation data
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
