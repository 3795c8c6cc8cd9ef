"""scripts/bench.py's verdicts: met / not met against a target, the linear-growth rule, and the page
weight it adds up. Tiny inputs only; the benchmark itself is never run here."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts/bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_met_against_strict_and_inclusive_targets(bench):
    assert bench.is_met(2.0, ("<=", 2)) is True
    assert bench.is_met(2.0, ("<", 2)) is False
    assert bench.is_met(2.01, ("<=", 2)) is False
    assert bench.is_met(None, ("<", 3)) is None


def test_a_stopped_measurement_fails_a_target_it_already_passed(bench):
    assert bench.is_met(None, ("<=", 5), over=900) is False
    assert bench.is_met(None, ("<=", 5), over=4) is None


def test_targets_apply_only_at_the_sizes_the_issue_names(bench):
    serve = bench.BY_NAME["serve_rebuild_s"]
    assert bench.target_for(serve, 1000) == ("<=", 2)
    assert bench.target_for(serve, 5000) == ("<=", 5)
    assert bench.target_for(serve, 100) is None
    assert bench.target_for(bench.BY_NAME["max_page_kb_gz"], 100) == ("<=", 300)  # every page, every size


def test_growth_ratio_is_cost_per_practice_relative_to_the_base(bench):
    assert bench.growth_ratio(10.0, 1000, 100.0, 10000) == pytest.approx(1.0)  # linear
    assert bench.growth_ratio(10.0, 1000, 1000.0, 10000) == pytest.approx(10.0)  # quadratic
    assert bench.growth_ratio(10.0, 1000, 10.0, 10000) == pytest.approx(0.1)  # constant
    assert bench.growth_verdict(1.2) == "met"
    assert bench.growth_verdict(1.21) == "not met"


def test_growth_table_flags_superlinear_figures_and_stopped_ones(bench):
    rows = [{"practices": 1000, "build_s": 10.0, "validate_cold_s": 1.0, "serve_rebuild_s": 20.0},
            {"practices": 10000, "build_s": 110.0, "validate_cold_s": 30.0, "stopped": {"serve_rebuild_s": 900}}]
    lines = {line.split(" | ")[0].lstrip("| "): line for line in bench.growth_table(rows)}
    assert lines["build (s)"].endswith("| 1.10 | met |")
    assert lines["validate, cold (s)"].endswith("| 3.00 | **not met** |")
    assert "> 4.50" in lines["preview: serve rebuild after one YAML edit (s)"]
    assert "not met" in lines["preview: serve rebuild after one YAML edit (s)"]


def test_growth_table_leaves_out_ratios_which_are_not_costs_per_practice(bench):
    rows = [{"practices": 1000, "build_s": 10.0, "build_ratio": 1.5, "build_cpu_ratio": 1.4},
            {"practices": 5000, "build_s": 50.0, "build_ratio": 1.5, "build_cpu_ratio": 1.4}]
    table = "\n".join(bench.growth_table(rows))
    assert "| build (s) | 1.00 | met |" in table
    assert "build / plain" not in table


def test_size_table_prints_target_and_verdict(bench):
    table = "\n".join(bench.size_table({"practices": 5000, "validate_cold_s": 3.5, "build_ratio": 1.2,
                                        "stopped": {"serve_rebuild_s": 900}}))
    assert "| validate, cold (s) | 3.50 | < 3 | **not met** |" in table
    assert "| build / plain build | 1.20x | <= 1.3 | met |" in table
    assert "| over 900 s (stopped) | <= 5 | **not met** |" in table


def test_page_weight_adds_the_page_and_what_it_loads(bench, tmp_path):
    site = tmp_path
    (site / "assets").mkdir()
    (site / "search").mkdir()
    (site / "assets/app.js").write_text("var a = 1;" * 50)
    (site / "assets/style.css").write_text("p { color: red }" * 50)
    (site / "assets/worker.js").write_text("onmessage = null;" * 50)
    (site / "search/search_index.json").write_text(json.dumps({"docs": ["word"] * 500}))
    config = json.dumps({"base": ".", "search": "assets/worker.js"})
    html = ('<link rel="stylesheet" href="assets/style.css"><script src="assets/app.js"></script>'
            '<script src="https://cdn.example.org/x.js"></script>'
            f'<script id="__config" type="application/json">{config}</script>')
    (site / "index.html").write_text(html)
    (site / "plain.html").write_text("<p>no scripts</p>")

    def gz(path: Path) -> float:
        return len(gzip.compress(path.read_bytes(), compresslevel=6)) / 1e3

    weight = bench.page_weight(site)
    expected = sum(gz(site / name) for name in ("index.html", "assets/app.js", "assets/style.css",
                                                "assets/worker.js", "search/search_index.json"))
    assert weight["max_page_kb_gz"] == pytest.approx(expected)
    assert weight["heaviest_page"].startswith("index.html")
    assert weight["search_index_kb_gz"] == pytest.approx(gz(site / "search/search_index.json"))


def test_page_weight_follows_paths_from_the_server_root_under_site_url(bench, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/app.js").write_text("var a = 1;" * 5000)
    (tmp_path / "404.html").write_text('<script src="/reskb/assets/app.js"></script>')
    weight = bench.page_weight(tmp_path)
    assert weight["heaviest_page"].startswith("404.html (HTML 0, assets/app.js")


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")
def test_tree_memory_adds_up_a_process_and_its_children(bench):
    # a parent and a forked child each fill 60 MiB of their own: the tree's peak counts both
    program = ("import os, time\n"
               "pid = os.fork()\n"
               "block = bytearray(60 * 1024 * 1024)\n"
               "block[::4096] = b'x' * len(block[::4096])\n"
               "time.sleep(1.5)\n"
               "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n")
    run = bench.timed([sys.executable, "-c", program], {}, sample_memory=True)
    assert run.returncode == 0
    assert run.total_mb is not None and 120 < run.total_mb < 250  # both blocks, and not the process that timed them


def test_the_cold_run_waits_until_the_catalogue_is_settled(bench, tmp_path, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    (tmp_path / "practices").mkdir()
    (tmp_path / "practices/new.yaml").write_text("id: new\n")
    waited = bench.wait_until_settled(tmp_path)
    assert 2.0 < waited <= bench.SETTLE_S and slept == [waited]  # just written: it waits out the cache's 2 s
    os.utime(tmp_path / "practices/new.yaml", (1e9, 1e9))
    assert bench.wait_until_settled(tmp_path) == 0.0  # written long ago
