"""Where things are in front matter text, for messages that name a line: a top-level key, the
items of a block list, the lines of a key; and keys written twice, which YAML readers take the
last of without a word."""

from __future__ import annotations

import functools
import itertools
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


def key_scope(front: str, index: int, lines: list[str] | None = None) -> str:
    """The lines of the key on line ``index`` of the front matter (0-based): its own, and those
    below it that are indented (a block list's items), up to the next key at its level or less
    (``lines``: the front matter's, when they are at hand)."""
    lines = front.split("\n") if lines is None else lines
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
#: A plain key ends at its last character other than a space or a tab: found lazily, with the
#: spaces after it tried from each of its characters, a line of 10,000 spaces took 0.3 s.
_TOP_KEY = re.compile(
    r"""^(?:"([^"\\\n]*)"|'([^'\n]*)'|([^\s#'"?:,\[\]{}&*!|>%@`-](?:[^\n:#]*[^ \t\n:#])?))"""
    r"""[ \t]*:(?=[ \t\r]|$)""",
    re.MULTILINE,
)


def repeated_keys(front: str, offset: int = 0) -> list[tuple[str, str]]:
    """(key, warning) for each top-level key written at the start of more than one line (the
    front matter's first line is the file's line ``offset + 1``). A read with yaml-rs proves there
    is none: it refuses a key written twice."""
    lines: dict[str, list[int]] = {}
    line, counted = offset + 1, 0  # lines counted up to each key, not from the start (quadratic)
    for match in _TOP_KEY.finditer(front):
        line += front.count("\n", counted, match.start())
        counted = match.start()
        lines.setdefault(match[1] or match[2] or match[3], []).append(line)
    return [(key, _written_on(key, at)) for key, at in lines.items() if len(at) > 1]


def _written_on(key: str, lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
    return f"{key} is written on lines {shown}; only the last is read"


class FrontLines:
    """The lines of one file's keys, for its messages: the file's line of a top-level key, of a key
    of a nested mapping, or of one inside an item of ``related``. What each message looks for is
    found once: a file of 55,000 images that each had a warning split and searched its whole
    front matter for each (quadratic: two minutes)."""

    def __init__(self, front: str, offset: int) -> None:
        self.front = front
        self.offset = offset  #: file lines before the front matter's first
        self._top: dict[str, int | None] = {}
        self._related: list[tuple[int, int]] | None = None

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.front.split("\n")  # when a message needs them: most files have none

    def line_of(self, key: str, related_number: int | None) -> int | None:
        """File line of ``key``: a top-level one, or one inside related item ``related_number``."""
        name = re.escape(key.rsplit(".", 1)[-1])
        lines = self.lines
        scope = self.related_scope(related_number)
        if scope is None and related_number is not None:
            name = "related"  # an item of a flow list: its own lines cannot be told, the list's can
        elif scope is None and "." in key:  # provider.name: its line below provider's, else that one
            parent = self.line_of(key.split(".", 1)[0], None)
            below = range(parent - self.offset, len(lines)) if parent is not None else range(0)
            nested = re.compile(rf"[ \t]+['\"]?{name}['\"]?[ \t]*:")
            for number in itertools.takewhile(lambda n: lines[n][:1] in ("", " ", "\t", "#"), below):
                if nested.match(lines[number]):
                    return number + self.offset + 1
            return parent
        if scope is None:
            if name not in self._top:
                self._top[name] = key_line(self.front, name)
            found = self._top[name]
        else:
            pattern = re.compile(rf"[ \t]*(-[ \t]+)?['\"]?{name}['\"]?[ \t]*:")
            found = next((n for n in range(*scope) if pattern.match(lines[n])), scope[0])
        return None if found is None else found + self.offset + 1

    def related_scope(self, related_number: int | None) -> tuple[int, int] | None:
        """Front matter line range of related item ``related_number`` (1-based), if it can be told."""
        if related_number is None:
            return None
        if self._related is None:
            self._related = list_item_scopes(self.front, "related")
        return self._related[related_number - 1] if related_number <= len(self._related) else None

    def scope(self, line: int | None) -> str:
        """The text of the key on file line ``line`` (``key_scope``); all of it for None."""
        return self.front if line is None else key_scope(self.front, line - self.offset - 1, self.lines)
