"""A dataset profile (and the rules proposed from it) as a Markdown report for a pull request or a notebook.

The cells of the report are computed once here as plain text (:func:`column_cells`, :func:`column_details`,
:func:`finding_cells`, :func:`rule_cells`); :func:`profile_markdown` escapes them for Markdown and
:func:`~databricks_ai_agents.reports.profile_html` lets Jinja escape them for HTML, so both reports say the same.

Example:
    >>> from databricks_utils.profiling import DatasetProfile
    >>> print(profile_markdown(DatasetProfile(row_count=0, columns=(), jobs_used=1), title="orders").splitlines()[0])
    # orders
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Final, NamedTuple

from databricks_utils.profiling.findings import Finding, RuleProposal
from databricks_utils.profiling.model import ColumnProfile, DatasetProfile
from databricks_utils.quality.model import Rule

NONE: Final = "—"
"""What a cell shows when the statistic does not apply or was not computed."""
MAX_CELL: Final = 60
"""Characters of a data value (min, max, top value) shown in a table before it is cut with an ellipsis."""
COLUMN_HEADERS: Final = ("column", "type", "class", "nulls %", "distinct", "min", "max", "mean / inferred type")
FINDING_HEADERS: Final = ("severity", "column", "kind", "message", "evidence")
RULE_HEADERS: Final = ("name", "check", "arguments", "column", "criticality", "confidence", "evidence")

# Backslash-escape what Markdown would read as markup: backslash first (so our own escapes survive), the table
# pipe, raw HTML, code, links, emphasis and entities. '_' inside a word is never emphasis, so order_id stays as is.
_MARKDOWN_SPECIAL: Final = re.compile(r"[\\`*\[\]<>|&~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_NEWLINE: Final = re.compile(r"\r\n|\r|\n")
_SPARK_BLOCKS: Final = "▁▂▃▄▅▆▇█"
_EXACT_INTEGER: Final = 1e15  # below it a float holds an integer exactly: shown with separators, no exponent
_SCIENTIFIC_ABOVE: Final = 1e9
_SCIENTIFIC_BELOW: Final = 1e-4
_SMALLEST_SHARE: Final = 0.001  # one decimal of a percentage


class ColumnCells(NamedTuple):
    """One row of the columns table, as plain (unescaped) text."""

    name: str
    type: str
    semantic_class: str
    nulls: str
    distinct: str
    min: str
    max: str
    mean_or_type: str


class FindingCells(NamedTuple):
    """One row of the findings table, as plain text."""

    severity: str
    column: str
    kind: str
    message: str
    evidence: str


class RuleCells(NamedTuple):
    """One row of the proposed-rules table, as plain text."""

    name: str
    check: str
    arguments: str
    column: str
    criticality: str
    confidence: str
    evidence: str


def format_number(value: float | None) -> str:
    """A number for a reader: thousands separators, at most 4 decimals, scientific only when very large or small."""
    if value is None:
        return NONE
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < _EXACT_INTEGER:
        return f"{int(value):,}"
    if abs(value) >= _SCIENTIFIC_ABOVE or abs(value) < _SCIENTIFIC_BELOW:
        return f"{value:.4g}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_share(share: float) -> str:
    """A share as a percentage with one decimal, never rounding a non-zero share to 0 % or a partial one to 100 %."""
    if 0 < share < _SMALLEST_SHARE:
        return "<0.1 %"
    if 1 - _SMALLEST_SHARE < share < 1:
        return ">99.9 %"
    return f"{share * 100:.1f} %"


def shorten(text: str, limit: int = MAX_CELL) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: str) -> str:
    """A data value in double quotes with newlines and control characters escaped, e.g. ``"N/A"``."""
    return json.dumps(value, ensure_ascii=False)


def summary_items(profile: DatasetProfile, proposal: RuleProposal | None) -> tuple[tuple[str, str], ...]:
    """The dataset summary as ``(label, value)`` pairs."""
    items = [
        ("Rows", format_number(profile.row_count)),
        ("Columns", format_number(len(profile.columns))),
        ("Sample", profile.sample or "not described (the whole frame, or as the caller passed it)"),
        ("Spark jobs", format_number(profile.jobs_used)),
    ]
    if proposal is not None:
        items += [
            ("Findings", format_number(len(proposal.findings))),
            ("Proposed rules", format_number(len(proposal.rules.rules))),
        ]
    return tuple(items)


def column_cells(column: ColumnProfile) -> ColumnCells:
    """The columns-table row of ``column``."""
    if column.mean is not None:
        mean_or_type = format_number(column.mean)
    elif column.inferred_type is not None:
        share = column.inferred_type_share
        mean_or_type = column.inferred_type + ("" if share is None else f" ({format_share(share)})")
    else:
        mean_or_type = NONE
    return ColumnCells(
        name=column.name,
        type=column.spark_type,
        semantic_class=column.semantic_class.value,
        nulls=format_share(column.null_share),
        distinct=NONE if column.approx_distinct is None else f"≈{column.approx_distinct:,}",
        min=NONE if column.min is None else shorten(column.min),
        max=NONE if column.max is None else shorten(column.max),
        mean_or_type=mean_or_type,
    )


def column_details(column: ColumnProfile) -> tuple[tuple[str, str], ...]:
    """What the columns table does not show about ``column``, as ``(label, text)`` pairs (empty: nothing to add).

    Top values and the histogram are not included: each report draws them its own way.
    """
    details: list[tuple[str, str]] = []
    if column.quantiles is not None:
        q = column.quantiles
        low, high = q.iqr_fences
        points = {"p01": q.p01, "p25": q.p25, "p50": q.p50, "p75": q.p75, "p99": q.p99}
        quantiles = ", ".join(f"{name} {format_number(value)}" for name, value in points.items())
        details.append(("quantiles", quantiles))
        if column.outliers:
            fences = f"[{format_number(low)}, {format_number(high)}]"
            details.append(("outliers", f"{column.outliers:,} values outside the IQR fences {fences}"))
    if column.stddev is not None:
        details.append(("standard deviation", format_number(column.stddev)))
    if column.length is not None:
        details.append(("length", _range_text(column.length.min, column.length.max, column.length.mean, "characters")))
    if column.size is not None:
        details.append(("size", _range_text(column.size.min, column.size.max, column.size.mean, "elements")))
    if column.empties:
        details.append(("empty strings", f"{column.empties:,} empty or blank"))
    if column.sentinel_tokens:
        tokens = ", ".join(quote(token) for token in column.sentinel_tokens)
        found = f"{column.sentinel_count:,} values that stand for a missing value"
        details.append(("sentinel tokens", f"{tokens}: {found}"))
        if column.suggested_reader_options:
            options = "".join(f".option({quote(k)}, {quote(v)})" for k, v in column.suggested_reader_options.items())
            details.append(("fix when reading", f"spark.read{options} reads them as null"))
    return tuple(details)


def top_value_rows(column: ColumnProfile, row_count: int) -> tuple[tuple[str, str, str], ...]:
    """``(value, count, share of rows)`` per top value of ``column``; the value quoted and cut."""
    return tuple(
        (
            shorten(quote(value)),
            format_number(count),
            format_share(count / row_count) if row_count else NONE,
        )
        for value, count in column.top_values
    )


def finding_cells(finding: Finding) -> FindingCells:
    """The findings-table row of ``finding``."""
    return FindingCells(
        severity=finding.severity,
        column="(dataset)" if finding.column is None else finding.column,
        kind=finding.kind.replace("_", " "),
        message=finding.message,
        evidence=finding.evidence,
    )


def rule_cells(rule: Rule) -> RuleCells:
    """The proposed-rules-table row of ``rule``."""
    provenance = rule.provenance
    confidence = None if provenance is None else provenance.confidence
    arguments = ", ".join(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in rule.arguments.items())
    return RuleCells(
        name=rule.name,
        check=rule.check,
        arguments=shorten(arguments, 120),
        column=", ".join(rule.target_columns) or "(dataset)",
        criticality=rule.criticality,
        confidence=NONE if confidence is None else f"{confidence:.2f}",
        evidence=(provenance.evidence if provenance is not None else None) or rule.description or "",
    )


def markdown_text(text: str) -> str:
    """``text`` safe in Markdown prose and in a table cell: markup backslash-escaped, newlines as ``<br>``."""
    return _NEWLINE.sub("<br>", _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text))


def profile_markdown(profile: DatasetProfile, proposal: RuleProposal | None = None, *, title: str) -> str:
    r"""The profile (and the rules proposed from it) as one Markdown document.

    Sections: a summary (rows, columns, sample, Spark jobs), a table of the columns, details for the columns
    that have more to say (quantiles, outliers, sentinel tokens with the reader option that reads them as
    null, top values, a histogram sparkline), then the findings and the proposed rules when ``proposal`` is
    given. Every name and value is escaped: a ``|`` or a newline in a column name keeps the tables intact.

    Args:
        profile: What :func:`~databricks_utils.profiling.profile_dataframe` measured.
        proposal: Rules and findings derived from ``profile``; None leaves both sections out.
        title: The document heading, e.g. the table name.

    Returns:
        The Markdown text, ending with a newline.

    Example:
        >>> from databricks_utils.profiling import ColumnProfile, DatasetProfile, SemanticClass
        >>> column = ColumnProfile(name="a|b", spark_type="int", semantic_class=SemanticClass.MEASURE,
        ...                        count=2, nulls=0, null_share=0.0, mean=1.5)
        >>> report = profile_markdown(DatasetProfile(row_count=2, columns=(column,), jobs_used=2), title="t")
        >>> "| a\\|b | int |" in report
        True
    """
    lines = [f"# {markdown_text(title)}", "", "## Summary", ""]
    lines += [f"- **{label}:** {markdown_text(value)}" for label, value in summary_items(profile, proposal)]
    if profile.row_count == 0:
        lines += ["", "The dataset is empty: the report shows its schema only."]
    lines += ["", "## Columns", ""]
    lines += _table(COLUMN_HEADERS, (column_cells(column) for column in profile.columns), numeric={3, 4})
    details = [_column_section(column, profile.row_count) for column in profile.columns]
    if any(details):
        lines += ["", "## Column details"]
        for section in details:
            lines += section
    if proposal is not None:
        lines += ["", "## Findings", ""]
        if proposal.findings:
            lines += _table(FINDING_HEADERS, (finding_cells(finding) for finding in proposal.findings))
        else:
            lines.append("No findings.")
        lines += ["", "## Proposed rules", ""]
        if proposal.rules.rules:
            lines += _table(RULE_HEADERS, (rule_cells(rule) for rule in proposal.rules.rules), numeric={5})
        else:
            lines.append("No rules proposed.")
    return "\n".join(lines) + "\n"


def _column_section(column: ColumnProfile, row_count: int) -> list[str]:
    details = column_details(column)
    if not details and not column.top_values and not column.histogram:
        return []
    lines = ["", f"### {markdown_text(column.name)}", ""]
    lines += [f"- {label}: {markdown_text(text)}" for label, text in details]
    if column.histogram:
        counts = [bin_.count for bin_ in column.histogram]
        low, high = format_number(column.histogram[0].lower), format_number(column.histogram[-1].upper)
        lines.append(f"- histogram: {_sparkline(counts)} from {markdown_text(low)} to {markdown_text(high)}")
    if column.top_values:
        lines += ["", *_table(("value", "count", "share of rows"), top_value_rows(column, row_count), numeric={1, 2})]
    return lines


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Collection[int] = ()) -> list[str]:
    align = ["---:" if index in numeric else "---" for index in range(len(headers))]
    lines = [_row(headers), _row(align)]
    lines += [_row([markdown_text(cell) for cell in row]) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _range_text(low: int, high: int, mean: float, unit: str) -> str:
    return f"{low:,} to {high:,} {unit}, mean {format_number(mean)}"


def _sparkline(counts: Sequence[int]) -> str:
    top = max(counts)
    if top == 0:
        return _SPARK_BLOCKS[0] * len(counts)
    return "".join(_SPARK_BLOCKS[round(count / top * (len(_SPARK_BLOCKS) - 1))] for count in counts)
