"""{{ cookiecutter.project_name }}: gold sales metrics, a Streamlit app for Databricks Apps.

Reads ``gold_daily_sales`` through a SQL warehouse with the Databricks SQL connector. The warehouse id, catalog and
schema come from environment variables set in app.yaml; the catalog follows the bundle target in the app's name.
The query building and the arithmetic are small pure functions; only ``main`` and ``fetch_rows`` touch Streamlit or
the warehouse.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import pandas as pd
import streamlit as st
from databricks import sql
from databricks.sdk.core import Config

APP_TITLE: Final = "{{ cookiecutter.project_name }}"
TABLE: Final = "gold_daily_sales"
TARGETS: Final = ("DEV", "LAB", "PROD")
COLUMNS: Final = ("order_date", "country", "currency", "orders", "units", "revenue")
DEFAULT_LOOKBACK_DAYS: Final = 90
MAX_LOOKBACK_DAYS: Final = 3660
CACHE_SECONDS: Final = 300
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CENT: Final = Decimal("0.01")


@dataclass(frozen=True)
class Settings:
    """Where the app reads from: the warehouse and the catalog and schema of the gold tables."""

    warehouse_id: str
    catalog: str
    schema: str
    lookback_days: int = DEFAULT_LOOKBACK_DAYS


@dataclass(frozen=True)
class DailySales:
    """One row of ``gold_daily_sales``."""

    order_date: date
    country: str
    currency: str
    orders: int
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class Kpis:
    """Totals over some daily rows of one currency."""

    revenue: Decimal
    orders: int
    units: int

    @property
    def avg_order_value(self) -> Decimal | None:
        """Revenue per order, rounded to the cent; None without orders."""
        if self.orders == 0:
            return None
        return (self.revenue / self.orders).quantize(_CENT, rounding=ROUND_HALF_UP)


def resolve_catalog(environ: Mapping[str, str]) -> str:
    """The catalog of the gold tables: GOLD_CATALOG, else GOLD_CATALOG_<TARGET> for the app name's target suffix.

    The bundle names the app ``<name>-<target>`` (dev, lab, prod) and Databricks Apps sets DATABRICKS_APP_NAME.

    Raises:
        ValueError: Neither GOLD_CATALOG nor the catalog of the app's target is set.

    Example:
        >>> resolve_catalog({"DATABRICKS_APP_NAME": "orders-prod", "GOLD_CATALOG_PROD": "prod"})
        'prod'
    """
    if environ.get("GOLD_CATALOG"):
        return environ["GOLD_CATALOG"]
    app_name = environ.get("DATABRICKS_APP_NAME", "")
    target = app_name.rpartition("-")[2].upper()
    variable = f"GOLD_CATALOG_{target}"
    if target not in TARGETS or not environ.get(variable):
        raise ValueError(
            f"No catalog for app {app_name!r}: set GOLD_CATALOG, or name the app <name>-<target> "
            f"(target one of {', '.join(t.lower() for t in TARGETS)}) and set GOLD_CATALOG_<TARGET> in app.yaml."
        )
    return environ[variable]


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read the settings from environment variables (see app.yaml).

    Raises:
        ValueError: A variable is missing or empty, no catalog resolves, or GOLD_LOOKBACK_DAYS is not a number of
            days.

    Example:
        >>> env = {"DATABRICKS_WAREHOUSE_ID": "abc", "GOLD_CATALOG": "dev", "GOLD_SCHEMA": "orders"}
        >>> load_settings(env).schema
        'orders'
    """
    missing = [name for name in ("DATABRICKS_WAREHOUSE_ID", "GOLD_SCHEMA") if not environ.get(name)]
    if missing:
        raise ValueError(
            f"Environment variable(s) {', '.join(missing)} not set: declare them in app.yaml "
            "(DATABRICKS_WAREHOUSE_ID comes from the sql-warehouse app resource)."
        )
    raw_days = environ.get("GOLD_LOOKBACK_DAYS") or str(DEFAULT_LOOKBACK_DAYS)
    if not raw_days.isdigit() or not 1 <= int(raw_days) <= MAX_LOOKBACK_DAYS:
        raise ValueError(f"GOLD_LOOKBACK_DAYS={raw_days!r} is not a number of days between 1 and {MAX_LOOKBACK_DAYS}.")
    return Settings(
        warehouse_id=environ["DATABRICKS_WAREHOUSE_ID"],
        catalog=resolve_catalog(environ),
        schema=environ["GOLD_SCHEMA"],
        lookback_days=int(raw_days),
    )


def quote_identifier(name: str) -> str:
    """Backtick-quote a catalog, schema or table name after checking it is a plain identifier.

    Raises:
        ValueError: The name has characters other than letters, digits and underscores.

    Example:
        >>> quote_identifier("gold_daily_sales")
        '`gold_daily_sales`'
    """
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a plain identifier (letters, digits, underscores): check GOLD_CATALOG/GOLD_SCHEMA."
        )
    return f"`{name}`"


def table_name(settings: Settings, table: str = TABLE) -> str:
    """The quoted three-part name of a gold table.

    Example:
        >>> table_name(Settings(warehouse_id="w", catalog="prod", schema="orders"))
        '`prod`.`orders`.`gold_daily_sales`'
    """
    return ".".join(quote_identifier(part) for part in (settings.catalog, settings.schema, table))


def daily_sales_query(table: str) -> str:
    """SQL for the daily rows of the last ``:lookback_days`` days (a named parameter), oldest first.

    Example:
        >>> "date_sub(current_date(), :lookback_days)" in daily_sales_query("`t`")
        True
    """
    return (
        f"SELECT {', '.join(COLUMNS)} FROM {table} "  # noqa: S608 - table is built by quote_identifier only
        "WHERE order_date >= date_sub(current_date(), :lookback_days) "
        "ORDER BY order_date, country, currency"
    )


def warehouse_http_path(warehouse_id: str) -> str:
    """The HTTP path of a SQL warehouse for the SQL connector.

    Example:
        >>> warehouse_http_path("abc123")
        '/sql/1.0/warehouses/abc123'
    """
    return f"/sql/1.0/warehouses/{warehouse_id}"


def to_daily_sales(row: Mapping[str, object]) -> DailySales:
    """Convert one result row (column name to value) into a typed record.

    Example:
        >>> to_daily_sales({"order_date": date(2024, 1, 2), "country": "DE", "currency": "EUR",
        ...                 "orders": 2, "units": 3, "revenue": Decimal("10.50")}).revenue
        Decimal('10.50')
    """
    order_date = row["order_date"]
    if not isinstance(order_date, date):
        order_date = date.fromisoformat(str(order_date))
    return DailySales(
        order_date=order_date,
        country=str(row["country"]),
        currency=str(row["currency"]),
        orders=int(str(row["orders"])),
        units=int(str(row["units"])),
        revenue=Decimal(str(row["revenue"])),
    )


def currencies(rows: Iterable[DailySales]) -> list[str]:
    """The currencies present, the one with the most orders first (ties alphabetical)."""
    orders: dict[str, int] = {}
    for row in rows:
        orders[row.currency] = orders.get(row.currency, 0) + row.orders
    return sorted(orders, key=lambda currency: (-orders[currency], currency))


def summarize(rows: Iterable[DailySales], *, currency: str) -> Kpis:
    """Revenue, orders and units of one currency (revenues in different currencies are never added).

    Example:
        >>> day = date(2024, 1, 1)
        >>> rows = [DailySales(day, "DE", "EUR", 2, 3, Decimal("30")), DailySales(day, "US", "USD", 1, 1, Decimal("9"))]
        >>> summarize(rows, currency="EUR").avg_order_value
        Decimal('15.00')
    """
    picked = [row for row in rows if row.currency == currency]
    return Kpis(
        revenue=sum((row.revenue for row in picked), Decimal(0)),
        orders=sum(row.orders for row in picked),
        units=sum(row.units for row in picked),
    )


def revenue_by(rows: Iterable[DailySales], *, currency: str, key: str) -> dict[str, Decimal]:
    """Revenue of one currency per ``order_date`` (ISO text) or ``country``, ordered by key.

    Raises:
        ValueError: ``key`` is neither ``order_date`` nor ``country``.
    """
    if key not in {"order_date", "country"}:
        raise ValueError(f"key={key!r}: revenue is grouped by 'order_date' or 'country'.")
    totals: dict[str, Decimal] = {}
    for row in rows:
        if row.currency == currency:
            group = row.order_date.isoformat() if key == "order_date" else row.country
            totals[group] = totals.get(group, Decimal(0)) + row.revenue
    return dict(sorted(totals.items()))


def format_money(amount: Decimal | None, currency: str) -> str:
    """Amount with thousands separators and two decimals, followed by the currency; an em dash for None.

    Example:
        >>> format_money(Decimal("1234.5"), "EUR")
        '1,234.50 EUR'
    """
    if amount is None:
        return "\u2014"
    return f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):,} {currency}"


@st.cache_data(ttl=CACHE_SECONDS, show_spinner="Querying the SQL warehouse...")
def fetch_rows(warehouse_id: str, query: str, lookback_days: int) -> list[dict[str, object]]:
    """Run the query on the warehouse as the app's service principal; cached for CACHE_SECONDS."""
    config = Config()  # Databricks Apps injects the host and the service principal's OAuth credentials
    with (
        sql.connect(
            server_hostname=config.host,
            http_path=warehouse_http_path(warehouse_id),
            credentials_provider=lambda: config.authenticate,
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(query, {"lookback_days": lookback_days})
        return [row.asDict() for row in cursor.fetchall()]


def main() -> None:
    """Render the page."""
    st.set_page_config(page_title=APP_TITLE, layout="wide")
    st.title(f"{APP_TITLE}: gold metrics")
    try:
        settings = load_settings(os.environ)
        table = table_name(settings)
    except ValueError as err:
        st.error(str(err))
        st.stop()
    days = settings.lookback_days
    st.caption(f"Source: {table}, last {days} days, through SQL warehouse {settings.warehouse_id}.")
    rows = [to_daily_sales(row) for row in fetch_rows(settings.warehouse_id, daily_sales_query(table), days)]
    if not rows:
        st.info(f"No rows in {table} for the last {days} days: has the pipeline job run?")
        return
    options = currencies(rows)
    currency = st.selectbox("Currency", options) or options[0]
    kpis = summarize(rows, currency=currency)
    revenue, orders, aov = st.columns(3)
    revenue.metric("Revenue", format_money(kpis.revenue, currency))
    orders.metric("Orders", f"{kpis.orders:,}")
    aov.metric("Average order value", format_money(kpis.avg_order_value, currency))
    st.subheader("Daily revenue")
    daily = _series(revenue_by(rows, currency=currency, key="order_date"), "order_date")
    st.line_chart(daily, x="order_date", y="revenue")
    st.subheader("Revenue by country")
    by_country = _series(revenue_by(rows, currency=currency, key="country"), "country")
    st.bar_chart(by_country, x="country", y="revenue")


def _series(totals: Mapping[str, Decimal], key: str) -> pd.DataFrame:
    """Two-column frame for a Streamlit chart (floats: charts do not plot Decimal)."""
    return pd.DataFrame({key: list(totals), "revenue": [float(value) for value in totals.values()]})


if __name__ == "__main__":
    main()
