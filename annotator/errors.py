"""Errors that are the user's fault (shown as one line) as opposed to bugs."""


class UserError(Exception):
    """Bad input or a bad request: shown to the user as one line, exit status 1."""


class InputError(UserError):
    """A problem at a place in an input file: `file:line: $.path: message`.

    `record` names the record the problem is in (file and line; a whole-file record such as a brat
    document has line None), so that problems can be counted by record. `kind` and `value` say what it is
    for code that acts on it (kind "unknown_label", value the label's name).
    """

    def __init__(self, file: str, line: int | None, path: str, message: str, *, kind: str = "", value: str = "",
                 record_line: int | None | bool = False):
        self.file, self.line, self.path, self.message = file, line, path, message
        self.kind, self.value = kind, value
        self.record = (file, line if record_line is False else record_line)
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {path}: {message}" if path else f"{where}: {message}")


class InputErrors(UserError):
    """Several input problems, reported together; `outcome` says what that left unchanged (for the user)."""

    def __init__(self, errors: list[InputError], *, total: int | None = None, outcome: str = ""):
        self.errors, self.total, self.outcome = errors, total if total is not None else len(errors), outcome
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(f"{errors[0]}{more}")

