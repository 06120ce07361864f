"""What a bundle validation found: one :class:`BundleProblem` per finding, gathered in a :class:`BundleReport`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BundleProblem:
    """One thing wrong in a bundle's configuration, placed at the file and line that wrote it.

    Attributes:
        file: The file, relative to the bundle root (``resources/orders_job.yml``).
        line: Its 1-based line, or None when no line applies (a missing file, a missing key at the top).
        path: The dotted key path in the merged configuration (``resources.jobs.orders.tasks[1].task_key``).
        message: What is wrong and ``Fix: ...`` how to repair it.

    Example:
        >>> str(BundleProblem(file="databricks.yml", line=2, path="bundle.name", message="missing"))
        'databricks.yml:2: bundle.name: missing'
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class BundleReport:
    """The outcome of :func:`databricks_utils.bundle.validate_bundle`.

    Attributes:
        root: The bundle root folder as given.
        bundle_name: ``bundle.name``, or None when it is missing.
        targets: The target names, in file order.
        target: The target whose overrides were also checked (the one asked for, else the default), or None.
        resource_count: How many resources (jobs, pipelines, schemas...) the merged configuration defines.
        problems: What is wrong, sorted by file and line; empty when the bundle is valid.
        schema_source: Where the JSON schema came from, or None when it was not checked.
        notes: What was not checked and why (how to enable it), or was skipped on purpose.

    Example:
        >>> report = BundleReport(root=".", bundle_name="orders", targets=("dev",), target="dev", resource_count=2)
        >>> report.ok, report.format()
        (True, 'OK: orders: 2 resources, targets: dev (schema: not checked)')
    """

    root: str
    bundle_name: str | None
    targets: tuple[str, ...]
    target: str | None
    resource_count: int
    problems: tuple[BundleProblem, ...] = ()
    schema_source: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def format(self) -> str:
        """The report as text: an ``OK: ...`` line or one line per problem and a count, then the notes."""
        if self.ok:
            plural = "" if self.resource_count == 1 else "s"
            lines = [
                f"OK: {self.bundle_name}: {self.resource_count} resource{plural}, "
                f"targets: {', '.join(self.targets) or 'none'} (schema: {self.schema_source or 'not checked'})"
            ]
        else:
            plural = "" if len(self.problems) == 1 else "s"
            lines = [str(problem) for problem in self.problems]
            lines.append(f"{len(self.problems)} problem{plural} in the bundle at {self.root}")
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)
