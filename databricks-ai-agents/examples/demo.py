"""`make demo`: from a one-line idea to a pipeline that ran, on this machine, in a few minutes.

1. `databricks-agent init "<idea>" --no-input` picks the template and its answers (shown with why) and renders
   the project into build/demo/.
2. The generated project's own `make install`, `make run` (bronze -> silver + quarantine -> gold on its sample
   data, local Spark and Delta) and `make test`.
3. Where the tables, the quarantined rows and the reports are.

Everything runs offline; with ANTHROPIC_API_KEY set, init also asks Claude (answers validated).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "build" / "demo"
IDEA = "Daily sales pipeline from CSV order exports with quality checks and a dashboard"


def step(title: str, command: list[str], cwd: Path) -> None:
    print(f"\n== {title}\n$ {' '.join(command)}", flush=True)
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT / ".venv")))
    result = subprocess.run(command, cwd=cwd, env=env, check=False)  # noqa: S603 - the fixed commands above
    if result.returncode != 0:
        sys.exit(f"demo: '{' '.join(command)}' failed (exit {result.returncode}); see the output above")
    print(f"-- done in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    agent = str(ROOT / ".venv" / "bin" / "databricks-agent")
    step(
        "1. The template agent turns the idea into a project",
        [agent, "init", IDEA, "--no-input", "--output-dir", str(DEMO_DIR)],
        ROOT,
    )
    [project] = [path for path in DEMO_DIR.iterdir() if path.is_dir()]
    step("2. Install the generated project (its own .venv; local Spark + Delta)", ["make", "install"], project)
    step("3. Run bronze -> silver (+ quarantine) -> gold on the sample data", ["make", "run"], project)
    step("4. Run it again: nothing changes (every layer is idempotent)", ["make", "run"], project)
    step("5. The project's own tests", ["make", "test"], project)
    step("6. The bundle, checked offline", ["make", "validate"], project)
    print(
        f"\nDone. The project: {project}\n"
        f"  tables (Delta, local Hive metastore): {project / 'build' / 'warehouse'}\n"
        f"  quarantine rules: {project / 'data_validation' / 'rules.yml'}\n"
        f"  bundle: {project / 'databricks.yml'} (deploy with `make deploy` once the Databricks CLI is set up)\n"
        f"  try: cd {project} && make help"
    )


if __name__ == "__main__":
    main()
