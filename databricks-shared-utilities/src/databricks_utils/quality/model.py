"""The data-quality rule model: one YAML format for the pipeline, the profiler and the exporters.

A rules file (``data_validation/rules.yml``)::

    version: 1
    rules:
      - name: order_id_present
        check: not_null
        column: order_id
        criticality: error          # error: quarantine the row; warn: keep it, flagged
      - name: amount_in_range
        check: in_range
        column: amount
        arguments: {min: 0, max: 10000}
        provenance: {source: profiler, evidence: "p99.9 = 8412.50 over 1.2M rows", confidence: 0.93}

Each check's ``arguments`` are validated by that check's own model (``CHECK_ARGUMENTS``), so an error
names the rule and the argument (``rules[1] 'amount_in_range': arguments.min ...``). Validation reports
every problem of a rule set at once: field errors, column/columns conflicts and duplicate names
together, each at its own location, with a fix (``unknown check 'in_rnage' (did you mean 'in_range'?)``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from databricks_utils.quality.sql_safety import sql_expression_problem

M = TypeVar("M", bound=BaseModel)
Criticality = Literal["error", "warn"]
CheckName = Literal[
    "not_null",
    "not_empty",
    "unique",
    "in_set",
    "in_range",
    "matches_regex",
    "length_between",
    "parseable_date",
    "parseable_timestamp",
    "not_in_future",
    "max_age",
    "referential",
    "row_count_between",
    "no_duplicate_rows",
    "expected_schema",
    "sql_expression",
]
ROW_CHECKS: Final[frozenset[str]] = frozenset(
    {
        "not_null",
        "not_empty",
        "in_set",
        "in_range",
        "matches_regex",
        "length_between",
        "parseable_date",
        "parseable_timestamp",
        "not_in_future",
        "sql_expression",
    }
)
"""Checks decided per row, computed together in one pass as columns."""
DATASET_CHECKS: Final[frozenset[str]] = frozenset(
    {"unique", "max_age", "referential", "row_count_between", "no_duplicate_rows", "expected_schema"}
)
"""Checks decided over the whole dataset, run as aggregate jobs and reported in the result."""
NAME_PATTERN: Final = r"^[A-Za-z_][A-Za-z0-9_]*$"
"""Rule names become column, expectation and constraint names: letters, digits, underscores."""

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Scalar = str | int | FiniteFloat | bool


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _problem(loc: tuple[str | int, ...], kind: str, message: str, value: object) -> InitErrorDetails:
    """One validation problem; the message is used as written (no ``{}`` formatting: no context)."""
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)


def _as_problem(detail: ErrorDetails, message: str | None = None) -> InitErrorDetails:
    return _problem(detail["loc"], detail["type"], message or detail["msg"], detail["input"])


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or ``""`` when none is close.

    Example:
        >>> did_you_mean("in_rnage", CHECK_ARGUMENTS)
        " (did you mean 'in_range'?)"
    """
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _with_problems(
    model: type[BaseModel], data: Any, handler: ModelWrapValidatorHandler[M], extra: list[InitErrorDetails]
) -> M:
    """Validate with ``handler`` and report its errors and ``extra`` problems together, in one error."""
    try:
        validated = handler(data)
    except ValidationError as err:
        raise _combined_error(model.__name__, err, extra, model.model_fields) from None
    if extra:
        raise _combined_error(model.__name__, None, extra, model.model_fields)
    return validated


def _combined_error(
    title: str, err: ValidationError | None, extra: list[InitErrorDetails], keys: Iterable[str]
) -> ValidationError:
    """``err`` plus ``extra`` problems as one error, unknown keys reworded with the closest valid key."""
    details = err.errors(include_url=False) if err is not None else []
    unknown = [d for d in details if d["type"] == "extra_forbidden" and len(d["loc"]) == 1]
    if err is not None and not extra and not unknown:
        return err
    valid = sorted(keys)
    problems = [
        _as_problem(d, _unknown_key_message(str(d["loc"][0]), valid)) if d in unknown else _as_problem(d)
        for d in details
    ]
    return ValidationError.from_exception_data(title, [*problems, *extra])


def _unknown_key_message(key: str, valid: list[str]) -> str:
    hint = did_you_mean(key, valid)
    return f"unknown key '{key}'{hint}. Fix: rename or remove it" + (
        "" if hint else f"; valid keys: {', '.join(valid)}"
    )


def _kind_of(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)[:60]


class NoArguments(_Strict):
    """Arguments of checks that take none (not_null, unique, no_duplicate_rows)."""


class NotEmptyArguments(_Strict):
    """``not_empty``: the string is not empty (trimmed when ``trim``); null passes unless ``allow_null: false``."""

    trim: bool = True
    allow_null: bool = True


class InSetArguments(_Strict):
    """``in_set``: the value is one of ``values`` (null passes unless ``allow_null`` is false)."""

    values: list[Scalar] = Field(min_length=1)
    allow_null: bool = True

    @field_validator("values", mode="before")
    @classmethod
    def _scalar_values(cls, value: Any) -> Any:
        # One clear error instead of one per accepted type (str, int, float, bool) of each bad item.
        for index, item in enumerate(value if isinstance(value, list) else []):
            if not isinstance(item, int | float | str):
                raise PydanticCustomError(
                    "value_type",
                    f"values[{index}] must be text, a number or true/false, got {_kind_of(item)}. Fix: plain values",
                )
        return value


class InRangeArguments(_Strict):
    """``in_range``: ``min <= value <= max`` (bounds optional; exclusive when ``*_inclusive`` is false).

    Bounds are numbers, or ISO dates/timestamps as strings (``"2024-01-31"``) for date columns.
    """

    min: FiniteFloat | int | str | None = None
    max: FiniteFloat | int | str | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True

    @field_validator("min", "max", mode="before")
    @classmethod
    def _scalar_bound(cls, value: Any) -> Any:
        # One clear error instead of one per accepted type (float, int, str).
        if (value is not None and not isinstance(value, int | float | str)) or isinstance(value, bool):
            raise PydanticCustomError(
                "bound_type",
                f"must be a number or a date/time as text, got {_kind_of(value)}. Fix: e.g. 0 or '2024-01-31'",
            )
        return value

    @model_validator(mode="after")
    def _bounds(self) -> InRangeArguments:
        if self.min is None and self.max is None:
            raise PydanticCustomError("no_bound", "give at least one of 'min' or 'max'. Fix: add min and/or max")
        low, high = self.min, self.max
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            raise PydanticCustomError(
                "bounds_order", f"min ({self.min}) is greater than max ({self.max}). Fix: swap them"
            )
        return self


class RegexArguments(_Strict):
    """``matches_regex``: the string matches ``pattern`` (Java regex, as Spark's ``rlike``)."""

    pattern: str = Field(min_length=1)
    full_match: bool = True


class _IntBounds(_Strict):
    """Optional non-negative ``min`` / ``max``: at least one given, and ``min <= max``."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> _IntBounds:
        if self.min is None and self.max is None:
            raise PydanticCustomError("no_bound", "give at least one of 'min' or 'max'. Fix: add min and/or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError(
                "bounds_order", f"min ({self.min}) is greater than max ({self.max}). Fix: swap them"
            )
        return self


class LengthArguments(_IntBounds):
    """``length_between``: string length within ``[min, max]``."""


class ParseableArguments(_Strict):
    """``parseable_date`` / ``parseable_timestamp``: the string parses with ``format`` (Spark datetime pattern)."""

    format: str | None = Field(default=None, min_length=1)


class NotInFutureArguments(_Strict):
    """``not_in_future``: the date/timestamp is not after now plus ``tolerance_s`` seconds."""

    tolerance_s: FiniteFloat = Field(default=0, ge=0)


class MaxAgeArguments(_Strict):
    """``max_age``: the newest value of the column is at most ``max_age_s`` seconds old (freshness)."""

    max_age_s: FiniteFloat = Field(gt=0)


class ReferentialArguments(_Strict):
    """``referential``: every non-null value exists in ``reference_table``.``reference_column``."""

    reference_table: str = Field(min_length=1)
    reference_column: str = Field(min_length=1)


class RowCountArguments(_IntBounds):
    """``row_count_between``: the dataset has between ``min`` and ``max`` rows."""


class ExpectedSchemaArguments(_Strict):
    """``expected_schema``: these columns exist with these Spark SQL types; extra columns allowed unless ``strict``."""

    columns: dict[str, Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    strict: bool = False


class SqlExpressionArguments(_Strict):
    """``sql_expression``: a single boolean Spark SQL expression that must be true for a valid row.

    Only one expression is accepted (see :func:`~databricks_utils.quality.sql_safety.validate_sql_expression`):
    no ``;``, comments, subqueries or statement keywords.
    """

    expression: str = Field(min_length=1)

    @field_validator("expression")
    @classmethod
    def _one_safe_expression(cls, value: str) -> str:
        problem = sql_expression_problem(value)
        if problem is not None:
            raise PydanticCustomError("unsafe_sql_expression", problem)
        return value


CHECK_ARGUMENTS: Final[dict[str, type[BaseModel]]] = {
    "not_null": NoArguments,
    "not_empty": NotEmptyArguments,
    "unique": NoArguments,
    "in_set": InSetArguments,
    "in_range": InRangeArguments,
    "matches_regex": RegexArguments,
    "length_between": LengthArguments,
    "parseable_date": ParseableArguments,
    "parseable_timestamp": ParseableArguments,
    "not_in_future": NotInFutureArguments,
    "max_age": MaxAgeArguments,
    "referential": ReferentialArguments,
    "row_count_between": RowCountArguments,
    "no_duplicate_rows": NoArguments,
    "expected_schema": ExpectedSchemaArguments,
    "sql_expression": SqlExpressionArguments,
}
_NEEDS_COLUMN: Final[frozenset[str]] = frozenset(ROW_CHECKS - {"sql_expression"} | {"max_age", "referential"})
_TAKES_NO_COLUMN: Final[frozenset[str]] = frozenset({"row_count_between", "no_duplicate_rows", "expected_schema"})


def _argument_problems(err: ValidationError, *, check: str, model: type[BaseModel]) -> list[InitErrorDetails]:
    """The errors of a check's arguments, with unknown and missing arguments said in the check's terms."""
    takes = sorted(model.model_fields)
    offered = f"{check} takes {', '.join(takes)}" if takes else f"{check} takes no arguments: remove 'arguments'"
    problems: list[InitErrorDetails] = []
    for detail in err.errors(include_url=False):
        loc = detail["loc"]
        if detail["type"] == "extra_forbidden" and len(loc) == 1:
            hint = did_you_mean(str(loc[0]), takes)
            message = f"unknown argument '{loc[0]}' for check '{check}'{hint}. Fix: rename or remove it; {offered}"
        elif detail["type"] == "missing" and len(loc) == 1:
            message = (
                f"missing required argument '{loc[0]}' for check '{check}'. Fix: add '{loc[0]}: ...' under arguments"
            )
        else:
            message = detail["msg"]
        problems.append(_as_problem(detail, message))
    return problems


def _shape_problems(data: object) -> list[InitErrorDetails]:
    """Column/columns problems, found on the raw input so they are reported with any field errors."""
    if not isinstance(data, Mapping) or data.get("check") not in CHECK_ARGUMENTS:
        return []
    found = _shape_problem(data["check"], column=data.get("column"), columns=data.get("columns"))
    return [] if found is None else [_problem((found[0],), found[1], found[2], data.get(found[0]))]


def _shape_problem(check: str, *, column: object, columns: object) -> tuple[str, str, str] | None:
    """``(field, error type, message)`` of what is wrong with a rule's column/columns, if anything."""
    given = "column" if column is not None else "columns" if columns is not None else None
    if column is not None and columns is not None:
        found = ("columns", "column_conflict", "give either 'column' or 'columns', not both. Fix: keep one")
    elif check in _TAKES_NO_COLUMN and given is not None:
        message = f"check '{check}' applies to the whole dataset and reads no '{given}'. Fix: remove '{given}'"
        found = (given, "column_not_allowed", message)
    elif check in _NEEDS_COLUMN and given == "columns":
        message = f"check '{check}' takes one 'column', not 'columns'. Fix: write 'column: <name>', one rule per column"
        found = ("columns", "single_column", message)
    elif check in _NEEDS_COLUMN and given is None:
        found = ("column", "column_missing", f"check '{check}' needs a 'column'. Fix: add 'column: <name>'")
    elif check == "unique" and given is None:
        found = ("column", "column_missing", "check 'unique' needs 'column' or 'columns'. Fix: add the key column(s)")
    else:
        return None
    return found


def _per_check_arguments(schema: dict[str, Any]) -> None:
    """JSON schema: each check's ``arguments`` described by its own model (``if check == x then ...``)."""
    schema["allOf"] = [
        {
            "if": {"properties": {"check": {"const": check}}, "required": ["check"]},
            "then": {"properties": {"arguments": model.model_json_schema()}},
        }
        for check, model in CHECK_ARGUMENTS.items()
    ]


class Provenance(_Strict):
    """Who or what proposed a rule and why, so a reviewer can judge it."""

    source: Literal["human", "profiler", "llm", "dqx"] = "human"
    evidence: str | None = None
    confidence: FiniteFloat | None = Field(default=None, ge=0, le=1)


class Rule(_Strict):
    """One data-quality rule.

    ``metadata`` holds free-form labels (owner, category...) carried to reports and to DQX ``user_metadata``.

    Example:
        >>> Rule(name="amount_positive", check="in_range", column="amount", arguments={"min": 0}).args.min
        0
    """

    model_config = ConfigDict(json_schema_extra=_per_check_arguments)

    name: str = Field(json_schema_extra={"pattern": NAME_PATTERN, "minLength": 1})
    check: CheckName
    column: str | None = Field(default=None, min_length=1)
    columns: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict, validate_default=True)
    criticality: Criticality = "error"
    description: str | None = None
    provenance: Provenance | None = None
    metadata: dict[str, str] | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ModelWrapValidatorHandler[Rule]) -> Rule:
        return _with_problems(cls, data, handler, _shape_problems(data))

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.match(NAME_PATTERN, value):
            raise PydanticCustomError(
                "rule_name",
                "must start with a letter or '_' and hold only letters, digits and '_' (it names columns and "
                "constraints). Fix: e.g. 'amount_in_range'",
            )
        return value

    @field_validator("check", mode="before")
    @classmethod
    def _known_check(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in CHECK_ARGUMENTS:
            hint = did_you_mean(value, CHECK_ARGUMENTS)
            fix = "use the suggested name" if hint else f"use one of {', '.join(sorted(CHECK_ARGUMENTS))}"
            raise PydanticCustomError("unknown_check", f"unknown check '{value}'{hint}. Fix: {fix}")
        return value

    @field_validator("columns")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise PydanticCustomError("columns_repeated", "columns must be distinct. Fix: remove the repeated name")
        return value

    @field_validator("arguments")
    @classmethod
    def _check_arguments(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        check = info.data.get("check")
        if check is None:
            return value  # the check itself is invalid and reported; its arguments cannot be judged
        model = CHECK_ARGUMENTS[check]
        try:
            model.model_validate(value)
        except ValidationError as err:
            # Raised from a field validator, these errors are placed under 'arguments' (arguments.min...).
            raise ValidationError.from_exception_data(
                cls.__name__, _argument_problems(err, check=check, model=model)
            ) from None
        return value

    @property
    def args(self) -> Any:
        """The arguments parsed into the check's own model (e.g. :class:`InRangeArguments`)."""
        return CHECK_ARGUMENTS[self.check].model_validate(self.arguments)

    @property
    def target_columns(self) -> list[str]:
        """The columns the rule reads: ``[column]``, ``columns``, or ``[]`` for dataset-wide checks."""
        if self.column is not None:
            return [self.column]
        return list(self.columns or [])

    @property
    def is_row_level(self) -> bool:
        """True when the check is decided per row (and can quarantine rows)."""
        return self.check in ROW_CHECKS


def _duplicate_names(data: object) -> list[InitErrorDetails]:
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        return []
    first: dict[str, int] = {}
    problems: list[InitErrorDetails] = []
    for index, item in enumerate(data["rules"]):
        name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", None)
        if not isinstance(name, str):
            continue
        if name in first:
            message = (
                f"rule name '{name}' is already used by rules[{first[name]}]; names must be unique. Fix: rename one"
            )
            problems.append(_problem(("rules", index, "name"), "duplicate_name", message, name))
        else:
            first[name] = index
    return problems


class RuleSet(_Strict):
    """A rules file: a format version and the rules, with unique names.

    Example:
        >>> RuleSet(rules=[{"name": "id_present", "check": "not_null", "column": "id"}]).rules[0].criticality
        'error'
    """

    model_config = ConfigDict(
        title="Data-quality rules",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    version: Literal[1] = 1
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ModelWrapValidatorHandler[RuleSet]) -> RuleSet:
        return _with_problems(cls, data, handler, _duplicate_names(data))
