"""Classify errors as transient (worth retrying) without importing databricks-sdk, pyspark or grpc.

Every check works on class names in the exception's MRO, plain attributes and message text, so the
classifier is cheap to import and behaves the same whether or not the optional packages are installed
(and with databricks-connect's own ``pyspark``). The knowledge comes from the libraries themselves:

* databricks-sdk maps HTTP statuses to classes in ``databricks/sdk/errors/platform.py``
  (429 ``TooManyRequests``, 500 ``InternalError``, 503 ``TemporarilyUnavailable``,
  504 ``DeadlineExceeded``); its ``DatabricksError`` carries no status attribute, so the class name
  is the signal. Subclasses (``ResourceExhausted``, ``RequestLimitExceeded``) match through the MRO.
* Spark Connect retries, in ``pyspark/sql/connect/client/retries.py`` (``DefaultPolicy``), gRPC
  ``UNAVAILABLE`` and ``INTERNAL`` errors whose message holds ``INVALID_CURSOR.DISCONNECTED``; once its
  own retries are spent the client raises ``SparkConnectGrpcException`` carrying the gRPC status.
  ``INVALID_HANDLE.SESSION_CHANGED`` is deliberately *not* transient: the client marks the session
  closed on it, so retrying the same call cannot succeed; the caller must build a new session.
* Delta commit conflicts (``delta/exceptions/base.py`` and the Scala ``io.delta.exceptions``
  error classes ``DELTA_CONCURRENT_APPEND`` ...) are transient only for idempotent work: see
  :func:`is_transient`.
"""

from __future__ import annotations

import errno
import re
from typing import Final

__all__ = ["is_transient"]

_CAUSE_DEPTH: Final = 2
"""How many ``__cause__`` links to follow: py4j and SDK wrappers add one or two levels."""

_TRANSIENT_ERRNOS: Final = frozenset({errno.ECONNRESET, errno.ECONNREFUSED, errno.ETIMEDOUT, errno.EPIPE})
_TRANSIENT_HTTP_STATUSES: Final = frozenset({429, 502, 503, 504})
_IDEMPOTENT_HTTP_STATUSES: Final = frozenset({500})
_STATUS_ATTRIBUTES: Final = ("status_code", "status", "http_status")

# databricks-sdk platform errors, matched by name so the SDK need not be imported.
_SDK_TRANSIENT_NAMES: Final = frozenset({"TooManyRequests", "TemporarilyUnavailable", "DeadlineExceeded"})
_SDK_IDEMPOTENT_NAMES: Final = frozenset({"InternalError"})
# DataLoss subclasses InternalError in the SDK but is unrecoverable: never retry it.
_NEVER_TRANSIENT_NAMES: Final = frozenset({"DataLoss", "RetryExhaustedError"})
# requests' errors are not builtin ConnectionError/TimeoutError; match them by qualified name.
_QUALIFIED_TRANSIENT_NAMES: Final = frozenset({"requests.exceptions.ConnectionError", "requests.exceptions.Timeout"})

_GRPC_ERROR_NAMES: Final = frozenset({"SparkConnectGrpcException", "RpcError"})
_GRPC_UNAVAILABLE_TEXT: Final = re.compile(r"StatusCode\.UNAVAILABLE\b")
_SPARK_DISCONNECTED_CURSOR: Final = "INVALID_CURSOR.DISCONNECTED"

_DELTA_CONFLICT_NAMES: Final = frozenset(
    {
        "DeltaConcurrentModificationException",
        "ConcurrentWriteException",
        "MetadataChangedException",
        "ProtocolChangedException",
        "ConcurrentAppendException",
        "ConcurrentDeleteReadException",
        "ConcurrentDeleteDeleteException",
        "ConcurrentTransactionException",
    }
)
_DELTA_CONFLICT_CONDITIONS: Final = (
    "DELTA_CONCURRENT_WRITE",
    "DELTA_METADATA_CHANGED",
    "DELTA_PROTOCOL_CHANGED",
    "DELTA_CONCURRENT_APPEND",
    "DELTA_CONCURRENT_DELETE_READ",
    "DELTA_CONCURRENT_DELETE_DELETE",
    "DELTA_CONCURRENT_TRANSACTION",
)
# Word-bounded so e.g. "DELTA_CONCURRENT_APPEND.WITH_PARTITION_HINT" matches but a longer identifier does not.
_DELTA_CONFLICT_TEXT: Final = re.compile(
    r"\b(?:" + "|".join(sorted(_DELTA_CONFLICT_NAMES) + list(_DELTA_CONFLICT_CONDITIONS)) + r")\b"
)


def is_transient(exc: BaseException, *, idempotent: bool = False) -> bool:
    """Tell whether ``exc`` is a transient Databricks/Spark/network failure that a retry may fix.

    Transient: builtin ``ConnectionError`` (and subclasses) and ``TimeoutError`` (``socket.timeout``
    is an alias); ``OSError`` with errno ``ECONNRESET``/``ECONNREFUSED``/``ETIMEDOUT``/``EPIPE``;
    ``requests`` connection and timeout errors; databricks-sdk ``TooManyRequests``,
    ``TemporarilyUnavailable`` and ``DeadlineExceeded``; any error whose ``status_code``/``status``/
    ``http_status`` (or ``response.status_code``/``response.status``) is 429, 502, 503 or 504; Spark
    Connect/gRPC errors with status ``UNAVAILABLE``, or ``INTERNAL`` with ``INVALID_CURSOR.DISCONNECTED``.

    Only when ``idempotent=True``: Delta commit conflicts (``ConcurrentAppendException`` & co., or a
    message naming their error class such as ``DELTA_CONCURRENT_APPEND``) and HTTP 500 /
    databricks-sdk ``InternalError``. A conflict means another writer committed first; blindly re-running
    a read-modify-write (an ``UPDATE`` computed from a stale read, an append that is not keyed) can
    duplicate or lose data, and a 500 may come after the server applied the change. Pass
    ``idempotent=True`` only for work that is safe to run twice (``MERGE`` on a key, overwrite of a
    partition, a ``txnAppId``/``txnVersion`` write).

    Never transient: ``KeyboardInterrupt``/``SystemExit`` and other non-``Exception`` errors,
    databricks-sdk ``DataLoss``, and ``RetryExhaustedError`` (an inner retry already gave up; retrying
    it again would multiply the attempts). The ``__cause__`` chain is followed two levels, because py4j
    and client libraries wrap the original error.

    Args:
        exc: The error to classify.
        idempotent: Whether the failed operation is safe to repeat; widens the set as described.

    Returns:
        True if retrying the operation may succeed.

    Example:
        >>> is_transient(ConnectionResetError())
        True
        >>> is_transient(ValueError("bad input"))
        False
    """
    current: BaseException | None = exc
    for _ in range(_CAUSE_DEPTH + 1):
        if current is None or _never_transient(current):
            return False
        if _is_transient_one(current, idempotent=idempotent):
            return True
        current = current.__cause__
    return False


def _never_transient(exc: BaseException) -> bool:
    """Errors that must stop the retry loop even when wrapping a transient cause."""
    return not isinstance(exc, Exception) or bool(_mro_names(exc) & _NEVER_TRANSIENT_NAMES)


def _is_transient_one(exc: BaseException, *, idempotent: bool) -> bool:
    """Classify one error, ignoring its cause chain."""
    names = _mro_names(exc)
    if _is_network_error(exc) or names & _SDK_TRANSIENT_NAMES or _qualified_names(exc) & _QUALIFIED_TRANSIENT_NAMES:
        return True
    status = _http_status(exc)
    if status in _TRANSIENT_HTTP_STATUSES or (names & _GRPC_ERROR_NAMES and _is_grpc_transient(exc)):
        return True
    if not idempotent:
        return False
    return status in _IDEMPOTENT_HTTP_STATUSES or bool(names & _SDK_IDEMPOTENT_NAMES) or _is_delta_conflict(exc)


def _is_network_error(exc: BaseException) -> bool:
    """Builtin connection/timeout errors, and OSErrors carrying a connection-level errno."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS


def _mro_names(exc: BaseException) -> frozenset[str]:
    return frozenset(cls.__name__ for cls in type(exc).__mro__)


def _qualified_names(exc: BaseException) -> frozenset[str]:
    return frozenset(f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__)


def _http_status(exc: BaseException) -> int | None:
    """The HTTP status an error carries on itself or on its ``response``, if any."""
    response = getattr(exc, "response", None)
    for holder in (exc, response):
        if holder is None:
            continue
        for attribute in _STATUS_ATTRIBUTES:
            value = getattr(holder, attribute, None)
            # bool is an int subclass; a flag named "status" is not an HTTP status.
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


def _is_grpc_transient(exc: BaseException) -> bool:
    """Spark Connect's DefaultPolicy rules, applied to the status name so grpc is never imported."""
    code = _grpc_status_name(exc)
    text = _safe_text(exc)
    if code == "UNAVAILABLE":
        return True
    if code == "INTERNAL":
        return _SPARK_DISCONNECTED_CURSOR in text
    # Older pyspark kept no status attribute; the message of a raw gRPC error names it instead.
    return code is None and _GRPC_UNAVAILABLE_TEXT.search(text) is not None


def _grpc_status_name(exc: BaseException) -> str | None:
    """The gRPC status name from ``getGrpcStatusCode()`` (pyspark) or ``code()`` (grpc.RpcError)."""
    for method_name in ("getGrpcStatusCode", "code"):
        method = getattr(exc, method_name, None)
        if not callable(method):
            continue
        try:
            code = method()
        except Exception:  # a classifier must never raise; an unreadable status is "unknown"
            return None
        name = getattr(code, "name", None)
        return name if isinstance(name, str) and name != "UNKNOWN" else None
    return None


def _is_delta_conflict(exc: BaseException) -> bool:
    """Delta commit conflict by class name, error condition or message text."""
    if _mro_names(exc) & _DELTA_CONFLICT_NAMES:
        return True
    condition = _spark_condition(exc)
    if condition is not None and condition.split(".", 1)[0] in _DELTA_CONFLICT_CONDITIONS:
        return True
    return _DELTA_CONFLICT_TEXT.search(_safe_text(exc)) is not None


def _spark_condition(exc: BaseException) -> str | None:
    """The Spark error condition of a PySparkException look-alike, if it can be read."""
    get_condition = getattr(exc, "getCondition", None)
    if not callable(get_condition):
        return None
    try:
        condition = get_condition()
    except Exception:  # py4j-backed getters call the JVM, which may be gone
        return None
    return condition if isinstance(condition, str) else None


def _safe_text(exc: BaseException) -> str:
    """``str(exc)``, falling back to its args: py4j-captured errors call the JVM in ``__str__``."""
    try:
        return str(exc)
    except Exception:  # fall back rather than let classification fail
        return " ".join(str(arg) for arg in exc.args)
