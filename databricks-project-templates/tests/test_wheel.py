"""The built wheel carries the templates with their dotfiles and without tool caches (real `uv build`)."""

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATE = "databricks_project_templates/templates/databricks-pipeline/"
PROJECT = TEMPLATE + "{{cookiecutter.project_slug}}/"


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH: install it with `python3 -m pip install uv` (make does)")
    out = tmp_path_factory.mktemp("dist")
    # A cache folder inside the template, as an editable install or a lint run can leave: it must not ship.
    stray = PACKAGE / "src" / PROJECT / "pipelines" / "__pycache__"
    stray.mkdir(exist_ok=True)
    (stray / "junk.cpython-311.pyc").write_bytes(b"\0")
    try:
        subprocess.run([uv, "build", "--wheel", "--out-dir", str(out), str(PACKAGE)], check=True, capture_output=True)
    finally:
        shutil.rmtree(stray)
    [wheel] = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_template_and_its_dotfiles_ship(wheel_names):
    for name in [
        TEMPLATE + "cookiecutter.json",
        TEMPLATE + "template.yaml",
        TEMPLATE + "local_extensions.py",
        TEMPLATE + "hooks/pre_gen_project.py",
        PROJECT + ".gitignore",
        PROJECT + ".databricks-template.json",
        PROJECT + ".github/workflows/ci.yml",
        PROJECT + ".gitlab-ci.yml",
        PROJECT + "data/sample/orders_2024-06-01.parquet",
        "databricks_project_templates/py.typed",
    ]:
        assert name in wheel_names, name


def test_no_cache_ships(wheel_names):
    assert not [name for name in wheel_names if "__pycache__" in name or "_cache/" in name]
