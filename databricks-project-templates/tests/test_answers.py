"""check_answers: every rule that protects a render, one problem per line with the fix."""

import pytest

from databricks_project_templates.answers import check_answers, choices_of

GOOD = {
    "project_name": "Orders Pipeline",
    "project_slug": "orders-pipeline",
    "package_name": "orders_pipeline",
    "description": "It's a pipeline",
    "owner": "Data Team",
    "owner_email": "team@example.com",
    "catalog_lab": "lab",
    "catalog_dev": "dev",
    "catalog_prod": "main_prod",
    "databricks_utils_source": "",
}


def test_good_answers_have_no_problem():
    assert check_answers(GOOD) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"project_name": "  "}, "project_name is empty"),
        ({"project_name": "../../etc"}, "project_name '../../etc' contains a path separator or '..'"),
        ({"project_name": "a/b"}, "contains a path separator"),
        ({"project_name": "tab\there"}, "control character"),
        ({"project_slug": "../evil"}, "project_slug '../evil' is not a valid folder/bundle name"),
        ({"project_slug": "Orders"}, "project_slug 'Orders' is not a valid"),
        ({"project_slug": "orders-"}, "not ending with '-'"),
        ({"project_slug": "x" * 51}, "2-50 characters"),
        (
            {"package_name": "class"},
            "package_name 'class' is a Python keyword. Fix: pick another name, e.g. 'class_pipeline'",
        ),
        ({"package_name": "match"}, "is a Python keyword"),
        ({"package_name": "json"}, "package_name 'json' would shadow the module 'json'"),
        ({"package_name": "pipelines"}, "would shadow the module 'pipelines'"),
        ({"package_name": "orders-pipeline"}, "is not a valid Python package name"),
        ({"package_name": "1orders"}, "is not a valid Python package name"),
        ({"catalog_dev": "select"}, "catalog_dev 'select' is a reserved SQL word"),
        ({"catalog_prod": "prod-1"}, "catalog_prod 'prod-1' is not a valid catalog name"),
        ({"owner_email": "nobody"}, "owner_email 'nobody' is not an e-mail address"),
        ({"description": 'say "hi"'}, "description 'say \"hi\"' contains a double quote"),
        ({"owner": "a\\b"}, "contains a double quote, a backslash or a control character"),
        (
            {"databricks_utils_source": "/nowhere"},
            "databricks_utils_source '/nowhere' is neither a databricks-utils wheel",
        ),
        ({"databricks_utils_source": "/it's"}, "contains a quote"),
    ],
)
def test_each_rule_names_the_answer_and_the_fix(change, message):
    problems = check_answers({**GOOD, **change})
    assert len(problems) == 1, problems
    assert message in problems[0]
    assert "Fix:" in problems[0]


def test_every_problem_is_reported_at_once():
    problems = check_answers({**GOOD, "package_name": "class", "catalog_dev": "from", "owner_email": "x"})
    assert len(problems) == 3


def test_choices_are_checked_against_the_template():
    choices = choices_of({"cloud": ["aws", "azure"], "_extensions": ["x"], "name": "n"})
    assert choices == {"cloud": ["aws", "azure"]}
    assert check_answers({**GOOD, "cloud": "oracle"}, choices=choices) == [
        "cloud 'oracle' is not one of aws, azure. Fix: pick one of them"
    ]


def test_a_source_may_be_a_checkout_folder_or_a_wheel(tmp_path):
    folder = tmp_path / "databricks-shared-utilities"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'databricks-utils'\n", encoding="utf-8")
    wheel = tmp_path / "databricks_utils-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    assert check_answers({**GOOD, "databricks_utils_source": str(folder)}) == []
    assert check_answers({**GOOD, "databricks_utils_source": str(wheel)}) == []
