"""The one exception type for problems the user can fix.

Front ends (CLI, UI, batch) catch it once and show its message as a single line;
anything else escaping is a bug and keeps its traceback.
"""


class AssistantError(Exception):
    """A user-facing problem: bad input, unreachable service, unusable index."""
