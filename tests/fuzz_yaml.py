"""Long runs of the fast YAML path against PyYAML, for before a change to ``feeds/_yaml.py``.

    .venv/bin/python -m tests.fuzz_yaml [CASES [KIND...]]   # default 100,000 cases of each kind

Four kinds of input: the suite's scalars in the shapes of block and flow collections, block
scalars, comments and multi-line values; text made of the characters and pieces YAML gives meaning
to; generated articles' front matter in every corpus style (bench/styles.py); and real front
matter (the sample content and generated articles in every style) with a few random edits. The
suite runs the first three with a few hundred cases; these runs found the differences that
``front_matter.py``'s comments list. Stops at the first difference, with the text, or at the first
case that takes the fast path more than ``SLOW_SECONDS``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import fast_load
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


def yaml_like_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(alphabet=YAML_CHARACTERS, max_size=60),
        st.lists(st.sampled_from(YAML_PIECES), max_size=25).map("".join),
    )


def edited_front_matter(fronts: list[str]) -> st.SearchStrategy[str]:
    @st.composite
    def edited(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(fronts))
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(text)))
            edit = draw(st.sampled_from(["insert", "delete", "copy line", "indent line"]))
            if edit == "insert":
                text = text[:at] + draw(st.text(alphabet=YAML_CHARACTERS, min_size=1, max_size=4)) + text[at:]
            elif edit == "delete":
                text = text[:at] + text[draw(st.integers(at, min(len(text), at + 8))) :]
            else:
                lines = text.split("\n")
                line = draw(st.integers(0, len(lines) - 1))
                if edit == "copy line":
                    lines.insert(line, lines[draw(st.integers(0, len(lines) - 1))])
                else:
                    lines[line] = draw(st.sampled_from([" ", "  ", "\t"])) + lines[line]
                text = "\n".join(lines)
        return text

    return edited()


def check_styled(case: tuple[str, Any]) -> None:
    text, expected = case
    if not same(reference(text), expected):
        raise AssertionError(f"PyYAML reads {text!r} as {reference(text)!r}, not as written: {expected!r}")
    check(text)


#: Longer than this for one case is a finding too: a pattern that can read the same characters in
#: many ways took seconds over a hundred bytes of commented-out flow entries (an outside probe).
SLOW_SECONDS = 0.1


def check(text: str) -> None:
    started = time.perf_counter()
    data: Any = fast_load(text)
    took = time.perf_counter() - started
    if took > SLOW_SECONDS:
        raise AssertionError(f"the fast path took {took:.2f} s over {len(text):,} characters: {text!r}")
    if data is not _DIFFERENT and not same(data, reference(text)):
        raise AssertionError(f"the fast path reads {text!r} as {data!r}, PyYAML as {reference(text)!r}")


KINDS = ("styles", "shapes", "flow", "block", "text", "edits")


def main(cases: int, kinds: list[str]) -> None:
    """Run ``cases`` cases of each of ``kinds`` (default: all of ``KINDS``)."""
    with tempfile.TemporaryDirectory() as folder:
        generated = [generated_corpus(Path(folder) / style, 100, style=style) for style in STYLES]
        paths = [*SAMPLES, *(path for paths in generated for path in paths)]
        fronts = [text for text in map(front_matter, paths) if text]
    run = settings(max_examples=cases, deadline=None, suppress_health_check=list(HealthCheck))
    for kind, name, strategy, test in [
        ("styles", "front matter in every style", styled_front_matter(), check_styled),
        ("shapes", "scalars in shapes", shaped_yaml(), check),
        ("flow", "flow collections", flow_yaml(), check),
        ("block", "block scalars", block_scalar_yaml(), check),
        ("text", "YAML-like text", yaml_like_text(), check),
        ("edits", "edited front matter", edited_front_matter(fronts), check),
    ]:
        if kind in kinds:
            run(given(strategy)(test))()
            print(f"{name}: {cases:,} cases, no difference", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2:] or list(KINDS))
