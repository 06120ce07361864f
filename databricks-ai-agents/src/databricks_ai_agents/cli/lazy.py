"""A Click group that imports a subcommand's module only when that subcommand runs (or its help is shown).

``databricks-agent --help`` must not pay for pyspark, anthropic, mcp, databricks.sdk or cookiecutter; each
command module imports what it needs inside its functions, and this group imports the module itself late.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import click


class LazyGroup(click.Group):
    """A group of ``name -> (module path, attribute, one-line help)`` loaded on demand."""

    def __init__(self, *args: object, lazy_commands: Mapping[str, tuple[str, str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # click's Group takes loosely typed kwargs
        self._lazy = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, lazy ones included, without importing them."""
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module now if it is a lazy one."""
        if cmd_name not in self._lazy:
            return super().get_command(ctx, cmd_name)
        module_path, attribute, _ = self._lazy[cmd_name]
        command = getattr(importlib.import_module(module_path), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_path}.{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the one-line help held here, without importing any of them."""
        rows = [(name, self._lazy[name][2]) for name in sorted(self._lazy)]
        rows += [
            (name, command.get_short_help_str())
            for name in super().list_commands(ctx)
            if (command := super().get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))
