"""Where things are in front matter text, for messages that name a line: a top-level key, the
items of a block list, the lines of a key; and keys written twice, which YAML readers take the
last of without a word."""

from __future__ import annotations

import re


def written_as(number: int | float, scope: str, front: str = "") -> str | None:
    """``None`` when the key's lines ``scope`` have ``number`` written as Python prints it; else how
    it is printed. YAML 1.1 reads ``12:30`` as 750, ``007`` as 7 and ``1.10`` as 1.1: a text field
    that gets a number can only tell such a change by looking for the number in the text (in all
    the ``front`` matter if it has an alias, ``provider: *p``: the number is at the anchor)."""
    written = re.compile(rf"(?<![\w.:+-]){re.escape(str(number))}(?![\w.:])")
    found = written.search(scope) or (ALIAS.search(front) and written.search(front))
    return None if found else str(number)


#: An alias as YAML writes one: at a line's start, or after a space or a flow collection's "[", "{" or ",".
ALIAS = re.compile(r"(?:^|[\s,\[{])\*[^\s,\[\]{}]", re.MULTILINE)


def key_line(front: str, name: str) -> int | None:
    """The front matter line (0-based) of top-level key ``name`` (a pattern): a line that starts with
    it, else where a flow mapping (``{title: T, quality: high}``) or complex key (``? quality``) has it."""
    found = re.search(rf"^['\"]?{name}['\"]?[ \t]*:", front, re.MULTILINE) or re.search(
        rf"(?:^|[{{,?])[ \t]*['\"]?({name})['\"]?[ \t]*(?::|$)", front, re.MULTILINE
    )
    return None if found is None else front.count("\n", 0, found.start(found.lastindex or 0))


def list_item_scopes(front: str, key: str) -> list[tuple[int, int]]:
    """Front matter line ranges of the items of a top-level block list such as ``related``."""
    lines = front.split("\n")
    start = next((n for n, line in enumerate(lines) if re.match(rf"{key}[ \t]*:", line)), None)
    if start is None:
        return []
    starts: list[int] = []
    end, indent = len(lines), None
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line and not line[0].isspace() and not line.startswith("-"):
            end = number  # the next top-level key
            break
        match = re.match(r"([ \t]*)-([ \t]|$)", line)
        if match and (indent is None or len(match[1]) == indent):
            indent = len(match[1])
            starts.append(number)
    if not starts:  # a flow list (``related: [{...}]``): its items' lines cannot be told
        return []
    return list(zip(starts, [*starts[1:], end], strict=True))


def key_scope(front: str, index: int) -> str:
    """The lines of the key on line ``index`` of the front matter (0-based): its own, and those
    below it that are indented (a block list's items), up to the next key at its level or less."""
    lines = front.split("\n")
    if not 0 <= index < len(lines):
        return front
    level = len(lines[index]) - len(lines[index].lstrip(" -"))
    end = index + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" -")) > level
    ):
        end += 1
    return "\n".join(lines[index:end])


#: A key at the start of a line, as block mappings at the top of front matter are written: plain
#: or quoted (a line of a nested mapping is indented, and a comment or a list item starts otherwise).
_TOP_KEY = re.compile(
    r"""^(?:"([^"\\\n]*)"|'([^'\n]*)'|([^\s#'"?:,\[\]{}&*!|>%@`-][^\n:#]*?))[ \t]*:(?=[ \t\r]|$)""",
    re.MULTILINE,
)


def repeated_keys(front: str, offset: int = 0) -> list[tuple[str, str]]:
    """(key, warning) for each top-level key written at the start of more than one line (the
    front matter's first line is the file's line ``offset + 1``). A read with yaml-rs proves there
    is none: it refuses a key written twice."""
    lines: dict[str, list[int]] = {}
    for match in _TOP_KEY.finditer(front):
        line = offset + front.count("\n", 0, match.start()) + 1
        lines.setdefault(match[1] or match[2] or match[3], []).append(line)
    return [
        (key, f"{key} is written on lines {', '.join(map(str, at))}; only the last is read")
        for key, at in lines.items()
        if len(at) > 1
    ]
