"""Databricks and Unity Catalog rules (DBA3xx): each flagged, each clean, and the near misses they must leave alone."""

import json

import pytest

from databricks_ai_agents.lint.model import Category, Severity
from databricks_ai_agents.lint.rules.databricks import RULES

HEADER = "from pyspark.sql import functions as F\n"
NOTEBOOK = "# Databricks notebook source\n"
NOTEBOOK_PATH = "notebooks/nb.py"
TEST_PATH = "tests/test_x.py"


def ipynb(*cells: str) -> str:
    return json.dumps(
        {"cells": [{"cell_type": "code", "source": cell, "metadata": {}, "outputs": []} for cell in cells]}
    )


def test_the_module_exports_its_rules_in_the_databricks_category():
    assert [r.id for r in RULES] == [f"DBA30{n}" for n in range(1, 10)]
    assert {r.spec.category for r in RULES} == {Category.DATABRICKS}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_flags_its_own_example_and_not_its_fix(hits, rule):
    assert hits(rule.spec.flagged, rule.id, path=rule.spec.example_path)
    assert hits(rule.spec.clean, rule.id, path=rule.spec.example_path) == []


# -- DBA301 hardcoded-storage-path -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "expected", "column"),
    [
        ("raw = spark.read.json('s3://acme-raw/orders/')\n", "`s3://` storage path", 23),
        ("raw = spark.read.json('s3a://acme-raw/orders/')\n", "`s3a://` storage path", 23),
        ("raw = spark.read.json('abfss://raw@acme.dfs.core.windows.net/orders')\n", "`abfss://` storage path", 23),
        ("raw = spark.read.json('wasbs://raw@acme.blob.core.windows.net/x')\n", "`wasbs://` storage path", 23),
        ("raw = spark.read.json('gs://acme-raw/orders')\n", "`gs://` storage path", 23),
        ("raw = spark.read.json('dbfs:/FileStore/orders.csv')\n", "`dbfs:/` storage path", 23),
        ("raw = pd.read_csv('/dbfs/FileStore/orders.csv')\n", "`/dbfs/` storage path", 19),
        ("raw = spark.read.json('/mnt/raw/orders')\n", "DBFS mount", 23),
        ("raw = spark.read.json('dbfs:/mnt/raw/orders')\n", "DBFS mount", 23),
        ("raw = pd.read_csv('/dbfs/mnt/raw/orders.csv')\n", "DBFS mount", 19),
        ("raw = spark.read.json(f'/mnt/raw/{day}/orders')\n", "DBFS mount", 23),
        ("RAW = 's3://acme-raw/orders'\n", "`s3://` storage path", 7),
    ],
)
def test_hardcoded_storage_path_is_flagged(hits, code, expected, column):
    found = hits(code, "DBA301")
    assert len(found) == 1
    assert (found[0].line, found[0].column) == (1, column)
    assert expected in found[0].message


def test_hardcoded_storage_path_is_flagged_in_notebooks(hits):
    found = hits(NOTEBOOK + "df = spark.read.load('s3://acme/raw')\n", "DBA301", path=NOTEBOOK_PATH)
    assert [f.line for f in found] == [2]


@pytest.mark.parametrize(
    "code",
    [
        "raw = spark.read.json(settings.source_path)\n",
        "raw = spark.read.json('/Volumes/main/raw/orders')\n",  # a Unity Catalog volume
        "raw = spark.read.json('dbfs:/Volumes/main/raw/orders')\n",
        "raw = spark.read.json('dbfs:/databricks-datasets/retail/')\n",  # read-only samples
        "raw = spark.read.json(f's3://{bucket}/orders')\n",  # the bucket comes from config
        "raw = spark.read.json(f'{root}/mnt/raw')\n",  # only the start of an f-string counts
        "if path.startswith('s3://'):\n    pass\n",  # a bare scheme: code about paths
        "schemes = ('abfss://', 'dbfs:/')\n",
        "help_text = 's3://bucket/path or a /Volumes path'\n",  # prose
        "def f():\n    '''Reads s3://acme-raw/orders by default.'''\n",
        "'''Module docs: /mnt/raw holds the files.'''\n",
        "local = '/tmp/raw/orders'\n",
    ],
)
def test_hardcoded_storage_path_is_clean(hits, code):
    assert hits(code, "DBA301") == []


def test_hardcoded_storage_path_is_allowed_in_tests(hits):
    assert hits("PATH = 's3://acme-raw/orders'\n", "DBA301", path=TEST_PATH) == []


# -- DBA302 spark-context ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("rdd = spark.sparkContext.parallelize([1, 2])\n", "`spark.sparkContext` is unavailable"),
        ("sc = spark.sparkContext\n", "`spark.sparkContext`"),
        ("spark.sparkContext.setLogLevel('WARN')\n", "`spark.sparkContext`"),
        ("handle = spark._jsc.hadoopConfiguration()\n", "`spark._jsc` (the JVM gateway)"),
        ("jvm = spark._jvm\n", "`spark._jvm` (the JVM gateway)"),
        ("from pyspark import SparkContext\n\nsc = SparkContext.getOrCreate()\n", "SparkContext is unavailable"),
        ("from pyspark import SparkContext\n\nsc = SparkContext('local')\n", "SparkContext is unavailable"),
        ("from pyspark.sql import SQLContext\n\nctx = SQLContext(sc)\n", "SQLContext is unavailable"),
        ("ctx = df.sqlContext\n", "`df.sqlContext`"),
        ("conf = spark.sparkContext._jsc.hadoopConfiguration()\n", "`spark.sparkContext`"),  # reported once
    ],
)
def test_spark_context_is_flagged(hits, code, expected):
    found = hits(HEADER + code, "DBA302")
    assert len(found) == 1
    assert expected in found[0].message
    assert "shared access mode" in found[0].message


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("rdd = sc.parallelize([1, 2])\n", "sc"),
        ("text = sc.textFile('/Volumes/a/b/c')\n", "sc"),
        ("frame = sqlContext.table('orders')\n", "sqlContext"),
    ],
)
def test_spark_context_flags_a_notebooks_predefined_globals(hits, code, name):
    found = hits(NOTEBOOK + code, "DBA302", path=NOTEBOOK_PATH)
    assert len(found) == 1
    assert found[0].line == 2
    assert f"the notebook's `{name}`" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "rows = spark.createDataFrame([(1, 'a')], ['id', 'name'])\n",
        "spark.conf.set('spark.sql.shuffle.partitions', '64')\n",
        "from pyspark import SparkContext\n\ndef f(sc: SparkContext) -> None:\n    pass\n",  # an annotation only
        "self._jsc = None\n",  # assigning an attribute of one's own class
        "rows = df.rdd.map(lambda r: r)\n",  # .rdd is another rule's business
    ],
)
def test_spark_context_is_clean(hits, code):
    assert hits(HEADER + code, "DBA302") == []


def test_spark_context_leaves_a_module_level_sc_alone_outside_notebooks(hits):
    assert hits(HEADER + "rows = sc.parallelize([1])\n", "DBA302") == []


def test_spark_context_leaves_a_notebook_that_binds_sc_itself_alone(hits):
    code = NOTEBOOK + "sc = make_client()\nsc.parallelize([1])\n"
    assert hits(code, "DBA302", path=NOTEBOOK_PATH) == []


def test_spark_context_is_allowed_in_tests(hits):
    assert hits(HEADER + "spark.sparkContext.setJobGroup('a', 'b')\n", "DBA302", path=TEST_PATH) == []


# -- DBA303 dbutils-in-library -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "used"),
    [
        ("def source() -> str:\n    return dbutils.widgets.get('source')\n", "dbutils.widgets.get"),
        ("def token() -> str:\n    return dbutils.secrets.get('scope', 'key')\n", "dbutils.secrets.get"),
        ("files = dbutils.fs.ls('/Volumes/a/b/c')\n", "dbutils.fs.ls"),
        ("helper(dbutils)\n", "dbutils"),
        ("from databricks.sdk.runtime import dbutils\n\nvalue = dbutils.widgets.get('x')\n", "dbutils.widgets.get"),
    ],
)
def test_dbutils_in_library_is_flagged(hits, code, used):
    found = hits(code, "DBA303")
    assert len(found) == 1
    assert found[0].message.startswith(f"`{used}` only exists in notebooks")


def test_dbutils_in_library_flags_every_use(hits):
    code = "a = dbutils.widgets.get('a')\nb = dbutils.widgets.get('b')\n"
    assert [f.line for f in hits(code, "DBA303")] == [1, 2]


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("value = dbutils.widgets.get('x')\n", NOTEBOOK_PATH),
        ("value = dbutils.widgets.get('x')\n", TEST_PATH),
        ("value = dbutils.widgets.get('x')\n", "src/project/__main__.py"),
        ("def read(dbutils) -> str:\n    return dbutils.widgets.get('x')\n", "src/project/params.py"),
        ("from databricks.sdk import WorkspaceClient\n\ndbutils = WorkspaceClient().dbutils\n"
         "files = dbutils.fs.ls('/Volumes/a/b/c')\n", "src/project/files.py"),
        ("from pyspark.dbutils import DBUtils\n\ndbutils = DBUtils(spark)\nx = dbutils.fs.ls('/')\n", "src/p/f.py"),
        ("name = 'dbutils'\n", "src/project/names.py"),
    ],
)  # fmt: skip
def test_dbutils_in_library_is_clean(hits, code, path):
    source = NOTEBOOK + code if path == NOTEBOOK_PATH else code
    assert hits(source, "DBA303", path=path) == []


# -- DBA304 display-in-library -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "name", "line"),
    [
        ("def report(df):\n    display(df)\n", "display", 2),
        ("display(df.limit(10))\n", "display", 1),
        ("displayHTML('<b>done</b>')\n", "displayHTML", 1),
    ],
)
def test_display_in_library_is_flagged(hits, code, name, line):
    found = hits(code, "DBA304")
    assert len(found) == 1
    assert found[0].line == line
    assert found[0].message.startswith(f"{name}() is a notebook global")


@pytest.mark.parametrize(
    ("code", "path"),
    [
        (NOTEBOOK + "display(df)\n", NOTEBOOK_PATH),
        ("display(df)\n", TEST_PATH),
        ("from IPython.display import display\n\ndisplay(chart)\n", "src/project/plots.py"),
        ("def display(value):\n    print(value)\n\ndisplay(1)\n", "src/project/cli.py"),
        ("df.display()\n", "src/project/t.py"),  # a method, not the notebook global
    ],
)
def test_display_in_library_is_clean(hits, code, path):
    assert hits(code, "DBA304", path=path) == []


# -- DBA305 magic-run --------------------------------------------------------------------------------------
def test_magic_run_is_flagged_in_databricks_notebooks(hits):
    code = NOTEBOOK + "# MAGIC %run ./helpers\n\n# COMMAND ----------\n\n# MAGIC %run ../shared/setup $env=dev\n"
    found = hits(code, "DBA305", path=NOTEBOOK_PATH)
    assert [(f.line, f.column) for f in found] == [(2, 9), (6, 9)]
    assert found[0].message == "%run ./helpers inlines a notebook; import a module instead"
    assert found[1].message.startswith("%run ../shared/setup $env=dev")
    assert found[0].severity is Severity.INFO


def test_magic_run_is_flagged_in_ipynb(hits):
    found = hits(ipynb("%run ./helpers", "x = 1\n"), "DBA305", path="notebooks/nb.ipynb")
    assert len(found) == 1
    assert found[0].cell == 1
    assert "%run ./helpers" in found[0].message


@pytest.mark.parametrize(
    ("code", "path"),
    [
        (NOTEBOOK + "# MAGIC %sql SELECT 1\n", NOTEBOOK_PATH),
        (NOTEBOOK + "# MAGIC %pip install requests\n", NOTEBOOK_PATH),
        (NOTEBOOK + "result = dbutils.notebook.run('./child', 600)\n", NOTEBOOK_PATH),  # a real job API
        ("# %run ./helpers is what we used to do\n", "src/project/x.py"),
    ],
)
def test_magic_run_is_clean(hits, code, path):
    assert hits(code, "DBA305", path=path) == []


# -- DBA306 hardcoded-workspace-url ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "domain"),
    [
        ("HOST = 'https://adb-1234567890123456.7.azuredatabricks.net'\n", "azuredatabricks.net"),
        ("HOST = 'https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/'\n", "cloud.databricks.com"),
        ("HOST = 'https://1234567890123456.7.gcp.databricks.com'\n", "gcp.databricks.com"),
        ("HOST = 'adb-123.4.databricks.azure.cn'\n", "databricks.azure.cn"),
        ("w = WorkspaceClient(host='https://acme-prod.cloud.databricks.com')\n", "cloud.databricks.com"),
        ("url = f'https://adb-123.4.azuredatabricks.net/api/2.0/jobs/{job_id}'\n", "azuredatabricks.net"),
        ("JDBC = 'jdbc:databricks://adb-123.4.azuredatabricks.net:443/default;transportMode=http'\n",
         "azuredatabricks.net"),
    ],
)  # fmt: skip
def test_hardcoded_workspace_url_is_flagged(hits, code, domain):
    found = hits(code, "DBA306")
    assert len(found) == 1
    assert f"(*.{domain})" in found[0].message
    assert "DATABRICKS_HOST" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "w = WorkspaceClient()\n",
        "host = os.environ['DATABRICKS_HOST']\n",
        "url = f'https://{workspace}.cloud.databricks.com'\n",  # the workspace is a parameter
        "url = f'https://adb-{workspace_id}.{n}.azuredatabricks.net'\n",
        "ACCOUNT = 'https://accounts.cloud.databricks.com'\n",  # the same for every customer
        "ACCOUNT = 'https://accounts.azuredatabricks.net'\n",
        "DOCS = 'https://docs.databricks.com/en/index.html'\n",
        "raise ValueError('set DATABRICKS_HOST, e.g. https://adb-123.4.azuredatabricks.net')\n",  # prose
        "def f():\n    '''Talks to https://adb-123.4.azuredatabricks.net.'''\n",
        "SUFFIX = '.azuredatabricks.net'\n",
    ],
)
def test_hardcoded_workspace_url_is_clean(hits, code):
    assert hits(code, "DBA306") == []


def test_hardcoded_workspace_url_is_allowed_in_tests(hits):
    assert hits("HOST = 'https://adb-123.4.azuredatabricks.net'\n", "DBA306", path=TEST_PATH) == []


# -- DBA307 hardcoded-catalog ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "catalog"),
    [
        ("orders = spark.table('prod.sales.orders')\n", "prod"),
        ("orders = spark.read.table('main.sales.orders')\n", "main"),
        ("orders = spark.readStream.table('main.sales.orders')\n", "main"),
        ("df.write.mode('overwrite').saveAsTable('dev.sales.orders')\n", "dev"),
        ("df.write.insertInto('`dev-01`.sales.orders')\n", "dev-01"),
        ("df.writeStream.toTable('main.bronze.events')\n", "main"),
        ("df.writeTo('main.gold.daily').append()\n", "main"),
        ("from delta.tables import DeltaTable\n\nt = DeltaTable.forName(spark, 'prod.sales.orders')\n", "prod"),
        ("orders = spark.table(f'main.sales.{table}')\n", "main"),
        ("TABLE = 'prod.sales.orders'\n\ndef load():\n    return spark.table(TABLE)\n", "prod"),
        ("rows = spark.sql('SELECT * FROM prod.sales.orders WHERE id = 1')\n", "prod"),
        ("rows = spark.sql('SELECT * FROM a JOIN main.crm.customers c ON a.id = c.id')\n", "main"),
        ("spark.sql('INSERT INTO main.sales.orders SELECT * FROM staged')\n", "main"),
        ("spark.sql('MERGE INTO prod.sales.orders t USING updates s ON t.id = s.id WHEN MATCHED THEN DELETE')\n",
         "prod"),
        ("spark.sql(f'SELECT * FROM main.sales.orders WHERE day = :day')\n", "main"),
        ("spark.sql('CREATE TABLE IF NOT EXISTS main.sales.orders (id INT)')\n", "main"),
        ("spark.sql('USE CATALOG prod')\n", "prod"),
        ("spark.sql('USE main.sales')\n", "main"),
        ("spark.catalog.setCurrentCatalog('prod')\n", "prod"),
    ],
)  # fmt: skip
def test_hardcoded_catalog_is_flagged(hits, code, catalog):
    found = hits(HEADER + code, "DBA307")
    assert len(found) == 1
    assert found[0].message.startswith(f"hard-coded catalog `{catalog}`")


@pytest.mark.parametrize(
    "code",
    [
        "orders = spark.table(f'{catalog}.sales.orders')\n",
        "orders = spark.table(settings.orders_table)\n",
        "orders = spark.table('sales.orders')\n",  # schema.table: the catalog comes from the session
        "orders = spark.table('orders')\n",
        "usage = spark.table('system.billing.usage')\n",  # built-in catalogs
        "trips = spark.read.table('samples.nyctaxi.trips')\n",
        "orders = spark.table('{catalog}.sales.orders'.format(catalog=catalog))\n",
        "rows = spark.sql(f'SELECT * FROM {catalog}.sales.orders')\n",
        "rows = spark.sql(f'SELECT * FROM {catalog}_main.sales.orders')\n",
        "rows = spark.sql('SELECT * FROM IDENTIFIER(:table)', args={'table': table})\n",
        "rows = spark.sql('SELECT a.b.c FROM t')\n",  # a struct field, not a table
        "rows = spark.sql('SELECT * FROM system.access.audit')\n",
        "spark.sql(f'USE CATALOG {catalog}')\n",
        "spark.catalog.setCurrentCatalog(settings.catalog)\n",
        "silver = run.table('silver')\n",
        "name = 'prod.sales.orders'\n",  # a string nobody reads a table with
    ],
)
def test_hardcoded_catalog_is_clean(hits, code):
    assert hits(HEADER + code, "DBA307") == []


def test_hardcoded_catalog_is_allowed_in_tests(hits):
    assert hits(HEADER + "orders = spark.table('dev.sales.orders')\n", "DBA307", path=TEST_PATH) == []


# -- DBA308 input-file-name --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("raw = df.withColumn('source', F.input_file_name())\n", 2),
        ("from pyspark.sql.functions import input_file_name\n\nraw = df.withColumn('source', input_file_name())\n", 4),
        ("import pyspark.sql.functions as sf\n\nraw = df.select(sf.input_file_name())\n", 4),
        ("raw = df.selectExpr('*', 'input_file_name() AS source')\n", 2),
        ("raw = df.withColumn('source', F.expr('input_file_name()'))\n", 2),
        ("raw = spark.sql('SELECT *, INPUT_FILE_NAME() AS source FROM raw')\n", 2),
        ("raw = df.select(F.input_file_block_start())\n", 2),
    ],
)
def test_input_file_name_is_flagged(hits, code, line):
    found = hits(HEADER + code, "DBA308")
    assert len(found) == 1
    assert found[0].line == line
    assert "_metadata.file_path" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "raw = df.withColumn('source', F.col('_metadata.file_path'))\n",
        "raw = df.select('*', '_metadata.file_name')\n",
        "raw = df.withColumn('input_file_name', F.lit('x'))\n",  # a column that happens to have the name
        "logger.info('input_file_name() is not used here')\n",  # not SQL
        "def input_file_name(row):\n    return row.path\n\nname = input_file_name(row)\n",  # the project's own
    ],
)
def test_input_file_name_is_clean(hits, code):
    assert hits(HEADER + code, "DBA308") == []


# -- DBA309 vacuum-short-retention -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DeltaTable.forName(spark, table).vacuum(0)\n", "vacuum(0) keeps less than 7 days"),
        ("DeltaTable.forPath(spark, path).vacuum(retentionHours=24)\n", "vacuum(24)"),
        ("spark.sql('VACUUM sales.orders RETAIN 0 HOURS')\n", "VACUUM RETAIN 0 HOURS"),
        ("spark.sql(f'VACUUM {table} RETAIN 1 HOURS')\n", "VACUUM RETAIN 1 HOURS"),
        ("spark.conf.set('spark.databricks.delta.retentionDurationCheck.enabled', 'false')\n",
         "retention check"),
        ("spark.conf.set('spark.databricks.delta.retentionDurationCheck.enabled', False)\n", "retention check"),
        ("spark.sql('SET spark.databricks.delta.retentionDurationCheck.enabled = false')\n", "retention check"),
    ],
)  # fmt: skip
def test_vacuum_short_retention_is_flagged(hits, code, expected):
    found = hits(HEADER + "from delta.tables import DeltaTable\n" + code, "DBA309")
    assert len(found) == 1
    assert found[0].line == 3
    assert expected in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "DeltaTable.forName(spark, table).vacuum()\n",
        "DeltaTable.forName(spark, table).vacuum(168)\n",
        "DeltaTable.forName(spark, table).vacuum(hours)\n",  # not a literal
        "spark.sql('VACUUM sales.orders')\n",
        "spark.sql('VACUUM sales.orders RETAIN 240 HOURS')\n",
        "spark.conf.set('spark.databricks.delta.retentionDurationCheck.enabled', 'true')\n",
        "NOTE = 'never VACUUM t RETAIN 0 HOURS'\n",  # not SQL that runs
    ],
)
def test_vacuum_short_retention_is_clean(hits, code):
    assert hits(HEADER + "from delta.tables import DeltaTable\n" + code, "DBA309") == []


def test_vacuum_short_retention_needs_spark(hits):
    assert hits("db.vacuum(0)\n", "DBA309") == []


def test_input_file_name_is_found_under_an_import_alias(hits):
    code = "from pyspark.sql.functions import input_file_name as source\n\ndf = df.withColumn('f', source())\n"
    [finding] = hits(code, "DBA308")
    assert finding.line == 3
