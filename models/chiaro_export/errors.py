"""Error type carrying the exit code the CLI returns (see CONTRACTS.md section 3)."""

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3


class ExportError(Exception):
    """A failure that the CLI reports as one line `path: problem` with `code` as exit status."""

    def __init__(self, message, path=None, code=EXIT_BAD_INPUT):
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.code = code

    def one_line(self):
        text = self.message if self.path is None else "%s: %s" % (self.path, self.message)
        return " ".join(text.split())


class UsageError(ExportError):
    def __init__(self, message, path=None):
        super().__init__(message, path, EXIT_USAGE)
