"""Correctness rules (DBA2xx): each flagged, each clean, and the near misses they must leave alone."""

import pytest

from databricks_ai_agents.lint.model import Category, Severity
from databricks_ai_agents.lint.rules.correctness import RULES

HEADER = "from pyspark.sql import functions as F\n"


def test_the_module_exports_its_rules_in_the_correctness_category():
    assert [r.id for r in RULES] == ["DBA201", "DBA202", "DBA203", "DBA204", "DBA205", "DBA206"]
    assert {r.spec.category for r in RULES} == {Category.CORRECTNESS}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_flags_its_own_example_and_not_its_fix(hits, rule):
    assert hits(rule.spec.flagged, rule.id, path=rule.spec.example_path)
    assert hits(rule.spec.clean, rule.id, path=rule.spec.example_path) == []


# -- DBA201 none-comparison --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("df.filter(F.col('email') == None)\n", "use F.col('email').isNull()"),
        ("df.where(F.col('email') != None)\n", "use F.col('email').isNotNull()"),
        ("df.filter(None == F.col('email'))\n", "isNull()"),
        ("df.filter(F.trim(F.col('email')) == None)\n", "never true"),
        ("df.filter(F.col('a').cast('int') == None)\n", "never true"),
        ("df.filter(df['email'] == None)\n", "use df['email'].isNull()"),
        ("df.filter(df.email != None)\n", "use df.email.isNotNull()"),
        ("df.withColumn('m', F.when(df.email == None, 1).otherwise(0))\n", "never true"),
        ("df.filter((F.col('a') > 1) & (df['b'] == None))\n", "isNull()"),
        ("flag = F.col('email') is None\n", "always False"),
        ("flag = F.col('email') is not None\n", "always True"),
        ("df.filter(df.email is None)\n", "always False"),
    ],
)
def test_none_comparison_is_flagged(hits, code, expected):
    found = hits(HEADER + code, "DBA201")
    assert len(found) == 1
    assert found[0].line == 2
    assert expected in found[0].message
    assert found[0].severity is Severity.ERROR


def test_none_comparison_works_with_a_direct_import_of_col(hits):
    found = hits("from pyspark.sql.functions import col\n\nbad = df.filter(col('x') == None)\n", "DBA201")
    assert [f.line for f in found] == [3]


@pytest.mark.parametrize(
    "code",
    [
        "df.filter(F.col('email').isNull())\n",
        "df.filter(F.col('a').eqNullSafe(F.col('b')))\n",
        "for row in df.collect():\n    if row['email'] == None:\n        pass\n",  # a Row value: ruff's E711
        "ok = [r for r in rows if r.email == None]\n",
        "rdd.filter(lambda r: r.email == None)\n",  # Python code running on rows
        "if config.limit == None:\n    pass\n",
        "if self.table == None:\n    pass\n",
        "column = F.col('x') if name is None else F.col(name)\n",
        "df.filter(df['email'] == '')\n",
        "value = settings['limit'] == None\n",
        "df.filter(F.col('a') > 1 if args.mode == None else F.lit(True))\n",  # a Python condition
        "df.filter(F.col('a') > 1 and args.mode != None)\n",
    ],
)
def test_none_comparison_is_clean(hits, code):
    assert hits(HEADER + code, "DBA201") == []


def test_none_comparison_needs_spark(hits):
    assert hits("if thing.x == None:\n    pass\n", "DBA201") == []


# -- DBA202 union-by-position ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code",
    [
        "everything = current.union(history)\n",
        "everything = current.unionAll(history)\n",
        "everything = spark.table('a').union(spark.table('b'))\n",
        "everything = current.union(history).union(archive)\n",  # once per chain
        "frames = reduce(lambda a, b: a.union(b), parts)\n",
        "everything = current.select('a', 'b').union(history.select('b', 'a'))\n",
    ],
)
def test_union_by_position_is_flagged(hits, code):
    found = hits(HEADER + code, "DBA202")
    assert len(found) == 1
    assert found[0].line == 2
    assert "by position" in found[0].message
    assert "unionByName" in found[0].message


def test_union_by_position_flags_dataframe_union_passed_to_reduce(hits):
    code = (
        "from functools import reduce\n\nfrom pyspark.sql import DataFrame\n\nrows = reduce(DataFrame.union, parts)\n"
    )
    found = hits(code, "DBA202")
    assert [(f.line, f.column) for f in found] == [(5, 15)]


@pytest.mark.parametrize(
    "code",
    [
        "everything = current.unionByName(history, allowMissingColumns=True)\n",
        "names = {'a', 'b'}.union(other)\n",
        "names = set(first).union(second)\n",
        "names = frozenset(first).union(second)\n",
        "seen = set()\nnames = seen.union(new)\n",
        "def merge(keys: set[str], more):\n    return keys.union(more)\n",
        "def merge(keys, more):\n    both = keys & more\n    return (set(keys) - more).union(both)\n",
        "names = set(a).union(b).union(c)\n",
        "names = first.union(second, third)\n",  # set.union with several arguments
        "cols = pdf.columns.union(other.columns)\n",  # pandas Index
        "class Keys:\n    def __init__(self):\n        self.seen = set()\n\n    def add(self, more):\n"
        "        return self.seen.union(more)\n",
        "same = a.select(*COLUMNS).union(b.select(*COLUMNS))\n",  # same columns, same order
    ],
)
def test_union_by_position_is_clean(hits, code):
    assert hits(HEADER + code, "DBA202") == []


def test_union_by_position_needs_spark(hits):
    assert hits("everything = first.union(second)\n", "DBA202") == []


# -- DBA203 join-on-non-key --------------------------------------------------------------------------------
ORDERS = "orders = orders.select('order_id', 'customer_id', 'customer_name', 'amount')\n"


@pytest.mark.parametrize(
    ("code", "columns", "key"),
    [
        ("x = orders.join(customers, 'customer_name')\n", "customer_name", "customer_id"),
        ("x = orders.join(customers, on='name', how='left')\n", "name", "customer_id"),
        ("x = orders.join(customers, ['first_name', 'last_name'])\n", "first_name, last_name", "customer_id"),
        ("x = orders.join(customers, orders.customer_name == customers.name)\n", "customer_name, name", "customer_id"),
        ("x = orders.join(dim_customers, F.col('o.email') == F.col('c.email'))\n", "email", "customer_id"),
        ("x = orders.join(customers.alias('c'), 'customerName')\n", "customerName", "customer_id"),
        ("x = orders.join(spark.table('crm.customers'), 'name')\n", "name", "customer_id"),
    ],
)
def test_join_on_non_key_is_flagged(hits, code, columns, key):
    found = hits(HEADER + ORDERS + code, "DBA203")
    assert len(found) == 1
    assert found[0].line == 3
    assert f"`{columns}`" in found[0].message
    assert f"`{key}`" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        ORDERS + "x = orders.join(customers, 'customer_id')\n",
        ORDERS + "x = orders.join(customers, ['customer_id', 'customer_name'])\n",  # a key is part of it
        ORDERS + "x = orders.join(customers, orders.customer_id == customers.id)\n",
        ORDERS + "x = orders.join(countries, 'country_code')\n",
        ORDERS + "x = orders.join(regions, 'region_name')\n",  # no region key anywhere in the file
        ORDERS + "x = orders.join(customers, orders.customer_name.contains(customers.name))\n",  # not ==
        ORDERS + "new = incoming.join(existing, 'email', 'left_anti')\n",  # no key for `existing`
        ORDERS + "label = ', '.join(['customer_name', 'name'])\n",
        ORDERS + "path = os.path.join('customer_name', 'name')\n",
        ORDERS + "x = orders.join(customers)\n",
        "x = orders.join(customers, 'name')\n",  # no customer key in the file: nothing to compare with
        "x = sales.join(calendar, 'date')\n",
    ],
)
def test_join_on_non_key_is_clean(hits, code):
    assert hits(HEADER + code, "DBA203") == []


# -- DBA204 nondeterministic-merge-key ---------------------------------------------------------------------
DELTA = HEADER + "from delta.tables import DeltaTable\n\ntarget = DeltaTable.forName(spark, table)\n"


@pytest.mark.parametrize(
    ("code", "function"),
    [
        ("target.alias('t').merge(s.alias('s'), 't.id = s.id AND rand() < 0.5').execute()\n", "rand"),
        ("target.alias('t').merge(s.alias('s'), 't.key = uuid()').execute()\n", "uuid"),
        ("target.alias('t').merge(s.alias('s'), 't.day = current_date').execute()\n", "current_date"),
        ("target.alias('t').merge(s.alias('s'), condition='t.ts < now()').execute()\n", "now"),
        ("target.alias('t').merge(s.alias('s'), F.col('t.id') == F.monotonically_increasing_id()).execute()\n",
         "monotonically_increasing_id"),
        ("target.alias('t').merge(s.alias('s'), F.expr('t.ts > current_timestamp()')).execute()\n",
         "current_timestamp"),
        ("condition = f't.id = s.id AND t.batch = {batch} AND t.x = randn()'\n"
         "target.alias('t').merge(s.alias('s'), condition).execute()\n", "randn"),
    ],
)  # fmt: skip
def test_nondeterministic_merge_key_is_flagged(hits, code, function):
    found = hits(DELTA + code, "DBA204")
    assert len(found) == 1
    assert f"{function}()" in found[0].message
    assert "re-runs" in found[0].message


@pytest.mark.parametrize(
    ("sql", "function"),
    [
        ("MERGE INTO t USING s ON t.id = s.id AND t.d = current_date() WHEN MATCHED THEN DELETE", "current_date"),
        ("merge into t using (select * from s) src on t.k = uuid() when not matched then insert *", "uuid"),
    ],
)
def test_nondeterministic_merge_key_is_flagged_in_sql(hits, sql, function):
    found = hits(HEADER + f"spark.sql({sql!r})\n", "DBA204")
    assert len(found) == 1
    assert found[0].line == 2
    assert f"MERGE INTO ... ON calls {function}()" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "target.alias('t').merge(s.alias('s'), 't.id = s.id').execute()\n",
        "target.alias('t').merge(s.alias('s'), F.col('t.id') == F.col('s.id')).execute()\n",
        # nondeterminism outside the condition is not this rule's business
        "target.alias('t').merge(s.alias('s'), 't.id = s.id')"
        ".whenMatchedUpdate(set={'ts': 'current_timestamp()'}).execute()\n",
        "target.alias('t').merge(s.alias('s'), 't.current_date_key = s.current_date_key').execute()\n",
        "spark.sql('MERGE INTO t USING (SELECT *, rand() AS r FROM s) s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET t.ts = current_timestamp()')\n",
        "merged = pdf.merge(other, 'left', on='id')\n",  # pandas
        "config = base.merge(overrides)\n",
    ],
)
def test_nondeterministic_merge_key_is_clean(hits, code):
    assert hits(DELTA + code, "DBA204") == []


# -- DBA205 sql-injection ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "how", "value"),
    [
        ("spark.sql(f\"SELECT * FROM sales WHERE region = '{region}'\")\n", "an f-string", "region"),
        ("spark.sql(f'SELECT * FROM sales WHERE id = {order_id}')\n", "an f-string", "order_id"),
        ("spark.sql(f\"SELECT * FROM t WHERE name LIKE '%{term}%'\")\n", "an f-string", "term"),
        ("spark.sql(f'SELECT * FROM t WHERE id IN ({ids})')\n", "an f-string", "ids"),
        ("spark.sql(f\"SELECT * FROM t WHERE id IN ('a', {other})\")\n", "an f-string", "other"),
        ('spark.sql("SELECT * FROM t WHERE region = \'" + region + "\'")\n', "`+`", "region"),
        ("spark.sql('SELECT * FROM t WHERE d >= {}'.format(start))\n", "str.format()", "start"),
        ("spark.sql(\"SELECT * FROM t WHERE d >= '{start}'\".format(start=day))\n", "str.format()", "day"),
        ("spark.sql(\"SELECT * FROM t WHERE region = '%s'\" % region)\n", "`%` formatting", "region"),
        ("spark.sql(\"DELETE FROM t WHERE id = %(id)s\" % {'id': key})\n", "`%` formatting", "key"),
        ("query = f\"SELECT * FROM t WHERE region = '{region}'\"\nrows = spark.sql(query)\n", "an f-string", "region"),
        ("rows = self.spark.sql(f\"UPDATE t SET note = '{note}' WHERE id = 1\")\n", "an f-string", "note"),
        ("rows = session.sql(f'SELECT * FROM {table} WHERE amount > {minimum}')\n", "an f-string", "minimum"),
        ("rows = spark.sql(f\"SELECT * FROM t WHERE region = '{region:}'\")\n", "an f-string", "region"),
    ],
)
def test_sql_injection_is_flagged(hits, code, how, value):
    found = hits(HEADER + code, "DBA205")
    assert len(found) == 1
    assert found[0].message.startswith(f"{how} puts `{value}` into SQL text")
    assert "parameter marker" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "spark.sql('SELECT * FROM sales WHERE region = :region', args={'region': region})\n",
        "spark.sql(f'SELECT * FROM sales WHERE region = {\"EU\"!r}')\n",  # a constant
        "spark.sql('SELECT * FROM ' + 'sales' + ' WHERE x = 1')\n",  # literals only
        "spark.sql(f'SELECT 1')\n",
        # identifiers: table and column names cannot be parameter markers (the project template's style)
        "spark.sql(f'DESCRIBE HISTORY {table} LIMIT 1')\n",
        "spark.sql(f'CREATE SCHEMA IF NOT EXISTS {schema}')\n",
        "spark.sql(f'ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL')\n",
        "spark.sql(f\"SELECT {', '.join(columns)} FROM {table} WHERE `{column}` IS NOT NULL\")\n",
        "spark.sql(f'SELECT * FROM t LIMIT {limit}')\n",
        "spark.sql(f'SELECT * FROM t WHERE id = {int(order_id)}')\n",
        "spark.sql(f'SELECT * FROM t WHERE id = {order_id:d}')\n",
        "spark.sql(f'SELECT * FROM t WHERE amount > {minimum:.2f}')\n",
        "spark.sql('SELECT * FROM t WHERE id = %d' % order_id)\n",
        "spark.sql(f'SELECT * FROM t WHERE status = {DEFAULT_STATUS}')\n",
        "spark.sql(f'SELECT * FROM t WHERE name = {quote_literal(name)}')\n",
        "literal = sql_string_literal(name)\nspark.sql(f'SELECT * FROM t WHERE name = {literal}')\n",
        "spark.sql(f\"CREATE TABLE t USING delta LOCATION '{path}'\")\n",
        "spark.sql(f\"COMMENT ON TABLE t IS '{description}'\")\n",
        "spark.sql(f\"ALTER TABLE t SET TBLPROPERTIES ('owner' = '{owner}')\")\n",
        "spark.sql(f'SET spark.sql.shuffle.partitions = {partitions}')\n",
        "spark.sql(f'SELECT CAST(x AS ARRAY<{element_type}>) FROM t')\n",
        "spark.sql(statement.replace('{view}', view))\n",
        "cursor.execute(f\"SELECT * FROM t WHERE id = '{key}'\")\n",  # not .sql()
    ],
)
def test_sql_injection_is_clean(hits, code):
    assert hits(HEADER + code, "DBA205") == []


def test_sql_injection_needs_spark(hits):
    assert hits("rows = db.sql(f\"SELECT * FROM t WHERE a = '{a}'\")\n", "DBA205") == []


# -- DBA206 self-comparing-join ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "column"),
    [
        ("x = orders.join(customers, orders.customer_id == orders.customer_id)\n", "orders.customer_id"),
        ("x = orders.join(customers, orders['customer_id'] == orders['customer_id'], 'left')\n",
         "orders['customer_id']"),
        ("x = a.join(b, (a.id == b.id) & (a.day == a.day))\n", "a.day"),
        ("x = a.join(b, on=F.col('a.id') == F.col('a.id'))\n", "F.col('a.id')"),
    ],
)  # fmt: skip
def test_self_comparing_join_is_flagged(hits, code, column):
    found = hits(HEADER + code, "DBA206")
    assert len(found) == 1
    assert found[0].message == f"join condition compares `{column}` with itself"


@pytest.mark.parametrize(
    "code",
    [
        "x = orders.join(customers, orders.customer_id == customers.customer_id)\n",
        "x = orders.join(customers, 'customer_id')\n",
        "x = df.join(df, df.id == df.id)\n",  # a self-join: Spark disambiguates the trivially true condition
        "x = a.join(b, a.x >= a.x)\n",  # not an equality
        "same = a.x == a.x\n",  # not a join
    ],
)
def test_self_comparing_join_is_clean(hits, code):
    assert hits(HEADER + code, "DBA206") == []
