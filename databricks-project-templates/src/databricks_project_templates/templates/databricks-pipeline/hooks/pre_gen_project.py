"""Refuse bad answers before the project is written; the checks are databricks_project_templates.answers."""

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

TEMPLATE_DIR = Path(r"""{{ cookiecutter._repo_dir }}""")
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")


def package_module(name: str) -> ModuleType:
    """A module of the package this template ships in, loaded by path.

    The module is standard library only; skipping the package's __init__ (which imports databricks-utils)
    keeps the hook fast and working in any Python that runs cookiecutter.
    """
    spec = importlib.util.spec_from_file_location(f"_template_{name}", TEMPLATE_DIR.parents[1] / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"{name}.py is missing next to the templates folder: reinstall databricks-project-templates")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


answers = package_module("answers")
template_variables = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
problems = answers.check_answers(ANSWERS, choices=answers.choices_of(template_variables))
if problems:
    sys.stderr.write("databricks-pipeline: the answers have problems; nothing was written:\n")
    sys.stderr.writelines(f"  - {problem}\n" for problem in problems)
    sys.exit(1)
