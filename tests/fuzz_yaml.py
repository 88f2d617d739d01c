"""Long runs of the fast YAML path against PyYAML, for before a change to ``feeds/_yaml.py``.

    .venv/bin/python -m tests.fuzz_yaml [CASES]      # default 100,000 cases of each kind

Three kinds of input: the suite's scalars in key and value positions, text made of the characters
and pieces YAML gives meaning to, and real front matter (the sample content and generated
articles) with a few random edits. The suite runs the first two with 300 cases; these runs found
the differences that ``_yaml.py``'s comments list. Stops at the first difference, with the text.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import fast_load
from tests.yaml_cases import SAMPLES
from tests.yaml_cases import SCALARS
from tests.yaml_cases import YAML_CHARACTERS
from tests.yaml_cases import YAML_PIECES
from tests.yaml_cases import front_matter
from tests.yaml_cases import generated_corpus
from tests.yaml_cases import reference
from tests.yaml_cases import same

SHAPES = [
    "{k}: {v}", "top:\n  {k}: {v}", "top:\n  - {v}", "top:\n  - {k}: {v}\n    title: t",
    "{k}:\n  - {v}\n  - {v}", "- {k}: {v}", "{k}: {v} {v}", "{k}:   {v}\t# c", "{k}: {v}\n  {v}",
    "{k}: {v}\n{k}: {v}", "top:\n  {k}: {v}\n  {k}:\n    - {v}", "{k}:\n  {v}", "{k}: '{v}'",
]  # fmt: skip


def scalars_in_shapes() -> st.SearchStrategy[str]:
    field = st.tuples(st.sampled_from(SCALARS), st.sampled_from(SCALARS), st.sampled_from(SHAPES))
    return st.lists(field, min_size=1, max_size=5).map(
        lambda fields: "\n".join(shape.format(k=k, v=v) for k, v, shape in fields) + "\n"
    )


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


def check(text: str) -> None:
    data: Any = fast_load(text)
    if data is not _DIFFERENT and not same(data, reference(text)):
        raise AssertionError(f"the fast path reads {text!r} as {data!r}, PyYAML as {reference(text)!r}")


def main(cases: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = [*SAMPLES, *generated_corpus(Path(folder), 200)]
        fronts = [text for text in map(front_matter, paths) if text]
    run = settings(max_examples=cases, deadline=None, suppress_health_check=list(HealthCheck))
    for name, strategy in [
        ("scalars in shapes", scalars_in_shapes()),
        ("YAML-like text", yaml_like_text()),
        ("edited front matter", edited_front_matter(fronts)),
    ]:
        run(given(strategy)(check))()
        print(f"{name}: {cases:,} cases, no difference")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
