"""Build the sample site the way the golden files were made: fixed file times, default config.

A fresh clone gives every file the checkout time, and plain-text articles are dated by their file's
modification time, so the content is copied and every file's time is pinned first.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from datetime import timezone
from pathlib import Path

from feeds.build.pipeline import BuildResult
from feeds.build.pipeline import build_site
from feeds.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
#: Every sample file's modification time in the golden build.
PINNED_MTIME = datetime(2021, 3, 15, 12, 0, tzinfo=timezone.utc).timestamp()


def pinned_copy(source: Path, target: Path) -> Path:
    """Copy a content folder and give every file the same fixed modification time."""
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        os.utime(path, (PINNED_MTIME, PINNED_MTIME))
    return target


def build_sample(workdir: Path) -> BuildResult:
    """The sample site (content/ with config/feeds.yaml) rendered in memory."""
    content = pinned_copy(ROOT / "content", workdir / "content")
    settings = load_settings(
        ROOT / "config" / "feeds.yaml", content_dir=content, output_dir=workdir / "public"
    )
    return build_site(settings)
