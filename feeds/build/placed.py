"""Archives kept in the output folder: a build with archives does not hold, nor even read, the
archive documents that the last publish wrote and that have not changed since.

At 100,000 articles the archives are some 3 GB, and an edit changes a few of their months. So the
cache keeps an archive document's signature without its bytes when the output folder holds it:
the summary of the last publish names those documents (``placed``, path → signature) beside its
listing of the folder (``output``, path → size and time). A build takes an unchanged archive whose
file still has the listed size and time from the folder: ``write_site`` links the file into the
new site unread (checking its size and time again), and the build's documents read it only when
asked for. An archive whose file changed size or time (edited by hand, removed) is rendered again;
an edit by hand that keeps the size and puts the time back is not seen (the inode's change time,
which would tell, changes whenever a build links the file into its staging folder).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from feeds.build.cache import BULK_FOLDERS
from feeds.build.cache import BuildState
from feeds.build.result import BuildResult
from feeds.output.write import output_listing


def placed_documents(
    output: Path, summary: Mapping[str, Any], checked: bool = True
) -> dict[str, tuple[str, int, int]]:
    """The archives that the last publish wrote (``summary``'s ``placed``), each with its signature,
    size and time, that the output folder still holds as that publish left them: same size, same
    modification time (a file edited since, or gone, is left out, and its month rendered again).

    Without ``checked``, the files are taken to be as the summary lists them, unless the folder
    is gone: ``write_site`` checks each when it links it, and raises StaleOutput for one that
    changed, after which the build is made again with ``checked``. Listing 10,000 entry pages
    took 0.12 s of a build after one edit, to find what people almost never do.
    """
    placed = summary.get("placed")
    listing = summary.get("output")
    if not placed or not listing:
        return {}
    if not checked:
        if not output.is_dir():
            return {}
        now = listing
    else:
        now = output_listing(output)
    return {
        path: (signature, *listed)
        for path, signature in placed.items()
        if (listed := listing.get(path)) is not None and now.get(path) == listed
    }


def placed_summary(state: BuildState) -> dict[str, str]:
    """What a publish's summary says of the archives and entries' pages it wrote (the many
    documents that one change leaves alone): path → signature."""
    return {path: kept[0] for path, kept in state.documents.items() if path.startswith(BULK_FOLDERS)}


def kept_output(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What a summary says of the output folder, for a build that leaves the folder as it is."""
    return {key: summary[key] for key in ("output", "placed") if key in summary}


def held_in_memory(result: BuildResult) -> BuildResult:
    """``result`` with the documents it kept in the output folder read into memory (a server
    serves every document from memory and takes the next build's unchanged ones from its state).
    Raises ``StaleOutput`` when one of them changed since the build looked."""
    if not result.in_place:
        return result
    documents = dict(result.documents.items())
    cache = result.state.documents
    for path in result.in_place:
        signature, _, parts = cache[path]
        cache[path] = (signature, documents[path], parts)
    return dataclasses.replace(result, documents=documents, in_place={})
