"""The medallion layers of {{ cookiecutter.project_name }}: each a pure DataFrame transform plus a thin entry point."""
