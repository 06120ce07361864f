"""What to profile: a file, folder or glob (csv, json, parquet, delta) or a table, read and sampled once.

The sample is one seeded random draw across the whole data (never the first N rows in file order, which
would profile one corner of a time-ordered file), materialised once so every statistic describes the same
rows.

Example:
    >>> source = resolve_source("data/orders.csv", base_dir=Path("."))  # doctest: +SKIP
    >>> df = read_source(spark, source, options={"nullValue": "NA"})  # doctest: +SKIP
    >>> sampled = sample_frame(df, rows=100_000, seed=7)  # doctest: +SKIP
    >>> sampled.description  # doctest: +SKIP
    'seeded random sample of 100000 rows (seed 7) of 1234567 rows'
"""

from __future__ import annotations

import contextlib
import glob
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from databricks_utils.errors import DataSourceError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

Format = Literal["csv", "json", "parquet", "delta"]
FORMATS: Final[tuple[Format, ...]] = ("csv", "json", "parquet", "delta")
_EXTENSIONS: Final[Mapping[str, Format]] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_READER_DEFAULTS: Final[Mapping[str, Mapping[str, str]]] = {
    # Typed columns are what a profile is for; a column that fails inference (a number column with
    # 'NA' in it) stays a string, which is exactly how sentinel nulls are found.
    "csv": {"header": "true", "inferSchema": "true"},
}
_JAVA_CLASS: Final = re.compile(r"^(?:[\w$]+\.)+[\w$]*(?:Exception|Error): ")
_TABLE_NAME: Final = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*){0,2}$|^`[^`]+`(\.`[^`]+`){0,2}$")


@dataclass(frozen=True)
class Source:
    """A resolved data source: files (with their format) or a table."""

    kind: Literal["path", "table"]
    location: str
    format: Format | None = None

    def describe(self) -> str:
        """``csv files data/orders.csv`` or ``table main.sales.orders``."""
        return f"table {self.location}" if self.kind == "table" else f"{self.format} {self.location}"


@dataclass(frozen=True)
class Sample:
    """The frame to profile and what it is."""

    frame: DataFrame
    description: str
    rows: int | None = None


def looks_like_table(text: str) -> bool:
    """True when ``text`` reads as a table name (``tbl``, ``schema.tbl``, ``cat.schema.tbl``, backticks allowed).

    A name ending in a data file extension (``orders.csv``) is a file, not a table.

    Example:
        >>> looks_like_table("main.sales.orders"), looks_like_table("data/orders.csv")
        (True, False)
    """
    return bool(_TABLE_NAME.match(text)) and not any(text.lower().endswith(ext) for ext in _EXTENSIONS)


def resolve_source(source: str, *, base_dir: Path, format: Format | None = None) -> Source:
    """A path (file, folder, glob; relative to ``base_dir``) when one exists, else a table name.

    Raises:
        DataSourceError: Nothing matches, the format cannot be told from the path, or the text is neither.
    """
    text = source.strip()
    if not text:
        raise DataSourceError("SOURCE is empty. Fix: give a file, folder, glob or table name")
    path = Path(text).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if glob.has_magic(text):
        matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))  # noqa: PTH207 - absolute patterns
        if not matches:
            raise DataSourceError(f"SOURCE {source!r}: no file matches the glob. Fix: check the pattern")
        return Source("path", str(path), format or _format_of_files(matches, source))
    if path.exists():
        return Source("path", str(path.resolve()), format or _format_of(path, source))
    if looks_like_table(text):
        return Source("table", text, None)
    raise DataSourceError(
        f"SOURCE {source!r}: no such file or folder (looked in {base_dir}), and it is not a table name. "
        "Fix: check the path, or give a table as catalog.schema.table"
    )


def _format_of(path: Path, source: str) -> Format:
    if path.is_dir():
        if (path / "_delta_log").is_dir():
            return "delta"
        files = [p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_"))]
        if not files:
            raise DataSourceError(f"SOURCE {source!r}: the folder has no data files. Fix: point at a folder of data")
        return _format_of_files(files, source)
    return _format_of_files([path], source)


def _format_of_files(files: list[Path], source: str) -> Format:
    found = {_EXTENSIONS.get(p.suffix.lower()) for p in files}
    if None in found or len(found) != 1:
        suffixes = sorted({p.suffix or "(none)" for p in files})
        raise DataSourceError(
            f"SOURCE {source!r}: cannot tell the format from the file names ({', '.join(suffixes)}). "
            f"Fix: pass --format with one of {', '.join(FORMATS)}"
        )
    (fmt,) = found
    assert fmt is not None  # noqa: S101 - None was excluded above; narrows the type
    return fmt


def read_source(spark: SparkSession, source: Source, *, options: Mapping[str, str] | None = None) -> DataFrame:
    """Read ``source`` with its reader defaults (CSV: header and schema inference) and ``options`` on top.

    Spark reads lazily: run the actions on the frame inside :func:`reading` too, so a file that fails later
    (a corrupt row, a bad footer) gets the same clear error.

    Raises:
        DataSourceError: The files or table cannot be read (the message keeps Spark's reason).
    """
    with reading(source):
        if source.kind == "table":
            return spark.table(source.location)
        fmt = source.format or "parquet"
        reader = spark.read.format(fmt).options(**{**_READER_DEFAULTS.get(fmt, {}), **(options or {})})
        if source.location.endswith(".tsv") and "sep" not in (options or {}):
            reader = reader.option("sep", "\t")
        return reader.load(source.location)


@contextlib.contextmanager
def reading(source: Source) -> Iterator[None]:
    """Turn Spark's errors while reading ``source`` into one :class:`DataSourceError` with the reason and a fix.

    Raises:
        DataSourceError: Spark failed (analysis, a missing table, an unreadable file).
    """
    spark_errors = _spark_error_types()
    try:
        yield
    except spark_errors as err:
        reason = _reason(err)
        raise DataSourceError(
            f"SOURCE {source.describe()}: cannot be read ({reason[:400]}). "
            "Fix: check the path or table, the format and the reader options"
        ) from err


def _reason(err: BaseException) -> str:
    """The first informative line of a Spark error, without py4j's call line or the Java class name."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("An error occurred while calling")]
    first = useful[0] if useful else type(err).__name__
    return _JAVA_CLASS.sub("", first.removeprefix(": "))


def _spark_error_types() -> tuple[type[BaseException], ...]:
    from pyspark.errors import PySparkException

    try:  # classic Spark raises Java errors through py4j; Spark Connect has no JVM here
        from py4j.protocol import Py4JJavaError
    except ImportError:  # pragma: no cover - py4j ships with pyspark
        return (PySparkException,)
    return (PySparkException, Py4JJavaError)


def sample_frame(df: DataFrame, *, rows: int | None = None, fraction: float | None = None, seed: int = 42) -> Sample:
    """The rows to profile: all of them, a seeded random ``rows``, or a seeded ``fraction``; materialised once.

    ``rows`` keeps the ``rows`` rows with the smallest seeded random key: Spark takes the top rows of each
    partition and merges them, so nothing is sorted in full and every part of the data can be drawn.

    Raises:
        ValueError: Both or an invalid ``rows`` / ``fraction``.
    """
    from pyspark.sql import functions as sf

    if rows is not None and fraction is not None:
        raise ValueError("sample: give rows or fraction, not both")
    if rows is not None and rows < 1:
        raise ValueError(f"sample: rows must be >= 1, got {rows}")
    if fraction is not None and not 0 < fraction <= 1:
        raise ValueError(f"sample: fraction must be in (0, 1], got {fraction}")
    if rows is None and fraction is None:
        return Sample(df, "all rows")
    if fraction is None:
        key = "__profile_sample_key"
        sampled = df.withColumn(key, sf.rand(seed)).orderBy(key).limit(rows or 1).drop(key)
        what = f"seeded random sample of up to {rows} rows (seed {seed})"
    else:
        sampled = df.sample(withReplacement=False, fraction=fraction, seed=seed)
        what = f"seeded random {fraction:.4g} fraction of the rows (seed {seed})"
    frame = _materialised(sampled)
    count = frame.count()
    return Sample(frame, f"{what}: {count} rows", rows=count)


def _materialised(df: DataFrame) -> DataFrame:
    """``df`` computed once, so every statistic describes the same rows (a local checkpoint where cache is refused)."""
    try:
        return df.cache()
    except Exception:  # serverless refuses cache() with its own error types
        return df.localCheckpoint(eager=True)
