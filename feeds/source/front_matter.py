"""YAML front matter: python-frontmatter's handler with a loader that keeps dates as text,
and the mapping of PyYAML's error marks to a line to blame.

PyYAML is the reference, and the slow part of a build: building Python objects costs it about
600 µs for a seed-sized front matter. yaml-rs (Rust) gives the same objects ten times faster for
front matter that means the same in YAML 1.1 (PyYAML) and YAML 1.2 (yaml-rs). The handler uses it
when it can prove that, and falls back to PyYAML otherwise and for every error, so results and
error messages are PyYAML's either way (tests/test_yaml.py checks this over all sample content).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import frontmatter
import yaml
import yaml_rs

from feeds.source.yaml_agree import block_scalar_agrees
from feeds.source.yaml_agree import flow_pattern


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader minus implicit timestamps: dates stay text and are parsed by us
    (every timestamp PyYAML reads, as PyYAML reads it: ``dates.parse_iso_date``), so that an
    impossible date becomes a ``path:line`` error instead of a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _checked(kind: str, construct: Any) -> Any:
    """PyYAML's constructor of ``kind``, whose failures on a value it cannot make (``!!int x``,
    ``!!bool maybe``, ``!!timestamp 2024-02-30``, an integer of more digits than Python converts)
    are YAML errors with the value's line, instead of the ValueError, KeyError, IndexError or
    AttributeError they escape as (which ended the build)."""

    def constructor(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            value = construct(loader, node)
            if (
                value.__class__ is int
                and value.bit_length() >= _MAX_INT_BITS
                and abs(value) >= _TOO_MANY_DIGITS
            ):
                raise ValueError(f"more than {MAX_DIGITS:,} digits, which Python does not print")
            return value
        except (ValueError, KeyError, IndexError, AttributeError, OverflowError) as e:  # "1:59:59:…:59.5"
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            reason = f": {str(e).split(';')[0]}" if isinstance(e, (ValueError, OverflowError)) else ""
            problem = f"cannot read {shown!r} as {kind}{reason}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    return constructor


#: Python prints whole numbers of at most this many digits (``sys.int_info.default_max_str_digits``,
#: since 3.11): the decimal form of a longer one raised ValueError wherever it was shown.
MAX_DIGITS = 4300
#: The least number of more than ``MAX_DIGITS`` digits, and its bits: a hexadecimal or base-60
#: number is short in the text and long in digits. (A rounded bound of bits, nine short, turned
#: down numbers of 4,299 and 4,300 digits, which Python prints.)
_TOO_MANY_DIGITS = 10**MAX_DIGITS
_MAX_INT_BITS = _TOO_MANY_DIGITS.bit_length()


_KINDS = {"int": "an integer", "float": "a number", "bool": "a boolean", "timestamp": "a date"}
for _name, _kind in _KINDS.items():
    _tag = f"tag:yaml.org,2002:{_name}"
    _Loader.add_constructor(_tag, _checked(_kind, _Loader.yaml_constructors[_tag]))


class ReferenceHandler(frontmatter.YAMLHandler):  # type: ignore[misc,name-defined]
    """python-frontmatter's YAML handler with our PyYAML loader."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        return yaml.load(fm, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


class FastHandler(ReferenceHandler):
    """The same results as ``ReferenceHandler``, through yaml-rs where they provably agree.

    For text without the control characters PyYAML's reader refuses; the loader removes them
    (``text.xml_safe``) before any YAML is read.
    """

    def load(self, fm: str, **kwargs: Any) -> Any:
        return self.read(fm)[0]

    def read(self, fm: str) -> tuple[Any, bool]:
        """The data, and whether PyYAML read it (as it does whenever a key is written twice)."""
        data = fast_load(fm)
        return (super().load(fm), True) if data is _DIFFERENT else (data, False)

    def split(self, text: str) -> tuple[str, str]:
        """python-frontmatter's split, which runs its boundary pattern at every character, run
        only where a line starts with "---" (the pattern's ``^`` allows no other place)."""
        boundary = self.FM_BOUNDARY
        opening = boundary.match(text)
        if opening is None:
            return super().split(text)  # type: ignore[no-any-return]
        start = opening.end()
        candidate = text.find("\n---", start)
        while candidate >= 0:
            closing = boundary.match(text, candidate + 1)
            if closing is not None:
                return text[start : closing.start()], text[closing.end() :]
            candidate = text.find("\n---", candidate + 2)
        raise ValueError("front matter is not closed")


#: Splits and parses front matter (python-frontmatter's handler interface).
FRONT_MATTER = FastHandler()

_DIFFERENT = object()
#: "\u" escapes of high surrogates (D800-DBFF), which yaml-rs pairs with a low one that follows.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")
#: Plain scalars that YAML 1.1 (PyYAML) and the 1.2 core schema both read as the same value.
#: Integers of up to 100 digits: Python refuses to convert longer ones from text past a limit
#: (4,300 digits by default, and settable), which PyYAML meets and yaml-rs does not.
_SAME_IN_BOTH = re.compile(
    r"[-+]?(?:0|[1-9][0-9]{0,99})(?:\.[0-9]*(?:[eE][-+][0-9]+)?)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
#: Number-like plain scalars: a number in one version (or in yaml-rs, which takes 1_000, _1 and
#: 0b101, and .inf and .nan in any case: .iNf, -.INf, .Nan) may be text or another number in the
#: other (017, 0o17, 1e3, -.5, 1:30).
_NUMBER_START = frozenset("+-.0123456789_")
_NUMBER_LIKE = re.compile(
    r"[-+]?[_0-9.][_0-9a-fA-FoOxX.]*(?:[eE][-+]?[0-9_]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[-+]?\.(?:[iI][nN][fF]|[nN][aA][nN])"
)
#: Words that are booleans (or PyYAML's "value" tag) in YAML 1.1 and text in 1.2; true, false,
#: null and ~ mean the same in both.
_WORDS_11 = frozenset("yes Yes YES no No NO on On ON off Off OFF =".split())
_WORD = "yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|="


@functools.cache
def _flow() -> re.Pattern[str]:
    """A flow collection that both versions read alike (yaml_agree.py says which); compiled when
    first needed: it takes 15 ms, and a build that reads no flow collection never needs it."""
    return re.compile(flow_pattern(_SAME_IN_BOTH.pattern, _NUMBER_LIKE.pattern, _WORD))


#: What may follow a flow collection: the end of its line (a comment after a space), or the next
#: entry or the end of the collection it is in.
_AFTER_FLOW = re.compile(r" *(?:[,\]}\n]|$)| +#")
#: Values (after "key:" or "- ") worth a closer look: plain scalars made only of the characters
#: numbers are written with, and the letters of inf and nan (up to a comment or the end of the
#: line), that are not plainly the same number in both, the YAML 1.1 words, block scalars and flow
#: collections (groups 2 and 3: checked by yaml_agree.py), and starts we do not reason about (tags,
#: anchors and aliases, empty keys, complex keys, directives, reserved characters: 1.1 refuses an
#: anchor defined twice, which 1.2 allows). Dates, URLs, words and quoted values never match; a
#: piece of a multi-line value may, which only sends the file to PyYAML. A "-" alone is no value
#: but the next level's "- ": taken as one, its match swallowed the value below a "- - " line.
_END = r"[ \t]*(?:#|\n|$)"
_SUSPECT = (
    rf"(?:(?!(?:{_SAME_IN_BOTH.pattern}|-){_END})([-+.0-9_][-+_0-9a-fA-FoOxX.:iInN]*){_END}"
    rf"|(?:{_WORD}){_END}|([|>])|([\[{{])|[!?%@`<&*:])"
)
#: The first characters a suspect value can start with: looking for one first lets the engine
#: leave most values (quoted text, words) at once, which took a third off the scan's time.
_SUSPECT_START = r"(?=[-+.0-9_\[{!?%@`<&*|>:=yYnNoO])"
#: A value on a line of its own, below a "key:" or "-" that ends its line (after blank or comment
#: lines, if any): looked for ahead, so that a match never swallows the next line's own start.
#: Over ``_SKIPPED`` such lines the text goes to PyYAML (the match has no group): looking past
#: every one of them from every line that ends in ":" or "-" was quadratic (20,000 lines of "#:"
#: in 60 KB took 40 s; an outside probe).
_SKIPPED = 20
_SKIP = r"[ \t]*(?:#[^\n]*)?\n"
_BELOW = rf"(?=(?:{_SKIP}){{0,{_SKIPPED}}}[ \t]*{_SUSPECT_START}{_SUSPECT}|(?:{_SKIP}){{{_SKIPPED + 1}}})"
#: The regex engine finds a literal start far faster than a character class, so values after ": "
#: and "- " have a pattern each, and so do line ends after ":" or "-" (found from the line break,
#: then looked behind). A comment after ": " or "- " is group 7, below whose line ``_values_agree``
#: looks once (read here to its end from each ": " in it, 100 KB of ": #" took 23 s: a probe).
_SUSPECT_PATTERNS = (
    *(re.compile(rf"{start}[ \t]*(?:{_SUSPECT_START}{_SUSPECT}|\n{_BELOW}|(#))") for start in (": ", "- ")),
    re.compile(rf"\n(?<=[:-]\n){_BELOW}"),
)
_COMMENT, _BELOW_AT = 7, re.compile(_BELOW)
#: Line starts we do not reason about: complex and empty keys, flow collections outside the
#: grammar (inside one, a line may start with its next entry), anchors and aliases, document
#: markers, directives.
_UNUSUAL_LINE = re.compile(r"\n[ \t]*(?:\?[ \t]|([\[{])|[!%@`&*:]|---|\.\.\.)")
_UNUSUAL_START = frozenset("?[{!%@`&*:")  # the same for the first line, with "---" and "..."


#: How far right a line of front matter may start its content. Block collections nest by
#: indentation, and "- ", "? " and ": " open one more level each on the same line, so a line
#: nested n levels deep starts at least n / 2 - 1 columns in. 128 columns allow what front matter
#: needs (64 levels of "- " on one line, or 128 columns of indentation) and keep every reader far
#: below the depth where yaml-rs overflows its stack (about 11,000 levels in the main thread, and
#: fewer in a thread with a smaller stack) and Python's recursion limit (``_keys_agree``, PyYAML
#: without libyaml). Flow collections ([ and {) are limited by the readers themselves: yaml-rs
#: refuses more than 256 levels, libyaml more than 1,000.
MAX_INDENT = 128
_LEVEL = r"(?:[ \t]|[-?:](?=[ \t\n]|$))"
_TOO_DEEP_FIRST = re.compile(rf"{_LEVEL}{{{MAX_INDENT + 1}}}")
_TOO_DEEP = re.compile(rf"\n{_LEVEL}{{{MAX_INDENT + 1}}}")
#: What every line too deep starts with, found faster (6 µs for a front matter of 2 KB, against
#: 15 for ``_TOO_DEEP``): the exact pattern runs only where this one matches.
_MAYBE_TOO_DEEP = re.compile(rf"\n[ \t?:-]{{{MAX_INDENT + 1}}}")


def too_deep(text: str) -> int | None:
    """The 0-based line of ``text`` (front matter) whose content starts past ``MAX_INDENT``, if any.

    Checked before any YAML reader sees the text: a block sequence nested 12,000 deep on one line
    (24 KB) crashes yaml-rs.
    """
    if len(text) <= MAX_INDENT:
        return None
    if _TOO_DEEP_FIRST.match(text):
        return 0
    if _MAYBE_TOO_DEEP.search(text) is None:
        return None
    match = _TOO_DEEP.search(text)
    return None if match is None else text.count("\n", 0, match.start() + 1)


def fast_load(text: str) -> Any:
    """yaml-rs's reading of ``text`` when PyYAML's is provably the same, else ``_DIFFERENT``."""
    # Single characters first: the search for one is much faster than for a pair. A tab goes to
    # PyYAML wherever it is: YAML 1.2 lets tabs separate more than 1.1 does, at line starts and
    # after "-" and ":", and front matter seldom has one. So do NEL, LS and PS (line breaks in 1.1
    # only) and a byte order mark (1.1 skips one at the start and refuses one elsewhere). So does
    # "\/" (an escape in 1.2 only) and a high surrogate's "\u" escape: yaml-rs joins a JSON-style
    # pair ("\uD83D\uDE00") into one character, where PyYAML refuses each half.
    if "\t" in text or ("<" in text and "<<" in text):
        return _DIFFERENT
    if "\\" in text and ("\\/" in text or _SURROGATE_ESCAPE.search(text) is not None):
        return _DIFFERENT
    if "\x85" in text or "\u2028" in text or "\u2029" in text or "\ufeff" in text or "\r" in text:
        return _DIFFERENT
    flows: list[int] = []  # where flow collections start, as values or lines
    if not _values_agree(text, flows):
        return _DIFFERENT
    first = text.lstrip(" \t")[:3]
    if first[:1] in _UNUSUAL_START or first in ("---", "...") or not _lines_agree(text, flows):
        return _DIFFERENT
    if flows and not _flows_agree(text, flows):
        return _DIFFERENT
    try:
        # A duplicate key goes to PyYAML (which keeps the last value): the value it replaces could
        # hide from _keys_agree a key that PyYAML refuses (``top: {[]: y}`` then ``top: z``).
        data = yaml_rs.loads(
            text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error
        )
    except Exception:  # PyYAML will say what is wrong, in its own words and with its line
        return _DIFFERENT
    if data is None:
        return None
    return data if isinstance(data, dict) and _keys_agree(data) else _DIFFERENT


def _values_agree(text: str, flows: list[int]) -> bool:
    """Whether every plain value that could be a number or a boolean means the same in both, and
    every block scalar is one that both read alike; adds where flow collections start to
    ``flows``."""
    for pattern in _SUSPECT_PATTERNS:
        looked = -1  # the end of the last line whose comment was looked below
        for match in pattern.finditer(text):
            if match.lastindex == _COMMENT:
                if match.start() < looked:
                    continue
                looked = text.find("\n", match.end()) % (len(text) + 1)  # -1: the text's end
                value = _BELOW_AT.match(text, looked + 1)
                if value is None:
                    continue
                match = value
            if not _suspect_agrees(text, match, flows):
                return False
    return True


def _suspect_agrees(text: str, match: re.Match[str], flows: list[int]) -> bool:
    """Whether a suspect value reads alike (_SUSPECT's 3 groups, then 3 below); adds flows to ``flows``."""
    group = match.lastindex
    if group is None:
        return False  # a 1.1 word or a start we do not reason about
    kind = (group - 1) % 3
    if kind == 0:
        return not _NUMBER_LIKE.fullmatch(match[group])
    if kind == 1:
        return block_scalar_agrees(text, match.start(group))
    flows.append(match.start(group))
    return True


def _lines_agree(text: str, flows: list[int]) -> bool:
    """Whether no line starts with something we do not reason about; adds where flow collections
    start a line (a value below its key, or the next entry of a collection) to ``flows``."""
    for match in _UNUSUAL_LINE.finditer(text):
        if match[1] is None:
            return False
        flows.append(match.start(1))
    return True


def _flows_agree(text: str, flows: list[int]) -> bool:
    """Whether every flow collection that starts at one of ``flows`` is in the grammar both
    versions read alike, and followed by the end of its line or of the collection it is in: not
    used as a key (PyYAML refuses a collection as a key).

    One that starts inside another that agrees was checked with it, as one of its nodes: quoted
    scalars in the grammar end on their line and plain ones hold no bracket, so even where the
    outer one was not a flow collection after all (text in a block scalar), each line after its
    first is read as entries, and a collection on it as a node.
    """
    end = -1
    flow_at = _flow().match
    for at in sorted(flows):
        if at < end:
            continue
        flow = flow_at(text, at)
        if flow is None or _AFTER_FLOW.match(text, flow.end()) is None:
            return False
        end = flow.end()
    return True


#: Keys already found to agree. Front matter repeats the same few keys in every file, so one set
#: comparison (in C) clears most mappings' keys; the checks below ran 18,000 times per 2,000 files.
_AGREED_KEYS: set[str] = set()


def _keys_agree(mapping: dict[Any, Any]) -> bool:
    """Keys are text in both versions unless they look like numbers or 1.1 words. Keys over 100
    characters go to PyYAML too: it refuses implicit keys of 1,024 characters or more, which 100
    characters never are, even written with escapes."""
    if not mapping.keys() <= _AGREED_KEYS:
        for key in mapping:
            if key.__class__ is not str or key in _WORDS_11 or len(key) > 100:
                return False
            if key[:1] in _NUMBER_START and _NUMBER_LIKE.fullmatch(key):
                return False
        if len(_AGREED_KEYS) < 10_000:  # bounded, whatever the content
            _AGREED_KEYS.update(mapping)
    for value in mapping.values():
        if value.__class__ is dict:
            if not _keys_agree(value):
                return False
        elif value.__class__ is list and not _items_agree(value):
            return False
    return True


def _items_agree(items: list[Any]) -> bool:
    """The keys of the mappings in a list agree, however deep (``- - 017: x``)."""
    for item in items:
        if item.__class__ is dict:
            if not _keys_agree(item):
                return False
        elif item.__class__ is list and not _items_agree(item):
            return False
    return True


def alias_lines(front: str) -> list[int]:
    """The line (0-based) of each alias in ``front``, as the loader's parser (libyaml) finds them:
    a "*" in a quoted text is none. Events only: nothing is built, nor merged. [] for text it
    cannot read (the reader will say why)."""
    try:
        aliases = [event for event in yaml.parse(front, Loader=_Loader) if isinstance(event, yaml.AliasEvent)]
        return [event.start_mark.line if event.start_mark else 0 for event in aliases]
    except yaml.YAMLError:
        return []


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
    message = ", ".join(p for p in parts if p) or str(error)
    pair = _SURROGATE_PAIR.search(front) if "escape" in message else None
    if pair is not None:  # json.dumps writes an emoji so by default
        high, low = int(pair[1], 16), int(pair[2], 16)
        code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        how = f"write \\U{code:08X} or the character"
        message += f" ({pair[0]} is how JSON writes one character, not YAML: {how})"
    return line, message


#: A UTF-16 surrogate pair written as JSON escapes it: "\ud83d\ude42" (🙂).
_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)
