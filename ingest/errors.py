"""One exception type for bad input, so the CLI can print it as it is."""


class SourceError(Exception):
    """Bad input from a source: the message names the source, the problem and what to do."""

    def __init__(self, source: str, problem: str, todo: str):
        self.source, self.problem, self.todo = source, problem, todo
        super().__init__(f"[{source}] {problem}\n  What to do: {todo}")
