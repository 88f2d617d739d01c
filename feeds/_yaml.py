"""YAML front matter: python-frontmatter's handler with a loader that keeps dates as text,
and the mapping of PyYAML's error marks to a line to blame."""

from __future__ import annotations

from typing import Any

import frontmatter
import yaml


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader minus implicit timestamps: dates stay text and are parsed by us,
    so that an impossible date becomes a ``path:line`` error instead of a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Handler(frontmatter.YAMLHandler):  # type: ignore[misc,name-defined]
    """python-frontmatter's YAML handler with our loader."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        return yaml.load(fm, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


#: Splits and parses front matter (python-frontmatter's handler interface).
FRONT_MATTER = _Handler()


def yaml_error(error: yaml.MarkedYAMLError, front: str) -> tuple[int | None, str]:
    """The file line to blame, and the parser's words for what is wrong.

    The front matter text starts right after "---" on line 1, so its line 0 is file line 1. When
    the parser only notices at the end of the front matter (an unclosed bracket or quote), the
    line where the construct started is the useful one.
    """
    problem, context = error.problem_mark, error.context_mark
    last_line = front.rstrip("\n").count("\n")
    mark = context if context is not None and (problem is None or problem.line > last_line) else problem
    line = mark.line + 1 if mark is not None else None
    parts = [error.context, error.problem]
    if context is not None and mark is not context and mark is not None and context.line != mark.line:
        parts[0] = f"{error.context} (from line {context.line + 1})" if error.context else None
    return line, ", ".join(p for p in parts if p) or str(error)
