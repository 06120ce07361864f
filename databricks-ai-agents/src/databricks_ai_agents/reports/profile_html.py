"""A dataset profile (and the rules proposed from it) as one self-contained HTML page with inline SVG charts.

The page needs no network: the CSS is inline, the charts are inline SVG drawn here, and there are no scripts,
fonts, images or links outside the page. Chart geometry is computed in Python (:func:`histogram_chart`,
:func:`top_values_chart`, :func:`null_share_chart`); the template ``templates/profile.html.j2`` lays it out
with autoescaping on, so a column named ``<script>`` is shown, never run.

Example:
    >>> from databricks_utils.profiling import DatasetProfile
    >>> page = profile_html(DatasetProfile(row_count=0, columns=(), jobs_used=1), title="orders")
    >>> page.startswith("<!DOCTYPE html>") and "<title>orders</title>" in page
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import jinja2

from databricks_ai_agents.reports.profile_markdown import (
    COLUMN_HEADERS,
    FINDING_HEADERS,
    RULE_HEADERS,
    ColumnCells,
    column_cells,
    column_details,
    finding_cells,
    format_number,
    format_share,
    quote,
    rule_cells,
    shorten,
    summary_items,
)
from databricks_utils.profiling.findings import RuleProposal
from databricks_utils.profiling.model import ColumnProfile, DatasetProfile

TEMPLATE: Final = "profile.html.j2"
_HISTOGRAM_WIDTH: Final = 320
_HISTOGRAM_PLOT_HEIGHT: Final = 100
_AXIS_HEIGHT: Final = 16
_TOP_LABEL_WIDTH: Final = 170
_TOP_BAR_WIDTH: Final = 200
_TOP_COUNT_WIDTH: Final = 80
_TOP_ROW_HEIGHT: Final = 18
_TOP_LABEL_CHARS: Final = 26
_NULL_WIDTH: Final = 80
_NULL_HEIGHT: Final = 10


@dataclass(frozen=True)
class Bar:
    """One rectangle of a chart, with the text a pointer or a screen reader gets for it."""

    x: float
    y: float
    width: float
    height: float
    label: str
    """Shown as the bar's own tooltip; empty when the chart title already says it."""


@dataclass(frozen=True)
class Label:
    """One text of a chart (an axis bound, a value name, a count)."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart: its size, accessible title, bars and texts."""

    kind: str
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...] = ()
    track: bool = False
    """Draw the full-width background bar (the null-share chart)."""


@dataclass(frozen=True)
class ColumnView:
    """What the template shows about one column."""

    anchor: str
    cells: ColumnCells
    null_chart: Chart
    details: tuple[tuple[str, str], ...]
    histogram: Chart | None
    top_values: Chart | None

    @property
    def has_details(self) -> bool:
        """True when the column gets a section of its own below the table."""
        return bool(self.details or self.histogram or self.top_values)


def histogram_chart(column: ColumnProfile) -> Chart | None:
    """Vertical bars, one per histogram bin of ``column`` (None without a histogram)."""
    bins = column.histogram
    if not bins:
        return None
    tallest = max(bin_.count for bin_ in bins) or 1
    width = _HISTOGRAM_WIDTH / len(bins)
    bars = []
    for position, bin_ in enumerate(bins):
        height = bin_.count / tallest * _HISTOGRAM_PLOT_HEIGHT
        closing = "]" if position == len(bins) - 1 else ")"
        label = f"[{format_number(bin_.lower)}, {format_number(bin_.upper)}{closing}: {bin_.count:,} values"
        bars.append(Bar(position * width + 0.5, _HISTOGRAM_PLOT_HEIGHT - height, max(width - 1, 0.5), height, label))
    low, high = format_number(bins[0].lower), format_number(bins[-1].upper)
    axis_y = _HISTOGRAM_PLOT_HEIGHT + _AXIS_HEIGHT - 4
    return Chart(
        kind="histogram",
        title=f"Histogram of {column.name}: {len(bins)} bins from {low} to {high}, at most {tallest:,} values per bin",
        width=_HISTOGRAM_WIDTH,
        height=_HISTOGRAM_PLOT_HEIGHT + _AXIS_HEIGHT,
        bars=tuple(bars),
        labels=(Label(0, axis_y, low), Label(_HISTOGRAM_WIDTH, axis_y, high, "end")),
    )


def top_values_chart(column: ColumnProfile, row_count: int) -> Chart | None:
    """Horizontal bars, one per top value of ``column``, most frequent first (None without top values)."""
    if not column.top_values:
        return None
    largest = max(count for _, count in column.top_values) or 1
    bars, labels = [], []
    for position, (value, count) in enumerate(column.top_values):
        top = position * _TOP_ROW_HEIGHT
        share = f" ({format_share(count / row_count)} of rows)" if row_count else ""
        width = count / largest * _TOP_BAR_WIDTH
        bars.append(Bar(_TOP_LABEL_WIDTH, top + 3, width, _TOP_ROW_HEIGHT - 6, f"{quote(value)}: {count:,}{share}"))
        baseline = top + _TOP_ROW_HEIGHT - 5
        labels.append(Label(_TOP_LABEL_WIDTH - 6, baseline, shorten(quote(value), _TOP_LABEL_CHARS), "end"))
        labels.append(Label(_TOP_LABEL_WIDTH + width + 4, baseline, format_number(count)))
    return Chart(
        kind="top-values",
        title=f"Most frequent values of {column.name}: {len(bars)} values",
        width=_TOP_LABEL_WIDTH + _TOP_BAR_WIDTH + _TOP_COUNT_WIDTH,
        height=len(bars) * _TOP_ROW_HEIGHT,
        bars=tuple(bars),
        labels=tuple(labels),
    )


def null_share_chart(column: ColumnProfile, row_count: int) -> Chart:
    """A bar filled to the share of nulls in ``column`` over a full-width track."""
    label = f"Nulls in {column.name}: {format_share(column.null_share)} ({column.nulls:,} of {row_count:,} rows)"
    fill = Bar(0, 0, column.null_share * _NULL_WIDTH, _NULL_HEIGHT, label="")  # the chart title says it all
    return Chart(kind="nulls", title=label, width=_NULL_WIDTH, height=_NULL_HEIGHT, bars=(fill,), track=True)


def profile_html(profile: DatasetProfile, proposal: RuleProposal | None = None, *, title: str) -> str:
    """The profile (and the rules proposed from it) as one HTML5 page that opens without a network.

    The page holds the sections of :func:`~databricks_ai_agents.reports.profile_markdown` with charts: a
    null-share bar for every column, a histogram for each measure that has one, bars of the most frequent
    values. Every name and value is HTML-escaped.

    Args:
        profile: What :func:`~databricks_utils.profiling.profile_dataframe` measured.
        proposal: Rules and findings derived from ``profile``; None leaves both sections out.
        title: The page title and heading, e.g. the table name.

    Returns:
        The HTML document, starting with ``<!DOCTYPE html>``.

    Raises:
        jinja2.TemplateNotFound: The package was installed without its ``reports/templates`` folder.

    Example:
        >>> from pathlib import Path
        >>> Path("orders_profile.html").write_text(profile_html(profile, title="orders"))  # doctest: +SKIP
    """
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("databricks_ai_agents.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    columns = [_column_view(index, column, profile.row_count) for index, column in enumerate(profile.columns)]
    return environment.get_template(TEMPLATE).render(
        title=title,
        summary=summary_items(profile, proposal),
        empty=profile.row_count == 0,
        column_headers=COLUMN_HEADERS,
        columns=columns,
        finding_headers=FINDING_HEADERS,
        findings=None if proposal is None else [finding_cells(finding) for finding in proposal.findings],
        rule_headers=RULE_HEADERS,
        rules=None if proposal is None else [rule_cells(rule) for rule in proposal.rules.rules],
    )


def _column_view(index: int, column: ColumnProfile, row_count: int) -> ColumnView:
    return ColumnView(
        anchor=f"col-{index}",
        cells=column_cells(column),
        null_chart=null_share_chart(column, row_count),
        details=column_details(column),
        histogram=histogram_chart(column),
        top_values=top_values_chart(column, row_count),
    )
