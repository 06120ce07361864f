"""The ``databricks-agent`` command: a Click group whose subcommands are imported only when used."""
