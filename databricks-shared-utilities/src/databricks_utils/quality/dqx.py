"""Export rules as DQX (databricks-labs-dqx) checks and import DQX checks as rules.

DQX's declarative format is a list of checks::

    - name: amount_in_range          # optional in DQX; always written on export
      criticality: error             # error | warn
      filter: "country = 'FR'"       # optional row filter (no equivalent here: import rejects it)
      check:
        function: is_in_range
        arguments: {column: amount, min_limit: 0, max_limit: 10000}
        for_each_column: [a, b]      # optional: the same check on several columns (import expands it)
      user_metadata: {owner: sales}  # optional str -> str labels

Mapping (our check -> DQX function; the rest of the table is in ``specs/.../contracts/rules.md``):
not_null -> is_not_null; not_empty -> is_not_empty (trim: false) or is_not_null_and_not_empty
(allow_null: false); in_set -> is_in_list / is_not_null_and_is_in_list; in_range -> is_in_range /
is_not_less_than / is_not_greater_than; matches_regex -> regex_match (full match as ``^(?:p)$``);
parseable_date/_timestamp -> is_valid_date/_timestamp; not_in_future -> is_not_in_future; unique ->
is_unique; referential -> foreign_key (ref_table); row_count_between -> is_aggr_not_less_than /
is_aggr_not_greater_than on ``column: '*'``, ``aggr_type: count`` (two checks, ``<name>_min`` and
``<name>_max``, when both bounds are set); max_age -> is_aggr_not_less_than of ``max`` with a
``current_timestamp() - INTERVAL n SECONDS`` limit; expected_schema (not strict) -> has_valid_schema;
sql_expression -> sql_expression. Exported as ``sql_expression`` with :func:`rule_to_sql`'s NULL-safe
condition (faithful, but imported back as sql_expression): not_empty with trim and nulls allowed,
length_between, in_range with an exclusive bound, not_in_future with fractional seconds.
Not exportable (listed in :attr:`DqxExport.skipped`): no_duplicate_rows, expected_schema with strict.

``description`` travels as the ``msg`` of a DQX ``sql_expression`` and as ``user_metadata.description``
otherwise; ``metadata`` is ``user_metadata``; provenance is not exported (imports get ``source: dqx``).
For the supported subset, DQX -> rules -> DQX gives back the same checks (DQX defaults such as
``negate: false`` are dropped; unnamed checks get names).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality._dqx_mapping import (
    DQX_FUNCTIONS,
    IMPORTERS,
    DqxArguments,
    DqxCall,
    Imported,
    NotMappable,
    export_rule,
)
from databricks_utils.quality._yaml_tree import YamlTree, dotted, dump_yaml, read_tree
from databricks_utils.quality.loader import problem_text
from databricks_utils.quality.model import Rule, RuleSet, did_you_mean

logger = logging.getLogger(__name__)

_ENTRY_KEYS = ("name", "criticality", "filter", "check", "user_metadata")
_CHECK_KEYS = ("function", "arguments", "for_each_column")


@dataclass(frozen=True)
class DqxExport:
    """Rules as DQX checks, plus the rules that have no faithful DQX form and why."""

    checks: list[dict[str, object]] = field(default_factory=list)
    """DQX checks (plain dicts), ready for ``DQEngine.apply_checks_by_metadata`` or a YAML file."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Rule name -> why it was not exported."""


def to_dqx(ruleset: RuleSet) -> DqxExport:
    """Export rules as DQX checks.

    Args:
        ruleset: The rules.

    Returns:
        The checks, in rule order, and the rules that could not be exported (with the reason); a rule
        is never silently dropped.

    Example:
        >>> rules = RuleSet(rules=[Rule(name="id_present", check="not_null", column="id")])
        >>> to_dqx(rules).checks[0]["check"]
        {'function': 'is_not_null', 'arguments': {'column': 'id'}}
    """
    checks: list[dict[str, object]] = []
    skipped: dict[str, str] = {}
    for rule in ruleset.rules:
        try:
            calls = export_rule(rule)
        except NotMappable as err:
            skipped[rule.name] = str(err)
            logger.info("Rule %s is not exported to DQX: %s", rule.name, err)
            continue
        checks.extend(_entry(rule, call) for call in calls)
    return DqxExport(checks=checks, skipped=skipped)


def _entry(rule: Rule, call: DqxCall) -> dict[str, object]:
    arguments = dict(call.arguments)
    metadata = dict(rule.metadata or {})
    if rule.description is not None:
        if call.function == "sql_expression":
            arguments["msg"] = rule.description
        else:
            metadata["description"] = rule.description
    entry: dict[str, object] = {
        "name": rule.name + call.suffix,
        "criticality": rule.criticality,
        "check": {"function": call.function, "arguments": arguments},
    }
    if metadata:
        entry["user_metadata"] = metadata
    return entry


def dump_dqx(ruleset: RuleSet) -> str:
    """Export rules as a DQX checks YAML file; rules that cannot be exported are listed in a header comment.

    Example:
        >>> print(dump_dqx(RuleSet(rules=[Rule(name="id_present", check="not_null", column="id")])), end="")
        - name: id_present
          criticality: error
          check:
            function: is_not_null
            arguments:
              column: id
    """
    export = to_dqx(ruleset)
    header = "".join(f"# not exported: {name}: {reason}\n" for name, reason in export.skipped.items())
    body = dump_yaml(export.checks)
    return header + body


def from_dqx(source: Sequence[Mapping[str, Any]] | str | os.PathLike[str]) -> RuleSet:
    """Import DQX checks as rules (provenance ``source: dqx``), for teams already on DQX.

    Args:
        source: A DQX checks file (YAML or JSON; a ``str`` is a path) or the checks as a list of dicts.

    Returns:
        The rules, one per DQX check (``for_each_column`` checks give one rule per column).

    Raises:
        RuleFileNotFoundError: The file does not exist.
        RuleError: Every check that cannot be imported, one per line: its index (and file line), its
            function and why (unknown function, no equivalent, unsupported argument or filter, invalid value).

    Example:
        >>> checks = [{"criticality": "warn", "check": {"function": "is_not_null", "arguments": {"column": "id"}}}]
        >>> from_dqx(checks).rules[0].name
        'id_is_not_null'
    """
    if isinstance(source, str | os.PathLike):
        label = os.fspath(source)
        tree = read_tree(Path(source), label=label, what="DQX checks file", dates_as_text=False)
        if tree.data is not None and not isinstance(tree.data, list):
            raise RuleError(
                f"{label}:1: a DQX checks file is a list of checks, got {tree.top_kind}. "
                "Fix: write one '- criticality: ...' item per check"
            )
        return _Importer(list(tree.data or []), tree=tree, label=label).run()
    return _Importer(list(source), tree=None, label=None).run()


class _Importer:
    """Reads DQX checks into rule data, collecting every problem before validating the rules together."""

    def __init__(self, entries: list[Any], *, tree: YamlTree | None, label: str | None) -> None:
        self._entries = entries
        self._tree = tree
        self._label = label
        self._problems: list[tuple[int, str]] = []
        self._rules: list[dict[str, Any]] = []
        self._origins: list[tuple[int, str]] = []  # (entry index, DQX function) of each rule
        self._names: set[str] = set()

    def run(self) -> RuleSet:
        for index, entry in enumerate(self._entries):
            try:
                self._read(index, entry)
            except NotMappable as err:
                self._fail(index, str(err))
        try:
            ruleset = RuleSet(rules=self._rules)  # type: ignore[arg-type]  # dicts, validated into rules here
        except ValidationError as err:
            for detail in err.errors(include_url=False):
                self._fail_rule(detail["loc"], problem_text(detail))
            raise RuleError(self._message()) from err
        if self._problems:
            raise RuleError(self._message())
        return ruleset

    def _message(self) -> str:
        return "\n".join(message for _, message in sorted(self._problems, key=lambda problem: problem[0]))

    def _where(self, index: int) -> tuple[int, str]:
        line = self._tree.line_of((index,)) if self._tree is not None else None
        if self._label is None:
            return 0, ""
        return line or 0, f"{self._label}:{line}: " if line is not None else f"{self._label}: "

    def _fail(self, index: int, problem: str) -> None:
        entry = self._entries[index]
        check = entry.get("check") if isinstance(entry, Mapping) else None
        function = check.get("function") if isinstance(check, Mapping) else None
        name = entry.get("name") if isinstance(entry, Mapping) else None
        about = "".join(
            [f" '{name}'" if isinstance(name, str) else "", f" ({function})" if isinstance(function, str) else ""]
        )
        line, where = self._where(index)
        self._problems.append((line, f"{where}checks[{index}]{about}: {problem}"))

    def _fail_rule(self, loc: tuple[str | int, ...], problem: str) -> None:
        rule_index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        index, function = self._origins[rule_index]
        rule = self._rules[rule_index]
        subject = f"{dotted(loc[2:])}: " if len(loc) > 2 else ""  # noqa: PLR2004 - ("rules", i, field...)
        line, where = self._where(index)
        imported = f"checks[{index}] '{rule.get('name')}' ({function} -> {rule.get('check')})"
        self._problems.append((line, f"{where}{imported}: {subject}{problem}"))

    def _read(self, index: int, entry: Any) -> None:
        if not isinstance(entry, Mapping):
            raise NotMappable(f"a DQX check must be a mapping with 'criticality' and 'check', got {entry!r}")
        _reject_unknown(entry, _ENTRY_KEYS, where="")
        if entry.get("filter") is not None:
            raise NotMappable(
                "'filter' has no equivalent: a rule applies to every row. Fix: fold the filter into a "
                "sql_expression rule, or keep this check in DQX"
            )
        check = entry.get("check")
        if not isinstance(check, Mapping):
            raise NotMappable("'check' must be a mapping with 'function' and 'arguments'")
        _reject_unknown(check, _CHECK_KEYS, where="check.")
        function = check.get("function")
        if not isinstance(function, str) or function not in IMPORTERS:
            raise NotMappable(_unknown_function(function))
        importer = IMPORTERS[function]
        arguments = check.get("arguments") or {}
        if not isinstance(arguments, Mapping):
            raise NotMappable("check.arguments must be a mapping of argument names to values")
        for_each = check.get("for_each_column")
        for target in [None] if for_each is None else list(for_each):
            raw = dict(arguments)
            if target is not None:
                raw["columns" if isinstance(target, list) else "column"] = target
            reader = DqxArguments(function, raw)
            imported = importer(reader)
            reader.finish()
            suffix = "" if target is None else "_" + "_".join(target if isinstance(target, list) else [target])
            self._add(index, entry, function, imported, suffix=suffix)

    def _add(self, index: int, entry: Mapping[str, Any], function: str, imported: Imported, *, suffix: str) -> None:
        named = entry.get("name") or imported.pop("name", None)
        imported.pop("name", None)
        # An unnamed check is named after its column(s) already, so for_each_column adds no suffix then.
        base = f"{named}{suffix}" if named else _default_name(function, imported)
        raw_metadata = entry.get("user_metadata")
        metadata = dict(raw_metadata) if isinstance(raw_metadata, Mapping) else raw_metadata
        description = imported.pop("description", None)
        if description is None and isinstance(metadata, dict) and "description" in metadata:
            description = metadata.pop("description")
        rule: dict[str, Any] = {"name": self._unique(_identifier(str(base))), **imported}
        rule["criticality"] = entry.get("criticality", "error")
        if description is not None:
            rule["description"] = description
        rule["provenance"] = {"source": "dqx", "evidence": f"imported from DQX check '{function}'"}
        if metadata:
            rule["metadata"] = metadata  # a non-mapping is left for validation to report
        self._rules.append(rule)
        self._origins.append((index, function))

    def _unique(self, name: str) -> str:
        candidate, number = name, 2
        while candidate in self._names:
            candidate, number = f"{name}_{number}", number + 1
        self._names.add(candidate)
        return candidate


def _reject_unknown(mapping: Mapping[str, Any], allowed: tuple[str, ...], *, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            hint = did_you_mean(f"{where}{key}", [f"{where}{name}" for name in allowed])
            raise NotMappable(f"unknown key '{where}{key}'{hint}. Fix: rename or remove it")


def _unknown_function(function: object) -> str:
    if not isinstance(function, str):
        return "check.function is missing. Fix: name the DQX function, e.g. 'function: is_not_null'"
    if function in DQX_FUNCTIONS:
        return (
            f"DQX function '{function}' has no equivalent check. Fix: express it as a sql_expression rule, "
            "or keep it in DQX"
        )
    supported = ", ".join(sorted(IMPORTERS))
    return f"unknown DQX function '{function}'{did_you_mean(function, DQX_FUNCTIONS)}. Supported: {supported}"


def _default_name(function: str, imported: Imported) -> str:
    """DQX's own style for unnamed checks: ``<column(s)>_<function>``."""
    columns = [imported["column"]] if imported.get("column") else list(imported.get("columns") or [])
    return "_".join([*columns, function])


def _identifier(text: str) -> str:
    """A valid rule name: other characters become ``_``; a leading digit gets a ``_`` in front."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return f"_{name}" if name[:1].isdigit() else name
