"""YAML front matter: python-frontmatter's handler with a loader that keeps dates as text,
and the mapping of PyYAML's error marks to a line to blame.

PyYAML is the reference, and the slow part of a build: building Python objects costs it about
600 µs for a seed-sized front matter. yaml-rs (Rust) gives the same objects ten times faster for
front matter that means the same in YAML 1.1 (PyYAML) and YAML 1.2 (yaml-rs). The handler uses it
when it can prove that, and falls back to PyYAML otherwise and for every error, so results and
error messages are PyYAML's either way (tests/test_yaml.py checks this over all sample content).
"""

from __future__ import annotations

import re
from typing import Any

import frontmatter
import yaml
import yaml_rs


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader minus implicit timestamps: dates stay text and are parsed by us,
    so that an impossible date becomes a ``path:line`` error instead of a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ReferenceHandler(frontmatter.YAMLHandler):  # type: ignore[misc,name-defined]
    """python-frontmatter's YAML handler with our PyYAML loader."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        return yaml.load(fm, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


class FastHandler(ReferenceHandler):
    """The same results as ``ReferenceHandler``, through yaml-rs where they provably agree."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        data = fast_load(fm)
        return super().load(fm) if data is _DIFFERENT else data


#: Splits and parses front matter (python-frontmatter's handler interface).
FRONT_MATTER = FastHandler()

_DIFFERENT = object()
# Where YAML 1.1 and 1.2 read text differently, and yaml-rs is not asked at all: tags, merge
# keys, complex keys, document markers, and numbers that 1.1 reads otherwise (017 is 15 there,
# 0o17 and 1e3 are text).
_RISKY_TEXT = re.compile(
    r"(?:^|[\s\[{,])(?:![^\s]*\s|<<|\?\s)"
    r"|^(?:---|\.\.\.)(?:\s|$)"
    r"|(?:(?:^|[:-])[ \t]+|[\[,{][ \t]*)"
    r"[-+]?(?:0[0-9_]*[0-9]|0o[0-7_]+|[0-9][0-9_]*(?:\.[0-9_]*)?[eE][0-9]+)[ \t]*"
    r"(?:#.*)?(?:$|[,\]}])",
    re.MULTILINE,
)
#: Characters PyYAML's reader refuses (the loader removes them first; this keeps the promise anyway).
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: PyYAML's own rules for plain scalars that are not text (booleans such as ``yes``, sexagesimal
#: numbers...), by first character: a string yaml-rs returns must match none of them.
_NOT_TEXT = {
    first: [regexp for tag, regexp in resolvers if tag != "tag:yaml.org,2002:str"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


def fast_load(text: str) -> Any:
    """yaml-rs's reading of ``text`` when PyYAML's is provably the same, else ``_DIFFERENT``."""
    if _RISKY_TEXT.search(text) or _UNREADABLE.search(text):
        return _DIFFERENT
    try:
        data = yaml_rs.loads(
            text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins
        )
    except Exception:  # PyYAML will say what is wrong, in its own words and with its line
        return _DIFFERENT
    if data is not None and not isinstance(data, dict):
        return _DIFFERENT
    return data if _same_in_yaml_11(data) else _DIFFERENT


def _same_in_yaml_11(value: Any) -> bool:
    if isinstance(value, str):
        return value == "" or not any(r.match(value) for r in _NOT_TEXT.get(value[0], ()))
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and _same_in_yaml_11(k) and _same_in_yaml_11(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return all(_same_in_yaml_11(item) for item in value)
    return value is None or isinstance(value, (bool, int, float))


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
