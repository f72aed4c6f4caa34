"""Read a reorganisation file (plan_data/reorganisation.yaml): new agencies and dated changes.

An error is a ReorganisationError naming the file, the entry and the field; the bot words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from scheduler.yamlfile import BoundedLoader

PLAN_DATA_DIR = Path(__file__).resolve().parent
ACTIONS = ("succeed", "dissolve", "rename")


@dataclass(frozen=True)
class NewAgency:
    code: str
    name: str
    short_name: str
    kind: str


@dataclass(frozen=True)
class Change:
    action: str  # one of ACTIONS
    code: str
    day: date
    successor: str | None = None  # succeed
    name: str | None = None  # rename
    short_name: str | None = None  # rename


@dataclass(frozen=True)
class Reorganisation:
    agencies: tuple[NewAgency, ...]
    changes: tuple[Change, ...]


class ReorganisationError(ValueError):
    """The file cannot be used: `where` is the entry ("changes[3]") and `field` what is wrong
    (None: the file cannot be read as YAML, `detail` says why)."""

    def __init__(self, path: Path, where: str | None, field: str | None,
                 detail: str = "") -> None:
        super().__init__(f"{path}: {where} {field} {detail}")
        self.path, self.where, self.field, self.detail = path, where, field, detail


def bundled_reorganisation_path() -> Path:
    return PLAN_DATA_DIR / "reorganisation.yaml"


def load_reorganisation(path: Path | None = None) -> Reorganisation:
    """Return the reorganisation of `path` (default: the bundled one). Raise
    ReorganisationError."""
    path = path if path is not None else bundled_reorganisation_path()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=BoundedLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ReorganisationError(path, None, None, str(exc).splitlines()[0]) from None
    if not isinstance(raw, dict):
        raise ReorganisationError(path, None, "changes")
    agencies = tuple(_agency(path, f"agencies[{i}]", item)
                     for i, item in enumerate(_list(path, raw, "agencies")))
    changes = tuple(_change(path, f"changes[{i}]", item)
                    for i, item in enumerate(_list(path, raw, "changes")))
    return Reorganisation(agencies, changes)


def _list(path: Path, raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ReorganisationError(path, key, key)
    return value


def _text(path: Path, where: str, item: dict[str, Any], key: str, *,
          required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ReorganisationError(path, where, key)
    return value.strip()


def _agency(path: Path, where: str, item: Any) -> NewAgency:
    if not isinstance(item, dict):
        raise ReorganisationError(path, where, "code")
    code = _text(path, where, item, "code") or ""
    name = _text(path, where, item, "name") or ""
    return NewAgency(code.upper(), name, _text(path, where, item, "short_name",
                                               required=False) or name,
                     _text(path, where, item, "kind", required=False) or "so")


def _change(path: Path, where: str, item: Any) -> Change:
    if not isinstance(item, dict):
        raise ReorganisationError(path, where, "succeed")
    actions = [action for action in ACTIONS if action in item]
    if len(actions) != 1:
        raise ReorganisationError(path, where, "succeed")
    action = actions[0]
    code = (_text(path, where, item, action) or "").upper()
    day = item.get("from")
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ReorganisationError(path, where, "from")
    if action == "succeed":
        return Change(action, code, day, successor=(_text(path, where, item, "to") or "").upper())
    if action == "rename":
        return Change(action, code, day, name=_text(path, where, item, "name"),
                      short_name=_text(path, where, item, "short_name", required=False))
    return Change(action, code, day)
