"""Every file of the sample site, byte for byte. Regenerate with `python -m tests.update_golden`."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds.build import BuildResult
from tests.sitebuild import GOLDEN
from tests.sitebuild import build_sample

GOLDEN_FILES = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())


def test_golden_set_matches_output(sample_documents: dict[str, bytes]) -> None:
    assert sorted(sample_documents) == GOLDEN_FILES


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_golden_file(name: str, sample_documents: dict[str, bytes]) -> None:
    expected = (GOLDEN / name).read_bytes()
    assert sample_documents[name] == expected, f"{name} differs; if intended: python -m tests.update_golden"


def test_same_input_same_bytes(tmp_path: Path, sample: BuildResult) -> None:
    again = build_sample(tmp_path)
    assert again.documents == sample.documents


def test_sample_builds_cleanly(sample: BuildResult) -> None:
    assert sample.errors == ()
    assert sample.warnings == ()
    assert sample.files == 16
