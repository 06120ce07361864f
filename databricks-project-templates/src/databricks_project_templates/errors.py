"""The exceptions of databricks-project-templates: one base class, each message says what to fix."""

from __future__ import annotations

from databricks_utils.errors.exceptions import DatabricksUtilsError


class TemplateError(DatabricksUtilsError):
    """Base class: a template cannot be found, answered or rendered."""


class TemplateNotFoundError(TemplateError, LookupError):
    """Raised when no template has the requested name."""


class AnswersError(TemplateError, ValueError):
    """Raised when the answers to a template's questions are not valid; nothing was written.

    Attributes:
        problems: One line per problem, each naming the answer and the fix.
    """

    def __init__(self, template: str, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"template {template!r}: {len(problems)} answer(s) are not valid; nothing was written:\n{listed}"
        )
