"""The rooms of the house keep their import rules and stay readable (issue 9)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 450


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_no_channel_imports_the_composition_root_or_the_invites() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(name for name in _imports(path)
                                            if name.startswith(("bot.app", "storage.invites")))
        for path in _modules("bot/channels")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_scheduler_reads_no_plan_file_and_imports_no_plan_data() -> None:
    plan = ROOT / "scheduler" / "plan.py"
    assert not any(name.startswith("plan_data") for name in _imports(plan))
    source = plan.read_text(encoding="utf-8")
    assert "read_text(" not in source and "open(" not in source


def test_no_module_of_the_package_is_over_450_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): length
        for folder in ("bot", "scheduler", "storage", "plan_data")
        for path in _modules(folder)
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_delivery_does_not_depend_on_the_chat_protocol() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(name for name in _imports(path)
                                            if name.startswith("bot.commands"))
        for path in _modules("bot/delivery")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_plan_data_room_imports_nothing_from_the_bot() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(name for name in _imports(path)
                                            if name.split(".")[0] == "bot")
        for path in _modules("plan_data")
    }
    assert {path: names for path, names in offending.items() if names} == {}
