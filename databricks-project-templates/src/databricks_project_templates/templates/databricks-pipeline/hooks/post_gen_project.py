"""Delete what the answers switched off, and tool caches; the list is databricks_project_templates.pruning."""

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

TEMPLATE_DIR = Path(r"""{{ cookiecutter._repo_dir }}""")
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")


def package_module(name: str) -> ModuleType:
    """A module of the package this template ships in, loaded by path (see pre_gen_project.py)."""
    spec = importlib.util.spec_from_file_location(f"_template_{name}", TEMPLATE_DIR.parents[1] / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"{name}.py is missing next to the templates folder: reinstall databricks-project-templates")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pruning = package_module("pruning")
project = Path.cwd()
doomed = [match for pattern in pruning.paths_to_prune(ANSWERS) for match in project.glob(pattern)]
doomed += [cache for name in pruning.CACHE_DIRS for cache in project.rglob(name)]
for path in doomed:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
