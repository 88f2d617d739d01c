"""Requests per second of ``feeds serve`` against nginx serving the same files, in one run; or,
with ``--filters``, how fast cached documents stay while clients ask for new filtered feeds.

    python bench/serve.py [--articles 2000] [--duration 5] [--rounds 3] [--workers 1]
    python bench/serve.py --filters [--articles 30000] [--duration 20] [--content DIR]

Needs ``wrk`` (and for the first, ``nginx``) on PATH (Debian: ``apt-get install wrk nginx-light``).
Everything listens on 127.0.0.1 only and stops by itself. Steps:

1. generate a corpus with bench/corpus.py (or take ``--content``) and ``feeds build`` it, for nginx
   to serve from disk and for ``feeds serve`` to start from its cache;
2. start nginx and ``feeds serve`` with the same number of worker processes;
3. pick the topic feed closest to 60 KB and run wrk against both servers: a plain GET (the
   server's cached document), a conditional GET answered 304, and (feeds only) a filtered feed;
4. print requests/s, the median of ``--rounds`` runs, and the ratio to nginx with the goal.

With ``--filters`` (no nginx): a probe fetches that feed and ``/healthz`` one after the other on one
kept-alive connection for ``--duration`` seconds, first alone, then while wrk's ``FILTER_CONNECTIONS``
connections ask for a filtered ``all.atom`` that nobody asked for before, one after another (a
different word, limit and min_quality each time). It prints the probe's latencies (p50, p99, max)
and what the filter requests got (answers per second, how many were 503).
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The issue's goals, as fractions of nginx's requests/s.
GOALS = {"cached": 0.25, "304": 0.15}
TARGET_BYTES = 60_000
#: Entries per feed: with the corpus's long articles, 25 make a topic's Atom feed about 60 KB.
MAX_ITEMS = 25
CONNECTIONS = 32
FILTER_CONNECTIONS = 32
#: wrk script: each request a filter that no request asked for before (unique for 15,000 requests).
NEW_FILTERS_LUA = """\
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local words = {"the", "a", "and", "of", "to", "in", "new", "ai", "energy", "climate"}
local counter = 0
function request()
  counter = counter + 1
  local n = counter * 64 + id
  local word = words[n % 10 + 1]
  local limit = math.floor(n / 10) % 25 + 1
  local quality = math.floor(n / 500) % 60
  return wrk.format("GET", "/all.atom?q=" .. word .. "&limit=" .. limit .. "&min_quality=" .. quality)
end
"""

NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{
        application/atom+xml atom;
        application/rss+xml rss;
        application/feed+json json;
        text/x-opml opml;
        text/html html;
    }}
    charset utf-8;
    charset_types application/atom+xml application/rss+xml application/feed+json text/x-opml;
    server {{
        listen 127.0.0.1:{port};
        root {public};
        etag on;
        add_header Cache-Control "public, max-age=300";
    }}
}}
"""


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all sockets stay open until every port is chosen."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not come up in {seconds} s") from None
            time.sleep(0.2)


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.headers["ETag"])


def wrk(url: str, duration: int, headers: dict[str, str]) -> float:
    """Requests/s of one wrk run; fails loudly if any answer was not 2xx or 3xx."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"errors from {url}:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise SystemExit(f"cannot read wrk output:\n{output}")
    return float(match.group(1))


def median_rps(url: str, duration: int, rounds: int, headers: dict[str, str] | None = None) -> float:
    return statistics.median(wrk(url, duration, headers or {}) for _ in range(rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="size of the generated corpus")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per measurement (median)")
    parser.add_argument("--workers", type=int, default=1, help="processes for nginx and for feeds")
    parser.add_argument(
        "--filters", action="store_true", help="latency of cached documents under new filters"
    )
    parser.add_argument("--content", type=Path, help="a content folder to serve instead of a generated one")
    args = parser.parse_args()
    if args.filters:
        filter_storm(args)
        return
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install wrk nginx-light")

    work = Path(tempfile.mkdtemp(prefix="feeds-serve-bench-"))
    work.chmod(0o755)  # nginx's workers run as an unprivileged user and must read public/
    nginx_port, feeds_port = free_ports(2)
    content, public = work / "content", work / "public"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "corpus.py"), str(args.articles), str(content)], check=True
    )
    config = work / "feeds.yaml"
    config.write_text(
        f"site:\n  base_url: http://127.0.0.1:{feeds_port}/\n"
        f"content: {content}\noutput: {public}\nmax_items: {MAX_ITEMS}\nserve:\n  reload_interval: 2\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "feeds", "build", "--config", str(config)], check=True)
    feed = min(public.glob("topics/*.atom"), key=lambda p: abs(p.stat().st_size - TARGET_BYTES))
    path = "/" + feed.relative_to(public).as_posix()
    size = feed.stat().st_size
    (work / "nginx.conf").write_text(
        NGINX_CONF.format(workers=args.workers, work=work, port=nginx_port, public=public), encoding="utf-8"
    )
    servers = [
        subprocess.Popen(["nginx", "-c", str(work / "nginx.conf")], stderr=subprocess.DEVNULL),
        subprocess.Popen(
            [sys.executable, "-m", "feeds", "serve", "--config", str(config), "--port", str(feeds_port),
             "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL, stderr=open(work / "feeds-serve.log", "wb"),
        ),
    ]  # fmt: skip
    try:
        nginx_url = f"http://127.0.0.1:{nginx_port}{path}"
        feeds_url = f"http://127.0.0.1:{feeds_port}{path}"
        wait_for(nginx_url)
        wait_for(feeds_url)
        with urllib.request.urlopen(feeds_url, timeout=5) as response, open(feed, "rb") as built:
            if response.read() != built.read():
                raise SystemExit("feeds serve and feeds build disagree on " + path)
        rows = []
        for name, headers_of in (
            ("cached", lambda url: {}),
            ("304", lambda url: {"If-None-Match": etag_of(url)}),
        ):
            reference = median_rps(nginx_url, args.duration, args.rounds, headers_of(nginx_url))
            ours = median_rps(feeds_url, args.duration, args.rounds, headers_of(feeds_url))
            rows.append((name, ours, reference))
        filtered = f"{feeds_url}?q=the&limit=10"
        rows.append(("filtered", median_rps(filtered, args.duration, args.rounds), None))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\n{path}: {size / 1000:.1f} KB, {args.articles} articles, "
        f"wrk -t1 -c{CONNECTIONS} -d{args.duration}s, median of {args.rounds}, {args.workers} worker(s) each"
    )
    print(f"{'request':<10} {'feeds req/s':>12} {'nginx req/s':>12} {'ratio':>7} {'goal':>7}")
    for name, ours, reference in rows:
        nginx = f"{reference:,.0f}" if reference else "-"
        ratio = f"{ours / reference:.2f}x" if reference else "-"
        goal = f">={GOALS[name]:.2f}x" if name in GOALS else "-"
        print(f"{name:<10} {ours:>12,.0f} {nginx:>12} {ratio:>7} {goal:>7}")


def filter_storm(args: argparse.Namespace) -> None:
    """Latency of a cached feed and /healthz, alone and while clients ask for new filters."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="feeds-filter-bench-"))
    (port,) = free_ports(1)
    content = args.content.resolve() if args.content else work / "content"
    if args.content is None:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "corpus.py"), str(args.articles), str(content)], check=True
        )
    config = work / "feeds.yaml"
    config.write_text(
        f"site:\n  base_url: http://127.0.0.1:{port}/\ncontent: {content}\noutput: {work / 'public'}\n"
        f"max_items: {MAX_ITEMS}\nserve:\n  reload_interval: 2\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "feeds", "build", "--config", str(config)], check=True)
    feed = min((work / "public").glob("topics/*.atom"), key=lambda p: abs(p.stat().st_size - TARGET_BYTES))
    path = "/" + feed.relative_to(work / "public").as_posix()
    (work / "new-filters.lua").write_text(NEW_FILTERS_LUA, encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "feeds", "serve", "--config", str(config), "--port", str(port),
         "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=open(work / "feeds-serve.log", "wb"),
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", seconds=300)
        alone = probe(port, [path, "/healthz"], args.duration)
        storm = subprocess.Popen(
            ["wrk", "-t2", f"-c{FILTER_CONNECTIONS}", f"-d{args.duration + 2}s", "--timeout", "30s",
             "-s", str(work / "new-filters.lua"), f"http://127.0.0.1:{port}/"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(1)  # let the filters pile up first
        loaded = probe(port, [path, "/healthz"], args.duration)
        storm_output, _ = storm.communicate(timeout=args.duration + 60)
        memory = [memory_of(pid) for pid in children_of(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    answered = re.search(r"Requests/sec:\s+([\d.]+)", storm_output)
    refused = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", storm_output)
    total = re.search(r"(\d+) requests in", storm_output)
    articles = args.articles if args.content is None else f"{args.content}:"
    print(
        f"\n{path} and /healthz, one kept-alive connection, {args.duration} s each, {articles} articles, "
        f"{args.workers} worker(s); new filters: wrk -t2 -c{FILTER_CONNECTIONS}"
    )
    print(f"{'probe':<28} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, times in (("alone", alone), ("with new filters", loaded)):
        for target, samples in times.items():
            ordered = sorted(samples)
            p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            label = f"{name}: {'feed' if target == path else target}"
            worst = ordered[-1]
            print(f"{label:<28} {len(ordered):>8} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f} {worst * 1000:>8.1f}")
    for current, peak in memory:
        print(f"server worker: {current:.0f} MB resident at the end, {peak:.0f} MB at the peak")
    rate = answered.group(1) if answered else "?"
    print(
        f"new filters: {total.group(1) if total else '?'} requests, {rate}/s, "
        f"{refused.group(1) if refused else 0} not 2xx (503: busy, try later)"
    )


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Granian's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


def memory_of(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def probe(port: int, paths: list[str], seconds: float) -> dict[str, list[float]]:
    """Seconds per request for each of ``paths`` in turn, on one kept-alive connection."""
    times: dict[str, list[float]] = {path: [] for path in paths}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            times[path].append(time.perf_counter() - started)
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")
        time.sleep(0.005)  # a reader's pace, not a load of its own
    connection.close()
    return times


if __name__ == "__main__":
    main()
