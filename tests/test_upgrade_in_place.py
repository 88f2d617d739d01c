"""A package upgraded in place (``pip install --upgrade`` while ``feeds serve`` runs): the running
process keeps rendering with the templates of the code it runs. Jinja read each template from
disk on first use, so an old server that rebuilt after an upgrade took the new version's pages,
which named a filter its code did not have, and every rebuild failed until a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

#: Builds a site, replaces every template of the copied package on disk, builds again.
_PROGRAM = """
import dataclasses
import sys
from pathlib import Path

import feeds
from feeds.build.pipeline import build_site
from feeds.model import ArchiveMode
from tests.conftest import make_settings

root = Path(sys.argv[1])
assert Path(feeds.__file__).is_relative_to(root), feeds.__file__  # the copy, not the checkout
(root / "content").mkdir()
for day in (1, 2):
    (root / "content" / f"{day}.md").write_text(
        f"---\\ntitle: Story {day}\\ntopics: [AI]\\npublishedDateTime: 2021-0{day}-01T00:00:00Z\\n---\\nBody.\\n"
    )
settings = make_settings(content_dir=root / "content", output_dir=root / "public")
build_site(settings)
for template in (root / "feeds" / "render" / "templates").glob("*.html"):
    template.write_text("{{ 1 | a_filter_of_another_version }}", encoding="utf-8")
# Archives and entries' pages: templates the first build did not use.
documents = build_site(dataclasses.replace(settings, archives=ArchiveMode.MONTHLY)).documents
print(documents["archives/all/2021-02.html"].decode())
"""


def test_a_running_process_keeps_its_templates_when_the_package_is_replaced(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "feeds", tmp_path / "feeds", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "<title>Test site: archive of 2021-02</title>" in done.stdout
