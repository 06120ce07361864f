"""The pipeline's own settings: the ``params`` section of config/*.yaml, validated.

databricks-utils owns the rest of the config (environment, Spark, catalog, logging); ``params`` is
free-form there, so this model gives it types, defaults and clear errors (unknown keys are refused).
"""

from __future__ import annotations

from typing import Literal

from databricks_utils import ConfigError, ProjectConfig
from pydantic import BaseModel, ConfigDict, ValidationError


class Tables(BaseModel):
    """Table names inside the configured catalog and schema."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bronze: str = "bronze_orders"
    silver: str = "silver_orders"
    quarantine: str = "silver_orders_quarantine"
    daily_sales: str = "gold_daily_sales"
    customer_summary: str = "gold_customer_summary"
    customer_features: str = "gold_customer_features"


class PipelineSettings(BaseModel):
    """Where raw files come from and how layers write.

    Relative paths are relative to the project root (the folder holding ``config/``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_path: str = "data/sample"
    source_format: Literal["csv", "json", "parquet"] = "{{ cookiecutter.source_format }}"
    streaming: bool = {{ "True" if cookiecutter.streaming_ingestion == "yes" else "False" }}
    checkpoint_path: str = "build/checkpoints"
    rules_path: str = "data_validation/rules.yml"
    keys: tuple[str, ...] = ("order_id",)
    tables: Tables = Tables()

    @classmethod
    def from_config(cls, config: ProjectConfig) -> PipelineSettings:
        """The settings in ``config.params``.

        Raises:
            ConfigError: A key is unknown or a value has the wrong type.

        Example:
            >>> PipelineSettings.from_config(ProjectConfig(params={"source_path": "/Volumes/dev/raw"})).source_path
            '/Volumes/dev/raw'
        """
        try:
            return cls.model_validate(config.params)
        except ValidationError as err:
            problems = "; ".join(
                f"params.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors(include_url=False)
            )
            raise ConfigError(f"config params are not valid: {problems}. Fix: correct config/*.yaml") from err
