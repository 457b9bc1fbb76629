"""One exception root. Every error the package raises on purpose is a SekishoError.

Subclasses carry an HTTP-like status so that a service layer can map them without guessing, an
exit code for the CLI (sysexits.h, so that a script can tell a bad input from a list that cannot
be fetched), and file/row/field where they exist so the user can find the bad cell.
"""

from __future__ import annotations


class SekishoError(Exception):
    """Root of every error sekisho raises deliberately."""

    status = 500
    exit_code = 70  # EX_SOFTWARE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(SekishoError):
    """The caller passed something we cannot use (bad option, bad query)."""

    status = 422
    exit_code = 64  # EX_USAGE


class NotFound(SekishoError):
    """A list, entity or file that was asked for does not exist."""

    status = 404
    exit_code = 66  # EX_NOINPUT


class ListFormatError(SekishoError):
    """A list or parties file does not have the shape we expect.

    The message always names the file, and the row and field when they are known, because a
    compliance officer has to fix or report the exact cell.
    """

    status = 422
    exit_code = 65  # EX_DATAERR

    def __init__(self, file: str, message: str, row: int | None = None, field: str | None = None) -> None:
        where = file
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.row = row
        self.field = field


class FetchError(SekishoError):
    """Downloading an official list failed (offline, timeout, HTTP error)."""

    status = 502
    exit_code = 69  # EX_UNAVAILABLE


class Refused(SekishoError):
    """A list update that fails a plausibility check (it shrank, is older, looks cut short) and was
    not forced: the current copy stays."""

    status = 409
    exit_code = 65  # EX_DATAERR: the downloaded data is implausible


class Interrupted(SekishoError):
    """The run was stopped by a signal (Ctrl-C, SIGTERM); `exit_code` is the shell's 128 + signal."""

    status = 503

    def __init__(self, message: str, exit_code: int = 130) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class InternalError(SekishoError):
    """A bug: anything raised that sekisho did not raise on purpose. Never a 4xx."""

    status = 500
    exit_code = 70  # EX_SOFTWARE
