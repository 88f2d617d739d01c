"""YAML cases the fast front-matter path is compared on, shared by tests/test_yaml.py and
tests/fuzz_yaml.py: the sample files, generators of YAML-like text, and PyYAML as the reference."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from feeds.source.front_matter import FRONT_MATTER
from feeds.source.front_matter import ReferenceHandler
from feeds.text import xml_safe
from tests.helpers import ROOT

REFERENCE = ReferenceHandler()
SAMPLES = sorted((ROOT / "content").glob("*")) + sorted((ROOT / "tests" / "data" / "load").glob("*"))


def front_matter(path: Path) -> str | None:
    text = xml_safe(path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n"))  # as the loader does
    if not text.startswith("---"):
        return None
    try:
        front, _ = FRONT_MATTER.split(text)
    except ValueError:
        return None
    return str(front)


def same(ours: Any, theirs: Any) -> bool:
    """Equal, counting NaN as equal to NaN (``quality: .nan``)."""
    return bool(ours == theirs or repr(ours) == repr(theirs))


def reference(text: str) -> Any:
    try:
        return REFERENCE.load(text)
    except Exception as e:
        return type(e)


def bench_module(name: str) -> Any:
    """A module of bench/ (corpus, styles), imported as the bench scripts import each other."""
    folder = str(ROOT / "bench")
    if folder not in sys.path:
        sys.path.append(folder)
    return importlib.import_module(name)


def generated_corpus(folder: Path, count: int, style: str = "block", seed: int = 7) -> list[Path]:
    """Articles from bench/corpus.py, the benchmark's realistic generator, in one of its styles of
    front matter (checked against PyYAML as they are written)."""
    bench_module("corpus").generate(count, folder, seed=seed, style=style, check=True)
    return sorted(p for p in folder.rglob("*") if p.is_file())


#: Scalars that YAML 1.1 and 1.2 may read differently, and a few that they read the same.
SCALARS = [
    "yes", "No", "ON", "off", "y", "true", "False", "null", "NULL", "~", "0", "-1", "+1", "017", "08",
    "0o17", "0x1F", "0b101", "1_000", "_1", "1e3", "1.5e3", "1.5e+3", "1.", ".5", "-.5", "12:30",
    "1:30.5", ".inf", "-.Inf", ".nan", "nan", "2021-02-16", "2021-02-16T03:47:00Z", "=", "<<",
    "a b", "x", "'yes'", '"017"', "[1, 017]", "{a: 1e3}", "!!str 5", "&a 1", "*a", "39 # note",
]  # fmt: skip


#: Characters and pieces that YAML gives meaning to, for text that is nearly YAML.
YAML_CHARACTERS = " \n\n\n\t-:::?[]{}!&*|>'\"#%@`,.0123456789abeynoONtrufslTF~=<\\xé_+"
YAML_PIECES = [
    "a: ", "b: ", "- ", "  ", "    ", "\n", "yes", "1", "0", "e3", ".", ":", '"', "'", "#", "x", "\\",
    "|", ">", "&a ", "*a", "!!str ", "[", "]", "{", "}", ", ", "? ", "---", "...", "\t", "~", "null",
    "true", "1_0", "0o1", "0x1",
]  # fmt: skip
