"""Delete what the answers switched off, and any bytecode caches; the list is databricks_project_templates.pruning."""

import json
import shutil
import sys
from pathlib import Path

TEMPLATE_DIR = Path(r"""{{ cookiecutter._repo_dir }}""")
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

sys.path.insert(0, str(TEMPLATE_DIR.parents[2]))

from databricks_project_templates.pruning import CACHE_DIRS, paths_to_prune  # noqa: E402

project = Path.cwd()
doomed = [match for pattern in paths_to_prune(ANSWERS) for match in project.glob(pattern)]
doomed += [cache for name in CACHE_DIRS for cache in project.rglob(name)]
for path in doomed:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
