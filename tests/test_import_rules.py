"""The rooms import downward only: scheduler is pure, storage knows nothing of the bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "scheduler": ("bot", "storage", "plan_data", "telegram", "sqlalchemy", "apscheduler"),
    "storage": ("bot", "telegram", "apscheduler"),
}


def imported_modules(path: Path) -> set[str]:
    """Return every module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_a_room_imports_none_of_the_rooms_above_it(room: str) -> None:
    offending = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / room).rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN[room])
    assert offending == []
