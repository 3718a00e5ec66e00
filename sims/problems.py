"""Problems found in a tutor's files, each as ``file:line: message``.

A file full of mistakes (a column in the wrong unit on every line) would otherwise give
thousands of messages: each file lists at most ``LIMIT`` of them and then says how many more
there are, so the upload page stays readable and the tutor still knows the size of the job.
"""
LIMIT = 100


class DatasetError(ValueError):
    """Problems found in imported data; ``problems`` lists ``file:line: message`` strings."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class FileProblems:
    """Collects one file's problems into the shared list ``into``."""

    def __init__(self, filename, into, limit=LIMIT):
        self.filename, self.into, self.limit = filename, into, limit
        self.count = 0

    def add(self, message, line=None):
        """Record ``message``; ``line`` (1-based) when the problem has a place in the file."""
        self.count += 1
        if self.count <= self.limit:
            self.into.append(f"{self.filename}:{line}: {message}" if line else f"{self.filename}: {message}")

    def finish(self):
        """Say how many problems were left out (call once, after the file is read)."""
        if self.count > self.limit:
            more = self.count - self.limit
            self.into.append(f"{self.filename}: {more:,} more problem{'s' if more > 1 else ''} not listed here; "
                             f"fix the {self.limit} above and upload again to see the rest")

    def __bool__(self):
        return self.count > 0
