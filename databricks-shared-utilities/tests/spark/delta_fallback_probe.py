"""Run in a child process by test_delta_fallback.py with DATABRICKS_UTILS_JARS_DIR pointing at an empty folder."""

import json
import logging

from databricks_utils.spark import SparkSessionFactory, get_spark


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> None:
    counter = _Count()
    logging.getLogger("databricks_utils").addHandler(counter)
    spark = get_spark()
    spark.sql("CREATE SCHEMA IF NOT EXISTS fallback")
    spark.range(3).write.saveAsTable("fallback.numbers")
    provider = spark.sql("DESCRIBE TABLE EXTENDED fallback.numbers").filter("col_name = 'Provider'").first()
    out = {"delta_enabled": SparkSessionFactory.delta_enabled(), "provider": provider["data_type"]}
    spark.stop()
    get_spark().range(1).count()  # a replaced session must not repeat the notice
    out["notices"] = [m for m in counter.messages if "local tables use parquet" in m]
    out["rows"] = get_spark().table("fallback.numbers").count()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
