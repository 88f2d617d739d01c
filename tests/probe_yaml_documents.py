"""Whole front matters for tests/probe_yaml.py: as Jekyll, Hugo, Pelican, Eleventy, WordPress
exports and this project's articles write them, with YAML's rarer constructs, as dumpers (PyYAML,
JSON) write them, edited at random, and wrapped in file bytes (line ends, a BOM)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from datetime import datetime
from typing import Any

import yaml

from tests.probe_yaml_writer import DATES
from tests.probe_yaml_writer import KEYS
from tests.probe_yaml_writer import NUMBERS
from tests.probe_yaml_writer import TITLES
from tests.probe_yaml_writer import URLS
from tests.probe_yaml_writer import WORDS
from tests.probe_yaml_writer import Writer


def _tags(w: Writer) -> list[str]:
    return [
        w.pick(
            ["AI", "Robotics", "python", "C++", "Machine Learning", "日本", "Yes", "no", "2024", "1.0", "on"]
        )
        for _ in range(w.r.randint(0, 5))
    ]


def _sequence(w: Writer, items: list[str], indent: int) -> str:
    """A list of texts as a flow sequence, a block one (indented or not), or a single value."""
    roll = w.r.random()
    if roll < 0.4:
        return " [" + w.pick([", ", ","]).join(w.flow_scalar(i) for i in items) + w.pick(["]", ",]", " ]"])
    if roll < 0.9 and items:
        pad = " " * (indent + w.r.choice([0, 2, 4]))
        return "".join(f"\n{pad}- {w.scalar(indent + 2, i)}" for i in items)
    return " " + (w.scalar(indent, items[0]) if items else "")


def site_document(w: Writer) -> str:
    """Front matter in the shape of one tool's: Jekyll, Hugo, Pelican, Eleventy, WordPress, ours."""
    profile = w.r.randrange(6)
    title, when = w.pick(TITLES), w.pick(DATES)
    fields: list[tuple[str, str]] = [("title", " " + w.scalar(0, title))]
    if profile == 0:  # Jekyll
        fields += [
            ("layout", " post"),
            ("date", " " + w.scalar(0, when)),
            ("categories", _sequence(w, _tags(w), 0)),
            ("tags", _sequence(w, _tags(w), 0)),
            ("permalink", " /:year/:month/:title/"),
            ("published", " " + w.word()),
            ("excerpt_separator", ' "<!--more-->"'),
        ]
    elif profile == 1:  # Hugo
        fields += [
            ("date", " " + w.scalar(0, when)),
            ("lastmod", " " + w.pick(DATES)),
            ("draft", " " + w.word()),
            ("weight", " " + w.number()),
            ("aliases", _sequence(w, ["/old/", "/a:b/"], 0)),
            ("params", "\n  " + w.key() + ": " + w.scalar(2)),
            ("images", _sequence(w, URLS[:3], 0)),
        ]
    elif profile == 2:  # Pelican's YAML metadata
        fields = [
            ("Title", " " + w.scalar(0, title)),
            ("Date", " " + w.pick(DATES)),
            ("Modified", " " + w.pick(DATES)),
            ("Category", " " + w.scalar(0)),
            ("Tags", " " + ", ".join(_tags(w))),
            ("Slug", " " + w.scalar(0)),
            ("Summary", " " + w.block_scalar(0, title)),
            ("Status", " " + w.pick(["draft", "published", "hidden"])),
        ]
    elif profile == 3:  # Eleventy
        fields += [
            ("date", " " + w.pick([when, "Last Modified", "git Created"])),
            ("tags", _sequence(w, _tags(w), 0)),
            (
                "eleventyNavigation",
                w.pick([" {key: Home, order: 1}", "\n  key: " + w.scalar(2) + "\n  order: " + w.number()]),
            ),
            ("eleventyExcludeFromCollections", " " + w.word()),
            ("permalink", " " + w.pick(["false", "/x/index.html", "{{ page.fileSlug }}/"])),
        ]
    elif profile == 4:  # WordPress export (wordpress-export-to-markdown, jekyll-import)
        fields += [
            ("date", " " + w.pick(["'" + when + "'", when, "Tue, 02 Jan 2024 03:04:05 +0000"])),
            ("wp_id", " " + w.number()),
            ("status", " publish"),
            ("type", " post"),
            ("guid", " " + w.scalar(0, "http://example.com/?p=" + w.number())),
            ("categories", "\n- " + w.scalar(2) + "\n- " + w.scalar(2)),
            ("meta", "\n  _edit_last: '1'\n  _thumbnail_id: " + w.number() + "\n  views: " + w.number()),
        ]
    else:  # this project's fields
        fields += [
            ("publishedDateTime", " " + w.scalar(0, when)),
            ("excerpt", " " + w.scalar(0)),
            ("webUrl", " " + w.scalar(0, w.pick(URLS))),
            ("topics", _sequence(w, _tags(w), 0)),
            (
                "provider",
                w.pick(
                    [
                        " {name: Reuters, domain: reuters.com}",
                        "\n  name: "
                        + w.scalar(2)
                        + "\n  domain: "
                        + w.scalar(2, w.pick(["x.org", "a:b", "1.5"])),
                    ]
                ),
            ),
            (
                "images",
                w.pick(
                    [
                        " [{url: https://x.org/a.png, width: " + w.number() + ", height: 9}]",
                        "\n  - url: " + w.scalar(4, w.pick(URLS)) + "\n    width: " + w.number(),
                    ]
                ),
            ),
            (
                "related",
                "\n  - title: " + w.scalar(4) + "\n    webUrl: https://x.org/r\n    date: " + w.pick(DATES),
            ),
            ("published", " " + w.word()),
            ("quality", " " + w.number()),
            ("type", " " + w.scalar(0)),
        ]
    w.r.shuffle(fields)
    lines = [key + w.pick([":", ":", " :"]) + value for key, value in fields[: w.r.randint(1, len(fields))]]
    if w.r.random() < 0.3:
        lines.append(w.mapping(0, 1))
    return "\n".join(lines)


# fmt: off
SPECIAL = [
    "defaults: &d {a: 1, b: 2}\nuse:\n  <<: *d\n  b: 3", "base: &b\n  x: 1\nother:\n  <<: [*b]\n  y: 2",
    "a: &x yes\nb: *x", "- &a 1\n- *a", "a: !!str 017", "a: !!int '17'", "a: !!float 1", "a: !!bool yes",
    "a: !!null ''", "a: !!binary aGVsbG8=", "a: !!timestamp 2024-01-02", "a: !!set {x, y}",
    "a: !!omap [x: 1, y: 2]", "a: !!pairs [x: 1, x: 2]", "a: !custom x", "a: !!int x",
    "a: !!bool maybe", "a: !!timestamp 2024-02-30", 'a: !!float ""',
    "a: !!timestamp 10000-01-01", "related: [x, {title: r}]", "related:\n- x\n- {title: r}", "a: !<tag:yaml.org,2002:str> 5",
    "? a\n: b", "? [a, b]\n: c", "? |\n  block key\n: v", "a: 1\na: 2", "title: x\nTitle: y\ntitle: z",
    "--- text on the line", "a: 1\n...", "a: 1\n...\n# after", "%YAML 1.1\n---\na: 1", "a: 1\n--- \nb: 2",
    "", "# only a comment", "#\n#\n", "\n\n", "- a\n- b", "just a scalar", "'quoted scalar'", "[a, b]",
    "{a: 1}", "a: 1\n b: 2", "a:\n  - b\n c: d", "a: [b, {c: d}, [e]]", "a: {b: [c, {d: e}]}",
    "a: [a: 1, b: 2]", "a: [, b]", "a: {,}", "a: [b,, c]", "a: [b\n# c\n, d]", 'a: {"b": 1}', 'a: {"b":1}',
    "a: ['b':1]", "a: [b]c", "a: [b] # c", "a: [b]#c", "a: 'b'#c", 'a: "b"c', "a: b #c #d",
    "a: |2-\n   x\n  y\n", "a: >+\n\n  x\n\n", "a: |1\n  x", "a: >-\n  x\n\n   y\n  z", "a: |\n\n\n",
    "- |\n x\n- >\n y", "a: 'x\n\n\n  y'", 'a: "x\\\n  y"', 'a: "x \\\n  \\ y"', "a:\n- b\n-   c\n-\n  d",
    "a: b\n\n\n",
]
# fmt: on


def special_document(w: Writer) -> str:
    parts = [w.pick(SPECIAL) for _ in range(w.r.randint(1, 3))]
    if w.r.random() < 0.5:
        parts.insert(w.r.randint(0, len(parts)), site_document(w))
    return "\n".join(parts)


# fmt: off
MUTATIONS = [
    ":", ": ", "-", "- ", "#", " #", "'", '"', "\\", "[", "]", "{", "}", ",", "&a ", "*a", "!", "|", ">",
    "?", "? ", "%", "@", "`", "\n", "\n  ", " ", "  ", "\t", "\r", "\r\n", "\ufeff", "\x85", "\u2028",
    "\u00a0", "0", "1", ".", "e", "_", "x", "o", "y", "---", "...", "<<", "~", "\\u", "\\x", "\\U",
]
# fmt: on


def mutate(w: Writer, text: str) -> str:
    for _ in range(w.r.randint(1, 3)):
        at = w.r.randint(0, len(text))
        roll = w.r.random()
        if roll < 0.5:
            text = text[:at] + w.pick(MUTATIONS) + text[at:]
        elif roll < 0.75:
            text = text[:at] + text[at + w.r.randint(1, 4) :]
        else:
            lines = text.split("\n")
            i = w.r.randrange(len(lines))
            lines.insert(i, w.pick(lines)) if w.r.random() < 0.5 else lines.__setitem__(
                i, " " * w.r.randint(1, 3) + lines[i]
            )
            text = "\n".join(lines)
    return text


def _value(w: Writer, depth: int = 0) -> Any:
    """A Python value for a dumper to write: what front matter holds."""
    roll = w.r.random()
    if roll < 0.5 or depth > 2:
        return w.pick(
            [
                w.pick(TITLES),
                w.pick(URLS),
                w.pick(DATES),
                w.pick(NUMBERS),
                w.pick(WORDS),
                True,
                None,
                3,
                -7,
                1.5,
                1e300,
                float("inf"),
                2**70,
                date(2024, 1, 2),
                datetime(2024, 1, 2, 3, 4, 5, 6),
            ]
        )
    if roll < 0.75:
        return [_value(w, depth + 1) for _ in range(w.r.randint(0, 4))]
    return {w.pick(KEYS): _value(w, depth + 1) for _ in range(w.r.randint(0, 4))}


def dumped_document(w: Writer) -> str:
    """Front matter that a tool wrote: PyYAML's dumper with its options, or JSON (YAML 1.2 is a
    superset of JSON; 1.1 nearly), whole or value by value, as scripts do."""
    data = {w.pick(KEYS): _value(w) for _ in range(w.r.randint(1, 8))}
    roll = w.r.random()
    if roll < 0.6:
        return yaml.safe_dump(
            data,
            default_flow_style=w.pick([None, True, False]),
            allow_unicode=w.r.random() < 0.5,
            width=w.r.randint(10, 200),
            indent=w.r.randint(2, 6),
            sort_keys=w.r.random() < 0.5,
            default_style=w.pick([None, None, '"', "'", "|", ">"]),
        )
    plain = json.loads(json.dumps(data, default=str))
    ascii_only = w.r.random() < 0.6
    if roll < 0.8:
        return json.dumps(plain, ensure_ascii=ascii_only, indent=w.pick([None, 2, 4]))
    return "\n".join(
        f"{json.dumps(k, ensure_ascii=ascii_only)}: {json.dumps(v, ensure_ascii=ascii_only)}"
        for k, v in plain.items()
    )


def random_document(w: Writer) -> str:
    return w.mapping(0, 0)


def mutated_document(w: Writer) -> str:
    make: Callable[[Writer], str] = w.pick([site_document, special_document, random_document])
    return mutate(w, make(w))


def _leaf(w: Writer) -> tuple[str, list[str]]:
    """One value that the two versions may read differently (or a safe one), as lines."""
    roll = w.r.random()
    odd = w.pick([*NUMBERS, *WORDS[:30], "x"])
    if roll < 0.6:
        return "scalar", [odd]
    if roll < 0.75:
        return "scalar", [
            w.pick(["|", ">", "|-", ">+", "|2"]),
            *[f"  {w.pick(['x', odd, ''])}" for _ in range(2)],
        ]
    if roll < 0.9:
        return "scalar", [f"[a, {odd}]" if roll < 0.82 else f"{{k: {odd}}}"]
    return "scalar", [odd, f" {w.pick(['x', odd])}"]  # over two lines


def positioned_document(w: Writer) -> str:
    """One odd value at the end of a random path of mappings and lists, each level written in one
    of the ways YAML allows (compact "- - ", "- key:", the node on the next line after a space or
    a comment), so that a value the scan does not look at shows as a difference."""
    kind, lines = _leaf(w)
    for _ in range(w.r.randint(1, 4)):
        key = w.r.random() < 0.5
        head = f"{w.pick(KEYS)}:" if key else "-"
        compact = kind == "scalar" or (not key and kind in ("seq", "map") and w.r.random() < 0.5)
        if compact and (kind != "scalar" or w.r.random() < 0.5):
            lines = [
                f"{head} {lines[0]}",
                *(" " * (len(head) + 1 if not key else 2) + ln for ln in lines[1:]),
            ]
        else:
            step = w.r.choice([1, 2, 4] if key or kind != "scalar" else [1, 2])
            step = step if step or kind == "seq" else 1
            lines = [head + w.r.choice(["", " ", "  ", " # c", " #"]), *(" " * step + ln for ln in lines)]
            if w.r.random() < 0.2:
                lines.insert(1, w.pick(["", "# c", " " * step + "# c", "  "]))
        sibling = [f"{w.pick(KEYS)}: x"] if key else ["- y"]
        lines = (
            [*sibling, *lines] if w.r.random() < 0.3 else [*lines, *sibling] if w.r.random() < 0.3 else lines
        )
        kind = "map" if key else "seq"
    if kind != "map":
        lines = ["k:", *("  " + ln for ln in lines)]
    return "\n".join(lines)


def _tame(wild: float, make: Callable[[Writer], str]) -> Callable[[Writer], str]:
    def made(w: Writer) -> str:
        w.wild = wild
        return make(w)

    return made


KINDS: dict[str, Callable[[Writer], str]] = {
    "site": _tame(0.3, site_document),
    "site wild": _tame(1.0, site_document),
    "random": _tame(0.4, random_document),
    "random tame": _tame(0.05, lambda w: w.mapping(0, 1)),
    "structure": _tame(0.0, lambda w: w.mapping(0, 1)),
    "positioned": positioned_document,
    "special": special_document,
    "dumped": dumped_document,
    "mutated": _tame(0.3, mutated_document),
}


def file_bytes(w: Writer, front: str) -> bytes:
    """A whole article file around ``front``: line ends, a BOM, trailing spaces, a body."""
    opening, closing = (
        w.pick(["---", "---", "---", "---  ", "----", "---\t"]),
        w.pick(["---", "---", "--- ", "-----"]),
    )
    text = f"{opening}\n{front}\n{closing}\n" + w.pick(
        ["Body.\n", "", "# Heading\n\nPara.", "\n\n---\nmore\n"]
    )
    if w.r.random() < 0.1:
        text = "\n".join(line + w.pick([" ", "  ", "\t"]) for line in text.split("\n"))
    roll = w.r.random()
    if roll < 0.1:
        text = text.replace("\n", "\r\n")
    elif roll < 0.13:
        text = text.replace("\n", "\r")
    elif roll < 0.16:
        text = "".join(c if c != "\n" else w.pick(["\n", "\r\n", "\r"]) for c in text)
    if w.r.random() < 0.05:
        text = "\ufeff" + text
    return text.encode("utf-8", "surrogatepass")
