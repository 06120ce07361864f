"""Run a Spark Connect server on this machine from the pyspark wheel (tests, demos, databricks-connect dev).

The wheel carries the server jar but (in 4.2) not ``sbin/start-connect-server.sh``, so this starts
``spark-submit --class org.apache.spark.sql.connect.service.SparkConnectServer`` directly, bound to
127.0.0.1, with the Delta jars when they are installed.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import NoReturn

from databricks_utils.errors.exceptions import SparkSessionError, missing_dependency
from databricks_utils.spark import delta

logger = logging.getLogger(__name__)
SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def free_port() -> int:
    """An unused TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ConnectServer:
    """A local Spark Connect server process; use as a context manager.

    Example:
        >>> with ConnectServer() as server:  # doctest: +SKIP
        ...     spark = SparkSession.builder.remote(server.url).getOrCreate()
    """

    port: int = field(default_factory=free_port)
    master: str = "local[2]"
    delta: bool = True
    startup_timeout_s: float = 120.0
    clock: Callable[[], float] = time.monotonic
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _workdir: Path | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        """The ``sc://`` URL for ``SparkSession.builder.remote`` or ``SPARK_REMOTE``."""
        return f"sc://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path | None:
        """The server's combined stdout/stderr, for diagnosing a failed start."""
        return self._workdir / "server.log" if self._workdir else None

    def command(self) -> list[str]:
        """The spark-submit command line that starts the server."""
        spark_home = _spark_home()
        cmd = [
            str(spark_home / "bin" / "spark-submit"),
            "--class",
            SERVER_CLASS,
            "--name",
            "databricks-utils Spark Connect server",
            "--master",
            self.master,
            "--conf",
            "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf",
            f"spark.connect.grpc.binding.port={self.port}",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        ]
        jars = delta.find_jars() if self.delta else None
        if jars:
            cmd += ["--jars", ",".join(str(j) for j in jars)]
            for key, value in delta.DELTA_CONF.items():
                cmd += ["--conf", f"{key}={value}"]
        return cmd

    def start(self) -> ConnectServer:
        """Start the server and wait until its port accepts connections.

        Raises:
            SparkSessionError: the server exited or did not open its port within ``startup_timeout_s``.
        """
        self._workdir = Path(tempfile.mkdtemp(prefix="dbx-connect-"))
        env = os.environ | {
            "SPARK_HOME": str(_spark_home()),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOG_DIR": str(self._workdir),
            "SPARK_PID_DIR": str(self._workdir),
        }
        with (self._workdir / "server.log").open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603  # fixed argv built above, no shell
                self.command(), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self._workdir
            )
        self._wait_for_port()
        logger.info("Spark Connect server listening at %s (pid %d)", self.url, self._process.pid)
        return self

    def _wait_for_port(self) -> None:
        assert self._process is not None  # noqa: S101  # start() sets it just before
        deadline = self.clock() + self.startup_timeout_s
        while self.clock() < deadline:
            if self._process.poll() is not None:
                self._fail(f"exited with code {self._process.returncode} before listening on port {self.port}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)  # polling a port that is not open yet
        self._fail(f"did not open port {self.port} within {self.startup_timeout_s:.0f} s")

    def _fail(self, what: str) -> NoReturn:
        log = self.log_file
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:] if log else []
        self.stop()
        raise SparkSessionError(f"Spark Connect server {what}. Last log lines: {' | '.join(tail) or '(none)'}")

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 20 s) and remove its work folder."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> ConnectServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _spark_home() -> Path:
    try:
        import pyspark
    except ImportError as err:
        raise missing_dependency("pyspark", extra="local", purpose="run a Spark Connect server") from err
    return Path(pyspark.__file__).parent
