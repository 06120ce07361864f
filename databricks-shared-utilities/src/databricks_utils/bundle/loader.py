"""Read ``databricks.yml`` and the files its ``include`` globs match, and merge them into one document.

Like the CLI: the root file is ``databricks.yml`` (or ``databricks.yaml``, ``bundle.yml``); ``include``
entries are globs relative to the root (``*`` stays within one folder, as Go's ``filepath.Glob``); each
matched file is a full configuration merged onto the root in glob order. A glob that matches nothing is a
problem here (the CLI accepts it, so a misspelt folder would drop its resources silently); the same resource
defined in two files is a problem naming both (the CLI stops there too). Files are read with the YAML reader
of :mod:`databricks_utils.quality._yaml_tree`, which keeps the line of every key and list item and reports
duplicate keys instead of keeping the last one silently.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from pathlib import Path

from databricks_utils.bundle.document import BundleDocument, Origin, YamlPath
from databricks_utils.bundle.merge import TreeMerger, kind
from databricks_utils.bundle.report import BundleProblem
from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality._yaml_tree import YamlTree, dotted, read_tree

ROOT_FILE_NAMES = ("databricks.yml", "databricks.yaml", "bundle.yml")
INCLUDE_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass(frozen=True, slots=True)
class LoadedBundle:
    """The merged document (None when the root file is missing or unreadable) and the problems met reading."""

    document: BundleDocument | None
    problems: tuple[BundleProblem, ...]


@dataclass(frozen=True, slots=True)
class _ParsedFile:
    label: str
    tree: YamlTree

    def origin(self, path: YamlPath) -> Origin | None:
        line = self.tree.lines.get(path)
        return None if line is None else Origin(self.label, line)

    def place(self, path: YamlPath) -> Origin:
        """The origin of a key written in this file (line 1 if the reader recorded none)."""
        return Origin(self.label, self.tree.line_of(path) or 1)


def load_bundle(root: Path) -> LoadedBundle:
    """Read the bundle at ``root``: its root file merged with every included file.

    Args:
        root: The bundle root folder.

    Returns:
        The merged document and every problem found while reading (syntax errors, duplicate keys, includes).
    """
    found = [name for name in ROOT_FILE_NAMES if (root / name).is_file()]
    if not found:
        return LoadedBundle(document=None, problems=(_no_root_file(root),))
    problems: list[BundleProblem] = []
    if len(found) > 1:
        problems.append(
            BundleProblem(
                file=found[1],
                line=None,
                path="",
                message=f"{' and '.join(found)} are both bundle root files; the CLI refuses to choose. "
                f"Fix: keep only {found[0]}",
            )
        )
    parsed = _parse(root / found[0], label=found[0], problems=problems)
    if parsed is None:
        return LoadedBundle(document=None, problems=tuple(problems))
    root_data = _as_mapping(parsed, problems)
    if root_data is None:
        return LoadedBundle(document=None, problems=tuple(problems))
    merger = TreeMerger(fallback_file=found[0])
    data = merger.graft(root_data, dst=(), src=(), lookup=parsed.origin)
    assert isinstance(data, dict)  # noqa: S101 - graft copies a mapping into a mapping
    defined = _resource_origins(parsed, root_data)
    for label in _included_files(root, parsed, root_data, problems):
        included = _parse(root / label, label=label, problems=problems)
        content = None if included is None else _as_mapping(included, problems)
        if included is None or content is None:
            continue
        if "include" in content:
            problems.append(_nested_include(included))
        content = _without_redefined(content, included, defined=defined, problems=problems)
        merger.merge(data, content, dst=(), src=(), lookup=included.origin)
    problems.extend(merger.problems)
    document = BundleDocument(data=data, origins=merger.origins, root_file=found[0])
    return LoadedBundle(document=document, problems=tuple(problems))


def _no_root_file(root: Path) -> BundleProblem:
    if not root.is_dir():
        message = f"the bundle root {root} is not a folder. Fix: pass the folder that holds databricks.yml"
    else:
        message = (
            f"no bundle configuration in {root.absolute()} (looked for {', '.join(ROOT_FILE_NAMES)}). "
            "Fix: run from the bundle's folder or pass it as ROOT"
        )
    return BundleProblem(file=ROOT_FILE_NAMES[0], line=None, path="", message=message)


def _parse(path: Path, *, label: str, problems: list[BundleProblem]) -> _ParsedFile | None:
    try:
        tree = read_tree(path, label=label, what="bundle configuration file")
    except RuleError as err:  # unreadable, not UTF-8, YAML syntax, recursive alias, non-scalar key
        problems.append(_read_problem(err, label=label))
        return None
    problems.extend(
        BundleProblem(
            file=label,
            line=duplicate.line,
            path=dotted(duplicate.path),
            message=f"duplicate key (first written at line {duplicate.first_line}); YAML keeps only the last one. "
            "Fix: delete or merge one of the two",
        )
        for duplicate in tree.duplicates
    )
    return _ParsedFile(label=label, tree=tree)


def _read_problem(err: RuleError, *, label: str) -> BundleProblem:
    # The reader's messages start with 'label:' or 'label:line:' (and ':column:' for syntax errors).
    text = str(err)
    match = re.match(rf"{re.escape(label)}(?::(\d+))?(?::\d+)?: (.*)", text, flags=re.DOTALL)
    if match is None:  # pragma: no cover - every message of read_tree starts with the label
        return BundleProblem(file=label, line=None, path="", message=text)
    line = int(match.group(1)) if match.group(1) else None
    return BundleProblem(file=label, line=line, path="", message=match.group(2))


def _as_mapping(parsed: _ParsedFile, problems: list[BundleProblem]) -> dict[str, object] | None:
    data = parsed.tree.data
    if data is None:
        return {}
    if isinstance(data, dict):
        return data
    problems.append(
        BundleProblem(
            file=parsed.label,
            line=1,
            path="",
            message=f"the top level must be a mapping such as 'bundle:', got {kind(data)}. "
            "Fix: write 'key: value' lines at the start of the file",
        )
    )
    return None


def _included_files(
    root: Path, parsed: _ParsedFile, data: dict[str, object], problems: list[BundleProblem]
) -> list[str]:
    """The files the root's ``include`` globs match, relative to the root, each once, in glob order."""
    entries = data.get("include")
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.append(_include_problem(parsed, (), f"'include' must be a list of globs, got {kind(entries)}"))
        return []
    files: list[str] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, str):
            problems.append(_include_problem(parsed, (index,), f"an include entry must be a glob, got {kind(entry)}"))
            continue
        matches = sorted(Path(match).as_posix() for match in glob.glob(entry, root_dir=root))  # noqa: PTH207 - Path.glob reads '**' as any depth, the CLI's Go glob does not
        matches = [match for match in matches if (root / match).is_file()]
        if not matches:
            problems.append(_include_problem(parsed, (index,), f"'{entry}' matches no file under the bundle root"))
        for match in matches:
            if not match.endswith(INCLUDE_SUFFIXES):
                text = f"'{entry}' matches {match}, which is not a .yml, .yaml or .json file"
                problems.append(_include_problem(parsed, (index,), text))
            elif match not in files and match != parsed.label:
                files.append(match)
    return files


def _include_problem(parsed: _ParsedFile, where: YamlPath, text: str) -> BundleProblem:
    path = ("include", *where)
    line = parsed.tree.line_of(path)
    return BundleProblem(
        file=parsed.label,
        line=line,
        path=dotted(path),
        message=f"{text}. Fix: write globs relative to the bundle root that match configuration files, "
        "such as 'resources/*.yml'",
    )


def _nested_include(included: _ParsedFile) -> BundleProblem:
    return BundleProblem(
        file=included.label,
        line=included.tree.line_of(("include",)),
        path="include",
        message="'include' in an included file is ignored by the CLI. Fix: move the globs to the root file",
    )


def _resource_origins(parsed: _ParsedFile, data: dict[str, object]) -> dict[tuple[str, str], Origin]:
    resources = data.get("resources")
    if not isinstance(resources, dict):
        return {}
    return {
        (kind_name, key): parsed.place(("resources", kind_name, key))
        for kind_name, entries in resources.items()
        if isinstance(entries, dict)
        for key in entries
    }


def _without_redefined(
    content: dict[str, object],
    included: _ParsedFile,
    *,
    defined: dict[tuple[str, str], Origin],
    problems: list[BundleProblem],
) -> dict[str, object]:
    """``content`` without the resources an earlier file defined (reported); records the ones it defines."""
    resources = content.get("resources")
    if not isinstance(resources, dict):
        return content
    kept: dict[str, object] = {}
    for kind_name, entries in resources.items():
        if not isinstance(entries, dict):
            kept[kind_name] = entries
            continue
        kept[kind_name] = {key: value for key, value in entries.items() if (kind_name, key) not in defined}
        for key in entries:
            here = included.place(("resources", kind_name, key))
            if (kind_name, key) in defined:
                problems.append(_redefined(kind_name, key, first=defined[(kind_name, key)], again=here))
            else:
                defined[(kind_name, key)] = here
    return {**content, "resources": kept}


def _redefined(kind_name: str, key: str, *, first: Origin, again: Origin) -> BundleProblem:
    return BundleProblem(
        file=again.file,
        line=again.line,
        path=f"resources.{kind_name}.{key}",
        message=f"resource '{key}' is defined twice under {kind_name}: in {first} and in {again}; the CLI stops here. "
        "Fix: rename one of them or delete the copy",
    )
