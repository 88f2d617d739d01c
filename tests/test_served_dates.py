"""Last-Modified never goes back across a restart of the server: the dates a process gave out that no
entry's date explains are kept in the build cache, with the ETag each was for (an outside probe
got 304 for a feed edited while the server was stopped)."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

import feeds.serve.snapshot
from feeds.build import cache_of
from feeds.config import load_settings
from feeds.serve.app import create_app
from feeds.serve.served_dates import FILE_NAME
from tests.helpers import ARTICLE
from tests.helpers import edit
from tests.helpers import live_site

PATH = "/topics/ai.atom"


def _started(project: Path):  # type: ignore[no-untyped-def]
    return create_app(project / "config" / "feeds.yaml").test_client()


def test_an_edit_made_while_stopped_is_dated_after_what_the_last_process_gave_out(project: Path) -> None:
    first = _started(project)
    edit(project / "content" / ARTICLE, "title:", "title: Updated -")
    assert live_site(first.application).refresh()
    moved = first.get(PATH).headers["Last-Modified"]  # later than any entry's date

    # Restarted with nothing changed: the same bytes keep the date they were given.
    again = _started(project).get(PATH)
    assert again.headers["Last-Modified"] == moved
    assert _started(project).get(PATH, headers={"If-Modified-Since": moved}).status_code == 304

    # Edited while stopped, then restarted: the new bytes are dated after the date given out.
    edit(project / "content" / ARTICLE, "title: Updated -", "title: Again -")
    restarted = _started(project)
    answer = restarted.get(PATH, headers={"If-Modified-Since": moved})
    assert answer.status_code == 200
    assert b"Again -" in answer.data
    # Not after the Date (RFC 9110 §8.8.2.1): in the same second the same date, though compared as later.
    assert parsedate_to_datetime(answer.headers["Last-Modified"]) >= parsedate_to_datetime(moved)


def test_a_damaged_file_of_dates_is_ignored(project: Path) -> None:
    date = _started(project).get(PATH).headers["Last-Modified"]
    folder = cache_of(load_settings(project / "config" / "feeds.yaml"))
    (folder / FILE_NAME).write_bytes(b"{not json")
    assert _started(project).get(PATH).headers["Last-Modified"] == date


def test_a_future_dated_feed_keeps_its_date_across_a_restart(project: Path) -> None:
    """Its Last-Modified is the time it was first served (never after the answer's Date); a
    restart with the same bytes must not make every client that sends that date fetch it again."""
    future = "---\ntitle: Later\npublishedDateTime: 2999-01-01T00:00:00Z\ntopics: [AI]\n---\nLater.\n"
    (project / "content" / "future.md").write_text(future, encoding="utf-8")
    date = _started(project).get(PATH).headers["Last-Modified"]
    time.sleep(1.1)  # HTTP dates have whole seconds
    answer = _started(project).get(PATH, headers={"If-Modified-Since": date})
    assert answer.status_code == 304
    assert answer.headers["Last-Modified"] == date


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_date_never_moved_does_not_go_back_either(project: Path, change: str) -> None:
    """The first process served the newest entry's date; an edit (same newest date) or a deletion
    of the newest entry made while it was stopped gave the next one the same or an earlier date,
    and 304 to the client holding the first (found when the fix above was probed again)."""
    first = _started(project).get(PATH).headers["Last-Modified"]
    article = project / "content" / ARTICLE
    if change == "edit":
        edit(article, "title:", "title: Edited -")
    else:
        article.unlink()
    answer = _started(project).get(PATH, headers={"If-Modified-Since": first})
    assert answer.status_code == 200
    # Not after the Date (RFC 9110 §8.8.2.1): in the same second the same date, though compared as later.
    assert parsedate_to_datetime(answer.headers["Last-Modified"]) >= parsedate_to_datetime(first)


def test_a_filtered_feed_keeps_its_date_across_a_restart_with_nothing_changed(project: Path) -> None:
    """A filtered feed is dated when its channel's entries last changed, which a new process knew
    only as its start: a restart gave every filtered feed a new date, and 200 to a client holding
    the same bytes (found by an outside probe)."""
    filtered = f"{PATH}?q=the"
    first = _started(project).get(filtered)
    time.sleep(1.1)  # HTTP dates have whole seconds
    answer = _started(project).get(filtered, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert (answer.status_code, answer.headers.get("ETag")) == (304, first.headers["ETag"])

    # Edited while stopped: the filter searches every entry, so its date moves on.
    edit(project / "content" / ARTICLE, "title:", "title: Edited -")
    answer = _started(project).get(filtered, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert answer.status_code == 200


def test_two_server_processes_give_the_same_bytes_the_same_date(project: Path) -> None:
    """``feeds serve --workers 2``: each process rebuilds on its own, a moment apart. A document
    whose bytes changed without a newer entry was dated at each one's rebuild, so the same bytes had
    two dates, and a client's If-Modified-Since got 304 from one and 200 from the other (an outside
    probe). It is dated when its content changed, as the file system tells it."""
    one, two = _started(project), _started(project)
    edit(project / "content" / ARTICLE, "title:", "title: Edited -")
    assert live_site(one.application).refresh()
    time.sleep(1.1)  # HTTP dates have whole seconds
    assert live_site(two.application).refresh()
    first, second = one.get(PATH), two.get(PATH)
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]


SOLO = "---\ntitle: {title}\npublishedDateTime: 2021-01-10T10:00:00Z\ntopics: [Solo]\n---\nText.\n"


@pytest.mark.parametrize("restarted", [False, True])
def test_a_document_that_goes_and_comes_back_is_not_dated_back(project: Path, restarted: bool) -> None:
    """A feed (or an archive month) that leaves the site and returns with other bytes was dated by
    its newest entry again, earlier than the date already given out, and a client asking
    If-Modified-Since with that date got 304 for the old bytes (found by an outside probe)."""
    solo, path = project / "content" / "solo.md", "/topics/solo.atom"
    solo.write_text(SOLO.format(title="First"), encoding="utf-8")
    client = _started(project)
    edit(solo, "title: First", "title: Second")  # the same entry date: the document's date moves on
    assert live_site(client.application).refresh()
    given = client.get(path).headers["Last-Modified"]
    assert parsedate_to_datetime(given).year > 2021

    solo.unlink()
    assert live_site(client.application).refresh()
    assert client.get(path).status_code == 404
    solo.write_text(SOLO.format(title="Third"), encoding="utf-8")
    if restarted:
        client = _started(project)
    else:
        assert live_site(client.application).refresh()
    answer = client.get(path, headers={"If-Modified-Since": given})
    assert answer.status_code == 200
    assert b"Third" in answer.data
    # Not after the Date (RFC 9110 §8.8.2.1): in the same second the same date, though compared as later.
    assert parsedate_to_datetime(answer.headers["Last-Modified"]) >= parsedate_to_datetime(given)


def test_the_dates_of_documents_gone_are_kept_for_the_latest_only(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept for every document ever served, the file grew without end on a site whose topics come
    and go (a follow-up probe)."""
    monkeypatch.setattr(feeds.serve.snapshot, "MAX_GONE", 2)
    client = _started(project)
    for number in range(4):
        (project / "content" / f"solo{number}.md").write_text(
            SOLO.format(title=f"T{number}").replace("[Solo]", f"[Solo{number}]"), encoding="utf-8"
        )
    assert live_site(client.application).refresh()
    for number in range(4):
        (project / "content" / f"solo{number}.md").unlink()
    assert live_site(client.application).refresh()
    served = live_site(client.application).snapshot.served  # type: ignore[union-attr]
    gone = [key for key in served if "solo" in key]
    assert len(gone) == 2
