"""User-facing errors: each becomes one line on stderr and exit code 2."""
from __future__ import annotations


class EmpathyLintError(Exception):
    """A problem with the user's input, config or rules (never a bug in us)."""

    exit_code = 2


class RuleError(EmpathyLintError):
    """A rule pack that cannot be loaded: the message names file, line, rule and field."""


class ConfigError(EmpathyLintError):
    """A config file or option with a bad key or value."""


class InputError(EmpathyLintError):
    """A file to lint that cannot be read as text."""


class TooLarge(InputError):
    """A file over the size limit: an error when named, skipped with a notice in a walk."""
