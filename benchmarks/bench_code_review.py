"""The code reviewer (`databricks-agent quality`) on a 50k-line PySpark corpus, against two competitors in the same run.

Corpus (built under build/bench-code-review/corpus, reused while the generator and the template are unchanged):
projects rendered from our cookiecutter template with different answers, plus generated PySpark projects
(transforms, readers, writers, UDFs, joins, window functions, jobs, tests, Databricks source notebooks), seeded
and deterministic, a mix of clean code and code with the usual antipatterns (collect without a limit,
`count() == 0`, withColumn in a loop, lambda UDFs, `repartition(1)` before a write, dbfs:/ paths, spark.sql
f-strings, print, SparkSession.builder...). Only `.py` files: the competitors do not read `.ipynb`.

Measured, median of RUNS after one warm-up:
- ours in-process: `review([corpus], config=QualityConfig())`;
- ours end to end: `databricks-agent quality CORPUS --format json --fail-on never --output FILE`, a new process;
- pyspark-antipattern 0.4.1 (Rust): `pyspark-antipattern check CORPUS`;
- databricks-labs-pylint 0.5.0: pylint with only the plugin's checkers (`--disable=all --enable=<its messages>`,
  as its README's "Testing in isolation" says), and pylint with all its checkers plus the plugin, as users run it
  (`pylint --load-plugins=databricks.labs.pylint.all`, one process: pylint's default `--jobs=1`).
  pylint is slow, so it runs PYLINT_RUNS times and its warm-up is one small file (its bytecode, the plugin's import);
  the corpus is in the file cache by then.

The competitors live in their own venv (build/bench-tools/.venv, created with uv when missing), never in the
repo's dependencies. Goals: ours <= 3x pyspark-antipattern's time; ours >= 10x faster than pylint + the plugin.
"""

import argparse
import hashlib
import inspect
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from databricks_ai_agents.lint import QualityConfig, review

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench-code-review"
CORPUS = WORK / "corpus"
MANIFEST = WORK / "corpus.json"
TOOLS_VENV = ROOT / "build" / "bench-tools" / ".venv"
TOOL_PINS = ("pyspark-antipattern==0.4.1", "databricks-labs-pylint==0.5.0")

GENERATOR_VERSION = 1  # bump when the generated code changes
SEED = 20261126
TARGET_LINES = 52_000
RUNS = 5
PYLINT_RUNS = 1
TIMEOUT = 900.0  # seconds, per run of a competitor
GOAL_VS_RUST = 3.0  # ours / pyspark-antipattern
GOAL_VS_PYLINT = 10.0  # pylint / ours

# The plugin's messages (its README, "Testing in isolation"), plus F so that a crashing checker still shows.
PLUGIN_MESSAGES = (
    "missing-data-security-mode,unsupported-runtime,dbutils-fs-cp,dbutils-fs-head,dbutils-fs-ls,dbutils-fs-mount,"
    "dbutils-credentials,dbutils-notebook-run,pat-token-leaked,internal-api,legacy-cli,incompatible-with-uc,"
    "notebooks-too-many-cells,notebooks-percent-run,spark-outside-function,use-display-instead-of-show,"
    "no-spark-argument-in-function,rewrite-as-for-loop,explicit-dependency-required,obscure-mock,mock-no-assign,"
    "mock-no-usage,dead-code,F"
)
TEMPLATE_VARIANTS: tuple[dict[str, str], ...] = (
    {"project_name": "Orders Pipeline"},
    {
        "project_name": "Shop Events",
        "source_format": "json",
        "streaming_ingestion": "yes",
        "ml_feature_table": "yes",
        "databricks_app": "yes",
    },
    {
        "project_name": "Claims Intake",
        "cloud": "azure",
        "compute": "classic",
        "source_format": "parquet",
        "dashboard": "no",
        "ci_provider": "azure_devops",
        "catalog_dev": "claims_dev",
    },
    {
        "project_name": "Sensor Readings",
        "cloud": "gcp",
        "python_version": "3.12",
        "streaming_ingestion": "yes",
        "ci_provider": "gitlab",
    },
    {
        "project_name": "Marketing Touchpoints",
        "ml_feature_table": "yes",
        "databricks_app": "yes",
        "ci_provider": "none",
    },
    {
        "project_name": "Ledger Entries",
        "compute": "classic",
        "source_format": "json",
        "dashboard": "no",
        "streaming_ingestion": "yes",
        "catalog_prod": "finance",
    },
)


# --------------------------------------------------------------------------------------------------------------
# Corpus generation
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """A table family: its key, event time, measures, categories, free text and the dimension it joins."""

    name: str
    key: str
    ts: str
    measures: tuple[str, ...]
    categories: tuple[str, ...]
    texts: tuple[str, ...]
    parent: str
    dimension: str

    @property
    def columns(self) -> list[str]:
        return [self.key, self.ts, self.parent, *self.measures, *self.categories, *self.texts]


DOMAINS = (
    Domain("orders", "order_id", "order_ts", ("amount", "quantity", "discount"), ("status", "country", "channel"),
           ("email", "note"), "customer_id", "customers"),
    Domain("payments", "payment_id", "paid_at", ("amount", "fee"), ("method", "currency", "status"),
           ("reference", "payer_name"), "order_id", "orders"),
    Domain("shipments", "shipment_id", "shipped_at", ("weight_kg", "cost"), ("carrier", "status", "region"),
           ("tracking_code", "address"), "order_id", "orders"),
    Domain("events", "event_id", "event_ts", ("duration_ms", "value"), ("event_type", "platform", "country"),
           ("page_url", "user_agent"), "session_id", "sessions"),
    Domain("claims", "claim_id", "filed_at", ("claimed_amount", "approved_amount"), ("claim_type", "status", "state"),
           ("description", "adjuster"), "policy_id", "policies"),
    Domain("readings", "reading_id", "measured_at", ("temperature", "humidity", "pressure"),
           ("sensor_type", "site", "unit"), ("firmware", "notes"), "device_id", "devices"),
    Domain("invoices", "invoice_id", "issued_at", ("total", "tax", "balance"), ("currency", "status", "terms"),
           ("customer_name", "po_number"), "account_id", "accounts"),
    Domain("inventory", "sku_id", "counted_at", ("on_hand", "reserved", "unit_cost"),
           ("warehouse", "category", "status"), ("description", "supplier"), "warehouse_id", "warehouses"),
    Domain("sessions", "session_id", "started_at", ("page_views", "revenue"), ("device", "source", "country"),
           ("landing_page", "referrer"), "user_id", "users"),
    Domain("trades", "trade_id", "executed_at", ("price", "quantity", "notional"), ("side", "venue", "asset_class"),
           ("trader", "book"), "instrument_id", "instruments"),
)  # fmt: skip
COMPANIES = ("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "soylent", "wonka",
             "cyberdyne", "oscorp", "vandelay", "dunder", "gringotts", "monarch", "aperture", "massive")  # fmt: skip
QUALITIES = (0.0, 0.05, 0.15, 0.3, 0.45, 0.6)  # chance of an antipattern at each place it could go, per project
WORDS = ("new", "paid", "shipped", "EU", "US", "web", "store", "gold", "open", "closed", "north", "south")


def fill(template: str, **values: object) -> str:
    """The dedented template with ``values`` put in (generated code doubles its own braces)."""
    return textwrap.dedent(template).format(**values)


def module(header: str, definitions: Iterable[str]) -> str:
    """A module's text: the header, then the definitions two blank lines apart."""
    return "\n\n\n".join(part.strip("\n") for part in (header, *definitions)) + "\n"


def joined(items: Iterable[str], indent: int) -> str:
    """Lines for a placeholder that sits ``indent`` spaces in (the first line takes the placeholder's place)."""
    return ("\n" + " " * indent).join(items)


class Generator:
    """Deterministic PySpark code: one ``random.Random``; ``quality`` is the chance of each antipattern."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311  # reproducible code, not secrets
        self.quality = 0.0
        self.injected: Counter[str] = Counter()

    def bad(self, kind: str) -> bool:
        if self.rng.random() < self.quality:
            self.injected[kind] += 1
            return True
        return False

    def alias(self) -> str:
        return self.rng.choice(("F", "F", "F", "sf", "f"))

    # ---- transforms ------------------------------------------------------------------------------------------

    def standardise(self, d: Domain, F: str) -> str:  # noqa: N803  # F is the generated code's alias
        if self.bad("withColumn-in-loop"):
            return fill(
                '''\
                def standardise_{name}(df: DataFrame) -> DataFrame:
                    """Typed and trimmed {name}."""
                    for column in {strings!r}:
                        df = df.withColumn(column, {F}.trim({F}.col(column)))
                    for column in {measures!r}:
                        df = df.withColumn(column, {F}.col(column).cast("double"))
                    df = df.withColumn("{ts}", {F}.to_timestamp("{ts}"))
                    return df.filter({F}.col("{key}").isNotNull())
                ''',
                name=d.name,
                F=F,
                ts=d.ts,
                key=d.key,
                strings=[*d.texts, *d.categories],
                measures=list(d.measures),
            )
        columns = [
            f'{F}.col("{d.key}").cast("bigint").alias("{d.key}"),',
            f'{F}.to_timestamp({F}.col("{d.ts}")).alias("{d.ts}"),',
            f'{F}.col("{d.parent}").cast("bigint").alias("{d.parent}"),',
            *(f'{F}.col("{m}").cast("decimal(18,2)").alias("{m}"),' for m in d.measures),
            *(f'{F}.upper({F}.trim({F}.col("{c}"))).alias("{c}"),' for c in d.categories),
            *(f'{F}.nullif({F}.trim({F}.col("{t}")), {F}.lit("")).alias("{t}"),' for t in d.texts),
        ]
        return fill(
            '''\
            def standardise_{name}(df: DataFrame) -> DataFrame:
                """Typed, trimmed and de-duplicated {name}; rows without {key} are dropped."""
                return (
                    df.select(
                        {columns}
                    )
                    .where({F}.col("{key}").isNotNull())
                    .dropDuplicates(["{key}"])
                )
            ''',
            name=d.name,
            key=d.key,
            F=F,
            columns=joined(columns, 12),
        )

    def latest(self, d: Domain, F: str) -> str:  # noqa: N803
        window = (
            f'Window.orderBy({F}.col("{d.ts}").desc())'
            if self.bad("window-without-partition")
            else f'Window.partitionBy("{d.key}").orderBy({F}.col("{d.ts}").desc())'
        )
        return fill(
            '''\
            def latest_{name}(df: DataFrame) -> DataFrame:
                """The latest version of each {key} by {ts}."""
                newest_first = {window}
                return (
                    df.withColumn("_rank", {F}.row_number().over(newest_first))
                    .where({F}.col("_rank") == 1)
                    .drop("_rank")
                )
            ''',
            name=d.name,
            key=d.key,
            ts=d.ts,
            F=F,
            window=window,
        )

    def daily_summary(self, d: Domain, F: str) -> str:  # noqa: N803
        emptiness = "df.count() == 0" if self.bad("count-for-emptiness") else "df.isEmpty()"
        m1, m2 = self.rng.sample(d.measures, 2)
        return fill(
            '''\
            def daily_{name}_summary(df: DataFrame) -> DataFrame:
                """One row per day and {cat}: counts and totals."""
                if {emptiness}:
                    LOGGER.warning("no {name} to summarise")
                    return df
                return (
                    df.withColumn("day", {F}.to_date("{ts}"))
                    .groupBy("day", "{cat}")
                    .agg(
                        {F}.count("*").alias("{name}_count"),
                        {F}.sum("{m1}").alias("total_{m1}"),
                        {F}.avg("{m2}").alias("avg_{m2}"),
                        {F}.countDistinct("{parent}").alias("distinct_{parent}s"),
                    )
                )
            ''',
            name=d.name,
            cat=self.rng.choice(d.categories),
            emptiness=emptiness,
            F=F,
            ts=d.ts,
            m1=m1,
            m2=m2,
            parent=d.parent,
        )

    def running_totals(self, d: Domain, F: str) -> str:  # noqa: N803
        m = self.rng.choice(d.measures)
        return fill(
            '''\
            def running_{m}_by_{parent}(df: DataFrame) -> DataFrame:
                """Cumulative {m} and the gap since the previous row, per {parent}."""
                ordered = Window.partitionBy("{parent}").orderBy("{ts}")
                cumulative = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
                previous = {F}.lag("{ts}").over(ordered)
                return df.select(
                    "*",
                    {F}.sum("{m}").over(cumulative).alias("cumulative_{m}"),
                    previous.alias("previous_{ts}"),
                    {F}.datediff({F}.col("{ts}"), previous).alias("days_since_previous"),
                    {F}.avg("{m}").over(ordered.rowsBetween(-6, 0)).alias("{m}_7_row_avg"),
                )
            ''',
            m=m,
            parent=d.parent,
            ts=d.ts,
            F=F,
        )

    def enrich(self, d: Domain, F: str) -> str:  # noqa: N803
        if self.bad("collect-without-limit"):
            return fill(
                '''\
                def enrich_{name}(df: DataFrame, {dim}: DataFrame) -> DataFrame:
                    """{name} whose {parent} is a known, active one."""
                    active = [row["{parent}"] for row in {dim}.where("is_active").select("{parent}").collect()]
                    return df.where({F}.col("{parent}").isin(active))
                ''',
                name=d.name,
                dim=d.dimension,
                parent=d.parent,
                F=F,
            )
        how = self.rng.choice(("left", "inner", "left"))
        return fill(
            '''\
            def enrich_{name}(df: DataFrame, {dim}: DataFrame) -> DataFrame:
                """{name} with their {parent} attributes; the dimension is small, so it is broadcast."""
                attributes = {dim}.where("is_active").select("{parent}", "segment", "region", "created_at")
                return df.join({F}.broadcast(attributes), on="{parent}", how="{how}")
            ''',
            name=d.name,
            dim=d.dimension,
            parent=d.parent,
            F=F,
            how=how,
        )

    def outliers(self, d: Domain, F: str) -> str:  # noqa: N803
        m, cat = self.rng.choice(d.measures), self.rng.choice(d.categories)
        if self.bad("toPandas"):
            return fill(
                '''\
                def flag_{m}_outliers(df: DataFrame, threshold: float = 3.0) -> DataFrame:
                    """Rows whose {m} is more than ``threshold`` deviations from their {cat}'s mean."""
                    stats = df.select("{cat}", "{m}").toPandas().groupby("{cat}")["{m}"].agg(["mean", "std"])
                    bounds = df.sparkSession.createDataFrame(stats.reset_index())
                    z_score = ({F}.col("{m}") - {F}.col("mean")) / {F}.col("std")
                    return df.join(bounds, on="{cat}").withColumn("is_outlier", {F}.abs(z_score) > threshold)
                ''',
                m=m,
                cat=cat,
                F=F,
            )
        return fill(
            '''\
            def flag_{m}_outliers(df: DataFrame, threshold: float = 3.0) -> DataFrame:
                """Rows whose {m} is more than ``threshold`` deviations from their {cat}'s mean."""
                by_group = Window.partitionBy("{cat}")
                z_score = ({F}.col("{m}") - {F}.avg("{m}").over(by_group)) / {F}.stddev("{m}").over(by_group)
                return df.withColumn("is_outlier", {F}.abs(z_score) > threshold)
            ''',
            m=m,
            cat=cat,
            F=F,
        )

    def for_dates(self, d: Domain, F: str) -> str:  # noqa: N803
        if self.bad("union-in-loop"):
            return fill(
                '''\
                def {name}_for_dates(spark: SparkSession, table: str, dates: list[str]) -> DataFrame:
                    """The {name} of the given days."""
                    result = None
                    for day in dates:
                        daily = spark.table(table).where({F}.to_date("{ts}") == day)
                        result = daily if result is None else result.union(daily)
                    return result
                ''',
                name=d.name,
                F=F,
                ts=d.ts,
            )
        return fill(
            '''\
            def {name}_for_dates(spark: SparkSession, table: str, dates: list[str]) -> DataFrame:
                """The {name} of the given days, in one scan."""
                return spark.table(table).where({F}.to_date("{ts}").isin(dates))
            ''',
            name=d.name,
            F=F,
            ts=d.ts,
        )

    def key_checks(self, d: Domain, F: str) -> str:  # noqa: N803
        limit = "" if self.bad("collect-without-limit") else ".limit(20)"
        return fill(
            '''\
            def check_{name}_keys(df: DataFrame) -> list[str]:
                """Problems with {key}, as messages (at most 20 duplicates are listed)."""
                problems = []
                nulls = df.agg({F}.sum({F}.col("{key}").isNull().cast("int")).alias("n")).first()["n"] or 0
                if nulls:
                    problems.append(f"{{nulls}} rows without {key}")
                duplicates = df.groupBy("{key}").count().where("count > 1"){limit}.collect()
                for row in duplicates:
                    problems.append(f"{key} {{row['{key}']}} appears {{row['count']}} times")
                return problems
            ''',
            name=d.name,
            key=d.key,
            F=F,
            limit=limit,
        )

    def explode_tags(self, d: Domain, F: str) -> str:  # noqa: N803
        text = self.rng.choice(d.texts)
        return fill(
            '''\
            def {name}_{text}_tokens(df: DataFrame) -> DataFrame:
                """One row per lower-case token of {text}."""
                return (
                    df.select("{key}", {F}.explode_outer({F}.split({F}.col("{text}"), r"[\\s,;]+")).alias("token"))
                    .withColumn("token", {F}.lower({F}.trim("token")))
                    .where({F}.length("token") > 2)
                    .groupBy("token")
                    .agg({F}.countDistinct("{key}").alias("{name}"))
                )
            ''',
            name=d.name,
            text=text,
            key=d.key,
            F=F,
        )

    def pivot(self, d: Domain, F: str) -> str:  # noqa: N803
        cat, m = self.rng.choice(d.categories), self.rng.choice(d.measures)
        values = "" if self.bad("pivot-without-values") else f", {self.rng.sample(WORDS, 3)!r}"
        return fill(
            '''\
            def {m}_by_{cat}(df: DataFrame) -> DataFrame:
                """Daily {m} with one column per {cat}."""
                return df.groupBy({F}.to_date("{ts}").alias("day")).pivot("{cat}"{values}).agg({F}.sum("{m}"))
            ''',
            m=m,
            cat=cat,
            F=F,
            ts=d.ts,
            values=values,
        )

    def log_stats(self, d: Domain, F: str) -> str:  # noqa: N803
        if self.bad("print"):
            report = f"print(f\"{d.name}: {{stats['rows']}} rows, latest {{stats['latest']}}\")"
        else:
            report = f'LOGGER.info("{d.name}: %s rows, latest %s", stats["rows"], stats["latest"])'
        return fill(
            '''\
            def log_{name}_stats(df: DataFrame) -> None:
                """Log the row count and the latest {ts}."""
                stats = df.agg({F}.count("*").alias("rows"), {F}.max("{ts}").alias("latest")).first()
                {report}
            ''',
            name=d.name,
            F=F,
            ts=d.ts,
            report=report,
        )

    def since(self, d: Domain) -> str:
        if self.bad("spark.sql-f-string"):
            return fill(
                '''\
                def {name}_since(spark: SparkSession, table: str, since: str) -> DataFrame:
                    """{name} at or after ``since``."""
                    return spark.sql(f"SELECT * FROM {{table}} WHERE {ts} >= '{{since}}' AND {key} IS NOT NULL")
                ''',
                name=d.name,
                ts=d.ts,
                key=d.key,
            )
        return fill(
            '''\
            def {name}_since(spark: SparkSession, table: str, since: str) -> DataFrame:
                """{name} at or after ``since`` (named parameters, no string building)."""
                return spark.sql(
                    "SELECT * FROM IDENTIFIER(:table) WHERE {ts} >= :since AND {key} IS NOT NULL",
                    args={{"table": table, "since": since}},
                )
            ''',
            name=d.name,
            ts=d.ts,
            key=d.key,
        )

    def bands(self, d: Domain, F: str) -> str:  # noqa: N803
        m = self.rng.choice(d.measures)
        low, high = self.rng.choice(((10, 100), (5, 50), (100, 1000)))
        if self.bad("python-udf"):
            return fill(
                '''\
                @{F}.udf(returnType=T.StringType())
                def _{m}_band(value):
                    if value is None:
                        return None
                    if value < {low}:
                        return "low"
                    if value < {high}:
                        return "medium"
                    return "high"


                def with_{m}_band(df: DataFrame) -> DataFrame:
                    """{m} as low, medium or high."""
                    return df.withColumn("{m}_band", _{m}_band("{m}"))
                ''',
                F=F,
                m=m,
                low=low,
                high=high,
            )
        return fill(
            '''\
            def with_{m}_band(df: DataFrame) -> DataFrame:
                """{m} as low, medium or high."""
                value = {F}.col("{m}")
                return df.withColumn(
                    "{m}_band",
                    {F}.when(value < {low}, "low").when(value < {high}, "medium").when(value.isNotNull(), "high"),
                )
            ''',
            F=F,
            m=m,
            low=low,
            high=high,
        )

    def transforms_module(self, d: Domain) -> str:
        F = self.alias()  # noqa: N806
        extras = [
            lambda: self.daily_summary(d, F),
            lambda: self.running_totals(d, F),
            lambda: self.enrich(d, F),
            lambda: self.outliers(d, F),
            lambda: self.for_dates(d, F),
            lambda: self.key_checks(d, F),
            lambda: self.explode_tags(d, F),
            lambda: self.pivot(d, F),
            lambda: self.log_stats(d, F),
            lambda: self.since(d),
            lambda: self.bands(d, F),
        ]
        chosen = self.rng.sample(extras, self.rng.randint(5, len(extras)))
        functions = [self.standardise(d, F), self.latest(d, F), *(make() for make in chosen)]
        session = "\nspark = SparkSession.builder.getOrCreate()\n" if self.bad("SparkSession.builder") else ""
        header = fill(
            '''\
            """Transformations of {name}: bronze to silver cleaning, keys, windows and gold aggregates."""

            from __future__ import annotations

            import logging

            from pyspark.sql import DataFrame, SparkSession, Window
            from pyspark.sql import functions as {F}
            from pyspark.sql import types as T

            LOGGER = logging.getLogger(__name__)
            {session}
            ''',
            name=d.name,
            F=F,
            session=session,
        )
        return module(header, functions)

    # ---- schemas, readers, writers, UDFs ---------------------------------------------------------------------

    def schemas_module(self, domains: list[Domain]) -> str:
        blocks = []
        for d in domains:
            kind = self.rng.choice(("DecimalType(18, 2)", "DoubleType()"))
            fields = [
                f'T.StructField("{d.key}", T.LongType(), nullable=False),',
                f'T.StructField("{d.ts}", T.TimestampType()),',
                f'T.StructField("{d.parent}", T.LongType()),',
                *(f'T.StructField("{m}", T.{kind}),' for m in d.measures),
                *(f'T.StructField("{c}", T.StringType()),' for c in [*d.categories, *d.texts]),
            ]
            blocks.append(
                fill(
                    """\
                    {upper}_SCHEMA = T.StructType(
                        [
                            {fields}
                        ]
                    )
                    """,
                    upper=d.name.upper(),
                    fields=joined(fields, 8),
                )
            )
        return '"""Schemas of the raw files: declared, never inferred."""\n\nfrom pyspark.sql import types as T\n\n' + (
            "\n".join(blocks)
        )

    def readers_module(self, pkg: str, domains: list[Domain]) -> str:
        functions = []
        for d in domains:
            fmt = self.rng.choice(("csv", "json", "parquet"))
            options = '\n        .option("header", "true")' if fmt == "csv" else ""
            if self.bad("inferSchema"):
                default = f' = "dbfs:/FileStore/raw/{d.name}/"' if self.bad("dbfs-path") else ""
                functions.append(
                    fill(
                        '''\
                        def read_{name}(spark: SparkSession, path: str{default}) -> DataFrame:
                            """Raw {name} files under ``path``."""
                            return spark.read.option("header", "true").option("inferSchema", "true").csv(path)
                        ''',
                        name=d.name,
                        default=default,
                    )
                )
            else:
                functions.append(
                    fill(
                        '''\
                        def read_{name}(spark: SparkSession, path: str) -> DataFrame:
                            """Raw {name} files under ``path``, with the declared schema."""
                            return (
                                spark.read.format("{fmt}")
                                .schema({upper}_SCHEMA){options}
                                .load(path)
                                .withColumn("_source_file", F.col("_metadata.file_path"))
                            )
                        ''',
                        name=d.name,
                        fmt=fmt,
                        upper=d.name.upper(),
                        options=options,
                    )
                )
            if self.rng.random() < 0.5:
                location = '"dbfs:/mnt/checkpoints/schemas"' if self.bad("dbfs-path") else "schema_location"
                functions.append(
                    fill(
                        '''\
                        def stream_{name}(spark: SparkSession, source: str, schema_location: str) -> DataFrame:
                            """New {name} files as they land (Auto Loader)."""
                            return (
                                spark.readStream.format("cloudFiles")
                                .option("cloudFiles.format", "{fmt}")
                                .option("cloudFiles.schemaLocation", {location})
                                .schema({upper}_SCHEMA)
                                .load(source)
                            )
                        ''',
                        name=d.name,
                        fmt=fmt,
                        location=location,
                        upper=d.name.upper(),
                    )
                )
        dim = self.rng.choice(domains).dimension
        password = '"Summer2024!"' if self.bad("hard-coded-secret") else "password"
        functions.append(
            fill(
                '''\
                def read_{dim}_from_jdbc(spark: SparkSession, url: str, user: str, password: str) -> DataFrame:
                    """The {dim} dimension from the operational database."""
                    return (
                        spark.read.format("jdbc")
                        .option("url", url)
                        .option("dbtable", "public.{dim}")
                        .option("user", user)
                        .option("password", {password})
                        .option("fetchsize", 10000)
                        .load()
                    )
                ''',
                dim=dim,
                password=password,
            )
        )
        schemas = ", ".join(f"{d.name.upper()}_SCHEMA" for d in domains)
        header = (
            f'"""Readers: raw files, Auto Loader streams and the JDBC dimension."""\n\n'
            f"from pyspark.sql import DataFrame, SparkSession\nfrom pyspark.sql import functions as F\n\n"
            f"from {pkg}.schemas import {schemas}\n"
        )
        return module(header, functions)

    def writers_module(self, domains: list[Domain]) -> str:
        functions = []
        for d in domains:
            shape = "df.repartition(1)" if self.bad("repartition(1)-before-write") else "df"
            target = f'.save("dbfs:/mnt/lake/silver/{d.name}")' if self.bad("dbfs-path") else ".saveAsTable(table)"
            functions.append(
                fill(
                    '''\
                    def write_{name}(df: DataFrame, table: str) -> None:
                        """Append {name} to the silver table."""
                        (
                            {shape}.write.format("delta")
                            .mode("append")
                            .option("mergeSchema", "false")
                            {target}
                        )
                    ''',
                    name=d.name,
                    shape=shape,
                    target=target,
                )
            )
            if self.bad("spark.sql-f-string"):
                functions.append(
                    fill(
                        '''\
                        def upsert_{name}(spark: SparkSession, updates: DataFrame, table: str) -> None:
                            """MERGE ``updates`` into ``table`` on {key}."""
                            updates.createOrReplaceTempView("updates")
                            spark.sql(
                                f"MERGE INTO {{table}} t USING updates s ON t.{key} = s.{key} "
                                "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
                            )
                        ''',
                        name=d.name,
                        key=d.key,
                    )
                )
            else:
                functions.append(
                    fill(
                        '''\
                        def upsert_{name}(spark: SparkSession, updates: DataFrame, table: str) -> None:
                            """MERGE ``updates`` into ``table`` on {key}."""
                            (
                                DeltaTable.forName(spark, table)
                                .alias("t")
                                .merge(updates.alias("s"), "t.{key} = s.{key}")
                                .whenMatchedUpdateAll(condition="s.{ts} > t.{ts}")
                                .whenNotMatchedInsertAll()
                                .execute()
                            )
                        ''',
                        name=d.name,
                        key=d.key,
                        ts=d.ts,
                    )
                )
            if self.rng.random() < 0.4:
                checkpoint = f'"dbfs:/tmp/checkpoints/{d.name}"' if self.bad("dbfs-path") else "checkpoint"
                functions.append(
                    fill(
                        '''\
                        def start_{name}_stream(df: DataFrame, table: str, checkpoint: str) -> StreamingQuery:
                            """Write the {name} stream to ``table`` and stop when the backlog is done."""
                            return (
                                df.writeStream.format("delta")
                                .option("checkpointLocation", {checkpoint})
                                .trigger(availableNow=True)
                                .toTable(table)
                            )
                        ''',
                        name=d.name,
                        checkpoint=checkpoint,
                    )
                )
            if self.rng.random() < 0.3:
                if self.bad("toPandas"):
                    body = f'df.toPandas().to_csv("/dbfs/FileStore/exports/{d.name}.csv", index=False)'
                elif self.bad("coalesce(1)-before-write"):
                    body = 'df.coalesce(1).write.mode("overwrite").option("header", True).csv(path)'
                else:
                    body = 'df.write.mode("overwrite").option("header", True).csv(path)'
                functions.append(
                    fill(
                        '''\
                        def export_{name}(df: DataFrame, path: str) -> None:
                            """A CSV export of {name} for the finance team."""
                            {body}
                        ''',
                        name=d.name,
                        body=body,
                    )
                )
        header = (
            '"""Writers: Delta appends, MERGE upserts, streams and exports."""\n\n'
            "from delta.tables import DeltaTable\nfrom pyspark.sql import DataFrame, SparkSession\n"
            "from pyspark.sql.streaming import StreamingQuery\n"
        )
        return module(header, functions)

    def udfs_module(self, domains: list[Domain]) -> str:
        functions = []
        for d in domains:
            text, m = self.rng.choice(d.texts), self.rng.choice(d.measures)
            if self.bad("lambda-udf"):
                functions.append(
                    f"normalise_{text} = F.udf(lambda value: value.strip().lower() if value else None, T.StringType())"
                )
            else:
                functions.append(
                    fill(
                        '''\
                        def normalise_{text}(column: Column) -> Column:
                            """{text} trimmed and lower-cased, with built-in functions."""
                            return F.lower(F.trim(column))
                        ''',
                        text=text,
                    )
                )
            functions.append(
                fill(
                    '''\
                    @F.pandas_udf("double")
                    def {m}_zscore(values: pd.Series) -> pd.Series:
                        """Standard score of {m} within a batch."""
                        return (values - values.mean()) / values.std(ddof=0)
                    ''',
                    m=m,
                )
            )
        if self.bad("lambda-udf"):
            functions.append(
                fill(
                    '''\
                    def register_udfs(spark: SparkSession) -> None:
                        """UDFs for the SQL dashboards."""
                        spark.udf.register("mask_email", lambda e: e[0] + "***" + e[e.index("@"):], T.StringType())
                    ''',
                )
            )
        else:
            functions.append(
                fill(
                    '''\
                    def mask_email(column: Column) -> Column:
                        """The first letter and the domain of an e-mail address."""
                        return F.regexp_replace(column, r"^(.)[^@]*(@.*)$", "$1***$2")
                    ''',
                )
            )
        header = (
            '"""UDFs: vectorised pandas UDFs, and built-in expressions where they do the job."""\n\n'
            "import pandas as pd\nfrom pyspark.sql import Column, SparkSession\n"
            "from pyspark.sql import functions as F\nfrom pyspark.sql import types as T\n"
        )
        return module(header, functions)

    # ---- jobs, utilities, tests, notebooks -------------------------------------------------------------------

    def job_module(self, pkg: str, d: Domain, catalog: str) -> str:
        if self.bad("SparkSession.builder"):
            session = f'SparkSession.builder.appName("{d.name}-silver").getOrCreate()'
        else:
            session = "SparkSession.active()"
        empty = "silver.count() == 0" if self.bad("count-for-emptiness") else "silver.isEmpty()"
        done = 'print("done")' if self.bad("print") else 'LOGGER.info("%s written", args.table)'
        return fill(
            '''\
            """Batch job: load raw {name}, standardise them, keep the latest version, append to silver."""

            import argparse
            import logging
            import sys

            from pyspark.sql import SparkSession

            from {pkg}.readers import read_{name}
            from {pkg}.transforms.{name} import latest_{name}, standardise_{name}
            from {pkg}.writers import write_{name}

            LOGGER = logging.getLogger(__name__)


            def parse_args(argv: list[str]) -> argparse.Namespace:
                """The job's parameters (the bundle passes them as named arguments)."""
                parser = argparse.ArgumentParser(description="Load {name} into the silver layer.")
                parser.add_argument("--source", required=True, help="Folder of raw {name} files")
                parser.add_argument("--table", default="{catalog}.silver.{name}")
                parser.add_argument("--run-date", required=True)
                return parser.parse_args(argv)


            def main(argv: list[str] | None = None) -> int:
                """Run the job; the exit code is 0 when the table was written or there was nothing to write."""
                args = parse_args(sys.argv[1:] if argv is None else argv)
                logging.basicConfig(level=logging.INFO)
                spark = {session}
                raw = read_{name}(spark, args.source)
                silver = latest_{name}(standardise_{name}(raw))
                if {empty}:
                    LOGGER.warning("no {name} for %s", args.run_date)
                    return 0
                write_{name}(silver, args.table)
                {done}
                return 0


            if __name__ == "__main__":
                sys.exit(main())
            ''',
            name=d.name,
            pkg=pkg,
            catalog=catalog,
            session=session,
            empty=empty,
            done=done,
        )

    def utils_module(self, pkg: str, catalog: str) -> str:
        root = f'"dbfs:/mnt/landing/{pkg}"' if self.bad("dbfs-path") else f'"/Volumes/{catalog}/landing/files"'
        report = (
            'print(f"attempt {attempt} failed: {err}")'
            if self.bad("print")
            else 'LOGGER.warning("attempt %s failed: %s", attempt, err)'
        )
        extras = [
            '''\
            def chunked(items: list[str], size: int) -> Iterator[list[str]]:
                """``items`` in lists of at most ``size``."""
                for start in range(0, len(items), size):
                    yield items[start : start + size]
            ''',
            '''\
            def parse_run_date(value: str) -> dt.date:
                """A run date from the job parameters: ISO, or ``today`` / ``yesterday``."""
                today = dt.datetime.now(tz=dt.UTC).date()
                if value == "today":
                    return today
                if value == "yesterday":
                    return today - dt.timedelta(days=1)
                return dt.date.fromisoformat(value)
            ''',
            '''\
            def snake_case(name: str) -> str:
                """A column name as snake_case: ``OrderID`` -> ``order_id``."""
                name = re.sub(r"([a-z0-9])([A-Z])", r"\\1_\\2", name.strip())
                return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
            ''',
            '''\
            def partition_path(root: str, day: dt.date) -> str:
                """The landing folder of one day."""
                return f"{root}/year={day:%Y}/month={day:%m}/day={day:%d}"
            ''',
            '''\
            def environment() -> str:
                """dev, staging or prod, from DEPLOY_ENV (dev when unset)."""
                value = os.environ.get("DEPLOY_ENV", "dev").lower()
                if value not in {"dev", "staging", "prod"}:
                    raise ValueError(f"DEPLOY_ENV={value!r}: expected dev, staging or prod")
                return value
            ''',
        ]
        chosen = [textwrap.dedent(text) for text in self.rng.sample(extras, self.rng.randint(2, len(extras)))]
        body = fill(
            '''\
            """Helpers shared by the jobs: table names, dates, retries."""

            from __future__ import annotations

            import datetime as dt
            import functools
            import logging
            import os
            import re
            import time
            from collections.abc import Callable, Iterator
            from dataclasses import dataclass
            from typing import TypeVar

            LOGGER = logging.getLogger(__name__)
            R = TypeVar("R")
            LANDING_ROOT = {root}


            @dataclass(frozen=True)
            class TableNames:
                """Where a layer's tables live."""

                catalog: str
                schema: str

                def qualified(self, table: str) -> str:
                    """``catalog.schema.table``."""
                    return f"{{self.catalog}}.{{self.schema}}.{{table}}"


            def date_range(start: dt.date, end: dt.date) -> Iterator[dt.date]:
                """Every day from ``start`` to ``end``, both included."""
                day = start
                while day <= end:
                    yield day
                    day += dt.timedelta(days=1)


            def retry(times: int = 3, delay: float = 2.0) -> Callable[[Callable[..., R]], Callable[..., R]]:
                """Retry a flaky call (a REST API, a JDBC source) with a linear back-off."""

                def decorate(func: Callable[..., R]) -> Callable[..., R]:
                    @functools.wraps(func)
                    def wrapper(*args: object, **kwargs: object) -> R:
                        for attempt in range(1, times + 1):
                            try:
                                return func(*args, **kwargs)
                            except (OSError, TimeoutError) as err:
                                if attempt == times:
                                    raise
                                {report}
                                time.sleep(delay * attempt)
                        raise AssertionError("unreachable")

                    return wrapper

                return decorate
            ''',
            root=root,
            report=report,
        )
        return module(body, chosen)

    def test_module(self, pkg: str, d: Domain) -> str:
        rows = []
        for index in range(self.rng.randint(3, 6)):
            values = [
                index + 1 if index else None,
                f"2024-0{self.rng.randint(1, 9)}-{self.rng.randint(10, 28)} 10:00:00",
                self.rng.randint(1, 50),
                *(round(self.rng.uniform(1, 500), 2) for _ in d.measures),
                *(self.rng.choice(WORDS) for _ in d.categories),
                *(self.rng.choice(("a note", "  padded  ", "x@example.com", "")) for _ in d.texts),
            ]
            rows.append(f"{tuple(values)!r},")
        return fill(
            '''\
            """Unit tests of {pkg}.transforms.{name}."""

            import pytest
            from pyspark.sql import SparkSession

            from {pkg}.transforms.{name} import latest_{name}, standardise_{name}

            COLUMNS = {columns!r}
            ROWS = [
                {rows}
            ]


            @pytest.fixture(scope="module")
            def spark() -> SparkSession:
                return SparkSession.builder.master("local[1]").config("spark.sql.shuffle.partitions", "1").getOrCreate()


            def test_standardise_drops_rows_without_key(spark: SparkSession) -> None:
                result = standardise_{name}(spark.createDataFrame(ROWS, COLUMNS))
                assert result.count() == {kept}
                assert result.where("{key} IS NULL").isEmpty()


            def test_standardise_trims_text(spark: SparkSession) -> None:
                result = standardise_{name}(spark.createDataFrame(ROWS, COLUMNS)).collect()
                assert all(row["{text}"] is None or row["{text}"] == row["{text}"].strip() for row in result)


            def test_latest_keeps_one_row_per_key(spark: SparkSession) -> None:
                df = spark.createDataFrame(ROWS + ROWS[1:2], COLUMNS)
                result = latest_{name}(standardise_{name}(df))
                assert result.groupBy("{key}").count().where("count > 1").isEmpty()
            ''',
            pkg=pkg,
            name=d.name,
            columns=d.columns,
            rows=joined(rows, 4),
            kept=len(rows) - 1,
            key=d.key,
            text=d.texts[0],
        )

    def notebook(self, pkg: str, d: Domain, catalog: str, number: int) -> tuple[str, bool]:
        """A Databricks source notebook, and whether it runs ``./common/setup``."""
        F = self.alias()  # noqa: N806
        stage = self.rng.choice(("bronze", "silver", "gold"))
        cells = [
            "# MAGIC %md\n"
            f"# MAGIC # {number:02d} {stage.title()} {d.name}\n"
            f"# MAGIC Reads the {d.name} feed, cleans it and writes `{catalog}.{stage}.{d.name}`.\n"
            f"# MAGIC Owner: data engineering ({pkg}).\n"
        ]
        uses_setup = self.rng.random() < 0.4
        if uses_setup:
            cells.append("# MAGIC %run ./common/setup\n")
        cells.append(
            'dbutils.widgets.text("run_date", "2024-01-01")\n'
            'dbutils.widgets.dropdown("env", "dev", ["dev", "staging", "prod"])\n'
            'run_date = dbutils.widgets.get("run_date")\n'
            'env = dbutils.widgets.get("env")\n'
        )
        session = "\nspark = SparkSession.builder.getOrCreate()\n" if self.bad("SparkSession.builder") else ""
        cells.append(
            f"from pyspark.sql import DataFrame, SparkSession, Window\nfrom pyspark.sql import functions as {F}\n"
            f"from pyspark.sql import types as T\n{session}"
        )
        if self.bad("dbfs-path"):
            read = f'raw = spark.read.format("delta").load("dbfs:/mnt/{stage}/{d.name}")'
        else:
            read = f'raw = spark.read.table(f"{{env}}_{catalog}.{stage}.{d.name}")'
        cells.append(f"{read}\ndisplay(raw.limit(10))\n")
        for make in self.rng.sample(
            [
                lambda: self.standardise(d, F),
                lambda: self.latest(d, F),
                lambda: self.running_totals(d, F),
                lambda: self.outliers(d, F),
                lambda: self.bands(d, F),
                lambda: self.explode_tags(d, F),
            ],
            self.rng.randint(2, 4),
        ):
            cells.append(make())
        cells.append(
            f"cleaned = raw.where({F}.to_date({F}.col('{d.ts}')) == run_date)\n"
            f"cleaned = cleaned.dropDuplicates(['{d.key}'])\n"
            "display(cleaned)\n"
        )
        cells.append(
            "# MAGIC %sql\n"  # noqa: S608  # generated notebook text, not a query run here
            f"# MAGIC SELECT {d.categories[0]}, count(*) AS rows\n"
            f"# MAGIC FROM {catalog}.{stage}.{d.name}\n"
            f"# MAGIC GROUP BY {d.categories[0]}\n"
            "# MAGIC ORDER BY rows DESC\n"
        )
        if self.bad("collect-without-limit"):
            cells.append(f"for row in cleaned.collect():\n    print(row['{d.key}'], row['{d.ts}'])\n")
        if self.bad("toPandas"):
            cells.append(f"pdf = cleaned.toPandas()\npdf['{d.measures[0]}'].describe()\n")
        if self.bad("count-for-emptiness"):
            cells.append('if cleaned.count() == 0:\n    dbutils.notebook.exit("no rows")\n')
        if self.bad("spark.sql-f-string"):
            where = f"to_date({d.ts}) = '{{run_date}}'"
            cells.append(f'spark.sql(f"DELETE FROM {catalog}.{stage}.{d.name} WHERE {where}")\n')  # noqa: S608
        else:
            cells.append(
                f'spark.sql(\n    "DELETE FROM {catalog}.{stage}.{d.name} WHERE to_date({d.ts}) = :run_date",\n'  # noqa: S608
                '    args={"run_date": run_date},\n)\n'
            )
        shape = "cleaned.repartition(1)" if self.bad("repartition(1)-before-write") else "cleaned"
        cells.append(f'{shape}.write.mode("append").saveAsTable("{catalog}.{stage}.{d.name}")\n')
        if self.bad("print"):
            cells.append(f'print("wrote", cleaned.count(), "rows to {stage}.{d.name}")\n')
        cells.append('dbutils.notebook.exit("ok")\n')
        return "# Databricks notebook source\n" + "\n# COMMAND ----------\n\n".join(cells), uses_setup

    def setup_notebook(self, catalog: str) -> str:
        cells = [
            "# MAGIC %md\n# MAGIC Shared setup: the catalog, the schemas and the logging every notebook uses.\n",
            f'catalog = "{catalog}"\nspark.sql(f"USE CATALOG {{catalog}}")\n',
            "import logging\n\nlogging.basicConfig(level=logging.INFO)\nLOGGER = logging.getLogger('notebooks')\n",
        ]
        return "# Databricks notebook source\n" + "\n# COMMAND ----------\n\n".join(cells)

    # ---- a project -------------------------------------------------------------------------------------------

    def project(self, number: int) -> dict[str, tuple[str, str]]:
        """``relative path -> (kind, text)`` of one generated project."""
        company = COMPANIES[number % len(COMPANIES)]
        domains = self.rng.sample(DOMAINS, self.rng.randint(3, 5))
        pkg = f"{company}_{domains[0].name}_{number:02d}"
        catalog = self.rng.choice(("main", "lakehouse", f"{company}_prod", "analytics"))
        self.quality = self.rng.choice(QUALITIES)
        src = f"src/{pkg}"
        files: dict[str, tuple[str, str]] = {
            f"{src}/__init__.py": ("package __init__", f'"""{company.title()} {domains[0].name} pipelines."""\n'),
            f"{src}/schemas.py": ("schemas", self.schemas_module(domains)),
            f"{src}/readers.py": ("readers", self.readers_module(pkg, domains)),
            f"{src}/writers.py": ("writers", self.writers_module(domains)),
            f"{src}/udfs.py": ("udfs", self.udfs_module(domains)),
            f"{src}/utils.py": ("utils", self.utils_module(pkg, catalog)),
            f"{src}/transforms/__init__.py": ("package __init__", '"""Transformations, one module per table."""\n'),
            f"{src}/jobs/__init__.py": ("package __init__", '"""Job entry points (python_wheel_task)."""\n'),
        }
        needs_setup = False
        for index, d in enumerate(domains):
            files[f"{src}/transforms/{d.name}.py"] = ("transforms", self.transforms_module(d))
            files[f"{src}/jobs/{d.name}_job.py"] = ("jobs", self.job_module(pkg, d, catalog))
            files[f"tests/test_{d.name}.py"] = ("tests", self.test_module(pkg, d))
            for extra in range(self.rng.randint(1, 2)):
                text, uses_setup = self.notebook(pkg, d, catalog, index * 2 + extra + 1)
                files[f"notebooks/{index * 2 + extra + 1:02d}_{d.name}.py"] = ("notebooks", text)
                needs_setup = needs_setup or uses_setup
        if needs_setup:
            files["notebooks/common/setup.py"] = ("notebooks", self.setup_notebook(catalog))
        return {path: (kind, text if text.endswith("\n") else text + "\n") for path, (kind, text) in files.items()}


def line_count(text: str) -> int:
    """Lines as the reviewer counts them (a last line without a newline counts)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def corpus_key() -> dict[str, object]:
    """What the corpus depends on: this generator, and the template package's files (template, hooks' helpers)."""
    from databricks_project_templates import template_path

    digest = hashlib.sha256()
    source = template_path("databricks-pipeline").parents[1]
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes())
    # The generator's own source too, so an edit that forgets GENERATOR_VERSION still rebuilds.
    inputs = (inspect.getsource(Generator), DOMAINS, COMPANIES, QUALITIES, WORDS, TEMPLATE_VARIANTS)
    generated = hashlib.sha256(repr(inputs).encode()).hexdigest()
    return {
        "generator": GENERATOR_VERSION,
        "seed": SEED,
        "target_lines": TARGET_LINES,
        "generator_source": generated,
        "template": digest.hexdigest(),
    }


def build_corpus(*, rebuild: bool) -> dict[str, Any]:
    """The corpus' manifest; the corpus is written first unless an identical one is already there."""
    key = corpus_key()
    if not rebuild and CORPUS.is_dir() and MANIFEST.is_file():
        manifest = json.loads(MANIFEST.read_text())
        if manifest.get("key") == key:
            manifest["reused"] = True
            return manifest
    from databricks_project_templates import render_template

    start = time.perf_counter()
    MANIFEST.unlink(missing_ok=True)  # written last: an interrupted build is never reused
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir(parents=True)
    kinds: Counter[str] = Counter()
    kind_lines: Counter[str] = Counter()
    rendered = CORPUS / "rendered"
    for answers in TEMPLATE_VARIANTS:
        project = render_template("databricks-pipeline", rendered, answers)
        for path in sorted(project.rglob("*")):
            if path.is_file() and path.suffix != ".py":
                path.unlink()  # only Python: the competitors read nothing else
        for path in project.rglob("*.py"):
            kinds["rendered template"] += 1
            kind_lines["rendered template"] += line_count(path.read_text())
    generator = Generator(SEED)
    number = 0
    while sum(kind_lines.values()) < TARGET_LINES:
        root = CORPUS / "generated" / f"project_{number:02d}"
        for relative, (kind, text) in generator.project(number).items():
            compile(text, relative, "exec")  # the generator must write valid Python
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            kinds[kind] += 1
            kind_lines[kind] += line_count(text)
        number += 1
    manifest = {
        "key": key,
        "files": sum(kinds.values()),
        "lines": sum(kind_lines.values()),
        "rendered_projects": len(TEMPLATE_VARIANTS),
        "generated_projects": number,
        "composition": {kind: {"files": kinds[kind], "lines": kind_lines[kind]} for kind in sorted(kinds)},
        "injected_antipatterns": dict(sorted(generator.injected.items())),
        "build_seconds": round(time.perf_counter() - start, 2),
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    manifest["reused"] = False
    return manifest


def count_corpus() -> tuple[int, int]:
    """Files and lines of the corpus as it is on disk."""
    files = sorted(CORPUS.rglob("*.py"))
    return len(files), sum(line_count(path.read_text()) for path in files)


# --------------------------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")
OURS = "ours: review() in-process"
OURS_CLI = "ours: databricks-agent quality (CLI)"
RUST = "pyspark-antipattern"
PYLINT_PLUGIN = "pylint: plugin checkers only"
PYLINT_FULL = "pylint: all checkers + plugin"


class ToolFailedError(Exception):
    """The tool crashed or wrote nothing parseable: reported, never hidden."""


class ToolSkippedError(Exception):
    """The tool cannot run here (not installed, command not there yet)."""


@dataclass
class Outcome:
    findings: int | None = None
    files: int | None = None
    note: str = ""


@dataclass
class Measurement:
    tool: str
    command: list[str] = field(default_factory=list)
    version: str = ""
    seconds: list[float] = field(default_factory=list)
    findings: int | None = None
    files: int | None = None
    status: str = "ok"  # ok, skipped, crashed, timed out
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def tail(*texts: str, lines: int = 4) -> str:
    """The last lines of a tool's output, on one line."""
    text = ANSI.sub("", "\n".join(texts)).strip()
    return " | ".join(line.strip() for line in text.splitlines()[-lines:])


def measure(
    tool: str,
    command: list[str],
    *,
    check: Callable[[subprocess.CompletedProcess[str]], Outcome],
    runs: int,
    timeout: float,
    warmup: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> Measurement:
    """Median seconds of ``command`` (a new process each run) after one warm-up (``warmup`` or the command)."""
    result = Measurement(tool=tool, command=command)

    def once(argv: list[str]) -> tuple[float, Outcome]:
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=WORK, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        elapsed = time.perf_counter() - start
        return elapsed, check(proc)

    try:
        once(warmup or command)
        for _ in range(runs):
            elapsed, outcome = once(command)
            result.seconds.append(elapsed)
            result.findings, result.files, result.note = outcome.findings, outcome.files, outcome.note
    except ToolSkippedError as err:
        result.status, result.note = "skipped", str(err)
    except ToolFailedError as err:
        result.status, result.note = "crashed", str(err)
    except subprocess.TimeoutExpired:
        result.status, result.note = "timed out", f"a run took more than {timeout:.0f} s (--timeout)"
        result.seconds = [timeout]
    return result


def antipattern_outcome(proc: subprocess.CompletedProcess[str]) -> Outcome:
    """pyspark-antipattern prints rustc-style diagnostics and ``Checked N file(s). Found E error(s), W warning(s).``"""
    text = ANSI.sub("", proc.stdout + "\n" + proc.stderr)
    if proc.returncode not in (0, 1) or "panicked at" in text:
        raise ToolFailedError(f"pyspark-antipattern exited {proc.returncode}: {tail(text)}")
    checked = re.search(r"Checked (\d+) file", text)
    if checked is None:
        raise ToolFailedError(f"pyspark-antipattern wrote no summary: {tail(text) or '(no output)'}")
    found = re.search(r"Found (\d+) error\(s\), (\d+) warning\(s\)", text)
    if found:
        findings = int(found.group(1)) + int(found.group(2))
    else:
        findings = len(re.findall(r"^(?:error|warning)\[", text, flags=re.MULTILINE))
    return Outcome(findings=findings, files=int(checked.group(1)))


def pylint_outcome(proc: subprocess.CompletedProcess[str]) -> Outcome:
    """pylint's exit code is a bit field (32: usage error); its findings are ``--output-format=json2``.

    json2's ``modulesLinted`` counts distinct module names, not files (two ``tests/test_orders.py`` in two projects
    count once, and both are checked), so no file count is given for pylint; the note says how many files had
    messages.
    """
    if proc.returncode & 32 or "Traceback (most recent call last)" in proc.stderr:
        raise ToolFailedError(f"pylint exited {proc.returncode}: {tail(proc.stderr, proc.stdout)}")
    try:
        data = json.loads(proc.stdout)
        messages, modules = data["messages"], data["statistics"]["modulesLinted"]
    except (ValueError, KeyError, TypeError) as err:
        raise ToolFailedError(f"pylint wrote no JSON ({err}): {tail(proc.stderr, proc.stdout)}") from err
    note = f"messages in {len({m['path'] for m in messages})} files; modulesLinted {modules} (distinct module names)"
    fatal = Counter(m["symbol"] for m in messages if m["type"] == "fatal")
    if fatal:
        note += f"; FATAL messages (a checker or the parser failed): {dict(fatal)}"
    return Outcome(findings=len(messages), note=note)


def cli_outcome(output: Path) -> Callable[[subprocess.CompletedProcess[str]], Outcome]:
    def check(proc: subprocess.CompletedProcess[str]) -> Outcome:
        if proc.returncode == 2 and "No such command" in proc.stderr:
            raise ToolSkippedError("`databricks-agent quality` does not exist yet (exit 2, No such command)")
        if proc.returncode != 0:
            raise ToolFailedError(f"exited {proc.returncode} with --fail-on never: {tail(proc.stderr, proc.stdout)}")
        try:
            data = json.loads(output.read_text())
        except (OSError, ValueError) as err:
            raise ToolFailedError(f"--output {output.name} is not JSON ({err}): {tail(proc.stderr)}") from err
        output.unlink()
        report = data.get("report", data) if isinstance(data, dict) else data
        files = len(report["files"]) if isinstance(report, dict) and isinstance(report.get("files"), list) else None
        return Outcome(findings=count_report_findings(report), files=files)

    return check


def count_report_findings(data: object) -> int | None:
    """Findings in the CLI's JSON report (``{"report": <LintReport>, ...}``), or in another shape it may take."""
    if isinstance(data, list):
        return len(data)
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("findings"), list):
        return len(data["findings"])
    if isinstance(data.get("files"), list):
        return sum(len(report.get("findings", [])) for report in data["files"])
    if isinstance(data.get("counts"), dict):
        return sum(int(value) for value in data["counts"].values())
    return None


def measure_ours(runs: int) -> tuple[Measurement, dict[str, object]]:
    config = QualityConfig()
    review([CORPUS], config=config)  # warm-up
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        report = review([CORPUS], config=config)
        seconds.append(time.perf_counter() - start)
    result = Measurement(tool=OURS, seconds=seconds, findings=len(report.findings), files=len(report.files))
    details = {
        "rules_run": report.rules_run,
        "lines_seen": sum(file.lines for file in report.files),
        "counts": report.counts,
        "by_rule": dict(sorted(Counter(finding.rule for finding in report.findings).items())),
        "skipped": len(report.skipped),
    }
    result.note = f"{report.rules_run} rules"
    return result, details


def measure_cli(runs: int, timeout: float, scratch: Path) -> Measurement:
    agent = shutil.which("databricks-agent") or str(Path(sys.executable).with_name("databricks-agent"))
    if not Path(agent).exists():
        return Measurement(tool=OURS_CLI, status="skipped", note="not on PATH")
    output = scratch / "quality.json"
    command = [agent, "quality", str(CORPUS), "--format", "json", "--fail-on", "never", "--output", str(output)]
    env = {**os.environ, "DATABRICKS_AGENT_USAGE_LOG": str(scratch / "usage.jsonl")}
    result = measure(
        OURS_CLI,
        command,
        check=cli_outcome(output),
        runs=runs,
        timeout=timeout,
        env=env,
    )
    result.version = tool_output([agent, "--version"])
    return result


def tool_output(command: list[str]) -> str:
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except OSError as err:
        return f"? ({err})"
    return " ".join((proc.stdout or proc.stderr).split())


def tools_ready() -> str | None:
    """Install the competitors into their own venv when missing; None when ready, else why not."""
    python = TOOLS_VENV / "bin" / "python"
    names = ", ".join(repr(pin.split("==")[0]) for pin in TOOL_PINS)
    probe = f"import importlib.metadata as m; print(*(m.version(name) for name in ({names})))"
    wanted = " ".join(pin.split("==")[1] for pin in TOOL_PINS)
    if python.exists() and tool_output([str(python), "-c", probe]) == wanted:
        return None
    uv = shutil.which("uv")
    if uv is None:
        return "uv is not on PATH: cannot create build/bench-tools/.venv"
    print(f"installing {', '.join(TOOL_PINS)} into {TOOLS_VENV.relative_to(ROOT)}")
    steps = []
    if not python.exists():
        steps.append([uv, "venv", "--python", f"{sys.version_info.major}.{sys.version_info.minor}", str(TOOLS_VENV)])
    steps.append([uv, "pip", "install", "--python", str(python), *TOOL_PINS])
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}}
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            return f"`{' '.join(step[:3])}` failed: {tail(proc.stderr)}"
    return None


def measure_competitors(args: argparse.Namespace) -> list[Measurement]:
    names = (RUST, PYLINT_PLUGIN, PYLINT_FULL)
    wanted = [
        name for name, key in zip(names, ("rust", "pylint-plugin", "pylint-full"), strict=True) if key not in args.skip
    ]
    if not wanted:
        return []
    problem = tools_ready()
    if problem:
        return [Measurement(tool=name, status="skipped", note=problem) for name in wanted]
    bin_dir = TOOLS_VENV / "bin"
    corpus = str(CORPUS.relative_to(WORK))
    one_file = str(next(CORPUS.glob("generated/*/src/*/utils.py")).relative_to(WORK))
    results = []
    if RUST in wanted:
        rust = measure(
            RUST,
            [str(bin_dir / "pyspark-antipattern"), "check", corpus],
            check=antipattern_outcome,
            runs=args.runs,
            timeout=args.timeout,
        )
        rust.version = tool_output([str(bin_dir / "pyspark-antipattern"), "--version"])
        results.append(rust)
    pylint = [str(bin_dir / "pylint"), "--load-plugins=databricks.labs.pylint.all", "--output-format=json2"]
    variants = {
        PYLINT_PLUGIN: [*pylint, "--disable=all", f"--enable={PLUGIN_MESSAGES}", "--recursive=y"],
        PYLINT_FULL: [*pylint, "--recursive=y"],
    }
    version = tool_output([str(bin_dir / "pylint"), "--version"]) + ", databricks-labs-pylint 0.5.0"
    for name, command in variants.items():
        if name in wanted:
            print(f"  timing {name} ({args.pylint_runs} run(s); slow)...", flush=True)
            result = measure(
                name,
                [*command, corpus],
                check=pylint_outcome,
                runs=args.pylint_runs,
                timeout=args.timeout,
                warmup=[*command, one_file],
            )
            result.version = version
            results.append(result)
    return results


# --------------------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------------------


def fmt_seconds(result: Measurement) -> str:
    if result.median is None:
        return result.status
    bound = ">=" if result.status == "timed out" else ""
    return f"{bound}{result.median:.2f}s"


def ratio_line(label: str, ours: Measurement, other: Measurement, *, goal: float, ours_over_other: bool) -> str:
    """A goal's verdict: ours/other <= goal (vs Rust) or other/ours >= goal (vs pylint)."""
    if ours.median is None or other.median is None:
        return f"{label}: not measured ({ours.status if ours.median is None else other.status})"
    if ours_over_other:
        value = ours.median / other.median
        met = value <= goal and other.status == "ok"
    else:
        value = other.median / ours.median
        met = value >= goal
    bound = ">=" if other.status == "timed out" and not ours_over_other else ""
    return f"{label}: {bound}{value:.2f}x ({'met' if met else 'MISSED'})"


def print_corpus(manifest: dict[str, Any], files: int, lines: int) -> None:
    how = "reused" if manifest["reused"] else f"built in {manifest['build_seconds']} s"
    print(f"corpus {CORPUS.relative_to(ROOT)} ({how}): {files} files, {lines:,} lines")
    print(
        f"  {manifest['rendered_projects']} projects rendered from databricks-pipeline, "
        f"{manifest['generated_projects']} generated projects"
    )
    for kind, figures in manifest["composition"].items():
        print(f"  {kind:<20} {figures['files']:>5} files {figures['lines']:>8,} lines")
    injected = manifest["injected_antipatterns"]
    listed = ", ".join(f"{kind} {count}" for kind, count in injected.items())
    print(f"  antipatterns injected: {sum(injected.values())} ({listed})")


def print_table(results: list[Measurement], lines: int, base: float) -> None:
    print(f"{'tool':<40} {'median':>10} {'lines/s':>10} {'files':>6} {'findings':>9} {'x ours':>8}")
    for result in results:
        median = result.median
        low, high = ("<=", ">=") if result.status == "timed out" else ("", "")
        speed = f"{low}{lines / median:,.0f}" if median else "-"
        ratio = f"{high}{median / base:.2f}" if median else "-"
        found = "-" if result.findings is None else str(result.findings)
        seen = "-" if result.files is None else str(result.files)
        print(f"{result.tool:<40} {fmt_seconds(result):>10} {speed:>10} {seen:>6} {found:>9} {ratio:>8}")
    for result in results:
        if result.status != "ok":
            print(f"  {result.tool}: {result.status.upper()}: {result.note}")
        elif result.note:
            print(f"  {result.tool}: {result.note}")


def goal_lines(results: list[Measurement]) -> list[str]:
    """Each goal against ours in-process and ours end to end (the CLI), when measured."""
    by_name = {result.tool: result for result in results}
    ours = [
        (label, by_name[name])
        for label, name in (("in-process", OURS), ("CLI", OURS_CLI))
        if name in by_name and by_name[name].median is not None
    ]
    goals = []
    if RUST in by_name:
        for label, mine in ours:
            title = f"goal ours ({label}) <= {GOAL_VS_RUST:g}x pyspark-antipattern's time, ours/rust"
            goals.append(ratio_line(title, mine, by_name[RUST], goal=GOAL_VS_RUST, ours_over_other=True))
    for name in (PYLINT_PLUGIN, PYLINT_FULL):
        if name in by_name:
            for label, mine in ours:
                title = f"goal ours ({label}) >= {GOAL_VS_PYLINT:g}x faster than {name}, pylint/ours"
                goals.append(ratio_line(title, mine, by_name[name], goal=GOAL_VS_PYLINT, ours_over_other=False))
    return goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs per tool (default {RUNS})")
    parser.add_argument("--pylint-runs", type=int, default=PYLINT_RUNS, help="timed runs of each pylint variant")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds before a competitor's run is stopped")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus even when it is up to date")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("cli", "rust", "pylint-plugin", "pylint-full"),
        help="leave a measurement out (repeatable)",
    )
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    manifest = build_corpus(rebuild=args.rebuild)
    files, lines = count_corpus()
    print_corpus(manifest, files, lines)

    print(f"timing ours in-process ({args.runs} runs after a warm-up)...", flush=True)
    ours, ours_details = measure_ours(args.runs)
    if ours_details["lines_seen"] != lines or ours.files != files:
        print(f"  WARNING: review() saw {ours.files} files / {ours_details['lines_seen']} lines of {files} / {lines}")
    results = [ours]
    if "cli" not in args.skip:
        print("timing the CLI end to end...", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-code-review-") as scratch:
            results.append(measure_cli(args.runs, args.timeout, Path(scratch)))
    print("timing the competitors...", flush=True)
    results += measure_competitors(args)
    load_after = os.getloadavg()

    print()
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before / "
        f"{load_after[0]:.1f} after; median of {args.runs} ({args.pylint_runs} for pylint); {lines:,} lines"
    )
    base = ours.median or float("nan")
    print_table(results, lines, base)
    goals = goal_lines(results)
    for line in goals:
        print(line)

    if args.json:
        figures = {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "runs": args.runs,
            "pylint_runs": args.pylint_runs,
            "corpus": {**manifest, "path": str(CORPUS), "files_on_disk": files, "lines_on_disk": lines},
            "ours": ours_details,
            "results": [
                {
                    **asdict(result),
                    "median_seconds": result.median,
                    "lines_per_second": lines / result.median if result.median else None,
                    "x_ours": result.median / base if result.median else None,
                }
                for result in results
            ],
            "goals": goals,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
