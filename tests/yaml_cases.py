"""YAML cases the fast front-matter path is compared on, shared by tests/test_yaml.py and
tests/fuzz_yaml.py: the sample files, generators of YAML-like text, and PyYAML as the reference."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from feeds.source.front_matter import FRONT_MATTER
from feeds.source.front_matter import ReferenceHandler
from feeds.text import xml_safe
from tests.helpers import ROOT

REFERENCE = ReferenceHandler()
SAMPLES = sorted((ROOT / "content").glob("*")) + sorted((ROOT / "tests" / "data" / "load").glob("*"))


def front_matter(path: Path) -> str | None:
    text = xml_safe(path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n"))  # as the loader does
    if not text.startswith("---"):
        return None
    try:
        front, _ = FRONT_MATTER.split(text)
    except ValueError:
        return None
    return str(front)


def same(ours: Any, theirs: Any) -> bool:
    """Equal, counting NaN as equal to NaN (``quality: .nan``)."""
    return bool(ours == theirs or repr(ours) == repr(theirs))


def reference(text: str) -> Any:
    try:
        return REFERENCE.load(text)
    except Exception as e:
        return type(e)


def bench_module(name: str) -> Any:
    """A module of bench/ (corpus, styles), imported as the bench scripts import each other."""
    folder = str(ROOT / "bench")
    if folder not in sys.path:
        sys.path.append(folder)
    return importlib.import_module(name)


def generated_corpus(folder: Path, count: int, style: str = "block", seed: int = 7) -> list[Path]:
    """Articles from bench/corpus.py, the benchmark's realistic generator, in one of its styles of
    front matter (checked against PyYAML as they are written)."""
    bench_module("corpus").generate(count, folder, seed=seed, style=style, check=True)
    return sorted(p for p in folder.rglob("*") if p.is_file())


#: Scalars that YAML 1.1 and 1.2 may read differently, and a few that they read the same; then
#: pieces that mean something else in a flow collection, and characters that are line breaks or a
#: byte order mark in YAML 1.1 only.
SCALARS = [
    "yes", "No", "ON", "off", "y", "true", "False", "null", "NULL", "~", "0", "-1", "+1", "017", "08",
    "0o17", "0x1F", "0b101", "1_000", "_1", "1e3", "1.5e3", "1.5e+3", "1.", ".5", "-.5", "12:30",
    "1:30.5", ".inf", "-.Inf", ".nan", "nan", "2021-02-16", "2021-02-16T03:47:00Z", "=", "<<",
    "a b", "x", "'yes'", '"017"', "[1, 017]", "{a: 1e3}", "!!str 5", "&a 1", "*a", "39 # note",
    "a:b", ":x", "-x", "x?", "?x", "a,b", "[a]", "{a: b}", "a #b", "a#b", "'q'", "'it''s'", '"q\\""',
    "|", ">", "x: y", "@x", "%x", "`x", "", "https://x.org/a?b=1#f", "a\u2028b", "a\x85b", "\ufeffa",
    "- x", "[]", "{}", "[a, 017]", "{yes: no}", '"a\\/b"', "a  b", "é ü", "東京",
]  # fmt: skip

#: Where those scalars go: block and flow collections, block scalars, comments, and values over
#: several lines, as the corpus styles write them (bench/styles.py) and as people get them wrong.
SHAPES = [
    # block
    "{k}: {v}", "top:\n  {k}: {v}", "top:\n  - {v}", "top:\n  - {k}: {v}\n    title: t",
    "{k}:\n  - {v}\n  - {v}", "- {k}: {v}", "{k}: {v} {v}", "{k}:   {v}  # c", "{k}: {v}\n  {v}",
    "{k}: {v}\n{k}: {v}", "top:\n  {k}: {v}\n  {k}:\n    - {v}", "{k}:\n  {v}", "{k}: '{v}'",
    "top:\n- {v}\n- {k}: {v}", "top:\n  -   {k}: {v}\n      {k}: {v}", "top:\n  - - {k}: {v}",
    # flow
    "{k}: [{v}, {v}]", "{k}: {{{k}: {v}, {k}: {v}}}", "{k}: [{{{k}: {v}}}, {v}]", "- [{v}, {v}]",
    "{k}: [\n  {v},\n  {v}\n]", "{k}: {{\n  {k}: {v},\n  {k}: [{v}]\n}}", "{k}: [{v},{v},]",
    "{k}: [ {v} ]  # c", "{k}:\n  [{v}]", "{k}: [{v}\n  , {v}]", "{k}: [{v},\n{v}]",
    "top:\n  - {{{k}: {v},\n     {k}: [{{{k}: {v}}}]}}", '{k}: {{"{k}": {v}, "{k}": "{v}"}}',
    "{k}: [{v} # c\n  , {v}]", "{k}: {{{k}: {{{k}: [{v}, [{v}]]}}}}", "{k}: [{v}]: {v}",
    "[{v}, {v}]", "{{{k}: {v}}}", "# c\n{{{k}: {v}}}", "{k}: [{v}\n  {v}]", "{k}: {{{k}\n  {v}: {v}}}",
    "{k}: {{{k}, {k}: {v}}}", "{k}: [{k}: {v}, {v}]", "{k}: {{{k}:{v}}}", '{k}: {{"{k}":{v}}}',
    # block scalars
    "{k}: |\n  {v}\n", "{k}: >-\n  {v}\n  {v}\n", "{k}: |+\n  {v}\n\n", "{k}: >2\n   {v}\n",
    "{k}: |\n  {v}\n\n  {v}\n", "top:\n  {k}: >\n    {v}\n  {k}: {v}", "- |\n  {v}",
    "{k}: >-  # c\n  {v}\n# c\n{k}: {v}", "{k}: |-\n  {v}\n   {v}\n", "{k}: >\n\n  {v}\n",
    "top:\n  - {k}: |\n      {v}\n    {k}: {v}", "{k}: >+\n  {v}\n\n{k}: {v}", "{k}: |1-\n  {v}",
    "{k}: >\n  {v}\n \n  {v}", "{k}: |\n  {v}\n {v}",
    # comments, blank lines, quoted values over several lines
    "# {v}\n{k}: {v}  # {v}", "{k}: {v}\n\n# c\n\n{k}: {v}", '{k}: "{v}\n  {v}"', "{k}: '{v}\n\n  {v}'",
    "{k}: {v}\n  # c\n  {v}", "{k}: {v}\n   {v}\n  {v}",
]  # fmt: skip


def shaped_yaml() -> st.SearchStrategy[str]:
    """Front matter made of the shapes, with the scalars as keys and values."""
    field = st.tuples(st.sampled_from(SCALARS), st.sampled_from(SCALARS), st.sampled_from(SHAPES))
    return st.lists(field, min_size=1, max_size=5).map(
        lambda fields: "\n".join(shape.format(k=k, v=v) for k, v, shape in fields) + "\n"
    )


STYLES = ("block", "flow", "mixed", "wild")


def styled_front_matter() -> st.SearchStrategy[tuple[str, Any]]:
    """One generated article's front matter in one of the corpus styles (line ends as the loader
    leaves them), with what PyYAML reads from it."""

    def made(seed: int, style: str) -> tuple[str, Any]:
        text, expected = bench_module("corpus").sample_front_matter(seed, style)
        return text.replace("\r\n", "\n"), expected

    return st.builds(made, st.integers(0, 2**32), st.sampled_from(STYLES))


#: Characters and pieces that YAML gives meaning to, for text that is nearly YAML.
YAML_CHARACTERS = " \n\n\n\t-:::?[]{}!&*|>'\"#%@`,.0123456789abeynoONtrufslTF~=<\\xé_+\u2028\x85\ufeff\r"
YAML_PIECES = [
    "a: ", "b: ", "- ", "  ", "    ", "\n", "yes", "1", "0", "e3", ".", ":", '"', "'", "#", "x", "\\",
    "|", ">", "&a ", "*a", "!!str ", "[", "]", "{", "}", ", ", "? ", "---", "...", "\t", "~", "null",
    "true", "1_0", "0o1", "0x1", ",", ": [", ": {", "\n  ", "|-", ">+", "|2", " # c\n", "\n- ", "a",
]  # fmt: skip


#: Pieces of flow collections: plain and quoted scalars, keys, separators with spaces, line breaks
#: and comments (each mostly of the kinds the fast path takes, sometimes tricky), and places to put
#: a collection.
FLOW_SCALARS = (
    ["a", "b c", "x:y", "https://x.org/a?b=1#f", "-x", "1600", "-1", "~", "null", "true", "x?", "x!",
     "2021-02-16T03:47:00+00:00", "'q'", "'it''s'", '"d"', '"e\\u00e9"', '""', "''", "a#b", "é", "東京",
     "a  b", "=x", "0", "1.5", ".inf", "yes!", "+1"],
    ["017", "1e3", "yes", "on", "Off", "12:30", ":x", "?x", "x:", "@x", "!x", "&a x", "*a", "|", ">",
     "-", '"a\\/b"', "'multi\n  line'", '"multi\n  line"', "a\n  b", "%", "[", "]", "=", "0o7", "-.5",
     "a #b", "'", '"\\q"', "x: y", "- x", "1_0", "a:?b", "a -", "-"],
)  # fmt: skip
FLOW_KEYS = (
    ["k", "url", "a b", "'k'", '"k"', "width", "x-y"],
    [
        "017",
        "yes",
        "x:y",
        "",
        "? k",
        "[k]",
        "{k: v}",
        "k\n ",
        "1e3",
        "true",
        "~",
        "k" * 1030,
        "'" + "k" * 1030 + "'",
    ],
)
FLOW_SEPARATORS = (
    [", ", ",", " , ", ",\n  ", "\n  , ", ", # c\n  ", ",\n\n  "],
    # comments holding flow indicators, words and numbers, which must not be read as entries
    [",,", " ", ",\n", ",# c\n  ", ", # a, b]\n  ", " # ], yes\n  , ", ", # {x: 017}\n  "],
)
FLOW_COLONS = ([": ", " : ", ":\n  ", ": # c\n  "], [":", ":#c\n ", "\n: "])
FLOW_PLACES = (
    ["a: {f}\n", "a:\n  {f}\n", "- {f}\n", "top:\n  - {f}\n  - x\n", "a: {f}  # c\n", "a: {f}\nb: 1\n",
     "top:\n  a: {f}\n  b: {f}\n", "top:\n  - {f}\n", "top:\n- {f}\n"],
    ["{f}: x\n", "a: {f}\n  more\n", "a: {f}\n  - x\n", "a: {f}x\n", "a:\n{f}\n", "a: {f}#c\n", "{f}\n"],
)  # fmt: skip


def _mostly(draw: st.DrawFn, pieces: tuple[list[str], list[str]]) -> str:
    """One of the usual pieces, or (one time in twenty) one of the tricky ones."""
    return draw(st.sampled_from(pieces[1] if draw(st.integers(0, 19)) == 0 else pieces[0]))


def flow_yaml() -> st.SearchStrategy[str]:
    """Flow collections made at random from those pieces, nested, in block front matter."""

    @st.composite
    def collection(draw: st.DrawFn, depth: int = 0) -> str:
        entries = []
        mapping = draw(st.booleans())
        for _ in range(draw(st.integers(0, 4))):
            if depth < 6 and draw(st.integers(0, 3)) == 0:
                value = draw(collection(depth + 1))
            else:
                value = _mostly(draw, FLOW_SCALARS)
            if mapping and draw(st.integers(0, 9)) or not mapping and draw(st.integers(0, 9)) == 0:
                value = f"{_mostly(draw, FLOW_KEYS)}{_mostly(draw, FLOW_COLONS)}{value}"
            entries.append(value)
        separators = [_mostly(draw, FLOW_SEPARATORS) for _ in entries]
        body = "".join(entry + separator for entry, separator in zip(entries, separators, strict=True))
        if entries and draw(st.integers(0, 3)):
            body = body[: -len(separators[-1])]  # most have no trailing separator
        opening, closing = ("{", "}") if mapping else ("[", "]")
        if draw(st.integers(0, 19)) == 0:
            closing = "}" if closing == "]" else "]"
        pad = draw(st.sampled_from(["", "", " ", "\n  "]))
        return f"{opening}{pad}{body}{'' if pad == '' else pad if pad == ' ' else chr(10)}{closing}"

    @st.composite
    def placed(draw: st.DrawFn) -> str:
        return "".join(
            _mostly(draw, FLOW_PLACES).format(f=draw(collection())) for _ in range(draw(st.integers(1, 2)))
        )

    return placed()


#: Block scalars: headers, lines (mostly at the scalar's indentation, sometimes not, blank or
#: spaces only), and places, mostly of the kinds the fast path takes.
BLOCK_HEADERS = (
    ["|", ">", "|-", ">-", "|+", ">+", "| # c", ">-  # c", "|2", ">2-", "|4+"],
    ["|9", "|#c", "|  ", ">1", "|-2-", "|0", ">+-", "| x"],
)
BLOCK_LINES = (
    ["x", "two words", "# not a comment", "a: b", "017", "yes", "'q'", "- item", "é 東京", "x  y"],
    ["[a", "{b", "---", "...", "\t", "  more indented"],
)
BLOCK_PLACES = (
    ["a: {h}\n{b}", "top:\n  a: {h}\n{b}", "- {h}\n{b}", "a:\n  - b: {h}\n{b}", "a: {h}\n{b}b: 1\n",
     "top:\n  a: {h}\n{b}  c: 2\n", "- {h}\n{b}- z\n", "a: {h}\n{b}# c\nb: 1\n", "top:\n  - {h}\n{b}",
     "top:\n  -   b: {h}\n{b}    c: 2\n", "a: {h}\n{b}\n"],
    ["a:\n  {h}\n{b}", "a: {h}\n{b}  - x\n", "a: {h}\n{b}...\n"],
)  # fmt: skip


def block_scalar_yaml() -> st.SearchStrategy[str]:
    """Block scalars made at random, in block front matter."""

    @st.composite
    def made(draw: st.DrawFn) -> str:
        indent = " " * draw(st.sampled_from([1, 2, 4, 4, 5, 6, 6, 8]))
        lines = []
        for _ in range(draw(st.integers(0, 5))):
            if draw(st.integers(0, 5)) == 0:
                lines.append(_mostly(draw, ([""], [" ", indent + " ", indent[:-1]])))
            elif draw(st.integers(0, 19)) == 0:
                lines.append(" " * draw(st.integers(0, 9)) + _mostly(draw, BLOCK_LINES))
            else:
                lines.append(indent + _mostly(draw, BLOCK_LINES))
        ending = draw(st.sampled_from(["\n", "\n", "\n", "\n\n", ""]))
        body = "\n".join(lines) + ending if lines else ""
        return _mostly(draw, BLOCK_PLACES).format(h=_mostly(draw, BLOCK_HEADERS), b=body)

    return made()
