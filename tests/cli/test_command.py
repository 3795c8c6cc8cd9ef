"""The installed `reskb` command (cli.run): after `validate` it ends the process at once, without freeing its
objects one by one (os._exit), so whatever it printed must reach the pipe and nothing may be left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, edit
from reskb.cli import main

COMMAND = [sys.executable, "-c", "import sys; from reskb.cli import run; sys.argv[0] = 'reskb'; run()"]


def reskb(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as installed, in a process of its own, its output piped; its own cache and temporary folders."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path / "tmp")}
    env.pop("CI", None)
    env.pop("PYTHONUNBUFFERED", None)  # as on most machines: the output waits in a buffer until flushed
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run([*COMMAND, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_the_installed_command_is_run():
    from importlib.metadata import entry_points

    assert 'reskb = "reskb.cli:run"' in (REPO / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert [e.value for e in entry_points(group="console_scripts", name="reskb")] == ["reskb.cli:run"]


def test_validate_output_reaches_the_pipe_whole_before_the_process_ends(catalogue, tmp_path, capsys):
    """Hundreds of problems: far more than one buffer of output, all of it printed, cold and warm."""
    template = (catalogue / "practices/hessen-case-meetings.yaml").read_text(encoding="utf-8")
    for i in range(300):
        text = template.replace("id: hessen-case-meetings", f"id: copy-{i:03}")
        (catalogue / f"practices/copy-{i:03}.yaml").write_text(text.replace("topics: [family-support]",
                                                                            f"topics: [no-such-topic-{i}]"))
    assert main(["validate", str(catalogue)]) == 1
    expected = capsys.readouterr()
    assert len(expected.out) > 30_000  # many times the 8 KB a pipe's buffer holds
    for run in ("cold", "warm"):
        done = reskb(catalogue, tmp_path, "validate", ".")
        assert done.returncode == 1, run
        assert done.stdout == expected.out, run
        assert done.stderr.splitlines()[-1] == expected.err.splitlines()[-1], run


def test_validate_exits_0_on_a_valid_catalogue_and_leaves_no_temporary_folder(catalogue, tmp_path):
    """A cold run reads the bibliography (its formatter makes a temporary folder): it is removed, although the
    process ends without running finalizers."""
    done = reskb(catalogue, tmp_path, "validate", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []
    edit(catalogue / "practices/hessen-case-meetings.yaml", "topics: [family-support]", "topics: [nothing]")
    assert reskb(catalogue, tmp_path, "validate", ".").returncode == 1


def test_other_commands_exit_as_usual(catalogue, tmp_path):
    done = reskb(catalogue, tmp_path, "cite", "hessen-case-meetings", "--site-url", "https://example.org/")
    assert done.returncode == 0, done.stderr
    assert "Case meetings in Hessen" in done.stdout
    assert list((tmp_path / "tmp").iterdir()) == []  # the formatter's folder, removed by its finalizer at exit


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize("place", ["practices/pipe.yaml", "bibliography/pipe.bib", "docs/pipe.md"])
def test_a_pipe_among_the_files_is_reported_not_read(catalogue, tmp_path, place):
    """Reading a named pipe would wait for ever (and a socket cannot be read at all): validate names it instead."""
    os.mkfifo(catalogue / place)
    for _ in ("cold", "warm"):
        done = reskb(catalogue, tmp_path, "validate", ".")
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"{place}: not a regular file (a pipe, socket or device)" in done.stdout
