"""What the worst articles cost ``feeds build``: time, peak memory and output, one article at a time.

Usage::

    python bench/worst_articles.py [--workdir /tmp/feeds-worst] [--cases divs,links,...] [--feeds CMD]

Each case is one article, written beside three ordinary ones into a content folder of its own, and
built cold by ``feeds build --quiet`` under ``/usr/bin/time -v`` (so the figures include the
interpreter's start-up, like the ``empty`` case, which is the three ordinary articles alone). The
first four are the inputs of issue 21; the ``*_at_limit`` and ``combo_*`` ones are the costliest found
within every limit of ``feeds.source.limits`` (see ``docs/reliability.md``). ``--feeds`` runs another
``feeds`` (an older checkout's ``.venv/bin/feeds``) for a before-and-after comparison.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

FRONT = "---\ntitle: {title}\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [{topics}]\n{more}---\n"
TOPICS_20 = ", ".join(f"topic number {n} with a long name" for n in range(20))
#: As many related items as the front matter limit allows (500,000 characters).
RELATED = "related:\n" + "".join(
    f"  - title: T{i}\n    webUrl: https://e.example.com/{i}\n" for i in range(8_500)
)
#: Direction overrides opened and closed (U+202A, U+2069), 40,000 of each.
OVERRIDES = "\u202a" * 40_000 + "\u2069" * 40_000
TABLE = "| a | b | c | d |\n|---|---|---|---|\n" + "| x | y | z | w |\n" * 230_000
#: As many related items as an article may have (100), each in another month.
MONTHS = "related:\n" + "".join(
    f"  - {{title: T{i}, webUrl: 'https://e.example.com/{i}', date: {1950 + i // 12}-{1 + i % 12:02d}-01}}\n"
    for i in range(100)
)


def _article(title: str, body: str, topics: str = "AI", more: str = "") -> str:
    return FRONT.format(title=title, topics=topics, more=more) + body


CASES = {
    "empty": None,
    "divs": lambda: _article("divs", "<div>" * 80_000),
    "links": lambda: _article("links", "[a" * 2_000_000),
    "table": lambda: _article("table", TABLE),
    "emphasis": lambda: _article("emphasis", "*a_" * 1_300_000),
    "topics_1000": lambda: _article("topics", "word " * 40_000, ", ".join(f"t{n}" for n in range(1000))),
    "list_at_limit": lambda: _article("list", "- a\n" * 9_999),
    "combo_render": lambda: _article("combo", "- a\n" * 9_999, TOPICS_20, RELATED),
    "combo_output": lambda: _article("combo", "&" * 199_990, TOPICS_20),
    # Found by outside probes on 2026-12-06: each grew with the square of its size.
    "bidi_excerpt": lambda: _article("bidi", "body", more='excerpt: "a' + OVERRIDES + '"\n'),
    "comments_title": lambda: _article('"T ' + "<!--" * 20_000 + '"', "body"),
    "image_warnings": lambda: _article("images", "body", more="images:\n" + "- url: x\n" * 27_500),
    "idn_host": lambda: _article("idn", "body", TOPICS_20, f"webUrl: 'https://{'é.' * 5_000}com/'\n"),
    # Found by an outside probe on 2026-12-07: with archives, each related item in a month of its
    # own makes a month of archives in each of the article's 20 topics (built with ARCHIVED).
    "months_at_limit": lambda: _article("months", "body", TOPICS_20, MONTHS),
}
#: The cases built with ``archives: monthly`` (the others with the defaults: no archives).
ARCHIVED = {"months_at_limit"}


def measure(feeds: str, folder: Path) -> dict[str, str]:
    shutil.rmtree(folder / "public", ignore_errors=True)
    shutil.rmtree(folder / ".feeds-cache", ignore_errors=True)
    command = ["/usr/bin/time", "-v", feeds, "build", "--quiet", "--content", "content", "--output", "public"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=3600)
    report = done.stderr
    elapsed = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", report)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    sizes = [p.stat().st_size for p in (folder / "public").rglob("*") if p.is_file()]
    return {
        "exit": str(done.returncode),
        "time": elapsed[1] if elapsed else "?",
        "peak MB": str(int(peak[1]) // 1024) if peak else "?",
        "output MB": f"{sum(sizes) / 1e6:.1f}",
        "largest document KB": f"{max(sizes, default=0) / 1e3:.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/feeds-worst"))
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--feeds", default=str(Path(sys.executable).with_name("feeds")))
    args = parser.parse_args()
    rows = []
    for name in args.cases.split(","):
        folder = args.workdir / name
        content = folder / "content"
        shutil.rmtree(content, ignore_errors=True)
        content.mkdir(parents=True)
        for n in range(3):
            (content / f"other{n}.md").write_text(_article(f"Other {n}", "Body.\n"))
        config = folder / "config" / "feeds.yaml"
        shutil.rmtree(config.parent, ignore_errors=True)
        if name in ARCHIVED:
            config.parent.mkdir()
            config.write_text("archives: monthly\n")
        make = CASES[name]
        if make is not None:
            (content / f"{name}.md").write_text(make())
        rows.append(
            (name, (content / f"{name}.md").stat().st_size if make else 0, measure(args.feeds, folder))
        )
        print(f"{name}: {rows[-1][2]}", file=sys.stderr, flush=True)
    columns = list(rows[0][2])
    print("| case | file KB | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for name, size, figures in rows:
        print(f"| {name} | {size / 1e3:.0f} | " + " | ".join(figures[c] for c in columns) + " |")


if __name__ == "__main__":
    main()
