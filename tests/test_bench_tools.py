"""The benchmark's tools still run against the package: bench/perfile.py stopped with an
AttributeError after field reading was split in two, unnoticed until someone measured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def test_perfile_measures_a_small_corpus(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "perfile.py"), "--files", "30", "--style", "wild", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("| wild | ")
