"""The accounts app stands alone: other apps (checkout) build on it, never the other way."""

import ast
from pathlib import Path

import accounts


def test_accounts_imports_nothing_from_checkout():
    # Given every module of the accounts app, its tests aside
    root = Path(accounts.__file__).parent
    modules = [path for path in root.rglob("*.py") if "tests" not in path.parts]

    # When their imports are read
    imported = {
        (path.relative_to(root).as_posix(), name)
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }

    # Then none of them is checkout's
    assert len(modules) > 5
    assert [pair for pair in sorted(imported) if pair[1].split(".")[0] == "checkout"] == []
