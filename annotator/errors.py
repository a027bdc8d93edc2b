"""Errors that are the user's fault (shown as one line) as opposed to bugs."""


class UserError(Exception):
    """Bad input or a bad request: shown to the user as one line, exit status 1."""


class InputError(UserError):
    """A problem at a place in an input file: `file:line: $.path: message`.

    `kind` and `value` say what it is for code that acts on it (kind "unknown_label", value the label's name)."""

    def __init__(self, file: str, line: int | None, path: str, message: str, *, kind: str = "", value: str = ""):
        self.file, self.line, self.path, self.message = file, line, path, message
        self.kind, self.value = kind, value
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {path}: {message}" if path else f"{where}: {message}")


class InputErrors(UserError):
    """Several input problems, reported together; nothing was imported."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


class StoreWriteError(UserError):
    """The database refused a write (locked by another program, disk full, read-only); nothing was changed.

    `kind` is "locked", "full", "readonly" or "failed"; `reason` is SQLite's own words; `short` is why and what to do."""

    WHY = {
        "locked": "another program is writing to the database (an import?)",
        "full": "the disk is full",
        "readonly": "the database file cannot be written",
        "failed": "the disk reported an error",
    }
    TO_DO = {
        "locked": "try again in a moment",
        "full": "free some space and try again",
        "readonly": "check its permissions",
        "failed": "try again; if it keeps failing, check the disk",
    }

    def __init__(self, path: str, kind: str, reason: str):
        self.path, self.kind, self.reason = path, kind, reason
        self.short = f"{self.WHY[kind]}; {self.TO_DO[kind]}."
        super().__init__(f"{path}: not saved ({reason}): {self.short}")
