"""Rendering databricks-pipeline over its option matrix: every render is clean, lint-free and a valid bundle.

Real cookiecutter, real ruff (the rendered project's own config), the offline bundle validator with the
official Databricks bundle JSON schema read from ../shared/schemas (never copied into this repository).
"""

import compileall
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from databricks_project_templates import AnswersError, TemplateError, render_template, template_path
from databricks_utils.bundle import validate_bundle

# Every switch on and off at least once, every compute, format, CI provider, cloud and Python version.
MATRIX = {
    "defaults": {},
    "all-on": {
        "project_name": "Shop Events",
        "streaming_ingestion": "yes",
        "ml_feature_table": "yes",
        "dashboard": "yes",
        "databricks_app": "yes",
        "ci_provider": "gitlab",
        "source_format": "json",
        "compute": "classic",
        "cloud": "azure",
        "python_version": "3.12",
    },
    "all-off": {
        "project_name": "Bare",
        "dashboard": "no",
        "ci_provider": "none",
        "source_format": "parquet",
        "cloud": "gcp",
    },
    "stream-classic": {
        "project_name": "Click Stream",
        "streaming_ingestion": "yes",
        "source_format": "parquet",
        "compute": "classic",
        "ci_provider": "azure_devops",
        "cloud": "aws",
    },
    "ml-app": {
        "project_name": "Churn Features",
        "ml_feature_table": "yes",
        "databricks_app": "yes",
        "dashboard": "no",
        "compute": "classic",
        "cloud": "gcp",
        "catalog_prod": "analytics_prod",
    },
}
SWITCHED_FILES = {
    "dashboard": ["dashboards/{slug}.lvdash.json", "resources/{slug}.dashboard.yml"],
    "databricks_app": ["databricks_apps/{slug}/app.yaml", "resources/{slug}.app.yml"],
    "streaming_ingestion": ["pipelines/bronze/stream.py", "tests/unit/test_bronze_stream.py"],
    "ml_feature_table": ["pipelines/gold/features.py", "tests/unit/test_gold_features.py"],
}
CI_FILES = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml", "azure_devops": "azure-pipelines.yml"}
JINJA_LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|%\}")  # GitHub Actions' own ${{ ... }} is not Jinja


@pytest.fixture(scope="module")
def renders(tmp_path_factory) -> dict[str, tuple[Path, dict[str, str]]]:
    """Each matrix entry rendered once: (project folder, the answers as recorded in the project)."""
    out = {}
    for name, answers in MATRIX.items():
        project = render_template("databricks-pipeline", tmp_path_factory.mktemp(name), answers)
        recorded = json.loads((project / ".databricks-template.json").read_text(encoding="utf-8"))
        out[name] = (project, recorded)
    return out


@pytest.mark.parametrize("variant", MATRIX)
def test_no_jinja_is_left_and_every_data_file_parses(renders, variant):
    project, _ = renders[variant]
    for path in project.rglob("*"):
        if path.is_dir() or path.suffix == ".parquet":
            continue
        text = path.read_text(encoding="utf-8")
        assert not JINJA_LEFTOVER.search(text), f"{path.relative_to(project)} keeps Jinja syntax"
        if path.suffix in {".yml", ".yaml"}:
            assert yaml.safe_load(text) is not None or path.stat().st_size == 0
        elif path.suffix == ".json" and path.parent.name == "sample":
            assert [json.loads(line) for line in text.splitlines()]  # JSON Lines, as Spark reads them
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".toml":
            tomllib.loads(text)
    assert not list(project.rglob("__pycache__"))


@pytest.mark.parametrize("variant", MATRIX)
def test_python_compiles_and_is_ruff_clean_under_the_projects_own_config(renders, variant, tmp_path):
    project, _ = renders[variant]
    assert compileall.compile_dir(project, quiet=1, legacy=False, force=True)
    for path in project.rglob("__pycache__"):  # compileall writes caches; keep the render pristine
        for cached in path.iterdir():
            cached.unlink()
        path.rmdir()
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--cache-dir", str(tmp_path / "ruff-cache")],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variant", MATRIX)
@pytest.mark.parametrize("target", ["dev", "lab", "prod"])
def test_the_bundle_is_valid_for_every_target(renders, bundle_schema, variant, target):
    project, answers = renders[variant]
    report = validate_bundle(project, schema=bundle_schema, target=target)
    assert report.ok, report.format()
    assert report.bundle_name == answers["project_slug"]
    assert report.schema_source is not None


@pytest.mark.parametrize("variant", MATRIX)
def test_switches_add_and_prune_their_files(renders, variant):
    project, answers = renders[variant]
    slug = answers["project_slug"]
    for switch, paths in SWITCHED_FILES.items():
        for path in paths:
            assert (project / path.format(slug=slug)).exists() == (answers[switch] == "yes"), (switch, path)
    for provider, path in CI_FILES.items():
        assert (project / path).exists() == (answers["ci_provider"] == provider)
    for folder in ("src", "config", "pipelines", "data_validation", "monte_carlo", "dashboards", "databricks_apps"):
        assert (project / folder).is_dir(), folder  # the nine folders are always there (with tests/ and docs/)
    assert (project / "tests" / "unit").is_dir() and (project / "tests" / "integration").is_dir()
    assert (project / "docs" / "architecture.md").is_file() and (project / "docs" / "runbook.md").is_file()
    formats = {path.suffix.lstrip(".") for path in (project / "data" / "sample").iterdir()}
    assert formats == {answers["source_format"]}


def test_job_follows_compute_and_layers_depend_on_each_other(renders):
    for variant, (project, answers) in renders.items():
        job_file = project / "resources" / f"{answers['project_slug']}.job.yml"
        [job] = yaml.safe_load(job_file.read_text(encoding="utf-8"))["resources"]["jobs"].values()
        tasks = {task["task_key"]: task for task in job["tasks"]}
        assert list(tasks) == ["bronze", "silver", "gold"], variant
        assert tasks["silver"]["depends_on"] == [{"task_key": "bronze"}]
        assert tasks["gold"]["depends_on"] == [{"task_key": "silver"}]
        serverless = answers["compute"] == "serverless"
        assert ("environments" in job) == serverless
        assert ("job_clusters" in job) == (not serverless)
        assert tasks["bronze"]["python_wheel_task"]["entry_point"] == f"{answers['project_slug']}-bronze"


def test_answers_are_recorded_for_later_template_updates(renders):
    _, answers = renders["all-on"]
    assert answers["template"] == "databricks-pipeline"
    assert answers["template_version"] == "0.1.0"
    assert (answers["project_slug"], answers["package_name"]) == ("shop-events", "shop_events")
    assert not any(key.startswith("_") for key in answers)


def test_bad_answers_write_nothing(tmp_path):
    with pytest.raises(AnswersError) as caught:
        render_template("databricks-pipeline", tmp_path, {"package_name": "class", "catalog_dev": "select"})
    assert len(caught.value.problems) == 2
    assert "nothing was written" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_unknown_options_are_refused_with_the_closest_one(tmp_path):
    with pytest.raises(
        AnswersError, match=r"package_nme is not an option of databricks-pipeline \(did you mean 'package_name'\?\)"
    ):
        render_template("databricks-pipeline", tmp_path, {"package_nme": "x"})
    with pytest.raises(AnswersError, match=r"zzz is not an option of databricks-pipeline \(options: project_name, "):
        render_template("databricks-pipeline", tmp_path, {"zzz": "x"})
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"rendering 'databricks-pipeline' into .* failed: .*Fix: check the output"):
        render_template("databricks-pipeline", not_a_folder)


def test_a_render_that_fails_half_way_leaves_nothing_behind(tmp_path):
    """A real mid-render failure: a file-size limit (RLIMIT_FSIZE) makes writing the larger files fail."""
    script = (
        "import resource, signal, sys\n"
        "from databricks_project_templates import TemplateError, render_template\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write raises OSError instead of killing us\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        f"    render_template('databricks-pipeline', {str(tmp_path)!r}, {{'project_name': 'Half'}})\n"
        "except TemplateError as err:\n"
        "    print(err)\n"
        "    sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 3, result.stderr
    assert "rendering 'databricks-pipeline' into" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_an_existing_project_is_not_overwritten_unless_asked(tmp_path):
    project = render_template("databricks-pipeline", tmp_path, {"project_name": "Twice"})
    (project / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"already exists\. Fix: choose another output folder"):
        render_template("databricks-pipeline", tmp_path, {"project_name": "Twice"})
    assert render_template("databricks-pipeline", tmp_path, {"project_name": "Twice"}, overwrite=True) == project
    assert (project / "notes.md").read_text(encoding="utf-8") == "mine"


def cookiecutter_cli(tmp_path, *answers):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            str(template_path("databricks-pipeline")),
            "--no-input",
            "-o",
            str(tmp_path),
            *answers,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_plain_cookiecutter_renders_the_template(tmp_path):
    result = cookiecutter_cli(tmp_path, "project_name=Plain Cookie")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "plain-cookie" / "databricks.yml").is_file()


def test_plain_cookiecutter_refuses_bad_answers_before_writing(tmp_path):
    result = cookiecutter_cli(tmp_path, "project_slug=../escape", "catalog_prod=from")
    assert result.returncode != 0
    assert "project_slug '../escape' is not a valid folder/bundle name" in result.stderr
    assert "catalog_prod 'from' is a reserved SQL word" in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent / "escape").exists()
