"""``feeds build`` killed with SIGKILL at random moments: the output is always a whole site, and the
cache a build leaves behind never leads the next build astray."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ARTICLE
from tests.helpers import ROOT
from tests.helpers import pinned_copy

KILLS = 20


def files_of(folder: Path) -> dict[str, bytes]:
    """The site in an output folder, without the writer's marker file."""
    if not folder.exists():
        return {}
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    files.pop(".feeds-output", None)
    return files


def build(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "feeds", "build", "--quiet", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_killed_builds_leave_a_whole_site(tmp_path: Path) -> None:
    content = pinned_copy(ROOT / "content", tmp_path / "content")
    output = tmp_path / "public"
    args = [
        "--config",
        str(ROOT / "config" / "feeds.yaml"),
        "--content",
        str(content),
        "--output",
        str(output),
    ]
    article = content / ARTICLE
    versions = [article.read_text(encoding="utf-8")]
    versions.append(versions[0].replace("title: ", "title: Killed and rebuilt ", 1))

    # The two sites every moment must show: one per version of the article, built cold.
    expected = []
    for number, text in enumerate(versions):
        article.write_text(text, encoding="utf-8")
        reference = tmp_path / f"reference-{number}"
        assert build([*args[:-1], str(reference), "--no-cache"]).wait(timeout=60) in (0, 1)
        expected.append(files_of(reference))
    assert expected[0] != expected[1]
    timed = time.monotonic()
    assert build(args).wait(timeout=60) in (0, 1)  # the output and its cache now hold version 1
    duration = time.monotonic() - timed  # kills fall anywhere within a build's lifetime

    rng = random.Random(20261122)
    started = time.monotonic()
    outcomes = {"old": 0, "new": 0}
    for kill in range(KILLS):
        new = kill % 2
        article.write_text(versions[new], encoding="utf-8")
        process = build(args)
        time.sleep(rng.uniform(0.0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        seen = files_of(output)
        assert seen in (expected[1 - new], expected[new]), f"kill {kill}: a mixed or partial site"
        outcomes["new" if seen == expected[new] else "old"] += 1
        # The next build, starting from whatever the killed one left, gives exactly the new site.
        assert build(args).wait(timeout=60) in (0, 1)
        assert files_of(output) == expected[new], f"kill {kill}: the build after it went wrong"
    assert time.monotonic() - started < 300
    print(f"{KILLS} kills: {outcomes}")
