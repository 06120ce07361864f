"""The reviewer's configuration: ``[tool.databricks-agent.quality]`` in ``pyproject.toml``.

.. code-block:: toml

    [tool.databricks-agent.quality]
    select = ["ALL"]                  # IDs, ID prefixes (DBA1) or categories (performance)
    ignore = ["DBA402"]
    severity = { DBA111 = "info" }    # per-rule severity overrides
    per-path-ignores = { "notebooks/**" = ["DBA304"] }
    exclude = ["generated/**"]
    fail-on = "warning"               # error | warning | never
"""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from databricks_ai_agents.errors import AgentError
from databricks_ai_agents.lint.model import Category, Severity
from databricks_ai_agents.lint.sources import matches_path

FailOn = Literal["error", "warning", "never"]
_CATEGORIES = {category.value for category in Category}


class QualityConfigError(AgentError):
    """``[tool.databricks-agent.quality]`` is malformed; the message names the file and the field."""


class QualityConfig(BaseModel):
    """Which rules run, at what severity, and where they do not apply.

    Example:
        >>> config = QualityConfig(ignore=["DBA4"], severity={"DBA111": "info"})
        >>> config.enabled("DBA402", "conventions"), config.enabled("DBA101", "performance")
        (False, True)
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-path-ignores")
    exclude: list[str] = Field(default_factory=list)
    fail_on: FailOn = Field(default="error", alias="fail-on")
    source: str | None = Field(default=None, exclude=True, description="The file this came from.")

    def enabled(self, rule_id: str, category: str, path: PurePath | None = None) -> bool:
        """Whether the rule runs (on ``path``, when given)."""
        if not _matches(self.select, rule_id, category) or _matches(self.ignore, rule_id, category):
            return False
        return path is None or not self.ignored_on(path, rule_id, category)

    def ignored_on(self, path: PurePath, rule_id: str, category: str) -> bool:
        """True when ``per-path-ignores`` turns the rule off for ``path``."""
        selectors = self.path_ignores(path)
        return bool(selectors) and _matches(selectors, rule_id, category)

    def path_ignores(self, path: PurePath) -> list[str]:
        """The selectors ``per-path-ignores`` applies to ``path`` (match each pattern once per file, not per rule)."""
        if not self.per_path_ignores:
            return []
        posix = path.as_posix()
        return [
            code for pattern, codes in self.per_path_ignores.items() if matches_path(posix, pattern) for code in codes
        ]

    @staticmethod
    def selects(selectors: list[str], rule_id: str, category: str) -> bool:
        """True when one of ``selectors`` (ID, ID prefix, category or ALL) names the rule."""
        return _matches(selectors, rule_id, category)

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        """The rule's severity after the overrides."""
        return self.severity.get(rule_id, default)

    def merged(self, *, select: list[str] | None, ignore: list[str] | None, fail_on: FailOn | None) -> QualityConfig:
        """This config with command-line choices on top (``--select`` replaces, ``--ignore`` adds)."""
        update: dict[str, object] = {}
        if select:
            update["select"] = select
        if ignore:
            update["ignore"] = [*self.ignore, *ignore]
        if fail_on:
            update["fail_on"] = fail_on
        return self.model_copy(update=update)


def _matches(selectors: list[str], rule_id: str, category: str) -> bool:
    return any(s in ("ALL", category) or rule_id.startswith(s.upper()) for s in selectors)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(pyproject: Path | None, *, known_rules: set[str]) -> QualityConfig:
    """The config in ``pyproject`` (defaults when absent or without the table).

    Raises:
        QualityConfigError: for bad TOML, unknown keys, unknown rule IDs or bad severities.
    """
    if pyproject is None:
        return QualityConfig()
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise QualityConfigError(f"{pyproject}: cannot read it as TOML: {err}") from err
    table = document.get("tool", {}).get("databricks-agent", {}).get("quality")
    if table is None:
        return QualityConfig(source=str(pyproject))
    where = f"{pyproject} [tool.databricks-agent.quality]"
    try:
        config = QualityConfig.model_validate({**table, "source": str(pyproject)})
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise QualityConfigError(f"{where}: {problems}") from err
    codes = [
        *config.select,
        *config.ignore,
        *config.severity,
        *(c for v in config.per_path_ignores.values() for c in v),
    ]
    check_codes(codes, known_rules=known_rules, where=where)
    return config


def check_codes(codes: list[str], *, known_rules: set[str], where: str) -> None:
    """Raise a :class:`QualityConfigError` naming ``where`` when a selector matches no rule or category."""
    unknown = sorted(code for code in codes if not _known(code, known_rules))
    if unknown:
        raise QualityConfigError(
            f"{where}: unknown rule or category {', '.join(unknown)}; use IDs such as DBA101, prefixes such as "
            "DBA1, a category, or ALL (see `databricks-agent quality --list-rules`)"
        )


def _known(code: str, known_rules: set[str]) -> bool:
    return code == "ALL" or code in _CATEGORIES or any(rule.startswith(code.upper()) for rule in known_rules)
