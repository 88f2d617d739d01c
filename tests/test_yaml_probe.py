"""Differences between the fast front-matter path and PyYAML found by tests/probe_yaml.py (an
independent generator of front matter as people and tools write it), and a short run of it."""

from __future__ import annotations

import pytest

from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import fast_load
from tests.probe_yaml import article_difference
from tests.probe_yaml import load_difference
from tests.probe_yaml import probe
from tests.probe_yaml import reference

#: JSON-style surrogate pairs in double quotes: yaml-rs joins them into one character, PyYAML
#: refuses the escape (so the article is an error, not an article with an emoji).
SURROGATE_PAIRS = [
    'title: "\\uD83D\\uDE00"',
    'title: "Party \\ud83c\\udf89 time"',
    'tags: ["\\uD83D\\uDE00", b]',
    'tags:\n  - "\\uDBFF\\uDFFF"',
    'provider: {name: "\\uD83D\\uDE00"}',
    '"\\uD83D\\uDE00": x',
    '{"title": "\\ud83d\\ude00", "topics": ["a"]}',
]


#: .inf and .nan in another case than YAML 1.1's three: floats to yaml-rs, text to PyYAML.
INF_NAN_CASES = [
    "quality: .Nan",
    "quality: .iNf",
    "quality: -.INf",
    "quality: +.inF # note",
    "title: .nAN",
    "topics: [.Inf, .NAn, a]",
    "topics:\n  - .nAn",
    "provider: {name: .INf}",
    "quality:\n  .iNF",
]


@pytest.mark.parametrize("text", SURROGATE_PAIRS + INF_NAN_CASES)
def test_fast_load_agrees_with_pyyaml(text: str) -> None:
    assert load_difference(text) is None


@pytest.mark.parametrize(
    "text",
    ['title: "\\uD83D\\uDE00"', 'title: "Party \\ud83c\\udf89"', "title: .INf", "title: x\nquality: .Nan"],
)
def test_the_article_is_the_same_with_and_without_the_fast_path(text: str) -> None:
    assert article_difference(f"---\n{text}\n---\nBody\n".encode()) is None


def test_what_pyyaml_makes_of_them() -> None:
    """The cases above really differ: PyYAML refuses the pairs, and keeps the odd cases as text
    (which an article shows as written: a title ".INf", where yaml-rs's float made it "inf")."""
    assert reference('title: "\\uD83D\\uDE00"')[0] == "error"
    assert reference("quality: .iNf") == ("ok", {"quality": ".iNf"})


@pytest.mark.parametrize(
    "text",
    [
        'title: "caf\\u00e9 \\U0001F600 \\x41"',
        "title: 2nd\nb: 1min\nc: .net\nd: .nano",
        "a: .inf\nb: -.Inf\nc: .NaN\nd: Infinity",
    ],
)
def test_ordinary_values_still_take_the_fast_path(text: str) -> None:
    assert fast_load(text) is not _DIFFERENT


def test_a_short_run_of_the_probe_finds_no_difference() -> None:
    found: list[str] = []
    counts = probe(40, seed=17, out=found.append)
    assert found == []
    assert counts["fast taken"] > 20  # the fast path ran, not only PyYAML
