"""The template registry: manifests, options, lookups with suggestions."""

import pytest

from databricks_project_templates import (
    TemplateError,
    TemplateNotFoundError,
    get_template,
    list_templates,
    registry,
    template_path,
)


def test_the_pipeline_template_is_listed_with_its_manifest_and_options():
    [template] = [t for t in list_templates() if t.name == "databricks-pipeline"]
    assert template.version == "0.1.0"
    assert "medallion" in template.tags
    assert template.description.startswith("Medallion pipeline")
    assert template.when_to_use
    assert template_path("databricks-pipeline") == template.path
    assert (template.path / "cookiecutter.json").is_file()
    names = template.option_names
    assert names[:3] == ("project_name", "project_slug", "package_name")
    assert not any(name.startswith("_") for name in names)
    compute = template.option("compute")
    assert (compute.default, compute.choices) == ("serverless", ("serverless", "classic"))
    assert template.option("project_slug").derived
    assert template.option("catalog_dev").prompt == "Unity Catalog catalog for the dev target"


def test_unknown_names_suggest_the_closest():
    with pytest.raises(
        TemplateNotFoundError, match=r"no template named 'databricks-pipelin' \(did you mean 'databricks-pipeline'\?\)"
    ):
        get_template("databricks-pipelin")
    with pytest.raises(TemplateError, match=r"has no option 'computer' \(did you mean 'compute'\?\)"):
        get_template("databricks-pipeline").option("computer")


def test_a_broken_template_folder_is_reported_as_a_packaging_problem(tmp_path):
    (tmp_path / "template.yaml").write_text("name: x\n", encoding="utf-8")  # no version, no cookiecutter.json
    with pytest.raises(TemplateError, match=r"is broken .*Fix: reinstall databricks-project-templates"):
        registry._load(tmp_path)
