"""Which snippets modules import which, and which pages use a module (its imports or its checks)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

IMPORT_LINE = re.compile(r"^\s*(?:from|import)\s+snippets\.(\w+)", re.MULTILINE)
# Pages that load every module (the ledger, the home page) or print one (proofs/): not its users.
NOT_USERS = ("index.md", "checks.md")


def _nodes(source: str) -> list[ast.AST]:
    """The source's syntax tree, walked; none for a source that does not parse (it imports nothing)."""
    try:
        return list(ast.walk(ast.parse(source)))
    except SyntaxError:
        return []


def snippet_imports(source: str) -> set[str]:
    """The snippets modules (by stem) a Python source imports, absolutely or relatively."""
    found: set[str] = set()
    for node in _nodes(source):
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if node.level == 0 and parts[0] == "snippets" and len(parts) > 1:
                found.add(parts[1])
            elif node.level == 0 and node.module == "snippets":
                found.update(alias.name for alias in node.names)
            elif node.level == 1:
                found.update([parts[0]] if node.module else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "snippets" and len(parts) > 1:
                    found.add(parts[1])
    return found


def dependents(root: Path) -> dict[str, set[str]]:
    """For every snippets module stem, the stems that import it directly or through other modules."""
    graph = {p.stem: snippet_imports(p.read_text(encoding="utf-8")) for p in (root / "snippets").glob("*.py")}
    reached: dict[str, set[str]] = {stem: {stem} for stem in graph}
    changed = True
    while changed:  # transitive closure: who (indirectly) imports whom
        changed = False
        for stem, imports in graph.items():
            for imported in list(imports):
                for deeper in reached.get(imported, {imported}):
                    if deeper not in reached[stem]:
                        reached[stem].add(deeper)
                        changed = True
    return {target: {stem for stem, r in reached.items() if target in r} for target in graph}


def registered_checks(source: str) -> set[str]:
    """The ids of the checks a module registers with `@check("id", page=...)`."""
    return {
        decorator.args[0].value
        for node in _nodes(source)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call)
        and getattr(decorator.func, "id", None) == "check"
        and decorator.args
        and isinstance(decorator.args[0], ast.Constant)
    }


def pages_using(root: Path, stem: str) -> list[str]:
    """`docs/<page>:<line>` of each page whose blocks import `stem` (directly or through other
    snippets) or show one of its checks, at the first line that does."""
    path = root / "snippets" / f"{stem}.py"
    if not path.is_file():
        return []
    importers = dependents(root).get(stem, {stem})
    checks = registered_checks(path.read_text(encoding="utf-8"))
    docs = root / "docs"
    places = []
    for page in sorted(docs.rglob("*.md")):
        relative = page.relative_to(docs).as_posix()
        if relative.startswith("proofs/") or relative in NOT_USERS:
            continue
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            imported = IMPORT_LINE.match(line)
            if (imported and imported[1] in importers) or any(f'"{c}"' in line for c in checks):
                places.append(f"docs/{relative}:{number}")
                break
    return places
