"""Every file of the sample site, byte for byte. Regenerate with `python -m tests.update_golden`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feeds.build.result import BuildResult
from tests.helpers import GOLDEN
from tests.helpers import ROOT
from tests.helpers import build_sample
from tests.helpers import pinned_copy

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


def test_output_independent_of_time_zone_and_locale(tmp_path: Path) -> None:
    """A separate process with another TZ and locale writes the same bytes as the golden files."""
    content = pinned_copy(ROOT / "content", tmp_path / "content")
    env = {**os.environ, "TZ": "America/Los_Angeles", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
    command = [sys.executable, "-m", "feeds", "build", "--config", str(ROOT / "config" / "feeds.yaml")]
    command += ["--content", str(content), "--output", str(tmp_path / "public")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in GOLDEN_FILES:
        assert (tmp_path / "public" / name).read_bytes() == (GOLDEN / name).read_bytes(), name
