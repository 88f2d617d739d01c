"""Instructions a read worker spends per article file: a figure the machine's load does not move.

Usage::

    python bench/instructions.py [--files 300] [--plain-text] [--content DIR] [--checkout DIR]

Runs a read worker's path (``feeds.build.read._read_one``, with the benchmark's config: its keyword
topic and channels) over the first ``--files`` files of a corpus (by default the 100,000-article
wild one that ``bench/build.py`` makes; ``--plain-text``: its plain-text files only) under
``valgrind --tool=callgrind``, then over 20 files, and prints the difference per file: start-up
and the first files' one-time work cancel out. Wall time on a shared virtual machine varies by
more than most changes to reading make; instruction counts are the same run after run
(``PYTHONHASHSEED=0``). To compare two commits, give each one's checkout as ``--checkout`` (its
``feeds`` package is imported instead of the installed one), the same path for both if you can:
the path's length moves the count a little. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WARM_FILES = 20  #: read first, and in the run whose count is subtracted


def worker(content: Path, files: int, plain_text: bool, config: Path) -> None:
    """The measured program: read ``files`` files as a read worker does."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415 - imported by the measured program only

    from feeds.build.read import _read_one  # noqa: PLC0415
    from feeds.config import load_settings  # noqa: PLC0415
    from feeds.source.match import match_spec  # noqa: PLC0415
    from feeds.source.match import matcher_of  # noqa: PLC0415
    from feeds.source.scan import content_root  # noqa: PLC0415
    from feeds.source.scan import scan_content  # noqa: PLC0415

    chosen = [file for file in scan_content(content) if not plain_text or file.source.endswith(".txt")]
    matcher = matcher_of(match_spec(load_settings(config)))
    within, tz = content_root(content), ZoneInfo("UTC")
    for file in chosen[:files]:
        _read_one(file, content, tz, within, matcher)


def count(argv: list[str], checkout: Path | None) -> int:
    """Instructions of a whole run, its forked children included."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if checkout is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), os.environ.get("PYTHONPATH")]))
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return sum(int(found) for found in re.findall(r"Collected : (\d+)", run.stderr))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--plain-text", action="store_true", help="only the corpus's plain-text files")
    parser.add_argument("--content", type=Path, default=Path("/tmp/feeds-bench/corpus-100000-seed1-wild"))
    parser.add_argument("--config", type=Path, default=Path("/tmp/feeds-bench/feeds.yaml"))
    parser.add_argument("--checkout", type=Path, help="a checkout whose feeds package to measure")
    parser.add_argument("--worker", nargs=1, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.content, args.worker[0], args.plain_text, args.config)
        return
    if args.files <= WARM_FILES:
        parser.error(f"--files must be more than {WARM_FILES}")
    for needed in (args.content, args.config):
        if not needed.exists():
            parser.error(
                f"{needed} is missing: run bench/build.py once (it writes the corpus and the config)"
            )
    common = [str(Path(__file__).resolve()), "--content", str(args.content), "--config", str(args.config)]
    common += ["--plain-text"] if args.plain_text else []
    many = count([*common, "--worker", str(args.files)], args.checkout)
    few = count([*common, "--worker", str(WARM_FILES)], args.checkout)
    kind = "plain-text files" if args.plain_text else "files"
    print(
        f"{(many - few) / (args.files - WARM_FILES) / 1000:.1f}k instructions per file ({args.files} {kind})"
    )


if __name__ == "__main__":
    main()
