"""An archive month in parts: how many entries each part holds (``split_month``), and the entries'
fragments cut back out of a part's documents (``cut_fragments``), so that after a few changes a
month is made again from the last build's fragments and the few new ones instead of from every
entry. Both rest on how ``render.archive`` lays a document out: a head, the entries' fragments one
after the other, a tail."""

from __future__ import annotations

from collections.abc import Callable

from feeds.model import Format
from feeds.render.archive import ArchivePart
from feeds.render.archive import Fragments
from feeds.render.archive import kind_format
from feeds.render.archive import part_documents
from feeds.render.archive import part_kinds
from feeds.render.context import FeedContext


def split_month(
    ctx: FeedContext, stem: str, label: str, count: int, fragment: Callable[[int, str], bytes]
) -> list[int]:
    """How many entries each part of a month holds, newest part first, so that every document of
    every part is within the channel's ``max_bytes``: as many entries in each as fit, in order.
    ``fragment(n, kind)``: the n-th of the ``count`` entries' fragment of that kind (``part_kinds``).

    Decided from the fragments' sizes and the size of each document without entries, with links
    as long as any part's can be; so it does not depend on the months around it. An entry too big
    to fit alone gets a part of its own (it stays reachable, over the budget)."""
    budget = ctx.channel.options.max_bytes
    if not budget or not count:
        return [count]
    widest = f"{stem}-99999"
    probe = ArchivePart(widest, label, 99999, (), widest, widest)
    empty = part_documents(ctx, probe, Fragments(ctx.settings))  # formats', then the page's
    kinds = [
        (kind, len(document), 2 if kind_format(kind) == Format.JSON.value else 0)  # items joined by ",\n"
        for kind, document in zip(
            part_kinds(ctx.settings, stem, ctx.channel.options), empty.values(), strict=True
        )
    ]
    lengths = [[len(fragment(n, kind)) + extra for n in range(count)] for kind, _, extra in kinds]
    if all(empty + sum(sizes) <= budget for (_, empty, _), sizes in zip(kinds, lengths, strict=True)):
        return [count]  # the usual case: the whole month fits
    counts: list[int] = []
    sizes = [empty for _, empty, _ in kinds]
    taken = 0
    for n in range(count):
        grown = [size + column[n] for size, column in zip(sizes, lengths, strict=True)]
        if taken and any(size > budget for size in grown):
            counts.append(taken)
            taken = 0
            grown = [empty + column[n] for (_, empty, _), column in zip(kinds, lengths, strict=True)]
        sizes = grown
        taken += 1
    counts.append(taken)
    return counts


#: Where each kind's fragments start and end. Text and attributes are escaped in every fragment,
#: so these lines, which begin with a tag, are never inside one.
_BOUNDS = {
    Format.ATOM.value: (b"  <entry>\n", b"  </entry>\n"),
    Format.RSS.value: (b"    <item>\n", b"    </item>\n"),
}
_PAGE_BOUNDS = (b"<article>\n", b"</article>\n")
#: JSON items are one line each (a JSON string holds no raw line end), joined by ",\n".
_JSON_START, _JSON_END = b',\n  "items": [\n', b"\n  ]\n}\n"


def cut_fragments(kind: str, document: bytes) -> list[bytes]:
    """The fragments of the entries of an archive ``document`` of ``kind`` (``part_kinds``), in
    order, as ``Fragments.of`` made them."""
    kind = kind_format(kind)
    if kind == Format.JSON.value:
        start = document.find(_JSON_START) + len(_JSON_START)
        end = document.rfind(_JSON_END)
        return document[start:end].split(b",\n") if start >= len(_JSON_START) and end >= start else []
    opening, closing = _BOUNDS.get(kind, _PAGE_BOUNDS)
    start = document.find(opening)
    end = document.rfind(closing)
    if start < 0 or end < start:
        return []
    return [opening + piece for piece in document[start : end + len(closing)].split(opening)[1:]]
