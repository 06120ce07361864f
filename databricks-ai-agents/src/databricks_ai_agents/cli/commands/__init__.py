"""One module per ``databricks-agent`` command; each imports its heavy dependencies inside its functions."""
