"""The archives of a build (RFC 5005 §4): which archive documents to render again, and their bytes.

Each channel's months come from its references (``plan.archives``), each with a signature of its
entries. A month's documents are taken from the last build when its signature and the links around
it are unchanged; a month whose entries changed is rendered, and split into parts when it is over
its channel's ``max_bytes``. The cache keeps, with every archive document, the number of parts of
its month: the months around a changed one know where to link without rendering it (while the
channel's head and budget, ``channel_head``, are those the parts were made with)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Any

from feeds._version import __version__
from feeds.build.archive_split import Counts
from feeds.build.archive_split import Month
from feeds.build.archive_split import split_on_two_cpus
from feeds.build.lazy_documents import LazyDocuments
from feeds.config import Settings
from feeds.model import ArchiveMode
from feeds.model import Channel
from feeds.model import Entry
from feeds.output.write import read_as_listed
from feeds.plan.archives import ArchiveMonth
from feeds.plan.archives import archive_months
from feeds.plan.archives import archive_shaping
from feeds.plan.archives import archive_stem
from feeds.plan.archives import channel_head
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.render.archive import ArchivePart
from feeds.render.archive import Fragments
from feeds.render.archive import part_documents
from feeds.render.archive import part_kinds
from feeds.render.archive_parts import cut_fragments
from feeds.render.archive_parts import split_month
from feeds.render.context import FeedContext
from feeds.render.site import last_bytes

#: (signature, bytes, parts of its month), as the cache keeps a document; see ``documents``. The
#: bytes are empty when the cache does not keep them (the output folder held them).
Cached = tuple[str, bytes, int]
#: Documents of the output folder in place: path → (signature, size, modification time in ns).
Placed = Mapping[str, tuple[str, int, int]]
#: A channel's archives as its current feeds and page name them: (label, output stem), newest first.
Listing = tuple[tuple[str, str], ...]


@dataclass
class _Part:
    month: ArchiveMonth
    part: int  #: 1 for the newest entries of the month
    stem: str
    number: int  #: in its name and title: 1 for the oldest entries (``archive_stem``)
    signature: str = ""


class Archives:
    """The archive documents of a plan: planned from its channels' references, rendered on demand."""

    def __init__(
        self, plan: Plan, settings: Settings, cached: Mapping[str, Cached], placed: Placed | None = None
    ) -> None:
        self.settings = settings
        self.cached = cached
        self.placed = placed or {}
        self.on = settings.archives is not ArchiveMode.OFF
        shaping = archive_shaping(settings)
        tz = settings.tz
        #: each channel's months, as the plan has them (a replan's) or made from its references
        self.planned: dict[str, list[ArchiveMonth]] = {
            planned.stem: (
                []
                if not self.on
                else list(plan.months[planned.stem])
                if plan.months is not None
                else archive_months(planned.refs, tz, plan.pages, shaping)
            )
            for planned in plan.channels
        }
        self.months = dict(self.planned)
        for stem, months in self.months.items():
            if len(months) == 1:
                # The W3C validator warns about an archive that links no other (ArchiveIncomplete):
                # a channel's only month is split in two, or has no archive for a single entry
                # (the current feed holds it).
                alone = months[0]
                self.months[stem] = [] if alone.entries == 1 else [_alone(alone)]
        #: what, beside its entries, a channel's archive documents are made from: their heads, and
        #: the budget that splits their months into parts
        self.heads = {planned.stem: channel_head(planned) for planned in plan.channels}
        #: whether each channel's archived entries carry content (``part_kinds``), among its options
        self.options = {planned.stem: planned.options for planned in plan.channels}
        self.counts: dict[tuple[str, str], list[int] | int] = {}
        self._last: dict[tuple[str, str], dict[str, dict[bytes, bytes]] | None] = {}
        for stem, months in self.months.items():
            for month in months:
                old = cached.get(f"{archive_stem(stem, month.label)}.html")
                if old is not None and old[0].startswith(f"{month.signature}/{self.heads[stem]}/"):
                    self.counts[stem, month.label] = old[2]

    def unsplit(self) -> list[EntryRef]:
        """The references of the months whose parts are not known from the last build, whose
        entries are needed to know them (``_needed``)."""
        return [
            ref
            for stem, months in self.months.items()
            for month in months
            if (stem, month.label) not in self.counts
            for ref in self._needed(stem, month, None)
        ]

    def split(
        self, channels: Sequence[Channel], entries: Callable[[Sequence[EntryRef]], list[Entry]]
    ) -> None:
        """Split the months that ``unsplit`` named (``entries`` builds their entries), many of
        them on two CPUs (``split_on_two_cpus``)."""
        contexts = [FeedContext(self.settings, channel, {}, __version__) for channel in channels]
        todo = [
            (ctx, month)
            for ctx in contexts
            for month in self.months[ctx.channel.stem]
            if (ctx.channel.stem, month.label) not in self.counts
        ]

        def split(part: list[Month]) -> Counts:
            return {(ctx.channel.stem, month.label): self._split(ctx, month, entries) for ctx, month in part}

        self.counts.update(split_on_two_cpus(todo, split, self.fragments))

    def _split(
        self, ctx: FeedContext, month: ArchiveMonth, entries: Callable[[Sequence[EntryRef]], list[Entry]]
    ) -> list[int]:
        fragment = self._fragment_source(ctx.channel.stem, month, entries)
        stem = archive_stem(ctx.channel.stem, month.label)
        counts = split_month(ctx, stem, month.label, month.entries, fragment)
        if month.signature.endswith(_ALONE) and len(counts) == 1:
            return [(month.entries + 1) // 2, month.entries // 2]
        return counts

    def _needed(self, stem: str, month: ArchiveMonth, counts: list[int] | int | None) -> Sequence[EntryRef]:
        """The month's references whose entries its documents need: all of them, or, when the
        last build's documents hold the others' fragments, the remade ones and the first of each
        part (the documents' heads show its date)."""
        if self._last_fragments(stem, month) is None or isinstance(counts, int):
            return month.refs
        remade = month.remade
        refs = [month.refs[n] for n, key in enumerate(month.keys) if key in remade]
        refs.extend(month.refs[start] for start in accumulate([0, *(counts or [])[:-1]]))
        return refs

    def _fragment_source(
        self, stem: str, month: ArchiveMonth, entries: Callable[[Sequence[EntryRef]], list[Entry]]
    ) -> Callable[[int, str], bytes]:
        """The month's n-th entry's fragment of a kind: cut out of the last build's documents
        when they hold it, else made from the entry (which ``entries`` builds)."""
        refs, make = month.refs, self.fragments.of
        last = self._last_fragments(stem, month)
        if last is None:
            built = entries(refs)
            return lambda n, kind: make(built[n], kind)
        remade, keys = month.remade, month.keys

        def fragment(n: int, kind: str) -> bytes:
            key = keys[n]
            return make(entries(refs[n : n + 1])[0], kind) if key in remade else last[kind][key]

        return fragment

    def _last_fragments(self, stem: str, month: ArchiveMonth) -> dict[str, dict[bytes, bytes]] | None:
        """Each kind's fragments of the entries the month had in the last build, by key, cut out
        of that build's documents; None when they are not all at hand (in the cache, or in the
        output folder in place as the last build left it), or do not hold every entry that is not
        remade. After a few changes, a month is then made from them and a few new fragments."""
        if (stem, month.label) in self._last:
            return self._last[stem, month.label]
        found = self._last[stem, month.label] = self._cut_last(stem, month) if month.last_keys else None
        return found

    def _cut_last(self, stem: str, month: ArchiveMonth) -> dict[str, dict[bytes, bytes]] | None:
        signed = f"{month.last_signature}/"
        month_stem = archive_stem(stem, month.label)
        first = self.cached.get(f"{month_stem}.html")
        if first is None or not first[0].startswith(signed):
            return None
        kinds = part_kinds(self.settings, month_stem, self.options[stem])
        cut: dict[str, list[bytes]] = {kind: [] for kind in kinds}
        for number in range(first[2], 0, -1):  # newest first, as the month's keys
            for kind, path in zip(kinds, self._paths(archive_stem(stem, month.label, number)), strict=True):
                old = self.cached.get(path)
                kept = (
                    None if old is None or not old[0].startswith(signed) else self._last_bytes(path, old[0])
                )
                if kept is None:
                    return None
                cut[kind].extend(cut_fragments(kind, kept))
        keys = month.last_keys
        if any(len(pieces) != len(keys) for pieces in cut.values()):
            return None
        known = set(keys)
        if any(key not in known for key in month.keys if key not in month.remade):
            return None
        return {kind: dict(zip(keys, pieces, strict=True)) for kind, pieces in cut.items()}

    def _last_bytes(self, path: str, signature: str) -> bytes | None:
        """The bytes of a document the last build made with ``signature``: from the cache, or from
        the output folder in place when it is as the last build left it."""
        kept = last_bytes(path, signature, self.cached, self.placed)
        if kept == b"":  # in the output folder
            kept = read_as_listed(self.settings.output_dir / path, self.placed[path][1:])
        return kept

    @cached_property
    def fragments(self) -> Fragments:
        return Fragments(self.settings)

    def chains(self) -> dict[str, list[_Part]]:
        """Every channel's archive parts, newest first, each with its signature."""
        chains: dict[str, list[_Part]] = {}
        for stem, months in self.months.items():
            parts: list[_Part] = []
            for month in months:
                known = self.counts[stem, month.label]
                number = known if isinstance(known, int) else len(known)
                for n in range(number, 0, -1):  # the newest part first
                    parts.append(_Part(month, number + 1 - n, archive_stem(stem, month.label, n), n))
            for index, part in enumerate(parts):
                newer = parts[index - 1].stem if index else ""
                older = parts[index + 1].stem if index + 1 < len(parts) else ""
                links = f"{part.stem}\0{part.part}\0{newer}\0{older}\0"
                digest = hashlib.blake2b(links.encode("utf-8", "surrogatepass"), digest_size=16)
                part.signature = f"{part.month.signature}/{self.heads[stem]}/{digest.hexdigest()}"
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
        """The references whose entries the months that have a document to render need."""
        refs: list[EntryRef] = []
        for stem, parts in chains.items():
            seen: set[str] = set()
            for part in parts:
                if part.month.label not in seen and not self._reusable(part):
                    seen.add(part.month.label)
                    refs.extend(self._needed(stem, part.month, self.counts[stem, part.month.label]))
        return refs

    def _paths(self, stem: str) -> list[str]:
        return [*(f"{stem}.{fmt.value}" for fmt in self.settings.formats), f"{stem}.html"]

    def _reusable(self, part: _Part) -> bool:
        """Whether the last build made the part's documents, and their bytes are in the cache or
        in the output folder in place."""
        paths = self._paths(part.stem)
        return all(last_bytes(path, part.signature, self.cached, self.placed) is not None for path in paths)

    def render(
        self,
        channels: Sequence[Channel],
        chains: Mapping[str, list[_Part]],
        entries: Callable[[Sequence[EntryRef]], list[Entry]],
        documents: dict[str, bytes],
        lazy: bool = False,
    ) -> tuple[Mapping[str, bytes], dict[str, Cached], int, list[str]]:
        """``documents`` (the site's others) with every archive document, taken from the last
        build or rendered; what the cache keeps of them; how many were rendered; and those to
        keep unread from the output folder in place (which are not among the documents).
        ``lazy``: the archives to render are rendered when asked for, a part at a time, and the
        cache keeps them without their bytes (for a publish, which writes them in order and
        leaves them in the output folder)."""
        cache: dict[str, Cached] = {}
        in_place: list[str] = []
        todo: dict[str, tuple[FeedContext, list[_Part], int, int]] = {}  # part stem → where it is
        for channel in channels:
            parts = chains[channel.stem]
            ctx = FeedContext(self.settings, channel, {}, __version__)
            for index, part in enumerate(parts):
                known = self.counts[channel.stem, part.month.label]
                number = known if isinstance(known, int) else len(known)
                reusable = self._reusable(part)
                for path in self._paths(part.stem):
                    old = self.cached[path][1] if reusable else b""
                    if old:
                        documents[path] = old
                    elif reusable:
                        in_place.append(path)
                    cache[path] = (part.signature, old, number)
                if not reusable:
                    todo[part.stem] = (ctx, parts, index, number)
        # Month by month (every channel's parts of a month, then the month before): an entry is in
        # one month whatever the channel, so its fragments go once its month is done.
        order = sorted(todo, key=lambda stem: todo[stem][1][todo[stem][2]].month.label, reverse=True)
        owners = {path: stem for stem in order for path in self._paths(stem)}
        month: list[Any] = [None, None, [], "", {}]  # (stem, label), fragment, parts' sizes, label, built

        def built(refs: Sequence[EntryRef]) -> list[Entry]:
            made = entries(refs)
            month[4].update((entry.id, entry) for entry in made)
            return made

        def make(stem: str) -> dict[str, bytes]:
            ctx, parts, index, _ = todo[stem]
            part = parts[index]
            key = (ctx.channel.stem, part.month.label)
            if month[3] != part.month.label:
                self.fragments.forget(month[4].values())
                # The fragments cut out of the last build's documents of the month before go too
                # (those of the months to come were cut, and checked, before anything was written).
                for done in [key for key in self._last if key[1] == month[3]]:
                    del self._last[done]
                month[3:] = part.month.label, {}
            if month[0] != key:  # a month's parts come one after the other
                known = self.counts[key]
                month[:3] = (
                    key,
                    self._fragment_source(ctx.channel.stem, part.month, built),
                    known if isinstance(known, list) else self._split(ctx, part.month, built),
                )
            fragment, counts = month[1], month[2]
            start = sum(counts[: part.part - 1])
            shown = range(start, start + counts[part.part - 1])
            newer = parts[index - 1].stem if index else None
            older = parts[index + 1].stem if index + 1 < len(parts) else None
            first = tuple(built(part.month.refs[start : start + 1]))  # the heads show its date
            view = ArchivePart(part.stem, part.month.label, part.number, first, older, newer)
            kinds = part_kinds(self.settings, part.stem, ctx.channel.options)
            return part_documents(
                ctx, view, self.fragments, {kind: [fragment(n, kind) for n in shown] for kind in kinds}
            )

        if lazy:
            return LazyDocuments(documents, make, owners), cache, len(owners), in_place
        for stem in order:
            _, parts, index, number = todo[stem]
            signature = parts[index].signature
            for path, body in make(stem).items():
                documents[path] = body
                cache[path] = (signature, body, number)
        return documents, cache, len(owners), in_place


#: The end of the signature of a channel's only month (which is split in two).
_ALONE = "-alone"


def _alone(month: ArchiveMonth) -> ArchiveMonth:
    return dataclasses.replace(month, signature=month.signature + _ALONE)


def _label(part: _Part) -> str:
    return part.month.label if part.number == 1 else f"{part.month.label} (part {part.number})"
