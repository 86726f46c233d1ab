"""The package's layers (README, "Development"): imports run one way, and no module
imports itself back through others (issue 31). Function-level imports count too."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "empathy_lint"
# Lower number: lower layer. A module may import its own layer and any lower one; engine
# and write are siblings and do not import each other.
RANK = {"shared": 0, "read": 1, "engine": 2, "write": 2, "run": 3, "apps": 4}
FACADES = {"empathy_lint", "empathy_lint.__main__"}  # the public API and `python -m`


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in RANK else "shared"


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else base)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[name] = {t for t in targets if t in modules and t != name and t != "empathy_lint"}
    return graph


def test_every_module_lives_in_a_layer():
    for name in _modules():
        assert name in FACADES or _layer(name) in RANK, name


def test_imports_run_down_the_layers():
    modules = _modules()
    wrong = []
    for name, targets in _imports(modules).items():
        if name in FACADES:
            continue
        for target in targets:
            mine, theirs = _layer(name), _layer(target)
            if RANK[theirs] > RANK[mine] or (RANK[theirs] == RANK[mine] and mine != theirs):
                wrong.append(f"{name} ({mine}) imports {target} ({theirs})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_circle():
    graph = {k: v for k, v in _imports(_modules()).items() if k not in FACADES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not circles, circles


def test_the_readme_map_names_every_layer_package():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The layers"):]
    for layer in ("read", "engine", "write", "run", "apps"):
        assert f"`empathy_lint/{layer}/`" in section, layer
        assert (PACKAGE / layer / "__init__.py").exists()
