"""The versions of the libraries that shape a build's output, which the cache's program version
covers: a cache made with other versions is ignored.

Read from the modules themselves, which every build imports anyway, rather than from the installed
distributions' metadata: importing ``importlib.metadata`` took 26–56 ms of every build.
"""

from __future__ import annotations

import feedgen.version
import jinja2
import lxml
import markdown_it
import nh3
import yaml
import yaml_rs

#: Distribution name → version.
LIBRARY_VERSIONS: dict[str, str] = {
    "PyYAML": yaml.__version__,
    "yaml-rs": yaml_rs.__version__,
    "markdown-it-py": markdown_it.__version__,
    "nh3": nh3.__version__,  # type: ignore[attr-defined]  # (not in its stubs)
    "feedgen": feedgen.version.version_str,
    "lxml": lxml.__version__,  # type: ignore[attr-defined]  # (not in its stubs)
    "Jinja2": jinja2.__version__,
}
