"""CPU time per article file, by style of front matter, in one process: where a cold build's time goes.

Usage::

    python bench/perfile.py [--files 2000] [--style block,flow,mixed,wild] [--workdir /tmp/feeds-perfile]
    python bench/perfile.py --rapidyaml   # also rapidyaml against yaml-rs (pip install rapidyaml)

For each style, generates a corpus of ``--files`` articles (reused while bench/corpus.py and
bench/styles.py stay the same), then prints the CPU time (``time.process_time``, best of five
passes over every file) of: reading and decoding a file; reading its front matter's YAML (the fast
path where it can, else PyYAML) and PyYAML alone; splitting, YAML and the field-by-field reading
into an ``Article``; and ``load_file``, which does all of that and digests the file. CPU time, in one
process, varies less than a build's wall time on a shared machine; a build spreads the files over
its read workers.

``--rapidyaml`` adds a table for the C++ parser issue 17 names as an option: the share of front
matter it parses at all, its parse alone, and its parse plus the walk of its tree into Python's
dicts, lists and strings (what a fast path would need before resolving scalars), against yaml-rs
on the same files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml_rs
from corpus import generate
from styles import STYLES

from feeds.source.article_fields import ArticleReader
from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import FRONT_MATTER
from feeds.source.front_matter import ReferenceHandler
from feeds.source.front_matter import fast_load
from feeds.source.parse import _decode
from feeds.source.parse import load_file
from feeds.source.scan import file_path
from feeds.source.scan import read_file
from feeds.source.scan import scan_content

BENCH = Path(__file__).resolve().parent
UTC = ZoneInfo("UTC")


def best(function: Callable[[Any], object], items: Sequence[Any], passes: int = 5) -> float:
    """The least CPU time of ``passes`` passes over ``items``, in µs per item."""
    times = []
    for _ in range(passes):
        started = time.process_time()
        for item in items:
            function(item)
        times.append((time.process_time() - started) / len(items) * 1e6)
    return min(times)


def corpus(workdir: Path, files: int, style: str) -> Path:
    folder = workdir / f"{style}-{files}"
    stamp = folder.with_suffix(".json")
    key = hashlib.sha256((BENCH / "corpus.py").read_bytes() + (BENCH / "styles.py").read_bytes()).hexdigest()
    if not (stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == key):
        if folder.exists():
            for path in sorted(folder.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        generate(files, folder, seed=1, style=style)
        stamp.write_text(json.dumps(key), encoding="utf-8")
    return folder


def read_corpus(root: Path) -> tuple[list[str], list[str], list[str]]:
    """The corpus's file paths, the texts of those with front matter, and their front matter."""
    paths = [file_path(root, f.source) for f in scan_content(root)]
    texts = [_decode(read_file(path)[0], path) for path in paths]
    with_front = [text for text in texts if text.startswith("---")]
    return paths, with_front, [FRONT_MATTER.split(text)[0] for text in with_front]


def measure(root: Path) -> dict[str, float]:
    paths, with_front, fronts = read_corpus(root)
    reference = ReferenceHandler()
    return {
        "fast path": 100 * sum(fast_load(front) is not _DIFFERENT for front in fronts) / len(fronts),
        "read+decode": best(lambda path: _decode(read_file(path)[0], path), paths),
        "YAML": best(FRONT_MATTER.load, fronts),
        "PyYAML alone": best(reference.load, fronts, 1),
        "split+YAML+fields": best(lambda text: ArticleReader(text, "x.md", UTC).article(0), with_front),
        "load_file": best(lambda path: load_file(path, "x.md", UTC), paths),
    }


def measure_rapidyaml(root: Path) -> dict[str, float]:
    import ryml  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415 - optional

    def parsed(front: str) -> Any:
        try:
            return ryml.parse_in_arena(front.encode("utf-8"))
        except Exception:  # ryml raises its own exception classes for text it refuses
            return None

    def walk(tree: Any, node: int) -> Any:
        kind = tree.type(node)
        if kind & ryml.MAP:
            mapping, child = {}, tree.first_child(node)
            while child != ryml.NONE:
                mapping[bytes(tree.key(child)).decode("utf-8")] = walk(tree, child)
                child = tree.next_sibling(child)
            return mapping
        if kind & ryml.SEQ:
            items, child = [], tree.first_child(node)
            while child != ryml.NONE:
                items.append(walk(tree, child))
                child = tree.next_sibling(child)
            return items
        return bytes(tree.val(node)).decode("utf-8")

    def parsed_and_walked(front: str) -> Any:
        tree = ryml.parse_in_arena(front.encode("utf-8"))
        return walk(tree, tree.root_id())

    fronts = read_corpus(root)[2]
    taken = [front for front in fronts if parsed(front) is not None]
    return {
        "parsed": 100 * len(taken) / len(fronts),
        "yaml-rs": best(yaml_rs.loads, taken),
        "ryml parse": best(parsed, taken),
        "ryml parse+walk": best(parsed_and_walked, taken),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--style", default=",".join(STYLES))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/feeds-perfile"))
    parser.add_argument("--rapidyaml", action="store_true", help="also measure rapidyaml (ryml)")
    args = parser.parse_args()
    print_table(args, measure, [
        ("fast path", "fast path", "{:.1f}%"), ("read+decode µs", "read+decode", "{:.0f}"),
        ("YAML µs", "YAML", "{:.0f}"), ("PyYAML alone µs", "PyYAML alone", "{:.0f}"),
        ("split+YAML+fields µs", "split+YAML+fields", "{:.0f}"), ("load_file µs", "load_file", "{:.0f}"),
    ])  # fmt: skip
    if args.rapidyaml:
        print()
        print_table(args, measure_rapidyaml, [
            ("rapidyaml parses", "parsed", "{:.1f}%"), ("yaml-rs µs", "yaml-rs", "{:.0f}"),
            ("ryml parse µs", "ryml parse", "{:.0f}"), ("ryml parse+walk µs", "ryml parse+walk", "{:.0f}"),
        ])  # fmt: skip


def print_table(
    args: argparse.Namespace,
    measure_style: Callable[[Path], dict[str, float]],
    columns: list[tuple[str, str, str]],
) -> None:
    """A Markdown table, a row per style: each column's heading, figure and format."""
    print("| style | " + " | ".join(heading for heading, _, _ in columns) + " |")
    print("|---|" + "--:|" * len(columns))
    for style in args.style.split(","):
        found = measure_style(corpus(args.workdir, args.files, style))
        print(f"| {style} | " + " | ".join(form.format(found[key]) for _, key, form in columns) + " |")


if __name__ == "__main__":
    main()
