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


def unreadable(path: object, exc: OSError) -> InputError:
    """The one-line error for a file to lint that the system would not open."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path}: is a directory")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied")
    return InputError(f"{path}: cannot read ({exc.strerror or exc})")


def unreadable_value(exc: ValueError) -> str:
    """Why a parser could not make a value of a file's text, in a user's words.

    Python refuses to convert an integer of more than 4,300 digits (a guard against
    quadratic work) and names a setting users cannot reach; a JSON or YAML file can
    hold such a number, and a bad date in YAML fails the same way."""
    if "integer string conversion" in str(exc):
        return "a number longer than 4,300 digits"
    return str(exc).split(";")[0]
