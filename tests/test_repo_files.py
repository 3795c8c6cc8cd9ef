"""The contributor-facing files of the repository: CI workflow, issue forms, pull-request template,
pre-commit configuration, and the guide's steps, example and checklist kept in step with each other."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from reskb.records.validate import load_catalogue

GITHUB = REPO / ".github"


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its bundled copy of the public schema: no network."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def section(path: Path, name: str) -> str:
    """A `--8<-- [start:name]` ... `[end:name]` section of a Markdown file (as the site includes it)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"<!-- --8<-- \[start:{name}\] -->\n(.*?)<!-- --8<-- \[end:{name}\] -->", text, re.DOTALL)
    assert match, f"no section {name!r} in {path.name}"
    return match.group(1)


def bash_lines(markdown: str) -> list[str]:
    return [line for block in re.findall(r"```bash\n(.*?)```", markdown, re.DOTALL) for line in block.splitlines()]


def test_workflows_match_the_public_schema():
    workflows = sorted((GITHUB / "workflows").glob("*.yml"))
    assert workflows
    result = check_jsonschema("vendor.github-workflows", *workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_and_their_config_match_the_public_schemas():
    forms = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
    assert {p.stem for p in forms} >= {"propose-practice", "report-correction"}
    result = check_jsonschema("vendor.github-issue-forms", *forms)
    assert result.returncode == 0, result.stdout + result.stderr
    result = check_jsonschema("vendor.github-issue-config", GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps: []\n")  # no runs-on
    assert check_jsonschema("vendor.github-workflows", broken).returncode == 1


def _workflow() -> dict:
    # the key `on` is read as True by YAML 1.1 loaders: accept both
    return yaml.safe_load((GITHUB / "workflows" / "site.yml").read_text())


def test_workflow_validates_builds_tests_and_deploys_from_main():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    steps = {job: " ".join(str(s.get("run", "")) + " " + str(s.get("uses", "")) for s in body["steps"])
             for job, body in workflow["jobs"].items()}
    check = steps["check"]
    assert "reskb validate --format github" in check
    assert "mkdocs build --strict" in check
    assert "scripts/install-browser.sh" in check and "pytest" in check
    assert check.index("reskb validate") < check.index("mkdocs build") < check.index("pytest")
    assert "debian" in workflow["jobs"]["check"]["container"] or "bookworm" in workflow["jobs"]["check"]["container"]
    assert "actions/upload-pages-artifact" in steps["build-pages"] and "actions/deploy-pages" in steps["deploy"]
    assert "refs/heads/main" in workflow["jobs"]["build-pages"]["if"]
    build = next(s for s in workflow["jobs"]["build-pages"]["steps"] if "mkdocs build" in str(s.get("run", "")))
    assert "steps.pages.outputs.base_url" in build["env"]["RESKB_SITE_URL"]
    assert "/edit/" in build["env"]["RESKB_EDIT_URL"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_mkdocs_reads_the_site_and_edit_addresses_from_the_environment():
    text = (REPO / "mkdocs.yml").read_text()
    assert "site_url: !ENV [RESKB_SITE_URL," in text
    assert "edit_url: !ENV [RESKB_EDIT_URL," in text
    assert not re.search(r"^repo_url:", text, re.MULTILINE), "repo_url makes the theme call the GitHub API"


def test_pre_commit_runs_the_validator_and_yaml_checks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"check-yaml", "check-added-large-files", "reskb-validate"} <= set(hooks)
    local = next(repo for repo in config["repos"] if repo["repo"] == "local")["hooks"][0]
    assert local["entry"].startswith("reskb validate") and local["pass_filenames"] is False
    assert re.search(local["files"], "practices/x.yaml") and re.search(local["files"], "bibliography/a.bib")
    assert "--unsafe" not in str(hooks["check-yaml"].get("args", []))
    # mkdocs.yml is the one file check-yaml cannot read (MkDocs' own tags); every other YAML file is safe
    assert re.search(hooks["check-yaml"]["exclude"], "mkdocs.yml")
    for path in REPO.glob("**/*.y*ml"):
        if ".venv" in path.parts or path.name == "mkdocs.yml" or "node_modules" in path.parts:
            continue
        yaml.safe_load(path.read_text(encoding="utf-8"))


def test_pull_request_template_holds_the_review_checklist():
    checklist = [line for line in section(REPO / "CONTRIBUTING.md", "checklist").splitlines() if line.startswith("- [ ]")]
    template = (GITHUB / "pull_request_template.md").read_text()
    assert len(checklist) >= 6
    assert [line for line in template.splitlines() if line.startswith("- [ ]")] == checklist


def test_readme_and_contributing_give_the_same_commands():
    steps = bash_lines(section(REPO / "CONTRIBUTING.md", "steps"))
    readme = bash_lines((REPO / "README.md").read_text())
    assert steps == [line for line in readme if line in steps] and len(steps) >= 4, (steps, readme)
    for key in ("pip install -e .", "reskb new practice", "reskb validate", "mkdocs build --strict", "mkdocs serve"):
        assert any(key in line for line in steps), key


def test_site_page_includes_the_guide_sections_and_the_field_reference():
    page = (REPO / "docs" / "contributing.md").read_text()
    for name in ("steps", "example", "references", "editor", "checklist"):
        assert f'--8<-- "CONTRIBUTING.md:{name}"' in page
    assert "<!-- field-reference:start" in page and "<!-- field-reference:end -->" in page
    nav = yaml.safe_load((REPO / "mkdocs.yml").read_text().replace("!ENV", "").replace("!relative", ""))["nav"]

    def entries(items):
        for item in items:
            for value in item.values():
                yield from entries(value) if isinstance(value, list) else [item]

    assert {"Contribute": "contributing.md"} in entries(nav) and {"Recently added": "recent.md"} in entries(nav)


@pytest.mark.parametrize("doc", ["CONTRIBUTING.md"])
def test_annotated_example_record_is_valid(doc, tmp_path):
    """The example in the guide is a real record with comments: it must validate in the real catalogue."""
    import shutil

    example = re.search(r"```yaml\n(.*?)```", section(REPO / doc, "example"), re.DOTALL).group(1)
    record_id = yaml.safe_load(example)["id"]
    root = tmp_path / "cat"
    for folder in ("practices", "challenges", "topics", "bibliography"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "practices" / f"{record_id}.yaml").write_text(example, encoding="utf-8")
    _, problems = load_catalogue(root)
    assert [p.format_text() for p in problems if p.severity == "error"] == []
    assert example.count("#") >= 15, "the example should be annotated"


def test_vscode_recommends_the_yaml_extension():
    import json

    assert "redhat.vscode-yaml" in json.loads((REPO / ".vscode" / "extensions.json").read_text())["recommendations"]
    assert "redhat.vscode-yaml" in (REPO / "CONTRIBUTING.md").read_text()
