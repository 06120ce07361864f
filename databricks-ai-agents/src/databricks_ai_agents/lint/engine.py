"""Review files: parse each once, run the enabled rules, map findings back to files and cells, score.

Files are reviewed in parallel worker processes when there are enough of them (``jobs``); project rules
then run once on the facts each file's review kept. Results are the same, in the same order, either way.

Example:
    >>> from pathlib import Path
    >>> report = review([Path("src")], config=QualityConfig())  # doctest: +SKIP
    >>> report.score, report.counts  # doctest: +SKIP
    (97.5, {'error': 0, 'warning': 3, 'info': 1})
"""

from __future__ import annotations

import ast
import gc
import multiprocessing
import os
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from databricks_ai_agents.lint.config import QualityConfig
from databricks_ai_agents.lint.context import FileContext, Hit
from databricks_ai_agents.lint.model import FileReport, Finding, LintReport, Severity, SkippedFile
from databricks_ai_agents.lint.rule import ProjectFile, Rule
from databricks_ai_agents.lint.rules import all_rules, rules_by_id
from databricks_ai_agents.lint.rules.general import SYNTAX_ERROR
from databricks_ai_agents.lint.score import file_score, overall_score
from databricks_ai_agents.lint.sources import LintSource, collect_files, read_source
from databricks_ai_agents.lint.suppressions import suppressed

# Below this many files a worker pool costs more (start-up, pickling) than it saves.
PARALLEL_MIN_FILES = 64
MAX_JOBS = 8


@dataclass(frozen=True)
class _FileResult:
    """One file's review as a worker returns it (picklable; no syntax tree)."""

    path: Path
    kind: str
    lines: int
    statements: int
    findings: list[Finding]
    project: ProjectFile | None  # None when the file did not parse
    skipped: str | None = None


def review(
    paths: Sequence[Path],
    *,
    config: QualityConfig,
    rules: Sequence[Rule] | None = None,
    extra_findings: Iterable[Finding] = (),
    jobs: int | None = None,
) -> LintReport:
    """Review the files under ``paths`` with the rules ``config`` enables.

    ``extra_findings`` (ruff's, with ``--with-ruff``) are merged into their files' reports after the
    same ``# noqa`` and configuration filtering. ``jobs`` is the number of worker processes (default:
    the CPUs, up to 8, when there are at least 64 files; 1 reviews in this process).

    Raises:
        LintInputError: when a path does not exist.
    """
    catalogue = tuple(rules if rules is not None else all_rules())
    # Selection is decided once; only per-path ignores are left to ask file by file.
    selected = tuple(rule for rule in catalogue if config.enabled(rule.id, rule.spec.category))
    files, skipped_paths = collect_files(list(paths), exclude=tuple(config.exclude))
    skipped = [SkippedFile(path=display_path(p), reason=reason) for p, reason in skipped_paths]
    with _no_cyclic_gc():
        results = _review_files(files, selected, config, jobs=_jobs(jobs, len(files), selected))
    reports: dict[str, tuple[_FileResult, list[Finding]]] = {}
    for result in results:
        if result.skipped is not None:
            skipped.append(SkippedFile(path=display_path(result.path), reason=result.skipped))
        else:
            reports[display_path(result.path)] = (result, list(result.findings))
    project_files = [r.project for r in results if r.project is not None]
    reread = _Reread()
    for file, finding in _project_findings(project_files, selected, config, reread):
        reports[display_path(file.path)][1].append(finding)
    for finding in extra_findings:
        if finding.path in reports and config.enabled(finding.rule, finding.category, Path(finding.path)):
            result, found = reports[finding.path]
            if not suppressed(finding.rule, reread.lines(result.path), finding.line, finding.end_line):
                found.append(finding)
    return _report(reports, skipped, len(selected))


def review_text(text: str, *, path: str = "module.py", config: QualityConfig | None = None) -> list[Finding]:
    """Findings for one file's text, as if it were at ``path`` (file rules only; for tests and tools)."""
    source = read_source_text(text, Path(path))
    chosen = config or QualityConfig()
    selected = [rule for rule in all_rules() if chosen.enabled(rule.id, rule.spec.category)]
    findings, _ = _review_source(source, selected, chosen)
    return sorted(findings, key=_order)


def read_source_text(text: str, path: Path) -> LintSource:
    """A :class:`LintSource` for text that is not on disk (a notebook when it has the header)."""
    from databricks_ai_agents.lint import sources

    if path.suffix == ".ipynb":
        parsed = sources._from_ipynb(path, text)
        if isinstance(parsed, str):
            raise ValueError(parsed)
        return parsed
    if text.startswith(sources.NOTEBOOK_HEADER):
        return sources._from_databricks_notebook(path, text)
    return LintSource(path=path, kind="python", text=text, positions=())


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when below it, else absolute (what editors open)."""
    return _display(str(path), os.getcwd())  # noqa: PTH109 - a str for the cache key, without a Path per call


@lru_cache(maxsize=8192)
def _display(path: str, cwd: str) -> str:
    absolute = Path(cwd, path)
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return absolute.as_posix()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    # Syntax trees are millions of small objects without cycles; the cyclic collector scanning them
    # while they are built took half of the parse time. Reference counting still frees them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _jobs(requested: int | None, files: int, rules: Sequence[Rule]) -> int:
    if requested is not None:
        return max(1, requested)
    # Forking a process that runs other threads (the MCP server's) can deadlock on their locks; rules that
    # are not in the catalogue cannot be named to a worker.
    catalogue = rules_by_id()
    if files < PARALLEL_MIN_FILES or threading.active_count() > 1 or any(catalogue.get(r.id) is not r for r in rules):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def _review_files(files: list[Path], rules: tuple[Rule, ...], config: QualityConfig, *, jobs: int) -> list[_FileResult]:
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_review_path(path, rules, config) for path in files]
    # A few chunks per worker balance big and small files; map() keeps the files' order.
    size = max(1, len(files) // (jobs * 4))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    ids = tuple(rule.id for rule in rules)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return [
            result
            for chunk in pool.map(_review_chunk, chunks, [ids] * len(chunks), [config] * len(chunks))
            for result in chunk
        ]


def _review_chunk(paths: list[Path], rule_ids: tuple[str, ...], config: QualityConfig) -> list[_FileResult]:
    """A worker's share: the files' reviews (rules named by ID: functions do not travel between processes)."""
    gc.disable()
    catalogue = rules_by_id()
    rules = tuple(catalogue[rule_id] for rule_id in rule_ids)
    return [_review_path(path, rules, config) for path in paths]


def _review_path(path: Path, rules: Sequence[Rule], config: QualityConfig) -> _FileResult:
    source = read_source(path)
    if isinstance(source, str):
        return _FileResult(path=path, kind="", lines=0, statements=0, findings=[], project=None, skipped=source)
    findings, ctx = _review_source(source, rules, config)
    project = None
    if ctx is not None:
        facts = {rule.id: rule.collect(ctx) for rule in rules if rule.collect is not None}
        project = ProjectFile(path=path, is_test=ctx.is_test, facts={k: v for k, v in facts.items() if v is not None})
        ctx.release()
    text = source.text
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return _FileResult(
        path=path,
        kind=source.kind,
        lines=lines,
        statements=ctx.statements if ctx else 0,
        findings=findings,
        project=project,
    )


def _review_source(
    source: LintSource, rules: Sequence[Rule], config: QualityConfig
) -> tuple[list[Finding], FileContext | None]:
    shown = display_path(source.path)
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in user code are Python's warnings to give, not ours.
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source.text, filename=shown)
    except (SyntaxError, ValueError) as err:
        line = getattr(err, "lineno", None) or 1
        column = getattr(err, "offset", None) or 1
        message = f"does not parse: {getattr(err, 'msg', str(err))}"
        hit = Hit(line, column, line, column + 1, message)
        if not any(rule.id == SYNTAX_ERROR.id for rule in rules) or config.ignored_on(
            source.path, SYNTAX_ERROR.id, SYNTAX_ERROR.category
        ):
            return [], None
        return [_finding(Rule(SYNTAX_ERROR), hit, source, config)], None
    ctx = FileContext(source, tree)
    findings: list[Finding] = []
    ignored = config.path_ignores(source.path)
    for rule in rules:
        if rule.check is None or (ignored and config.selects(ignored, rule.id, rule.spec.category)):
            continue
        for hit in rule.check(ctx):
            if not suppressed(rule.id, ctx.lines, hit.line, hit.end_line):
                findings.append(_finding(rule, hit, source, config))
    return findings, ctx


def _project_findings(
    files: list[ProjectFile], rules: Sequence[Rule], config: QualityConfig, reread: _Reread
) -> Iterable[tuple[ProjectFile, Finding]]:
    for rule in rules:
        if rule.check_project is None:
            continue
        for file, hit in rule.check_project(files):
            if config.ignored_on(file.path, rule.id, rule.spec.category):
                continue
            source = reread.source(file.path)
            if source is not None and not suppressed(rule.id, reread.lines(file.path), hit.line, hit.end_line):
                yield file, _finding(rule, hit, source, config)


class _Reread:
    """Files read again after the workers are done, once each.

    Only files with a project or ruff finding are re-read, for their ``# noqa`` comments and notebook
    cells: the workers' results carry no text.
    """

    def __init__(self) -> None:
        self._sources: dict[Path, tuple[LintSource | None, list[str]]] = {}

    def _get(self, path: Path) -> tuple[LintSource | None, list[str]]:
        if path not in self._sources:
            source = read_source(path)
            self._sources[path] = (None, []) if isinstance(source, str) else (source, source.text.splitlines())
        return self._sources[path]

    def source(self, path: Path) -> LintSource | None:
        """The file as a source, None when it can no longer be read."""
        return self._get(path)[0]

    def lines(self, path: Path) -> list[str]:
        """The file's Python lines (empty when it can no longer be read)."""
        return self._get(path)[1]


def _finding(rule: Rule, hit: Hit, source: LintSource, config: QualityConfig) -> Finding:
    line, cell = source.position(hit.line)
    end_line, _ = source.position(hit.end_line)
    spec = rule.spec
    return Finding(
        rule=spec.id,
        name=spec.name,
        severity=config.severity_of(spec.id, spec.severity),
        category=spec.category,
        path=display_path(source.path),
        line=line,
        column=hit.column,
        end_line=max(end_line, line),
        end_column=hit.end_column,
        cell=cell,
        message=hit.message,
        fix=spec.fix,
    )


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.cell or 0, finding.line, finding.column, finding.rule)


def _report(
    reports: dict[str, tuple[_FileResult, list[Finding]]], skipped: list[SkippedFile], rules_run: int
) -> LintReport:
    files = [
        FileReport(
            path=path,
            kind=result.kind,
            lines=result.lines,
            statements=result.statements,
            score=file_score(findings, result.statements),
            findings=sorted(findings, key=_order),
        )
        for path, (result, findings) in sorted(reports.items())
    ]
    counts = {severity.value: 0 for severity in Severity}
    for report in files:
        for finding in report.findings:
            counts[finding.severity.value] += 1
    return LintReport(
        files=files,
        skipped=sorted(skipped, key=lambda s: s.path),
        score=overall_score(files),
        counts=counts,
        rules_run=rules_run,
    )


__all__ = ["display_path", "read_source_text", "review", "review_text"]
