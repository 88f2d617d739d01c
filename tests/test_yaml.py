"""The fast front-matter loader gives PyYAML's results, or steps aside for PyYAML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import FRONT_MATTER
from feeds.source.front_matter import ReferenceHandler
from feeds.source.front_matter import fast_load
from tests.yaml_cases import REFERENCE
from tests.yaml_cases import SAMPLES
from tests.yaml_cases import STYLES
from tests.yaml_cases import YAML_CHARACTERS
from tests.yaml_cases import YAML_PIECES
from tests.yaml_cases import block_scalar_yaml
from tests.yaml_cases import flow_yaml
from tests.yaml_cases import front_matter
from tests.yaml_cases import generated_corpus
from tests.yaml_cases import reference
from tests.yaml_cases import same
from tests.yaml_cases import shaped_yaml
from tests.yaml_cases import styled_front_matter


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_same_results_as_pyyaml_on_sample_content(path: Path) -> None:
    text = front_matter(path)
    if text is None:
        pytest.skip("no front matter")
    fast = fast_load(text)
    if isinstance(fast, dict):  # otherwise the handler asks PyYAML itself
        assert same(fast, reference(text))
    elif fast is None:
        assert reference(text) is None


@pytest.mark.parametrize("style", STYLES)
def test_the_fast_path_is_taken_for_ordinary_front_matter(tmp_path: Path, style: str) -> None:
    """In every style of the corpus: flow collections, block scalars, comments and the rest. (The
    wild style's files that write booleans as yes/no, 3%, go to PyYAML.)"""
    paths = generated_corpus(tmp_path, 300, style=style)
    fronts = [t for t in map(front_matter, paths) if t is not None]
    assert len(fronts) > 200
    fast = [fast_load(t) for t in fronts]
    taken = [(f, t) for f, t in zip(fast, fronts, strict=True) if isinstance(f, dict)]
    assert len(taken) > 0.9 * len(fronts)  # nearly every generated article avoids PyYAML
    for data, text in taken:
        assert same(data, REFERENCE.load(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: yes", "a: on", "a: Off", "a: y", "a: 0o17", "a: 017", "x: [017, 2]", "x: {a: 017}",
        "x:\n  - 017", "a: 1:30", "a: 12:30:00", "a: 1e3", "a: 1.5e3", "x: [1e3]", "a: 0b101",
        "a: 0x1F", "a: 1_000", "a: .inf", "a: -.INF", "a: .NaN", "a: ~", "a: Null", "a: TRUE", "a: 1.",
        "a: !!str 5", "a: !!binary aGVsbG8=", "a: !foo bar", "a: !!timestamp 2021-01-01",
        "a: &x 1\nb: *x", "a: &b {x: 1}\nc:\n  <<: *b\n  y: 2", "a: 1\na: 2", "yes: 1", "1: a",
        "? [1,2]\n: x", "a: 1\n---\nb: 2", "a: 2021-02-16T03:47:00Z", "a: 2021-02-30", 'a: "yes"',
        "a: |\n  x\n  y\n", "a: >\n  x\n  y\n", "- a\n- b", "just text", "", "a: [1, 2", 'a: "\\ud800"',
        "a:\tb", "a: 017\t# octal in 1.1", "a: 0x1F # hex", "a: 1:30\t#", "a: 'it''s'", 'a: "tab\\there"', "published: false", "quality: 39", "heat: -1",
        "a: &x 1\nb: &x 2", "- &x a\n- &x b", "&x a: 1\n&x b: 2", "a:\n  &x b: 1\n  &x c: 2", "a: *x",
        "a: |\n", "a: >\n", "a: |+\n", "a: |\n  \n", "a: |\n \n  x", "a:\n  - >\n",
        ": x", "a: 1\n: x", "a:\n  - : x", "top:\n  - : x\ntop:\n  - y\n",
        "...\na: 1", "  ...\na: 1", "...", "\ta: 1", "a: 1\n\t\n", "a: 1\n  \t", "a: 1\n  \t\nb: 2",
        "a:\n yes", "a:\n  017\n", "a: # note\n\n  1e3", "-\n  off", "a:\n  - \n    0o17", "-\t0 a: 1", "a:\n  -\tb: 1",
        "a: b\u2028c", "a: b\x85c", "a: b\u2029c", 'a: "b\x85 c"', "\ufeffa: b", "a: 1\n\ufeffb: 2",
        "a:\n  - - 017: x", "a:\n  - [{017: x}]", "a: [:x]", "a: {:x}", "a: {b\n  c: d}", "a: {[b]: c}",
        "a: {{b: c}: d}", "a: {b:}", "a: [b:]", "a: [|, >]", "a: [b,\nc]", "a: [b,,c]", "a: [- x]",
        "a: [a #b]", "a: {b: c, b: d}", "a: [b]c", "a: [yes, 017]", "a: {yes: 1}", "a: [{b: 1e3}]",
        "a: |\n x", "a: >-\n  x\n  y\n", "a: |2\n   x\n", "a: |+\n  x\n\n", "a: >\n  x\n   y\n",
        "- |\n  x\n", "a: |\n  x\n  \n", "top:\n  []: y\ntop:\n  - y\n", "a: {[]}\na: []\n", "a: [b]#c",
        "a: {b: 1, b: 2}", "a: [b, # c\n  017]", "a: {b: 2021-02-16T03:47:00+00:00, c: 12:30}", "a: [x:017]",
        "a: [\n  {b: 1},\n  {c: 2}\n]\n", "a:\n  [b, c]\n", "[a]: b", "a: {b: c}: d", "a: ['b':c]",
        "y: {y:?x}\n", "y: [a:?b]", "y: [a: ?b]", "y: [a -]", "y: [-,b]", "y: [a:,b]",
        # A comment in a flow collection runs to its line's end: read as entries and the end of
        # the collection, it hid the entries below from the check (an outside probe).
        "x: [ #]\n 09]", "a: [ #]\n 017]", "a: [ #x]\n yes]", "a: [ #x]\n 1:30]", "a: { #x}\n b: yes}",
        "tags: [ # keep sorted: a, b, c ]\n  Norway, NO, Sweden\n]\n", "a: [ #x]\n 1e3, 0o17, 0x1F, =, on]",
        "tags: [ # a, comment\n  Norway, Sweden\n]\n", "a: [b, # c]\n  ]\n", "a: {b: c # d}\n  }\n",
    ],
)  # fmt: skip
def test_same_results_as_pyyaml_on_tricky_yaml(text: str) -> None:
    """YAML 1.1 (PyYAML) and 1.2 (yaml-rs) differ on these; the handler must still agree."""
    try:
        ours: Any = FRONT_MATTER.load(text)
    except Exception as e:
        ours = type(e)
    assert same(ours, reference(text))


@settings(max_examples=300, deadline=None)
@given(shaped_yaml())
def test_same_results_as_pyyaml_on_generated_yaml(text: str) -> None:
    """Tricky scalars as keys and values of block and flow collections, block scalars, comments
    and values over several lines (yaml_cases.SHAPES)."""
    try:
        ours: Any = FRONT_MATTER.load(text)
    except Exception as e:
        ours = type(e)
    assert same(ours, reference(text))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=YAML_CHARACTERS, max_size=60),
        st.lists(st.sampled_from(YAML_PIECES), max_size=25).map("".join),
    )
)
def test_same_results_as_pyyaml_on_yaml_like_text(text: str) -> None:
    """Whatever the fast path reads, it reads as PyYAML does (text like this found most of the
    differences that _yaml.py now steps aside for)."""
    data = fast_load(text)
    if data is not _DIFFERENT:
        assert same(data, reference(text))


@settings(max_examples=300, deadline=None)
@given(st.one_of(flow_yaml(), block_scalar_yaml()))
def test_same_results_as_pyyaml_on_flow_collections_and_block_scalars(text: str) -> None:
    """Made at random at the edges of the grammar that the fast path takes (yaml_agree.py)."""
    try:
        ours: Any = FRONT_MATTER.load(text)
    except Exception as e:
        ours = type(e)
    assert same(ours, reference(text))


def test_the_fast_path_takes_the_flow_and_block_shapes_people_write() -> None:
    """The fast path is taken (not handed to PyYAML) for the flow collections and block scalars
    people commonly write; the random cases above check that whatever it takes, it reads as PyYAML."""
    for text in (
        "topics: [AI, Robotics]\n",
        "provider: {name: Reuters, domain: reuters.com}\n",
        "images: [{url: 'https://x.example/a.jpg', width: 1600}]\n",
        "excerpt: |\n  Two lines\n  of text.\n",
        "excerpt: >-\n  Folded\n  text.\n",
    ):
        assert fast_load(text) is not _DIFFERENT, text


@settings(max_examples=200, deadline=None)
@given(styled_front_matter())
def test_same_results_as_pyyaml_on_front_matter_in_every_style(case: tuple[str, Any]) -> None:
    """Generated articles' front matter in every corpus style (bench/styles.py)."""
    text, expected = case
    assert same(reference(text), expected)
    assert same(FRONT_MATTER.load(text), expected)
    assert same(FRONT_MATTER.load(text.replace("\n", "\r\n")), expected)  # as if the loader had left CRLF


@pytest.mark.parametrize("style", STYLES)
def test_same_results_as_pyyaml_on_a_corpus_in_every_style(tmp_path: Path, style: str) -> None:
    for path in generated_corpus(tmp_path, 60, style=style, seed=11):
        text = front_matter(path)
        if text is not None:
            assert same(FRONT_MATTER.load(text), reference(text))


def split(handler: ReferenceHandler, text: str) -> tuple[str, str] | type[Exception]:
    try:
        return handler.split(text)  # type: ignore[no-any-return]
    except ValueError:
        return ValueError


@given(
    st.lists(st.sampled_from(["-", "---", "\n", " ", "\t", "x", "\u2028", "\x1c", "\x85"]), max_size=30).map(
        "".join
    )
)
@example("---\n\n---\nbody")
@example("----  \n\ntitle: a\n  ---\n--- x\n-----\t\nrest\n---\n")
@example("---\ntitle: a\n---")
@example("---\ntitle: a\n")
def test_split_is_python_frontmatters(tail: str) -> None:
    for text in (tail, "---\n" + tail, "---" + tail):
        assert split(FRONT_MATTER, text) == split(REFERENCE, text)


@pytest.mark.parametrize("line", ["#:", "#-", "#: ", "# a: b: c:", "  #  -"])
def test_lines_past_a_key_are_looked_at_a_bounded_number_of_times(line: str) -> None:
    """From every line that ends in ":" or "-", the check for a value on a line below looked past
    every blank or comment line that followed: 20,000 lines of "#:" (60 KB) took 40 s, once per
    line (an outside probe). Past 20 of them the front matter goes to PyYAML."""
    text = "title: t\n" + f"{line}\n" * 22 + "x: 1\n"  # the first line has 21 below it
    assert fast_load(text) is _DIFFERENT
    assert same(FRONT_MATTER.load(text), reference(text))
    assert fast_load("title: t\n" + f"{line}\n" * 19 + "x: 1\n") is not _DIFFERENT


@pytest.mark.parametrize("skipped", [0, 1, 19, 20, 21, 40])
def test_a_value_below_blank_and_comment_lines_is_checked(skipped: int) -> None:
    """A YAML 1.1 word (true in PyYAML, text in yaml-rs) on a line below its key is found past any
    number of blank and comment lines, or the text goes to PyYAML: the results are PyYAML's."""
    text = "title: t\nflag:\n" + "# c\n\n" * (skipped // 2) + "# c\n" * (skipped % 2) + "  yes\n"
    assert fast_load(text) is _DIFFERENT
    assert FRONT_MATTER.load(text) == reference(text) == {"title": "t", "flag": True}


def test_comments_in_a_flow_collection_are_read_once() -> None:
    """Each comment line of a flow collection could be read as a comment or as entries, and a
    collection that did not match was tried every way: eight commented-out entries took 7 s, each
    one more ten times as long, and a 233-byte article stopped a build for 40 s (an outside probe).
    In a process of its own, so that a regression fails rather than hangs."""
    lines = "".join(f"  # old-tag-{n},\n" for n in range(40))
    cases = [f"title: Hello\ntags: [\n  python,\n{lines}  yes\n]\n", f"a: [\n{lines}  yaml\n"]
    program = (
        "import sys; from feeds.source.front_matter import fast_load, _DIFFERENT\n"
        f"assert all(fast_load(text) is _DIFFERENT for text in {cases!r})"
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60)
    assert FRONT_MATTER.load(cases[0]) == {"title": "Hello", "tags": ["python", True]}
