"""The archives of a build (RFC 5005 §4): which archive documents to render again, and their bytes.

Each channel's months come from its references (``plan.archives``), each with a signature of its
entries. A month's documents are taken from the last build when its signature and the links around
it are unchanged; a month whose entries changed is rendered, and split into parts when it is over
its channel's ``max_bytes``. The cache keeps, with every archive document, the number of parts of
its month, so that the months around a changed one know where to link without rendering it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from feeds._version import __version__
from feeds.config import Settings
from feeds.model import ArchiveMode
from feeds.model import Channel
from feeds.model import Entry
from feeds.plan.archives import ArchiveMonth
from feeds.plan.archives import archive_months
from feeds.plan.archives import archive_stem
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.render.archive import ArchivePart
from feeds.render.archive import Fragments
from feeds.render.archive import part_documents
from feeds.render.archive import split_month
from feeds.render.context import FeedContext

#: (signature, bytes, parts of its month), as the cache keeps a document; see ``documents``.
Cached = tuple[str, bytes, int]
#: A channel's archives as its current feeds and page name them: (label, output stem), newest first.
Listing = tuple[tuple[str, str], ...]


@dataclass
class _Part:
    month: ArchiveMonth
    part: int  #: 1 for the newest entries of the month
    stem: str
    signature: str = ""


class Archives:
    """The archive documents of a plan: planned from its channels' references, rendered on demand."""

    def __init__(self, plan: Plan, settings: Settings, cached: Mapping[str, Cached]) -> None:
        self.settings = settings
        self.cached = cached
        self.on = settings.archives is not ArchiveMode.OFF
        shaping = repr(
            (settings.site, settings.formats, settings.archive_content, settings.related, settings.timezone)
        )
        tz = settings.tz
        self.months: dict[str, list[ArchiveMonth]] = {
            planned.stem: archive_months(planned.refs, tz, plan.pages, shaping) if self.on else []
            for planned in plan.channels
        }
        for stem, months in self.months.items():
            if len(months) == 1:
                # The W3C validator warns about an archive that links no other (ArchiveIncomplete):
                # a channel's only month is split in two, or has no archive for a single entry
                # (the current feed holds it).
                alone = months[0]
                self.months[stem] = [] if len(alone.refs) == 1 else [_alone(alone)]
        self.options = {planned.stem: planned.options for planned in plan.channels}
        self.counts: dict[tuple[str, str], list[int] | int] = {}
        for stem, months in self.months.items():
            for month in months:
                old = cached.get(f"{archive_stem(stem, month.label)}.html")
                if old is not None and old[0].startswith(f"{month.signature}/"):
                    self.counts[stem, month.label] = old[2]

    def unsplit(self) -> list[EntryRef]:
        """The references of the months whose parts are not known from the last build."""
        return [
            ref
            for stem, months in self.months.items()
            for month in months
            if (stem, month.label) not in self.counts
            for ref in month.refs
        ]

    def split(
        self, channels: Sequence[Channel], entries: Callable[[Sequence[EntryRef]], list[Entry]]
    ) -> None:
        """Split the months that ``unsplit`` named (``entries`` builds their entries)."""
        for channel in channels:
            ctx = FeedContext(self.settings, channel, {}, __version__)
            for month in self.months[channel.stem]:
                if (channel.stem, month.label) not in self.counts:
                    self.counts[channel.stem, month.label] = self._split(ctx, month, entries(month.refs))

    def _split(self, ctx: FeedContext, month: ArchiveMonth, entries: list[Entry]) -> list[int]:
        counts = split_month(
            ctx, archive_stem(ctx.channel.stem, month.label), month.label, entries, self.fragments
        )
        if month.signature.endswith(_ALONE) and len(counts) == 1:
            return [(len(entries) + 1) // 2, len(entries) // 2]
        return counts

    @property
    def fragments(self) -> Fragments:
        made = self.__dict__.get("_fragments")
        if made is None:
            made = self.__dict__["_fragments"] = Fragments(self.settings)
        return made

    def chains(self) -> dict[str, list[_Part]]:
        """Every channel's archive parts, newest first, each with its signature."""
        chains: dict[str, list[_Part]] = {}
        for stem, months in self.months.items():
            parts: list[_Part] = []
            for month in months:
                known = self.counts[stem, month.label]
                number = known if isinstance(known, int) else len(known)
                parts.extend(
                    _Part(month, part, archive_stem(stem, month.label, part)) for part in range(1, number + 1)
                )
            for index, part in enumerate(parts):
                newer = parts[index - 1].stem if index else ""
                older = parts[index + 1].stem if index + 1 < len(parts) else ""
                links = f"{stem}\0{part.part}\0{newer}\0{older}\0{self.options[stem]!r}\0"
                digest = hashlib.blake2b(links.encode("utf-8", "surrogatepass"), digest_size=16)
                part.signature = f"{part.month.signature}/{digest.hexdigest()}"
            chains[stem] = parts
        return chains

    def listing(self, chains: Mapping[str, list[_Part]]) -> dict[str, Listing]:
        """What each channel's current feeds and page say of its archives."""
        return {
            stem: tuple((_label(part), part.stem) for part in parts)
            for stem, parts in chains.items()
            if parts
        }

    def pending(self, chains: Mapping[str, list[_Part]]) -> list[EntryRef]:
        """The references of the months that have a document to render."""
        refs: list[EntryRef] = []
        for parts in chains.values():
            seen: set[str] = set()
            for part in parts:
                if part.month.label not in seen and not self._reusable(part):
                    seen.add(part.month.label)
                    refs.extend(part.month.refs)
        return refs

    def _paths(self, stem: str) -> list[str]:
        return [*(f"{stem}.{fmt.value}" for fmt in self.settings.formats), f"{stem}.html"]

    def _reusable(self, part: _Part) -> bool:
        return all(self.cached.get(path, ("",))[0] == part.signature for path in self._paths(part.stem))

    def render(
        self,
        channels: Sequence[Channel],
        chains: Mapping[str, list[_Part]],
        entries: Callable[[Sequence[EntryRef]], list[Entry]],
    ) -> tuple[dict[str, bytes], dict[str, Cached], int]:
        """Every archive document (taken from the last build or rendered), what the cache keeps of
        them, and how many were rendered."""
        documents: dict[str, bytes] = {}
        cache: dict[str, Cached] = {}
        fresh = 0
        for channel in channels:
            parts = chains[channel.stem]
            ctx = FeedContext(self.settings, channel, {}, __version__)
            made: dict[str, tuple[list[Entry], list[int]]] = {}
            for index, part in enumerate(parts):
                month = part.month
                known = self.counts[channel.stem, month.label]
                number = known if isinstance(known, int) else len(known)
                if self._reusable(part):
                    for path in self._paths(part.stem):
                        documents[path] = self.cached[path][1]
                else:
                    if month.label not in made:
                        built = entries(month.refs)
                        counts = known if isinstance(known, list) else self._split(ctx, month, built)
                        made[month.label] = (built, counts)
                    built, counts = made[month.label]
                    start = sum(counts[: part.part - 1])
                    newer = parts[index - 1].stem if index else None
                    older = parts[index + 1].stem if index + 1 < len(parts) else None
                    shown = tuple(built[start : start + counts[part.part - 1]])
                    view = ArchivePart(part.stem, month.label, part.part, shown, older, newer)
                    rendered = part_documents(ctx, view, self.fragments)
                    documents.update(rendered)
                    fresh += len(rendered)
                for path in self._paths(part.stem):
                    cache[path] = (part.signature, documents[path], number)
        return documents, cache, fresh


#: The end of the signature of a channel's only month (which is split in two).
_ALONE = "-alone"


def _alone(month: ArchiveMonth) -> ArchiveMonth:
    return dataclasses.replace(month, signature=month.signature + _ALONE)


def _label(part: _Part) -> str:
    return part.month.label if part.part == 1 else f"{part.month.label} ({part.part})"


def entry_maker(make: Callable[[EntryRef], Entry]) -> Callable[[Sequence[EntryRef]], list[Entry]]:
    """Entries for references, each built once (by key) however many channels and months show it."""
    built: dict[bytes, Entry] = {}

    def entries(refs: Sequence[EntryRef]) -> list[Entry]:
        out = []
        for ref in refs:
            entry = built.get(ref[REF_KEY])
            if entry is None:
                entry = built[ref[REF_KEY]] = make(ref)
            out.append(entry)
        return out

    return entries
