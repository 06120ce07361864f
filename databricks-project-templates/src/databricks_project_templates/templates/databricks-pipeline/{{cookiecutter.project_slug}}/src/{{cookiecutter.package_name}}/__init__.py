"""{{ cookiecutter.project_name }}: code shared by the bronze, silver and gold layers."""

__version__ = "0.1.0"
