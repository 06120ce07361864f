"""Job task graphs: unique task keys, dependencies on tasks of the same job, no cycles."""

from pathlib import Path

from databricks_utils.bundle import BundleProblem, validate_bundle


def only(report) -> BundleProblem:
    assert len(report.problems) == 1, report.format()
    return report.problems[0]


def test_a_duplicate_task_key_is_a_problem(bundle: Path, edit, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(job, "        - task_key: gold", "        - task_key: silver")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_job.yml",
        line=line(job, "        - task_key: silver", 2),
        path="resources.jobs.orders.tasks[2].task_key",
        message="task_key 'silver' is already used by tasks[1] of job 'orders'. "
        "Fix: give each task of a job its own task_key",
    )


def test_a_dependency_on_a_missing_task_is_a_problem(bundle: Path, edit, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(job, "            - task_key: silver", "            - task_key: silverr")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_job.yml",
        line=line(job, "task_key: silverr"),
        path="resources.jobs.orders.tasks[2].depends_on[0].task_key",
        message="task 'gold' depends on 'silverr', which is not a task of job 'orders' (tasks: bronze, silver, gold). "
        "Fix: use one of those task keys",
    )


def test_a_dependency_cycle_is_a_problem(bundle: Path, edit, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(
        job,
        "      tasks:\n        - task_key: bronze\n",
        "      tasks:\n        - task_key: bronze\n          depends_on:\n            - task_key: gold\n",
    )

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_job.yml",
        line=line(job, "depends_on:"),
        path="resources.jobs.orders.tasks[0].depends_on",
        message="tasks of job 'orders' depend on each other in a cycle: bronze -> gold -> silver -> bronze (each "
        "depends on the next). Fix: remove one of these depends_on entries",
    )


def test_each_independent_cycle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text(
        """\
bundle:
  name: b
resources:
  jobs:
    loops:
      name: loops
      tasks:
        - task_key: a
          depends_on: [{task_key: b}]
          notebook_task: {notebook_path: ./a}
        - task_key: b
          depends_on: [{task_key: a}]
          notebook_task: {notebook_path: ./b}
        - task_key: self
          depends_on: [{task_key: self}]
          notebook_task: {notebook_path: ./c}
"""
    )

    report = validate_bundle(tmp_path)

    assert [(p.line, p.path, p.message.split(" (")[0]) for p in report.problems] == [
        (
            9,
            "resources.jobs.loops.tasks[0].depends_on",
            "tasks of job 'loops' depend on each other in a cycle: a -> b -> a",
        ),
        (
            15,
            "resources.jobs.loops.tasks[2].depends_on",
            "tasks of job 'loops' depend on each other in a cycle: self -> self",
        ),
    ]


def test_references_and_incomplete_tasks_are_left_to_other_checks(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text(
        """\
bundle:
  name: b
variables:
  first:
    default: a
resources:
  jobs:
    odd:
      name: odd
      tasks:
        - task_key: a
          notebook_task: {notebook_path: ./a}
        - task_key: b
          depends_on: [{task_key: "${var.first}"}, {outcome: "true"}, plain]
          notebook_task: {notebook_path: ./b}
        - task_key: c
          depends_on: none
          notebook_task: {notebook_path: ./c}
    no_tasks:
      name: nothing
    tasks_is_text:
      name: t
      tasks: ${var.first}
"""
    )

    report = validate_bundle(tmp_path)

    # The graph checks skip what they cannot read; the typed classes report each malformed dependency.
    assert [(p.line, p.path, p.message.split(": ", 1)[1]) for p in report.problems] == [
        (
            14,
            "resources.jobs.odd.tasks[1].depends_on[1]",
            "TaskDependency.__init__() missing 1 required keyword-only argument: 'task_key'. "
            "Fix: add the missing field",
        ),
        (
            14,
            "resources.jobs.odd.tasks[1].depends_on[2]",
            "Unexpected type: TaskDependency for plain. Fix: write a value of the type the field expects",
        ),
        (
            17,
            "resources.jobs.odd.tasks[2].depends_on",
            "Unexpected type: list[Union[Variable[TaskDependency], TaskDependency]] for 'none'. "
            "Fix: write a value of the type the field expects",
        ),
    ]
