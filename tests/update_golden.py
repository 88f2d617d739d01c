"""Regenerate tests/golden/ from the sample site: `python -m tests.update_golden`.

Run it after an intended change of output, then review `git diff tests/golden`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.helpers import GOLDEN
from tests.helpers import build_sample


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = build_sample(Path(tmp))
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for name, data in result.documents.items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(result.documents)} files to {GOLDEN}")


if __name__ == "__main__":
    main()
