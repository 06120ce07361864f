"""Refuse bad answers before the project is written; the checks are databricks_project_templates.answers."""

import json
import sys
from pathlib import Path

TEMPLATE_DIR = Path(r"""{{ cookiecutter._repo_dir }}""")
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# The template ships inside the databricks_project_templates package: import its checks from there,
# ahead of any other installed version.
sys.path.insert(0, str(TEMPLATE_DIR.parents[2]))

from databricks_project_templates.answers import check_answers, choices_of  # noqa: E402

template_variables = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
problems = check_answers(ANSWERS, choices=choices_of(template_variables))
if problems:
    sys.stderr.write("databricks-pipeline: the answers have problems; nothing was written:\n")
    sys.stderr.writelines(f"  - {problem}\n" for problem in problems)
    sys.exit(1)
