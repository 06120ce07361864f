"""Local usage tracking: one JSON line per ``databricks-agent`` run, summarised to evolve template defaults.

The log is local only: nothing is ever sent anywhere. Each line records the template, its answers, how long the
run took and how it ended; ``databricks-agent templates stats`` reads it back, and ``--suggest`` proposes a new
default where the projects people actually created clearly favour another value.

Where the log is (:func:`usage_log_path`), first match wins:

1. ``DATABRICKS_AGENT_NO_USAGE`` (``1``/``true``/``yes``/``on``) or ``DO_NOT_TRACK`` set to a true value: no log.
2. ``DATABRICKS_AGENT_USAGE_LOG``: that file.
3. ``$XDG_STATE_HOME/databricks-agent/usage.jsonl`` (an absolute ``XDG_STATE_HOME`` only, as the XDG spec says).
4. ``~/.local/state/databricks-agent/usage.jsonl``.

Stdlib and pydantic only, so that importing this module from the CLI stays cheap.

Example:
    >>> record = UsageRecord(
    ...     command="init", template="databricks-pipeline", template_version="0.1.0",
    ...     answers={"compute": "classic"}, engine="rules", duration_s=2.5, outcome="created",
    ... )
    >>> record_usage(record)  # doctest: +SKIP
    True
"""

from __future__ import annotations

import logging
import os
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from databricks_ai_agents.errors import AgentError

logger = logging.getLogger(__name__)

NO_USAGE_ENV: Final = "DATABRICKS_AGENT_NO_USAGE"
DO_NOT_TRACK_ENV: Final = "DO_NOT_TRACK"
USAGE_LOG_ENV: Final = "DATABRICKS_AGENT_USAGE_LOG"
REDACTED: Final = "***"

_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_LOG_RELATIVE: Final = Path("databricks-agent") / "usage.jsonl"
_MAX_ERROR: Final = 200
# By name: errs on the side of not recording (``primary_key`` is redacted too); the log is for defaults, not data.
_SECRET_NAME: Final = re.compile(r"token|passw(?:or)?d|secret|key|credential", flags=re.IGNORECASE)
# By shape, whatever the key: Databricks PATs, Anthropic keys, AWS key ids, bearer tokens. A small copy of the
# shapes in databricks_utils.logging.redaction: importing databricks_utils here would slow every CLI start.
_SECRET_SHAPE: Final = re.compile(
    r"dapi[0-9a-f]{32}(?:-\d+)?|sk-ant-[\w-]+|AKIA[0-9A-Z]{16}|(?i:bearer)\s+[\w.~+/-]{8,}=*"
)
# Answers that name or describe the project, or its people: every project differs, so no default fits them all.
_IDENTITY_OPTIONS: Final = frozenset(
    {"project_name", "project_slug", "package_name", "description", "owner", "owner_email", "email"}
)

Outcome = Literal["created", "dry_run", "failed"]


class UsageLogError(AgentError):
    """Raised when a usage log cannot be read (a folder, or a file without read permission)."""


class UsageRecord(BaseModel):
    """One run of a command, as one line of the usage log.

    Secrets never reach the record: an answer whose name contains token, password, secret, key or credential,
    or whose value looks like a token (``dapi...``, ``sk-ant-...``, ``Bearer ...``), is stored as ``***``; the
    error is cut to one short line with the same token shapes masked.

    Attributes:
        timestamp: When the run started, in UTC (a naive datetime is taken as UTC); defaults to now.
        command: The command that ran, e.g. ``init``.
        template: The template used.
        template_version: Its version, when known.
        answers: The template answers, option -> value.
        engine: ``rules`` (offline keyword rules) or ``llm`` (Claude refined them).
        duration_s: Wall-clock seconds of the run.
        outcome: ``created`` (project written), ``dry_run`` (nothing written on purpose) or ``failed``.
        error: For a failure, its one-line message.

    Example:
        >>> UsageRecord(
        ...     timestamp="2025-01-02T03:04:05Z", command="init", template="databricks-pipeline",
        ...     template_version=None, answers={"compute": "classic", "api_key": "abc"}, engine="rules",
        ...     duration_s=1.5, outcome="created",
        ... ).answers
        {'compute': 'classic', 'api_key': '***'}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    command: str = Field(min_length=1)
    template: str = Field(min_length=1)
    template_version: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    engine: Literal["rules", "llm"]
    duration_s: float = Field(ge=0, allow_inf_nan=False)
    outcome: Outcome
    error: str | None = None

    @classmethod
    def now(cls, **fields: object) -> UsageRecord:
        """A record stamped with the current UTC time; ``fields`` as for the constructor, validated.

        Raises:
            pydantic.ValidationError: A field is missing or invalid (a ``ValueError``).

        Example:
            >>> UsageRecord.now(
            ...     command="init", template="databricks-pipeline", answers={}, engine="rules",
            ...     duration_s=0.4, outcome="dry_run",
            ... ).timestamp.tzinfo
            datetime.timezone.utc
        """
        return cls.model_validate({"timestamp": datetime.now(UTC), **fields})

    @field_validator("timestamp")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @field_validator("answers")
    @classmethod
    def _without_secrets(cls, value: dict[str, str]) -> dict[str, str]:
        return {
            key: REDACTED if _SECRET_NAME.search(key) or _SECRET_SHAPE.search(answer) else answer
            for key, answer in value.items()
        }

    @field_validator("error")
    @classmethod
    def _one_short_line(cls, value: str | None) -> str | None:
        if value is None:
            return None
        line = _SECRET_SHAPE.sub(REDACTED, " ".join(value.split()))
        return line if len(line) <= _MAX_ERROR else line[: _MAX_ERROR - 1] + "…"


@dataclass(frozen=True)
class UsageLog:
    """What :func:`read_usage` found: the valid records, in file order, and how many lines it skipped.

    Attributes:
        path: The log that was read.
        records: Every valid record.
        skipped: Lines that were not a valid record (a torn write, a hand edit, a newer format).
    """

    path: Path
    records: tuple[UsageRecord, ...]
    skipped: int = 0


class TemplateUsage(BaseModel):
    """How one template was used.

    Attributes:
        template: The template.
        runs: All its runs.
        created: Runs that wrote a project.
        dry_runs: Runs with ``--dry-run``.
        failed: Runs that failed.
        median_duration_s: Median seconds of the created runs; None when there are none.
        answers: Among created runs: option -> value -> how many chose it, most chosen first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    template: str
    runs: int
    created: int
    dry_runs: int
    failed: int
    median_duration_s: float | None
    answers: dict[str, dict[str, int]]


class Suggestion(BaseModel):
    """A proposed change of one template default, backed by the created projects.

    Attributes:
        template: The template.
        option: The option whose default could change.
        current_default: Its default today.
        proposed: The value most created projects chose instead.
        count: How many created projects chose ``proposed``.
        runs: How many created projects answered ``option``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    template: str
    option: str
    current_default: str
    proposed: str
    count: int
    runs: int

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def share(self) -> float:
        """The fraction of created projects that chose ``proposed`` (0 to 1)."""
        return self.count / self.runs

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def reason(self) -> str:
        """Why, in one sentence a person can check against the log."""
        return (
            f"{self.count} of {self.runs} created projects ({self.share:.0%}) chose {self.option}={self.proposed}; "
            f"the default is {self.current_default}"
        )


def usage_opt_out(environ: Mapping[str, str] | None = None) -> str | None:
    """The environment variable that turns usage tracking off, or None when tracking is on.

    Example:
        >>> usage_opt_out({"DO_NOT_TRACK": "1"})
        'DO_NOT_TRACK'
        >>> usage_opt_out({"DATABRICKS_AGENT_NO_USAGE": "0"}) is None
        True
    """
    env = os.environ if environ is None else environ
    for name in (NO_USAGE_ENV, DO_NOT_TRACK_ENV):
        if env.get(name, "").strip().lower() in _TRUE:
            return name
    return None


def usage_log_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where usage is recorded, or None when the user opted out (see the module docstring for the order).

    The log is local only: nothing is ever sent anywhere.

    Args:
        environ: The environment to read; ``os.environ`` when None.

    Example:
        >>> usage_log_path({"DATABRICKS_AGENT_USAGE_LOG": "/tmp/u.jsonl"})
        PosixPath('/tmp/u.jsonl')
        >>> usage_log_path({"XDG_STATE_HOME": "/state"})
        PosixPath('/state/databricks-agent/usage.jsonl')
        >>> usage_log_path({"DO_NOT_TRACK": "1", "DATABRICKS_AGENT_USAGE_LOG": "/tmp/u.jsonl"}) is None
        True
    """
    env = os.environ if environ is None else environ
    if usage_opt_out(env) is not None:
        return None
    if explicit := env.get(USAGE_LOG_ENV, "").strip():
        return Path(explicit).expanduser()
    state_home = env.get("XDG_STATE_HOME", "").strip()
    # The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
    if state_home and Path(state_home).is_absolute():
        return Path(state_home) / _LOG_RELATIVE
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".local" / "state" / _LOG_RELATIVE


def record_usage(record: UsageRecord, *, path: Path | str | None = None) -> bool:
    """Append ``record`` to the usage log as one JSON line; never raises.

    Tracking must never break the command it observes: a log that cannot be written is one warning on the
    ``databricks_ai_agents.usage`` logger and a False return. The line goes out in a single ``write`` on a file
    opened with ``O_APPEND``, so runs finishing at the same time add whole lines, never interleaved ones.

    Args:
        record: The run to record.
        path: The log file; when None, :func:`usage_log_path` (and nothing is written when the user opted out).
            An explicit path is written even when tracking is off: the caller chose it.

    Returns:
        True when the line was written, False when tracking is off or the log is not writable.

    Example:
        >>> record_usage(record, path="/tmp/usage.jsonl")  # doctest: +SKIP
        True
    """
    target = usage_log_path() if path is None else Path(path)
    if target is None:
        return False
    try:
        line = (record.model_dump_json() + "\n").encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        # 0o600: the answers say what the user builds; other local users need not read them.
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, line)
        finally:
            os.close(fd)
        if written != len(line):
            raise OSError(f"short write: {written} of {len(line)} bytes")
    # Best effort by design: whatever goes wrong here (a full disk, a folder in the way, a bug), the user's
    # project was created and the command must report that, not a tracking failure.
    except Exception as err:
        logger.warning(
            "usage not recorded: cannot write %s (%s). Fix: set %s to a writable file, or %s=1 to stop tracking",
            target,
            err,
            USAGE_LOG_ENV,
            NO_USAGE_ENV,
        )
        return False
    return True


def read_usage(path: Path | str) -> UsageLog:
    """Read a usage log, skipping (and counting) lines that are not valid records; a missing file is empty.

    Raises:
        UsageLogError: ``path`` is a folder or cannot be read.

    Example:
        >>> log = read_usage("/tmp/usage.jsonl")  # doctest: +SKIP
        >>> len(log.records), log.skipped  # doctest: +SKIP
        (10, 1)
    """
    log_path = Path(path)
    try:
        raw = log_path.read_bytes()
    except FileNotFoundError:
        return UsageLog(path=log_path, records=())
    except OSError as err:
        reason = "is a folder" if log_path.is_dir() else f"cannot be read ({err.strerror or err})"
        raise UsageLogError(
            f"usage log {log_path} {reason}. Fix: pass --log a .jsonl file, or set {USAGE_LOG_ENV} to one"
        ) from err
    records: list[UsageRecord] = []
    skipped = 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            records.append(UsageRecord.model_validate_json(line))
        # A torn last line after a crash, invalid UTF-8 or a hand edit: the rest of the log is still good.
        except ValueError:  # pydantic's ValidationError is a ValueError; so is a UnicodeDecodeError
            skipped += 1
    return UsageLog(path=log_path, records=tuple(records), skipped=skipped)


def summarise(records: Iterable[UsageRecord]) -> tuple[TemplateUsage, ...]:
    """Per template, sorted by name: run counts by outcome, median created-run time, and answer counts.

    Example:
        >>> [(u.template, u.runs, u.answers["compute"]) for u in summarise([record, record])]  # doctest: +SKIP
        [('databricks-pipeline', 2, {'classic': 2})]
    """
    by_template: dict[str, list[UsageRecord]] = defaultdict(list)
    for record in records:
        by_template[record.template].append(record)
    return tuple(_template_usage(name, by_template[name]) for name in sorted(by_template))


def _template_usage(template: str, records: list[UsageRecord]) -> TemplateUsage:
    created = [r for r in records if r.outcome == "created"]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in created:
        for option, value in record.answers.items():
            counts[option][value] += 1
    return TemplateUsage(
        template=template,
        runs=len(records),
        created=len(created),
        dry_runs=sum(r.outcome == "dry_run" for r in records),
        failed=sum(r.outcome == "failed" for r in records),
        median_duration_s=statistics.median(r.duration_s for r in created) if created else None,
        answers={option: dict(_ranked(counts[option])) for option in counts},
    )


def suggest(
    records: Iterable[UsageRecord],
    defaults: Mapping[str, Mapping[str, str]],
    *,
    min_runs: int = 5,
    min_share: float = 0.6,
) -> tuple[Suggestion, ...]:
    """Default changes the created projects clearly ask for (template evolution).

    For each option in ``defaults``, among the created runs of its template that answered it: when at least
    ``min_runs`` of them exist and one value other than the current default was chosen in at least
    ``min_share`` of them, that value is proposed. Options that name or describe a project (``project_name``,
    ``description``, ``owner_email``, ``author...``) and options whose values are nearly all distinct (more
    distinct values than half the runs) are never proposed: no single default fits them.

    Args:
        records: The usage records (any templates, any outcomes).
        defaults: Template -> option -> current default; only these options are considered.
        min_runs: Fewest created runs before anything is proposed.
        min_share: Smallest share of those runs the proposed value needs (0 to 1).

    Returns:
        Suggestions sorted by template, then strongest share first, then option name.

    Example:
        >>> suggest(records, {"databricks-pipeline": {"compute": "serverless"}})  # doctest: +SKIP
        (Suggestion(template='databricks-pipeline', option='compute', current_default='serverless',
                    proposed='classic', count=8, runs=10, share=0.8, reason='8 of 10 created projects ...'),)
    """
    created: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in records:
        if record.outcome == "created" and record.template in defaults:
            created[record.template].append(record.answers)
    found = [
        suggestion
        for template, options in defaults.items()
        for option, default in options.items()
        if (
            suggestion := _suggestion(
                template, option, default=default, answers=created[template], min_runs=min_runs, min_share=min_share
            )
        )
    ]
    return tuple(sorted(found, key=lambda s: (s.template, -s.share, s.option)))


def _suggestion(
    template: str, option: str, *, default: str, answers: list[dict[str, str]], min_runs: int, min_share: float
) -> Suggestion | None:
    if option in _IDENTITY_OPTIONS or option.startswith("author"):
        return None
    values = Counter(given[option] for given in answers if option in given)
    runs = values.total()
    if runs < max(min_runs, 1) or len(values) > runs / 2:
        return None
    proposed, count = _ranked(values)[0]
    if proposed in {default, REDACTED} or count / runs < min_share:
        return None
    return Suggestion(
        template=template, option=option, current_default=default, proposed=proposed, count=count, runs=runs
    )


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    # Most chosen first; ties by value so the output never depends on the order of the log.
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
