"""Run settings and rule selection.

`Config` holds what the CLI flags (and, later, config files) decide: which rules
run, at what severity, and when a run fails. Selection follows ruff: codes or
names, prefix match, and the most specific selector wins.
"""
from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from empathy_lint.errors import ConfigError, unreadable_value
from empathy_lint.findings import Severity
from empathy_lint.rulebook import Rule, load_rules

KINDS = ("live", "canned")
CHANNELS = ("chat", "email", "sms", "social")


def chosen(value: Any, allowed: tuple[str, ...], fallback: str | None) -> str | None:
    """A record's own kind or channel when it is a known one, else `fallback`."""
    return value if value in allowed else fallback
CONFIG_FILES = (".empathy-lint.yaml", ".empathy-lint.yml")
READER_KEYS = ("yaml_body", "json_body", "csv_body", "markdown_split")
OVERRIDE_KEYS = ("files", "select", "ignore", "severity", "kind", "channel")
FILE_KEYS = ("select", "ignore", "severity", "fail-on", "min-severity", "rules", "kind", "channel",
             "placeholders", "exclude", "default-exclude", "readers", "overrides", "allow-origins")


@dataclass
class Config:
    """Settings for one run. Empty `select` means every rule."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    # Findings below this severity are not reported at all (Vale's MinAlertLevel): a
    # team that wants only what the rules are sure of sets `warning`.
    min_severity: str = "info"
    rules: list[str] = field(default_factory=list)
    kind: str | None = None  # None: by how the file was found (runner.Job.default_kind)
    channel: str | None = None
    placeholders: list[str] | None = None
    exclude: list[str] = field(default_factory=list)
    default_exclude: bool = True  # skip files that are not replies (rules/context/not-replies.yaml)
    readers: dict[str, str] = field(default_factory=dict)
    overrides: list[dict] = field(default_factory=list)
    # Browser origins `empathy-lint serve` answers besides its own extension's
    # (another build of the extension, a helpdesk app of the team's own).
    allow_origins: list[str] = field(default_factory=list)
    source: str | None = None

    def __post_init__(self) -> None:
        if self.fail_on != "never":
            try:
                Severity.parse(self.fail_on)
            except ValueError:
                raise ConfigError(f"fail-on: {self.fail_on!r} is not one of error, warning, info, never") from None
        try:
            Severity.parse(self.min_severity)
        except ValueError:
            raise ConfigError(f"min-severity: {self.min_severity!r} is not one of error, warning, info") from None
        if self.kind is not None and self.kind not in KINDS:
            raise ConfigError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.channel is not None and self.channel not in CHANNELS:
            raise ConfigError(f"channel: {self.channel!r} is not one of {', '.join(CHANNELS)}")

    def fails(self, severity: str) -> bool:
        """Does a finding of this severity make the run fail?"""
        return self.fail_on != "never" and Severity.parse(severity) >= Severity.parse(self.fail_on)

    def shows(self, severity: str) -> bool:
        """Is a finding of this severity reported (at or above `min-severity`)?"""
        return Severity.parse(severity) >= Severity.parse(self.min_severity)

    @property
    def root(self) -> Path:
        """Where relative globs and rule paths in this config start."""
        return Path(self.source).parent if self.source else Path.cwd()

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def excludes(self, path: Path) -> bool:
        """Is `path` excluded by this config's `exclude` globs?"""
        rel = self._relative(path)
        globs = [g for g in self.exclude] + [g[3:] for g in self.exclude if g.startswith("**/")]  # "**/" may match nothing
        return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.rstrip("/") + "/*")
                   or any(fnmatch.fnmatch(part, g) for part in rel.split("/")) for g in globs)

    def for_file(self, path: Path) -> "Config":
        """This config with the `overrides` whose `files` globs match `path` applied."""
        rel = self._relative(path)
        config = self
        for override in self.overrides:
            globs = override["files"] if isinstance(override["files"], list) else [override["files"]]
            if any(fnmatch.fnmatch(rel, g) for g in globs):
                changes: dict[str, Any] = {k: override[k] for k in ("select", "kind", "channel") if k in override}
                if "ignore" in override:
                    changes["ignore"] = list(config.ignore) + list(override["ignore"])
                if "severity" in override:
                    changes["severity"] = {**config.severity, **override["severity"]}
                config = dataclasses.replace(config, **changes)
        return config

    def key(self) -> tuple:
        """Identity of what the linter compiles: equal keys can share a Linter."""
        return (tuple(self.select), tuple(self.ignore), tuple(sorted(self.severity.items())),
                tuple(self.rules), tuple(self.placeholders) if self.placeholders is not None else None,
                self.kind, self.channel)

    def active_rules(self) -> list[Rule]:
        """The rules this config runs, with severity overrides applied."""
        rules = select_rules(load_rules(self.rules), self.select, self.ignore)
        return apply_severity(rules, self.severity)


def split_selectors(values: Iterable[str]) -> list[str]:
    """Flatten repeated and comma-separated selector options."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _how_precisely(selector: str, code: str, name: str, family: str) -> int:
    """How precisely `selector` names the rule with this code, name and family: 0 not at
    all, higher is more specific."""
    if selector.upper() == code or selector.lower() == name:
        return 1000
    if selector.upper() == "ALL":
        return 1
    if selector.lower() == family:
        return 2
    if code.startswith(selector.upper()) or name.startswith(selector.lower()):
        return 2 + len(selector)
    return 0


def _specificity(selector: str, rule: Rule) -> int:
    return _how_precisely(selector, rule.id, rule.name, rule.family)


def names(selector: str, code: str, name: str, family: str) -> bool:
    """Does `selector` (a code, name, prefix, family or ALL) name the rule with this code,
    name and family? The command line, the config and inline suppression directives
    (which ask it of a finding) read selectors alike."""
    return _how_precisely(selector, code, name, family) > 0


def names_rule(selector: str, rule: Rule) -> bool:
    """`names`, asked of a rule."""
    return names(selector, rule.id, rule.name, rule.family)


def _check_known(selectors: list[str], rules: list[Rule], option: str) -> None:
    for selector in selectors:
        if not any(names_rule(selector, rule) for rule in rules):
            raise ConfigError(
                f"{option}: {selector!r} matches no rule code, name or family "
                f"(see `empathy-lint rules`)"
            )


def select_rules(rules: list[Rule], select: list[str], ignore: list[str]) -> list[Rule]:
    """Rules left after --select/--ignore; on a tie, ignore wins."""
    _check_known(select, rules, "select")
    _check_known(ignore, rules, "ignore")
    chosen = []
    for rule in rules:
        wanted = max((_specificity(s, rule) for s in select), default=0) if select else 1
        unwanted = max((_specificity(s, rule) for s in ignore), default=0)
        if wanted and wanted > unwanted:
            chosen.append(rule)
    return chosen


def apply_severity(rules: list[Rule], overrides: dict[str, str]) -> list[Rule]:
    """Rules with severities overridden by code, name, prefix or family (most specific wins)."""
    if not overrides:
        return rules
    _check_known(list(overrides), rules, "severity")
    for level in overrides.values():
        if level not in ("error", "warning", "info"):
            raise ConfigError(f"severity: {level!r} is not one of error, warning, info")
    result = []
    for rule in rules:
        best = max(overrides, key=lambda s: _specificity(s, rule))
        if _specificity(best, rule):
            rule = dataclasses.replace(rule, severity=overrides[best], severity_chosen=True)
        result.append(rule)
    return result


def _check_list(source: str, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: '{key}' must be a list of strings")
    return value


def _unknown(source: str, key: str, known: Iterable[str], where: str = "") -> ConfigError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
    return ConfigError(f"{source}: unknown key '{where}{key}'{hint}")


def parse_settings(data: Any, source: str) -> dict[str, Any]:
    """Validate a config mapping (from YAML or pyproject) into Config keyword arguments."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be a mapping of keys to values")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in FILE_KEYS:
            raise _unknown(source, str(key), FILE_KEYS)
        if key in ("select", "ignore", "exclude"):
            out[key] = split_selectors(_check_list(source, key, value)) if key != "exclude" else _check_list(source, key, value)
        elif key == "placeholders":
            out[key] = _check_list(source, key, value)
        elif key == "allow-origins":
            out["allow_origins"] = _check_list(source, key, value)
        elif key == "rules":
            out[key] = [_pack_inside(source, str(p)) for p in _check_list(source, key, value)]
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'severity' must map rule codes to error, warning or info")
            out[key] = {str(k): str(v) for k, v in value.items()}
        elif key == "default-exclude":
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: 'default-exclude' must be true or false")
            out["default_exclude"] = value
        elif key in ("fail-on", "min-severity", "kind", "channel"):
            if not isinstance(value, str):
                raise ConfigError(f"{source}: '{key}' must be a string")
            out[key.replace("-", "_")] = value
        elif key == "readers":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'readers' must be a mapping")
            for rk in value:
                if rk not in READER_KEYS:
                    raise _unknown(source, str(rk), READER_KEYS, "readers.")
            out[key] = {str(k): str(v) for k, v in value.items()}
        elif key == "overrides":
            if not isinstance(value, list) or not all(isinstance(o, dict) and "files" in o for o in value):
                raise ConfigError(f"{source}: 'overrides' must be a list of mappings, each with 'files'")
            for override in value:
                for ok in override:
                    if ok not in OVERRIDE_KEYS:
                        raise _unknown(source, str(ok), OVERRIDE_KEYS, "overrides.")
                files = override["files"]
                if not (isinstance(files, str) or (isinstance(files, list) and files
                                                   and all(isinstance(f, str) for f in files))):
                    raise ConfigError(f"{source}: 'overrides.files' must be a glob or a list of globs")
                for ok in ("kind", "channel"):
                    if ok in override and not isinstance(override[ok], str):
                        raise ConfigError(f"{source}: 'overrides.{ok}' must be a string")
                for ok in ("select", "ignore"):
                    if ok in override:
                        override[ok] = split_selectors(_check_list(source, f"overrides.{ok}", override[ok]))
            out[key] = value
    return out


# A config of this size is not a config: refused before it is read (a 1 GB sparse file
# once took 2 GB of memory before its error).
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _read_bounded(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ConfigError(f"{path}: config file over {limit // (1024 * 1024)} MB; not read")
    return data


def read_config_file(path: Path) -> dict[str, Any]:
    """Settings from .empathy-lint.yaml or [tool.empathy-lint] in pyproject.toml."""
    try:
        text = _read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(text).get("tool", {}).get("empathy-lint")
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except ValueError as exc:  # a number too long to convert, a bad date
            raise ConfigError(f"{path}: invalid TOML: {unreadable_value(exc)}") from None
        return parse_settings(data, str(path))
    from empathy_lint.rulebook import DataLoader

    try:
        data = yaml.load(text, Loader=DataLoader)  # noqa: S506 (safe)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    return parse_settings(data, str(path))


# A table header for empathy-lint in TOML text: [tool.empathy-lint], [tool.empathy-lint.x].
_OUR_TABLE = re.compile(r'(?m)^[ \t]*\[\[?[ \t]*tool[ \t]*\.[ \t]*"?empathy-lint\b')


def _has_tool_table(pyproject: Path) -> bool:
    """Does this pyproject.toml configure empathy-lint? One that does but is not valid
    TOML counts, so reading it reports the mistake instead of silently linting with the
    defaults (as ruff does); one that only holds other tools' broken tables does not."""
    try:
        text = _read_bounded(pyproject, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, ValueError, ConfigError):  # unreadable, not UTF-8, absurdly large
        return False
    try:
        return "empathy-lint" in tomllib.loads(text).get("tool", {})
    except ValueError:  # not TOML
        return bool(_OUR_TABLE.search(text))


@functools.lru_cache(maxsize=256)
def find_config_file(directory: Path) -> Path | None:
    """The nearest config walking up from `directory`: .empathy-lint.yaml, then pyproject.toml."""
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _pack_inside(source: str, entry: str) -> str:
    """A config's rule pack path, which must stay inside the config's directory tree: a
    cloned repository's config must not make the linter read (and quote) /etc/passwd or
    ../secrets.env. A pack elsewhere is given on the command line with --rules."""
    base = Path(source).parent.resolve()
    path = (base / entry).resolve()
    if path != base and base not in path.parents:
        raise ConfigError(f"{source}: rules: {entry!r} is outside the config's directory; "
                          "keep rule packs in the repository, or pass it with --rules")
    return str(base / entry)


def load_config(path: Path | None, overrides: dict[str, Any] | None = None) -> Config:
    """A Config from a config file (or defaults), with command-line overrides on top."""
    settings = read_config_file(path) if path else {}
    extra_rules = list((overrides or {}).get("rules") or [])
    if path and settings:
        # The file's own values first, so a bad one is reported with the file's name
        # (a bad command-line value is reported below, under the option's name).
        try:
            Config(**{**settings, "rules": list(settings.get("rules", [])) + extra_rules},
                   source=str(path)).active_rules()
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None and k != "rules"})
    if extra_rules:
        settings["rules"] = list(settings.get("rules", [])) + extra_rules
    return Config(**settings, source=str(path) if path else None)
