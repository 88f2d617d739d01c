"""Peak memory of a command's whole process tree, which ``bench/build.py`` (the build process's own
peak) does not show: read workers, the fork server and forked children included.

Usage::

    python bench/treemem.py feeds build --no-cache --config ... --output ...

Every 0.2 s it sums the proportional set size (PSS: each shared page divided among the processes
that share it, so a forked child's pages count once) of the command and all its descendants, and
prints the largest sum with each process's part at that moment. Linux only (``/proc``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def pss(pid: int) -> int:
    """The process's PSS in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as cmdline:
            return cmdline.read().replace("\0", " ").strip()[-70:]
    except OSError:
        return "?"


class TreePeak:
    """Samples the PSS of ``root``'s process tree every ``interval`` seconds in a thread, until
    ``stop``; ``peak`` is the largest sum seen, in bytes (``bench/build.py`` uses it for every step)."""

    def __init__(self, root: int, interval: float = 0.1) -> None:
        self.root, self.interval, self.peak = root, interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, sum(pss(pid) for pid in descendants(self.root)))
            self._done.wait(self.interval)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def main() -> None:
    child = subprocess.Popen(sys.argv[1:])
    peak, parts = 0, []
    while child.poll() is None:
        sizes = {pid: pss(pid) for pid in descendants(child.pid)}
        total = sum(sizes.values())
        if total > peak:
            peak = total
            parts = sorted(((size, command_line(pid)) for pid, size in sizes.items()), reverse=True)
        time.sleep(0.2)
    print(f"peak PSS of the process tree: {peak / 2**20:.0f} MiB, {len(parts)} processes", file=sys.stderr)
    for size, name in parts:
        print(f"  {size / 2**20:6.0f} MiB  {name}", file=sys.stderr)
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
