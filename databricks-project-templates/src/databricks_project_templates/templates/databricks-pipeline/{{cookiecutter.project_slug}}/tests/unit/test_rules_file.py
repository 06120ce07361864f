"""data_validation/rules.yml loads, and its exports are valid Spark SQL over the silver columns."""

from databricks_utils.quality import load_rules, to_delta_check_constraints, to_dqx, to_lakeflow_expectations

SILVER_SCHEMA = (
    "order_id STRING, customer_id STRING, order_ts TIMESTAMP, status STRING, currency STRING, "
    "amount DECIMAL(18,2), quantity INT, country STRING, email STRING"
)


def test_rules_load_and_every_export_is_valid_sql(spark_session, project_root):
    rules = load_rules(project_root / "data_validation" / "rules.yml")
    empty = spark_session.createDataFrame([], SILVER_SCHEMA)
    expectations = to_lakeflow_expectations(rules)
    assert expectations.all
    for condition in expectations.all.values():
        assert empty.where(condition).count() == 0  # parses and resolves against the silver columns
    assert to_dqx(rules).checks
    statements = to_delta_check_constraints(rules, "main.sales.orders")
    assert statements
    assert all(statement.startswith("ALTER TABLE `main`.`sales`.`orders` ADD CONSTRAINT") for statement in statements)
