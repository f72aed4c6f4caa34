"""The YAML reader of the plan, agency and calendar files: safe, and bounded in depth."""

from __future__ import annotations

from typing import Any

import yaml

# A plan nests five levels (plan, tasks, a task, its lead list); a file nested deeper than this
# is not one of ours, and PyYAML composes nodes recursively: 100,000 levels overflow the stack.
MAX_DEPTH = 50


class BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a document nested deeper than MAX_DEPTH, with its position."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"lồng nhau quá sâu (quá {MAX_DEPTH} cấp)",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def describe_yaml_error(exc: yaml.YAMLError) -> str:
    """Return a one-line Vietnamese description: the line, the column and the problem."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}: " if mark else ""
        return f"{where}lỗi YAML: {exc.problem}"
    return f"lỗi YAML: {exc}"
