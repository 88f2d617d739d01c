"""The cyclic garbage collector, paused while a build makes millions of small objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: Objects frozen before this program ran any of its own code: none on most Pythons, a few hundred
#: of the interpreter's on 3.12.1. Frozen beyond these means the host program froze them.
_FROZEN_AT_START = gc.get_freeze_count()


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Creating a million small tuples sets off the cyclic garbage collector again and again,
    which then walks every object alive; none of them form cycles, so it can wait."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() <= _FROZEN_AT_START:  # unless the host program froze objects
                # Else all the pause made is young, and the first collection walks it (1 s at
                # 100,000 articles); thawed, it is in the oldest generation, collected in time.
                gc.freeze()
                gc.unfreeze()
            gc.enable()
