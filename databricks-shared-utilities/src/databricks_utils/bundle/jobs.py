"""Job task graphs: unique ``task_key`` per job, ``depends_on`` naming tasks of the same job, no cycles.

The JSON schema and the typed classes check each task alone; only the whole job shows a dependency on a
renamed task or a cycle, which the Jobs API would reject at deploy time.
"""

from __future__ import annotations

import graphlib

from databricks_utils.bundle.document import BundleDocument, YamlPath
from databricks_utils.bundle.report import BundleProblem


def job_problems(document: BundleDocument) -> list[BundleProblem]:
    """Duplicate task keys, dependencies on missing tasks and dependency cycles, for every job."""
    problems = []
    for name, job in document.mapping("resources", "jobs").items():
        tasks = job.get("tasks") if isinstance(job, dict) else None
        if isinstance(tasks, list):
            problems.extend(_job_problems(document, ("resources", "jobs", name), tasks))
    return problems


def _task_key(task: object) -> str | None:
    key = task.get("task_key") if isinstance(task, dict) else None
    return key if isinstance(key, str) else None


def _job_problems(document: BundleDocument, job: YamlPath, tasks: list[object]) -> list[BundleProblem]:
    problems: list[BundleProblem] = []
    first: dict[str, int] = {}
    for index, task in enumerate(tasks):
        key = _task_key(task)
        if key is None:
            continue  # a missing task_key is the schema's and the typed classes' to report
        if key in first:
            problems.append(
                document.problem(
                    (*job, "tasks", index, "task_key"),
                    f"task_key '{key}' is already used by tasks[{first[key]}] of job '{job[-1]}'. "
                    "Fix: give each task of a job its own task_key",
                )
            )
        else:
            first[key] = index
    graph: dict[str, set[str]] = {key: set() for key in first}
    for index, task in enumerate(tasks):
        key = _task_key(task)
        if key is not None:
            # A duplicate's edges stay out of the graph: they would make cycles of the duplication itself.
            edges = graph[key] if first[key] == index else set()
            problems.extend(_dependencies(document, (*job, "tasks", index), task, known=first, graph=edges))
    problems.extend(_cycles(document, job, graph, first))
    return problems


def _dependencies(
    document: BundleDocument, at: YamlPath, task: object, *, known: dict[str, int], graph: set[str]
) -> list[BundleProblem]:
    """Problems with one task's ``depends_on``; adds the keys it depends on to ``graph``."""
    depends_on = task.get("depends_on") if isinstance(task, dict) else None
    if not isinstance(depends_on, list):
        return []
    problems = []
    for index, dependency in enumerate(depends_on):
        key = _task_key(dependency)
        if key is None or "${" in key:  # a reference is resolved at deploy time
            continue
        if key in known:
            graph.add(key)
            continue
        problems.append(
            document.problem(
                (*at, "depends_on", index, "task_key"),
                f"task '{_task_key(task)}' depends on '{key}', which is not a task of job '{at[-3]}' "
                f"(tasks: {', '.join(known)}). Fix: use one of those task keys",
            )
        )
    return problems


def _cycles(
    document: BundleDocument, job: YamlPath, graph: dict[str, set[str]], index_of: dict[str, int]
) -> list[BundleProblem]:
    """One problem per dependency cycle, placed at the ``depends_on`` of a task in the cycle."""
    problems = []
    remaining = {key: set(edges) for key, edges in graph.items()}
    while True:
        try:
            graphlib.TopologicalSorter(remaining).prepare()
        except graphlib.CycleError as err:
            # graphlib lists [a, b, ..., a] where each node is a predecessor of the next: reversed, each
            # task depends on the next one.
            cycle: list[str] = list(reversed(err.args[1]))
            problems.append(
                document.problem(
                    (*job, "tasks", index_of[cycle[0]], "depends_on"),
                    f"tasks of job '{job[-1]}' depend on each other in a cycle: {' -> '.join(cycle)} (each depends "
                    "on the next). Fix: remove one of these depends_on entries",
                )
            )
            for key in cycle:  # report each independent cycle once
                remaining.pop(key, None)
            for edges in remaining.values():
                edges.difference_update(cycle)
            continue
        return problems
