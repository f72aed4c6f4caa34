"""Read the plan and agency YAML files: the models of scheduler.plan, each error one Vietnamese line
naming the file, the item and the field."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from scheduler.plan import (
    CODE_PATTERN,
    PLAN_CODE_PATTERN,
    PLAN_ERROR,
    PLAN_ID_PATTERN,
    TASK_KEY_PATTERN,
    Directory,
    Plan,
)
from scheduler.yamlfile import BoundedLoader, describe_yaml_error

PLAN_DATA_DIR = Path(__file__).resolve().parent


class PlanError(ValueError):
    """A plan or agency file is invalid; the message names the file, the task and the field."""


def load_directory(path: Path | None = None) -> Directory:
    """Return the agencies of `path` (default: the bundled agencies.yaml). Raise PlanError."""
    path = path if path is not None else PLAN_DATA_DIR / "agencies.yaml"
    raw = _read_yaml(path)
    try:
        return Directory.model_validate(raw)
    except ValidationError as exc:
        raise PlanError(_describe(path, raw, exc)) from None


def load_plan(path: Path, directory: Directory) -> Plan:
    """Return the plan of `path`, its agency codes checked against `directory`. Raise PlanError."""
    raw = _read_yaml(path)
    try:
        return Plan.model_validate(raw, context={"directory": directory})
    except ValidationError as exc:
        raise PlanError(_describe(path, raw, exc)) from None


def bundled_plan_path() -> Path:
    return PLAN_DATA_DIR / "nd32-binh-thuan.yaml"


def load_bundled() -> tuple[Directory, Plan]:
    """Return the bundled directory and plan. Raise PlanError if either is invalid."""
    directory = load_directory()
    return directory, load_plan(bundled_plan_path(), directory)


class _StrictLoader(BoundedLoader):
    """A bounded SafeLoader that leaves dates as text and rejects a key repeated in a mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f'khóa "{key}" bị lặp lại', key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


# PyYAML turns 2024-13-01 into an exception of its own; as text, pydantic reports it by field.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlanError(f"{path}: không tìm thấy tệp") from None
    except UnicodeDecodeError:
        raise PlanError(f"{path}: tệp không phải văn bản UTF-8") from None
    except OSError as exc:
        raise PlanError(f"{path}: không đọc được tệp ({exc.strerror})") from None
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: {describe_yaml_error(exc)}") from None
    if raw is None:
        raise PlanError(f"{path}: tệp rỗng")
    return raw


_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được phép (sai tên trường?)",
    "string_type": "cần một chuỗi văn bản",
    "string_too_short": "không được để trống",
    "string_too_long": "dài quá {max_length} ký tự",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
    "int_type": "cần một số nguyên",
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "tuple_type": "cần một danh sách",
    "list_type": "cần một danh sách",
    "too_short": "cần ít nhất {min_length} mục",
    "model_type": "cần một bảng khóa: giá trị",
    "model_attributes_type": "cần một bảng khóa: giá trị",
    "dict_type": "cần một bảng khóa: giá trị",
    "literal_error": "giá trị không hợp lệ, cần một trong: {expected}",
}

_PATTERN_MESSAGES = {
    CODE_PATTERN: "mã chỉ gồm chữ in hoa không dấu, chữ số và dấu _",
    TASK_KEY_PATTERN: "khóa chỉ gồm chữ không dấu, chữ số, dấu chấm và dấu gạch ngang",
    PLAN_ID_PATTERN: "mã kế hoạch chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang",
    PLAN_CODE_PATTERN: "mã ngắn chỉ gồm chữ in hoa không dấu, chữ số, dấu _ và dấu gạch ngang",
}

# Each list in a file and the field that identifies one of its items to a person.
_ITEMS = {
    "tasks": ("nhiệm vụ", "key"),
    "agencies": ("cơ quan", "code"),
    "groups": ("nhóm", "code"),
}


def _describe(path: Path, raw: object, exc: ValidationError) -> str:
    """Return one Vietnamese line per error: file, item, field, problem."""
    return "\n".join(f"{path}: {_line(raw, error)}" for error in exc.errors())


def _line(raw: object, error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    loc = tuple(error["loc"])
    if error["type"] == PLAN_ERROR:
        return f"{_where(raw, loc + tuple(ctx.get('loc', ())))}{error['msg']}"
    template = _MESSAGES.get(error["type"])
    if error["type"] == "string_pattern_mismatch":
        template = _PATTERN_MESSAGES.get(str(ctx.get("pattern")))
    if template is None:
        message = f"giá trị không hợp lệ ({error['msg']})"
    else:
        values = {
            key: str(value).replace(" or ", ", ").replace("'", "") for key, value in ctx.items()
        }
        message = template.format(**values)
    given = error.get("input")
    if error["type"] != "missing" and isinstance(given, str | int | float | bool):
        message += f': "{given}"'
    return f"{_where(raw, loc)}{message}"


def _where(raw: object, loc: tuple[Any, ...]) -> str:
    """Return 'nhiệm vụ "3", trường "lead": ' for an error location inside `raw`."""
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] in _ITEMS and isinstance(loc[1], int):
        label, id_field = _ITEMS[loc[0]]
        ident = _item_id(raw, loc[0], loc[1], id_field)
        parts.append(f'{label} "{ident}"' if ident else f"{label} thứ {loc[1] + 1}")
        loc = loc[2:]
    field = ".".join(str(part) for part in loc if isinstance(part, str))
    if field:
        parts.append(f'trường "{field}"')
    return ", ".join(parts) + ": " if parts else ""


def _item_id(raw: object, list_field: str, index: int, id_field: str) -> str | None:
    items = raw.get(list_field) if isinstance(raw, Mapping) else None
    if not isinstance(items, list) or index >= len(items):
        return None
    item = items[index]
    ident = item.get(id_field) if isinstance(item, Mapping) else None
    return str(ident) if isinstance(ident, str | int) and str(ident).strip() else None
