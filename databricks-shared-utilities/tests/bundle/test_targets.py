"""A target's view: its overrides merged onto the root the way the CLI does, with the origin of each key."""

from pathlib import Path

from databricks_utils.bundle.loader import load_bundle
from databricks_utils.bundle.targets import default_target, target_document, target_names

BUNDLE = """\
bundle:
  name: b
  git:
    branch: main
variables:
  catalog:
    default: main
  cluster:
    type: complex
    default:
      spark_version: 15.4.x-scala2.12
      num_workers: 1
run_as:
  user_name: me@example.com
permissions:
  - level: CAN_VIEW
    group_name: users
resources:
  jobs:
    nightly:
      name: nightly
      parameters:
        - name: day
          default: today
      job_clusters:
        - job_cluster_key: main
          new_cluster: ${var.cluster}
      tasks:
        - task_key: extract
          notebook_task: {notebook_path: ./extract}
        - task_key: load
          depends_on: [{task_key: extract}]
          notebook_task: {notebook_path: ./load}
  pipelines:
    silver:
      name: silver
      clusters:
        - label: default
          num_workers: 1
        - num_workers: 9
targets:
  dev:
    default: true
    mode: development
  prod:
    mode: production
    cluster_id: 0101-abc
    git:
      branch: release
    run_as:
      service_principal_name: sp-1
    permissions:
      - level: CAN_MANAGE
        group_name: admins
    variables:
      catalog: prod
      cluster:
        num_workers: 8
    resources:
      jobs:
        nightly:
          parameters:
            - name: day
              default: yesterday
          tasks:
            - task_key: load
              max_retries: 3
            - task_key: report
              depends_on: [{task_key: load}]
              notebook_task: {notebook_path: ./report}
      pipelines:
        silver:
          clusters:
            - label: DEFAULT
              num_workers: 4
"""


def load(tmp_path: Path, text: str = BUNDLE):
    (tmp_path / "databricks.yml").write_text(text)
    document = load_bundle(tmp_path).document
    assert document is not None
    return document


def test_names_and_default(tmp_path: Path) -> None:
    document = load(tmp_path)

    assert target_names(document) == ("dev", "prod")
    assert default_target(document) == "dev"
    assert default_target(load(tmp_path, "targets:\n  only:\n")) == "only"
    assert default_target(load(tmp_path, "targets:\n  a:\n  b:\n")) is None
    assert default_target(load(tmp_path, "bundle:\n  name: b\n")) is None


def test_a_target_without_overrides_is_the_root_without_targets(tmp_path: Path) -> None:
    document = load(tmp_path)

    view, problems = target_document(document, "dev")

    assert problems == []
    assert "targets" not in view.data
    assert {key: value for key, value in view.data.items() if key != "resources"} == {
        key: value for key, value in document.data.items() if key not in ("targets", "resources")
    }
    assert view.data["resources"]["jobs"] == document.data["resources"]["jobs"]
    assert view.data["resources"]["jobs"] is not document.data["resources"]["jobs"]
    assert view.origin_of(("resources", "jobs", "nightly", "tasks", 1, "task_key")).line == 31


def test_sections_merge_and_run_as_is_replaced(tmp_path: Path) -> None:
    view, problems = target_document(load(tmp_path), "prod")

    assert problems == []
    assert view.data["run_as"] == {"service_principal_name": "sp-1"}
    assert view.data["bundle"] == {"name": "b", "git": {"branch": "release"}, "cluster_id": "0101-abc"}
    assert "mode" not in view.data["bundle"]  # bundle.mode is internal to the CLI, not in the schema
    assert [p["group_name"] for p in view.data["permissions"]] == ["users", "admins"]
    assert view.origin_of(("permissions", 1, "group_name")).line == 54
    assert view.origin_of(("bundle", "git", "branch")).line == 49


def test_target_variables_set_defaults(tmp_path: Path) -> None:
    view, _ = target_document(load(tmp_path), "prod")

    assert view.data["variables"]["catalog"] == {"default": "prod"}
    assert view.origin_of(("variables", "catalog", "default")).line == 56
    # A complex variable's mapping is its value, merged onto the root default like the CLI does.
    assert view.data["variables"]["cluster"]["default"] == {"spark_version": "15.4.x-scala2.12", "num_workers": 8}


def test_list_items_with_the_same_key_are_merged(tmp_path: Path) -> None:
    view, _ = target_document(load(tmp_path), "prod")
    job = view.data["resources"]["jobs"]["nightly"]

    assert [task["task_key"] for task in job["tasks"]] == ["extract", "load", "report"]
    assert job["tasks"][1] == {
        "task_key": "load",
        "depends_on": [{"task_key": "extract"}],
        "notebook_task": {"notebook_path": "./load"},
        "max_retries": 3,
    }
    assert job["parameters"] == [{"name": "day", "default": "yesterday"}]
    assert view.origin_of(("resources", "jobs", "nightly", "tasks", 1, "max_retries")).line == 67
    assert view.origin_of(("resources", "jobs", "nightly", "tasks", 1, "depends_on", 0, "task_key")).line == 32
    assert view.origin_of(("resources", "jobs", "nightly", "tasks", 2, "depends_on")).line == 69
    assert view.origin_of(("resources", "jobs", "nightly", "parameters", 0, "default")).line == 64


def test_pipeline_cluster_labels_match_case_insensitively_and_default_to_default(tmp_path: Path) -> None:
    dev, _ = target_document(load(tmp_path), "dev")
    prod, _ = target_document(load(tmp_path), "prod")

    assert dev.data["resources"]["pipelines"]["silver"]["clusters"] == [{"label": "default", "num_workers": 9}]
    assert prod.data["resources"]["pipelines"]["silver"]["clusters"] == [{"label": "DEFAULT", "num_workers": 4}]


def test_overrides_that_do_not_fit_are_skipped_or_reported(tmp_path: Path) -> None:
    text = (
        "bundle: just text\nvariables: [x]\nresources:\n  jobs: [x]\n"
        "  pipelines:\n    p: text\n    q:\n      clusters: none\n"
        "targets:\n  t:\n    mode: production\n    git: {branch: b}\n    variables: {x: 1}\n"
        "    resources:\n      jobs:\n        a: {}\n"
    )

    view, problems = target_document(load(tmp_path, text), "t")

    assert view.data["bundle"] == "just text"
    assert [(p.line, p.path, p.message.split(";")[0]) for p in problems] == [
        (15, "resources.jobs", "cannot merge a mapping into a list (set at databricks.yml:4)")
    ]


def test_undeclared_target_variables_are_left_out(tmp_path: Path) -> None:
    text = "variables:\n  a:\n    default: 1\n  b: 2\ntargets:\n  t:\n    variables:\n      nope: 1\n      b: 3\n"

    view, problems = target_document(load(tmp_path, text), "t")

    assert problems == []
    assert view.data["variables"] == {"a": {"default": 1}, "b": 2}
