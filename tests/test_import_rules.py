"""The rooms import downward only (scheduler is pure, storage knows nothing of the bot), and
bot/ words nothing outside bot/texts."""

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


# Every word a user or an operator reads lives in bot/texts. Outside it, bot/ may hold a
# Vietnamese literal only when it is vocabulary the bot reads (input), not words it writes.
VIETNAMESE_LETTERS = frozenset(
    "àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ")
PARSE_VOCABULARY = {
    # The console session's exit command, matched against what the person types.
    ("bot/channels/console/inbound.py", "/thoát"),
}


def vietnamese_literals(path: Path) -> list[tuple[int, str]]:
    """Return (line, value) of each string constant of `path` with a Vietnamese letter.

    Docstrings (the first statement of a module, class or function) are left out; the parts
    of an f-string are constants too, so a sentence written in an f-string is found.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings and VIETNAMESE_LETTERS & set(node.value.lower())
    ]


def test_no_module_of_bot_outside_bot_texts_holds_a_vietnamese_string() -> None:
    texts = ROOT / "bot" / "texts"
    offending = sorted(
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in (ROOT / "bot").rglob("*.py")
        if texts not in path.parents
        for line, value in vietnamese_literals(path)
        if (path.relative_to(ROOT).as_posix(), value) not in PARSE_VOCABULARY)
    assert offending == []


def test_the_vietnamese_string_check_finds_a_sentence_and_skips_a_docstring(
    tmp_path: Path,
) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Mô-đun."""\n\n\ndef f(n: int) -> str:\n    """Trả lời."""\n'
                      '    return f"Còn {n} việc" + "ok"\n', encoding="utf-8")
    assert sorted(vietnamese_literals(sample)) == [(6, " việc"), (6, "Còn ")]


def test_each_allowed_vietnamese_string_is_still_there() -> None:
    present = {
        (file, value)
        for file, value in PARSE_VOCABULARY
        if value in {found for _, found in vietnamese_literals(ROOT / file)}}
    assert present == PARSE_VOCABULARY
