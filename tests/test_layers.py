"""The product's layers go one way: backoffice (settings) < accounts < events < connector < sync. A lower
layer announces (signals) and the upper one listens; nothing imports back up, and no modules import each
other, even from inside a function. Read from the source (every import statement, at any depth), so an
import hidden in a function counts like any other.

The Salesforce emulator is not product: a stand-in for Salesforce that the product must not import. Its
own internal imports are its business and are not checked here."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("backoffice", "accounts", "events", "connector", "sync")  # low to high
EMULATOR = "salesforce_emulator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for package in (*LAYERS, EMULATOR):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _owner(name: str) -> str | None:
    """The module of ours that `name` (a module, or a name inside one) lives in; None outside our code."""
    modules = _modules()
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, path: Path) -> set[str]:
    """Our modules that `module` imports, at any depth of its code (functions, TYPE_CHECKING blocks)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names += [f"{base}.{alias.name}" for alias in node.names]  # a submodule, or a name in `base`
    return {owner for name in names if (owner := _owner(name)) and owner != module}


@cache
def _graph() -> dict[str, frozenset[str]]:
    return {module: frozenset(_imported(module, path)) for module, path in _modules().items()}


def _layer(module: str) -> str:
    return module.partition(".")[0]


def _product_cycles() -> list[list[str]]:
    """Groups of product modules importing each other, directly or around a loop (Tarjan)."""
    graph = {m: [t for t in out if _layer(t) in LAYERS] for m, out in _graph().items() if _layer(m) in LAYERS}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def _describe(cycle: list[str]) -> str:
    members = set(cycle)
    return "; ".join(f"{m} -> {', '.join(sorted(_graph()[m] & members))}" for m in cycle)


def test_the_import_reader_sees_imports_inside_functions_and_relative_ones():
    """The checks below are only as good as this reader: a function-level import must count."""
    graph = _graph()
    assert "sync.scheduling" in graph["sync.flush"]
    assert "sync.receivers" in graph["sync.apps"]  # imported inside SyncConfig.ready()
    assert "salesforce_emulator.soql_eval" in graph["salesforce_emulator.soql"]  # `from .soql_eval import`


def test_no_product_modules_import_each_other_in_a_cycle():
    cycles = _product_cycles()
    assert not cycles, "Import cycles: " + " | ".join(_describe(c) for c in cycles)


def test_no_layer_imports_a_layer_above_it():
    rank = {layer: position for position, layer in enumerate(LAYERS)}
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        if _layer(module) in rank
        for target in targets
        if _layer(target) in rank and rank[_layer(target)] > rank[_layer(module)]
    )
    assert not upward, f"Imports from a lower layer into a higher one ({' < '.join(LAYERS)}): {upward}"


def test_no_product_module_imports_the_salesforce_emulator():
    found = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        if _layer(module) in LAYERS
        for target in targets
        if _layer(target) == EMULATOR
    )
    assert not found, f"Product modules importing the Salesforce emulator: {found}"
