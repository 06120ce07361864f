"""The rule catalogue: 30+ rules, unique IDs and names, complete docs, and each spec's own examples hold."""

import re

import pytest

from databricks_ai_agents.lint import review_text
from databricks_ai_agents.lint.model import Category
from databricks_ai_agents.lint.rules import all_rules

RULES = [rule for rule in all_rules() if rule.id != "DBA001"]


def test_there_are_at_least_30_rules_in_every_category():
    assert len(RULES) >= 30
    categories = {rule.spec.category for rule in RULES}
    assert categories == set(Category) - {Category.GENERAL}


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_rule_is_documented(rule):
    spec = rule.spec
    assert re.fullmatch(r"DBA\d{3}", spec.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", spec.name)
    hundreds = {"0": Category.GENERAL, "1": Category.PERFORMANCE, "2": Category.CORRECTNESS}
    hundreds |= {"3": Category.DATABRICKS, "4": Category.CONVENTIONS, "5": Category.TESTABILITY}
    assert hundreds[spec.id[3]] is spec.category
    assert len(spec.rationale) >= 120, "the rationale is a paragraph saying why"
    assert spec.fix.strip() and spec.summary.strip()
    assert (rule.check is None) + (rule.check_project is None) >= 1


def in_a_spark_file(example):
    """The examples are snippets; the rules that need it learn from an import that the file uses Spark."""
    if example.startswith("# Databricks notebook source"):
        return example + "\n"
    return "import pyspark\n\n" + example + "\n"


@pytest.mark.parametrize("rule", [r for r in RULES if r.check is not None], ids=lambda r: r.id)
def test_every_rule_flags_its_flagged_example_and_not_its_clean_one(rule):
    spec = rule.spec
    flagged = [f for f in review_text(in_a_spark_file(spec.flagged), path=spec.example_path) if f.rule == spec.id]
    clean = [f for f in review_text(in_a_spark_file(spec.clean), path=spec.example_path) if f.rule == spec.id]
    assert flagged, f"{spec.id}: its flagged example is not flagged"
    assert clean == [], f"{spec.id}: its clean example is flagged: {clean}"
    compile(spec.flagged, "<flagged>", "exec")
    compile(spec.clean, "<clean>", "exec")
