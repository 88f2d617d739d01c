"""The site in a real browser: Debian's Chromium, headless, driven by Playwright.

Opens the index and a topic page at a phone's and a desktop's width, follows every subscribe
link, presses a Copy button, and opens a feed's address the way a person would. Screenshots go to
``$FEEDS_SCREENSHOTS`` when it is set (the README's come from there), else to a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.helpers import running_server
from tests.helpers import write_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)

#: As root, in a sandbox with no network but loopback: no sandboxing of its own, and no
#: background connections, which this machine would refuse many at a time.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}  #: WCAG 1.4.10 (Reflow): 320 CSS pixels
DESKTOP = {"width": 1280, "height": 900}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running ``feeds serve`` whose base_url is its own address, so copied addresses work."""
    folder = tmp_path_factory.mktemp("browser")
    pinned_copy(ROOT / "content", folder / "content")
    config = write_config(folder)
    text = config.read_text(encoding="utf-8")

    def served_at(port: int) -> Path:
        config.write_text(
            text.replace("https://feeds.example.org/", f"http://127.0.0.1:{port}/"), encoding="utf-8"
        )
        return config

    with running_server(served_at) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FEEDS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def problems() -> list[str]:
    """Console errors and uncaught exceptions of the page, e.g. a script the CSP blocked."""
    return []


def open_page(
    browser: sync_api.Browser, url: str, viewport: dict[str, int], problems: list[str]
) -> sync_api.Page:
    context = browser.new_context(viewport=viewport)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page


def fits(page: sync_api.Page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling, every control within the width."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for control in page.locator(".subscribe a, .subscribe input, .subscribe button").all():
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, control


def test_index_lists_every_topic_with_working_subscribe_links(
    browser: sync_api.Browser, base: str, shots: Path, problems: list[str]
) -> None:
    page = open_page(browser, base + "/", DESKTOP, problems)
    health = page.request.get(base + "/healthz").json()
    sections = page.locator("main section")
    assert sections.count() == health["topics"] + 1  # and "Everything"
    alternates = page.locator("head link[rel=alternate]")
    assert alternates.count() == health["feeds"]
    opml = page.locator("header a[href='feeds.opml']")
    assert opml.count() == 1
    assert b"<opml" in page.request.get(base + "/feeds.opml").body()
    for section in sections.all():
        assert section.locator("h2 a").inner_text()
        rows = section.locator(".subscribe li")
        assert rows.count() == 3
        for row in rows.all():
            link = row.locator("a.format")
            href = link.get_attribute("href") or ""
            response = page.request.get(f"{base}/{href}")
            assert response.status == 200, href
            assert response.headers["content-type"].startswith(link.get_attribute("type") or "?"), href
            address = row.locator("input").input_value()
            assert address == f"{base}/{href}"
            assert page.request.get(address).body() == response.body()
            assert row.locator("button").is_visible()  # the script ran: the CSP allows it
    page.screenshot(path=shots / "index-desktop.png")
    assert problems == []


def test_copy_button_puts_the_address_on_the_clipboard(
    browser: sync_api.Browser, base: str, problems: list[str]
) -> None:
    page = open_page(browser, base + "/", DESKTOP, problems)
    row = page.locator("section#ai .subscribe li").nth(1)
    row.locator("button").click()
    sync_api.expect(row.locator("button")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{base}/topics/ai.rss"
    # Said to screen readers too, with the focus left where it was: it moved to the address
    # field, and "Copied" went unheard (an outside probe).
    sync_api.expect(page.locator("[role=status]")).to_have_text(f"Copied {base}/topics/ai.rss")
    assert page.evaluate("document.activeElement.dataset.copy") == row.locator("input").get_attribute("id")
    assert problems == []


def test_pages_fit_a_phone(browser: sync_api.Browser, base: str, shots: Path, problems: list[str]) -> None:
    for path, name in (
        ("/", "index-phone.png"),
        ("/topics/ai.html", None),
        ("/topics/ai.atom", "feed-phone.png"),
    ):
        page = open_page(browser, base + path, PHONE, problems)
        fits(page)
        if name:
            page.screenshot(path=shots / name)
        # The subscribe rows' Copy buttons were cut off at 320 pixels (an outside probe).
        fits(open_page(browser, base + path, NARROWEST, problems))
    assert problems == []


def test_a_feed_address_opened_in_the_browser_is_readable(
    browser: sync_api.Browser, base: str, shots: Path, problems: list[str]
) -> None:
    page = open_page(browser, base + "/", DESKTOP, problems)
    page.locator("section#ai h2 a").click()
    assert page.url == f"{base}/topics/ai.html"
    titles = page.locator("main article h2").all_inner_texts()
    assert titles
    for ext in ("atom", "rss"):
        page.goto(f"{base}/topics/ai.{ext}")
        assert page.evaluate("document.contentType") == "text/html"
        assert page.locator("h1").inner_text() == "Artificial intelligence"
        assert page.locator("main article h2").all_inner_texts() == titles
        assert re.search(r"copy one of these addresses", page.locator("header").inner_text())
        fits(page)
    page.screenshot(path=shots / "feed-in-browser.png", full_page=True)
    # A feed reader asking for the same address still gets the feed.
    feed = page.request.get(f"{base}/topics/ai.atom", headers={"Accept": "application/atom+xml"})
    assert feed.headers["content-type"].startswith("application/atom+xml")
    page_for_browser = page.request.get(f"{base}/topics/ai.atom", headers={"Accept": BROWSER_ACCEPT})
    assert page_for_browser.headers["content-type"].startswith("text/html")
    assert problems == []
