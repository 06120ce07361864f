"""``databricks-agent``: the root command, its global options, and how errors reach the user.

Exit codes: 0 success, 1 failure (one line on stderr; the traceback only with ``--verbose``), 2 usage
error (Click's message). Subcommands live in ``databricks_ai_agents.cli.commands`` and are imported
only when they run, so ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.lazy import LazyGroup
from databricks_ai_agents.cli.output import Output
from databricks_ai_agents.errors import is_user_error

COMMANDS = {
    "init": ("databricks_ai_agents.cli.commands.init", "init", "Create a project from a one-line description."),
    "list": ("databricks_ai_agents.cli.commands.list", "list_command", "List the agents and the project templates."),
    "profile": (
        "databricks_ai_agents.cli.commands.profile",
        "profile",
        "Profile a dataset and propose quality rules with evidence.",
    ),
    "quality": (
        "databricks_ai_agents.cli.commands.quality",
        "quality",
        "Review PySpark and Databricks code and notebooks (text, JSON or SARIF).",
    ),
    "serve": ("databricks_ai_agents.cli.commands.serve", "serve", "Serve the agents over MCP to an IDE assistant."),
    "templates": ("databricks_ai_agents.cli.commands.templates", "templates", "List and inspect project templates."),
}
"""Command name -> (module, attribute, one-line help). One module per command."""


class AgentCLI(LazyGroup):
    """The root group: turns the errors users can fix into one line and exit code 1."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a user error becomes Click's one-line error (exit 1) unless ``--verbose``."""
        try:
            return super().invoke(ctx)
        except Exception as err:
            if not is_user_error(err) or (isinstance(ctx.obj, CliContext) and ctx.obj.output.verbose):
                raise
            raise click.ClickException(str(err)) from err


@click.group(cls=AgentCLI, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", "-v", is_flag=True, help="Show debug logs, and tracebacks on errors.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="the current folder",
    help="The project to work in.",
)
@click.version_option(package_name="databricks-ai-agents", prog_name="databricks-agent")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, as_json: bool, project_dir: Path) -> None:
    """Agents that take you from raw data to a tested, deployable Databricks pipeline.

    Every command works offline; with ANTHROPIC_API_KEY set, agents may also ask Claude and validate
    what it returns.
    """
    ctx.obj = CliContext(
        output=Output.for_terminal(as_json=as_json, verbose=verbose), project_dir=project_dir.resolve()
    )


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="databricks-agent")
