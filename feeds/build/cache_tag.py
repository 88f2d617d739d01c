"""The build cache's folder: one a user names (``--cache``, ``cache:``) is used only when it is
new, empty or an earlier build's, which the cache directory tag marks (bford.info/cachedir;
backup tools skip such folders too)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from feeds.config import Settings
from feeds.errors import ConfigError

#: The file that marks a folder as a cache (bford.info/cachedir); backup tools skip such folders.
CACHE_TAG = "CACHEDIR.TAG"


def check_cache_folder(folder: Path, settings: Settings) -> None:
    """Make sure ``folder`` may hold the cache (it is marked as one when the cache is written).

    A folder someone named (``--cache``, ``cache:``) may already exist: it is used only when it is
    empty or marked by an earlier build, so that a cache file never replaces a file of the same
    name (``summary``, ``memo``) in a folder of the user's. Raises ConfigError otherwise.
    """
    output = settings.output_dir.resolve()
    if folder.resolve().is_relative_to(output):  # it would be published with the site
        raise ConfigError(
            folder, None,
            f"is the output folder {output} or inside it, where everything is published (drafts"
            " included, in the cache); give the build cache a folder outside it",
        )  # fmt: skip
    if settings.cache_dir is None:
        return
    try:
        ours = is_cache_folder(folder)
    except OSError as e:  # not "holds other files": it cannot be looked into
        raise ConfigError(
            folder, None, f"cannot be read ({e.strerror}); give the build cache a folder of yours"
        ) from None
    if not ours:
        # Named by the folder: it may come from the config's `cache` or from `--cache`.
        inside = folder / settings.output_dir.absolute().name
        if _readable_tag(inside):  # the default caches' folder, restored whole by a CI job
            hint = f"it holds the cache of output {settings.output_dir.name!r} in {inside}: give that folder"
        else:
            hint = "give a new or empty folder for the build cache"
        raise ConfigError(folder, None, f"holds other files and no {CACHE_TAG} of feeds; {hint}")


#: What our tag says, beside the standard's signature: another tool's cache folder has a tag too
#: (cargo's ``target/``, ccache's), and its files are not ours to replace.
_OURS = b"created by feeds"


def is_cache_folder(folder: Path) -> bool:
    """Whether ``folder`` is missing, empty or marked as a cache by an earlier build; OSError when
    it cannot be looked into."""
    if _tagged(folder):
        return True
    try:
        return not any(folder.iterdir())
    except FileNotFoundError:
        return True


def _tagged(folder: Path) -> bool:
    """Whether ``folder`` holds the cache directory tag that feeds writes; OSError when it cannot
    be read."""
    try:
        with (folder / CACHE_TAG).open("rb") as tag:
            return _OURS in tag.read(1024)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False


def _readable_tag(folder: Path) -> bool:
    try:
        return _tagged(folder)
    except OSError:
        return False


def mark_cache_folder(folder: Path) -> None:
    """Create ``folder`` with a cache directory tag, so that a later build knows that the folder is
    its own. Failures are ignored: the cache is only a shortcut."""
    tag = folder / CACHE_TAG
    with contextlib.suppress(OSError):
        if _tagged(folder):
            return
        folder.mkdir(parents=True, exist_ok=True)
        tag.write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by feeds (the build cache).\n"
            "# For information about cache directory tags, see https://bford.info/cachedir/\n",
            encoding="ascii",
        )
