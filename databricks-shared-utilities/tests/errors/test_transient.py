"""The default classifier, on builtins, HTTP statuses and look-alikes of databricks-sdk, Spark and Delta errors.

Look-alike classes below carry the real libraries' class names: the classifier matches by name so those
packages need not be imported, and these tests pin that contract. Where the real pyspark / delta-spark
classes can be built without a server, they are tested too.
"""

# ruff: noqa: N818 - look-alikes must carry the real libraries' exception names, which lack an Error suffix

import errno
import socket
import subprocess
import sys
import urllib.error
from email.message import Message

import pytest

from databricks_utils.errors import RetryExhaustedError, is_transient


# --- databricks-sdk look-alikes (names and hierarchy from databricks/sdk/errors/platform.py) ---
class DatabricksError(IOError):
    pass


class TooManyRequests(DatabricksError):
    pass


class ResourceExhausted(TooManyRequests):
    pass


class TemporarilyUnavailable(DatabricksError):
    pass


class DeadlineExceeded(DatabricksError):
    pass


class InternalError(DatabricksError):
    pass


class DataLoss(InternalError):
    pass


class BadRequest(DatabricksError):
    pass


class HttpError(Exception):
    def __init__(self, status_code: object) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


class Response:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code


class ResponseError(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__("response error")
        self.response = Response(status_code)


# --- Spark Connect / gRPC look-alikes ---
class StatusCode:
    def __init__(self, name: str) -> None:
        self.name = name


class SparkConnectGrpcException(Exception):
    def __init__(self, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self._status = status

    def getGrpcStatusCode(self) -> StatusCode | None:  # noqa: N802 - pyspark's method name
        return None if self._status is None else StatusCode(self._status)


class RpcError(Exception):
    def __init__(self, status: str) -> None:
        super().__init__(f"<_InactiveRpcError: status = StatusCode.{status}>")
        self._status = status

    def code(self) -> StatusCode:
        return StatusCode(self._status)


# Older pyspark had no status getter: only the message says which gRPC status it was.
SparkConnectGrpcExceptionWithoutStatus = type("SparkConnectGrpcException", (Exception,), {})


class BrokenStatusRpcError(RpcError):
    def code(self) -> StatusCode:
        raise RuntimeError("channel closed")


# --- Delta look-alikes (names from delta/exceptions/base.py) ---
class PySparkException(Exception):
    pass


class ConcurrentAppendException(PySparkException):
    pass


class ConcurrentDeleteReadException(PySparkException):
    pass


class ConcurrentDeleteDeleteException(PySparkException):
    pass


class ConcurrentTransactionException(PySparkException):
    pass


class ConcurrentWriteException(PySparkException):
    pass


class MetadataChangedException(PySparkException):
    pass


class ProtocolChangedException(PySparkException):
    pass


class AnalysisException(PySparkException):
    def __init__(self, message: str, condition: str | None = None) -> None:
        super().__init__(message)
        self._condition = condition

    def getCondition(self) -> str | None:  # noqa: N802 - pyspark's method name
        return self._condition


class JvmGoneException(PySparkException):
    """Like a py4j-captured error after the JVM died: str() and getCondition() raise."""

    def __str__(self) -> str:
        raise AssertionError("SparkContext._jvm is None")

    def getCondition(self) -> str | None:  # noqa: N802 - pyspark's method name
        raise AssertionError("SparkContext._gateway is None")


def _chain(outer: BaseException, *causes: BaseException) -> BaseException:
    current = outer
    for cause in causes:
        current.__cause__ = cause
        current = cause
    return outer


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionError("x"),
        ConnectionResetError(),
        ConnectionRefusedError(),
        BrokenPipeError(),
        TimeoutError(),
        socket.timeout(),  # noqa: UP041 - pin that the alias named in the contract is covered
        OSError(errno.ECONNRESET, "reset"),
        DatabricksError(errno.ETIMEDOUT, "timed out"),  # an OSError subclass keeps its errno
        DatabricksError(errno.EPIPE, "pipe"),
        DatabricksError(errno.ECONNREFUSED, "refused"),
    ],
    ids=repr,
)
def test_network_errors_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [ValueError("x"), KeyError("k"), OSError(errno.ENOENT, "missing"), FileNotFoundError(), OSError("no errno")],
    ids=repr,
)
def test_programming_and_file_errors_are_not_transient(exc: BaseException) -> None:
    assert not is_transient(exc)
    assert not is_transient(exc, idempotent=True)


@pytest.mark.parametrize("exc", [TooManyRequests("slow down"), ResourceExhausted("quota"), TemporarilyUnavailable()])
def test_databricks_sdk_throttling_and_unavailable_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


def test_databricks_sdk_deadline_exceeded_is_transient() -> None:
    assert is_transient(DeadlineExceeded("504"))


def test_databricks_sdk_bad_request_is_not_transient() -> None:
    assert not is_transient(BadRequest("invalid parameter"), idempotent=True)


def test_internal_error_is_transient_only_when_idempotent() -> None:
    assert not is_transient(InternalError("500"))
    assert is_transient(InternalError("500"), idempotent=True)


def test_data_loss_is_never_transient_even_though_it_is_an_internal_error() -> None:
    assert not is_transient(DataLoss("corrupt"), idempotent=True)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_http_status_attributes(status: int) -> None:
    assert is_transient(HttpError(status))
    assert is_transient(ResponseError(status))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_client_http_statuses_are_not_transient(status: int) -> None:
    assert not is_transient(HttpError(status), idempotent=True)
    assert not is_transient(ResponseError(status), idempotent=True)


def test_http_500_is_transient_only_when_idempotent() -> None:
    assert not is_transient(HttpError(500))
    assert is_transient(HttpError(500), idempotent=True)


@pytest.mark.parametrize("value", [True, "503", None])
def test_non_integer_status_attributes_are_ignored(value: object) -> None:
    assert not is_transient(HttpError(value))


def test_urllib_http_error_status_is_read() -> None:
    def http_error(code: int) -> urllib.error.HTTPError:
        return urllib.error.HTTPError("https://example.invalid", code, "x", Message(), None)

    assert is_transient(http_error(503))
    assert not is_transient(http_error(404))


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (SparkConnectGrpcException("gone", status="UNAVAILABLE"), True),
        (SparkConnectGrpcException("[INVALID_CURSOR.DISCONNECTED] preempted", status="INTERNAL"), True),
        (SparkConnectGrpcException("internal", status="INTERNAL"), False),
        (SparkConnectGrpcException("[TABLE_OR_VIEW_NOT_FOUND] t", status="UNKNOWN"), False),
        (SparkConnectGrpcException("status = StatusCode.UNAVAILABLE, details = ..."), True),
        (SparkConnectGrpcException("[TEMPORARILY_UNAVAILABLE_X] no status"), False),
        (SparkConnectGrpcException("[INVALID_HANDLE.SESSION_CHANGED] new server", status="FAILED_PRECONDITION"), False),
        (SparkConnectGrpcExceptionWithoutStatus("status = StatusCode.UNAVAILABLE"), True),
        (SparkConnectGrpcExceptionWithoutStatus("status = StatusCode.INTERNAL"), False),
        (RpcError("UNAVAILABLE"), True),
        (RpcError("INVALID_ARGUMENT"), False),
        (BrokenStatusRpcError("UNAVAILABLE"), True),  # status unreadable: the message still names it
        (BrokenStatusRpcError("INTERNAL"), False),
    ],
    ids=repr,
)
def test_spark_connect_follows_sparks_own_retry_policy(exc: BaseException, *, expected: bool) -> None:
    assert is_transient(exc) is expected


def test_session_changed_is_not_transient_because_the_session_is_closed() -> None:
    exc = SparkConnectGrpcException("[INVALID_HANDLE.SESSION_CHANGED] The existing Spark server driver has restarted.")
    assert not is_transient(exc, idempotent=True)


DELTA_CONFLICTS = [
    ConcurrentAppendException("files added"),
    ConcurrentDeleteReadException("x"),
    ConcurrentDeleteDeleteException("x"),
    ConcurrentTransactionException("x"),
    ConcurrentWriteException("x"),
    MetadataChangedException("x"),
    ProtocolChangedException("x"),
    AnalysisException("conflict", condition="DELTA_CONCURRENT_APPEND.WITH_PARTITION_HINT"),
    AnalysisException("[DELTA_CONCURRENT_DELETE_READ] Transaction conflict detected"),
    PySparkException("io.delta.exceptions.ConcurrentAppendException: Files were added to the root of the table"),
]


@pytest.mark.parametrize("exc", DELTA_CONFLICTS, ids=repr)
def test_delta_conflicts_are_transient_only_when_idempotent(exc: BaseException) -> None:
    assert not is_transient(exc)
    assert is_transient(exc, idempotent=True)


@pytest.mark.parametrize(
    "exc",
    [
        AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] t", condition="TABLE_OR_VIEW_NOT_FOUND"),
        AnalysisException("[DELTA_CONCURRENT_APPEND_FOO] a longer identifier is not the error class"),
        JvmGoneException(),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_other_spark_errors_are_not_delta_conflicts(exc: BaseException) -> None:
    assert not is_transient(exc, idempotent=True)


def test_delta_conflict_text_is_read_from_args_when_str_fails() -> None:
    class CapturedConflict(JvmGoneException):
        pass

    exc = CapturedConflict("[DELTA_CONCURRENT_APPEND] Files were added")
    assert is_transient(exc, idempotent=True)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_chain(RuntimeError("py4j wrapper"), ConnectionResetError()), True),
        (_chain(RuntimeError("outer"), ValueError("middle"), TimeoutError()), True),
        (_chain(RuntimeError("a"), ValueError("b"), KeyError("c"), TimeoutError()), False),  # deeper than 2
        (_chain(RuntimeError("outer"), ValueError("not transient")), False),
    ],
    ids=["one-level", "two-levels", "three-levels-not-followed", "non-transient-cause"],
)
def test_cause_chain_is_followed_two_levels(exc: BaseException, *, expected: bool) -> None:
    assert is_transient(exc) is expected


def test_delta_conflict_cause_respects_idempotent() -> None:
    exc = _chain(RuntimeError("job failed"), ConcurrentAppendException("files added"))
    assert not is_transient(exc)
    assert is_transient(exc, idempotent=True)


def test_implicit_context_is_not_followed() -> None:
    exc = RuntimeError("raised while handling")
    exc.__context__ = ConnectionResetError()
    assert not is_transient(exc)


def test_exhausted_retry_is_never_transient_even_with_a_transient_cause() -> None:
    last = ConnectionResetError("reset")
    exhausted = RetryExhaustedError("f failed after 3 attempts", attempts=3, last_error=last)
    exhausted.__cause__ = last
    assert not is_transient(exhausted, idempotent=True)


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(1), GeneratorExit()], ids=repr)
def test_non_exception_base_exceptions_are_never_transient(exc: BaseException) -> None:
    assert not is_transient(exc, idempotent=True)


def test_requests_errors_match_by_qualified_name() -> None:
    connection_error = type("ConnectionError", (OSError,), {"__module__": "requests.exceptions"})
    read_timeout = type("ReadTimeout", (type("Timeout", (OSError,), {"__module__": "requests.exceptions"}),), {})
    other_module = type("Timeout", (Exception,), {"__module__": "mylib.errors"})
    assert is_transient(connection_error("Max retries exceeded"))
    assert is_transient(read_timeout("read timed out"))
    assert not is_transient(other_module())


@pytest.mark.subprocess
def test_classifier_module_imports_no_heavy_package() -> None:
    code = (
        "import sys, databricks_utils.errors.transient;"
        "heavy = {'pyspark', 'grpc', 'databricks.sdk', 'py4j', 'delta'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- the real pyspark / delta-spark classes, built without a server ---
def test_real_spark_connect_grpc_exception() -> None:
    grpc = pytest.importorskip("grpc")
    connect = pytest.importorskip("pyspark.errors.exceptions.connect")
    unavailable = connect.SparkConnectGrpcException(message="gone", grpc_status_code=grpc.StatusCode.UNAVAILABLE)
    disconnected = connect.SparkConnectGrpcException(
        message="[INVALID_CURSOR.DISCONNECTED] preempted", grpc_status_code=grpc.StatusCode.INTERNAL
    )
    session_changed = connect.SparkConnectGrpcException(
        message="[INVALID_HANDLE.SESSION_CHANGED] restarted",
        errorClass="INVALID_HANDLE.SESSION_CHANGED",
        messageParameters={},
        grpc_status_code=grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert is_transient(unavailable)
    assert is_transient(disconnected)
    assert not is_transient(session_changed, idempotent=True)
    assert not is_transient(connect.AnalysisException(message="[TABLE_OR_VIEW_NOT_FOUND] t"), idempotent=True)


def test_real_delta_exceptions() -> None:
    pytest.importorskip("grpc")
    base = pytest.importorskip("delta.exceptions.base")
    connect = pytest.importorskip("delta.connect.exceptions")
    classic = base.ConcurrentAppendException(message="files added")
    over_connect = connect.ConcurrentAppendException(
        message="[DELTA_CONCURRENT_APPEND.WITH_PARTITION_HINT] Files were added",
        errorClass="DELTA_CONCURRENT_APPEND.WITH_PARTITION_HINT",
        messageParameters={},
    )
    for exc in (classic, over_connect, base.MetadataChangedException(message="x")):
        assert not is_transient(exc)
        assert is_transient(exc, idempotent=True)
