"""Flow collections and block scalars that YAML 1.1 (PyYAML) and 1.2 (yaml-rs) read alike.

``front_matter.fast_load`` sends front matter to PyYAML unless it can tell that both versions give
the same result. This module widens what it can tell, by accepting only a restricted grammar of
each construct and sending everything else to PyYAML:

- a flow collection (``[a, b]``, ``{name: x, domain: y}``, nested up to ``FLOW_DEPTH`` deep, over
  several lines) whose entries are plain scalars, quoted scalars on one line or flow collections,
  each with or without a scalar key before it, separated by commas (a trailing one allowed), with
  comments only after a space or a line break, each to the end of its line (read as ending
  anywhere, a comment's "]" or ", yes" was taken for entries, which hid the lines below from the
  check, and a collection of commented-out entries was tried in exponentially many ways: an
  outside probe), followed by the end of its line or of the
  collection it is in. Plain scalars may not start with an indicator (``-`` only before text),
  contain ": ", " #" or a flow indicator, or be numbers or YAML 1.1 words that the two versions
  resolve differently (``017``, ``1e3``, ``12:30``, ``yes``). A key is followed, on its line, by
  ":" and a space or a line break. Left out, because the versions differ or we do not reason about
  them: ":x" and "?x" (errors in 1.1), "{a:}", "[a:]" and "a:?b" (errors in 1.1), an implicit key over two
  lines (an error in 1.1), JSON-like "{"a":b}", quoted scalars over several lines, and
  collections as keys (``front_matter`` refuses non-text keys, keys over 100 characters, which
  stay under 1.1's limit of 1,024, and duplicate keys);
- a block scalar (``|``, ``>``, with a chomping indicator, and an indentation indicator after
  "key: ") whose first line holds text, whose lines hold text at exactly its indentation or
  nothing at all (no more-indented or blank-but-spaced lines) and end in a line break, indented
  deeper than its key, and that ends at a less indented line with text or at the end of the text.
  (A last line without its line break is one in 1.2 and none in 1.1.)

tests/test_yaml.py and ``python -m tests.fuzz_yaml`` compare the result with PyYAML's over
generated front matter of every style of the benchmark's corpus, flow collections and block
scalars made at random at the edges of this grammar, and adversarial shapes.
"""

from __future__ import annotations

import re

#: Nesting that the flow pattern follows: a related item's images ([{...: [{...}]}]) take four.
FLOW_DEPTH = 6
#: Separation inside a flow collection: spaces, line breaks, and comments after either, each
#: running to the end of its line.
_SPACE = r"[ \n]*(?:(?<=[ \n])#[^\n]*(?![^\n])[ \n]*)*"
_PLAIN_FIRST = r"(?:[^-?:,\[\]{}#&*!|>'\"%@` \n]|-(?=[^ \n,\[\]{}#]))"
#: The rest of a plain scalar, as runs of ordinary characters: a colon only before more text, spaces
#: only before more text (not a comment). Written so that the engine never has two ways to match
#: the same characters, which would make a failing match slow.
_RUN = r"[^,\[\]{}\n: ]*"
_PLAIN_REST = rf"{_RUN}(?:(?::(?=[^ ,\[\]{{}}\n?])| +(?=[^ ,\[\]{{}}\n:#])){_RUN})*"
_SINGLE = r"'[^'\n]*(?:''[^'\n]*)*'"
_DOUBLE = r"\"[^\"\\\n]*(?:\\[^\n][^\"\\\n]*)*\""
#: The first characters of plain scalars that the versions may resolve differently.
_DIFFER_START = "-+.0-9_=yYnNoO"


def flow_pattern(same: str, number_like: str, word: str, depth: int = FLOW_DEPTH) -> str:
    """A regular expression for a flow collection that both versions read alike: ``same`` matches
    plain numbers they read as the same value, ``number_like`` plain numbers they may not, and
    ``word`` plain words that only 1.1 resolves (booleans).

    Sequences and mappings share one shape, an entry being a node with or without a scalar key
    before it, so that the pattern grows with the depth rather than doubling at each level. What
    the shape lets through beyond plain sequences and mappings (``[a: b]``, ``{a, b}``) both
    versions read alike too; a bracket closed by the other kind (``[a}``) is an error in both, and
    a collection as a key (``{[a]}``) becomes a key that ``front_matter`` refuses.
    """
    end = r"(?=[ ,\]}\n]|:[ \n]|$)"
    differ = rf"(?=[{_DIFFER_START}])(?:(?!(?:{same}){end})(?:{number_like}){end}|(?:{word}){end})"
    scalar = rf"(?:(?!{differ}){_PLAIN_FIRST}{_PLAIN_REST}|{_SINGLE}|{_DOUBLE})"
    collection = ""
    for _ in range(depth):
        node = rf"(?:{scalar}|{collection})" if collection else scalar
        # Keys stay under 1,024 characters from start to ":", PyYAML's limit for implicit keys
        # (front_matter refuses keys over 100 characters, which no escapes make 1,024 long).
        entry = rf"(?:{scalar} {{0,8}}:(?=[ \n]){_SPACE})?{node}"
        collection = rf"[\[{{]{_SPACE}(?:{entry}{_SPACE}(?:,{_SPACE}|(?=[\]}}])))*[\]}}]"
    return collection


_HEADER = re.compile(r"[|>](?:[-+]?([1-9])?|([1-9])[-+]) *(?: #[^\n]*)?\n")
#: Where the node of a line starts: after its indentation and any "- " of block sequences.
_NODE_COLUMN = re.compile(r"(?: *-(?= ))* *")
_FIRST_LINE = re.compile(r"( +)[^ \n][^\n]*\n")
_LINES: dict[int, re.Pattern[str]] = {}
_LEADING = re.compile(r" *")


def block_scalar_agrees(text: str, at: int) -> bool:
    """Whether the block scalar whose indicator (| or >) is at ``at``, the value of a key or of a
    list item, is one both versions read alike (see the module's notes)."""
    header = _HEADER.match(text, at)
    if header is None:
        return False
    line_start = text.rfind("\n", 0, at) + 1
    if not text[line_start:at].rstrip(" ").endswith((":", "-")):
        return False  # the indicator must follow "key:" or "-" on its line
    column = _NODE_COLUMN.match(text, line_start).end() - line_start  # type: ignore[union-attr]
    first = _FIRST_LINE.match(text, header.end())
    if first is None:
        return False
    indent = len(first[1])
    explicit = header[1] or header[2]
    if explicit:
        # After a key only: there, both versions count the indentation from the key's column.
        if text[at - 2 : at] != ": " or indent != column + int(explicit):
            return False
    elif indent <= column:
        return False
    lines = _LINES.get(indent)
    if lines is None:
        lines = _LINES[indent] = re.compile(rf"(?: {{{indent}}}[^ \n][^\n]*\n|\n)*")
    end = lines.match(text, first.end()).end()  # type: ignore[union-attr]
    if end == len(text):
        return True
    after = _LEADING.match(text, end).end()  # type: ignore[union-attr]
    return after - end < indent and after < len(text) and text[after] != "\n"
