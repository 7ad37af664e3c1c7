"""Errors a user can cause. They become a one-sentence message and exit code 2."""


class UsageError(Exception):
    """A problem with the command line, the configuration or the rule catalogue."""
