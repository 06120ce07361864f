"""Performance rules (DBA1xx): each flagged and clean."""

import pytest

HEADER = "from pyspark.sql import functions as F\n"


@pytest.mark.parametrize(
    "code",
    [
        "if df.count() == 0:\n    pass\n",
        "if df.filter(F.col('a') > 1).count() > 0:\n    pass\n",
        "empty = df.count() < 1\n",
        "if df.count():\n    pass\n",
        "ok = not df.count()\n",
        "x = 1 if df.count() else 2\n",
    ],
)
def test_count_for_emptiness_is_flagged(hits, code):
    found = hits(HEADER + code, "DBA102")
    assert len(found) == 1
    assert found[0].line == 2
    assert "emptiness" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "if df.isEmpty():\n    pass\n",
        "n = df.count()\nprint(n)\n",
        "if df.count() > 10:\n    pass\n",
        "if names.count('a') == 0:\n    pass\n",  # list.count(x), not DataFrame.count()
    ],
)
def test_count_for_emptiness_is_clean(hits, code):
    assert hits(HEADER + code, "DBA102") == []


def test_count_for_emptiness_needs_spark_in_the_file(hits):
    assert hits("if items.count() == 0:\n    pass\n", "DBA102") == []


SPARK = "from pyspark.sql import functions as F\nfrom pyspark.sql import Window\n"
NOTEBOOK = "# Databricks notebook source\n"


def one(found):
    """The single finding, with a helpful failure message otherwise."""
    assert len(found) == 1, [(f.line, f.message) for f in found]
    return found[0]


# -- DBA101 collect-unbounded ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "what"),
    [
        ("rows = spark.table('sales').collect()\n", 3, "collect()"),
        ("pdf = spark.read.parquet(p).where(F.col('a') > 1).toPandas()\n", 3, "toPandas()"),
        ("for row in spark.table('t').toLocalIterator():\n    pass\n", 3, "toLocalIterator()"),
        ("keys = [r.k for r in spark.table('t').groupBy('k').agg(F.max('a')).collect()]\n", 3, "collect()"),
        ("rows = spark.table('t').select('a', F.max('a')).collect()\n", 3, "collect()"),
        ("rows = spark.sql('SELECT * FROM t').collect()\n", 3, "collect()"),
        ("small = spark.table('a').limit(5)\nrows = small.join(spark.table('b'), 'k').collect()\n", 4, "collect()"),
        ("def f(df):\n    return df.toPandas()\n", 4, "toPandas()"),
        ("rows = (\n    spark.table('t')\n    .select('a')\n    .collect()\n)\n", 6, "collect()"),
    ],
)
def test_collect_unbounded_is_flagged(hits, code, line, what):
    found = one(hits(SPARK + code, "DBA101"))
    assert found.line == line
    assert found.message.startswith(what)
    assert "driver" in found.message


def test_collect_unbounded_is_flagged_in_a_notebook(hits):
    code = NOTEBOOK + "df = spark.table('t')\npdf = df.toPandas()\n"
    assert one(hits(code, "DBA101", path="notebooks/nb.py")).line == 3


@pytest.mark.parametrize(
    "code",
    [
        "rows = spark.table('t').limit(100).collect()\n",
        "top = spark.table('t').orderBy('a').limit(10).toPandas()\n",
        "row = spark.table('t').agg(F.max('a')).collect()[0]\n",
        "row = spark.table('t').groupBy().agg(F.max('a')).collect()\n",
        "row = spark.table('t').select(F.max('a').alias('m'), F.count('b')).collect()\n",
        "stats = spark.table('t').describe().toPandas()\n",
        "stats = spark.table('t').summary().toPandas()\n",
        "rows = spark.sql('SHOW TABLES').collect()\n",
        "rows = spark.sql(f'DESCRIBE HISTORY {name}').collect()\n",
        "rows = spark.sql('SELECT * FROM t LIMIT 10').collect()\n",
        "rows = spark.sql('SELECT count(*) FROM t').collect()\n",
        "rows = spark.sql(query).collect()\n",  # unknown text: not guessed
        "rows = spark.createDataFrame([(1,)], 'a int').collect()\n",
        "small = spark.table('t').limit(5)\nrows = small.collect()\n",
        "import gc\ngc.collect()\n",
        "names = ['a', 'b']\nnames.collect()\n",
        "rows = top_values(df, 10).collect()\n",  # a project function: its size is its business
        "rows = df.rdd.collect()\n",  # DBA106 reports it
        "again = spark.createDataFrame(df.toPandas())\n",  # DBA112 reports it
        "rows = df.collect(timeout)\n",  # DataFrame.collect() takes no arguments
        "items = df.toPandas  # not called\n",
    ],
)
def test_collect_unbounded_is_clean(hits, code):
    assert hits(SPARK + code, "DBA101") == []


def test_collect_unbounded_skips_polars_frames_and_tests_and_plain_python(hits):
    polars = "import polars as pl\nimport pyspark\nframe = pl.scan_csv(p)\nout = frame.collect()\n"
    assert hits(polars, "DBA101") == []
    assert hits(SPARK + "rows = spark.table('t').collect()\n", "DBA101", path="tests/test_x.py") == []
    assert hits("rows = queue.collect()\n", "DBA101") == []


# -- DBA103 withcolumn-in-loop -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "method"),
    [
        ("for name in names:\n    df = df.withColumn(name, F.trim(name))\n", 4, "withColumn"),
        ("for old, new in pairs:\n    df = df.withColumnRenamed(old, new)\n", 4, "withColumnRenamed"),
        ("while todo:\n    c = todo.pop()\n    df = df.select('*').withColumn(c, F.lit(1))\n", 5, "withColumn"),
        (
            "def f(self, cols):\n    for c in cols:\n        self.df = self.df.withColumn(c, F.lit(1))\n",
            5,
            "withColumn",
        ),
        (
            "from functools import reduce\nout = reduce(lambda acc, c: acc.withColumn(c, F.upper(c)), cols, df)\n",
            4,
            "withColumn",
        ),
    ],
)
def test_withcolumn_in_loop_is_flagged(hits, code, line, method):
    found = one(hits(SPARK + code, "DBA103"))
    assert found.line == line
    assert found.message.startswith(f"{method}()")


def test_withcolumn_in_loop_reports_a_statement_once(hits):
    code = SPARK + "for c in cols:\n    df = df.withColumn(c, F.lit(1)).withColumn(c + '_x', F.lit(2))\n"
    assert one(hits(code, "DBA103")).line == 4


@pytest.mark.parametrize(
    "code",
    [
        "df = df.withColumns({c: F.trim(c) for c in cols})\n",
        "df = df.withColumn('a', F.lit(1)).withColumn('b', F.lit(2))\n",  # no loop
        "for t in tables:\n    out = spark.table(t).withColumn('src', F.lit(t))\n",  # a new frame each time
        "frames = [f.withColumn('src', F.lit(1)) for f in parts]\n",  # one projection per frame
        "for c in cols:\n    other = df.withColumn(c, F.lit(1))\n",  # not accumulated
        "def add(df):\n    return df.withColumn('a', F.lit(1))\n",
    ],
)
def test_withcolumn_in_loop_is_clean(hits, code):
    assert hits(SPARK + code, "DBA103") == []


# -- DBA104 udf-has-builtin / DBA105 python-udf ------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "builtin"),
    [
        ("up = F.udf(lambda s: s.upper(), 'string')\n", 3, "F.upper"),
        ("low = F.udf(lambda s: s.strip().lower() if s else None)\n", 3, "F.trim, F.lower"),
        ("key = F.udf(lambda a, b: a + '-' + b)\n", 3, "F.concat"),
        ("key = F.udf(lambda a, b: f'{a}:{b}')\n", 3, "F.concat"),
        ("total = F.udf(lambda a, b: a * b + 1, 'double')\n", 3, "column arithmetic"),
        ("size = F.udf(lambda s: len(s), 'int')\n", 3, "F.length"),
        ("name = F.udf(lambda s: s if s is not None else 'unknown')\n", 3, "F.coalesce"),
        ("band = F.udf(lambda n: 'big' if n > 10 else 'small')\n", 3, "F.when(...).otherwise(...)"),
        ("as_int = F.udf(lambda s: int(s), 'int')\n", 3, "Column.cast"),
        ("import re\nsquash = F.udf(lambda s: re.sub(r'\\s+', ' ', s))\n", 4, "F.regexp_replace"),
        ("prefix = F.udf(lambda s: s[:3])\n", 3, "F.substring"),
        ("big = F.udf(lambda a, b: max(a, b))\n", 3, "F.greatest"),
        ("up = F.udf(str.upper)\n", 3, "F.upper"),
        (
            "@F.udf('string')\ndef clean(v):\n    '''Trim.'''\n"
            "    if v is None:\n        return None\n    return v.strip()\n",
            3,
            "F.trim",
        ),
        (
            "from pyspark.sql.functions import udf\n\n@udf(returnType='string')\ndef t(v):\n    return v.title()\n",
            5,
            "F.initcap",
        ),
        ("def title(v):\n    return v.title()\nspark.udf.register('title', title)\n", 5, "F.initcap"),
        ("spark.udf.register('inc', lambda x: x + 1, 'int')\n", 3, "column arithmetic"),
        ("def t(v):\n    return v.lower()\nlow = F.udf(t)\n", 5, "F.lower"),
    ],
)
def test_udf_has_builtin_is_flagged(hits, code, line, builtin):
    found = one(hits(SPARK + code, "DBA104"))
    assert found.line == line
    assert builtin in found.message
    assert hits(SPARK + code, "DBA105") == []  # never both


@pytest.mark.parametrize(
    "code",
    [
        "parse = F.udf(lambda s: json.loads(s)['a'])\n",
        "lookup = F.udf(lambda s: MAPPING.get(s))\n",
        "most = F.udf(lambda xs: max(xs))\n",  # max of a list: not F.greatest
        "@F.udf('double')\ndef score(a, b):\n    total = a * b\n    return min(total, 100.0)\n",
        "@F.pandas_udf('string')\ndef up(s):\n    return s.str.upper()\n",  # vectorised
        "up = F.pandas_udf(lambda s: s.str.upper(), 'string')\n",
    ],
)
def test_udf_has_builtin_is_clean(hits, code):
    assert hits(SPARK + code, "DBA104") == []


@pytest.mark.parametrize(
    ("code", "line", "name"),
    [
        ("parse = F.udf(lambda s: json.loads(s)['a'])\n", 3, "parse"),
        ("@F.udf('double')\ndef score(a, b):\n    total = a * b\n    return min(total, 100.0)\n", 3, "score"),
        ("from pyspark.sql.functions import udf\n\n@udf\ndef norm(v):\n    return helpers.normalise(v)\n", 5, "norm"),
        ("spark.udf.register('geo', geocode, 'string')\n", 3, "geo"),
        ("def geo(v):\n    return lookup(v)\nspark.udf.register('geo', geo)\n", 5, "geo"),
        ("from pyspark.sql.functions import *\n\nparse = udf(lambda s: json.loads(s))\n", 5, "parse"),
    ],
)
def test_python_udf_is_flagged(hits, code, line, name):
    found = one(hits(SPARK + code, "DBA105"))
    assert found.line == line
    assert f"UDF {name} " in found.message


@pytest.mark.parametrize(
    "code",
    [
        "@F.pandas_udf('double')\ndef score(a, b):\n    return (a * b).clip(upper=100)\n",
        "@F.udf('string', useArrow=True)\ndef norm(v):\n    return helpers.normalise(v)\n",
        "spark.udf.register('geo', geo_udf)\n",  # a UDF object declared elsewhere
        "@F.udf('string')\ndef norm(v):\n    return helpers.normalise(v)\nspark.udf.register('norm', norm)\n",
        "up = F.udf(lambda s: s.upper())\n",  # DBA104's
        "from mylib import udf\nparse = udf(lambda s: json.loads(s))\n",  # not PySpark's udf
        "df = df.withColumn('u', F.upper('s'))\n",
    ],
)
def test_python_udf_is_clean(hits, code):
    found = hits(SPARK + code, "DBA105")
    if "register('norm'" in code:
        assert one(found).line == 3  # reported once, at its declaration
    else:
        assert found == []


def test_udf_rules_skip_test_files(hits):
    code = SPARK + "up = F.udf(lambda s: s.upper())\nparse = F.udf(lambda s: json.loads(s))\n"
    assert hits(code, "DBA104", path="tests/test_x.py") == []
    assert hits(code, "DBA105", path="tests/test_x.py") == []


# -- DBA106 rdd-round-trip ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "fragment"),
    [
        ("names = df.rdd.map(lambda r: r.name).toDF(['name'])\n", 3, "df.rdd.map()"),
        ("words = df.rdd.flatMap(lambda r: r.text.split())\n", 3, "df.rdd.flatMap()"),
        ("if df.rdd.isEmpty():\n    pass\n", 3, "df.rdd.isEmpty()"),
        ("spark.table('t').rdd.foreach(send)\n", 3, "df.rdd.foreach()"),
        ("rdd = df.rdd\nrows = rdd.mapPartitions(work)\n", 3, "df.rdd.mapPartitions()"),
        ("typed = spark.createDataFrame(df.rdd, schema)\n", 3, "createDataFrame(df.rdd)"),
    ],
)
def test_rdd_round_trip_is_flagged(hits, code, line, fragment):
    found = one(hits(SPARK + code, "DBA106"))
    assert found.line == line
    assert fragment in found.message


@pytest.mark.parametrize(
    "code",
    [
        "n = df.rdd.getNumPartitions()\n",
        "level = df.rdd.getStorageLevel()\n",
        "rdd = df.rdd\nn = rdd.getNumPartitions()\n",
        "class Wrapper:\n    def run(self):\n        return self.rdd.map(f)\n",
        "rdd = spark.sparkContext.parallelize(data)\n",  # not a DataFrame's rdd
        "names = df.select(F.upper('name'))\n",
    ],
)
def test_rdd_round_trip_is_clean(hits, code):
    assert hits(SPARK + code, "DBA106") == []


def test_rdd_round_trip_needs_spark(hits):
    assert hits("result = graph.rdd.map(f)\n", "DBA106") == []


# -- DBA107 single-partition-write -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "method"),
    [
        ("df.coalesce(1).write.mode('overwrite').saveAsTable('t')\n", 3, "coalesce"),
        ("df.repartition(1).write.csv(path)\n", 3, "repartition"),
        ("df.repartition(1, 'k').writeTo('t').append()\n", 3, "repartition"),
        ("(df.coalesce(1)\n    .writeStream.format('delta').start(path))\n", 3, "coalesce"),
        ("def save(df):\n    one = df.select('a').coalesce(1)\n    one.write.parquet(path)\n", 4, "coalesce"),
        ("(\n    df.filter('a > 1')\n    .coalesce(1)\n    .write.json(path)\n)\n", 5, "coalesce"),
    ],
)
def test_single_partition_write_is_flagged(hits, code, line, method):
    found = one(hits(SPARK + code, "DBA107"))
    assert found.line == line
    assert found.message.startswith(f"{method}(1)")


@pytest.mark.parametrize(
    "code",
    [
        "df.write.saveAsTable('t')\n",
        "df.coalesce(8).write.saveAsTable('t')\n",
        "one = df.coalesce(1)\nrows = one.toPandas()\n",  # no write follows
        "df.coalesce(1).repartition(64).write.saveAsTable('t')\n",
        "total = F.coalesce(F.col('a'), F.lit(1))\n",  # the column function
        "one = df.coalesce(1)\none = df\none.write.saveAsTable('t')\n",  # rebound before the write
        "def a(df):\n    one = df.coalesce(1)\n    return one\n\ndef b(one):\n    one.write.saveAsTable('t')\n",
    ],
)
def test_single_partition_write_is_clean(hits, code):
    assert hits(SPARK + code, "DBA107") == []


# -- DBA108 cache-not-released -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "name"),
    [
        ("orders = spark.table('o').cache()\norders.count()\n", 3, "orders"),
        ("df.cache()\ndf.count()\n", 3, "df"),
        ("from pyspark import StorageLevel\nx = df.filter('a').persist(StorageLevel.DISK_ONLY)\n", 4, "x"),
        ("spark.table('o').cache().count()\n", 3, "the frame"),
        ("other = spark.table('o').cache()\nkept = spark.table('k').cache()\nkept.unpersist()\n", 3, "other"),
    ],
)
def test_cache_not_released_is_flagged(hits, code, line, name):
    found = one(hits(SPARK + code, "DBA108"))
    assert found.line == line
    assert found.message.startswith(f"{name} is cached")
    assert found.severity.value == "info"


def test_cache_not_released_says_when_in_a_loop(hits):
    code = SPARK + "for t in tables:\n    part = spark.table(t).cache()\n    part.count()\n"
    assert "in a loop" in one(hits(code, "DBA108")).message


@pytest.mark.parametrize(
    "code",
    [
        "orders = spark.table('o').cache()\ntry:\n    orders.count()\nfinally:\n    orders.unpersist()\n",
        "df = df.cache()\ndf.count()\ndf.unpersist(blocking=True)\n",
        "a = x.cache()\nb = y.cache()\nfor f in (a, b):\n    f.unpersist()\n",
        "def load(spark):\n    return spark.table('o').cache()\n",  # the caller owns it
        "def load(spark):\n    df = spark.table('o').cache()\n    return df\n",
        "use(spark.table('o').cache())\n",
        "a = x.cache()\nspark.catalog.clearCache()\n",
        "import streamlit as st\n\n@st.cache_data\ndef f():\n    return 1\nst.cache()\n",
        "import functools\nf = functools.cache(g)\n",
        "class C:\n    def go(self):\n        self.cache()\n",
    ],
)
def test_cache_not_released_is_clean(hits, code):
    assert hits(SPARK + code, "DBA108") == []


def test_cache_not_released_skips_tests(hits):
    assert hits(SPARK + "df = spark.table('o').cache()\n", "DBA108", path="tests/test_x.py") == []


# -- DBA109 infer-schema -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("df = spark.read.option('header', 'true').option('inferSchema', 'true').csv(p)\n", 3),
        ("df = spark.read.option('inferschema', True).csv(p)\n", 3),
        ("df = spark.read.csv(p, header=True, inferSchema=True)\n", 3),
        ("df = spark.read.options(header='true', inferSchema='TRUE').csv(p)\n", 3),
        ("df = spark.read.options(**{'inferSchema': 'true'}).csv(p)\n", 3),
        ("df = spark.read.load(p, format='csv', inferSchema='true')\n", 3),
        ("df = (\n    spark.read.format('csv')\n    .option('inferSchema', 'true')\n    .load(p)\n)\n", 5),
    ],
)
def test_infer_schema_is_flagged(hits, code, line):
    found = one(hits(SPARK + code, "DBA109"))
    assert found.line == line
    assert "inferSchema" in found.message


@pytest.mark.parametrize(
    "code",
    [
        "df = spark.read.schema('a INT').option('header', 'true').csv(p)\n",
        "df = spark.read.option('inferSchema', 'false').csv(p)\n",
        "df = spark.read.csv(p, inferSchema=False)\n",
        "df = spark.read.option('inferSchema', flag).csv(p)\n",  # unknown value
        "df = spark.read.option('cloudFiles.inferColumnTypes', 'true').load(p)\n",
    ],
)
def test_infer_schema_is_clean(hits, code):
    assert hits(SPARK + code, "DBA109") == []


def test_infer_schema_skips_tests(hits):
    code = SPARK + "df = spark.read.csv(p, inferSchema=True)\n"
    assert hits(code, "DBA109", path="tests/test_x.py") == []


# -- DBA110 cartesian-join ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "fragment"),
    [
        ("pairs = customers.crossJoin(products)\n", 3, "crossJoin"),
        ("j = spark.table('a').join(spark.table('b'))\n", 3, "without `on`"),
        ("a = spark.table('a')\nj = a.join(b)\n", 4, "without `on`"),
        ("def f(a: DataFrame, b):\n    return a.join(b)\n", 4, "without `on`"),
        ("j = a.join(b, how='inner')\n", 3, "without `on`"),
        ("j = a.join(b, None, 'left')\n", 3, "without `on`"),
        ("j = a.join(b, how='cross')\n", 3, "how='cross'"),
        ("small = a.limit(10).join(b, 'k')\nj = small.crossJoin(c)\n", 4, "crossJoin"),
    ],
)
def test_cartesian_join_is_flagged(hits, code, line, fragment):
    found = one(hits(SPARK + code, "DBA110"))
    assert found.line == line
    assert fragment in found.message


@pytest.mark.parametrize(
    "code",
    [
        "j = a.join(b, 'id')\n",
        "j = a.join(b, on=['id', 'day'], how='left')\n",
        "j = a.join(b, a.id == b.id, 'left_anti')\n",
        "as_of = a.agg(F.max('d').alias('as_of'))\nj = b.crossJoin(as_of)\n",  # one row
        "j = b.crossJoin(a.select(F.max('d')))\n",
        "j = b.crossJoin(F.broadcast(dims))\n",
        "j = b.crossJoin(dims.hint('broadcast'))\n",
        "j = b.crossJoin(a.limit(1))\n",
        "j = b.crossJoin(spark.createDataFrame([(1,)], 'n int'))\n",
        "text = ', '.join(parts)\n",
        "sep = ','\ntext = sep.join(parts)\n",
        "import os\np = os.path.join(base)\n",
        "text = prefix.join(parts)\n",  # nothing says these are frames
    ],
)
def test_cartesian_join_is_clean(hits, code):
    assert hits(SPARK + code, "DBA110") == []


# -- DBA111 sort-without-limit -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "lost_by"),
    [
        ("latest = events.orderBy(F.desc('ts')).dropDuplicates(['id'])\n", 3, "dropDuplicates()"),
        ("out = events.sort('ts').groupBy('k').count()\n", 3, "groupBy()"),
        ("events.orderBy('ts').write.saveAsTable('t')\n", 3, "the table write"),
        ("out = events.orderBy('ts').select('a').join(dims, 'k')\n", 3, "join()"),
        ("ordered = events.orderBy('ts')\nordered.write.saveAsTable('t')\n", 3, "the table write"),
        ("def f(events):\n    ordered = events.sort(F.col('ts'))\n    return ordered.distinct()\n", 4, "distinct()"),
    ],
)
def test_sort_without_limit_is_flagged(hits, code, line, lost_by):
    found = one(hits(SPARK + code, "DBA111"))
    assert found.line == line
    assert f"then {lost_by} discards" in found.message


@pytest.mark.parametrize(
    "code",
    [
        "top = events.orderBy(F.desc('ts')).limit(10)\n",
        "events.orderBy('ts').show()\n",
        "rows = events.orderBy('ts').collect()\n",
        "first = events.orderBy('ts').first()\n",
        "events.orderBy('ts').coalesce(1).write.csv(p)\n",  # one ordered export file
        "ordered = events.orderBy('ts')\n",  # returned or assigned: the caller decides
        "def f(e):\n    return e.orderBy('ts')\n",
        "w = Window.partitionBy('k').orderBy('ts')\nout = events.withColumn('n', F.row_number().over(w))\n",
        "w = Window.orderBy('ts')\nx = w.rowsBetween(-1, 0)\n",
        "spec = Window.partitionBy('k')\nw = spec.orderBy('ts')\n",
        "names.sort()\n",
        "names.sort(key=len)\n",
        "xs = sorted(names)\n",
        "out = events.sortWithinPartitions('ts').write.saveAsTable('t')\n",
        "ordered = events.orderBy('ts')\nordered.show()\n",
    ],
)
def test_sort_without_limit_is_clean(hits, code):
    assert hits(SPARK + code, "DBA111") == []


# -- DBA112 driver-round-trip ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "line", "source"),
    [
        ("back = spark.createDataFrame(df.toPandas())\n", 3, "toPandas()"),
        ("pdf = df.toPandas()\npdf['x'] = 1\nback = spark.createDataFrame(pdf)\n", 5, "toPandas()"),
        ("back = spark.createDataFrame(df.toPandas().fillna(0), schema)\n", 3, "toPandas()"),
        ("back = spark.createDataFrame([r.asDict() for r in df.collect()])\n", 3, "collect()"),
        ("back = spark.createDataFrame(data=df.collect(), schema=df.schema)\n", 3, "collect()"),
    ],
)
def test_driver_round_trip_is_flagged(hits, code, line, source):
    found = one(hits(SPARK + code, "DBA112"))
    assert found.line == line
    assert source in found.message


@pytest.mark.parametrize(
    "code",
    [
        "df = spark.createDataFrame([(1, 'a')], 'id int, v string')\n",
        "import pandas as pd\npdf = pd.read_csv(p)\ndf = spark.createDataFrame(pdf)\n",
        "import gc\ndf = spark.createDataFrame(gc.collect())\n",
        "out = df.withColumn('total', F.col('a') + F.col('b'))\n",
    ],
)
def test_driver_round_trip_is_clean(hits, code):
    assert hits(SPARK + code, "DBA112") == []


# -- the project's own style -------------------------------------------------------------------------------
WELL_WRITTEN = """
from pyspark.sql import Window
from pyspark.sql import functions as sf


def append_new(frame, table, *, key):
    spark = frame.sparkSession
    fresh = frame.dropDuplicates([key]).join(spark.table(table).select(key), on=key, how="left_anti")
    fresh = fresh.cache()
    try:
        count = fresh.count()
        if count:
            fresh.write.format("delta").mode("append").saveAsTable(table)
        return count
    finally:
        fresh.unpersist()


def features(silver):
    as_of = silver.agg(sf.max("order_date").alias("as_of"))
    per_customer = silver.groupBy("customer_id").agg(sf.count("order_id").alias("orders"))
    latest_first = Window.partitionBy("order_id").orderBy(sf.desc("_ingested_at"))
    ranked = silver.withColumn("_delivery", sf.row_number().over(latest_first))
    return per_customer.crossJoin(as_of).join(ranked, "customer_id")


def last_commit(spark, table):
    return spark.sql(f"DESCRIBE HISTORY {table} LIMIT 1").select("userMetadata").first()
"""


def test_the_templates_style_is_not_flagged(hits):
    for rule in (f"DBA1{n:02d}" for n in range(1, 13)):
        assert hits(WELL_WRITTEN, rule) == [], rule


# -- other frame libraries in a Spark file -----------------------------------------------------------------
OTHER_FRAMES = SPARK + "import pandas as pd\nimport polars as pl\nimport dask.dataframe as dd\n"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("pdf = spark.table('t').limit(5).toPandas()\nj = pdf.join(other, how='left')\n", "DBA110"),
        ("pdf = spark.table('t').limit(5).toPandas()\nj = pdf.join(lookup)\n", "DBA110"),
        ("lf = pl.scan_parquet(p)\nout = lf.sort('a').join(other, on='k')\n", "DBA111"),
        ("lf = pl.scan_parquet(p)\nout = lf.join(other, how='cross')\n", "DBA110"),
        ("lf = pl.scan_parquet(p)\nout = lf.collect()\n", "DBA101"),
        ("ddf = dd.read_parquet(p).persist()\n", "DBA108"),
        ("ddf = dd.read_parquet(p)\nddf.repartition(1).to_parquet(p)\n", "DBA107"),
    ],
)
def test_pandas_polars_and_dask_frames_are_left_alone(hits, code, rule):
    assert hits(OTHER_FRAMES + code, rule) == []


def test_spark_frames_are_still_reviewed_next_to_other_libraries(hits):
    code = OTHER_FRAMES + "a = spark.table('a')\nbad = a.join(spark.table('b'), how='inner')\n"
    assert one(hits(code, "DBA110")).line == 7
