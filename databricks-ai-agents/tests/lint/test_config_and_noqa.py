"""`# noqa` comments and `[tool.databricks-agent.quality]` in pyproject.toml."""

import pytest

from databricks_ai_agents.lint import QualityConfig, QualityConfigError, load_config, review
from databricks_ai_agents.lint.rules import all_rules
from databricks_ai_agents.lint.suppressions import ALL, noqa_codes

CODE = "import pyspark\nif df.count() == 0:{noqa}\n    pass\n"
KNOWN = {rule.id for rule in all_rules()}


@pytest.mark.parametrize(
    ("noqa", "suppressed"),
    [
        ("  # noqa: DBA102", True),
        ("  # noqa:DBA102,DBA101", True),
        ("  # NOQA: dba102", True),
        ("  # noqa", True),
        ("  # noqa: DBA101", False),
        ("  # noqa: E501", False),
        ("", False),
    ],
)
def test_noqa_silences_the_named_rule_on_its_line(tmp_path, noqa, suppressed):
    path = tmp_path / "job.py"
    path.write_text(CODE.format(noqa=noqa), encoding="utf-8")
    found = [f.rule for f in review([path], config=QualityConfig()).findings]
    assert ("DBA102" not in found) is suppressed


def test_noqa_codes_parses_lists():
    assert noqa_codes("x  # noqa: DBA1, DBA205 trailing words") == frozenset({"DBA1", "DBA205"})
    assert noqa_codes("x  # noqa") == ALL
    assert noqa_codes("x = 'no qa here'") == frozenset()


def write_project(tmp_path, table):
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'p'\n\n[tool.databricks-agent.quality]\n{table}\n")
    return tmp_path / "pyproject.toml"


def test_select_ignore_severity_and_per_path_ignores(tmp_path):
    pyproject = write_project(
        tmp_path,
        'select = ["performance", "DBA001"]\nignore = ["DBA101"]\nseverity = { DBA102 = "error" }\n'
        'per-path-ignores = { "legacy/**" = ["DBA102"] }\nfail-on = "warning"',
    )
    config = load_config(pyproject, known_rules=KNOWN)
    assert config.fail_on == "warning"
    assert config.enabled("DBA102", "performance")
    assert not config.enabled("DBA101", "performance")
    assert not config.enabled("DBA401", "conventions")
    (tmp_path / "legacy").mkdir()
    for name in ("job.py", "legacy/old.py"):
        (tmp_path / name).write_text(CODE.format(noqa=""), encoding="utf-8")
    report = review([tmp_path], config=config)
    by_file = {f.path.rsplit("/", 1)[-1]: f.findings for f in report.files}
    assert [(f.rule, f.severity.value) for f in by_file["job.py"]] == [("DBA102", "error")]
    assert by_file["old.py"] == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('select = ["DBA9999"]', "unknown rule or category DBA9999"),
        ('ignore = ["perfomance"]', "unknown rule or category PERFOMANCE|perfomance"),
        ('severity = { DBA102 = "fatal" }', "severity.DBA102"),
        ("sellect = []", "sellect"),
        ('fail-on = "always"', "fail-on|fail_on"),
    ],
)
def test_a_bad_config_names_the_file_and_the_field(tmp_path, table, message):
    pyproject = write_project(tmp_path, table)
    with pytest.raises(QualityConfigError, match=message) as caught:
        load_config(pyproject, known_rules=KNOWN)
    assert str(pyproject) in str(caught.value)


def test_bad_toml_is_a_clear_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool\n", encoding="utf-8")
    with pytest.raises(QualityConfigError, match="cannot read it as TOML"):
        load_config(tmp_path / "pyproject.toml", known_rules=KNOWN)


def test_no_table_means_the_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n", encoding="utf-8")
    config = load_config(tmp_path / "pyproject.toml", known_rules=KNOWN)
    assert config.select == ["ALL"]
    assert config.source == str(tmp_path / "pyproject.toml")


def test_command_line_choices_go_on_top_of_the_file():
    config = QualityConfig(ignore=["DBA4"], fail_on="error")
    merged = config.merged(select=["DBA1"], ignore=["DBA102"], fail_on="never")
    assert (merged.select, merged.ignore, merged.fail_on) == (["DBA1"], ["DBA4", "DBA102"], "never")
