"""The offline edition: the whole site as a zip that works from file://, for ministries on closed networks.

Built by the main build when the plugin's `offline_edition` option is on (CI sets RESKB_OFFLINE_EDITION):
a second `mkdocs build` of the same configuration with Material's `offline` plugin switched on
(RESKB_OFFLINE=true: page addresses end in .html, the search index is inlined as a script), zipped into
`downloads/reskb-offline.zip` of the published site and linked from its home page. Material's offline
plugin loads its iframe-worker shim from unpkg.com; the reskb plugin swaps that for a vendored copy, so
the zip makes no request to any other host.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .home import OFFLINE_ZIP

SHIM = "assets/reskb/iframe-worker-shim.js"
FOLDER = "reskb-offline"


def use_local_shim(polyfills: list) -> list:
    """Material's offline plugin adds the iframe-worker shim from unpkg.com: use our vendored copy instead."""
    return [SHIM if "iframe-worker" in str(script) else script for script in polyfills]


def build_zip(config_file: str, site_dir: str) -> Path:
    """Build the offline edition of `config_file` and write it to <site_dir>/downloads/reskb-offline.zip."""
    target = Path(site_dir) / OFFLINE_ZIP
    env = {**os.environ, "RESKB_OFFLINE": "true", "RESKB_OFFLINE_EDITION": "false", "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory(prefix="reskb-offline-") as tmp:
        out = Path(tmp) / FOLDER
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config_file,
                                 "-d", str(out)], capture_output=True, text=True, env=env, timeout=1800)
        if result.returncode != 0:
            raise RuntimeError(f"the offline edition did not build:\n{result.stderr}")
        target.parent.mkdir(parents=True, exist_ok=True)
        stamp = (1980, 1, 1, 0, 0, 0)  # fixed dates: the same catalogue gives the same zip
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(out).as_posix()}", stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
    return target


_HREF = re.compile(r'(\s(?:href|action)=")([^"#?:]*/)([?#][^"]*)?(")')


def file_links(html: str, page_dest: str, dest_paths: set[str]) -> str:
    """In a build without directory URLs (the offline edition), point links that our raw HTML writes as folders
    ("../practices/x/", "compare/?p=a,b") at the files that exist: practices/x.html, compare/index.html.
    Markdown links are already rewritten by MkDocs; links that match no file are left as they are."""
    base = posixpath.dirname(page_dest)

    def fix(match: re.Match[str]) -> str:
        path = match.group(2)
        target = posixpath.normpath(posixpath.join(base, path))
        for candidate in (target + ".html", posixpath.join(target, "index.html") if target != "." else "index.html"):
            if candidate in dest_paths:
                new = posixpath.relpath(candidate, base or ".")
                return f"{match.group(1)}{new}{match.group(3) or ''}{match.group(4)}"
        return match.group(0)

    return _HREF.sub(fix, html)
