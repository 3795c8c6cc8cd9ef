"""What the command line reads from a catalogue's mkdocs.yml without loading MkDocs: the site address."""

from __future__ import annotations

import os
from pathlib import Path

import yaml


def site_url(path: Path) -> str:
    """site_url from mkdocs.yml (its `!ENV [NAME, default]` form included); '/' when there is none."""
    class ConfigLoader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.SequenceNode):
            *names, default = loader.construct_sequence(node)
        else:
            names, default = [loader.construct_scalar(node)], None
        return next((os.environ[str(n)] for n in names if os.environ.get(str(n))), default)

    ConfigLoader.add_constructor("!ENV", env)
    ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)  # other MkDocs tags (!relative)
    config_file = path / "mkdocs.yml"
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=ConfigLoader)  # noqa: S506 (safe subclass)
    except (OSError, yaml.YAMLError):
        return "/"
    return str(config.get("site_url") or "/") if isinstance(config, dict) else "/"
