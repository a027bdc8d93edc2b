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

