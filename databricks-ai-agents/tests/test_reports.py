"""The profile reports: Markdown tables and escaping, a self-contained, well-formed HTML page with inline SVG charts."""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib.resources import files

import pytest

from databricks_ai_agents.reports import profile_html, profile_markdown
from databricks_ai_agents.reports.profile_html import histogram_chart, null_share_chart, top_values_chart
from databricks_ai_agents.reports.profile_markdown import (
    COLUMN_HEADERS,
    FINDING_HEADERS,
    RULE_HEADERS,
    format_number,
    format_share,
)
from databricks_utils.profiling import ColumnProfile, DatasetProfile, LengthStats, Quantiles, SemanticClass
from databricks_utils.profiling.findings import Finding, RuleProposal
from databricks_utils.profiling.model import HistogramBin
from databricks_utils.quality.model import RuleSet

XSS = "<script>alert(1)</script>"
NASTY = "&<>\"'"
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def column(name, spark_type="string", semantic_class=SemanticClass.CATEGORICAL, **stats):
    stats.setdefault("count", 1000 - stats.get("nulls", 0))
    stats.setdefault("nulls", 0)
    stats.setdefault("null_share", stats["nulls"] / 1000)
    return ColumnProfile(name=name, spark_type=spark_type, semantic_class=semantic_class, **stats)


def histogram(*counts, start=0.0, step=10.0):
    return tuple(
        HistogramBin(lower=start + i * step, upper=start + (i + 1) * step, count=c) for i, c in enumerate(counts)
    )


@pytest.fixture
def profile():
    return DatasetProfile(
        row_count=1000,
        jobs_used=3,
        sample="10% sample of main.sales.orders",
        columns=(
            column("order_id", semantic_class=SemanticClass.IDENTIFIER, approx_distinct=1000, min="A0001", max="A1000"),
            column(
                "amount",
                "double",
                SemanticClass.MEASURE,
                nulls=7,
                approx_distinct=812,
                min="0.5",
                max="9999.0",
                mean=123.456,
                stddev=12.3,
                quantiles=Quantiles(p01=1.0, p25=3.1, p50=5.0, p75=9.8, p99=100.0),
                outliers=12,
                histogram=histogram(5, 40, 100, 300, 200, 50, 3),
            ),
            column(
                f"{XSS} a|b\nc",
                approx_distinct=3,
                min="a",
                max="c",
                length=LengthStats(min=0, max=5, mean=1.2),
                empties=4,
                top_values=((NASTY, 600), ("NA", 300), ("x\ny|z", 100)),
                inferred_type="integer",
                inferred_type_share=0.98,
                sentinel_tokens=("NA", "N/A"),
                sentinel_count=310,
                suggested_reader_options={"nullValue": "NA"},
            ),
            column("prix €", "int", SemanticClass.MEASURE, mean=4.0, histogram=histogram(0, 0, 0)),
        ),
    )


@pytest.fixture
def proposal():
    return RuleProposal(
        rules=RuleSet(
            rules=[
                {
                    "name": "amount_in_range",
                    "check": "in_range",
                    "column": "amount",
                    "arguments": {"min": 0, "max": 10000},
                    "criticality": "warn",
                    "provenance": {"source": "profiler", "evidence": "p99 = 100 | fences", "confidence": 0.9},
                },
                {"name": "pair_unique", "check": "unique", "columns": ["order_id", f"{XSS} a|b\nc"]},
                {"name": "rows", "check": "row_count_between", "arguments": {"min": 1}},
            ]
        ),
        findings=(
            Finding(column="amount", kind="outliers", severity="warning", message="12 values\noutside", evidence=NASTY),
            Finding(kind="other", message="sampled | 10 %"),
        ),
    )


def empty_profile():
    names = ("id", "when", "tags")
    columns = tuple(
        ColumnProfile(name=n, spark_type=t, semantic_class=SemanticClass.UNKNOWN, count=0, nulls=0, null_share=0.0)
        for n, t in zip(names, ("bigint", "timestamp", "array<string>"), strict=True)
    )
    return DatasetProfile(row_count=0, columns=columns, jobs_used=1)


def nested_profile():
    return DatasetProfile(
        row_count=10,
        jobs_used=2,
        columns=(
            ColumnProfile(
                name="address",
                spark_type="struct<street:string,geo:struct<lat:double,lon:double>>",
                semantic_class=SemanticClass.NESTED,
                count=9,
                nulls=1,
                null_share=0.1,
            ),
            ColumnProfile(
                name="tags",
                spark_type="array<string>",
                semantic_class=SemanticClass.NESTED,
                count=10,
                nulls=0,
                null_share=0.0,
                size=LengthStats(min=0, max=4, mean=1.5),
            ),
            ColumnProfile(
                name="attrs",
                spark_type="map<string,array<int>>",
                semantic_class=SemanticClass.NESTED,
                count=0,
                nulls=10,
                null_share=1.0,
            ),
        ),
    )


# --- Markdown -----------------------------------------------------------------------------------------------------


def table_cells(line):
    """The cells of a Markdown table row, split on unescaped pipes, each unescaped."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells, cell, chars = [], "", iter(line[2:-2])
    for char in chars:
        if char == "\\":
            cell += next(chars)
        elif char == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
    return [*cells, cell.strip()]


def table_after(markdown, heading):
    """The rows of the first table after ``heading``: header, then body rows (the alignment row dropped)."""
    lines = markdown.splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return [table_cells(rows[0]), *(table_cells(row) for row in rows[2:])]


def test_markdown_columns_table_has_one_row_per_column_with_every_cell(profile):
    markdown = profile_markdown(profile, title="orders")

    header, *rows = table_after(markdown, "## Columns")

    assert header == list(COLUMN_HEADERS)
    assert [row[0] for row in rows] == ["order_id", "amount", f"{XSS} a|b<br>c", "prix €"]
    assert all(len(row) == len(COLUMN_HEADERS) for row in rows)
    assert rows[1] == ["amount", "double", "measure", "0.7 %", "≈812", "0.5", "9999.0", "123.456"]
    assert rows[2][-1] == "integer (98.0 %)"
    assert rows[0][-1] == "—"


def test_markdown_escapes_pipes_newlines_and_markup_in_names_and_values(profile, proposal):
    markdown = profile_markdown(profile, proposal, title="orders | <b>x</b>")

    assert markdown.startswith("# orders \\| \\<b\\>x\\</b\\>\n")
    assert "| \\<script\\>alert(1)\\</script\\> a\\|b<br>c | string |" in markdown
    assert re.findall(r"(?<!\\)<(?!br>)", markdown) == []  # every '<' is escaped but our own line breaks
    # The top value with a newline and a pipe stays in its cell; the value is quoted with its newline escaped.
    header, *rows = table_after(markdown, "### \\<script\\>alert(1)\\</script\\> a\\|b<br>c")
    assert header == ["value", "count", "share of rows"]
    assert rows == [['"&<>\\"\'"', "600", "60.0 %"], ['"NA"', "300", "30.0 %"], ['"x\\ny|z"', "100", "10.0 %"]]


def test_markdown_details_only_for_columns_with_more_to_say(profile):
    markdown = profile_markdown(profile, title="orders")

    assert "### order_id" not in markdown  # its table row says everything
    assert "- outliers: 12 values outside the IQR fences \\[-6.95, 19.85\\]" in markdown
    assert "- quantiles: p01 1, p25 3.1, p50 5, p75 9.8, p99 100" in markdown
    assert '- sentinel tokens: "NA", "N/A": 310 values that stand for a missing value' in markdown
    assert '- fix when reading: spark.read.option("nullValue", "NA") reads them as null' in markdown
    assert "- empty strings: 4 empty or blank" in markdown
    assert "- histogram: ▁▂▃█▆▂▁ from 0 to 70" in markdown
    assert "- histogram: ▁▁▁ from 0 to 30" in markdown


def test_markdown_findings_and_rules_tables(profile, proposal):
    markdown = profile_markdown(profile, proposal, title="orders")

    findings_header, *findings = table_after(markdown, "## Findings")
    rules_header, *rules = table_after(markdown, "## Proposed rules")

    assert findings_header == list(FINDING_HEADERS)
    assert findings == [
        ["warning", "amount", "outliers", "12 values<br>outside", NASTY],
        ["info", "(dataset)", "other", "sampled | 10 %", ""],
    ]
    assert rules_header == list(RULE_HEADERS)
    assert rules == [
        ["amount_in_range", "in_range", "min=0, max=10000", "amount", "warn", "0.90", "p99 = 100 | fences"],
        ["pair_unique", "unique", "", f"order_id, {XSS} a|b<br>c", "error", "—", ""],
        ["rows", "row_count_between", "min=1", "(dataset)", "error", "—", ""],
    ]
    assert "- **Findings:** 2" in markdown
    assert "- **Proposed rules:** 3" in markdown


def test_markdown_without_a_proposal_has_no_findings_or_rules_and_says_when_there_are_none(profile):
    assert "## Findings" not in profile_markdown(profile, title="orders")
    assert "## Proposed rules" not in profile_markdown(profile, title="orders")

    markdown = profile_markdown(profile, RuleProposal(rules=RuleSet()), title="orders")

    assert "No findings." in markdown
    assert "No rules proposed." in markdown


def test_markdown_summary_names_rows_columns_sample_and_jobs(profile):
    markdown = profile_markdown(profile, title="orders")

    assert "- **Rows:** 1,000\n- **Columns:** 4\n- **Sample:** 10% sample of main.sales.orders\n" in markdown
    assert "- **Spark jobs:** 3" in markdown


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (0.0, "0"), (1234567.0, "1,234,567"), (3.14159265, "3.1416"), (1234.5, "1,234.5"),
     (2.5e-7, "2.5e-07"), (3.2e12 + 0.5, "3.2e+12"), (float("nan"), "nan"), (-0.25, "-0.25")],
)  # fmt: skip
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("share", "text"), [(0.0, "0.0 %"), (0.0004, "<0.1 %"), (0.0074, "0.7 %"), (0.9999, ">99.9 %"), (1.0, "100.0 %")]
)
def test_format_share_never_rounds_to_zero_or_all(share, text):
    assert format_share(share) == text


# --- HTML ---------------------------------------------------------------------------------------------------------


class TreeChecker(HTMLParser):
    """Parses a page into its element tree and records every way it is not well formed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids, self.text = [], [], [], []
        self.tags, self.doctype, self.svgs = [], None, []
        self._svg_children = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"end tag of void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def _open(self, tag, attrs):
        if not self.tags and tag != "html":
            self.problems.append(f"root element is <{tag}>")
        self.tags.append(tag)
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if self._svg_children is not None and self._svg_children == [] and self.stack[-1] == "svg":
            self._svg_children.append(tag)
        if tag == "svg":
            self._svg_children = []
            self.svgs.append((attributes, self._svg_children))

    def check(self, page):
        self.feed(page)
        self.close()
        assert self.doctype == "DOCTYPE html"
        assert self.problems == []
        assert self.stack == [], f"never closed: {self.stack}"
        duplicates = {i for i in self.ids if self.ids.count(i) > 1}
        assert duplicates == set()
        return self


def checked(page):
    return TreeChecker().check(page)


def expected_charts(profile):
    return (
        len(profile.columns)
        + sum(1 for c in profile.columns if c.histogram)
        + sum(1 for c in profile.columns if c.top_values)
    )


def test_html_is_a_balanced_tree_with_unique_ids(profile, proposal):
    tree = checked(profile_html(profile, proposal, title="orders"))

    assert tree.tags[:4] == ["html", "head", "meta", "meta"]
    assert len(tree.ids) > 10


def test_html_has_one_accessible_svg_per_chart(profile, proposal):
    tree = checked(profile_html(profile, proposal, title="orders"))

    assert len(tree.svgs) == expected_charts(profile) == 4 + 2 + 1
    for attributes, children in tree.svgs:
        assert attributes["role"] == "img"
        assert children[:1] == ["title"]  # the accessible name comes first
        assert attributes["aria-labelledby"] in tree.ids
    kinds = [attributes["class"] for attributes, _ in tree.svgs]
    assert kinds.count("chart nulls") == 4
    assert kinds.count("chart histogram") == 2
    assert kinds.count("chart top-values") == 1


def test_html_is_self_contained(profile, proposal):
    page = profile_html(profile, proposal, title="orders").lower()

    for external in ("http://", "https://", "src=", "<link", "<script", "<img", "<iframe", "url(", "@import", "//"):
        assert external not in page, external


def test_html_escapes_everything_the_data_and_caller_provide(profile, proposal):
    page = profile_html(profile, proposal, title=f"orders {XSS}")

    tree = checked(page)

    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # title, heading, table, charts, rules
    assert "<title>orders &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    text = "".join(tree.text)
    assert f"{XSS} a|b\nc" in text
    assert f'"{NASTY[:2]}' in text  # the top value, quoted, back to its characters once parsed
    assert NASTY in text  # the finding's evidence
    assert "&#34;&amp;&lt;&gt;\\&#34;&#39;&#34;" in page  # escaped in the source
    assert "script" not in tree.tags


def test_html_page_has_title_language_and_sections(profile, proposal):
    page = profile_html(profile, proposal, title="orders")

    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>orders</title>" in page
    for heading in ("Summary", "Columns", "Column details", "Findings", "Proposed rules"):
        assert f">{heading}</h2>" in page
    for header in (*COLUMN_HEADERS, *FINDING_HEADERS, *RULE_HEADERS):
        assert f">{header.replace('&', '&amp;')}</th>" in page
    assert '<a href="#col-1">amount</a>' in page  # a column with details links to them
    assert '<th scope="row">order_id</th>' in page  # one without does not


def test_html_without_a_proposal_has_no_findings_or_rules(profile):
    page = profile_html(profile, title="orders")

    checked(page)
    assert "Findings" not in page
    assert "Proposed rules" not in page


@pytest.mark.parametrize("render", [profile_html, profile_markdown])
def test_an_empty_dataset_with_all_null_columns_renders(render):
    report = render(empty_profile(), RuleProposal(rules=RuleSet()), title="empty")

    assert "The dataset is empty" in report
    assert "Column details" not in report
    if render is profile_html:
        tree = checked(report)
        assert len(tree.svgs) == 3  # a null-share bar per column, nothing else to draw
        assert "Nulls in id: 0.0 % (0 of 0 rows)" in report
    else:
        _, *rows = table_after(report, "## Columns")
        assert rows[2] == ["tags", "array<string>", "unknown", "0.0 %", "—", "—", "—", "—"]


@pytest.mark.parametrize("render", [profile_html, profile_markdown])
def test_nested_columns_render_with_their_types_and_sizes(render):
    report = render(nested_profile(), title="nested")

    assert "struct&lt;street:string,geo:struct&lt;lat:double,lon:double&gt;&gt;" in report or (
        "struct\\<street:string,geo:struct\\<lat:double,lon:double\\>\\>" in report
    )
    assert "0 to 4 elements, mean 1.5" in report
    assert "100.0 %" in report
    if render is profile_html:
        assert len(checked(report).svgs) == 3


def test_chart_geometry():
    measure = column("x", "double", SemanticClass.MEASURE, histogram=histogram(1, 4, 2))
    categorical = column("c", top_values=(("a", 500), ("b", 250)))
    half_null = column("n", nulls=500)

    bars = histogram_chart(measure).bars
    top = top_values_chart(categorical, 1000)
    nulls = null_share_chart(half_null, 1000)

    assert [bar.height for bar in bars] == [25.0, 100.0, 50.0]
    assert [bar.y + bar.height for bar in bars] == [100.0] * 3  # bars stand on the axis
    assert bars[-1].label == "[20, 30]: 2 values"  # the last bin includes its upper bound
    assert [bar.width for bar in top.bars] == [200.0, 100.0]
    assert top.bars[1].label == '"b": 250 (25.0 % of rows)'
    assert top.height == 36
    assert nulls.bars[0].width == 40.0
    assert nulls.title == "Nulls in n: 50.0 % (500 of 1,000 rows)"
    assert histogram_chart(categorical) is None
    assert top_values_chart(measure, 1000) is None


def test_the_template_ships_inside_the_package():
    assert (files("databricks_ai_agents.reports") / "templates" / "profile.html.j2").is_file()


@pytest.mark.subprocess
def test_reports_import_neither_the_cli_nor_spark():
    code = (
        "import sys, databricks_ai_agents.reports; "
        "bad = [m for m in sys.modules if m.startswith(('pyspark', 'databricks_ai_agents.cli', 'anthropic', 'mcp'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.subprocess
def test_html_renders_in_headless_chromium_without_console_errors(profile, proposal, tmp_path):
    browser = chromium()
    if browser is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on PATH; the structural HTML tests still ran")
    page = tmp_path / "profile.html"
    page.write_text(profile_html(profile, proposal, title=f"orders {XSS}"), encoding="utf-8")

    result = subprocess.run(
        [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"<svg\b", result.stdout)) == expected_charts(profile)
    assert "<title>orders &lt;script&gt;alert(1)&lt;/script&gt;</title>" in result.stdout
    console = [line for line in result.stderr.splitlines() if "Uncaught" in line or ":CONSOLE" in line]
    assert console == []
