#!/usr/bin/env python3
"""Seconds from saving one practice's YAML file to `mkdocs serve` serving the page with the change.

    .venv/bin/python scripts/serve_bench.py 1000            # a synthetic catalogue (scripts/bench.py generate)
    .venv/bin/python scripts/serve_bench.py 1000 --plain    # `mkdocs serve` without --dirty, for comparison

`serve_rebuild(root, dirty=True)` is the callable for scripts/bench.py: it starts the server on a free port,
edits practices/practice-1.yaml's title, and polls the practice's page (and the practice list) until both show
the new title; it returns the seconds from the save to that moment (NaN on failure).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def serve_rebuild(root: Path, dirty: bool = True, timeout: float = 900, edits: int = 1) -> list[float]:
    """Seconds until the served pages show each of `edits` successive title edits of practice-1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"] + (["--dirty"] if dirty else [])
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/reskb/"
    deadline = time.monotonic() + timeout
    times = []
    try:
        while "Practice 1" not in _get(base + "practices/practice-1/"):
            if proc.poll() is not None or time.monotonic() > deadline:
                return [float("nan")]
            time.sleep(0.5)
        time.sleep(2.0)  # the watcher is running
        target = root / "practices/practice-1.yaml"
        for n in range(edits):
            marker = f"Edited {n} {time.time():.0f}"
            text = target.read_text(encoding="utf-8")
            start = text.index("title: ") + len("title: ")
            end = text.index("\n", start)
            target.write_text(text[:start] + f"Practice 1 {marker}" + text[end:], encoding="utf-8")
            saved = time.perf_counter()
            while not (marker in _get(base + "practices/practice-1/") and marker in _get(base + "practices/")):
                if proc.poll() is not None or time.monotonic() > deadline:
                    return [*times, float("nan")]
                time.sleep(0.05)
            times.append(time.perf_counter() - saved)
            time.sleep(1.0)
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("practices", type=int)
    parser.add_argument("--plain", action="store_true", help="without --dirty (every page rebuilt)")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--root", type=Path, help="an existing synthetic catalogue instead of a new one")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from bench import generate

    root = args.root
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="reskb-serve-")) / "catalogue"
        generate(root, args.practices)
    times = serve_rebuild(root, dirty=not args.plain, edits=args.edits)
    print(f"{args.practices} practices, mkdocs serve{'' if args.plain else ' --dirty'}: edit to served page "
          + ", ".join(f"{t:.1f} s" for t in times))


if __name__ == "__main__":
    main()
