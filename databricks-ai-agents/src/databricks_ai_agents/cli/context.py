"""What every ``databricks-agent`` command receives from the root command (``click.pass_obj``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from databricks_ai_agents.cli.output import Output


@dataclass(frozen=True)
class CliContext:
    """The global options, resolved: how to print, and the project folder to work in."""

    output: Output
    project_dir: Path
