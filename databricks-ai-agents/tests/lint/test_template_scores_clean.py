"""Projects rendered by our own template score clean: no finding at all from any rule, score 100."""

import pytest

from databricks_ai_agents.lint import QualityConfig, review
from databricks_project_templates.render import render_template

VARIANTS = {
    "defaults": {},
    "every-switch-on": {
        "project_name": "Shop Events",
        "streaming_ingestion": "yes",
        "ml_feature_table": "yes",
        "dashboard": "yes",
        "databricks_app": "yes",
        "compute": "classic",
    },
}


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_a_rendered_project_has_no_errors_or_warnings(tmp_path, answers):
    project = render_template("databricks-pipeline", tmp_path, answers)
    report = review([project], config=QualityConfig())
    assert len(report.files) >= 15, [f.path for f in report.files]
    assert report.skipped == []
    found = [f"{f.path}:{f.line} {f.rule} {f.message}" for f in report.findings]
    assert found == []
    assert report.counts == {"error": 0, "warning": 0, "info": 0}
    assert report.score == 100.0
