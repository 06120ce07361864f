"""Pydantic models of a project's configuration for one environment.

The YAML files (``config/project.yaml`` + ``config/<env>.yaml``) map one-to-one onto
:class:`ProjectConfig`; every model rejects unknown keys so a typo is an error, not a silent default.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from databricks_utils.errors.exceptions import ConfigError

Environment = Literal["local", "lab", "dev", "prod"]
ENVIRONMENTS: Final[tuple[str, ...]] = ("local", "lab", "dev", "prod")
SparkMode = Literal["auto", "local", "connect", "databricks"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["json", "text"]


_QUIET_LOGGERS: Final[dict[str, LogLevel]] = {"py4j": "WARNING", "pyspark": "WARNING", "urllib3": "WARNING"}


class _ConfigModel(BaseModel):
    """Base of every config model: immutable, unknown keys rejected, defaults validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, populate_by_name=True)


def quote_identifier(part: str) -> str:
    """Quote one SQL identifier part with backticks, doubling embedded backticks.

    Example:
        >>> quote_identifier("my`table")
        '`my``table`'
    """
    return "`" + part.replace("`", "``") + "`"


# One name part: backticked (doubled backticks inside) or bare (no dots, backticks or edge spaces).
_TABLE_PART: Final = r"`(?:[^`]|``)+`|[^.`\s](?:[^.`]*[^.`\s])?"
_MAX_TABLE_PARTS: Final = 3  # catalog.schema.table


def quote_table_name(name: str) -> str:
    """Quote each part of a dotted table name (``catalog.schema.table``) with backticks.

    Parts already backticked are kept; surrounding spaces are ignored.

    Raises:
        ConfigError: The name is empty, has an empty part, an unclosed backtick or more than three parts.

    Example:
        >>> quote_table_name("main.sales.`order items`")
        '`main`.`sales`.`order items`'
    """
    text = name.strip()
    parts = re.findall(_TABLE_PART, text)
    if not re.fullmatch(rf"(?:{_TABLE_PART})(?:\.(?:{_TABLE_PART}))*", text) or len(parts) > _MAX_TABLE_PARTS:
        raise ConfigError(
            f"table name {name!r} is not valid. Fix: write catalog.schema.table; quote parts with backticks "
            "when they hold dots"
        )
    return ".".join(part if part.startswith("`") else quote_identifier(part) for part in parts)


class SparkConfig(_ConfigModel):
    """How to obtain a Spark session.

    ``mode="auto"`` picks, in order: the Databricks runtime's session when running on a cluster,
    Spark Connect when ``remote`` or ``SPARK_REMOTE`` is set, databricks-connect when installed and a
    workspace host is configured, else local Spark.
    """

    mode: SparkMode = "auto"
    master: str = "local[2]"
    app_name: str | None = Field(default=None, description="Defaults to the project name.")
    remote: str | None = Field(default=None, description="Spark Connect URL, e.g. sc://127.0.0.1:15002.")
    shuffle_partitions: int = Field(default=4, ge=1)
    delta: bool = Field(default=True, description="Enable Delta Lake locally when its jars are installed.")
    require_delta: bool = Field(default=False, description="Fail instead of falling back to parquet locally.")
    warehouse_dir: Path | None = Field(default=None, description="Local warehouse; None means a fresh temp dir.")
    catalog_implementation: Literal["in-memory", "hive"] = "in-memory"
    fast_local: bool = Field(default=True, description="UI off, loopback bind, C1 JIT: faster local starts.")
    health_check_interval_s: float = Field(default=30.0, ge=0)
    conf: dict[str, str] = Field(default_factory=dict, description="Extra spark.* settings.")

    @field_validator("conf", mode="before")
    @classmethod
    def _stringify_conf(cls, value: Any) -> Any:
        # YAML turns `spark.sql.ansi.enabled: true` into a bool; Spark wants the string "true".
        if isinstance(value, dict):
            return {str(k): (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in value.items()}
        return value


class CatalogConfig(_ConfigModel):
    """Where tables live: a Unity Catalog catalog and default schema (``spark_catalog`` locally)."""

    catalog: str = Field(default="spark_catalog", min_length=1)
    schema_name: str = Field(default="default", alias="schema", min_length=1)
    volume: str | None = None

    def table(self, name: str, *, schema: str | None = None) -> str:
        r"""Return the fully qualified, backtick-quoted name of a table.

        Args:
            name: Table name, unquoted.
            schema: Schema to use instead of the configured default.

        Returns:
            ``\\`catalog\\`.\\`schema\\`.\\`name\\``, safe to paste into SQL.

        Example:
            >>> CatalogConfig(catalog="main", schema="sales").table("orders")
            '`main`.`sales`.`orders`'
        """
        return ".".join(quote_identifier(p) for p in (self.catalog, schema or self.schema_name, name))


class ObservabilityConfig(_ConfigModel):
    """Logging and metrics settings."""

    log_level: LogLevel = "INFO"
    log_format: LogFormat = "json"
    metrics_enabled: bool = True
    quiet_loggers: dict[str, LogLevel] = Field(default_factory=lambda: dict(_QUIET_LOGGERS))

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class EnvironmentConfig(_ConfigModel):
    """Which environment this is and how to reach its Databricks workspace."""

    name: Environment = "local"
    workspace_host: str | None = Field(default=None, description="https://<workspace>.cloud.databricks.com")
    profile: str | None = Field(default=None, description="Databricks CLI profile name in ~/.databrickscfg.")
    cluster_id: str | None = None
    serverless: bool = True
    token: SecretStr | None = Field(default=None, description="Use ${DATABRICKS_TOKEN}; never write it in YAML.")

    @property
    def is_production(self) -> bool:
        """True for the ``prod`` environment."""
        return self.name == "prod"

    @property
    def is_local(self) -> bool:
        """True for the ``local`` environment."""
        return self.name == "local"


class ProjectConfig(_ConfigModel):
    """The whole configuration of a project in one environment, as returned by ``ConfigLoader.load``.

    Example:
        >>> cfg = ProjectConfig(name="orders", catalog={"catalog": "main", "schema": "sales"})
        >>> cfg.table("daily"), cfg.is_production
        ('`main`.`sales`.`daily`', False)
    """

    name: str = Field(default="project", min_length=1)
    description: str = ""
    owner: str | None = None
    environment: EnvironmentConfig = Field(default_factory=EnvironmentConfig)
    spark: SparkConfig = Field(default_factory=SparkConfig)
    catalog: CatalogConfig = Field(default_factory=CatalogConfig)
    observability: ObservabilityConfig = Field(default_factory=ObservabilityConfig)
    secrets: dict[str, SecretStr] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict, description="Free-form pipeline parameters.")

    @property
    def env(self) -> str:
        """The environment name (``local``, ``lab``, ``dev`` or ``prod``)."""
        return self.environment.name

    @property
    def is_production(self) -> bool:
        """True for the ``prod`` environment."""
        return self.environment.is_production

    def table(self, name: str, *, schema: str | None = None) -> str:
        """Fully qualified, quoted table name from the catalog config; see :meth:`CatalogConfig.table`."""
        return self.catalog.table(name, schema=schema)
