"""The package's imports run one way (engine at the bottom, cli on top): no module imports, even
inside a function, a module that imports it back, directly or through others."""
from __future__ import annotations

import ast
from pathlib import Path

import micrograd_plus

PACKAGE = Path(micrograd_plus.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The package's modules that `path` imports anywhere in its text (a function-level import
    that avoids a circle at run time is still a circle for a reader)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            found.add(target)
            if not node.module:  # `from . import viz`
                found |= {f"{base}.{alias.name}" for alias in node.names}
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules and name != module_name(path)}


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A list of modules that import each other in a ring, or None."""
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> list[str] | None:
        state[name] = "open"
        for child in sorted(graph.get(name, ())):
            if state.get(child) == "open":
                return trail[trail.index(child):] + [child]
            if child not in state and (ring := visit(child, trail + [child])):
                return ring
        state[name] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (ring := visit(start, [start])):
            return ring
    return None


def test_the_finder_sees_a_circle():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) is None


def test_data_and_train_read_bottom_to_top():
    assert "micrograd_plus.data" in imports_of(PACKAGE / "train.py")  # fit batches with data
    assert "micrograd_plus.train" not in imports_of(PACKAGE / "data.py")


def test_no_module_imports_round_in_a_circle():
    # Packages' __init__ files re-export their modules, so they are left out of the rings.
    graph = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert find_circle(graph) is None
