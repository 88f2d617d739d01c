"""Front matter in the styles people write YAML in, for bench/corpus.py.

The corpus draws an article's fields once; this module writes them out. The same fields in any
style load into the same values (``front_matter`` returns what PyYAML must read), so the same seed
gives the same feeds in every style:

- ``block``: the seed's style, block collections and the same quoting as always (its bytes never
  change for a seed);
- ``flow``: flow collections, as people write short lists and inline mappings:
  ``topics: [AI, Robotics]``, ``provider: {name: Reuters, domain: reuters.com}``,
  ``images: [{url: ..., width: 1600}]``, each related item a flow mapping;
- ``mixed``: each file one of those two;
- ``wild``: per file and per field, any of the ways YAML lets one write it: block and flow
  collections (on one line or several, JSON-like with quoted keys), plain, single- and
  double-quoted scalars (some with escapes, some over several lines), multi-line plain scalars,
  folded and literal block scalars with chomping and indentation indicators for excerpts,
  comments, blank lines, indentless sequences, other indentation widths, keys in another order,
  other spellings of dates and booleans (a few files say ``yes``/``no``), CRLF line ends.
"""

from __future__ import annotations

import random
import re
from typing import Any

STYLES = ("block", "flow", "mixed", "wild")
#: Keys whose text values the block and flow styles write double-quoted (the seed's habit).
QUOTED_KEYS = frozenset({"title", "excerpt", "originalUrl", "webUrl", "ampWebUrl", "url", "secured"})
#: Text that a plain scalar would turn into something else (a number, a boolean, null...).
_RESOLVES = re.compile(
    r"(?i:yes|no|on|off|y|n|true|false|null|~)|[-+]?[0-9._:]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?i:inf|nan)|=|<<"
)
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"


def front_matter(fields: dict[str, Any], style: str, rng: random.Random) -> tuple[str, Any, bool]:
    """(the front matter text between the ``---`` lines, what PyYAML reads from it, whether the file
    uses CRLF line ends). ``rng`` draws the style's choices only, never the fields."""
    if style == "mixed":
        style = rng.choice(("block", "flow"))
    if style == "block":
        return block(fields), fields, False
    if style == "flow":
        return flow(fields), fields, False
    if style == "wild":
        return _Wild(rng).document(fields)
    raise ValueError(f"unknown style {style!r} (known: {', '.join(STYLES)})")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (our texts hold no control characters)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(f: dict[str, Any]) -> str:
    """The seed's style, byte for byte what the corpus has always written."""
    topics = "".join(f"  - {topic}\n" for topic in f["topics"])
    related = "".join(_block_related(item) for item in f.get("related", ()))
    return (
        f"category: {f['category']}\n"
        f"title: {quoted(f['title'])}\n"
        f"excerpt: {quoted(f['excerpt'])}\n"
        f"publishedDateTime: {f['publishedDateTime']}\n"
        f'originalUrl: "{f["originalUrl"]}"\n'
        f'webUrl: "{f["webUrl"]}"\n'
        f"type: {f['type']}\n"
        f"quality: {f['quality']}\n"
        f"heat: {f['heat']}\n"
        f"published: {_bool(f['published'])}\n"
        "\n"
        "provider:\n"
        f"  name: {f['provider']['name']}\n"
        f"  domain: {f['provider']['domain']}\n"
        "\n"
        f"topics:\n{topics}\n"
        f"images:\n{_block_images(f['images'], '  ')}\n"
        + (f"related:\n{related}\n" if related else "")
        + f'secured: "{f["secured"]}"\n'
    )


def _block_related(item: dict[str, Any]) -> str:
    amp = f'    ampWebUrl: "{item["ampWebUrl"]}"\n' if "ampWebUrl" in item else ""
    return (
        f"  - title: {quoted(item['title'])}\n"
        f"    excerpt: {quoted(item['excerpt'])}\n"
        f"    publishedDateTime: {item['publishedDateTime']}\n"
        f'    webUrl: "{item["webUrl"]}"\n'
        f"{amp}"
        f"    type: {item['type']}\n"
        "    provider:\n"
        f"      name: {item['provider']['name']}\n"
        f"      domain: {item['provider']['domain']}\n"
        f"    quality: {item['quality']}\n"
        f"    images:\n{_block_images(item['images'], '      ')}"
    )


def _block_images(images: list[dict[str, Any]], indent: str) -> str:
    return "".join(
        f'{indent}- url: "{image["url"]}"\n'
        f"{indent}  width: {image['width']}\n"
        f"{indent}  height: {image['height']}\n"
        f"{indent}  isCached: {_bool(image['isCached'])}\n"
        for image in images
    )


def flow(f: dict[str, Any]) -> str:
    """Flow collections on one line each; related items a block list of flow mappings."""
    lines = []
    for key, value in f.items():
        if key == "related":
            lines.append("related:")
            lines.extend(f"  - {_flow_node(item, key)}" for item in value)
        else:
            if key == "provider":
                lines.append("")
            lines.append(f"{key}: {_flow_node(value, key)}")
    return "\n".join(lines) + "\n"


def _flow_node(value: Any, key: str) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow_node(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow_node(v, key) for v in value) + "]"
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, str) and (key in QUOTED_KEYS or not plain_ok(value, flow=True)):
        return quoted(value)
    return str(value)


def plain_ok(text: str, *, flow: bool) -> bool:
    """Whether ``text`` can be written as a plain scalar (in a flow collection or not) and read back
    as the same text."""
    if not text or text != text.strip() or "\n" in text or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or _RESOLVES.fullmatch(text):
        return False
    return not (flow and any(c in text for c in ",[]{}"))


def _bool(value: bool) -> str:
    return "true" if value else "false"


class _Wild:
    """One file's choices: indentation, comments, line ends; then one choice per field."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.width = rng.choice((2, 2, 2, 3, 4, 4))
        self.indentless = rng.random() < 0.4  # "topics:\n- AI" rather than "topics:\n  - AI"
        self.comments = rng.random() < 0.3
        self.blank_lines = rng.random() < 0.4
        self.words = rng.random() < 0.03  # YAML 1.1 booleans: yes/no, on/off
        self.json = rng.random() < 0.1  # flow mappings written as JSON
        self.crlf = rng.random() < 0.15

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def document(self, fields: dict[str, Any]) -> tuple[str, Any, bool]:
        lines: list[str] = []
        if self.comments and self.chance(0.5):
            lines += ["# Front matter, written by hand", ""]
        body, value, _ = self.mapping(fields, "", top=True)
        return "\n".join(lines + body) + "\n", value, self.crlf

    # Collections: each returns (lines, what they load as).

    def mapping(
        self, fields: dict[str, Any], indent: str, top: bool = False
    ) -> tuple[list[str], dict[str, Any], bool]:
        """The lines, what they load as, and whether the last line ends a block scalar that keeps
        its line breaks (``|+``: a blank line after it, even one a caller adds, is part of it)."""
        items = list(fields.items())
        if self.chance(0.3 if top else 0.15):
            self.rng.shuffle(items)
        lines: list[str] = []
        value: dict[str, Any] = {}
        keep_last = False  # the last entry ended in a block scalar that keeps its line breaks
        scalar_last = False  # ... and that scalar was its value (not in a collection below it)
        for number, (key, item) in enumerate(items):
            # The draws as the corpus has always made them (not after a scalar of this mapping
            # that keeps its breaks), so that the same seed gives the same files; no line at all
            # after one that keeps its breaks, which would read it with one more.
            if number and not scalar_last:
                if self.blank_lines and self.chance(0.3 if top else 0.05) and not keep_last:
                    lines.append("")
                if self.comments and self.chance(0.15 if top else 0.04) and not keep_last:
                    lines.append(f"{indent}# {key}")
            entry, value[key], keep_last = self.entry(key, item, indent)
            scalar_last = keep_last and not (isinstance(item, (dict, list)) and item)
            lines += entry
        return lines, value, keep_last

    def entry(self, key: str, item: Any, indent: str) -> tuple[list[str], Any, bool]:
        name = self.key(key)
        inner = indent + " " * self.width
        if isinstance(item, (dict, list)) and item:
            choice = self.rng.random()
            if choice < 0.5:  # block
                if isinstance(item, dict):
                    lines, value, keeps = self.mapping(item, inner)
                else:
                    lines, value, keeps = self.sequence(item, indent if self.indentless else inner, key)
                return [f"{indent}{name}:", *lines], value, keeps
            text, value = self.flow(item, key, indent, multiline=choice > 0.8)
            first, *rest = text.split("\n")
            return [f"{indent}{name}: {first}{self.comment(0.05)}", *rest], value, False
        if key == "excerpt" and self.chance(0.35):
            return self.block_scalar(name, item, indent)
        text, value = self.scalar(item, key, indent, flow=False)
        first, *rest = text.split("\n")
        end = self.comment(0.06) if not rest else ""
        return [f"{indent}{name}: {first}{end}", *rest], value, False

    def sequence(self, items: list[Any], indent: str, key: str) -> tuple[list[str], list[Any], bool]:
        """Like ``mapping``: the lines, what they load as, whether the last line ends a ``|+``."""
        lines: list[str] = []
        values = []
        keeps = False
        pad = " " * self.rng.choice((1, 1, 1, self.width - 1 or 1))
        for number, item in enumerate(items):
            if number and self.comments and self.chance(0.05) and not keeps:
                lines.append(f"{indent}# item {number + 1}")
            keeps = False
            if isinstance(item, dict):
                choice = self.rng.random()
                if choice < 0.7:
                    inner, value, keeps = self.mapping(item, indent + " " + pad)
                    first = inner[0][len(indent) + 1 + len(pad) :]
                    lines += [f"{indent}-{pad}{first}", *inner[1:]]
                else:
                    text, value = self.flow(item, key, indent, multiline=choice > 0.9)
                    first, *rest = text.split("\n")
                    lines += [f"{indent}-{pad}{first}", *rest]
            else:
                text, value = self.scalar(item, key, indent + " " + pad, flow=False, single_line=True)
                lines.append(f"{indent}-{pad}{text}{self.comment(0.03)}")
            values.append(value)
        return lines, values, keeps

    def flow(self, item: Any, key: str, indent: str, multiline: bool) -> tuple[str, Any]:
        """A flow collection; ``multiline`` puts each entry on a line of its own."""
        json = self.json and isinstance(item, dict)
        spaced = self.chance(0.1)
        opening, closing = ("{", "}") if isinstance(item, dict) else ("[", "]")
        parts: list[str] = []
        values: Any = {} if isinstance(item, dict) else []
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for name, entry in pairs:
            text, value = self.flow_value(entry, name if isinstance(name, str) else key, json)
            if isinstance(item, dict):
                parts.append(f"{quoted(name) if json else self.key(name, flow=True)}: {text}")
                values[name] = value
            else:
                parts.append(text)
                values.append(value)
        trailing = "," if self.chance(0.05) else ""
        if multiline:
            inner = indent + " " * self.width
            body = ",\n".join(inner + part for part in parts)
            return f"{opening}\n{body}{trailing}\n{indent}{closing}", values
        separator = ", " if not self.chance(0.05) else ","
        pad = " " if spaced else ""
        return f"{opening}{pad}{separator.join(parts)}{trailing}{pad}{closing}", values

    def flow_value(self, item: Any, key: str, json: bool) -> tuple[str, Any]:
        if isinstance(item, (dict, list)):
            return self.flow(item, key, "", multiline=False)
        if json and isinstance(item, str):
            return quoted(item), item
        return self.scalar(item, key, "", flow=True)

    # Scalars: each returns (text, what it loads as).

    def key(self, name: str, flow: bool = False) -> str:
        draw = self.rng.random()
        if draw < 0.02:
            return f"'{name}'"
        if draw < 0.04:
            return quoted(name)
        return name

    def comment(self, p: float) -> str:
        return "  # note" if self.comments and self.chance(p) else ""

    def scalar(
        self, item: Any, key: str, indent: str, flow: bool, single_line: bool = False
    ) -> tuple[str, Any]:
        if isinstance(item, bool):
            if self.words:
                return self.rng.choice(("yes", "Yes", "on") if item else ("no", "No", "off")), item
            return self.rng.choice(("true", "True", "TRUE") if item else ("false", "False", "FALSE")), item
        if isinstance(item, int):
            return str(item), item
        if key == "publishedDateTime":
            item = self.date(item)
        inner = indent + " " * self.width
        draw = self.rng.random()
        plain = plain_ok(item, flow=flow)
        if plain and draw < 0.45:
            if not flow and not single_line and item.count(" ") >= 6 and self.chance(0.3):
                return self.folded_lines(item, inner, ""), item
            return item, item
        if draw < 0.65:
            text = "'" + item.replace("'", "''") + "'"
            if not flow and not single_line and item.count(" ") >= 6 and self.chance(0.2):
                return self.folded_lines(item, inner, "'"), item
            return text, item
        if not flow and not single_line and item.count(" ") >= 6 and self.chance(0.2):
            return self.folded_lines(item, inner, '"'), item
        return self.double_quoted(item), item

    def double_quoted(self, text: str) -> str:
        if not self.chance(0.3):
            return quoted(text)
        out = []
        for char in text:
            code = ord(char)
            if char in '"\\':
                out.append("\\" + char)
            elif code > 0x7F and self.chance(0.7):
                out.append(
                    f"\\x{code:02x}"
                    if code <= 0xFF
                    else f"\\u{code:04x}"
                    if code <= 0xFFFF
                    else f"\\U{code:08x}"
                )
            else:
                out.append(char)
        return '"' + "".join(out) + '"'

    def folded_lines(self, text: str, inner: str, quote: str) -> str:
        """``text`` over several lines (plain, or quoted with ``quote``): each line break folds
        into the space it replaced."""
        words = text.split(" ")
        if quote == "'":
            words = [word.replace("'", "''") for word in words]
        elif quote == '"':
            words = [word.replace("\\", "\\\\").replace('"', '\\"') for word in words]
        lines: list[list[str]] = [[]]
        for word in words:
            # A line may not start with what would end the scalar or start a comment.
            if lines[-1] and len(lines[-1]) >= 4 and (word[0].isalnum() or quote) and self.chance(0.4):
                lines.append([])
            lines[-1].append(word)
        first, *rest = (" ".join(line) for line in lines)
        return quote + first + "".join(f"\n{inner}{line}" for line in rest) + quote

    def block_scalar(self, name: str, text: str, indent: str) -> tuple[list[str], Any, bool]:
        """An excerpt as a folded (>) or literal (|) block scalar, with a chomping indicator and,
        sometimes, an indentation indicator."""
        folded = self.chance(0.6)
        chomp = self.rng.choice(("", "-", "-", "+"))
        explicit = indent == "" and self.chance(0.2)
        width = 2 if explicit else self.width
        header = (">" if folded else "|") + (f"{width}" if explicit else "") + chomp
        inner = indent + " " * width
        words = text.split(" ")
        lines: list[list[str]] = [[]]
        for word in words:
            if lines[-1] and len(lines[-1]) >= 5 and self.chance(0.3):
                lines.append([])
            lines[-1].append(word)
        rows = [" ".join(line) for line in lines]
        value = (" " if folded else "\n").join(rows) + ("" if chomp == "-" else "\n")
        comment = "  # excerpt" if self.comments and self.chance(0.2) else ""
        return [f"{indent}{name}: {header}{comment}", *(inner + row for row in rows)], value, chomp == "+"

    def date(self, text: str) -> str:
        """The same instant, spelt another way sometimes."""
        draw = self.rng.random()
        if draw < 0.15:
            return text[:-1] + "+00:00"
        if draw < 0.25:
            return text.replace("T", " ")
        if draw < 0.3:
            return text[:-1] + ".000Z"
        return text
