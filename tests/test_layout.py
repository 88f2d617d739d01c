"""The package's shape: stages in folders, data flowing one way, callers using the build API only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "feeds"
#: Each stage may import from the stages before it (and from the top-level modules), never after.
STAGES = ["source", "plan", "render", "output", "build", "websub", "serve"]
TOP = {
    "config",
    "config_checks",
    "channel_config",
    "model",
    "errors",
    "text",
    "markup",
    "names",
    "urls",
    "_version",
    "forked",
}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("feeds"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names if alias.name.startswith("feeds"))
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


@pytest.mark.parametrize(
    "path", [p for p in modules() if p.parent.name in STAGES], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_data_flows_one_way(path: Path) -> None:
    stage = STAGES.index(path.parent.name)
    for module in imports_of(path):
        parts = module.split(".")
        if len(parts) < 2 or parts[1] in TOP:
            continue
        assert parts[1] in STAGES, f"{path.name} imports {module}"
        assert STAGES.index(parts[1]) <= stage, f"{path.relative_to(PACKAGE)} imports {module}, a later stage"


@pytest.mark.parametrize(
    "path", [PACKAGE / "cli.py", *sorted((PACKAGE / "serve").glob("*.py"))], ids=lambda p: p.name
)
def test_the_cli_and_the_web_app_use_the_build_api_only(path: Path) -> None:
    for module in imports_of(path):
        assert not module.startswith("feeds.build."), f"{path.name} imports {module}: use feeds.build"
