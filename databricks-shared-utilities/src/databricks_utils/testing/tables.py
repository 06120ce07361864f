"""Uniquely named, self-cleaning tables for tests (the engine behind the ``temp_tables`` fixture)."""

from __future__ import annotations

import itertools
import logging
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from databricks_utils.config.schema import quote_identifier

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

logger = logging.getLogger(__name__)

Rows = Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]]
_UNSAFE = re.compile(r"[^0-9a-zA-Z_]+")


class TempTables:
    """Create tables with unique names in a scratch schema and drop them all on :meth:`drop_all`.

    Example:
        >>> tables = TempTables(spark, prefix="test_orders")  # doctest: +SKIP
        >>> name = tables.create([{"id": 1, "amount": 9.5}])  # doctest: +SKIP
        >>> spark.table(name).count()  # doctest: +SKIP
        1
    """

    def __init__(self, spark: SparkSession, *, prefix: str = "t", schema: str = "dbx_test") -> None:
        self._spark = spark
        self._prefix = _UNSAFE.sub("_", prefix).strip("_").lower()[:40] or "t"
        self._schema = schema
        self._counter = itertools.count(1)
        self._created: list[str] = []
        self._token = uuid.uuid4().hex[:8]

    @property
    def names(self) -> list[str]:
        """Fully qualified names of the tables created so far."""
        return list(self._created)

    def create(
        self,
        data: DataFrame | Rows | None = None,
        *,
        schema: StructType | str | None = None,
        name: str | None = None,
        table_format: str | None = None,
    ) -> str:
        """Create a table from rows, a DataFrame, or a schema alone (an empty table).

        Args:
            data: A DataFrame, a list of dicts/tuples/Rows, or None for an empty table.
            schema: A StructType or DDL string (``"id INT, name STRING"``); required for tuples or no data.
            name: A readable part of the table name; a unique suffix is always added.
            table_format: ``delta``, ``parquet``...; default: the session's default source.

        Returns:
            The table's qualified, quoted name, ready for ``spark.table()`` or SQL.

        Raises:
            ValueError: neither ``data`` nor ``schema`` was given.
        """
        if data is None and schema is None:
            raise ValueError("temp_tables.create needs data or a schema, e.g. create(schema='id INT, name STRING')")
        frame = self._as_frame(data, schema)
        part = _UNSAFE.sub("_", name or self._prefix).strip("_").lower() or "t"
        qualified = (
            f"{quote_identifier(self._schema)}.{quote_identifier(f'{part}_{self._token}_{next(self._counter)}')}"
        )
        self._spark.sql(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(self._schema)}")
        writer = frame.write.mode("errorifexists")
        if table_format:
            writer = writer.format(table_format)
        self._created.append(qualified)
        writer.saveAsTable(qualified)
        return qualified

    __call__ = create  # `temp_tables(rows)` reads naturally in a test

    def drop_all(self) -> None:
        """Drop every table this object created; errors are logged, never raised (teardown must finish)."""
        while self._created:
            name = self._created.pop()
            try:
                self._spark.sql(f"DROP TABLE IF EXISTS {name}")
            except Exception:  # a dead session cannot drop; the warehouse folder is temporary anyway
                logger.warning("Could not drop test table %s", name, exc_info=True)

    def _as_frame(self, data: DataFrame | Rows | None, schema: StructType | str | None) -> DataFrame:
        if data is None:
            return self._spark.createDataFrame([], schema)
        if hasattr(data, "write"):
            return data  # type: ignore[return-value]  # a DataFrame (classic or Connect)
        rows: Iterable[Any] = data
        return self._spark.createDataFrame(list(rows), schema)
