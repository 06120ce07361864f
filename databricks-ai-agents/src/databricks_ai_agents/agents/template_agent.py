"""The template agent's deterministic engine: a one-line description -> a template and its answers, with reasons.

Keyword rules, not guesses: every answer says which words chose it, or that it is the template's default,
so the user can correct it with ``--set``. An LLM engine may later propose answers too; they will be checked
against the same template options.

Example:
    >>> proposal = propose(TemplateRequest(description="daily sales pipeline from CSV with a dashboard"))
    >>> proposal.answers["project_name"], proposal.answers["source_format"], proposal.answers["dashboard"]
    ('Daily Sales', 'csv', 'yes')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from databricks_ai_agents.core.contract import Agent, AgentContext
from databricks_ai_agents.core.engine import StructuredLlm, Tool

DEFAULT_TEMPLATE: Final = "databricks-pipeline"
STOP_WORDS: Final = frozenset(
    {"pipeline", "pipelines", "from", "with", "on", "in", "for", "that", "using", "into", "to", "and", "job", "etl"}
)
# answer -> value -> words that choose it (matched as whole words, case-insensitive).
FILLER_WORDS: Final = frozenset({"a", "an", "the", "build", "create", "make", "new", "we", "need", "i", "want"})
KEYWORDS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "source_format": {
        "csv": ("csv", "tsv", "spreadsheet exports"),
        "json": ("json", "jsonl", "ndjson", "events api"),
        "parquet": ("parquet",),
    },
    "streaming_ingestion": {
        "yes": ("stream", "streaming", "real-time", "realtime", "continuous", "continuously", "auto loader", "kafka"),
        "no": ("batch", "nightly", "daily batch"),
    },
    "ml_feature_table": {"yes": ("ml", "feature", "features", "machine learning", "churn", "prediction", "model")},
    "dashboard": {"yes": ("dashboard", "dashboards", "report", "reports", "bi"), "no": ("no dashboard",)},
    "databricks_app": {"yes": ("app", "application", "web app")},
    "cloud": {"aws": ("aws", "s3"), "azure": ("azure", "adls"), "gcp": ("gcp", "gcs", "google cloud")},
    "compute": {"classic": ("classic", "cluster", "job cluster"), "serverless": ("serverless",)},
}


class TemplateRequest(BaseModel):
    """What the user asked for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=1, description="One sentence: the data, what to build, extras.")
    template: str | None = Field(default=None, description="A template name; the agent picks one when empty.")
    overrides: dict[str, str] = Field(default_factory=dict, description="Answers set by the user (win over rules).")


class TemplateProposal(BaseModel):
    """The chosen template, the answers the rules found, and why each was chosen."""

    model_config = ConfigDict(frozen=True)

    template: str
    answers: dict[str, str]
    reasons: dict[str, str]


def propose(request: TemplateRequest) -> TemplateProposal:
    """Pick the template and fill the answers the description implies; user overrides win.

    Answers the description does not mention are left out: the template's defaults apply at render time.
    """
    text = " ".join(request.description.lower().split())
    answers: dict[str, str] = {}
    reasons: dict[str, str] = {}
    name = project_name(request.description)
    if name:
        answers["project_name"], reasons["project_name"] = name, f"the description's leading words ({name!r})"
        reasons["project_slug"] = reasons["package_name"] = "derived from project_name"
    summary = _one_line(request.description)
    if summary:
        answers["description"], reasons["description"] = summary, "your description"
    for answer, values in KEYWORDS.items():
        chosen = _first_match(text, values)
        if chosen is not None:
            value, word = chosen
            answers[answer], reasons[answer] = value, f"the description says {word!r}"
    for key, value in request.overrides.items():
        answers[key], reasons[key] = value, "set by you (--set)"
    template = request.template or DEFAULT_TEMPLATE
    reasons["template"] = "chosen by you (--template)" if request.template else "the only template for pipelines"
    return TemplateProposal(template=template, answers=answers, reasons=reasons)


def project_name(description: str) -> str:
    """The description's leading words up to a stop word, title-cased ('daily sales pipeline ...' -> 'Daily Sales').

    Example:
        >>> project_name("Clickstream events from Kafka into gold tables")
        'Clickstream Events'
    """
    words = re.findall(r"[A-Za-z0-9]+", description)
    while words and words[0].lower() in FILLER_WORDS:
        words.pop(0)
    leading: list[str] = []
    for word in words:
        if word.lower() in STOP_WORDS or len(leading) == 4:  # noqa: PLR2004 - a name, not a sentence
            break
        leading.append(word)
    # Words with capitals of their own (IoT, ETL) keep them; the rest are capitalised.
    return " ".join(word if word != word.lower() else word.capitalize() for word in leading)


def _one_line(description: str) -> str:
    """The description as the project's one-line description (no quotes or backslashes: it lands in TOML)."""
    text = " ".join(re.sub(r'["\\]', "", description).split())
    return text[:1].upper() + text[1:] if text else ""


def _first_match(text: str, values: Mapping[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """The value whose keyword appears first in ``text`` (so "no dashboard" beats "dashboard" when earlier)."""
    best: tuple[int, int, str, str] | None = None
    for value, words in values.items():
        for word in words:
            match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
            # Earliest match wins; for one position, the longest phrase ("no dashboard" over "dashboard").
            key = (match.start(), -len(word), value, word) if match else None
            if key is not None and (best is None or key < best):
                best = key
    return None if best is None else (best[2], best[3])


class TemplateAgent(Agent[TemplateRequest, TemplateProposal]):
    """The template agent: its rules engine is :func:`propose` (offline, deterministic)."""

    request_model = TemplateRequest
    result_model = TemplateProposal

    def run(self, request: TemplateRequest, context: AgentContext) -> TemplateProposal:
        """Propose the template and answers for ``request``: the rules, then (LLM engine) Claude's refinements."""
        proposal = propose(request)
        if context.engine == "llm" and context.llm is not None:
            proposal = refine_with_llm(proposal, request, context.llm)
        context.logger.info("template agent: %s with %d answers", proposal.template, len(proposal.answers))
        return proposal


PROPOSE_TOOL: Final = Tool(
    name="propose_answers",
    description="Answers for the template's options, and for each the words of the description that imply it.",
    input_schema={
        "type": "object",
        "properties": {
            "answers": {"type": "object", "additionalProperties": {"type": "string"}},
            "reasons": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "required": ["answers"],
    },
)
# Answers the model may never set: they are paths, contacts or identifiers derived elsewhere.
LLM_FORBIDDEN: Final = frozenset({"databricks_utils_source", "owner_email", "project_slug", "package_name"})


def refine_with_llm(proposal: TemplateProposal, request: TemplateRequest, llm: StructuredLlm) -> TemplateProposal:
    """Ask Claude for answers, keep only valid ones (known option, allowed value), let the user's --set win."""
    import json

    from databricks_ai_agents.core.prompts import load_prompt
    from databricks_project_templates import get_template

    template = get_template(proposal.template)
    rows = [
        f"{o.name} | {'(derived)' if o.derived else o.default} | {', '.join(o.choices) or 'any text'} | {o.prompt}"
        for o in template.options
        if o.name not in LLM_FORBIDDEN
    ]
    prompt = load_prompt("template", "propose").render(
        description=request.description,
        template_name=template.name,
        template_description=template.description,
        options_table="\n".join(rows),
        rules_answers=json.dumps(proposal.answers, sort_keys=True),
    )
    reply = llm.structured(prompt, tool=PROPOSE_TOOL, agent="template")
    choices = {o.name: set(o.choices) for o in template.options}
    raw_answers, raw_reasons = reply.get("answers"), reply.get("reasons")
    answers, reasons = dict(proposal.answers), dict(proposal.reasons)
    for key, value in (raw_answers if isinstance(raw_answers, dict) else {}).items():
        valid = key in choices and key not in LLM_FORBIDDEN and isinstance(value, str)
        if not valid or (choices[key] and value not in choices[key]) or key in request.overrides:
            continue  # dropped: unknown option, forbidden, a value outside the choices, or the user's --set
        answers[key] = value
        why = raw_reasons.get(key) if isinstance(raw_reasons, dict) else None
        reasons[key] = f"Claude: {why}" if isinstance(why, str) and why else "Claude"
    return TemplateProposal(template=proposal.template, answers=answers, reasons=reasons)
