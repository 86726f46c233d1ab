"""Load and validate YAML rule packs.

Rules are data: this module turns YAML files into `Rule` objects and says
precisely what is wrong with a bad file (file:line, rule id, field). It never
imports spaCy, so `empathy-lint rules` and `explain` stay fast; compiling the
patterns into matchers is `matching.py`'s job.
"""
from __future__ import annotations

import functools
import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from empathy_lint.errors import RuleError, unreadable_value

PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_rules_dir() -> Path:
    """The built-in packs: inside the installed wheel, or top-level rules/ in a checkout."""
    packaged = PACKAGE_DIR / "rules"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "rules"


Example = str | dict[str, str]


def context_path(name: str) -> Path:
    """A data file of rules/context/ (customer cues, lemmas, channels, ...)."""
    return builtin_rules_dir() / "context" / name


def load_context(name: str) -> Any:
    """Parse a rules/context/ YAML file as plain data (YAML 1.2 booleans, no tags),
    cached by content as the packs are (the fitted weights take a tenth of a second to
    parse: see cache.py)."""
    from empathy_lint.cache import cached, content_key

    raw = context_path(name).read_bytes()
    return cached("context", content_key(name, raw),
                  lambda: yaml.load(raw.decode("utf-8"), Loader=RuleLoader))  # noqa: S506 (safe)


@functools.lru_cache(maxsize=1)
def channel_profiles() -> dict[str, dict[str, Any]]:
    """rules/context/channels.yaml: per channel, `satisfied_by` and `disable`."""
    return load_context("channels.yaml") or {}


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class UnsafeDocument(yaml.YAMLError):
    """A YAML document too expensive to read: an alias bomb or absurd nesting."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


# A document whose aliases expand it to more nodes than this (and than ALIAS_FACTOR times
# its own size) is refused: nine nested levels of nine aliases ("billion laughs") would
# otherwise take minutes and gigabytes in any code that walks the data.
MAX_EXPANDED_NODES = 100_000
ALIAS_FACTOR = 10
EXPANSION_CAP = 10**12


def yaml_children(node: yaml.Node) -> list[yaml.Node]:
    """The nodes a sequence or mapping node holds (keys and values), in order."""
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def alias_expansion(root: yaml.Node) -> tuple[int, int]:
    """(distinct nodes, nodes with every alias expanded) in one pass over the distinct
    nodes: each node's expanded size is computed once, from its children's. A recursive
    alias counts once; sizes stop growing at EXPANSION_CAP (only "too many" matters)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes and not children_done:
            continue
        children = yaml_children(node)
        if not children_done:
            sizes[key] = 1  # provisional, until the children are sized
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        sizes[key] = min(EXPANSION_CAP, 1 + sum(sizes.get(id(child), 1) for child in children))
    return len(sizes), sizes[id(root)]


class _GuardedLoader:
    """Refuses alias bombs and nesting too deep to read, with a one-line YAMLError."""

    def get_single_node(self):  # type: ignore[no-untyped-def]
        try:
            node = super().get_single_node()  # type: ignore[misc]
        except RecursionError:
            raise UnsafeDocument("nested too deeply to read") from None
        if node is not None:
            distinct, expanded = alias_expansion(node)
            limit = max(MAX_EXPANDED_NODES, ALIAS_FACTOR * distinct)
            if expanded > limit:
                raise UnsafeDocument(f"aliases expand it to over {limit:,} values (an alias bomb)")
        return node

    def construct_document(self, node):  # type: ignore[no-untyped-def]
        try:
            return super().construct_document(node)  # type: ignore[misc]
        except RecursionError:
            raise UnsafeDocument("nested too deeply to read") from None
        except ValueError as exc:  # an integer too long to convert, a date like 2026-13-45
            raise UnsafeDocument(unreadable_value(exc)) from None


class RuleLoader(_GuardedLoader, _BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML with YAML 1.2 booleans: only true/false.

    Under YAML 1.1, `[on, no, yes]` in a token pattern would silently become
    booleans (the "Norway problem"); rule authors write words, so keep them words.
    """


class DataLoader(_GuardedLoader, yaml.SafeLoader):
    """Like RuleLoader, pure Python: its marks count characters, for mapping user files."""


for _loader in (RuleLoader, DataLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


@dataclass(frozen=True)
class Rule:
    """One rule of a pack; see rules/schema.json for what each field means."""

    id: str
    name: str
    family: str
    kind: str
    severity: str
    message: str
    why: str
    patterns: tuple[Any, ...]
    suggest: tuple[str, ...]
    examples_flag: tuple[Example, ...]
    examples_pass: tuple[Example, ...]
    excepts: tuple[Any, ...] = ()
    replace: dict[str, str] = field(default_factory=dict)
    when: dict[str, Any] = field(default_factory=dict)
    anchor: str = "start"
    satisfied_by: tuple[dict[str, Any], ...] = ()
    of: str | None = None  # position rules: the rule whose matches must come early
    within: int = 0  # position rules: how many body sentences count as early
    min_replies: int = 0  # repeated rules: how many replies must share an opening
    min_share: float = 0.0  # repeated rules: and what share of the replies checked
    echo: int = 0  # require rules: also satisfied by repeating this many of the customer's content words
    presumes_problem: bool = False  # forbid rules: a match shows the customer reported a problem
    # Another language's patterns (ISO 639-1 code -> patterns, excepts, suggestions): a
    # reply detected in that language is checked by them instead of the English ones.
    languages: dict[str, "LanguagePatterns"] = field(default_factory=dict)
    severity_chosen: bool = False  # set in the user's config: kept as set, confidence does not lower it
    source: str = ""
    line: int = 0

    @property
    def rests_on_customer(self) -> bool:
        """A require rule gated on the customer's message: its finding is only as sure as
        the verdict on that message."""
        return self.kind == "require" and self.when.get("customer", "any") != "any"

    @property
    def summary(self) -> str:
        """The first sentence of `why`: what the terminal shows under a finding."""
        first = self.why.strip().split(". ")[0].strip()
        return first if first.endswith(".") else first + "."


@dataclass(frozen=True)
class LanguagePatterns:
    """A rule's patterns for one other language, and what to suggest in it."""

    patterns: tuple[Any, ...]
    excepts: tuple[Any, ...] = ()
    suggest: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads((builtin_rules_dir() / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


class _Locator:
    """Finds the source line of a path inside a composed YAML document."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def line(self, path: Iterable[Any]) -> int:
        node, line = self.root, 1
        for key in path:
            if node is None:
                break
            line = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                match = [(k, v) for k, v in node.value if k.value == key]
                if not match:
                    break
                line = match[0][0].start_mark.line + 1
                node = match[0][1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line


# A rule pack is a page or two of YAML; anything larger (or a device such as /dev/zero)
# is not one, and is refused before it is read.
MAX_PACK_BYTES = 1024 * 1024


def _check_pack_file(path: Path) -> None:
    """Refuse what cannot be a rule pack before reading a byte of it."""
    try:
        info = path.stat()
    except OSError:
        return  # the reader reports it (not found, permission denied)
    if not stat.S_ISREG(info.st_mode):
        raise RuleError(f"{path}: not a regular file, expected a .yaml rule pack")
    if info.st_size > MAX_PACK_BYTES:
        raise RuleError(f"{path}: {info.st_size:,} bytes is too large for a rule pack (limit {MAX_PACK_BYTES:,})")


def _read_yaml(path: Path) -> tuple[Any, "_Locator"]:
    _check_pack_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RuleError(f"{path}: rule pack not found") from None
    except IsADirectoryError:
        raise RuleError(f"{path}: is a directory, expected a .yaml rule pack") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule pack ({exc.strerror})") from None
    loader = RuleLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
        return data, _Locator(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "constructor for the tag" in str(exc):
            problem = "tags that construct objects are refused (rule packs are plain data)"
        raise RuleError(f"{where}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()


def _check_schema(path: Path, data: Any, locator: _Locator) -> None:
    if not isinstance(data, dict):  # not rule data: say so without quoting the file
        raise RuleError(f"{path}:1: not a rule pack: expected a mapping with 'family' and 'rules'")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    where = list(error.absolute_path)
    line = locator.line(where)
    rule_id = ""
    if len(where) >= 2 and where[0] == "rules" and isinstance(data, dict):
        rule = data["rules"][where[1]]
        rule_id = f" rule {rule.get('id', '#' + str(where[1] + 1))}" if isinstance(rule, dict) else ""
        where = where[2:]
    field_name = ".".join(str(p) for p in where) or "(top level)"
    message = error.message if len(error.message) < 160 else error.message[:157] + "..."
    raise RuleError(f"{path}:{line}:{rule_id} field '{field_name}': {message}")


def _to_rule(raw: dict[str, Any], family: str, source: str, line: int) -> Rule:
    examples = raw["examples"]
    return Rule(
        id=raw["id"],
        name=raw["name"],
        family=family,
        kind=raw["kind"],
        severity=raw["severity"],
        message=raw["message"].strip(),
        why=" ".join(raw["why"].split()),
        patterns=tuple(raw.get("patterns", ())),
        suggest=tuple(raw["suggest"]),
        examples_flag=tuple(examples["flag"]),
        examples_pass=tuple(examples["pass"]),
        excepts=tuple(raw.get("except", ())),
        replace={k.lower(): v for k, v in raw.get("replace", {}).items()},
        when=dict(raw.get("when", {})),
        anchor=raw.get("anchor", "start"),
        satisfied_by=tuple(raw.get("satisfied_by", ())),
        of=raw.get("of"),
        within=int(raw.get("within", 0)),
        min_replies=int(raw.get("min_replies", 0)),
        min_share=float(raw.get("min_share", 0.0)),
        echo=int(raw.get("echo", 0)),
        presumes_problem=bool(raw.get("presumes_problem", False)),
        languages={code: LanguagePatterns(tuple(block["patterns"]), tuple(block.get("except", ())),
                                          tuple(block.get("suggest", ())))
                   for code, block in (raw.get("languages") or {}).items()},
        source=source,
        line=line,
    )


def load_pack(path: Path) -> list[Rule]:
    """Read and validate one rule pack file (cached by content: see cache.py)."""
    from empathy_lint.cache import cached, content_key

    _check_pack_file(path)
    try:
        raw = path.read_bytes()
        schema = (builtin_rules_dir() / "schema.json").read_bytes()
    except OSError:
        return _load_pack(path)  # let the real loader report the problem
    return cached("pack", content_key(str(path.resolve()), raw, schema), lambda: _load_pack(path))


def _load_pack(path: Path) -> list[Rule]:
    data, locator = _read_yaml(path)
    _check_schema(path, data, locator)
    return [
        _to_rule(raw, data["family"], str(path), locator.line(["rules", i]))
        for i, raw in enumerate(data["rules"])
    ]


def _pack_files(path: Path) -> list[Path]:
    """A pack file, or the YAML files of a pack folder. A file in the folder that links
    outside it is refused: a cloned repository's `rules:` folder must not make the linter
    read (and quote) a file elsewhere on the machine, as a direct path may not."""
    if not path.is_dir():
        return [path]
    folder = path.resolve()
    files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    for file in files:
        target = file.resolve()
        if folder not in target.parents:
            raise RuleError(f"{file}: links outside its rule folder ({target}); copy the pack into the folder")
    return files


@functools.lru_cache(maxsize=32)
def _load_cached(paths: tuple[str, ...]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for entry in paths:
        for file in _pack_files(Path(entry)):
            for rule in load_pack(file):
                for key in (rule.id, rule.name):
                    if key in seen:
                        other = seen[key]
                        raise RuleError(
                            f"{file}:{rule.line}: rule {rule.id}: '{key}' is already defined "
                            f"at {other.source}:{other.line}"
                        )
                    seen[key] = rule
                rules.append(rule)
    return tuple(rules)


def load_rules(paths: Iterable[str | Path] | None = None, *, builtin: bool = True) -> list[Rule]:
    """The built-in packs plus any extra pack files or directories, validated.

    Raises RuleError (one line: file:line, rule id, field) on a bad pack.
    """
    entries = [str(builtin_rules_dir())] if builtin else []
    entries += [str(Path(p)) for p in paths or ()]
    return list(_load_cached(tuple(entries)))


def find_rule(rules: Iterable[Rule], key: str) -> Rule | None:
    """The rule whose code or name is `key` (case-insensitive code)."""
    for rule in rules:
        if key.upper() == rule.id or key.lower() == rule.name:
            return rule
    return None
