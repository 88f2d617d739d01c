"""An independent differential probe of the fast front-matter path: front matter as people and
other tools write it (Jekyll, Hugo, Pelican, Eleventy, WordPress exports, this project's own
fields), in every YAML 1.1 spelling, compared at two levels:

- ``fast_load(text)`` against PyYAML's reading with the project's loader (``_Loader``: CSafeLoader
  with dates kept as text), types and key order included; ``_DIFFERENT`` means "not handled";
- the whole ``parse_article`` of the same file bytes with the fast path on and forced off: the same
  Article and warnings, or the same ContentError (message and line).

The front matter comes from tests/probe_yaml_documents.py and tests/probe_yaml_writer.py, written
apart from tests/yaml_cases.py and bench/styles.py (nothing is imported from them), so that they
do not share those generators' blind spots. ``python -m tests.probe_yaml [CASES] [SEED]`` runs it
(one process; default 2,000 cases) and prints each difference, minimised.
"""

from __future__ import annotations

import functools
import math
import random
import sys
from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import timezone
from typing import Any

import frontmatter
import yaml

from feeds.errors import ContentError
from feeds.source import front_matter
from feeds.source.parse import parse_article
from tests.probe_yaml_documents import KINDS
from tests.probe_yaml_documents import file_bytes
from tests.probe_yaml_writer import Writer

_FAST_LOAD = front_matter.fast_load
_DIFFERENT = front_matter._DIFFERENT


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down, the same key order, and NaN equal to NaN."""
    if a.__class__ is not b.__class__:
        return False
    if isinstance(a, dict):
        return list(map(repr, a)) == list(map(repr, b)) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def reference(text: str) -> tuple[str, Any]:
    try:
        return "ok", yaml.load(text, Loader=front_matter._Loader)  # noqa: S506 - a SafeLoader
    except Exception as e:  # noqa: BLE001 - any failure is a result to compare
        return "error", f"{type(e).__name__}: {e}"


def load_difference(text: str) -> str | None:
    """Level (a): what ``fast_load`` gets wrong about ``text``, if anything."""
    try:
        fast = _FAST_LOAD(text)
    except Exception as e:  # noqa: BLE001 - a crash is a difference
        return f"fast_load raised {type(e).__name__}: {e}"
    if fast is _DIFFERENT:
        return None
    kind, expected = reference(text)
    if kind != "ok":
        return f"fast_load gave {_shown(fast)}; PyYAML: {expected}"
    return None if same(fast, expected) else f"fast_load gave {_shown(fast)}; PyYAML: {expected!r}"


def _shown(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:  # an integer of more digits than Python converts to text
        return f"<{type(value).__name__} with an integer too long to show>"


def _like_pyyaml(value: Any, timestamped: Any) -> bool:
    """Whether ``value`` (our loader's) is CSafeLoader's ``timestamped`` with dates as text."""
    if isinstance(timestamped, date):
        return isinstance(value, str) or same(value, timestamped)
    if isinstance(timestamped, dict):
        return (
            isinstance(value, dict)
            and len(value) == len(timestamped)
            and all(_like_pyyaml(a, b) for a, b in zip(value.items(), timestamped.items(), strict=True))
        )
    if isinstance(timestamped, (list, tuple)):
        return (
            isinstance(value, (list, tuple))
            and len(value) == len(timestamped)
            and all(map(_like_pyyaml, value, timestamped))
        )
    return same(value, timestamped)


_DATE_ERRORS = ("ValueError: ", "OverflowError: ")


def loader_difference(text: str) -> str | None:
    """Our loader against plain CSafeLoader: only dates (kept as text) and the errors that escape
    PyYAML's constructors (a YAML error with a line to us) may differ, by design."""
    ours = reference(text)
    try:
        plain = "ok", yaml.load(text, Loader=yaml.CSafeLoader)
    except Exception as e:  # noqa: BLE001
        plain = "error", f"{type(e).__name__}: {e}"
    if repr(ours) == repr(plain):  # repr: aliases can make a list that holds itself
        return None
    # By design, a date PyYAML reads (or cannot: 2024-02-30) is text to us, so a date key can
    # also become the same key as a quoted one ({"2024-01-02", 2024-01-02}: one key, not two).
    dated = plain[0] == "error" and plain[1].startswith(_DATE_ERRORS)
    if ours[0] == "error" and ours[1].startswith("ConstructorError: cannot read ") and plain[0] == "error":
        return f"by design: {plain[1]:.200}"  # what escaped PyYAML's constructors, with a line
    try:
        alike = ours[0] == plain[0] == "ok" and (_like_pyyaml(ours[1], plain[1]) or _date_key(plain[1]))
    except RecursionError:  # a list that holds itself, and a date in it
        alike = "datetime." in repr(plain)
    if dated or alike:
        return "by design: " + repr(plain)[:200]
    return f"ours {ours!r}; CSafeLoader {plain!r}"


def _date_key(value: Any) -> bool:
    """Whether a mapping in ``value`` has a date as a key."""
    if isinstance(value, dict):
        return any(isinstance(k, date) or _date_key(v) for k, v in value.items())
    return isinstance(value, list) and any(map(_date_key, value))


def date_difference(data: bytes) -> str | None:
    """The article's date against the date or time plain CSafeLoader makes of the same field."""
    try:
        fields = yaml.load(front_matter.FRONT_MATTER.split(data.decode())[0], Loader=yaml.CSafeLoader)
    except Exception:  # noqa: BLE001 - only dates PyYAML reads are compared
        return None
    if not isinstance(fields, dict):
        return None
    key = "date" if fields.get("publishedDateTime") in (None, "") else "publishedDateTime"
    value = fields.get(key)
    if not isinstance(value, date):
        return None
    try:
        article, _ = parse_article(data, "probe.md", 0.0)
    except Exception as e:  # noqa: BLE001 - crashes are the article level's to report
        if not isinstance(e, ContentError):
            return None
        # Feeds carry the years 1900-9999 only (RSS): a date outside them is an error by design.
        if not e.message.startswith(key) or "outside the years" in e.message:
            return None
        return f"error {e.message!r}; PyYAML {value!r}"
    expected = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    expected = expected if expected.tzinfo else expected.replace(tzinfo=timezone.utc)
    return None if article.published == expected else f"article {article.published}; PyYAML {value!r}"


def _never_fast(text: str) -> Any:
    return _DIFFERENT


def article_outcome(data: bytes) -> tuple[Any, ...]:
    try:
        article, problems = parse_article(data, "probe.md", 1_000_000_000 * 10**9)
    except ContentError as e:
        return "error", e.line, e.message
    except Exception as e:  # noqa: BLE001 - a crash is an outcome, and a difference of its own
        return "crash", f"{type(e).__name__}: {e}"
    return "ok", article, [(p.line, p.message) for p in problems]


def article_difference(data: bytes) -> str | None:
    """Level (b): the whole parse with the fast path on and forced off."""
    fast = article_outcome(data)
    front_matter.fast_load = _never_fast
    try:
        slow = article_outcome(data)
    finally:
        front_matter.fast_load = _FAST_LOAD
    if "crash" in (fast[0], slow[0]):  # a bad article must be a ContentError, never a crash
        return f"parse_article crashed: {fast!r}"
    return None if fast == slow else f"fast path: {fast!r}\nPyYAML only: {slow!r}"


def split_difference(text: str) -> str | None:
    """The handler's own split against python-frontmatter's."""
    results: list[object] = []
    reference_handler: Any = frontmatter.YAMLHandler()  # type: ignore[attr-defined]
    for split in (front_matter.FRONT_MATTER.split, reference_handler.split):
        try:
            results.append(split(text))
        except ValueError:
            results.append("ValueError")
    return None if results[0] == results[1] else f"ours {results[0]!r}; python-frontmatter {results[1]!r}"


def minimise(text: str, differs: Callable[[str], bool]) -> str:
    """A shorter text that still ``differs``: lines, then runs of characters, taken out greedily."""
    changed = True
    while changed:
        changed = False
        lines = text.split("\n")
        for i in range(len(lines) - 1, -1, -1):
            shorter = "\n".join(lines[:i] + lines[i + 1 :])
            if i < len(lines) and differs(shorter):
                lines, text, changed = shorter.split("\n"), shorter, True
        for size in (8, 4, 2, 1):
            at = 0
            while at < len(text):
                shorter = text[:at] + text[at + size :]
                if differs(shorter):
                    text, changed = shorter, True
                else:
                    at += 1
    return text


def _real(check: Callable[[str], str | None], text: str) -> bool:
    """Whether ``check`` finds a difference in ``text`` that is not one by design."""
    found = check(text)
    return found is not None and not found.startswith("by design")


def probe(
    cases: int, seed: int = 0, kinds: list[str] | None = None, out: Callable[[str], None] = print
) -> dict[str, int]:
    """Runs ``cases`` generated front matters of each kind; returns counts, and prints each
    difference minimised (the first of each level and kind, to keep a long run readable)."""
    from feeds.text import xml_safe

    counts: dict[str, int] = {}
    seen: set[str] = set()
    for kind in kinds or list(KINDS):
        w = Writer(random.Random(f"{seed}:{kind}"))
        for _ in range(cases):
            front = KINDS[kind](w)
            data = file_bytes(w, front)
            safe = xml_safe(front)
            checks: list[tuple[str, str, Callable[[str], str | None]]] = [
                ("load", safe, load_difference),
                ("loader", safe, loader_difference),
                (
                    "article",
                    data.decode("utf-8", "surrogatepass"),
                    lambda t: article_difference(t.encode("utf-8", "surrogatepass")),
                ),
                ("split", data.decode("utf-8", "surrogatepass").replace("\r", "\n"), split_difference),
                (
                    "date",
                    f"---\n{safe}\n---\n",
                    lambda t: date_difference(t.encode("utf-8", "surrogatepass")),
                ),
            ]
            counts[kind] = counts.get(kind, 0) + 1
            counts["fast taken"] = counts.get("fast taken", 0) + (_FAST_LOAD(safe) is not _DIFFERENT)
            counts["PyYAML error"] = counts.get("PyYAML error", 0) + (reference(safe)[0] != "ok")
            for level, text, check in checks:
                found = check(text)
                if found is None:
                    continue
                if found.startswith("by design"):
                    counts["dates as text"] = counts.get("dates as text", 0) + 1
                    continue  # our loader keeps dates as text (counted, not shown)
                counts[f"{level} differences"] = counts.get(f"{level} differences", 0) + 1
                small = minimise(text, functools.partial(_real, check))
                if small not in seen:
                    seen.add(small)
                    out(f"[{level} / {kind}] {small!r:.400}\n  {check(small)!s:.600}")
    return counts


def main(argv: list[str]) -> None:
    cases = int(argv[0]) if argv else 2_000
    seed = int(argv[1]) if len(argv) > 1 else 0
    kinds = argv[2:] or None
    print(probe(cases, seed, kinds))


if __name__ == "__main__":
    main(sys.argv[1:])
