"""BundleProblem and BundleReport: one line per problem, an OK line, notes last."""

import dataclasses

import pytest

from databricks_utils.bundle import BundleProblem, BundleReport


def test_a_problem_reads_file_line_path_message() -> None:
    assert str(BundleProblem(file="a.yml", line=3, path="bundle.name", message="m")) == "a.yml:3: bundle.name: m"
    assert str(BundleProblem(file="a.yml", line=None, path="bundle.name", message="m")) == "a.yml: bundle.name: m"
    assert str(BundleProblem(file="a.yml", line=7, path="", message="m")) == "a.yml:7: m"


def test_reports_and_problems_are_frozen() -> None:
    problem = BundleProblem(file="a.yml", line=3, path="p", message="m")
    report = BundleReport(root=".", bundle_name="b", targets=(), target=None, resource_count=0)

    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.problems = ()  # type: ignore[misc]


def test_format_ok_counts_resources_and_lists_targets() -> None:
    report = BundleReport(
        root=".",
        bundle_name="b",
        targets=("dev", "prod"),
        target="dev",
        resource_count=1,
        schema_source="s.json",
        notes=("n1",),
    )

    assert report.ok
    assert report.format() == "OK: b: 1 resource, targets: dev, prod (schema: s.json)\nnote: n1"


def test_format_problems_counts_them() -> None:
    problem = BundleProblem(file="a.yml", line=3, path="p", message="m")
    report = BundleReport(root="x", bundle_name="b", targets=(), target=None, resource_count=0, problems=(problem,))

    assert not report.ok
    assert report.format() == "a.yml:3: p: m\n1 problem in the bundle at x"
