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
#: The first sample file's modification time in the golden build.
PINNED_MTIME = datetime(2021, 3, 15, 12, 0, tzinfo=timezone.utc).timestamp()
#: Between one file's time and the next: the sample's 16 files all fall within one second, as when
#: a checkout writes them.
PINNED_STEP_NS = 50_000_000


def pinned_copy(source: Path, target: Path) -> Path:
    """Copy a content folder and give its files fixed modification times: the first (in path
    order) ``PINNED_MTIME``, each next one ``PINNED_STEP_NS`` later."""
    shutil.copytree(source, target)
    first = int(PINNED_MTIME) * 1_000_000_000
    for number, path in enumerate(sorted(target.rglob("*"))):
        pinned = first + number * PINNED_STEP_NS
        os.utime(path, ns=(pinned, pinned))
    return target


def build_sample(workdir: Path) -> BuildResult:
    """The sample site (content/ with config/feeds.yaml) rendered in memory."""
    content = pinned_copy(ROOT / "content", workdir / "content")
    settings = load_settings(
        ROOT / "config" / "feeds.yaml", content_dir=content, output_dir=workdir / "public"
    )
    return build_site(settings)
