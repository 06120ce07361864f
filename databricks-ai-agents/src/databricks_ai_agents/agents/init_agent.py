"""The init agent: a one-line description becomes a rendered project (the template agent's answers, checked).

It asks the template agent for the template and answers, lets the caller's answers win, checks them with the
template package (nothing is written when they are wrong), renders, and records in the project's answers
file how the answers were chosen, so the project can later be updated from a newer template.

Example:
    >>> from databricks_ai_agents.core.runner import run_agent  # doctest: +SKIP
    >>> result = run_agent(load_registry().get("init"), InitRequest(description="orders from CSV"),
    ...                    workdir=Path("/tmp/work"))  # doctest: +SKIP
    >>> result.project_dir  # doctest: +SKIP
    '/tmp/work/orders'
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from databricks_ai_agents import __version__
from databricks_ai_agents.agents.template_agent import DEFAULT_TEMPLATE, TemplateAgent, TemplateRequest
from databricks_ai_agents.core.contract import Agent, AgentContext, WorkspacePath
from databricks_ai_agents.errors import AgentError

ANSWERS_FILE: Final = ".databricks-template.json"
"""Written by the template itself (template, version, every answer); init adds how they were chosen."""
PROVENANCE_KEY: Final = "_generated_by"


class InitRequest(BaseModel):
    """What to create, and where."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=1, description="One sentence: the data, what to build, extras.")
    template: str | None = Field(default=None, description="A template name; the agent picks one when empty.")
    answers: dict[str, str] = Field(
        default_factory=dict, description="Template answers you set (they win over the agent's), e.g. compute."
    )
    output_dir: WorkspacePath = Field(default=".", description="The folder the project folder is created in.")
    dry_run: bool = Field(default=False, description="Only propose the template and answers; write nothing.")
    force: bool = Field(default=False, description="Render over an existing, non-empty project folder.")


class InitResult(BaseModel):
    """The project that was (or, for a dry run, would be) created, and why each answer has its value."""

    model_config = ConfigDict(frozen=True)

    template: str
    template_version: str
    answers: dict[str, str]
    reasons: dict[str, str]
    project_dir: str
    engine: str
    written: bool
    files: int = Field(description="Files in the rendered project (0 for a dry run).")


class InitAgent(Agent[InitRequest, InitResult]):
    """Propose (template agent), check, render, record. Every run goes to the local usage log.

    ``run`` does both steps; a caller that shows the proposal and asks before writing (the CLI) calls
    :meth:`propose` and :meth:`create` itself inside :func:`tracked`.
    """

    request_model = InitRequest
    result_model = InitResult

    def run(self, request: InitRequest, context: AgentContext) -> InitResult:
        """Create the project for ``request`` inside ``context.workdir`` (or the absolute ``output_dir``)."""
        with tracked(request, context) as track:
            proposal = track(self.propose(request, context))
            return proposal if request.dry_run else track(self.create(proposal, request, context))

    def propose(self, request: InitRequest, context: AgentContext) -> InitResult:
        """The template, checked answers, their reasons and the project folder; nothing is written.

        Raises:
            AgentError: The project folder exists and is not empty, and ``force`` is not set.
            AnswersError: An answer is unknown or invalid (every problem at once).
        """
        from databricks_project_templates import get_template, resolve_answers

        proposal = TemplateAgent().run(
            TemplateRequest(description=request.description, template=request.template, overrides=request.answers),
            context,
        )
        answers = resolve_answers(proposal.template, proposal.answers)
        project = (context.workdir / request.output_dir).resolve() / answers["project_slug"]
        if project.exists() and any(project.iterdir()) and not (request.force or request.dry_run):
            raise AgentError(
                f"{project} already exists and is not empty. Fix: choose another output folder or project_slug "
                "(CLI: --output-dir, --set project_slug=NAME, or --force to render over it)"
            )
        return InitResult(
            template=proposal.template,
            template_version=get_template(proposal.template).version,
            answers=answers,
            reasons=proposal.reasons,
            project_dir=str(project),
            engine=context.engine,
            written=False,
            files=0,
        )

    def create(self, proposal: InitResult, request: InitRequest, context: AgentContext) -> InitResult:
        """Render ``proposal`` and record how its answers were chosen in the project's answers file.

        Raises:
            TemplateError: Rendering failed (the project folder is removed if this call created it).
        """
        from databricks_project_templates import render_template

        project = Path(proposal.project_dir)
        rendered = render_template(proposal.template, project.parent, proposal.answers, overwrite=request.force)
        _add_provenance(rendered / ANSWERS_FILE, proposal, description=request.description)
        files = sum(1 for path in rendered.rglob("*") if path.is_file())
        context.logger.info("init: rendered %s (%d files) into %s", proposal.template, files, rendered)
        return proposal.model_copy(update={"written": True, "files": files, "project_dir": str(rendered)})


class _Tracker:
    """Remembers the latest result of a tracked run (what the usage log records)."""

    def __init__(self) -> None:
        self.latest: InitResult | None = None

    def __call__(self, result: InitResult) -> InitResult:
        self.latest = result
        return result


@contextlib.contextmanager
def tracked(request: InitRequest, context: AgentContext) -> Iterator[_Tracker]:
    """Record one init in the local usage log when the block ends: created, dry run, or failed with why.

    Example:
        >>> with tracked(request, context) as track:  # doctest: +SKIP
        ...     proposal = track(agent.propose(request, context))
    """
    started, tracker = time.perf_counter(), _Tracker()
    error: str | None = None
    try:
        yield tracker
    except BaseException as err:
        error = str(err) or type(err).__name__  # click.Abort has no message: the user said no
        raise
    finally:
        latest = tracker.latest
        outcome = "failed" if error is not None else "created" if latest and latest.written else "dry_run"
        _record(
            context,
            template=latest.template if latest else request.template or DEFAULT_TEMPLATE,
            template_version=latest.template_version if latest else None,
            answers=latest.answers if latest else dict(request.answers),
            outcome=outcome,
            error=error,
            duration_s=time.perf_counter() - started,
        )


def _add_provenance(path: Path, proposal: InitResult, *, description: str) -> None:
    """Add how the answers were chosen to the template's answers file (a private key: not a template option)."""
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AgentError(f"{path}: cannot read the answers file the template wrote ({err}). Fix: re-run init") from err
    recorded[PROVENANCE_KEY] = {
        "tool": "databricks-agent",
        "version": __version__,
        "engine": proposal.engine,
        "description": description,
        "reasons": proposal.reasons,
    }
    path.write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")


def _record(
    context: AgentContext,
    *,
    template: str,
    template_version: str | None,
    answers: dict[str, str],
    outcome: str,
    error: str | None,
    duration_s: float,
) -> None:
    """Append the run to the local usage log (never raises: tracking must not break init)."""
    from databricks_ai_agents.usage import UsageRecord, record_usage, usage_log_path

    path = usage_log_path()
    if path is None:
        return
    try:
        record = UsageRecord.now(
            command="init",
            template=template,
            template_version=template_version,
            answers=answers,
            engine=context.engine,
            duration_s=duration_s,
            outcome=outcome,
            error=error,
        )
    except ValueError as err:  # an invalid record is a bug here, never the user's problem
        context.logger.warning("usage log: record skipped (%s)", err)
        return
    record_usage(record, path=path)
