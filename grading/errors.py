"""The problems that grade nothing: a user's mistake or an environment that cannot run the
notebooks. The command line prints the one line of the exception and exits with status 2,
before anything is built or written (no traceback, never a row of zeros)."""


class UsageError(Exception):
    """A user's mistake (an unknown assignment, a missing folder, a roster without the needed
    columns, an unreadable secret); its message says what to do."""


class EnvironmentProblem(UsageError):
    """The grading sandbox cannot run the environment; its message says what to change."""
