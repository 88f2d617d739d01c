"""The library versions the cache's program version covers are the installed distributions'."""

from __future__ import annotations

import importlib.metadata

from feeds.build.library_versions import LIBRARY_VERSIONS


def test_each_version_is_its_installed_distributions() -> None:
    assert LIBRARY_VERSIONS == {name: importlib.metadata.version(name) for name in LIBRARY_VERSIONS}


def test_the_libraries_that_shape_output_are_all_there() -> None:
    assert set(LIBRARY_VERSIONS) == {
        "PyYAML",
        "yaml-rs",
        "markdown-it-py",
        "nh3",
        "feedgen",
        "lxml",
        "Jinja2",
    }
