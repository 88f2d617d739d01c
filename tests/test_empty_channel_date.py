"""A channel that nothing matches is dated by the site's newest entry, not 1970-01-01 (which the
W3C validator calls an implausible date; an outside probe), and the date follows the site in a
build after a change, byte for byte as a build from nothing."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from feeds.build.builder import SiteBuilder
from feeds.channel_config import ChannelSettings
from feeds.config import ArchiveMode
from feeds.config import Settings
from tests.test_archives import TOPICS
from tests.test_archives import article
from tests.test_archives import settings_for
from tests.test_archives import write_corpus
from tests.test_archives_in_place import cold
from tests.test_archives_in_place import site_files

ATOM_UPDATED = "{http://www.w3.org/2005/Atom}updated"
NOBODY = ChannelSettings("Nobody's", "nobody", providers=("No such provider",))


def dates(output: Path, stem: str) -> tuple[str | None, ...]:
    atom = etree.parse(str(output / f"{stem}.atom")).getroot()
    rss = etree.parse(str(output / f"{stem}.rss")).getroot()
    return (
        atom.findtext(ATOM_UPDATED),
        rss.findtext("channel/lastBuildDate"),
        rss.findtext("channel/pubDate"),
    )


def publish(settings: Settings) -> None:
    assert SiteBuilder(settings).publish().written


def test_a_channel_without_entries_shows_the_sites_newest_date_and_follows_it(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content", count=12)
    for archives in (ArchiveMode.OFF, ArchiveMode.MONTHLY):
        settings = settings_for(tmp_path, channels=(NOBODY,), archives=archives)
        publish(settings)
        output = settings.output_dir
        assert (
            not etree.parse(str(output / "channels/nobody.atom"))
            .getroot()
            .findall("{http://www.w3.org/2005/Atom}entry")
        )
        assert dates(output, "channels/nobody") == dates(output, "all")
        assert "1970" not in dates(output, "channels/nobody")[0]  # type: ignore[operator]
        # A newer article elsewhere: the empty channel's date moves with the site's.
        newest = tmp_path / "content" / f"9{archives.value}.md"
        newest.write_text(article(90, 11, 30, [TOPICS[0]]), encoding="utf-8")
        publish(settings)
        assert dates(output, "channels/nobody") == dates(output, "all")
        assert dates(output, "all")[0] == "2021-11-30T18:00:00+00:00"
        assert site_files(output) == cold(settings, tmp_path)
        newest.unlink()
        publish(settings)
        assert site_files(output) == cold(settings, tmp_path)


def test_a_site_without_entries_is_still_dated_1970(tmp_path: Path) -> None:
    """Nothing else is there to date it by (the clock never is)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "draft.md").write_text("---\ntitle: Draft\ndraft: true\n---\nText.\n")
    settings = settings_for(tmp_path, channels=(NOBODY,), archives=ArchiveMode.OFF)
    publish(settings)
    assert dates(settings.output_dir, "channels/nobody")[0] == "1970-01-01T00:00:00+00:00"
