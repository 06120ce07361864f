"""The template agent's rules: the description chooses answers, each with its reason; --set wins."""

import pytest

from databricks_ai_agents.agents.template_agent import TemplateRequest, project_name, propose


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("daily sales pipeline from CSV with a dashboard", {"source_format": "csv", "dashboard": "yes"}),
        (
            "Clickstream events from Kafka into gold tables on Azure, classic clusters",
            {"streaming_ingestion": "yes", "cloud": "azure", "compute": "classic"},
        ),
        (
            "churn features from parquet files in S3, no dashboard",
            {"source_format": "parquet", "ml_feature_table": "yes", "dashboard": "no", "cloud": "aws"},
        ),
        (
            "orders JSON landing nightly, serverless, with a web app",
            {"source_format": "json", "streaming_ingestion": "no", "compute": "serverless", "databricks_app": "yes"},
        ),
    ],
)
def test_keywords_choose_answers_and_say_why(description, expected):
    proposal = propose(TemplateRequest(description=description))
    for key, value in expected.items():
        assert proposal.answers[key] == value, key
        assert proposal.reasons[key].startswith("the description says")
    assert proposal.answers["description"][0].isupper()
    assert proposal.template == "databricks-pipeline"


def test_what_the_description_does_not_say_is_left_to_the_template():
    proposal = propose(TemplateRequest(description="build a new pipeline"))
    assert proposal.answers == {"description": "Build a new pipeline"}
    assert "cloud" not in proposal.answers


def test_user_overrides_win_and_the_template_can_be_chosen():
    request = TemplateRequest(description="sales from csv", template="other", overrides={"source_format": "json"})
    proposal = propose(request)
    assert proposal.answers["source_format"] == "json"
    assert proposal.reasons["source_format"] == "set by you (--set)"
    assert (proposal.template, proposal.reasons["template"]) == ("other", "chosen by you (--template)")


@pytest.mark.parametrize(
    ("description", "name"),
    [
        ("daily sales pipeline from CSV", "Daily Sales"),
        ("Build an ETL for IoT sensor readings", ""),  # no name before the stop word: the template default applies
        ("IoT sensor readings into Delta", "IoT Sensor Readings"),
        ("pipeline", ""),
        ("a new pipeline", ""),
    ],
)
def test_project_name_takes_the_leading_words(description, name):
    assert project_name(description) == name


def test_quotes_never_reach_the_description_answer():
    proposal = propose(TemplateRequest(description='sales "gold" \\ report'))
    assert proposal.answers["description"] == "Sales gold report"
