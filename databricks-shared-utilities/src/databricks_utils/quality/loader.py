"""Load, parse and dump data-quality rules files, reporting every problem at once with file and line.

A rules file is ``version: 1`` plus a ``rules:`` list (see :mod:`databricks_utils.quality.model`); a bare
top-level list of rules is accepted too. Every problem of a file is reported in one :class:`RuleError`,
one line each, in file order::

    rules.yml:7: rules[1] 'amount_in_range': arguments.mn: unknown argument 'mn' for check 'in_range'
    (did you mean 'min'?). Fix: rename or remove it; in_range takes max, max_inclusive, min, min_inclusive

:func:`dump_rules` writes the canonical form back (stable key order); ``parse_rules(dump_rules(rs)) == rs``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality._yaml_tree import (
    DuplicateKey,
    YamlPath,
    YamlTree,
    dotted,
    dump_yaml,
    parse_tree,
    read_tree,
)
from databricks_utils.quality.model import Rule, RuleSet

logger = logging.getLogger(__name__)

_MAX_SHOWN = 60
_FIXES: dict[str, str] = {
    "missing": "Fix: add it",
    "literal_error": "Fix: use one of the values listed",
    "model_type": "Fix: give it name, check, column and arguments keys (see the rules format)",
    "list_type": "Fix: write a YAML list ('- item' lines or [a, b])",
    "dict_type": "Fix: write a mapping ('key: value' lines or {key: value})",
}


def load_rules(path: str | os.PathLike[str]) -> RuleSet:
    """Read and validate a rules file.

    Args:
        path: The YAML file (``data_validation/rules.yml``).

    Returns:
        The validated rule set.

    Raises:
        RuleFileNotFoundError: The file does not exist.
        RuleError: The file cannot be read or parsed, or its rules are invalid; the message lists every
            problem, one per line, as ``<file>:<line>: rules[<i>] '<name>': <field>: <problem>. Fix: ...``.

    Example:
        >>> load_rules("data_validation/rules.yml").rules[0].name  # doctest: +SKIP
        'order_id_present'
    """
    label = os.fspath(path)
    ruleset = _validated(read_tree(Path(path), label=label, what="rules file"), label=label)
    logger.debug("Loaded %d rules from %s", len(ruleset.rules), label)
    return ruleset


def parse_rules(text: str, *, source: str = "<string>") -> RuleSet:
    """Validate rules written as YAML text; see :func:`load_rules`.

    Args:
        text: The YAML document.
        source: How to name the text in messages (a file name, ``<string>``).

    Returns:
        The validated rule set.

    Raises:
        RuleError: Invalid YAML or invalid rules; every problem is listed, one per line.

    Example:
        >>> parse_rules("- {name: id_present, check: not_null, column: id}").rules[0].check
        'not_null'
    """
    return _validated(parse_tree(text, label=source), label=source)


def dump_rules(ruleset: RuleSet) -> str:
    """Write a rule set as YAML in the canonical order (version, then each rule's fields in model order).

    Default-valued optional fields are left out except ``criticality``, which reviewers look for.

    Args:
        ruleset: The rules to write.

    Returns:
        YAML text that :func:`parse_rules` reads back to an equal rule set.

    Example:
        >>> print(dump_rules(RuleSet(rules=[Rule(name="id_present", check="not_null", column="id")])), end="")
        version: 1
        rules:
        - name: id_present
          check: not_null
          column: id
          criticality: error
    """
    document = {"version": ruleset.version, "rules": [_rule_data(rule) for rule in ruleset.rules]}
    return dump_yaml(document)


def _rule_data(rule: Rule) -> dict[str, object]:
    data: dict[str, object] = {"name": rule.name, "check": rule.check}
    if rule.column is not None:
        data["column"] = rule.column
    if rule.columns is not None:
        data["columns"] = list(rule.columns)
    if rule.arguments:
        data["arguments"] = _plain(rule.arguments)
    data["criticality"] = rule.criticality
    if rule.description is not None:
        data["description"] = rule.description
    if rule.provenance is not None:
        data["provenance"] = rule.provenance.model_dump(exclude_none=True)
    if rule.metadata is not None:
        data["metadata"] = dict(rule.metadata)
    return data


def _plain(value: object) -> object:
    """Tuples and other sequences/mappings as lists/dicts, which YAML's safe dumper writes."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _validated(tree: YamlTree, *, label: str) -> RuleSet:
    tree = _as_ruleset_tree(tree, label=label)
    problems = [_duplicate_key_problem(tree, duplicate, label) for duplicate in tree.duplicates]
    try:
        ruleset = RuleSet.model_validate(tree.data)
    except ValidationError as err:
        problems += [_describe(detail, tree, label=label) for detail in err.errors(include_url=False)]
        raise RuleError(_joined(problems)) from err
    if problems:
        raise RuleError(_joined(problems))
    return ruleset


def _joined(problems: list[tuple[int, str]]) -> str:
    # Sorted by line, so problems read top to bottom as the user will fix them (sorted() is stable).
    return "\n".join(message for _, message in sorted(problems, key=lambda problem: problem[0]))


def _as_ruleset_tree(tree: YamlTree, *, label: str) -> YamlTree:
    """The tree of a ``{version, rules}`` mapping: an empty file is ``{}``, a bare list goes under ``rules``."""
    if tree.data is None:
        return YamlTree(data={})
    if isinstance(tree.data, list):
        return YamlTree(
            data={"rules": tree.data},
            lines={("rules", *path): line for path, line in tree.lines.items()},
            duplicates=tuple(replace(d, path=("rules", *d.path)) for d in tree.duplicates),
            top_kind=tree.top_kind,
        )
    if isinstance(tree.data, dict):
        return tree
    raise RuleError(
        f"{label}:1: the top level must be a mapping with 'version: 1' and 'rules:', or a list of rules; got "
        f"{tree.top_kind}. Fix: start the file with 'version: 1' and 'rules:'"
    )


def _duplicate_key_problem(tree: YamlTree, duplicate: DuplicateKey, label: str) -> tuple[int, str]:
    where, field = _rule_part(duplicate.path, tree)
    message = (
        f"{label}:{duplicate.line}: {where}duplicate key '{field}' (first at line {duplicate.first_line}); YAML "
        "would keep only the last. Fix: delete or merge one of them"
    )
    return duplicate.line, message


def _rule_part(path: YamlPath, tree: YamlTree) -> tuple[str, str]:
    """``("rules[2] 'name': ", "arguments.min")`` for a path inside a rule, ``("", "version")`` outside."""
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):  # noqa: PLR2004 - ("rules", i)
        index = path[1]
        rules = tree.data.get("rules") if isinstance(tree.data, dict) else None
        item = rules[index] if isinstance(rules, list) and index < len(rules) else None
        name = item.get("name") if isinstance(item, dict) else None
        label = f"rules[{index}] '{name}'" if isinstance(name, str) else f"rules[{index}]"
        return f"{label}: ", dotted(path[2:])
    return "", dotted(path)


def _describe(detail: ErrorDetails, tree: YamlTree, *, label: str) -> tuple[int, str]:
    """One pydantic error as ``<file>:<line>: rules[i] 'name': <field>: <problem>. Fix: ...``."""
    path: YamlPath = tuple(detail["loc"])
    line = tree.line_of(path)
    if detail["type"] == "duplicate_name":
        line = tree.line_of((*path[:-1], "name")) or line
    where, field = _rule_part(path, tree)
    problem = _problem_text(detail, tree)
    prefix = f"{label}:{line}" if line is not None else label
    subject = f"{field}: " if field else ""
    return line or 0, f"{prefix}: {where}{subject}{problem}"


def _problem_text(detail: ErrorDetails, tree: YamlTree) -> str:
    return _with_first_line(problem_text(detail), detail, tree)


def problem_text(detail: ErrorDetails) -> str:
    """A pydantic error as ``<problem>, got <value>. Fix: ...`` (the model's own messages already hold a fix).

    Example:
        >>> problem_text({"type": "literal_error", "loc": ("criticality",), "msg": "Input should be 'error' or 'warn'",
        ...               "input": "fatal"})
        "must be 'error' or 'warn', got 'fatal'. Fix: use one of the values listed"
    """
    message = " ".join(detail["msg"].split())
    if "Fix:" in message:
        return message
    if detail["type"] == "model_type":
        message = "must be a rule written as 'key: value' lines"
    message = message.replace("Input should be", "must be").replace("Field required", "is required")
    if detail["type"] != "missing" and not isinstance(detail["input"], dict | list):
        message += f", got {_shown(detail['input'])}"
    return f"{message}. {_FIXES.get(detail['type'], 'Fix: correct the value')}"


def _with_first_line(message: str, detail: ErrorDetails, tree: YamlTree) -> str:
    """Add the line of the first rule to a duplicate-name message, so both places are named."""
    if detail["type"] != "duplicate_name" or not isinstance(detail["input"], str):
        return message
    rules = tree.data.get("rules") if isinstance(tree.data, dict) else None
    for index, item in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(item, dict) and item.get("name") == detail["input"]:
            first = tree.line_of(("rules", index, "name"))
            return message.replace(f"rules[{index}];", f"rules[{index}] at line {first};", 1)
    return message  # pragma: no cover - a duplicate always has a first occurrence


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
