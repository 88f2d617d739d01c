"""Documents of which some are rendered only when a writer asks for them (archives: 3.6 GB at
100,000 articles, which a build must not hold at once)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping


class LazyDocuments(Mapping[str, bytes]):
    """Documents, and archive documents rendered when asked for, a part at a time: only the last
    part's are kept, so that a writer taking them in order renders each part once."""

    def __init__(
        self, ready: dict[str, bytes], make: Callable[[str], dict[str, bytes]], owners: dict[str, str]
    ) -> None:
        self._ready = ready
        self._make = make
        self._owners = owners
        self._part = ""
        self._made: dict[str, bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        body = self._ready.get(path)
        if body is not None:
            return body
        stem = self._owners[path]
        if stem != self._part:
            self._made = {}  # let the last part go before making the next
            self._made, self._part = self._make(stem), stem
        return self._made[path]

    def __contains__(self, path: object) -> bool:
        return path in self._ready or path in self._owners

    def __iter__(self) -> Iterator[str]:
        yield from self._ready
        yield from self._owners

    def __len__(self) -> int:
        return len(self._ready) + len(self._owners)
