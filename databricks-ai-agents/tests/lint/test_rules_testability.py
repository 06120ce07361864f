"""Testability rules (DBA5xx): each flagged, each clean, and the near-misses they must leave alone."""

import textwrap

import pytest

from databricks_ai_agents.lint import QualityConfig, review

HEADER = "from pyspark.sql import functions as F\nfrom databricks_utils import get_spark\n"
TEST = "tests/test_silver.py"


def body(code: str) -> str:
    return HEADER + textwrap.dedent(code)


# -- DBA501 transform-creates-session --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "line", "fetch"),
    [
        (
            """
            def enrich(rows):
                spark = get_spark()
                return spark.createDataFrame(rows).withColumn("n", F.lit(1))
            """,
            5,
            "get_spark()",
        ),
        (
            """
            def totals(name):
                return get_spark().table(name).groupBy("day").agg(F.sum("amount"))
            """,
            5,
            "get_spark()",
        ),
        (
            """
            from pyspark.sql import SparkSession

            def dedupe(df):
                spark = SparkSession.getActiveSession()
                lookup = spark.table("ref.keys")
                return df.join(lookup, on="id", how="left_anti").dropDuplicates(["id"])
            """,
            7,
            "SparkSession.getActiveSession()",
        ),
        (
            """
            from pyspark.sql import SparkSession

            class Cleaner:
                def clean(self, rows):
                    spark = SparkSession.builder.getOrCreate()
                    return spark.createDataFrame(rows).withColumnRenamed("a", "b")
            """,
            8,
            "SparkSession.builder...getOrCreate()",
        ),
    ],
)
def test_transform_creates_session_is_flagged(hits, code, line, fetch):
    found = hits(body(code), "DBA501")
    assert len(found) == 1
    assert found[0].line == line
    assert f"own session with {fetch}" in found[0].message


@pytest.mark.parametrize(
    ("code", "path"),
    [
        # DataFrame in, DataFrame out.
        ("def enrich(orders):\n    return orders.withColumn('n', F.lit(1))\n", "src/project/transforms.py"),
        ("def enrich(orders):\n    return orders.sparkSession.table('x').join(orders, on='id')\n", "src/p/t.py"),
        # Entry points fetch the session by design.
        (
            "def main():\n    spark = get_spark()\n    spark.table('a').groupBy('x').count()\n",
            "src/project/jobs.py",
        ),
        ("def run_silver():\n    get_spark().table('a').withColumn('x', F.lit(1))\n", "src/project/jobs.py"),
        ("def nightly_job():\n    get_spark().table('a').withColumn('x', F.lit(1))\n", "src/project/jobs.py"),
        (
            "import click\n\n@click.command()\ndef export():\n    get_spark().table('a').withColumn('x', F.lit(1))\n",
            "src/project/jobs.py",
        ),
        (
            "import dlt\n\n@dlt.table\ndef silver():\n"
            "    return get_spark().table('bronze').withColumn('x', F.lit(1))\n",
            "src/project/pipeline.py",
        ),
        (
            "from pyspark import pipelines as dp\n\n@dp.materialized_view\ndef gold():\n"
            "    return get_spark().table('silver').groupBy('d').count()\n",
            "src/project/pipeline.py",
        ),
        # A session without transformations (DDL, config) is not a transform.
        ("def create_schema(name):\n    get_spark().sql(f'CREATE SCHEMA {name}')\n", "src/project/setup.py"),
        # Python string and list methods are not DataFrame transformations.
        ("def names(parts):\n    get_spark()\n    return ', '.join(parts).replace('a', 'b')\n", "src/project/t.py"),
        (
            "import os\n\ndef key(parts):\n    get_spark()\n    return os.path.join(parts[0], parts[1])\n",
            "src/project/t.py",
        ),
        # Notebooks and tests are not library code.
        (
            "def enrich(rows):\n    return get_spark().createDataFrame(rows).withColumn('n', F.lit(1))\n",
            "tests/test_x.py",
        ),
    ],
)
def test_transform_creates_session_is_clean(hits, code, path):
    assert hits(HEADER + code, "DBA501", path=path) == []


# -- DBA502 transform-reads-tables -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "line", "read"),
    [
        (
            """
            def daily_totals(spark):
                orders = spark.table("main.sales.orders")
                return orders.groupBy("day").agg(F.sum("amount"))
            """,
            5,
            "spark.table()",
        ),
        (
            """
            def clean(spark, path):
                raw = spark.read.format("json").load(path)
                return raw.withColumn("ts", F.to_timestamp("ts"))
            """,
            5,
            "spark.read...load()",
        ),
        (
            """
            def customers(run):
                frame = run.spark.sql("SELECT * FROM bronze.customers")
                return frame.dropDuplicates(["id"])
            """,
            5,
            "spark.sql(SELECT ...)",
        ),
        (
            """
            def enrich(spark, table):
                orders = spark.readStream.table(table)
                return orders.withWatermark("ts", "1 hour")
            """,
            5,
            "spark.readStream...table()",
        ),
        (
            """
            def build_silver(spark):
                out = spark.table("bronze").withColumn("x", F.lit(1))
                out.write.saveAsTable("silver")
            """,
            5,
            "spark.table()",
        ),
    ],
)
def test_transform_reads_tables_is_flagged(hits, code, line, read):
    found = hits(body(code), "DBA502")
    assert len(found) == 1
    assert found[0].line == line
    assert f"reads its own input with {read}" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        # Readers read by design, even when they push a filter or projection down.
        "def read_orders(spark):\n    return spark.table('orders').withColumn('x', F.lit(1))\n",
        "def load_orders(spark):\n    return spark.read.parquet('/p').withColumn('x', F.lit(1))\n",
        "def ingest(spark):\n    return spark.read.json('/p').withColumn('x', F.lit(1))\n",
        "def orders(spark):\n    return spark.table('orders').where('status = \"PAID\"').select('id', 'amount')\n",
        # DataFrame in: a lookup read beside it is allowed (the template's append_new reads its target).
        "def append_new(frame, table):\n    spark = frame.sparkSession\n"
        "    return frame.join(spark.table(table).select('id'), on='id', how='left_anti')\n",
        "def enrich(orders: DataFrame, spark):\n    return orders.join(spark.table('dim'), on='id')\n",
        # spark.sql that is not a query.
        "def last_meta(spark, t):\n    return spark.sql(f'DESCRIBE HISTORY {t}').select('m').first()\n",
        # Entry points and Lakeflow functions.
        "def main(spark):\n    spark.table('a').groupBy('x').count()\n",
        "import dlt\n\n@dlt.table\ndef silver():\n    return spark.table('bronze').withColumn('x', F.lit(1))\n",
        # Reads without transformation: the caller transforms.
        "def refine(run):\n    return standardise(run.spark.table(run.table('bronze'))).cache()\n",
        # Not a Spark session's read.
        "def parse(reader):\n    return reader.read.csv('x').withColumn('a', F.lit(1))\n",
    ],
)
def test_transform_reads_tables_is_clean(hits, code):
    assert hits(HEADER + code, "DBA502") == []


def test_transform_reads_tables_ignores_notebooks(hits):
    code = "# Databricks notebook source\ndef f(spark):\n    return spark.table('a').withColumn('x', F.lit(1))\n"
    assert hits(code, "DBA502", path="notebooks/nb.py") == []


# -- DBA503 action-at-import -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "line", "what"),
    [
        ("spark = get_spark()\n", 3, "get_spark() (starts a Spark session)"),
        ("COUNTRIES = [r.code for r in spark.table('ref.countries').collect()]\n", 3, ".collect()"),
        ("TOTAL = spark.read.parquet('/data').count()\n", 3, ".count()"),
        ("spark.sql('CREATE TABLE IF NOT EXISTS t (a INT)')\n", 3, "spark.sql()"),
        ("ORDERS = spark.table('orders')\n", 3, "spark.table()"),
        ("RAW = spark.read.format('json').load('/raw')\n", 3, "spark.read...load()"),
        ("ROWS = get_spark().table('t').take(5)\n", 3, ".take()"),
        ("frame.write.mode('overwrite').saveAsTable('t')\n", 3, ".saveAsTable()"),
        ("class Config:\n    ROWS = spark.table('cfg').collect()\n", 4, ".collect()"),
    ],
)
def test_action_at_import_is_flagged(hits, code, line, what):
    found = hits(HEADER + code, "DBA503")
    assert len(found) == 1
    assert found[0].line == line
    assert found[0].message == f"{what} runs when the module is imported"


def test_action_at_import_follows_frames_from_a_fetched_session(hits):
    code = HEADER + "ORDERS = get_spark().table('orders').where('x')\nN = ORDERS.count()\n"
    assert [f.line for f in hits(code, "DBA503")] == [3, 4]


def test_action_at_import_follows_module_level_frames(hits):
    code = HEADER + "session = get_spark()\nref = session.table('ref')\nref.show()\n"
    found = hits(code, "DBA503")
    assert [(f.line, f.message.split(" ")[0]) for f in found] == [
        (3, "get_spark()"),
        (4, "spark.table()"),
        (5, ".show()"),
    ]


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("def countries(spark):\n    return spark.table('ref.countries').collect()\n", "src/project/ref.py"),
        ("if __name__ == '__main__':\n    get_spark().table('t').show()\n", "src/project/jobs.py"),
        ("spark = get_spark()\nspark.table('t').show()\n", "src/project/__main__.py"),
        ("spark = get_spark()\n", "tests/conftest.py"),
        ("# Databricks notebook source\nspark.table('t').show()\n", "notebooks/nb.py"),
        # getActiveSession() starts nothing; Python look-alikes are not Spark actions.
        ("from pyspark.sql import SparkSession\n\nspark = SparkSession.getActiveSession()\n", "src/project/m.py"),
        ("import threading\n\nthreading.Thread(target=f).start()\n", "src/project/m.py"),
        ("NAMES = ['a', 'b']\nN = NAMES.count('a')\nFIRST = items.first()\n", "src/project/m.py"),
        ("import pandas as pd\n\nHEAD = pd.read_csv('x.csv').head()\n", "src/project/m.py"),
        ("from databricks_utils import get_logger\n\nlogger = get_logger(__name__)\n", "src/project/m.py"),
        ("spark.udf.register('f', f)\n", "src/project/m.py"),
    ],
)
def test_action_at_import_is_clean(hits, code, path):
    assert hits(code if code.startswith("# Databricks") else HEADER + code, "DBA503", path=path) == []


# -- DBA504 module-without-test (a project rule: reviewed from disk) -------------------------------

TRANSFORMS = """\
from pyspark.sql import functions as F


def add_total(orders):
    return orders.withColumn("total", F.col("qty") * F.col("price"))


def _private(orders):
    return orders.withColumn("x", F.lit(1))
"""


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def module_findings(paths):
    report = review(paths, config=QualityConfig())
    return [(f.path.rsplit("/", 3)[-3:], f.line, f.message) for f in report.findings if f.rule == "DBA504"]


def test_module_without_test_is_flagged_when_tests_exist(tmp_path):
    root = write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'p'\n",
            "src/shop/transforms.py": TRANSFORMS,
            "src/shop/__init__.py": "",
            "tests/test_other.py": "from shop.other import x\n\ndef test_x():\n    assert x\n",
        },
    )
    found = module_findings([root])
    assert len(found) == 1
    path, line, message = found[0]
    assert path == ["src", "shop", "transforms.py"]
    assert line == 1
    assert message == "no test imports shop.transforms (transforms add_total())"


def test_module_without_test_looks_in_the_tests_folder_on_disk(tmp_path):
    root = write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'p'\n",
            "pipelines/gold/transform.py": TRANSFORMS,
            "tests/unit/test_gold.py": "def test_nothing_about_gold():\n    assert True\n",
        },
    )
    found = module_findings([root / "pipelines"])  # only the module is reviewed; tests/ is read from disk
    assert [message for _, _, message in found] == ["no test imports pipelines.gold.transform (transforms add_total())"]


@pytest.mark.parametrize(
    "test_import",
    [
        "from shop.transforms import add_total",
        "import shop.transforms",
        "from shop import transforms",
        "from shop import (\n    other,\n    transforms,\n)",
    ],
)
def test_module_without_test_is_clean_when_a_test_imports_it(tmp_path, test_import):
    root = write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'p'\n",
            "src/shop/transforms.py": TRANSFORMS,
            "tests/test_transforms.py": f"{test_import}\n\ndef test_x():\n    assert True\n",
        },
    )
    assert module_findings([root]) == []
    assert module_findings([root / "src"]) == []  # the same, with the test read from disk


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("src/shop/transforms.py", TRANSFORMS),
        # Private modules, writers and functions without DataFrame transforms do not count.
        ("src/shop/_passes.py", TRANSFORMS),
        ("src/shop/tables.py", "def append(frame, t):\n    frame.dropDuplicates(['id']).write.saveAsTable(t)\n"),
        ("src/shop/util.py", "import pyspark\n\ndef names(parts):\n    return ', '.join(parts)\n"),
        ("src/shop/__init__.py", TRANSFORMS),
    ],
)
def test_module_without_test_needs_tests_and_transforms(tmp_path, name, text):
    with_tests = {
        "pyproject.toml": "[project]\nname = 'p'\n",
        name: text,
        "tests/test_a.py": "def test_a():\n    pass\n",
    }
    if name == "src/shop/transforms.py":
        del with_tests["tests/test_a.py"]  # a project without any test: nothing to compare with
    assert module_findings([write(tmp_path, with_tests)]) == []


# -- DBA505 test-without-assertion -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "line", "name"),
    [
        ("def test_to_silver(spark_session):\n    to_silver(spark_session.range(3))\n", 1, "test_to_silver"),
        ("def test_runs():\n    result = run()\n    print(result)\n", 1, "test_runs"),
        ("def test_placeholder():\n    pass\n", 1, "test_placeholder"),
        ("class TestSilver:\n    def test_types(self):\n        standardise(self.df)\n", 2, "test_types"),
        ("async def test_async_fetch():\n    await fetch()\n", 1, "test_async_fetch"),
        # A helper that does not assert does not count.
        ("def build(s):\n    return s.range(1)\n\ndef test_build(spark):\n    build(spark)\n", 4, "test_build"),
    ],
)
def test_test_without_assertion_is_flagged(hits, code, line, name):
    found = hits(code, "DBA505", path=TEST)
    assert len(found) == 1
    assert found[0].line == line
    assert found[0].message == f"{name}() asserts nothing: it passes whatever the code returns"


@pytest.mark.parametrize(
    "code",
    [
        "def test_x():\n    assert f() == 1\n",
        "import pytest\n\ndef test_x():\n    with pytest.raises(ValueError):\n        f()\n",
        "import pytest\n\ndef test_x():\n    with pytest.warns(UserWarning):\n        f()\n",
        "from pyspark.testing import assertDataFrameEqual\n\ndef test_x(spark):\n    assertDataFrameEqual(f(), g())\n",
        "from chispa import assert_df_equality\n\ndef test_x():\n    assert_df_equality(f(), g())\n",
        "import pandas as pd\n\ndef test_x():\n    pd.testing.assert_frame_equal(f(), g())\n",
        "def test_x(mocker):\n    m = mocker.patch('a.b')\n    f()\n    m.assert_called_once_with(1)\n",
        "import unittest\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(f(), 1)\n",
        "def check(df):\n    assert df.count() == 2\n\ndef test_x(spark):\n    check(f(spark))\n",
        "class TestX:\n    def _check(self, v):\n        assert v\n\n    def test_x(self):\n        self._check(f())\n",
        "import pytest\n\ndef test_x():\n    pytest.skip('needs a workspace')\n",
        "import pytest\n\n@pytest.mark.skip(reason='later')\ndef test_x():\n    f()\n",
        "def test_x():\n    if f() != 1:\n        raise AssertionError('wrong')\n",
        "import subprocess\n\ndef test_cli():\n    subprocess.run(['tool', '--help'], check=True)\n",
        "def test_x(pytester):\n    pytester.runpytest().assert_outcomes(passed=1)\n",
        "def test_x(pytester):\n    pytester.runpytest('--markers').stdout.fnmatch_lines(['*x*'])\n",
        "import pytest\n\n@pytest.fixture\ndef test_data():\n    return [1]\n",
        "class Helper:\n    def test_like(self):\n        f()\n",  # not a test class
        "def testing_helper():\n    f()\n",
    ],
)
def test_test_without_assertion_is_clean(hits, code):
    assert hits(code, "DBA505", path=TEST) == []


def test_test_without_assertion_only_reviews_tests(hits):
    assert hits("def test_x():\n    f()\n", "DBA505", path="src/project/checks.py") == []


# -- DBA506 weak-test-assertion --------------------------------------------------------------------


@pytest.mark.parametrize(
    "assertion",
    [
        "assert result.count() > 0",
        "assert result is not None",
        "assert len(result.collect()) >= 1",
        "assert result.count()",
        "assert isinstance(result, DataFrame)",
    ],
)
def test_weak_test_assertion_is_flagged(hits, assertion):
    code = f"def test_silver(spark_session):\n    result = to_silver(spark_session.range(3))\n    {assertion}\n"
    found = hits(code, "DBA506", path=TEST)
    assert len(found) == 1
    assert found[0].line == 3
    assert "test_silver() only checks that a result exists" in found[0].message


@pytest.mark.parametrize(
    "assertion",
    [
        "assert result.count() == 3",
        "assert result.count() > 0\n    assert result.columns == ['id']",
        "assert result is not None\n    assertDataFrameEqual(result, expected)",
        "assert not result.isEmpty()\n    assert result.first().id == 0",
    ],
)
def test_weak_test_assertion_is_clean(hits, assertion):
    code = f"def test_silver(spark_session):\n    result = to_silver(spark_session.range(3))\n    {assertion}\n"
    assert hits(code, "DBA506", path=TEST) == []


def test_weak_test_assertion_leaves_non_spark_tests_alone(hits):
    code = "import importlib\n\ndef test_path():\n    assert getattr(importlib.import_module('m'), 'x') is not None\n"
    assert hits(code, "DBA506", path=TEST) == []
