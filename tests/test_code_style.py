import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_ruff_is_clean():
    beside_python = Path(sys.executable).parent / "ruff"
    ruff = str(beside_python) if beside_python.exists() else shutil.which("ruff")
    assert ruff, "ruff is not installed: pip install -e '.[test]'"
    result = subprocess.run([ruff, "check", "src", "tests", "scripts"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_imports_cleanly_with_warnings_as_errors():
    """The whoosh fork and our modules import without DeprecationWarning/SyntaxWarning on this Python."""
    code = "import reskb.cli, reskb.site.plugin, reskb.site.pages, reskb.records.validate, whoosh.index"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
