"""Scalars and collections written in randomly chosen YAML styles, for tests/probe_yaml.py: the
texts, numbers, dates and words front matter holds, and a ``Writer`` that writes them plain,
quoted (with escapes), folded over lines, as block scalars and in flow collections."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

# fmt: off
TITLES = [
    "Hello, World", "Why I love YAML: a story", "C'est la vie", "Don't panic", "100 days of code",
    "Über Straße", "日本語のタイトル", "Заголовок статьи", "عنوان المقال", "שלום עולם", "Ελληνικά", "हिन्दी समाचार",
    "emoji 🎉🚀", "e\u0301cole combinée", "RTL \u202eevil\u202c", "zero\u200dwidth", "50% off", "#hashtag",
    "@mention", "a: b", "key - value", "C#", "F# and .NET", "Q&A", "<b>bold</b>", "x < y", "R&D",
    "[draft] post", "{templated}", "`code`", "*emphasis*", "!important", "|pipe", ">quote", "~tilde",
    "null", "true", "yes", "No", "on", "OFF", "y", "N", "1.0", "2024", "v1.2.3", "1e10", "0x1F", "1:30",
    "--", "...", "---", "' quoted", '"dq', "back\\slash", "a\u00a0nbsp", "wide\u3000space", "nel\x85char",
    "ls\u2028char", "ps\u2029char", "c1\x9bcontrol", "A title " * 3, "Long " + "word " * 300, "%percent",
    "&amp; entity", "=", "-dash", "?question", ":colon", "Longer " * 2000,
]
URLS = [
    "https://example.com/a?b=c&d=e#frag", "http://x.org/path:with:colons", "https://example.com/#c",
    "https://例え.jp/パス", "https://example.com/a b", "ftp://example.com/x", "//example.com/x",
    "https://example.com/[x]", "https://example.com/{x}", "https://example.com/a,b", "http://[x",
    "http://x.org:99999/a", "http://x.org:8080/a", "https://[::1]:8443/",
]
DATES = [
    "2024-01-02", "2024-1-2", "2024-01-02T03:04:05Z", "2024-01-02t03:04:05z", "2024-01-02T03:04:05.123456Z",
    "2024-01-02T03:04:05.1+05:30", "2024-01-02 03:04:05 +05:30", "2024-01-02 03:04:05",
    "2024-01-02T03:04:05-08", "2024-01-02 3:04:05", "2024-01-02T03:04:05+0530", "2024-02-30", "1899-12-31",
    "10000-01-01", "Tue, 02 Jan 2024 03:04:05 +0000", "01/02/2024", "2024-01-02T03:04",
    "2024-01-02  03:04:05.5 Z", "2024-01-02T03:04:05.123456789+00:00", "0001-01-01",
    "9999-12-31T23:59:59-01:00",
]
NUMBERS = [
    "0", "1", "-1", "+1", "42", "017", "0o17", "0x1F", "0X1f", "0b101", "1_000", "1:30", "190:20:30",
    "1:30.5", "-1:30", "1.5", "1.", ".5", "-.5", "+.5", "1e3", "1.0e+3", "1.0E-3", "6.02e23", "1.5e+3",
    ".inf", "-.Inf", "+.INF", ".NaN", ".nan", "123456789012345678901234567890", "-0", "-0.0", "00", "08",
    "09", "0.0", "1__0", "1,000", "1.2.3", "0o8", "0xG", "1:60", "12:30:00", "3.14159265358979323846",
    "1e400", "1.0e+400", "-1.0e+400", "0.1e-400", "+0x1", "-0b1", "0_7", "._1", "1_", "_1", ".iNf", ".Nan",
    "-.INf", "+.nan", "nan", "inf", "Infinity", "9" * 4400, "1" + "0" * 400, "1.e5", "1_e_5", "0x_1", "1.5_0", "0B1", "0O7", "+.inf",
]
WORDS = [
    "y", "Y", "n", "N", "yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    "true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "~", "null", "Null", "NULL", "nULL", "=",
    "<<", "-", "?", ":", "!", "&", "*", "|", ">", "%", "@", "`", "#",
]
KEYS = [
    "title", "date", "publishedDateTime", "excerpt", "webUrl", "originalUrl", "provider", "topics",
    "images", "related", "published", "quality", "category", "type", "tags", "categories", "layout",
    "permalink", "author", "draft", "slug", "weight", "aliases", "description", "summary", "lastmod",
    "Title", "Date", "Modified", "Status", "wp_id", "post_type", "comment_status", "guid",
    "eleventyNavigation", "eleventyExcludeFromCollections", "params", "x-custom", "with space", "日付",
    "ключ", "ميزة",
]
ODD_KEYS = [
    *NUMBERS[:20], *WORDS[:30], "2024-01-02", "1.5", "~", "? x", "a:b", "a #b", "'q'", '"d"', "[a]",
    "{a: 1}", "k" * 100, "k" * 101, "é" * 100, "a[0]", "a,b", "a#b", "-a", "a-", "0o17", ".Nan", "1e3",
]
ESCAPES = [
    "\\x41", "\\x85", "\\u00e9", "\\U0001F600", "\\N", "\\_", "\\L", "\\P", "\\t", "\\n", '\\"', "\\\\",
    "\\/", "\\0", "\\a", "\\b", "\\e", "\\f", "\\v", "\\r", "\\ ", "\\uD83D\\uDE00", "\\ud800", "\\uDC00",
    "\\U0000D800", "\\x9b", "\\u2028", "\\uFEFF", "\\q", "\\x4", "\\'",
]
#: Texts that both versions read alike as plain scalars (in block context), whatever their style.
PLAIN_TEXTS = [
    "Hello, World", "Don't panic", "Über Straße", "日本語のタイトル", "Заголовок статьи", "عنوان المقال",
    "emoji 🎉🚀", "e\u0301cole", "a]b", "x, y", "a#b", "k:v", "a - b", "it's", 'say "hi"', "50% off",
    "x < y", "R&D", "Q&A", "https://example.com/a?b=c&d=e#frag", "2024-01-02T03:04:05Z", "2024-1-2",
    "2024-01-02 03:04:05 +05:30", "1.5", "42", "-3", "true", "False", "null", "~", "", "v1.2.3", "C++",
    "1st place", "3D", "2nd", "a\u00a0b", "wide\u3000space", "-x", "x -", "trailing:", "0.5", "+1",
]
# fmt: on
#: Texts that read as one plain scalar (in block, and in flow context).
_PLAIN = re.compile(
    r"(?![-?:,\[\]{}#&*!|>'\"%@`](?:[ ]|$))(?![,\[\]{}#&*!|>'\"%@`])(?!.*(?:: | #|:$))[^\n]*\Z", re.S
)
_FLOW_PLAIN = re.compile(r"(?![-?:,\[\]{}#&*!|>'\"%@`])(?!.*(?:: | #|:$|[,\[\]{}]))[^\n]*\Z", re.S)
# fmt: off
STRANGE = [
    "\x85", "\u2028", "\u2029", "\x9b", "\ufeff", "\t", "\u00a0", "\u3000", "\u200f", "\x0b", "\x0c", "\r",
    "\x7f",
]
# fmt: on


class Writer:
    """Writes values and documents in randomly chosen styles."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.wild = 1.0  #: how often scalars are the odd ones (numbers, 1.1 words, indicators)

    def pick(self, items: Sequence[T]) -> T:
        return self.r.choice(items)

    def word(self) -> str:
        return self.pick(WORDS[:24]) if self.r.random() < self.wild else self.pick(["true", "false", "True"])

    def number(self) -> str:
        return self.pick(NUMBERS) if self.r.random() < self.wild else self.pick(["1", "42", "-3", "1.5", "0"])

    def atom(self) -> str:
        """A scalar's text, as a person might mean it."""
        kind = self.r.random()
        if self.r.random() > self.wild:
            return self.pick(PLAIN_TEXTS)
        if kind < 0.35:
            return self.pick(TITLES)
        if kind < 0.5:
            return self.pick(URLS)
        if kind < 0.65:
            return self.pick(DATES)
        if kind < 0.8:
            return self.pick(NUMBERS)
        if kind < 0.95:
            return self.pick(WORDS)
        return "".join(self.pick([*TITLES[:10], *STRANGE, *WORDS]) for _ in range(self.r.randint(1, 4)))

    def scalar(self, indent: int, text: str | None = None) -> str:
        """A scalar written after "key: " or "- " at ``indent``: plain, quoted, multi-line, block."""
        text = self.atom() if text is None else text
        style = self.r.random()
        pad = " " * max(0, indent + self.r.choice([1, 2, 2, 4, 1, 2, 2, 4, -1, 0, -4]))
        if style < 0.45 and (_PLAIN.match(text) or self.r.random() < 0.2):
            return text
        if style < 0.6:
            quoted = text.replace("'", "''")
            if self.r.random() < 0.3 and " " in quoted:
                quoted = quoted.replace(" ", self.r.choice(["\n" + pad, "\n\n" + pad, " \n" + pad]), 1)
            return f"'{quoted}'"
        if style < 0.78:
            return '"' + self.double_quoted(text, pad) + '"'
        if style < 0.86:  # multi-line plain
            words = text.split(" ")
            return self.r.choice(["", " # note\n" + pad]) * (len(words) == 1) + "".join(
                w
                + (self.r.choice(["\n" + pad, "\n\n" + pad, " ", "  \n" + pad]) if i < len(words) - 1 else "")
                for i, w in enumerate(words)
            )
        return self.block_scalar(indent, text)

    def double_quoted(self, text: str, pad: str) -> str:
        out = []
        for char in text:
            roll = self.r.random()
            if char in '"\\':
                out.append("\\" + char)
            elif roll < 0.04:
                out.append(self.pick(ESCAPES if self.r.random() < self.wild else ESCAPES[:12]))
            elif roll < 0.06:
                out.append(
                    f"\\x{ord(char):02x}"
                    if ord(char) < 256
                    else f"\\u{ord(char):04x}"
                    if ord(char) < 65536
                    else f"\\U{ord(char):08x}"
                )
            elif roll < 0.08 and char == " ":
                out.append(self.r.choice(["\\\n" + pad, "\n" + pad, " \\\n" + pad + "\\ ", "\n\n" + pad]))
            else:
                out.append(char)
        return "".join(out)

    def block_scalar(self, indent: int, text: str) -> str:
        indicator = self.pick(["|", ">"])
        chomp = self.pick(["", "", "-", "+"])
        explicit = self.r.random() < 0.25
        step = self.r.randint(1, 4)
        head = indicator + (
            f"{step}{chomp}"
            if explicit and self.r.random() < 0.5
            else chomp + str(step)
            if explicit
            else chomp
        )
        head += self.r.choice(["", "", " # comment", "  "])
        pad = " " * (indent + step)
        lines: list[str] = []
        for _ in range(self.r.randint(1, 4)):
            roll = self.r.random()
            extra = (
                " " * self.r.choice([0, 0, 0, 1, 2])
                if (lines or roll < 0.1) and self.r.random() < self.wild
                else ""
            )
            lines.append(
                pad + extra + (text if roll < 0.7 else self.atom())
                if roll < 0.9
                else self.r.choice(["", pad, " "])
            )
        trail = self.r.choice(["", "\n", "\n\n", "\n" + pad + "\n", "\n" + " " * (indent + step + 2)])
        return head + "\n" + "\n".join(lines) + trail

    def flow(self, depth: int = 0) -> str:
        """A flow collection: nested, with trailing commas, comments, line breaks, quoted keys."""
        mapping = self.r.random() < 0.4
        items = []
        for _ in range(self.r.randint(0, 4)):
            roll = self.r.random()
            node = self.flow(depth + 1) if roll < 0.2 and depth < 3 else self.flow_scalar()
            if mapping or self.r.random() < 0.1:  # [a: 1] is a single-pair mapping
                key = self.flow_scalar(self.pick(KEYS) if self.r.random() < 0.8 else self.pick(ODD_KEYS))
                node = (
                    f"{key}{self.r.choice([': ', ':', ' : ', ':  '])}{node}"
                    if self.r.random() < 0.95
                    else key
                )
            items.append(node)
        seps = [", ", ",", " ,", ",\n  ", "\n  , ", ", # c\n  ", " ,  "]
        body = "".join(item + (self.pick(seps) if i < len(items) - 1 else "") for i, item in enumerate(items))
        if items and self.r.random() < 0.15:
            body += self.r.choice([",", ", ", ",\n"])
        space = self.r.choice(["", "", " ", "\n  ", " # c\n  "])
        return (
            ("{" if mapping else "[")
            + space
            + body
            + self.r.choice(["", "", " ", "\n"])
            + ("}" if mapping else "]")
        )

    def flow_scalar(self, text: str | None = None) -> str:
        text = self.atom() if text is None else text
        roll = self.r.random()
        if roll < 0.55 and (_FLOW_PLAIN.match(text) or self.r.random() < 0.2):
            return text
        if roll < 0.75:
            return "'" + text.replace("'", "''") + "'"
        return '"' + self.double_quoted(text, "  ") + '"'

    def key(self) -> str:
        text = self.pick(ODD_KEYS) if self.r.random() < 0.1 * self.wild else self.pick(KEYS)
        roll = self.r.random()
        if roll < 0.85:
            return text
        if roll < 0.93:
            return "'" + text.replace("'", "''") + "'"
        return '"' + self.double_quoted(text, "") + '"'

    def value(self, indent: int, depth: int) -> str:
        """What follows "key:" (the space included), possibly on the lines below."""
        roll = self.r.random()
        if roll < 0.5 or depth > 3:
            sep = self.r.choice(
                [" ", " ", " ", "  ", "\n" + " " * (indent + 2), " # c\n" + " " * (indent + 2)]
            )
            return sep + self.scalar(indent, None)
        if roll < 0.65:
            return " " + self.flow()
        trail = self.r.choice(["", "", "", " ", "  ", " # c", "#c"]) + "\n"
        if roll < 0.8:
            return trail + self.block_sequence(indent + self.r.choice([0, 2, 2, 4]), depth + 1)
        if roll < 0.95:
            return trail + self.mapping(indent + self.r.choice([1, 2, 2, 4]), depth + 1)
        return self.r.choice([" ", "", " # nothing", " ~", " null", " ''", " []", " {}"])

    def below(self) -> str:
        """The end of a "-" line whose node starts on the next line."""
        return self.r.choice(["", " ", "  ", " # c", "\n", " #"]) + "\n"

    def block_sequence(self, indent: int, depth: int) -> str:
        lines = []
        for _ in range(self.r.randint(1, 4)):
            roll = self.r.random()
            pad = " " * indent
            if roll < 0.45:
                lines.append(f"{pad}- {self.scalar(indent + 2)}")
            elif roll < 0.55:  # the scalar on a line of its own
                lines.append(
                    f"{pad}-{self.below()}{pad}{' ' * self.r.randint(1, 3)}{self.scalar(indent + 2)}"
                )
            elif roll < 0.8 and depth < 4:  # "- key: v" compact mappings, or below the dash
                inner = self.mapping(indent + 2, depth + 1)
                lines.append(
                    f"{pad}- {inner[indent + 2 :]}"
                    if self.r.random() < 0.7
                    else f"{pad}-{self.below()}{inner}"
                )
            elif roll < 0.9:
                lines.append(f"{pad}- {self.flow()}")
            elif depth < 4:
                inner = self.block_sequence(indent + 2, depth + 1)
                lines.append(
                    f"{pad}- {inner[indent + 2 :]}"
                    if self.r.random() < 0.6
                    else f"{pad}-{self.below()}{inner}"
                )
            else:
                lines.append(pad + self.r.choice(["-", "- ", "- # c"]))
        return "\n".join(lines)

    def mapping(self, indent: int, depth: int) -> str:
        lines = []
        for _ in range(self.r.randint(1, 6 if depth else 12)):
            line = (
                " " * indent + self.key() + self.r.choice([":", ":", ":", " :"]) + self.value(indent, depth)
            )
            if self.r.random() < 0.1:
                line += self.r.choice([" # c", "  #c", " #", "#c", " # ü 🎉", "   "])
            lines.append(line)
            if self.r.random() < 0.08:
                lines.append(self.r.choice(["", "# comment", " " * indent + "# c", "  ", "#"]))
        return "\n".join(lines)
